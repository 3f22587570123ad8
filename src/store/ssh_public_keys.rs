//! Rows of `ssh_public_keys`: one user's keys, and the active keys sshd asks for by user name.

use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Clone, Debug)]
pub struct SshPublicKeyRow {
    pub ssh_public_key_id: String,
    pub body: String,
    pub fingerprint_md5: String,
    pub fingerprint_sha256: String,
    pub status: String,
    pub uploaded_at: OffsetDateTime,
}

pub async fn list_ssh_public_keys(ex: impl PgExecutor<'_>, user_id: &str) -> Result<Vec<SshPublicKeyRow>, sqlx::Error> {
    sqlx::query_as!(
        SshPublicKeyRow,
        "SELECT ssh_public_key_id, body, fingerprint_md5, fingerprint_sha256, status, uploaded_at
           FROM ssh_public_keys WHERE user_id = $1 ORDER BY uploaded_at, ssh_public_key_id",
        user_id
    )
    .fetch_all(ex)
    .await
}

pub async fn find_ssh_public_key(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    ssh_public_key_id: &str,
) -> Result<Option<SshPublicKeyRow>, sqlx::Error> {
    sqlx::query_as!(
        SshPublicKeyRow,
        "SELECT ssh_public_key_id, body, fingerprint_md5, fingerprint_sha256, status, uploaded_at
           FROM ssh_public_keys WHERE user_id = $1 AND ssh_public_key_id = $2",
        user_id,
        ssh_public_key_id
    )
    .fetch_optional(ex)
    .await
}

pub struct NewSshPublicKey<'a> {
    pub ssh_public_key_id: &'a str,
    pub account_id: &'a str,
    pub user_id: &'a str,
    pub body: &'a str,
    pub fingerprint_md5: &'a str,
    pub fingerprint_sha256: &'a str,
}

pub async fn insert_ssh_public_key(
    ex: impl PgExecutor<'_>,
    key: NewSshPublicKey<'_>,
) -> Result<SshPublicKeyRow, sqlx::Error> {
    sqlx::query_as!(
        SshPublicKeyRow,
        "INSERT INTO ssh_public_keys (ssh_public_key_id, account_id, user_id, body, fingerprint_md5, fingerprint_sha256)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ssh_public_key_id, body, fingerprint_md5, fingerprint_sha256, status, uploaded_at",
        key.ssh_public_key_id,
        key.account_id,
        key.user_id,
        key.body,
        key.fingerprint_md5,
        key.fingerprint_sha256
    )
    .fetch_one(ex)
    .await
}

pub async fn update_ssh_public_key_status(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    ssh_public_key_id: &str,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE ssh_public_keys SET status = $3 WHERE user_id = $1 AND ssh_public_key_id = $2",
        user_id,
        ssh_public_key_id,
        status
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_ssh_public_key(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    ssh_public_key_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM ssh_public_keys WHERE user_id = $1 AND ssh_public_key_id = $2",
        user_id,
        ssh_public_key_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The active keys of the user of that name (any case) in the account, oldest first.
pub async fn list_active_ssh_keys_by_user_name(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_name: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT k.body FROM ssh_public_keys k JOIN users u ON u.user_id = k.user_id
          WHERE u.account_id = $1 AND lower(u.user_name) = lower($2) AND k.status = 'Active'
          ORDER BY k.uploaded_at, k.ssh_public_key_id",
        account_id,
        user_name
    )
    .fetch_all(ex)
    .await
}
