//! The Query API through the whole router: a SigV4-signed `POST /` as the aws CLI sends it gets
//! STS GetCallerIdentity's XML; failures get AWS's XML errors; the console's pages are unaffected.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use lanyard_iam::domain::Password;
use lanyard_iam::sigv4::{self, SignedRequest};
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::Engine;
use sqlx::PgPool;
use time::OffsetDateTime;
use tower::ServiceExt;

const HOST: &str = "localhost:3000";

async fn setup(pool: &PgPool) -> (axum::Router, String, String, String) {
    let (app, account_id, key, secret, _) = setup_with_engine(pool).await;
    (app, account_id, key, secret)
}

async fn setup_with_engine(pool: &PgPool) -> (axum::Router, String, String, String, Engine) {
    let engine = common::engine(pool);
    let account = engine
        .create_account(NewAccount {
            email: "owner@example.com".into(),
            alias: Some("acme".into()),
            password: Password::new("Root-Password-1"),
        })
        .await
        .unwrap();
    let root = lanyard_iam::Actor::root(account.account_id.clone(), "owner@example.com");
    engine.create_user(&root, NewUser { user_name: "alice".into(), ..Default::default() }).await.unwrap();
    let key = engine.create_access_key(&root, &OwnerRef::User("alice".into())).await.unwrap();
    let app = common::app(pool, &engine);
    (app, account.account_id.to_string(), key.key.access_key_id, key.secret.expose().to_owned(), engine)
}

fn signed_post(body: &str, key: &str, secret: &str, at: OffsetDateTime) -> Request<Body> {
    signed_post_scoped(body, key, secret, at, "us-east-1", "sts")
}

fn signed_post_scoped(
    body: &str,
    key: &str,
    secret: &str,
    at: OffsetDateTime,
    region: &str,
    service: &str,
) -> Request<Body> {
    common::signed_at(body, &common::Creds::long_term(key, secret), region, service, at)
}

