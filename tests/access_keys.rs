//! Access keys against a real Postgres: one-time secrets sealed at rest, the two-key quota under
//! concurrency, and SigV4 authentication (deactivation on the next request, last used, errors).

mod common;

use common::*;
use lanyard_iam::domain::AccessKeyStatus;
use lanyard_iam::sigv4::{self, SignedRequest};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::{Engine, IamError};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

const EMAIL: &str = "owner@example.com";
const BODY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";

async fn setup(pool: PgPool) -> (Engine, lanyard_iam::Actor, lanyard_iam::Actor) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, Some("acme")).await;
    let alice = user_principal(&engine, &acct.account_id, EMAIL, "alice").await;
    (engine, root_of(&acct), alice)
}

/// A GetCallerIdentity request signed like the aws CLI signs it, at `at`.
fn signed(key: &str, secret: &str, at: OffsetDateTime) -> Vec<(String, String)> {
    let amz_date = sigv4::format_amz_date(at);
    let mut headers = vec![
        ("Host".to_owned(), "localhost:3000".to_owned()),
        ("Content-Type".to_owned(), "application/x-www-form-urlencoded; charset=utf-8".to_owned()),
        ("X-Amz-Date".to_owned(), amz_date.clone()),
    ];
    let names: Vec<String> = ["content-type", "host", "x-amz-date"].map(String::from).to_vec();
    let req = SignedRequest { method: "POST", path: "/", query: "", headers: &headers, body: BODY };
    let auth = sigv4::sign(&req, key, secret, &amz_date, "us-east-1", "sts", &names).unwrap();
    headers.push(("Authorization".to_owned(), auth));
    headers
}

async fn call(
    engine: &Engine,
    headers: &[(String, String)],
) -> Result<lanyard_iam::usecases::api_auth::ApiCaller, IamError> {
    let req = SignedRequest { method: "POST", path: "/", query: "", headers, body: BODY };
    engine.authenticate_request(&req, OffsetDateTime::now_utc()).await
}

#[sqlx::test]
async fn the_secret_is_returned_once_and_sealed_at_rest(pool: PgPool) {
    let (engine, root, _) = setup(pool.clone()).await;
    let owner = OwnerRef::User("alice".into());
    let new = engine.create_access_key(&root, &owner).await.unwrap();
    assert!(new.key.access_key_id.starts_with("AKIA") && new.key.access_key_id.len() == 20);
    assert_eq!(new.secret.expose().len(), 40);
    assert_eq!(new.key.status, "Active");
    assert!(new.key.last_used_at.is_none());
    let listed = engine.list_access_keys(&root, &owner).await.unwrap();
    assert_eq!(listed, vec![new.key.clone()]);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT sealed_secret FROM access_keys").fetch_one(&pool).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains(new.secret.expose()), "plain secret in the database");
    assert!(!format!("{new:?}").contains(new.secret.expose()), "secret in Debug output");

    let e = engine.delete_user(&root, "alice").await.unwrap_err();
    assert_eq!(e.code(), "DeleteConflict");
}

#[sqlx::test]
async fn at_most_two_keys_even_when_requests_race(pool: PgPool) {
    let (engine, _, alice) = setup(pool.clone()).await;
    let me = OwnerRef::Me;
    let results = futures::future::join_all((0..6).map(|_| engine.create_access_key(&alice, &me))).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 2);
    for e in results.into_iter().filter_map(Result::err) {
        assert_eq!(e.code(), "LimitExceeded");
        assert_eq!(e.to_string(), "Cannot exceed quota for AccessKeysPerUser: 2");
    }
    // Inactive keys count too.
    let keys = engine.list_access_keys(&alice, &me).await.unwrap();
    engine.update_access_key(&alice, &me, &keys[0].access_key_id, AccessKeyStatus::Inactive).await.unwrap();
    assert_eq!(engine.create_access_key(&alice, &me).await.unwrap_err().code(), "LimitExceeded");
    engine.delete_access_key(&alice, &me, &keys[0].access_key_id).await.unwrap();
    engine.create_access_key(&alice, &me).await.unwrap();
}

