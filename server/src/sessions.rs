//! Console sessions in PostgreSQL (they survive restarts and are shared by replicas): host-only,
//! HttpOnly, SameSite=Lax cookies, Secure (with the `__Host-` prefix) behind https, idle expiry.
//!
//! Writes that only create or refresh a session commit without waiting for the WAL flush: a crash
//! can lose at most the last moment of them, which costs a person one more sign-in. Deletions —
//! sign-out, the old ID at sign-in — stay synchronous, so an ended session never comes back.

use crate::config::Config;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sqlx::postgres::PgPool;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

#[derive(Clone, Debug)]
pub struct ConsoleSessionStore {
    /// Loads and deletes: the engine's pool, synchronous commits.
    durable: PostgresStore,
    /// Creates and saves: connections with `synchronous_commit = off`.
    relaxed: PostgresStore,
}

#[async_trait::async_trait]
impl SessionStore for ConsoleSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.relaxed.create(record).await
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.relaxed.save(record).await
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.durable.load(id).await
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.durable.delete(id).await
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for ConsoleSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.durable.delete_expired().await
    }
}

/// The session store over `pool`, plus a small pool of its own for relaxed writes.
pub fn store(pool: &PgPool) -> ConsoleSessionStore {
    let relaxed = lanyard_iam::store::pool_options()
        .max_connections(4)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                sqlx::Executor::execute(conn, "SET synchronous_commit = off").await?;
                Ok(())
            })
        })
        .connect_lazy_with((*pool.connect_options()).clone());
    ConsoleSessionStore { durable: PostgresStore::new(pool.clone()), relaxed: PostgresStore::new(relaxed) }
}

pub fn layer(config: &Config, store: ConsoleSessionStore) -> SessionManagerLayer<ConsoleSessionStore> {
    let secure = config.secure_cookies();
    SessionManagerLayer::new(store)
        .with_name(if secure { "__Host-lanyard" } else { "lanyard_session" })
        .with_secure(secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        // Saved when modified; the app touches the session once a minute of activity, which
        // restarts the idle expiry without a database write on every page view.
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(config.session_idle_minutes.max(1))))
}

/// Deletes expired sessions every ten minutes, in the background.
pub fn spawn_expired_cleanup(store: ConsoleSessionStore) {
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(tokio::time::Duration::from_secs(600)).await {
            tracing::warn!(error = %e, "expired-session cleanup stopped");
        }
    });
}

/// tower-sessions answers a session it could not save with an empty 500. The store is the
/// database, so that is the database being unreachable: answer 503 with the message every other
/// request gets then (our own handlers never answer a bodiless 500).
pub async fn store_failures_are_unavailable(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let res = next.run(req).await;
    let bodiless = res.headers().get(header::CONTENT_TYPE).is_none()
        && axum::body::HttpBody::size_hint(res.body()).exact() == Some(0);
    if res.status() == StatusCode::INTERNAL_SERVER_ERROR && bodiless {
        let message = lanyard_iam::IamError::Unavailable(String::new()).public_message();
        return (StatusCode::SERVICE_UNAVAILABLE, message).into_response();
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    /// A database restart answered console pages with tower-sessions' bodiless 500 when the
    /// session could not be saved; it is a 503 like every other request during the outage.
    #[tokio::test]
    async fn a_session_that_cannot_be_saved_answers_503_not_an_empty_500() {
        let app = axum::Router::new()
            .route("/lost", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
            .route("/ours", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong") }))
            .layer(axum::middleware::from_fn(store_failures_are_unavailable));
        let get = |path: &str| axum::http::Request::get(path).body(Body::empty()).unwrap();
        let lost = app.clone().oneshot(get("/lost")).await.unwrap();
        assert_eq!(lost.status(), StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(lost.into_body(), 4096).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("unavailable"));
        let ours = app.oneshot(get("/ours")).await.unwrap();
        assert_eq!(ours.status(), StatusCode::INTERNAL_SERVER_ERROR, "a 500 with a message is left alone");
    }
}
