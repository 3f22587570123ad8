//! Regression tests for issue 29 (security round 3) through the whole router with real SigV4
//! signatures: session credentials without MFA kept out of IAM, root sessions cut to an hour,
//! duplicate tag keys, NUL bytes that dodged the event history, answers that must stay valid XML
//! 1.0, and the simulator's permissions boundaries. Each test names its attack or rule.

mod common;

use common::*;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::users::NewUser;
use sqlx::PgPool;

struct Api {
    app: axum::Router,
    root_key: Creds,
    /// alice: no policies at all.
    alice_key: Creds,
}

async fn api(pool: &PgPool) -> Api {
    let engine = engine(pool);
    let root = root_account(&engine, "acme").await;
    engine.create_user(&root, NewUser { user_name: "alice".into(), ..Default::default() }).await.unwrap();
    let k = engine.create_access_key(&root, &OwnerRef::Me).await.unwrap();
    let root_key = Creds::long_term(&k.key.access_key_id, k.secret.expose());
    let k = engine.create_access_key(&root, &OwnerRef::User("alice".into())).await.unwrap();
    let alice_key = Creds::long_term(&k.key.access_key_id, k.secret.expose());
    Api { app: app(pool, &engine), root_key, alice_key }
}

async fn call(a: &Api, body: &str, c: &Creds, service: &str) -> (u16, String) {
    send(&a.app, signed(body, c, service)).await
}

fn session_of(xml: &str) -> Creds {
    Creds {
        key: between(xml, "AccessKeyId").to_owned(),
        secret: between(xml, "SecretAccessKey").to_owned(),
        token: Some(between(xml, "SessionToken").to_owned()),
    }
}

/// Attack: temporary credentials from GetSessionToken without MFA managed IAM (ListUsers
/// answered 200). AWS: "You cannot call any IAM API operations unless MFA authentication
/// information is included in the request" — InvalidClientTokenId; STS still answers them.
#[sqlx::test(migrations = "../migrations")]
async fn attack_mfa_less_session_credentials_cannot_call_iam(pool: PgPool) {
    let a = api(&pool).await;
    let (status, xml) = call(&a, "Action=GetSessionToken&Version=2011-06-15", &a.root_key, "sts").await;
    assert_eq!(status, 200, "{xml}");
    let session = session_of(&xml);
    let (status, xml) = call(&a, "Action=ListUsers&Version=2010-05-08", &session, "iam").await;
    assert_eq!((status, between(&xml, "Code")), (403, "InvalidClientTokenId"), "{xml}");
    assert_eq!(between(&xml, "Message"), "The security token included in the request is invalid.");
    let (status, xml) = call(&a, "Action=GetCallerIdentity&Version=2011-06-15", &session, "sts").await;
    assert_eq!(status, 200, "{xml}");
}

/// Rule (GetSessionToken's reference): a root session asked for longer than an hour "defaults to
/// one hour" — it is not refused.
#[sqlx::test(migrations = "../migrations")]
async fn root_session_longer_than_an_hour_is_cut_to_one(pool: PgPool) {
    let a = api(&pool).await;
    let body = "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=7200";
    let (status, xml) = call(&a, body, &a.root_key, "sts").await;
    assert_eq!(status, 200, "{xml}");
    let expiration =
        time::OffsetDateTime::parse(between(&xml, "Expiration"), &time::format_description::well_known::Rfc3339)
            .unwrap();
    let left = (expiration - time::OffsetDateTime::now_utc()).whole_seconds();
    assert!((3500..=3600).contains(&left), "{left} s");
    // Beyond AWS's range for anyone, still a ValidationError.
    let body = "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129601";
    assert_eq!(between(&call(&a, body, &a.root_key, "sts").await.1, "Code"), "ValidationError");
}

/// Rule: duplicate tag keys, ignoring case, are AWS's InvalidInput with AWS's message.
#[sqlx::test(migrations = "../migrations")]
async fn duplicate_tag_keys_are_invalid_input(pool: PgPool) {
    let a = api(&pool).await;
    let body = "Action=TagUser&Version=2010-05-08&UserName=alice&Tags.member.1.Key=Team&Tags.member.1.Value=a\
                &Tags.member.2.Key=team&Tags.member.2.Value=b";
    let (status, xml) = call(&a, body, &a.root_key, "iam").await;
    assert_eq!((status, between(&xml, "Code")), (400, "InvalidInput"), "{xml}");
    assert_eq!(between(&xml, "Message"), "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
}

/// Attack (audit evasion): a NUL byte in an ignored parameter of a refused change made its event's
/// insert fail — 4 refused attempts left 1 event. Every refused attempt is recorded now.
#[sqlx::test(migrations = "../migrations")]
async fn attack_nul_byte_parameters_cannot_dodge_the_event_history(pool: PgPool) {
    let a = api(&pool).await;
    let count =
        || async { sqlx::query_scalar::<_, i64>("SELECT count(*) FROM events").fetch_one(&pool).await.unwrap() };
    let before = count().await;
    for n in 0..4 {
        let body = format!("Action=CreateUser&Version=2010-05-08&UserName=evil{n}&Ignored=a%00b");
        let (status, xml) = call(&a, &body, &a.alice_key, "iam").await;
        assert_eq!((status, between(&xml, "Code")), (403, "AccessDenied"), "{xml}");
    }
    assert_eq!(count().await, before + 4, "every refused attempt is in the history");
}

/// Rule: every API answer is valid XML 1.0. A control character stored before descriptions were
/// checked made ListPolicies unparseable for boto3 and the CLI; it comes out as U+FFFD, and new
/// descriptions with one are refused.
#[sqlx::test(migrations = "../migrations")]
async fn answers_stay_valid_xml_whatever_was_stored(pool: PgPool) {
    let a = api(&pool).await;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let body = format!(
        "Action=CreatePolicy&Version=2010-05-08&PolicyName=P&PolicyDocument={}&Description=bad%01text",
        enc(doc)
    );
    let (status, xml) = call(&a, &body, &a.root_key, "iam").await;
    assert_eq!((status, between(&xml, "Code")), (400, "ValidationError"), "{xml}");
    let body =
        format!("Action=CreatePolicy&Version=2010-05-08&PolicyName=P&PolicyDocument={}&Description=fine", enc(doc));
    assert_eq!(call(&a, &body, &a.root_key, "iam").await.0, 200);
    sqlx::query("UPDATE policies SET description = 'old' || chr(1) || 'value'").execute(&pool).await.unwrap();
    let (status, xml) = call(&a, "Action=ListPolicies&Version=2010-05-08&Scope=Local", &a.root_key, "iam").await;
    assert_eq!(status, 200);
    assert!(!xml.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')), "{xml:?}");
}

/// Rule: SimulateCustomPolicy applies `PermissionsBoundaryPolicyInputList` and answers AWS's
/// `PermissionsBoundaryDecisionDetail`.
#[sqlx::test(migrations = "../migrations")]
async fn custom_simulation_reports_the_boundary(pool: PgPool) {
    let a = api(&pool).await;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let allow_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let only_get = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
    let body = format!(
        "Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1={}\
         &PermissionsBoundaryPolicyInputList.member.1={}&ActionNames.member.1=iam%3ACreateUser",
        enc(allow_all),
        enc(only_get)
    );
    let (status, xml) = call(&a, &body, &a.root_key, "iam").await;
    assert_eq!(status, 200, "{xml}");
    assert_eq!(between(&xml, "EvalDecision"), "implicitDeny");
    assert_eq!(between(&xml, "AllowedByPermissionsBoundary"), "false");
}
