//! Rows of `signin_throttle`: failed sign-in counters with growing locks, charged atomically
//! before the password is checked (see the `signin_*` functions in the migrations).

use sqlx::PgExecutor;

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

/// What charging a sign-in attempt found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charge {
    /// Both counters took the attempt; the password may be checked.
    Proceed,
    /// The source address is locked; nothing more was charged.
    AddressLocked,
    /// The user (or root email) is locked.
    SubjectLocked,
}

/// Charges one attempt to the address and then the subject, in one statement.
pub async fn update_begin_attempt(
    ex: impl PgExecutor<'_>,
    address_key: &str,
    address: &ThrottlePolicy,
    subject_key: &str,
    subject: &ThrottlePolicy,
) -> Result<Charge, sqlx::Error> {
    let outcome = sqlx::query_scalar!(
        "SELECT signin_begin($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        address_key,
        address.free_failures,
        address.base_lock_secs,
        address.max_lock_secs,
        address.reset_after_secs,
        subject_key,
        subject.free_failures,
        subject.base_lock_secs,
        subject.max_lock_secs,
        subject.reset_after_secs,
    )
    .fetch_one(ex)
    .await?;
    Ok(match outcome.as_deref() {
        Some("ok") => Charge::Proceed,
        Some("address_locked") => Charge::AddressLocked,
        _ => Charge::SubjectLocked,
    })
}

/// After a correct password: refund the address, clear the subject, record PasswordLastUsed.
pub async fn update_attempt_succeeded(
    ex: impl PgExecutor<'_>,
    address_key: &str,
    address: &ThrottlePolicy,
    subject_key: &str,
    user_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT signin_succeeded($1, $2, $3, $4)", address_key, address.free_failures, subject_key, user_id)
        .fetch_one(ex)
        .await?;
    Ok(())
}

/// Charges one attempt to `key` alone (a counter of something that is never "right", such as
/// mails sent); false when the key is locked.
pub async fn update_charge_one(
    ex: impl PgExecutor<'_>,
    key: &str,
    policy: &ThrottlePolicy,
) -> Result<bool, sqlx::Error> {
    let charged: Option<i32> = sqlx::query_scalar("SELECT signin_charge_attempt($1, $2, $3, $4, $5)")
        .bind(key)
        .bind(policy.free_failures)
        .bind(policy.base_lock_secs)
        .bind(policy.max_lock_secs)
        .bind(policy.reset_after_secs)
        .fetch_one(ex)
        .await?;
    Ok(charged.is_some())
}

/// A throttled subject's counter, as an administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleRow {
    pub failures: i32,
    pub locked_until: Option<time::OffsetDateTime>,
    pub last_attempt_at: time::OffsetDateTime,
}

pub async fn delete_throttle(ex: impl PgExecutor<'_>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM signin_throttle WHERE throttle_key = $1", key).execute(ex).await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedRow {
    pub throttle_key: String,
    pub failures: i32,
    pub locked_until: time::OffsetDateTime,
}

/// Counters under `prefix` (one account's users: `user:<account>:`) that are locked right now.
pub async fn list_locked_throttles(ex: impl PgExecutor<'_>, prefix: &str) -> Result<Vec<LockedRow>, sqlx::Error> {
    sqlx::query_as!(
        LockedRow,
        r#"SELECT throttle_key, failures, locked_until AS "locked_until!"
             FROM signin_throttle
            WHERE starts_with(throttle_key, $1) AND locked_until > now()
            ORDER BY locked_until DESC LIMIT 100"#,
        prefix
    )
    .fetch_all(ex)
    .await
}
