//! The Postgres store: one module per table family, functions named `find_/list_/insert_/update_/
//! delete_` that take any executor (pool, connection or transaction) and return rows or sqlx errors.
//! Business rules live in the use cases, not here.

pub mod access_keys;
pub mod accounts;
pub mod boundaries;
pub mod credential_reports;
pub mod events;
pub mod groups;
pub mod login_profiles;
pub mod mfa_devices;
pub mod outbox;
pub mod password_policies;
pub mod policies;
pub mod policy_tags;
pub mod preferences;
pub mod root_recovery;
pub mod sealing_keys;
pub mod service_credentials;
pub mod session_credentials;
pub mod signing_certificates;
pub mod ssh_public_keys;
pub mod throttle;
pub mod user_directory;
pub mod user_tags;
pub mod users;
pub mod warm;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a request waits for a connection (or for the database to accept one) before it is
/// answered "service unavailable": long enough for a busy pool, short enough not to hang clients.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// A connection idle for longer than this is pinged before it is handed out: a quiet server whose
/// database restarted would otherwise fail one request per stale connection.
pub const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// Connects a pool sized for a small server; fails fast when the database is unreachable.
/// `statement_timeout` bounds every statement (a stuck lock cannot pin the pool); `None` for
/// batch commands that run long statements on purpose.
pub async fn connect(
    database_url: &str,
    max_connections: u32,
    statement_timeout: Option<Duration>,
) -> Result<PgPool, sqlx::Error> {
    let mut options = PgConnectOptions::from_str(database_url)?;
    if let Some(timeout) = statement_timeout {
        options = options.options([("statement_timeout", format!("{}ms", timeout.as_millis()))]);
    }
    pool_options().max_connections(max_connections).connect_with(options).await
}

/// The pool settings every pool of the server shares: no ping on every acquire (a round trip
/// each), but a ping for connections that may have gone stale — idle for a while, or older than
/// the last connection-level failure (a database restart breaks every connection opened before).
pub fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_WHEN_IDLE_FOR || opened_before_last_failure(meta.age) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .idle_timeout(Duration::from_secs(300))
}

fn clock() -> &'static Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now)
}

/// Milliseconds since [`clock`] at the last connection-level failure, plus one (0: none yet).
static LAST_FAILURE: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    u64::try_from(clock().elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn opened_before_last_failure(age: Duration) -> bool {
    let last = LAST_FAILURE.load(Ordering::Relaxed);
    let opened = now_ms().saturating_sub(u64::try_from(age.as_millis()).unwrap_or(u64::MAX));
    last != 0 && opened < last
}

/// True when `e` says the database cannot be reached (refused, reset, shutting down, no free
/// connection in time), not that a statement was wrong. Such errors are answered 503, and this
/// also records the moment, so the pool checks its older connections before using them again.
pub fn record_if_unavailable(e: &sqlx::Error) -> bool {
    let unavailable = match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        // Class 08 (connection exception), 57P01–57P03 (shutting down, crash, cannot connect
        // now) and 53300 (too many connections).
        sqlx::Error::Database(db) => {
            db.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P") || c == "53300")
        }
        _ => false,
    };
    if unavailable {
        LAST_FAILURE.store(now_ms().saturating_add(1), Ordering::Relaxed);
    }
    unavailable
}

/// True when PostgreSQL refused a value itself (class 22, data exception: a NUL character, a
/// number out of range, text that is not a number).
pub fn is_bad_value(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("22")))
}

/// True when `e` is the statement timeout (or a lock wait it cut short): the request took too
/// long, and may be retried.
pub fn is_timeout(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|c| c == "57014" || c == "55P03"))
}

/// The name of the unique constraint (or unique index) a write violated, if that is what failed.
pub fn unique_violation(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint(),
        _ => None,
    }
}
