//! One user against a real Postgres: GetUser and UpdateUser (rename and move keep the UserId).

mod common;

use common::*;
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
use lanyard_iam::IamError;
use sqlx::PgPool;

#[sqlx::test]
async fn get_user_finds_names_ignoring_case_and_reports_missing_ones_like_iam(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let created = user(&e, &a.account_id, "owner@example.com", "Alice").await;
    let root = root_of(&a);
    let got = e.get_user(&root, "alice").await.unwrap();
    assert_eq!(got.user, created);
    assert!(got.console_access);
    assert_eq!(got.password_last_used_at, None);
    let err = e.get_user(&root, "nobody").await.unwrap_err();
    assert_eq!(err, IamError::NoSuchEntity("The user with name nobody cannot be found.".into()));
}

#[sqlx::test]
async fn rename_and_move_keep_the_user_id_and_the_password(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let before = user(&e, &a.account_id, "owner@example.com", "alice").await;
    let root = root_of(&a);
    let after = e.update_user(&root, "alice", Some("alice.smith"), Some("/eng/ops/")).await.unwrap();
    assert_eq!(after.user_id, before.user_id);
    assert_eq!(after.arn, format!("arn:aws:iam::{}:user/eng/ops/alice.smith", a.account_id));
    assert!(e.get_user(&root, "alice").await.is_err());
    let level = e.list_path_level(&root, "/").await.unwrap();
    assert_eq!(level.direct_users, 0);
    assert_eq!(level.children[0].path, "/eng/");
    let signed = e
        .sign_in(SignInRequest {
            target: SignInTarget::User { account: "acme".into(), user_name: "alice.smith".into() },
            password: Password::new(USER_PASSWORD),
            source: "192.0.2.1".parse().unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(signed.principal.arn(), after.arn);
}

#[sqlx::test]
async fn update_refuses_taken_names_ignoring_case_and_reports_every_bad_field(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    user(&e, &a.account_id, "owner@example.com", "alice").await;
    user(&e, &a.account_id, "owner@example.com", "bob").await;
    let root = root_of(&a);
    let err = e.update_user(&root, "alice", Some("BOB"), None).await.unwrap_err();
    assert_eq!(err, IamError::EntityAlreadyExists("User with name BOB already exists.".into()));
    let err = e.update_user(&root, "alice", Some("bad name"), Some("no-slash")).await.unwrap_err();
    let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["newUserName", "newPath"]);
    // Nothing changed.
    assert_eq!(e.get_user(&root, "alice").await.unwrap().user.path.as_str(), "/");
    // Changing only the case of one's own name is allowed.
    let renamed = e.update_user(&root, "alice", Some("Alice"), None).await.unwrap();
    assert_eq!(renamed.user_name.as_str(), "Alice");
}