async fn text(res: axum::http::Response<Body>) -> String {
    String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn get_caller_identity_answers_with_the_keys_user(pool: PgPool) {
    let (app, account_id, key, secret) = setup(&pool).await;
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let res = app.clone().oneshot(signed_post(body, &key, &secret, OffsetDateTime::now_utc())).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/xml");
    assert!(res.headers().get(header::SET_COOKIE).is_none(), "the API sets no session cookie");
    let xml = text(res).await;
    assert!(
        xml.starts_with("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{xml}"
    );
    assert!(xml.contains(&format!("<Arn>arn:aws:iam::{account_id}:user/alice</Arn>")), "{xml}");
    assert!(xml.contains(&format!("<Account>{account_id}</Account>")), "{xml}");
    assert!(xml.contains("<UserId>AIDA"), "{xml}");
}

#[sqlx::test(migrations = "../migrations")]
async fn errors_are_aws_xml_with_their_status(pool: PgPool) {
    let (app, _, key, secret) = setup(&pool).await;
    let now = OffsetDateTime::now_utc();
    let cases = [
        (
            signed_post("Action=GetCallerIdentity&Version=2011-06-15", &key, "x".repeat(40).as_str(), now),
            403,
            "SignatureDoesNotMatch",
        ),
        (
            signed_post(
                "Action=GetCallerIdentity&Version=2011-06-15",
                &key,
                &secret,
                now - time::Duration::minutes(10),
            ),
            400,
            "RequestExpired",
        ),
        (signed_post("Action=DeleteEverything&Version=2011-06-15", &key, &secret, now), 400, "InvalidAction"),
        (
            Request::post("/").header(header::HOST, HOST).body(Body::from("Action=GetCallerIdentity")).unwrap(),
            403,
            "MissingAuthenticationToken",
        ),
    ];
    for (req, status, code) in cases {
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{code}");
        let xml = text(res).await;
        assert!(xml.contains(&format!("<Code>{code}</Code>")), "{xml}");
        assert!(xml.contains("<Type>Sender</Type>") && xml.contains("<RequestId>"), "{xml}");
    }
}

/// Attack: anyone who knew an active access key id could grow the server's memory by sending
/// requests with bogus signatures under scopes of their choosing (the derived signing key was
/// cached before the signature was checked). Also: scopes naming another service or an unknown
/// (or 5,000-character) region were answered 200.
#[sqlx::test(migrations = "../migrations")]
async fn attack_bogus_scopes_neither_answer_nor_fill_the_signing_key_cache(pool: PgPool) {
    let (app, _, key, secret, engine) = setup_with_engine(&pool).await;
    let body = "Action=GetCallerIdentity&Version=2011-06-15";
    let now = OffsetDateTime::now_utc();
    let long_region = "r".repeat(5000);
    for (region, service, code) in [
        ("us-east-1", "s3", "SignatureDoesNotMatch"),
        ("not-a-region", "sts", "SignatureDoesNotMatch"),
        (long_region.as_str(), "sts", "SignatureDoesNotMatch"),
        ("us-east-1", "iam", "SignatureDoesNotMatch"),
    ] {
        let res = app.clone().oneshot(signed_post_scoped(body, &key, &secret, now, region, service)).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{service} {}", &region[..region.len().min(20)]);
        let xml = text(res).await;
        assert!(xml.contains(&format!("<Code>{code}</Code>")), "{xml}");
    }
    // A wrong secret under many valid scopes: refused, and nothing is remembered for them.
    let cached = engine.cached_signing_keys();
    assert!(cached <= 1, "only the correctly signed iam-scoped request may be remembered");
    for region in ["eu-west-1", "eu-west-2", "ap-south-1", "us-west-2"] {
        let req = signed_post_scoped(body, &key, &"x".repeat(40), now, region, "sts");
        assert_eq!(app.clone().oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(engine.cached_signing_keys(), cached, "failed signatures are never cached");
    let req_headers =
        vec![("host".to_owned(), HOST.to_owned()), ("x-amz-date".to_owned(), sigv4::format_amz_date(now))];
    let names: Vec<String> = req_headers.iter().map(|(n, _)| n.clone()).collect();
    let unsigned = SignedRequest { method: "POST", path: "/", query: "", headers: &req_headers, body: body.as_bytes() };
    for region in ["eu-west-1", "eu-west-2", "ap-south-1"] {
        let auth =
            sigv4::sign(&unsigned, &key, &"y".repeat(40), &sigv4::format_amz_date(now), region, "sts", &names).unwrap();
        let mut headers = req_headers.clone();
        headers.push(("authorization".into(), auth));
        let req = SignedRequest { headers: &headers, ..unsigned };
        assert_eq!(engine.authenticate_request(&req, now).await.unwrap_err().code(), "SignatureDoesNotMatch");
    }
    assert_eq!(engine.cached_signing_keys(), cached, "failed signatures are never cached");
    let auth = sigv4::sign(&unsigned, &key, &secret, &sigv4::format_amz_date(now), "us-east-1", "sts", &names).unwrap();
    let mut headers = req_headers.clone();
    headers.push(("authorization".into(), auth));
    engine.authenticate_request(&SignedRequest { headers: &headers, ..unsigned }, now).await.unwrap();
    assert_eq!(engine.cached_signing_keys(), cached + 1);
}

/// The query-string form some SDKs use: `GET /?Action=…` signed over the query; a plain `GET /`
/// still goes to the console.
#[sqlx::test(migrations = "../migrations")]
async fn the_query_string_get_form_is_answered_too(pool: PgPool) {
    let (app, account_id, key, secret) = setup(&pool).await;
    let query = "Action=GetCallerIdentity&Version=2011-06-15";
    let amz_date = sigv4::format_amz_date(OffsetDateTime::now_utc());
    let headers = vec![("host".to_owned(), HOST.to_owned()), ("x-amz-date".to_owned(), amz_date.clone())];
    let names: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
    let req = SignedRequest { method: "GET", path: "/", query, headers: &headers, body: b"" };
    let auth = sigv4::sign(&req, &key, &secret, &amz_date, "us-east-1", "sts", &names).unwrap();
    let get = Request::get(format!("/?{query}"))
        .header(header::HOST, HOST)
        .header("x-amz-date", &amz_date)
        .header(header::AUTHORIZATION, auth)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(get).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(text(res).await.contains(&format!("<Account>{account_id}</Account>")));
    let console =
        app.clone().oneshot(Request::get("/").header(header::HOST, HOST).body(Body::empty()).unwrap()).await.unwrap();
    assert!(console.status().is_redirection() || console.status().is_success(), "{}", console.status());
}
