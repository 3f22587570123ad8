//! The Postgres store: one module per table family, functions named `find_/list_/insert_/update_/
//! delete_` that take any executor (pool, connection or transaction) and return rows or sqlx errors.
//! Business rules live in the use cases, not here.

pub mod access_keys;
pub mod accounts;
pub mod groups;
pub mod login_profiles;
pub mod mfa_devices;
pub mod outbox;
pub mod password_policies;
pub mod policies;
pub mod policy_tags;
pub mod root_recovery;
pub mod session_credentials;
pub mod throttle;
pub mod user_directory;
pub mod user_tags;
pub mod users;

use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects a pool sized for a small server; fails fast when the database is unreachable.
pub async fn connect(database_url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // No ping before every query (an extra round trip each); a broken connection surfaces as
        // an error on use and is replaced, and idle ones are recycled.
        .test_before_acquire(false)
        .idle_timeout(Duration::from_secs(300))
        .connect(database_url)
        .await
}

/// The name of the unique constraint (or unique index) a write violated, if that is what failed.
pub fn unique_violation(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint(),
        _ => None,
    }
}
