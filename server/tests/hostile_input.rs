//! Hostile input through the whole router (issue 18, item 7): every server function and the Query
//! API, fed garbage — random bytes, missing fields, huge values, wrong types, broken encodings —
//! answer a clear 4xx with a message, never 500 and never a panic. Randomized with fixed seeds,
//! so a failure reproduces.

mod common;
#[path = "../../tests/common/garbage.rs"]
mod garbage;

use axum::body::Body;
use axum::http::{header, Request};
use garbage::garbage;
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::users::NewUser;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

const HOST: &str = "localhost:3000";
const ROOT_PASSWORD: &str = "Root-Password-1";

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A form body with some of `fields` (right, wrong or missing) and some made-up ones.
fn hostile_form(rng: &mut StdRng, fields: &[&str]) -> String {
    let mut parts = Vec::new();
    for f in fields {
        match rng.gen_range(0..4) {
            0 => {}
            1 => parts.push(format!("{f}={}", enc(&garbage(rng)))),
            2 => parts.push(format!("{f}[0][x]={}", enc(&garbage(rng)))),
            _ => parts.push(format!("{f}={}", garbage(rng))),
        }
    }
    for _ in 0..rng.gen_range(0..3) {
        parts.push(format!("{}={}", enc(&garbage(rng)), enc(&garbage(rng))));
    }
    parts.join("&")
}

