//! Rows of `accounts`: the account, its alias and its root user's credentials.

use crate::domain::{AccountAlias, AccountId, Email};
use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub account_id: String,
    pub alias: Option<String>,
    pub root_email: String,
    pub created_at: OffsetDateTime,
    pub root_session_epoch: i32,
}

/// The root user's stored credentials. `Debug` leaves the hash out.
pub struct RootCredentialsRow {
    pub account_id: String,
    pub root_email: String,
    pub root_password_hash: String,
    pub root_session_epoch: i32,
}

pub async fn insert_account(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    alias: Option<&AccountAlias>,
    email: &Email,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO accounts (account_id, alias, root_email, root_password_hash) VALUES ($1, $2, $3, $4)",
        account_id.as_str(),
        alias.map(|a| a.as_str()),
        email.as_str(),
        password_hash,
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn find_account_by_id(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as!(
        AccountRow,
        "SELECT account_id, alias, root_email, created_at, root_session_epoch FROM accounts WHERE account_id = $1",
        account_id.as_str()
    )
    .fetch_optional(ex)
    .await
}

pub async fn find_account_by_alias(
    ex: impl PgExecutor<'_>,
    alias: &AccountAlias,
) -> Result<Option<AccountRow>, sqlx::Error> {
    sqlx::query_as!(
        AccountRow,
        "SELECT account_id, alias, root_email, created_at, root_session_epoch FROM accounts WHERE alias = $1",
        alias.as_str()
    )
    .fetch_optional(ex)
    .await
}

pub async fn find_root_credentials(
    ex: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<RootCredentialsRow>, sqlx::Error> {
    sqlx::query_as!(
        RootCredentialsRow,
        "SELECT account_id, root_email, root_password_hash, root_session_epoch FROM accounts WHERE lower(root_email) = lower($1)",
        email
    )
    .fetch_optional(ex)
    .await
}

/// Sets (or with `None` removes) the account's alias; the old alias is freed at once.
pub async fn update_account_alias(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    alias: Option<&AccountAlias>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE accounts SET alias = $2 WHERE account_id = $1",
        account_id.as_str(),
        alias.map(|a| a.as_str())
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new root password; ends the root user's sessions (the new epoch is returned).
pub async fn update_root_password(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    password_hash: &str,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE accounts SET root_password_hash = $2, root_password_changed_at = now(),
                root_session_epoch = root_session_epoch + 1
          WHERE account_id = $1 RETURNING root_session_epoch",
        account_id,
        password_hash
    )
    .fetch_optional(ex)
    .await
}

/// Re-hashes root's password with current parameters, only if it is still the hash that was checked.
pub async fn update_root_password_hash_upgrade(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    old_hash: &str,
    new_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accounts SET root_password_hash = $3 WHERE account_id = $1 AND root_password_hash = $2",
        account_id,
        old_hash,
        new_hash
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// The counts behind GetAccountSummary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountSummaryRow {
    pub users: i64,
    pub groups: i64,
    pub policies: i64,
    pub attached_policies: i64,
    pub mfa_devices: i64,
    pub mfa_devices_in_use: i64,
    pub root_mfa_devices: i64,
    pub root_access_keys: i64,
}

pub async fn find_account_summary(ex: impl PgExecutor<'_>, account_id: &str) -> Result<AccountSummaryRow, sqlx::Error> {
    sqlx::query_as!(
        AccountSummaryRow,
        r#"SELECT (SELECT count(*) FROM users WHERE account_id = $1) AS "users!",
                  (SELECT count(*) FROM groups WHERE account_id = $1) AS "groups!",
                  (SELECT count(*) FROM policies WHERE account_id = $1) AS "policies!",
                  (SELECT count(DISTINCT policy_arn) FROM policy_attachments WHERE account_id = $1) AS "attached_policies!",
                  (SELECT count(*) FROM mfa_devices WHERE account_id = $1) AS "mfa_devices!",
                  (SELECT count(*) FROM mfa_devices WHERE account_id = $1 AND enabled_at IS NOT NULL) AS "mfa_devices_in_use!",
                  (SELECT count(*) FROM mfa_devices
                    WHERE account_id = $1 AND user_id IS NULL AND enabled_at IS NOT NULL) AS "root_mfa_devices!",
                  (SELECT count(*) FROM access_keys WHERE account_id = $1 AND user_id IS NULL) AS "root_access_keys!""#,
        account_id
    )
    .fetch_one(ex)
    .await
}

pub async fn count_account_access_keys(ex: impl PgExecutor<'_>, account_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM access_keys WHERE account_id = $1"#, account_id)
        .fetch_one(ex)
        .await
}

/// Deletes the account; every row of it goes with it (`ON DELETE CASCADE`).
pub async fn delete_account(ex: impl PgExecutor<'_>, account_id: &AccountId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM accounts WHERE account_id = $1", account_id.as_str()).execute(ex).await?;
    Ok(done.rows_affected() == 1)
}

/// When root last signed in with its password (`None`: never, since this was recorded).
pub async fn find_root_password_last_used(
    ex: impl PgExecutor<'_>,
    account_id: &str,
) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    sqlx::query_scalar::<_, Option<OffsetDateTime>>(
        "SELECT root_password_last_used_at FROM accounts WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(ex)
    .await
    .map(Option::flatten)
}
