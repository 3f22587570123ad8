//! Rows of `mfa_devices`: virtual MFA devices of a user, or of the root user (`user_id` NULL).
//! An owner is `(account_id, user_id)`; queries compare `coalesce(user_id, '')` so both kinds
//! use one index.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What may be shown of a device.
#[derive(Clone, Debug)]
pub struct MfaDeviceRow {
    pub id: i64,
    pub name: String,
    pub enabled_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// What verifying a code needs. `Debug` leaves the sealed seed out.
#[derive(Clone)]
pub struct MfaSecretRow {
    pub id: i64,
    pub name: String,
    pub sealed_seed: Vec<u8>,
    pub last_used_step: i64,
    pub drift_steps: i32,
}

impl std::fmt::Debug for MfaSecretRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaSecretRow").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

pub async fn list_mfa_devices(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<Vec<MfaDeviceRow>, sqlx::Error> {
    sqlx::query_as!(
        MfaDeviceRow,
        "SELECT id, name, enabled_at, last_used_at FROM mfa_devices
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '')
          ORDER BY enabled_at, id",
        account_id,
        user_id
    )
    .fetch_all(ex)
    .await
}

pub async fn list_mfa_secrets(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<Vec<MfaSecretRow>, sqlx::Error> {
    sqlx::query_as!(
        MfaSecretRow,
        "SELECT id, name, sealed_seed, last_used_step, drift_steps FROM mfa_devices
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '')
          ORDER BY id",
        account_id,
        user_id
    )
    .fetch_all(ex)
    .await
}

/// Whether the owner has any device (sign-in asks for a code only then).
pub async fn find_any_mfa_device(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM mfa_devices
                          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '')) AS "any!""#,
        account_id,
        user_id
    )
    .fetch_one(ex)
    .await
}

/// A new row id, so the seed can be sealed bound to it before the row is written.
pub async fn find_next_mfa_device_id(ex: impl PgExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT nextval(pg_get_serial_sequence('mfa_devices', 'id')) AS "id!""#).fetch_one(ex).await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_mfa_device(
    ex: impl PgExecutor<'_>,
    id: i64,
    account_id: &str,
    user_id: Option<&str>,
    name: &str,
    sealed_seed: &[u8],
    last_used_step: i64,
) -> Result<MfaDeviceRow, sqlx::Error> {
    sqlx::query_as!(
        MfaDeviceRow,
        "INSERT INTO mfa_devices (id, account_id, user_id, name, sealed_seed, last_used_step, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         RETURNING id, name, enabled_at, last_used_at",
        id,
        account_id,
        user_id,
        name,
        sealed_seed,
        last_used_step
    )
    .fetch_one(ex)
    .await
}

/// Accepts a code of `step`: succeeds only if no code of this step or a later one was accepted
/// before, in one statement, so two requests with one code cannot both pass.
pub async fn update_mfa_step_used(ex: impl PgExecutor<'_>, id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE mfa_devices SET last_used_step = $2, last_used_at = now() WHERE id = $1 AND last_used_step < $2",
        id,
        step
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// After a resync: the device's clock offset and the newest step used.
pub async fn update_mfa_resync(ex: impl PgExecutor<'_>, id: i64, step: i64, drift: i32) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE mfa_devices SET last_used_step = $2, drift_steps = $3, last_used_at = now()
          WHERE id = $1 AND last_used_step < $2",
        id,
        step,
        drift
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_mfa_device(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM mfa_devices
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND lower(name) = lower($3)",
        account_id,
        user_id,
        name
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks the account row: root's devices are counted under it, so two enrolments cannot both
/// take the eighth place.
pub async fn find_account_for_update(ex: impl PgExecutor<'_>, account_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!("SELECT account_id FROM accounts WHERE account_id = $1 FOR UPDATE", account_id)
        .fetch_optional(ex)
        .await?
        .is_some())
}