#[sqlx::test]
async fn a_signed_request_names_its_caller_and_records_last_used(pool: PgPool) {
    let (engine, root, alice) = setup(pool).await;
    let key = engine.create_access_key(&alice, &OwnerRef::Me).await.unwrap();
    let caller =
        call(&engine, &signed(&key.key.access_key_id, key.secret.expose(), OffsetDateTime::now_utc())).await.unwrap();
    assert_eq!(&caller.principal, alice.principal());
    assert!(caller.user_id.starts_with("AIDA"));
    let listed = engine.list_access_keys(&alice, &OwnerRef::Me).await.unwrap();
    assert!(listed[0].last_used_at.is_some());
    assert_eq!(listed[0].last_used_service.as_deref(), Some("sts"));
    assert_eq!(listed[0].last_used_region.as_deref(), Some("us-east-1"));

    // Root's keys are root's.
    let root_key = engine.create_access_key(&root, &OwnerRef::Me).await.unwrap();
    let caller =
        call(&engine, &signed(&root_key.key.access_key_id, root_key.secret.expose(), OffsetDateTime::now_utc()))
            .await
            .unwrap();
    assert_eq!(&caller.principal, root.principal());
    assert_eq!(caller.user_id, root.account_id().to_string());
}

#[sqlx::test]
async fn deactivation_takes_effect_on_the_next_request(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let owner = OwnerRef::User("alice".into());
    let key = engine.create_access_key(&root, &owner).await.unwrap();
    let id = key.key.access_key_id.clone();
    call(&engine, &signed(&id, key.secret.expose(), OffsetDateTime::now_utc())).await.unwrap();
    engine.update_access_key(&root, &owner, &id, AccessKeyStatus::Inactive).await.unwrap();
    let e = call(&engine, &signed(&id, key.secret.expose(), OffsetDateTime::now_utc())).await.unwrap_err();
    assert_eq!(e.code(), "InvalidClientTokenId");
    engine.update_access_key(&root, &owner, &id, AccessKeyStatus::Active).await.unwrap();
    call(&engine, &signed(&id, key.secret.expose(), OffsetDateTime::now_utc())).await.unwrap();
    engine.delete_access_key(&root, &owner, &id).await.unwrap();
    let e = call(&engine, &signed(&id, key.secret.expose(), OffsetDateTime::now_utc())).await.unwrap_err();
    assert_eq!(e.code(), "InvalidClientTokenId");
}

/// Attacks on the signature: a wrong secret, a replayed old request, a tampered body, and
/// malformed or missing credentials. None of them records a use.
#[sqlx::test]
async fn bad_requests_get_aws_errors_and_change_nothing(pool: PgPool) {
    let (engine, _, alice) = setup(pool).await;
    let key = engine.create_access_key(&alice, &OwnerRef::Me).await.unwrap();
    let id = key.key.access_key_id.clone();
    let now = OffsetDateTime::now_utc();

    let wrong_secret = signed(&id, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", now);
    assert_eq!(call(&engine, &wrong_secret).await.unwrap_err().code(), "SignatureDoesNotMatch");
    let stale = signed(&id, key.secret.expose(), now - Duration::minutes(6));
    let e = call(&engine, &stale).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("RequestExpired", 400));
    let unknown = signed("AKIAAAAAAAAAAAAAAAAA", key.secret.expose(), now);
    assert_eq!(call(&engine, &unknown).await.unwrap_err().code(), "InvalidClientTokenId");

    let good = signed(&id, key.secret.expose(), now);
    let tampered = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &good,
        body: b"Action=GetCallerIdentity&Version=2011-06-15&x=1",
    };
    assert_eq!(engine.authenticate_request(&tampered, now).await.unwrap_err().code(), "SignatureDoesNotMatch");

    let mut malformed = good.clone();
    malformed.last_mut().unwrap().1 = "AWS4-HMAC-SHA256 Credential=broken".into();
    let e = call(&engine, &malformed).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("IncompleteSignature", 400));
    let e = call(&engine, &good[..good.len() - 1]).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("MissingAuthenticationToken", 403));

    let listed = engine.list_access_keys(&alice, &OwnerRef::Me).await.unwrap();
    assert!(listed[0].last_used_at.is_none(), "failed requests record no use");
}
