//! Every server function the console registers, called over HTTP by a signed-in IAM user without
//! any policy, with arguments aimed at another user, a group and a policy of the account (the group
//! and the policy share the name `Ops`, so one `confirm_name` confirms either deletion).

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use clap::Parser;
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::policies::NewPolicy;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::{Actor, Engine, EngineConfig};
use lanyard_server::config::Cli;
use lanyard_server::{router, sessions};
use sqlx::PgPool;
use tower::ServiceExt;

const HOST: &str = "localhost:3000";
const ORIGIN: &str = "http://localhost:3000";
const PASSWORD: &str = "User-Password-1";

/// What any principal may call: signing in and out, the page context, one's own session state,
/// root recovery (public by design) and the password rules forms display.
const OPEN_TO_EVERYONE: &[&str] = &[
    "sign_in",
    "sign_in_mfa",
    "mfa_step_pending",
    "sign_out",
    "page_context",
    "forgot_password",
    "reset_link_usable",
    "reset_password",
    "own_password_rules",
    "user_password_rules",
    "take_generated_password",
    "take_new_access_key",
    // Both touch only the caller's own session: the secrets just shown, the draft being dropped.
    "take_added_users",
    "cancel_add_users",
];

fn post(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Signs `user_name` of account `demo` in through the console's server function: its session cookie.
async fn sign_in(app: &axum::Router, user_name: &str) -> String {
    let form = format!("kind=user&account=demo&user_name={user_name}&password={PASSWORD}&from=%2Fsignin%2Fdemo");
    let res = app.clone().oneshot(post("/api/sign_in", &form, None)).await.unwrap();
    assert!(res.status().is_success(), "sign-in: {}", res.status());
    common::session_cookie(&res).expect("session cookie")
}

/// Account `demo` (owner@example.com) on a fresh engine, and its root.
async fn demo_account(pool: &PgPool) -> (Engine, lanyard_iam::usecases::accounts::Account, Actor) {
    let engine = Engine::new(pool.clone(), EngineConfig { hash_concurrency: 2, ..EngineConfig::default() }).unwrap();
    let account = engine
        .create_account(NewAccount {
            email: "owner@example.com".into(),
            alias: Some("demo".into()),
            password: Password::new("Root-Password-1"),
        })
        .await
        .unwrap();
    let root = Actor::root(account.account_id.clone(), "owner@example.com");
    (engine, account, root)
}

/// Privilege escalation through hand-written requests: each server function that acts on the
/// account refuses an IAM user without policies with AccessDenied, and nothing changes.
#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_refuses_a_user_without_permissions(pool: PgPool) {
    let (engine, account, root) = demo_account(&pool).await;
    for name in ["nobody", "victim"] {
        let user = NewUser { user_name: name.into(), password: Some(Password::new(PASSWORD)), ..Default::default() };
        engine.create_user(&root, user).await.unwrap();
    }
    engine.create_group(&root, "victim", None).await.unwrap();
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let policy = engine
        .create_policy(&root, NewPolicy { policy_name: "victim".into(), document: doc.into(), ..Default::default() })
        .await
        .unwrap();
    let config = Cli::parse_from(["lanyard", "--site-root", "/nonexistent"]).config;
    let app = router::build(&config, engine.clone(), sessions::store(&pool));

    let cookie = sign_in(&app, "nobody").await;

    let fields: Vec<(&str, String)> = vec![
        ("user_name", "victim".into()),
        ("confirm_name", "victim".into()), // the user, group and policy are all named victim
        ("new_user_name", "renamed".into()),
        ("new_path", "/x/".into()),
        ("path", "/".into()),
        ("group_name", "victim".into()),
        ("kind", "user".into()),
        ("name", "nobody".into()),
        ("arn", policy.arn.clone()),
        ("policy_arn", "arn:aws:iam::aws:policy/AdministratorAccess".into()),
        ("policy_name", "Escalate".into()),
        ("policy_document", doc.into()),
        ("description", "d".into()),
        ("version_id", "v1".into()),
        ("access_key_id", "AKIAAAAAAAAAAAAAAAAA".into()),
        ("status", "Inactive".into()),
        ("account_alias", "evil".into()),
        ("minimum_password_length", "8".into()),
        ("password_kind", "custom".into()),
        ("custom_password", "Evil-Passw0rd!!".into()),
        ("console_access", "on".into()),
        ("ticket", "x".into()),
        ("device_name", "d".into()),
        ("device", "d".into()),
        ("code1", "123456".into()),
        ("code2", "234567".into()),
        ("assign", "true".into()),
        ("actions", "iam:GetUser".into()),
        ("resource", "*".into()),
        ("mfa", "false".into()),
        ("current_password", PASSWORD.into()),
        ("new_password", "New-Passw0rd-123".into()),
        ("confirm_new_password", "New-Passw0rd-123".into()),
        // Add users: step 1's `Create user` with one name.
        ("step", "details".into()),
        ("go", "create".into()),
        ("user_names[0]", "newcomer".into()),
        ("email", "someone@example.com".into()),
        ("boundary", "arn:aws:iam::aws:policy/IAMReadOnlyAccess".into()),
        // SSH keys, certificates and service-specific credentials.
        ("public_key", common::SSH_PUBLIC_KEY.into()),
        ("certificate", common::CERTIFICATE.into()),
        ("credential_kind", "SshKey".into()),
        ("id", "APKAAAAAAAAAAAAAAAAA".into()),
        ("service", "codecommit.amazonaws.com".into()),
        ("credential_id", String::new()),
        ("event_id", "00000000-0000-4000-8000-000000000000".into()),
    ];
    let body: String = fields.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&");

    let mut paths: Vec<(&str, axum::http::Method)> = leptos::server_fn::axum::server_fn_paths().collect();
    paths.sort_unstable_by_key(|(p, _)| *p);
    assert!(paths.len() > 40, "the console's server functions are registered: {paths:?}");
    let mut checked = 0;
    for (path, method) in paths {
        let name = path.trim_start_matches("/api/");
        if OPEN_TO_EVERYONE.contains(&name) {
            continue;
        }
        let req = if method == axum::http::Method::GET {
            let mut get =
                Request::get(format!("{path}?{body}")).header(header::HOST, HOST).header(header::COOKIE, &cookie);
            get = get.header(header::ACCEPT, "application/json");
            get.body(Body::empty()).unwrap()
        } else {
            post(path, &body, Some(&cookie))
        };
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let text =
            String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
        assert!(
            text.contains("AccessDenied") && text.contains("is not authorized to perform: iam:"),
            "{name}: expected AccessDenied, got {status} {text}"
        );
        checked += 1;
    }
    assert!(checked > 30, "{checked} server functions checked");

    // Nothing changed: no new user, group member, policy attachment, alias or password.
    let users = engine.list_users(&root, Default::default()).await.unwrap().users;
    assert_eq!(users.iter().map(|u| u.user_name.to_string()).collect::<Vec<_>>(), ["nobody", "victim"]);
    assert!(engine.get_group(&root, "victim").await.unwrap().members.is_empty());
    let me = lanyard_iam::usecases::policies::PolicyTarget::User("nobody".into());
    assert!(engine.list_attached_policies(&root, &me).await.unwrap().is_empty());
    assert!(engine.list_inline_policies(&root, &me).await.unwrap().is_empty());
    assert_eq!(engine.get_policy(&root, &policy.arn).await.unwrap().versions.len(), 1);
    let a =
        engine.find_account(&lanyard_iam::domain::AccountRef::Id(account.account_id.clone())).await.unwrap().unwrap();
    assert_eq!(a.alias.map(|x| x.to_string()).as_deref(), Some("demo"));
}

