//! Groups against a real Postgres: names unique ignoring case, rename keeping members, the
//! 10-groups-per-user quota under concurrency, and the strict/console deletion split.

mod common;

use common::*;
use lanyard_iam::usecases::Dependents;
use lanyard_iam::Engine;
use sqlx::PgPool;

const EMAIL: &str = "owner@example.com";

async fn setup(pool: PgPool) -> (Engine, lanyard_iam::Actor, lanyard_iam::Actor) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, Some("acme")).await;
    let alice = user_principal(&engine, &acct.account_id, EMAIL, "alice").await;
    (engine, root_of(&acct), alice)
}

#[sqlx::test]
async fn groups_are_created_listed_renamed_and_deleted(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let admins = engine.create_group(&root, "Admins", Some("/ops/")).await.unwrap();
    assert!(admins.group_id.starts_with("AGPA") && admins.group_id.len() == 21);
    assert_eq!(admins.arn, format!("arn:aws:iam::{}:group/ops/Admins", root.account_id()));
    let e = engine.create_group(&root, "admins", None).await.unwrap_err();
    assert_eq!((e.code(), e.to_string()), ("EntityAlreadyExists", "Group with name admins already exists.".to_owned()));
    let e = engine.create_group(&root, "bad name", Some("no-slash")).await.unwrap_err();
    let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.clone()).collect();
    assert_eq!(fields, ["groupName", "path"], "both problems at once");

    engine.create_group(&root, "Readers", None).await.unwrap();
    let names =
        |gs: Vec<lanyard_iam::usecases::groups::Group>| gs.into_iter().map(|g| g.group_name).collect::<Vec<_>>();
    assert_eq!(names(engine.list_groups(&root, None).await.unwrap()), ["Admins", "Readers"]);
    assert_eq!(names(engine.list_groups(&root, Some("/ops/")).await.unwrap()), ["Admins"]);

    engine.add_user_to_group(&root, "admins", "alice").await.unwrap();
    engine.add_user_to_group(&root, "Admins", "ALICE").await.unwrap();
    let renamed = engine.update_group(&root, "Admins", Some("Operators"), Some("/")).await.unwrap();
    assert_eq!(renamed.group_id, admins.group_id, "UpdateGroup keeps the GroupId");
    assert_eq!(engine.get_group(&root, "operators").await.unwrap().members, ["alice"]);

    let e = engine.delete_group(&root, "Operators", Dependents::Refuse).await.unwrap_err();
    assert_eq!(e.code(), "DeleteConflict");
    engine.delete_group(&root, "Operators", Dependents::Remove).await.unwrap();
    assert_eq!(engine.get_group(&root, "Operators").await.unwrap_err().code(), "NoSuchEntity");
    assert!(engine.list_groups_for_user(&root, "alice").await.unwrap().is_empty());
}

#[sqlx::test]
async fn a_user_is_in_at_most_ten_groups_even_when_requests_race(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    for i in 0..14 {
        engine.create_group(&root, &format!("g{i:02}"), None).await.unwrap();
    }
    let adds = futures::future::join_all((0..14).map(|i| {
        let (engine, root) = (engine.clone(), root.clone());
        async move { engine.add_user_to_group(&root, &format!("g{i:02}"), "alice").await }
    }))
    .await;
    assert_eq!(adds.iter().filter(|r| r.is_ok()).count(), 10);
    for e in adds.into_iter().filter_map(Result::err) {
        assert_eq!(e.to_string(), "Cannot exceed quota for GroupsPerUser: 10");
    }
    assert_eq!(engine.list_groups_for_user(&root, "alice").await.unwrap().len(), 10);

    // Strict DeleteUser refuses while memberships remain; the console's delete removes them.
    assert_eq!(engine.delete_user(&root, "alice").await.unwrap_err().code(), "DeleteConflict");
    engine.delete_user_with_credentials(&root, "alice").await.unwrap();
    assert!(engine.get_group(&root, "g00").await.unwrap().members.is_empty());
}

#[sqlx::test]
async fn membership_changes_are_checked(pool: PgPool) {
    let (engine, root, alice) = setup(pool).await;
    engine.create_group(&root, "Admins", None).await.unwrap();
    // Removing a user who is not a member succeeds and changes nothing, as AWS answers.
    engine.remove_user_from_group(&root, "Admins", "alice").await.unwrap();
    assert!(engine.get_group(&root, "Admins").await.unwrap().members.is_empty());
    assert_eq!(engine.add_user_to_group(&root, "Admins", "nobody").await.unwrap_err().code(), "NoSuchEntity");
    assert_eq!(engine.add_user_to_group(&root, "Nobody", "alice").await.unwrap_err().code(), "NoSuchEntity");
    // IAM users have no permissions yet (policies come with issue 7).
    assert_eq!(engine.create_group(&alice, "Mine", None).await.unwrap_err().code(), "AccessDenied");
    assert_eq!(engine.add_user_to_group(&alice, "Admins", "alice").await.unwrap_err().code(), "AccessDenied");
}
