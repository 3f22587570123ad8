//! Rows of `signin_throttle`: failed sign-in counters with growing locks, charged atomically.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// How one kind of subject (a user, a source address) is throttled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed before the first lock.
    pub free_failures: i32,
    /// The first lock's length; each further failure doubles it.
    pub base_lock_secs: i32,
    pub max_lock_secs: i32,
    /// A subject without attempts for this long starts from zero again.
    pub reset_after_secs: i32,
}

/// Charges one attempt before the password is checked. `Ok(None)`: the subject is locked and
/// nothing was charged; `Ok(Some(n))`: the attempt may proceed and is failure number `n` unless
/// it succeeds.
pub async fn update_charge_attempt(
    ex: impl PgExecutor<'_>,
    key: &str,
    policy: &ThrottlePolicy,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT signin_charge_attempt($1, $2, $3, $4, $5)",
        key,
        policy.free_failures,
        policy.base_lock_secs,
        policy.max_lock_secs,
        policy.reset_after_secs
    )
    .fetch_one(ex)
    .await
}

/// After a successful sign-in: the user's consecutive failures start again from zero.
pub async fn delete_failures(ex: impl PgExecutor<'_>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM signin_throttle WHERE throttle_key = $1", key)
        .execute(ex)
        .await?;
    Ok(())
}

/// After a successful sign-in from an address: take back that attempt's charge (only failures
/// count against an address), lifting the lock if that brings it under the limit.
pub async fn update_refund_attempt(
    ex: impl PgExecutor<'_>,
    key: &str,
    policy: &ThrottlePolicy,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE signin_throttle
            SET failures = GREATEST(failures - 1, 0),
                locked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE locked_until END
          WHERE throttle_key = $1",
        key,
        policy.free_failures
    )
    .execute(ex)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleRow {
    pub failures: i32,
    pub locked_until: Option<OffsetDateTime>,
}

pub async fn find_throttle(
    ex: impl PgExecutor<'_>,
    key: &str,
) -> Result<Option<ThrottleRow>, sqlx::Error> {
    sqlx::query_as!(
        ThrottleRow,
        "SELECT failures, locked_until FROM signin_throttle WHERE throttle_key = $1",
        key
    )
    .fetch_optional(ex)
    .await
}