fn server_fn_post(path: &str, body: Vec<u8>, content_type: &str, cookie: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

struct Site {
    app: axum::Router,
    key: common::Creds,
}

async fn site(pool: &PgPool) -> Site {
    // Internal causes (logged, never answered) show in a failing test's output.
    let _ = tracing_subscriber::fmt().with_test_writer().with_max_level(tracing::Level::WARN).try_init();
    let engine = common::engine(pool);
    let account = engine
        .create_account(NewAccount {
            email: "owner@example.com".into(),
            alias: Some("acme".into()),
            password: Password::new(ROOT_PASSWORD),
        })
        .await
        .unwrap();
    let root = lanyard_iam::Actor::root(account.account_id.clone(), "owner@example.com");
    engine.create_user(&root, NewUser { user_name: "alice".into(), ..Default::default() }).await.unwrap();
    let key = engine.create_access_key(&root, &OwnerRef::Me).await.unwrap();
    let app = common::app(pool, &engine);
    Site { app, key: common::Creds::long_term(&key.key.access_key_id, key.secret.expose()) }
}

async fn root_cookie(app: &axum::Router) -> String {
    let body = format!("kind=root&email=owner%40example.com&password={ROOT_PASSWORD}");
    let req = server_fn_post("/api/sign_in", body.into_bytes(), "application/x-www-form-urlencoded", "x=y");
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    common::session_cookie(&res).expect("root signs in")
}

/// The field names a server function might take: the ones the console's forms use.
const FIELDS: &[&str] = &[
    "user_name",
    "new_user_name",
    "new_path",
    "path",
    "group_name",
    "policy_arn",
    "policy_name",
    "document",
    "description",
    "version_id",
    "tags",
    "key",
    "value",
    "access_key_id",
    "status",
    "serial",
    "mfa_code",
    "mfa_code_1",
    "mfa_code_2",
    "device_name",
    "password",
    "new_password",
    "confirm",
    "confirm_name",
    "kind",
    "email",
    "account",
    "alias",
    "marker",
    "size",
    "q",
    "sort",
    "order",
    "action_names",
    "resource_arn",
    "ticket",
    "min_length",
    "max_age",
    "reuse",
    "console_access",
    "password_kind",
    "custom_password",
    "reset_required",
    "step",
    "go",
    "user_names",
    "access_key",
    "permissions",
    "groups",
    "copy_from",
    "policies",
    "copy_q",
    "public_key",
    "certificate",
    "credential_kind",
    "id",
    "service",
    "credential_id",
];

#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_answers_garbage_with_a_client_error(pool: PgPool) {
    let s = site(&pool).await;
    let cookie = root_cookie(&s.app).await;
    let mut paths: Vec<(&'static str, axum::http::Method)> = leptos::server_fn::axum::server_fn_paths().collect();
    paths.sort_unstable_by_key(|(p, _)| *p);
    assert!(paths.len() > 30, "the server functions are registered: {paths:?}");
    let mut rng = StdRng::seed_from_u64(0x1a_4a_2d);
    let mut tried = 0;
    for (path, method) in paths {
        // Signing out would end the session the other posts need; it takes no input anyway.
        if path.ends_with("/sign_out") {
            continue;
        }
        if method == axum::http::Method::GET {
            // Downloads take their arguments in the query string.
            for _ in 0..6 {
                // What a URI may carry: everything else percent-encoded, as a browser would.
                let query: String = hostile_form(&mut rng, FIELDS)
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'=' | b'&' | b'%' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .take(8000)
                    .collect();
                let req = Request::get(format!("{path}?{query}"))
                    .header(header::HOST, HOST)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .unwrap();
                let (status, text) = common::send(&s.app, req).await;
                tried += 1;
                assert!((400..500).contains(&status) || status == 200, "{path}?{query} answered {status}: {text:.300}");
            }
            continue;
        }
        for round in 0..12 {
            let (body, content_type) = match round % 4 {
                0 => (hostile_form(&mut rng, FIELDS).into_bytes(), "application/x-www-form-urlencoded"),
                1 => {
                    ((0..rng.gen_range(0..300)).map(|_| rng.gen::<u8>()).collect(), "application/x-www-form-urlencoded")
                }
                2 => (format!("{{\"user_name\": {}}}", garbage(&mut rng)).into_bytes(), "application/json"),
                _ => (format!("user_name={}", "u".repeat(60_000)).into_bytes(), "application/x-www-form-urlencoded"),
            };
            let req = server_fn_post(path, body.clone(), content_type, &cookie);
            let (status, text) = common::send(&s.app, req).await;
            tried += 1;
            assert!(
                (400..500).contains(&status) || status == 200 || status == 302,
                "{path} answered {status} to {:?}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)]),
                &text[..text.len().min(300)]
            );
            if status >= 400 {
                assert!(!text.trim().is_empty(), "{path}: a {status} without a message");
            }
        }
    }
    assert!(tried > 300);
}

/// Attack: garbage parameters with a valid signature, and unsigned garbage, to the Query API.
#[sqlx::test(migrations = "../migrations")]
async fn the_query_api_answers_garbage_with_a_client_error(pool: PgPool) {
    let s = site(&pool).await;
    let mut rng = StdRng::seed_from_u64(0x5157_4a41);
    const ACTIONS: &[&str] = &[
        "CreateUser",
        "GetUser",
        "ListUsers",
        "UpdateUser",
        "TagUser",
        "CreateAccessKey",
        "UpdateAccessKey",
        "CreatePolicy",
        "PutUserPolicy",
        "SimulatePrincipalPolicy",
        "EnableMFADevice",
        "GetSessionToken",
        "CreateLoginProfile",
        "UpdateAccountPasswordPolicy",
        "ListEntitiesForPolicy",
        "CreateVirtualMFADevice",
        "Nonsense",
        "",
    ];
    const PARAMS: &[&str] = &[
        "UserName",
        "NewUserName",
        "Path",
        "PathPrefix",
        "Tags.member.1.Key",
        "Tags.member.1.Value",
        "TagKeys.member.1",
        "MaxItems",
        "Marker",
        "PolicyDocument",
        "PolicyArn",
        "PolicyName",
        "AccessKeyId",
        "Status",
        "SerialNumber",
        "AuthenticationCode1",
        "TokenCode",
        "DurationSeconds",
        "Password",
        "MinimumPasswordLength",
        "ActionNames.member.1",
        "ResourceArns.member.1",
        "PolicySourceArn",
        "VirtualMFADeviceName",
        "Version",
    ];
    for round in 0..400 {
        let action = ACTIONS[rng.gen_range(0..ACTIONS.len())];
        let mut body = format!("Action={action}&Version=2010-05-08");
        for _ in 0..rng.gen_range(0..6) {
            let name = PARAMS[rng.gen_range(0..PARAMS.len())];
            body.push_str(&format!("&{name}={}", enc(&garbage(&mut rng))));
        }
        if round % 7 == 0 {
            body.push_str(&format!("&{}", garbage(&mut rng)));
        }
        let service = if action == "GetSessionToken" { "sts" } else { "iam" };
        let req = if round % 5 == 0 {
            // Unsigned, or with a forged Authorization header.
            let mut b = Request::post("/").header(header::HOST, HOST);
            if round % 10 == 0 {
                b = b.header(
                    header::AUTHORIZATION,
                    garbage(&mut rng).chars().filter(|c| (' '..='~').contains(c)).collect::<String>(),
                );
            }
            b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body.clone())).unwrap()
        } else {
            common::signed(&body, &s.key, service)
        };
        let (status, text) = common::send(&s.app, req).await;
        assert!(
            status == 200 || (400..500).contains(&status),
            "{status} for {}: {}",
            &body[..body.len().min(300)],
            &text[..text.len().min(300)]
        );
        if status >= 400 {
            assert!(text.contains("<Code>") && text.contains("<Message>"), "no IAM error body: {text}");
        }
    }
}

/// Absurd page sizes are refused by the API (MaxItems 1–1000) and the console's list alike.
#[sqlx::test(migrations = "../migrations")]
async fn absurd_page_sizes_are_refused(pool: PgPool) {
    let s = site(&pool).await;
    for max in ["0", "1001", "-5", "1e9", "99999999999999999999", "abc"] {
        let (status, text) = common::send(
            &s.app,
            common::signed(&format!("Action=ListUsers&Version=2010-05-08&MaxItems={max}"), &s.key, "iam"),
        )
        .await;
        assert_eq!(status, 400, "MaxItems={max}: {text}");
        assert!(text.contains("ValidationError"), "{text}");
    }
    let cookie = root_cookie(&s.app).await;
    for size in ["0", "100000", "-1", "abc"] {
        let req = server_fn_post(
            "/api/list_users_page",
            format!("size={size}").into_bytes(),
            "application/x-www-form-urlencoded",
            &cookie,
        );
        let (status, text) = common::send(&s.app, req).await;
        assert_eq!(status, 400, "size={size}: {text}");
    }
}
