//! Console sessions in PostgreSQL (they survive restarts and are shared by replicas): host-only,
//! HttpOnly, SameSite=Lax cookies, Secure (with the `__Host-` prefix) behind https, idle expiry.

use crate::config::Config;
use sqlx::PgPool;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub fn store(pool: &PgPool) -> PostgresStore {
    PostgresStore::new(pool.clone())
}

pub fn layer(config: &Config, store: PostgresStore) -> SessionManagerLayer<PostgresStore> {
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
pub fn spawn_expired_cleanup(store: PostgresStore) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(tokio::time::Duration::from_secs(600)).await {
            tracing::warn!(error = %e, "expired-session cleanup stopped");
        }
    });
}
