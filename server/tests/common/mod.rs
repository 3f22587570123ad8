//! The shared kit of the server's integration tests: an engine and the whole router on a test
//! database, and requests signed as an AWS SDK signs them.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, Response};
use clap::Parser;
use lanyard_iam::sigv4::{self, ClientCredentials};
use lanyard_iam::{Engine, EngineConfig};
use lanyard_server::config::Cli;
use lanyard_server::{router, sessions};
use sqlx::PgPool;
use time::OffsetDateTime;
use tower::ServiceExt;

pub const HOST: &str = "localhost:3000";

pub fn engine(pool: &PgPool) -> Engine {
    Engine::new(pool.clone(), EngineConfig { hash_concurrency: 2, ..EngineConfig::default() }).unwrap()
}

/// A new account (root `<alias>@example.com`, password `Root-Password-1`) and its root acting.
pub async fn root_account(engine: &Engine, alias: &str) -> lanyard_iam::Actor {
    let email = format!("{alias}@example.com");
    let account = engine
        .create_account(lanyard_iam::usecases::accounts::NewAccount {
            email: email.clone(),
            alias: Some(alias.into()),
            password: lanyard_iam::domain::Password::new("Root-Password-1"),
        })
        .await
        .unwrap();
    lanyard_iam::Actor::root(account.account_id, email)
}

/// The production router (every middleware) around `engine`.
pub fn app(pool: &PgPool, engine: &Engine) -> axum::Router {
    let config = Cli::parse_from(["lanyard", "--site-root", "/nonexistent"]).config;
    router::build(&config, engine.clone(), sessions::store(pool))
}

/// A long-term key or temporary credentials, as a client holds them.
#[derive(Clone, Debug)]
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: Option<String>,
}

impl Creds {
    pub fn long_term(key: &str, secret: &str) -> Self {
        Creds { key: key.into(), secret: secret.into(), token: None }
    }
}

/// `POST /` with `body`, signed at `at` for `region`/`service`.
pub fn signed_at(body: &str, c: &Creds, region: &str, service: &str, at: OffsetDateTime) -> Request<Body> {
    let creds = ClientCredentials { access_key_id: &c.key, secret: &c.secret, session_token: c.token.as_deref() };
    let headers = sigv4::client_post_headers(HOST, creds, region, service, body.as_bytes(), at).unwrap();
    let mut b = Request::post("/");
    for (n, v) in &headers {
        b = b.header(n.as_str(), v.as_str());
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

/// `POST /` with `body`, signed now in `us-east-1`.
pub fn signed(body: &str, c: &Creds, service: &str) -> Request<Body> {
    signed_at(body, c, "us-east-1", service, OffsetDateTime::now_utc())
}

/// The status and body of `req` through `app`.
pub async fn send(app: &axum::Router, req: Request<Body>) -> (u16, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    (status, String::from_utf8(axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap())
}

/// The text of the first `<tag>` in `xml`.
pub fn between<'a>(xml: &'a str, tag: &str) -> &'a str {
    xml.split(&format!("<{tag}>")).nth(1).and_then(|r| r.split(&format!("</{tag}>")).next()).unwrap_or("")
}

/// `name=value` of the session cookie a response sets, if any.
pub fn session_cookie(res: &Response<Body>) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lanyard_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// A response's body as text (lossy: tests read pages and error bodies alike).
pub async fn body_text(res: Response<Body>) -> String {
    String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap()).into_owned()
}

/// An Ed25519 public key (`ssh-keygen -t ed25519`), for requests that upload one.
pub const SSH_PUBLIC_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILEfVOuiQ9hysJggWT6HccrGow+XdcRSDHYkYJqKuF7Y lanyard-test";

/// A self-signed certificate valid until 2126 (`openssl req -x509 … -days 36500`).
pub const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----\nMIIBizCCATGgAwIBAgIUSyxfwzBaTzLZWg/ZzAy35K8d5oMwCgYIKoZIzj0EAwIw\nGjEYMBYGA1UEAwwPbGFueWFyZC1maXh0dXJlMCAXDTI2MTIwMjEzNTU1NVoYDzIx\nMjYxMTA4MTM1NTU1WjAaMRgwFgYDVQQDDA9sYW55YXJkLWZpeHR1cmUwWTATBgcq\nhkjOPQIBBggqhkjOPQMBBwNCAASNrLgGJFbpd2BRq9u1l9+OZQeCBlf6zVZsGg0s\n/HbcWLmzreQo19/dVsF1TnaGHXTVL5DBbjjYVOaRnjQRjOB+o1MwUTAdBgNVHQ4E\nFgQUsUFRYU9beuJRHkVQw7HSRll8OW4wHwYDVR0jBBgwFoAUsUFRYU9beuJRHkVQ\nw7HSRll8OW4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiBQFhIo\nRSF4qAUzQ39UW5kBRA28Ng2nE8jZ5XiiuN6qnQIhAIwriQc/vJcA6MkYyiRraZij\nYte8pa1hHY+UIU8KS/Vg\n-----END CERTIFICATE-----";