/// A console change that fails on bad input, before the engine names any resource, is still in
/// the event history: as the action its form stands for, with the non-secret fields typed.
#[sqlx::test(migrations = "../migrations")]
async fn a_change_refused_for_bad_input_is_recorded_as_the_form_s_action(pool: PgPool) {
    let (engine, _, root) = demo_account(&pool).await;
    let admin = NewUser { user_name: "admin".into(), password: Some(Password::new(PASSWORD)), ..Default::default() };
    engine.create_user(&root, admin).await.unwrap();
    let me = lanyard_iam::usecases::policies::PolicyTarget::User("admin".into());
    engine.attach_policy(&root, &me, "arn:aws:iam::aws:policy/AdministratorAccess").await.unwrap();
    let config = Cli::parse_from(["lanyard", "--site-root", "/nonexistent"]).config;
    let app = router::build(&config, engine.clone(), sessions::store(&pool));
    let cookie = sign_in(&app, "admin").await;

    let res = app.clone().oneshot(post("/api/create_group", "group_name=no%20spaces!&path=%2F", Some(&cookie))).await;
    let res = res.unwrap();
    assert_eq!(res.status(), 400);
    let row: (String, Option<String>, serde_json::Value) = sqlx::query_as(
        "SELECT event_name, error_code, record FROM events WHERE event_name = 'CreateGroup' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("the failed CreateGroup is recorded");
    assert_eq!(row.1.as_deref(), Some("ValidationError"));
    assert_eq!(row.2["requestParameters"]["groupName"], "no spaces!");
    assert_eq!(row.2["userIdentity"]["userName"], "admin");
    assert_eq!(row.2["lanyardOrigin"], "console");
    assert!(row.2["errorMessage"].as_str().unwrap_or_default().contains("groupName"), "{}", row.2);
}
