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
            user_agent: None,
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

/// The console's multi-delete: all selected users go, with their credentials, in one transaction;
/// one the caller may not delete keeps every one of them.
#[sqlx::test]
async fn deleting_selected_users_is_all_or_nothing(pool: PgPool) {
    use lanyard_iam::usecases::add_users::AddUsers;
    use lanyard_iam::usecases::policies::{NewPolicy, PolicyTarget};

    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    let names: Vec<String> = ["d1", "d2", "protected"].iter().map(|n| n.to_string()).collect();
    e.add_users(&root, AddUsers { user_names: names.clone(), access_key: true, ..Default::default() }).await.unwrap();
    let deleter = bare_user(&e, &a.account_id, "owner@example.com", "deleter").await;
    let doc = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["iam:DeleteUser","iam:DeleteAccessKey"],"Resource":"*"},
        {"Effect":"Deny","Action":"iam:DeleteUser","Resource":"arn:aws:iam::*:user/protected"}]}"#;
    let p = e
        .create_policy(&root, NewPolicy { policy_name: "Deleter".into(), document: doc.into(), ..Default::default() })
        .await
        .unwrap();
    e.attach_policy(&root, &PolicyTarget::User("deleter".into()), &p.arn).await.unwrap();
    let deleter = act(&e, deleter.principal()).await;

    let refused = e.delete_users_with_credentials(&deleter, &names).await;
    assert!(matches!(refused, Err(IamError::AccessDenied(_))), "{refused:?}");
    for name in &names {
        assert!(e.get_user(&root, name).await.is_ok(), "{name} was kept: nothing of a refused batch is deleted");
    }
    let deleted = e.delete_users_with_credentials(&deleter, &names[..2]).await.unwrap();
    assert_eq!(deleted.len(), 2);
    assert!(matches!(e.get_user(&root, "d1").await, Err(IamError::NoSuchEntity(_))));
    assert!(e.get_user(&root, "protected").await.is_ok());
}

/// The users list's columns are remembered per principal: root's choice is not a user's.
#[sqlx::test]
async fn column_choices_are_remembered_per_principal(pool: PgPool) {
    use lanyard_iam::domain::UserColumn;

    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    let user = bare_user(&e, &a.account_id, "owner@example.com", "viewer").await;
    assert_eq!(e.user_columns(&root).await.unwrap(), UserColumn::DEFAULT);

    let chosen = e.set_user_columns(&root, &["mfa".into(), "bogus".into(), "path".into()]).await.unwrap();
    assert_eq!(chosen, [UserColumn::Path, UserColumn::Mfa]);
    assert_eq!(e.user_columns(&root).await.unwrap(), [UserColumn::Path, UserColumn::Mfa]);
    assert_eq!(e.user_columns(&user).await.unwrap(), UserColumn::DEFAULT, "another principal is unaffected");

    e.set_user_columns(&user, &[]).await.unwrap();
    assert_eq!(e.user_columns(&user).await.unwrap(), []);
    e.set_user_columns(&user, &["created".into()]).await.unwrap();
    assert_eq!(e.user_columns(&user).await.unwrap(), [UserColumn::Created], "a second choice replaces the first");
    assert_eq!(e.user_columns(&root).await.unwrap(), [UserColumn::Path, UserColumn::Mfa]);
}

/// GetUser reads the user, console access, tags, boundary and sign-in lock in one statement:
/// each must still come back right (tags in IAM's key order, the lock only for that user and
/// under any spelling of the name).
#[sqlx::test]
async fn get_user_reads_tags_boundary_and_sign_in_lock_with_the_user(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "Alice").await;
    user(&e, &a.account_id, "owner@example.com", "bob").await;
    let root = root_of(&a);
    let tags = [("team", "ops"), ("Cost", "42"), ("b", "")].map(|(k, v)| (k.to_owned(), v.to_owned()));
    e.tag_user(&root, "alice", &tags).await.unwrap();
    e.put_user_permissions_boundary(&root, "alice", "arn:aws:iam::aws:policy/IAMReadOnlyAccess").await.unwrap();
    for _ in 0..2 {
        let wrong = SignInRequest {
            target: SignInTarget::User { account: "acme".into(), user_name: "ALICE".into() },
            password: Password::new("Wrong-Passw0rd!"),
            source: "192.0.2.1".parse().unwrap(),
            user_agent: None,
        };
        assert!(e.sign_in(wrong).await.is_err());
    }

    let got = e.get_user(&root, "aLiCe").await.unwrap();
    let keys: Vec<&str> = got.tags.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["b", "Cost", "team"]);
    assert_eq!(got.tags[1].value, "42");
    assert_eq!(got.permissions_boundary.as_deref(), Some("arn:aws:iam::aws:policy/IAMReadOnlyAccess"));
    assert_eq!(got.sign_in_lock.map(|l| l.failures), Some(2));
    assert!(got.console_access);

    let other = e.get_user(&root, "bob").await.unwrap();
    assert!(other.tags.is_empty());
    assert_eq!(other.permissions_boundary, None);
    assert_eq!(other.sign_in_lock, None);
}

/// The database holds names and paths to the domain's rules (CHECK constraints, issue 30): a row
/// that bypasses the validators is refused by PostgreSQL itself.
#[sqlx::test]
async fn the_database_refuses_names_and_paths_the_domain_refuses(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let insert_user = |name: &'static str, path: &'static str| {
        let (pool, account) = (pool.clone(), a.account_id.to_string());
        async move {
            sqlx::query(
                "INSERT INTO users (user_id, account_id, user_name, path) VALUES (md5(random()::text), $1, $2, $3)",
            )
            .bind(account)
            .bind(name)
            .bind(path)
            .execute(&pool)
            .await
        }
    };
    assert!(insert_user("ok_name+=,.@-", "/eng/team/").await.is_ok());
    for (name, path) in [("bad name", "/"), ("", "/"), ("x", "eng/"), ("y", "/eng"), ("z", "/a b/")] {
        let err = insert_user(name, path).await.unwrap_err();
        assert!(err.to_string().contains("_format"), "{name:?} {path:?}: {err}");
    }
    let long = "a".repeat(65);
    let err = sqlx::query("INSERT INTO users (user_id, account_id, user_name, path) VALUES ('u1', $1, $2, '/')")
        .bind(a.account_id.to_string())
        .bind(&long)
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("users_user_name_format"), "{err}");
    let err = sqlx::query("INSERT INTO groups (group_id, account_id, group_name, path) VALUES ('g1', $1, 'a/b', '/')")
        .bind(a.account_id.to_string())
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("groups_group_name_format"), "{err}");
}
