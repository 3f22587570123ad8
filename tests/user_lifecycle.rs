//! Tags, deletion and sign-in locks of users against a real Postgres.

mod common;

use common::*;
use lanyard_iam::domain::{Password, Principal};
use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::IamError;
use sqlx::PgPool;

fn rows(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn sign_in_as(name: &str, password: &str) -> SignInRequest {
    SignInRequest {
        target: SignInTarget::User { account: "acme".into(), user_name: name.into() },
        password: Password::new(password),
        source: "192.0.2.7".parse().unwrap(),
        user_agent: None,
    }
}

#[sqlx::test]
async fn tags_are_created_with_the_user_and_replaced_as_a_whole(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let root = root_of(&a);
    let input = NewUser {
        user_name: "carol".into(),
        tags: rows(&[("team", "ops"), ("", ""), ("Cost-Center", "42")]),
        ..NewUser::default()
    };
    e.create_user(&root, input).await.unwrap();
    let got = e.get_user(&root, "carol").await.unwrap();
    let keys: Vec<&str> = got.tags.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["Cost-Center", "team"]);

    let saved = e.replace_user_tags(&root, "carol", &rows(&[("team", "dev")])).await.unwrap();
    assert_eq!((saved.len(), saved[0].value.as_str()), (1, "dev"));

    // A bad tag leaves every tag as it was and names the rule.
    let err = e.replace_user_tags(&root, "carol", &rows(&[("aws:x", ""), ("ok", "fine")])).await.unwrap_err();
    assert_eq!(err.field_errors()[0].message, "tag 1: keys starting with aws: are reserved");
    assert_eq!(e.get_user(&root, "carol").await.unwrap().tags, saved);
}

#[sqlx::test]
async fn a_user_with_bad_tags_is_not_created_and_every_field_is_named(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    let input =
        NewUser { user_name: "bad name".into(), tags: rows(&[("team", "a"), ("TEAM", "b")]), ..NewUser::default() };
    let err = e.create_user(&root, input).await.unwrap_err();
    let fields: Vec<&str> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["userName", "tags.key"]);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 0);
}

#[sqlx::test]
async fn parallel_tag_user_calls_cannot_together_exceed_fifty_tags(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", None).await;
    user(&e, &a.account_id, "owner@example.com", "dave").await;
    let root = root_of(&a);
    // Two batches of 30 distinct keys: each alone fits, both together would make 60.
    let tasks: Vec<_> = (0..2)
        .map(|b| {
            let (e, root) = (e.clone(), root.clone());
            let batch: Vec<(String, String)> = (0..30).map(|i| (format!("k{b}-{i}"), String::new())).collect();
            tokio::spawn(async move { e.tag_user(&root, "dave", &batch).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.contains(&Err(IamError::LimitExceeded("Cannot exceed quota for TagsPerUser: 50.".into()))));
    assert_eq!(e.get_user(&root, "dave").await.unwrap().tags.len(), 30);
    // Overwriting existing keys (in another case) does not count twice; untag ignores case too.
    // Either batch may have won the race: use the winner's keys.
    let won = outcomes.iter().position(|o| o.is_ok()).unwrap();
    let (k1, k2) = (format!("K{won}-1"), format!("K{won}-2"));
    e.tag_user(&root, "dave", &rows(&[(k1.as_str(), "new")])).await.unwrap();
    e.untag_user(&root, "dave", &[k2, "missing".into()]).await.unwrap();
    let tags = e.get_user(&root, "dave").await.unwrap().tags;
    assert_eq!(tags.len(), 29);
    assert!(tags.iter().any(|t| t.key == k1 && t.value == "new"));
}

#[sqlx::test]
async fn strict_delete_refuses_while_a_login_profile_remains_and_console_delete_takes_everything(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let created = user(&e, &a.account_id, "owner@example.com", "erin").await;
    let root = root_of(&a);
    e.tag_user(&root, "erin", &rows(&[("team", "ops")])).await.unwrap();

    let err = e.delete_user(&root, "ERIN").await.unwrap_err();
    assert_eq!(err, IamError::DeleteConflict("Cannot delete entity, must delete login profile first.".into()));
    assert_eq!((err.code(), err.status()), ("DeleteConflict", 409));
    assert!(e.get_user(&root, "erin").await.is_ok());

    e.delete_user_with_credentials(&root, "erin").await.unwrap();
    assert!(matches!(e.get_user(&root, "erin").await, Err(IamError::NoSuchEntity(_))));
    for table in ["users", "login_profiles", "user_tags"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&pool).await.unwrap();
        assert_eq!(n, 0, "{table} keeps rows");
    }
    assert!(e.sign_in(sign_in_as("erin", USER_PASSWORD)).await.is_err());
    // The name is free again, and the new user is someone else.
    let again = user(&e, &a.account_id, "owner@example.com", "erin").await;
    assert_ne!(again.user_id, created.user_id);
    // Without a login profile, the strict delete goes through.
    let plain = NewUser { user_name: "frank".into(), ..NewUser::default() };
    e.create_user(&root, plain).await.unwrap();
    e.delete_user(&root, "frank").await.unwrap();
    assert!(matches!(e.delete_user(&root, "frank").await, Err(IamError::NoSuchEntity(_))));
}

#[sqlx::test]
async fn iam_users_cannot_delete_or_tag_until_policies_allow_it(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    let root = root_of(&a);
    user(&e, &a.account_id, "owner@example.com", "gina").await;
    let gina = e.sign_in(sign_in_as("gina", USER_PASSWORD)).await.unwrap().principal;
    assert!(matches!(gina, Principal::User { .. }));
    let gina = act(&e, &gina).await;
    for result in [
        e.delete_user_with_credentials(&gina, "gina").await.map(|_| ()),
        e.tag_user(&gina, "gina", &rows(&[("a", "b")])).await,
        e.clear_sign_in_lock(&gina, "gina").await,
    ] {
        assert!(matches!(result, Err(IamError::AccessDenied(_))), "{result:?}");
    }
    assert!(e.get_user(&root, "gina").await.unwrap().tags.is_empty());
}

/// Attack: spreading guesses over letter-case variants of a name (`hank`, `HANK`, …) to get five
/// free guesses per variant. IAM names ignore case, and so does the user's one counter.
#[sqlx::test]
async fn the_sign_in_lock_is_shown_on_the_user_and_an_administrator_can_clear_it(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "hank").await;
    let root = root_of(&a);
    assert_eq!(e.get_user(&root, "hank").await.unwrap().sign_in_lock, None);
    // Guesses in any letter case count against the one user.
    for name in ["hank", "HANK", "Hank", "hAnk", "hanK"] {
        assert!(e.sign_in(sign_in_as(name, "wrong-password")).await.is_err());
    }
    let lock = e.get_user(&root, "hank").await.unwrap().sign_in_lock.expect("locked");
    assert_eq!(lock.failures, 5);
    assert!(lock.locked_until.is_some());
    assert!(e.sign_in(sign_in_as("hank", USER_PASSWORD)).await.is_err(), "locked user signed in");

    e.clear_sign_in_lock(&root, "hank").await.unwrap();
    assert_eq!(e.get_user(&root, "hank").await.unwrap().sign_in_lock, None);
    assert!(e.sign_in(sign_in_as("hank", USER_PASSWORD)).await.is_ok());
}
