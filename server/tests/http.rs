//! The whole router against a real Postgres: sessions (rotation, restart, sign-out), cross-site
//! refusal, security headers, account hosts. Requests go through the same middleware stack as in
//! production, in-process.

mod common;

use common::{body_text, session_cookie};

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use clap::Parser;
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::{Engine, EngineConfig};
use lanyard_server::config::{Cli, Config};
use lanyard_server::{router, sessions};
use sqlx::PgPool;
use tower::ServiceExt;

const ROOT_EMAIL: &str = "owner@example.com";
const ROOT_PASSWORD: &str = "Root-Password-1";
const USER_PASSWORD: &str = "User-Password-1";
const HOST: &str = "localhost:3000";

fn config() -> Config {
    Cli::parse_from(["lanyard", "--site-root", "/nonexistent"]).config
}

fn app(pool: &PgPool) -> axum::Router {
    app_with(pool, config())
}

fn app_with(pool: &PgPool, config: Config) -> axum::Router {
    let engine = Engine::new(pool.clone(), EngineConfig { hash_concurrency: 2, ..EngineConfig::default() }).unwrap();
    router::build(&config, engine, sessions::store(pool))
}

async fn seed(pool: &PgPool) -> String {
    let engine = Engine::new(pool.clone(), EngineConfig::default()).unwrap();
    let account = engine
        .create_account(NewAccount {
            email: ROOT_EMAIL.into(),
            alias: Some("demo".into()),
            password: Password::new(ROOT_PASSWORD),
        })
        .await
        .unwrap();
    let root = lanyard_iam::Actor::root(account.account_id.clone(), ROOT_EMAIL);
    engine
        .create_user(
            &root,
            NewUser {
                user_name: "alice".into(),
                path: None,
                password: Some(Password::new(USER_PASSWORD)),
                password_reset_required: false,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    account.account_id.to_string()
}

fn form_post(
    path: &str,
    host: &str,
    body: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
    accept_html: bool,
) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, if accept_html { "text/html" } else { "application/json" })
        .header(header::REFERER, format!("http://{host}/signin"));
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

fn get(path: &str, host: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path).header(header::HOST, host).header(header::ACCEPT, "text/html");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

async fn root_sign_in(app: &axum::Router, cookie: Option<&str>) -> Response<Body> {
    let body = format!("kind=root&email={ROOT_EMAIL}&password={ROOT_PASSWORD}&from=%2Fsignin");
    app.clone()
        .oneshot(form_post("/api/sign_in", HOST, &body, cookie, Some("http://localhost:3000"), false))
        .await
        .unwrap()
}

async fn session_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session").fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn root_sign_in_sets_a_host_only_httponly_lax_session_and_shows_the_arn(pool: PgPool) {
    let account_id = seed(&pool).await;
    let app = app(&pool);
    let res = root_sign_in(&app, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let raw = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Path=/"), "{raw}");
    assert!(!raw.to_ascii_lowercase().contains("domain="), "host-only cookie: {raw}");
    let cookie = session_cookie(&res).unwrap();
    assert!(body_text(res).await.contains("/console"));
    let page = app.clone().oneshot(get("/console", HOST, Some(&cookie))).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(html.contains(&format!("arn:aws:iam::{account_id}:root")), "ARN shown");
    assert!(html.contains("Sign out"));
}

#[sqlx::test(migrations = "../migrations")]
async fn behind_https_the_cookie_is_secure_host_prefixed_and_hsts_is_sent(pool: PgPool) {
    seed(&pool).await;
    let config =
        Cli::parse_from(["lanyard", "--site-root", "/nonexistent", "--public-url", "https://iam.example.com"]).config;
    let app = app_with(&pool, config);
    let body = format!("kind=root&email={ROOT_EMAIL}&password={ROOT_PASSWORD}");
    let req = form_post("/api/sign_in", "iam.example.com", &body, None, Some("https://iam.example.com"), false);
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let raw = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(raw.starts_with("__Host-lanyard=") && raw.contains("Secure") && raw.contains("HttpOnly"), "{raw}");
    assert!(res.headers().get(header::STRICT_TRANSPORT_SECURITY).is_some());
    // Plain-http origins are refused when the console is served over https.
    let req = form_post("/api/sign_in", "iam.example.com", &body, None, Some("http://iam.example.com"), false);
    assert_eq!(app.oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);
}

/// Attack: session fixation — an attacker plants a session ID in the victim's browser before
/// sign-in and rides the session afterwards. Sign-in must issue a new ID and drop the old one.
#[sqlx::test(migrations = "../migrations")]
async fn sign_in_rotates_the_session_id(pool: PgPool) {
    seed(&pool).await;
    let app = app(&pool);
    // A failed plain-form sign-in leaves an error in a (pre-authentication) session.
    let bad = form_post("/api/sign_in", HOST, "kind=root&email=x%40example.com&password=nope", None, None, true);
    let res = app.clone().oneshot(bad).await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "plain form posts go back to the form");
    let planted = session_cookie(&res).expect("a pre-authentication session");
    let res = root_sign_in(&app, Some(&planted)).await;
    let fresh = session_cookie(&res).expect("a new session cookie");
    assert_ne!(fresh, planted);
    let old_id = planted.split_once('=').unwrap().1.to_owned();
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session WHERE id = $1")
        .bind(&old_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(still, 0, "the planted session is gone");
    let page = app.clone().oneshot(get("/console", HOST, Some(&planted))).await.unwrap();
    assert_eq!(page.status(), StatusCode::FOUND, "the planted ID is not signed in");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_sign_in_answers_401_with_the_generic_message_and_no_session(pool: PgPool) {
    seed(&pool).await;
    let body = format!("kind=root&email={ROOT_EMAIL}&password=Wrong-Password-1");
    let res = app(&pool).oneshot(form_post("/api/sign_in", HOST, &body, None, None, false)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&res).is_none());
    let text = body_text(res).await;
    assert!(text.contains("Your authentication information is incorrect. Please try again."), "{text}");
    assert!(text.contains("SignInFailed"));
}

/// Leak: a failed no-JavaScript sign-in keeps what was typed for the form — the password must
/// never be among it, in the session store or anywhere in the response.
#[sqlx::test(migrations = "../migrations")]
async fn a_failed_plain_sign_in_keeps_typed_values_but_never_the_password(pool: PgPool) {
    seed(&pool).await;
    let app = app(&pool);
    let body = "kind=iam&account=demo&user_name=alice&password=Secret-Guess-123";
    let res = app.clone().oneshot(form_post("/api/sign_in", HOST, body, None, None, true)).await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let cookie = session_cookie(&res).unwrap();
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT data FROM tower_sessions.session").fetch_all(&pool).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].windows(16).any(|w| w == b"Secret-Guess-123"), "password stored in the session");
    assert!(stored[0].windows(5).any(|w| w == b"alice"), "the user name is kept for the form");
    let page = app.clone().oneshot(get("/signin", HOST, Some(&cookie))).await.unwrap();
    let html = body_text(page).await;
    assert!(html.contains("Your authentication information is incorrect."));
    assert!(html.contains("value=\"alice\"") && !html.contains("Secret-Guess-123"));
}

#[sqlx::test(migrations = "../migrations")]
async fn sessions_survive_a_server_restart(pool: PgPool) {
    let account_id = seed(&pool).await;
    let cookie = session_cookie(&root_sign_in(&app(&pool), None).await).unwrap();
    // A new router with a new engine and store: nothing kept in memory.
    let restarted = app(&pool);
    let page = restarted.oneshot(get("/console", HOST, Some(&cookie))).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(body_text(page).await.contains(&format!("arn:aws:iam::{account_id}:root")));
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_out_deletes_the_server_side_session(pool: PgPool) {
    seed(&pool).await;
    let app = app(&pool);
    let cookie = session_cookie(&root_sign_in(&app, None).await).unwrap();
    assert_eq!(session_rows(&pool).await, 1);
    let res = app
        .clone()
        .oneshot(form_post("/api/sign_out", HOST, "", Some(&cookie), Some("http://localhost:3000"), false))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(session_rows(&pool).await, 0);
    let page = app.clone().oneshot(get("/console", HOST, Some(&cookie))).await.unwrap();
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers().get(header::LOCATION).unwrap(), "/signin");
}

/// Attack: login CSRF — another site makes the victim's browser sign in (as the attacker) by
/// posting the sign-in form cross-origin. Refused before anything runs: no session, no attempt.
#[sqlx::test(migrations = "../migrations")]
async fn cross_site_sign_in_is_refused(pool: PgPool) {
    seed(&pool).await;
    let app = app(&pool);
    let body = format!("kind=root&email={ROOT_EMAIL}&password={ROOT_PASSWORD}");
    for origin in ["https://evil.example", "http://evil.signin.localhost:3000", "null"] {
        let res = app.clone().oneshot(form_post("/api/sign_in", HOST, &body, None, Some(origin), true)).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
        assert!(session_cookie(&res).is_none());
    }
    let attempts: i64 = sqlx::query_scalar("SELECT count(*) FROM signin_throttle").fetch_one(&pool).await.unwrap();
    assert_eq!(attempts, 0, "no sign-in attempt was even made");
}

/// Attack: logout CSRF from a sibling account host (same site, different origin): refused, and
/// the victim stays signed in.
#[sqlx::test(migrations = "../migrations")]
async fn cross_origin_sign_out_is_refused(pool: PgPool) {
    seed(&pool).await;
    let app = app(&pool);
    let cookie = session_cookie(&root_sign_in(&app, None).await).unwrap();
    let res = app
        .clone()
        .oneshot(form_post("/api/sign_out", HOST, "", Some(&cookie), Some("http://evil.signin.localhost:3000"), false))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(session_rows(&pool).await, 1);
    let res = app
        .clone()
        .oneshot(
            Request::post("/api/sign_out")
                .header(header::HOST, HOST)
                .header(header::COOKIE, &cookie)
                .header("sec-fetch-site", "same-site")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(session_rows(&pool).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_security_headers_and_a_nonce_csp_that_matches_the_hydration_script(pool: PgPool) {
    let app = app(&pool);
    let res = app.clone().oneshot(get("/signin", HOST, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    assert_eq!(h.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
    assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    assert_eq!(h.get(header::REFERRER_POLICY).unwrap(), "same-origin");
    assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let csp = h.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce").to_owned();
    let html = body_text(res).await;
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the CSP nonce");
    // A second response gets a different nonce.
    let again = app.clone().oneshot(get("/signin", HOST, None)).await.unwrap();
    let csp2 = again.headers().get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().to_owned();
    assert_ne!(csp, csp2);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_account_host_asks_only_user_name_and_password(pool: PgPool) {
    let account_id = seed(&pool).await;
    let app = app(&pool);
    for host in ["demo.signin.localhost:3000".to_owned(), format!("{account_id}.signin.localhost:3000")] {
        let res = app.clone().oneshot(get("/console", &host, None)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let html = body_text(res).await;
        assert!(html.contains("Sign in as IAM user") && html.contains("IAM user name"), "{host}");
        assert!(!html.contains("Email address"), "no root sign-in on the account page");
        assert!(html.contains("http://localhost:3000/signin"), "links to root sign-in");
    }
    // On the console's own host, signed out, /console sends people to /signin.
    let res = app.clone().oneshot(get("/console", HOST, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn health_and_readiness(pool: PgPool) {
    let app = app(&pool);
    let res = app.clone().oneshot(get("/healthz", HOST, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.clone().oneshot(get("/readyz", HOST, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    pool.close().await;
    let res = app.clone().oneshot(get("/readyz", HOST, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[sqlx::test(migrations = "../migrations")]
async fn unknown_pages_are_404(pool: PgPool) {
    let res = app(&pool).oneshot(get("/no/such/page", HOST, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
