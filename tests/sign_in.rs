//! Sign-in against a real Postgres: both flows, the generic failure, equal work, throttling.

mod common;

use common::*;
use lanyard_iam::domain::{Password, Principal};
use lanyard_iam::usecases::sign_in::{SignInRefusal, SignInRequest, SignInTarget};
use lanyard_iam::IamError;
use sqlx::PgPool;
use std::net::IpAddr;

fn root_req(email: &str, pw: &str) -> SignInRequest {
    SignInRequest {
        target: SignInTarget::Root { email: email.into() },
        password: Password::new(pw),
        source: "192.0.2.1".parse().unwrap(),
        user_agent: None,
    }
}

fn user_req(account: &str, name: &str, pw: &str, source: &str) -> SignInRequest {
    SignInRequest {
        target: SignInTarget::User { account: account.into(), user_name: name.into() },
        password: Password::new(pw),
        source: source.parse::<IpAddr>().unwrap(),
        user_agent: None,
    }
}

#[sqlx::test]
async fn root_signs_in_by_email_ignoring_case(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "Owner@Example.com", Some("acme")).await;
    let s = e.sign_in(root_req("owner@EXAMPLE.com", ROOT_PASSWORD)).await.unwrap();
    assert_eq!(s.principal.arn(), format!("arn:aws:iam::{}:root", a.account_id));
}

#[sqlx::test]
async fn iam_user_signs_in_by_alias_or_account_id_and_records_password_last_used(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "alice").await;
    let by_alias = e.sign_in(user_req("acme", "Alice", USER_PASSWORD, "192.0.2.1")).await.unwrap();
    assert_eq!(by_alias.principal.arn(), format!("arn:aws:iam::{}:user/alice", a.account_id));
    let by_id = e.sign_in(user_req(a.account_id.as_str(), "alice", USER_PASSWORD, "192.0.2.1")).await.unwrap();
    assert_eq!(by_id.principal, by_alias.principal);
    let used: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT password_last_used_at FROM users").fetch_one(&pool).await.unwrap();
    assert!(used.is_some());
}

#[sqlx::test]
async fn every_failure_is_the_same_error_and_costs_the_same_hashing_work(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "alice").await;
    let root = root_of(&a);
    e.create_user(
        &root,
        lanyard_iam::usecases::users::NewUser {
            user_name: "keys-only".into(),
            path: None,
            password: None,
            password_reset_required: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cases = [
        user_req("acme", "alice", "Wrong-Password-1", "192.0.2.10"),
        user_req("acme", "nobody", USER_PASSWORD, "192.0.2.11"),
        user_req("no-such-account", "alice", USER_PASSWORD, "192.0.2.12"),
        user_req("999999999999", "alice", USER_PASSWORD, "192.0.2.13"),
        user_req("acme", "keys-only", USER_PASSWORD, "192.0.2.14"),
        user_req("acme", "bad name with spaces", USER_PASSWORD, "192.0.2.15"),
        root_req("nobody@example.com", ROOT_PASSWORD),
        root_req("owner@example.com", "Wrong-Password-1"),
    ];
    for req in cases {
        let label = format!("{:?}", req.target);
        let before = e.hasher().verifications();
        let err = e.sign_in(req).await.unwrap_err();
        assert_eq!(err, IamError::SignInFailed, "{label}");
        assert_eq!(e.hasher().verifications(), before + 1, "{label} must cost exactly one argon2 verification");
    }
}

#[sqlx::test]
async fn root_cannot_sign_in_through_the_iam_user_flow(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    for name in ["root", "owner@example.com"] {
        let err = e.sign_in(user_req("acme", name, ROOT_PASSWORD, "192.0.2.1")).await.unwrap_err();
        assert_eq!(err, IamError::SignInFailed);
    }
    let _ = a;
}

/// Attack: an online password-guessing burst that fires 50 guesses in parallel, hoping that all of
/// them are checked before the failure counter catches up. Exactly the free allowance may be checked.
#[sqlx::test]
async fn fifty_parallel_wrong_guesses_cannot_slip_past_the_user_limit(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "alice").await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let e = e.clone();
            // Different source addresses, so only the per-user counter can stop them.
            let source = format!("198.51.100.{}", i + 1);
            tokio::spawn(async move { e.attempt_sign_in(user_req("acme", "alice", "Wrong-Guess-1", &source)).await })
        })
        .collect();
    let (mut checked, mut throttled) = (0, 0);
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Err(SignInRefusal::BadCredentials) => checked += 1,
            Err(SignInRefusal::Throttled) => throttled += 1,
            Ok(_) => panic!("a wrong guess signed in"),
        }
    }
    let free = e.config().user_throttle.free_failures;
    assert_eq!(checked, free, "exactly the free allowance of guesses reached the password check");
    assert_eq!(throttled, 50 - free);
    // Locked now: even the right password is refused, with the same generic error.
    let locked = e.attempt_sign_in(user_req("acme", "alice", USER_PASSWORD, "203.0.113.9")).await.unwrap();
    assert_eq!(locked, Err(SignInRefusal::Throttled));
    let key = format!("user:{}:alice", a.account_id);
    let failures: i32 = sqlx::query_scalar("SELECT failures FROM signin_throttle WHERE throttle_key = $1")
        .bind(&key)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(failures, free);
}

