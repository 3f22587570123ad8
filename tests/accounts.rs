//! Accounts against a real Postgres: creation rules, uniqueness, alias replacement.

mod common;

use common::*;
use lanyard_iam::domain::{AccountRef, Password};
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::IamError;
use sqlx::PgPool;

#[sqlx::test]
async fn creates_account_with_random_12_digit_id_and_argon2id_root(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "Owner@Example.com", Some("acme")).await;
    let b = account(&e, "other@example.com", None).await;
    assert_eq!(a.account_id.as_str().len(), 12);
    assert_ne!(a.account_id, b.account_id);
    assert_eq!(a.alias.as_ref().map(|x| x.as_str()), Some("acme"));
    let hash: String = sqlx::query_scalar("SELECT root_password_hash FROM accounts WHERE account_id = $1")
        .bind(a.account_id.as_str())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!hash.contains(ROOT_PASSWORD));
}

#[sqlx::test]
async fn reports_every_invalid_field_and_writes_nothing(pool: PgPool) {
    let e = engine(pool.clone());
    let err = e
        .create_account(NewAccount {
            email: "nope".into(),
            alias: Some("-Bad-".into()),
            password: Password::new("short"),
        })
        .await
        .unwrap_err();
    let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"email"), "{fields:?}");
    assert!(fields.contains(&"accountAlias"), "{fields:?}");
    assert_eq!(fields.iter().filter(|f| **f == "password").count(), 2, "length and classes: {err}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test]
async fn alias_and_root_email_are_unique_across_the_installation(pool: PgPool) {
    let e = engine(pool);
    account(&e, "first@example.com", Some("shared")).await;
    let dup_alias = e
        .create_account(NewAccount {
            email: "second@example.com".into(),
            alias: Some("shared".into()),
            password: Password::new(ROOT_PASSWORD),
        })
        .await
        .unwrap_err();
    assert!(matches!(dup_alias, IamError::EntityAlreadyExists(ref m) if m.contains("shared")), "{dup_alias:?}");
    let dup_email = e
        .create_account(NewAccount {
            email: "FIRST@example.com".into(),
            alias: None,
            password: Password::new(ROOT_PASSWORD),
        })
        .await
        .unwrap_err();
    assert!(matches!(dup_email, IamError::EntityAlreadyExists(_)), "{dup_email:?}");
}

#[sqlx::test]
async fn a_new_alias_replaces_the_old_one_which_stops_resolving(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("old-name")).await;
    let other = account(&e, "x@example.com", Some("taken")).await;
    let root = root_of(&a);
    e.set_account_alias(&root, "new-name").await.unwrap();
    assert!(e.find_account(&AccountRef::parse("old-name").unwrap()).await.unwrap().is_none());
    let found = e.find_account(&AccountRef::parse("new-name").unwrap()).await.unwrap().unwrap();
    assert_eq!(found.account_id, a.account_id);
    let err = e.set_account_alias(&root, "taken").await.unwrap_err();
    assert!(matches!(err, IamError::EntityAlreadyExists(_)));
    // Another account's root cannot rename this one: the alias is always set on the actor's own account.
    let still = e.find_account(&AccountRef::Id(other.account_id.clone())).await.unwrap().unwrap();
    assert_eq!(still.alias.unwrap().as_str(), "taken");
}

#[sqlx::test]
async fn twenty_parallel_creates_of_one_name_in_different_cases_make_one_user(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    let names = ["bob", "Bob", "BOB", "bOb", "boB"];
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (e, root) = (e.clone(), root.clone());
            let name = names[i % names.len()].to_string();
            tokio::spawn(async move {
                e.create_user(
                    &root,
                    lanyard_iam::usecases::users::NewUser {
                        user_name: name,
                        path: None,
                        password: None,
                        password_reset_required: false,
                        ..Default::default()
                    },
                )
                .await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(IamError::EntityAlreadyExists(m)) => assert!(m.starts_with("User with name ")),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(ok, 1);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1);
}

#[sqlx::test]
async fn a_chosen_account_id_is_used_once_and_must_be_twelve_digits(pool: PgPool) {
    let e = engine(pool.clone());
    let input = |email: &str| NewAccount { email: email.into(), alias: None, password: Password::new(ROOT_PASSWORD) };
    let a = e.create_account_with_id(input("one@example.com"), "000000000042").await.unwrap();
    assert_eq!(a.account_id.as_str(), "000000000042");
    let taken = e.create_account_with_id(input("two@example.com"), "000000000042").await.unwrap_err();
    assert_eq!(taken.code(), "EntityAlreadyExists");
    let bad = e.create_account_with_id(input("three@example.com"), "42").await.unwrap_err();
    assert_eq!(bad.field_errors()[0].field, "accountId");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1, "nothing written for the refused ones");
}

#[sqlx::test]
async fn deleting_an_account_removes_everything_in_it_and_nothing_else(pool: PgPool) {
    use lanyard_iam::usecases::credential_owner::OwnerRef;
    use lanyard_iam::usecases::virtual_mfa::NewVirtualMfa;
    let e = engine(pool.clone());
    let doomed = account(&e, "doomed@example.com", Some("doomed")).await;
    let kept = account(&e, "kept@example.com", Some("kept")).await;
    for acct in [&doomed, &kept] {
        let root = root_of(acct);
        user(&e, &acct.account_id, &acct.root_email, "bob").await;
        e.create_access_key(&root, &OwnerRef::User("bob".into())).await.unwrap();
        e.create_group(&root, "ops", None).await.unwrap();
        e.create_virtual_mfa_device(&root, NewVirtualMfa { name: "spare".into(), ..Default::default() }).await.unwrap();
    }
    let contents = e.account_contents(&doomed.account_id).await.unwrap();
    assert_eq!((contents.users, contents.groups, contents.access_keys, contents.mfa_devices), (1, 1, 1, 1));
    e.delete_account(&doomed.account_id).await.unwrap();
    for table in ["users", "access_keys", "groups", "mfa_devices", "user_paths", "accounts"] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE account_id = $1"))
            .bind(doomed.account_id.as_str())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "{table}");
    }
    assert_eq!(e.account_contents(&kept.account_id).await.unwrap(), contents, "the other account is untouched");
    let again = e.delete_account(&doomed.account_id).await.unwrap_err();
    assert_eq!(again.code(), "NoSuchEntity");
}
