//! Warm connections: a share of the pool that the hot API paths keep between uses.
//!
//! sqlx's pool sends a `Sync` round trip to PostgreSQL every time a connection goes back to it
//! (to flush a rollback a dropped transaction may have queued), so a request whose key lookup and
//! transaction each borrow a connection paid two extra round trips: a fifth of the API's database
//! round trips on a small host. Here up to half the pool's connections are handed from one use to
//! the next without going back. A use that ends cleanly (its statement done, its transaction
//! committed) calls [`Warm::release`]; every other ending — an error, a cancelled request, an
//! open transaction — drops the connection into the pool the usual way, whose ping then settles
//! whatever was left unfinished. Waiters queue on a semaphore in arrival order, so a released
//! connection goes to the longest waiter rather than sitting idle while others wait on the pool.

use super::{now_ms, ACQUIRE_TIMEOUT, LAST_FAILURE, PING_WHEN_IDLE_FOR};
use sqlx::pool::PoolConnection;
use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A connection resting between uses, and when it came back (milliseconds on the store's clock).
type Resting = (PoolConnection<Postgres>, u64);

/// The pool, and the connections kept warm from it.
#[derive(Clone, Debug)]
pub struct WarmPool {
    pool: PgPool,
    resting: Arc<Mutex<Vec<Resting>>>,
    /// One permit per warm connection: at most half the pool, so the pages and batch work that use
    /// the pool directly always find connections. `None` for a pool of one: nothing is kept warm.
    permits: Option<Arc<Semaphore>>,
}

impl WarmPool {
    pub fn new(pool: PgPool) -> Self {
        let share = pool.options().get_max_connections() as usize / 2;
        let permits = (share > 0).then(|| Arc::new(Semaphore::new(share)));
        Self { pool, resting: Arc::default(), permits }
    }

    /// A connection: the most recently rested one when it is fresh, else one from the pool. One
    /// idle too long, or older than the last connection failure, goes back to the pool, whose
    /// checks (a ping when idle) then apply to it.
    pub async fn acquire(&self) -> Result<Warm, sqlx::Error> {
        let Some(permits) = &self.permits else {
            return Ok(Warm { conn: self.pool.acquire().await?, home: None });
        };
        let permit = match tokio::time::timeout(ACQUIRE_TIMEOUT, permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(sqlx::Error::PoolClosed),
            Err(_) => return Err(sqlx::Error::PoolTimedOut),
        };
        let fresh_after = now_ms().saturating_sub(PING_WHEN_IDLE_FOR.as_millis() as u64);
        let failed_at = LAST_FAILURE.load(Ordering::Relaxed);
        let mut stale = Vec::new();
        let found = match self.resting.lock() {
            Ok(mut resting) => loop {
                match resting.pop() {
                    // LAST_FAILURE holds the failure's millisecond plus one (0: none yet).
                    Some((conn, at)) if at >= fresh_after && (failed_at == 0 || at >= failed_at) => break Some(conn),
                    Some((conn, _)) => stale.push(conn),
                    None => break None,
                }
            },
            Err(_) => None,
        };
        // Dropped outside the lock: each returns to the pool on a task of its own.
        drop(stale);
        let conn = match found {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        Ok(Warm { conn, home: Some((self.resting.clone(), permit)) })
    }
}

/// A connection from [`WarmPool::acquire`]; dereferences to the connection itself.
pub struct Warm {
    conn: PoolConnection<Postgres>,
    /// Where it rests after a clean use, and the permit held while in use (released after the
    /// connection is back, so the next waiter finds it); `None` when nothing is kept warm.
    home: Option<(Arc<Mutex<Vec<Resting>>>, OwnedSemaphorePermit)>,
}

impl Warm {
    /// A transaction on this connection; commit it, then [`Warm::release`].
    pub async fn begin(&mut self) -> Result<Transaction<'_, Postgres>, sqlx::Error> {
        Connection::begin(&mut *self.conn).await
    }

    /// The use is over and left nothing open: keep the connection warm for the next one. A
    /// connection still inside a transaction goes back to the pool instead.
    pub fn release(self) {
        let Warm { conn, home } = self;
        let Some((home, permit)) = home else { return };
        if conn.is_in_transaction() {
            return;
        }
        let refused = match home.lock() {
            Ok(mut resting) => {
                resting.push((conn, now_ms()));
                None
            }
            Err(_) => Some(conn),
        };
        drop(refused);
        drop(permit);
    }
}

impl Deref for Warm {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl DerefMut for Warm {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}