/// Lets a lock run out without waiting for it.
async fn expire_lock(pool: &PgPool, key: &str) {
    sqlx::query("UPDATE signin_throttle SET locked_until = now() - interval '1 second' WHERE throttle_key = $1")
        .bind(key)
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn locks_grow_and_a_success_after_expiry_resets_the_counter(pool: PgPool) {
    let e = engine(pool.clone());
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "alice").await;
    let key = format!("user:{}:alice", a.account_id);
    let lock_secs = |pool: PgPool, key: String| async move {
        sqlx::query_scalar::<_, f64>(
            "SELECT extract(epoch FROM locked_until - last_attempt_at)::float8 FROM signin_throttle WHERE throttle_key = $1",
        )
        .bind(key)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    for _ in 0..5 {
        e.sign_in(user_req("acme", "alice", "Wrong-Guess-1", "192.0.2.7")).await.unwrap_err();
    }
    let first = lock_secs(pool.clone(), key.clone()).await;
    assert!((14.0..17.0).contains(&first), "first lock ~15 s, got {first}");
    // Let the lock expire, fail once more: the next lock is twice as long.
    expire_lock(&pool, &key).await;
    e.sign_in(user_req("acme", "alice", "Wrong-Guess-1", "192.0.2.7")).await.unwrap_err();
    let second = lock_secs(pool.clone(), key.clone()).await;
    assert!((29.0..32.0).contains(&second), "second lock ~30 s, got {second}");
    expire_lock(&pool, &key).await;
    e.sign_in(user_req("acme", "alice", USER_PASSWORD, "192.0.2.7")).await.unwrap();
    let row: Option<i32> = sqlx::query_scalar("SELECT failures FROM signin_throttle WHERE throttle_key = $1")
        .bind(&key)
        .fetch_optional(&pool)
        .await
        .unwrap();
    assert_eq!(row, None, "a successful sign-in clears the user's failures");
}

/// Attack: password spraying — one source tries one guess against many different users, staying
/// under every per-user limit. The per-address counter stops it.
#[sqlx::test]
async fn one_address_spraying_many_users_gets_locked(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", Some("acme")).await;
    user(&e, &a.account_id, "owner@example.com", "victim").await;
    let free = e.config().address_throttle.free_failures;
    for i in 0..free {
        let r =
            e.attempt_sign_in(user_req("acme", &format!("user{i}"), "Spray-Guess-1", "203.0.113.50")).await.unwrap();
        assert_eq!(r.unwrap_err(), SignInRefusal::BadCredentials);
    }
    let r = e.attempt_sign_in(user_req("acme", "victim", USER_PASSWORD, "203.0.113.50")).await.unwrap();
    assert_eq!(r.unwrap_err(), SignInRefusal::Throttled);
    // Another address is unaffected.
    let r = e.attempt_sign_in(user_req("acme", "victim", USER_PASSWORD, "203.0.113.51")).await.unwrap();
    assert!(matches!(r, Ok(ref s) if matches!(s.principal, Principal::User { .. })));
}
