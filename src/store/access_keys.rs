//! Rows of `access_keys`. An owner is `(account_id, user_id)`, `user_id` NULL for root; the
//! sealed secret is read only by the signature check.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What may be shown of a key; never its secret.
#[derive(Clone, Debug)]
pub struct AccessKeyRow {
    pub access_key_id: String,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

/// What a signature check needs: the owner and the sealed secret. `Debug` leaves the secret out.
#[derive(Clone)]
pub struct AccessKeyAuthRow {
    pub access_key_id: String,
    pub account_id: String,
    pub user_id: Option<String>,
    pub sealed_secret: Vec<u8>,
    pub status: String,
    /// The owner, for the caller's identity: an IAM user's name and path, or root's email.
    pub user_name: Option<String>,
    pub path: Option<String>,
    pub root_email: String,
}

impl std::fmt::Debug for AccessKeyAuthRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeyAuthRow")
            .field("access_key_id", &self.access_key_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

pub async fn list_access_keys(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<Vec<AccessKeyRow>, sqlx::Error> {
    sqlx::query_as!(
        AccessKeyRow,
        "SELECT access_key_id, status, created_at, last_used_at, last_used_service, last_used_region
           FROM access_keys WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '')
          ORDER BY created_at, access_key_id",
        account_id,
        user_id
    )
    .fetch_all(ex)
    .await
}

/// Inserts the key unless its owner (the user, or root with `None`) already holds `quota` keys;
/// `None` then. The caller holds the owner's row lock, so the count cannot change meanwhile.
pub async fn insert_access_key(
    ex: impl PgExecutor<'_>,
    access_key_id: &str,
    account_id: &str,
    user_id: Option<&str>,
    sealed_secret: &[u8],
    quota: i64,
) -> Result<Option<AccessKeyRow>, sqlx::Error> {
    sqlx::query_as!(
        AccessKeyRow,
        "INSERT INTO access_keys (access_key_id, account_id, user_id, sealed_secret)
         SELECT $1, $2, $3, $4
          WHERE (SELECT count(*) FROM access_keys
                  WHERE account_id = $2 AND coalesce(user_id, '') = coalesce($3, '')) < $5
         RETURNING access_key_id, status, created_at, last_used_at, last_used_service, last_used_region",
        access_key_id,
        account_id,
        user_id,
        sealed_secret,
        quota
    )
    .fetch_optional(ex)
    .await
}

pub async fn update_access_key_status(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    access_key_id: &str,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE access_keys SET status = $4
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND access_key_id = $3",
        account_id,
        user_id,
        access_key_id,
        status
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_access_key(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    access_key_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM access_keys
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND access_key_id = $3",
        account_id,
        user_id,
        access_key_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The key a signed request names with its current status and owner, in one round trip (read on
/// every request, so a deactivation takes effect on the next one).
pub async fn find_access_key_for_auth(
    ex: impl PgExecutor<'_>,
    access_key_id: &str,
) -> Result<Option<AccessKeyAuthRow>, sqlx::Error> {
    sqlx::query_as!(
        AccessKeyAuthRow,
        r#"SELECT k.access_key_id, k.account_id, k.user_id, k.sealed_secret, k.status,
                  u.user_name AS "user_name?", u.path AS "path?", a.root_email
             FROM access_keys k
             JOIN accounts a ON a.account_id = k.account_id
             LEFT JOIN users u ON u.user_id = k.user_id
            WHERE k.access_key_id = $1"#,
        access_key_id
    )
    .fetch_optional(ex)
    .await
}

pub async fn update_access_key_last_used(
    ex: impl PgExecutor<'_>,
    access_key_id: &str,
    service: &str,
    region: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE access_keys SET last_used_at = now(), last_used_service = $2, last_used_region = $3
          WHERE access_key_id = $1",
        access_key_id,
        service,
        region
    )
    .execute(ex)
    .await?;
    Ok(())
}
