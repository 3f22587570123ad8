//! Rows of `mfa_devices`: virtual MFA devices of a user, of the root user (`user_id` NULL), or
//! unassigned (`enabled_at` NULL, made by the API's CreateVirtualMFADevice). An owner is
//! `(account_id, user_id)`; owner queries compare `coalesce(user_id, '')` so both kinds use one
//! index, and always require `enabled_at IS NOT NULL` so an unassigned device is nobody's.

use crate::domain::Tag;
use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What may be shown of a device.
#[derive(Clone, Debug)]
pub struct MfaDeviceRow {
    pub id: i64,
    pub path: String,
    pub name: String,
    pub enabled_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// What verifying a code needs. `Debug` leaves the sealed seed out.
#[derive(Clone)]
pub struct MfaSecretRow {
    pub id: i64,
    pub path: String,
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
        r#"SELECT id, path, name, enabled_at AS "enabled_at!", last_used_at FROM mfa_devices
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND enabled_at IS NOT NULL
          ORDER BY enabled_at, id"#,
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
        "SELECT id, path, name, sealed_seed, last_used_step, drift_steps FROM mfa_devices
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND enabled_at IS NOT NULL
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
                          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '')
                            AND enabled_at IS NOT NULL) AS "any!""#,
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
        r#"INSERT INTO mfa_devices (id, account_id, user_id, name, sealed_seed, last_used_step, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         RETURNING id, path, name, enabled_at AS "enabled_at!", last_used_at"#,
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
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND enabled_at IS NOT NULL
            AND lower(name) = lower($3)",
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

/// A device of the account by name, whoever holds it (or nobody), locked until the transaction
/// ends. `Debug` leaves the sealed seed out.
#[derive(Clone)]
pub struct LockedMfaDeviceRow {
    pub id: i64,
    pub path: String,
    pub name: String,
    pub user_id: Option<String>,
    pub enabled_at: Option<OffsetDateTime>,
    pub sealed_seed: Vec<u8>,
}

impl std::fmt::Debug for LockedMfaDeviceRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockedMfaDeviceRow").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

pub async fn find_mfa_device_for_update(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    name: &str,
) -> Result<Option<LockedMfaDeviceRow>, sqlx::Error> {
    sqlx::query_as!(
        LockedMfaDeviceRow,
        "SELECT id, path, name, user_id, enabled_at, sealed_seed FROM mfa_devices
          WHERE account_id = $1 AND lower(name) = lower($2) FOR UPDATE",
        account_id,
        name
    )
    .fetch_optional(ex)
    .await
}

/// An unassigned device (CreateVirtualMFADevice): a stored seed, no owner, not enabled.
pub async fn insert_unassigned_mfa_device(
    ex: impl PgExecutor<'_>,
    id: i64,
    account_id: &str,
    (path, name): (&str, &str),
    sealed_seed: &[u8],
) -> Result<OffsetDateTime, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO mfa_devices (id, account_id, user_id, path, name, sealed_seed, last_used_step, enabled_at)
         VALUES ($1, $2, NULL, $3, $4, $5, 0, NULL)
         RETURNING created_at",
        id,
        account_id,
        path,
        name,
        sealed_seed
    )
    .fetch_one(ex)
    .await
}

/// EnableMFADevice: the device now belongs to the owner (`user_id` NULL: root), enabled now, with
/// `step` as the newest step used.
pub async fn update_mfa_assigned(
    ex: impl PgExecutor<'_>,
    id: i64,
    user_id: Option<&str>,
    step: i64,
) -> Result<OffsetDateTime, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE mfa_devices SET user_id = $2, enabled_at = now(), last_used_step = $3, drift_steps = 0,
                last_used_at = now()
          WHERE id = $1 RETURNING enabled_at AS "enabled_at!""#,
        id,
        user_id,
        step
    )
    .fetch_one(ex)
    .await
}

/// DeactivateMFADevice: the device is nobody's again (it stays, with its seed, until deleted).
pub async fn update_mfa_unassigned(ex: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE mfa_devices SET user_id = NULL, enabled_at = NULL WHERE id = $1", id).execute(ex).await?;
    Ok(())
}

pub async fn delete_mfa_device_by_id(ex: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM mfa_devices WHERE id = $1", id).execute(ex).await?;
    Ok(())
}

/// A device as ListVirtualMFADevices shows it, with its holder when assigned (`user_name` NULL
/// and `enabled_at` set: root's).
#[derive(Clone, Debug)]
pub struct VirtualMfaDeviceRow {
    pub id: i64,
    pub path: String,
    pub name: String,
    pub enabled_at: Option<OffsetDateTime>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub user_path: Option<String>,
    pub user_created_at: Option<OffsetDateTime>,
}

/// Every virtual device of the account, by name.
pub async fn list_virtual_mfa_devices(
    ex: impl PgExecutor<'_>,
    account_id: &str,
) -> Result<Vec<VirtualMfaDeviceRow>, sqlx::Error> {
    sqlx::query_as!(
        VirtualMfaDeviceRow,
        r#"SELECT m.id, m.path, m.name, m.enabled_at, m.user_id,
                  u.user_name AS "user_name?", u.path AS "user_path?", u.created_at AS "user_created_at?"
             FROM mfa_devices m LEFT JOIN users u ON u.user_id = m.user_id
            WHERE m.account_id = $1
            ORDER BY lower(m.name)"#,
        account_id
    )
    .fetch_all(ex)
    .await
}

pub async fn list_mfa_device_tags(ex: impl PgExecutor<'_>, device_id: i64) -> Result<Vec<Tag>, sqlx::Error> {
    sqlx::query_as!(
        Tag,
        "SELECT tag_key AS key, tag_value AS value FROM mfa_device_tags WHERE device_id = $1 ORDER BY lower(tag_key)",
        device_id
    )
    .fetch_all(ex)
    .await
}

/// Adds the tags, replacing the value (and the key's spelling) of keys the device already has.
pub async fn insert_mfa_device_tags(ex: impl PgExecutor<'_>, device_id: i64, tags: &[Tag]) -> Result<(), sqlx::Error> {
    let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    let values: Vec<&str> = tags.iter().map(|t| t.value.as_str()).collect();
    sqlx::query!(
        "INSERT INTO mfa_device_tags (device_id, tag_key, tag_value)
         SELECT $1, k, v FROM UNNEST($2::text[], $3::text[]) AS t(k, v)
         ON CONFLICT (device_id, lower(tag_key)) DO UPDATE SET tag_key = EXCLUDED.tag_key, tag_value = EXCLUDED.tag_value",
        device_id,
        &keys as &[&str],
        &values as &[&str]
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes the given keys (ignoring case); unknown keys are ignored, as IAM does.
pub async fn delete_mfa_device_tags(
    ex: impl PgExecutor<'_>,
    device_id: i64,
    keys: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM mfa_device_tags WHERE device_id = $1
            AND lower(tag_key) = ANY (SELECT lower(k) FROM UNNEST($2::text[]) AS k)",
        device_id,
        keys
    )
    .execute(ex)
    .await?;
    Ok(())
}
