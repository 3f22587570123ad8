//! Rows of `session_credentials`: STS temporary credentials. `Debug` leaves secrets out.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// What a signature check of temporary credentials needs, with the parent key and its owner.
#[derive(Clone)]
pub struct SessionAuthRow {
    pub access_key_id: String,
    pub parent_key_id: String,
    pub parent_status: String,
    pub account_id: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub path: Option<String>,
    pub root_email: String,
    pub sealed_secret: Vec<u8>,
    pub token_hash: String,
    pub mfa_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for SessionAuthRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionAuthRow")
            .field("access_key_id", &self.access_key_id)
            .field("parent_key_id", &self.parent_key_id)
            .field("account_id", &self.account_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

pub struct NewSession<'a> {
    pub access_key_id: &'a str,
    pub parent_key_id: &'a str,
    pub account_id: &'a str,
    pub user_id: Option<&'a str>,
    pub sealed_secret: &'a [u8],
    pub token_hash: &'a str,
    pub mfa_at: Option<OffsetDateTime>,
    pub expires_at: OffsetDateTime,
}

pub async fn insert_session_credentials(ex: impl PgExecutor<'_>, s: &NewSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO session_credentials
            (access_key_id, parent_key_id, account_id, user_id, sealed_secret, token_hash, mfa_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        s.access_key_id,
        s.parent_key_id,
        s.account_id,
        s.user_id,
        s.sealed_secret,
        s.token_hash,
        s.mfa_at,
        s.expires_at
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn find_session_for_auth(
    ex: impl PgExecutor<'_>,
    access_key_id: &str,
) -> Result<Option<SessionAuthRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionAuthRow,
        r#"SELECT s.access_key_id, s.parent_key_id, k.status AS parent_status, s.account_id, s.user_id,
                  u.user_name AS "user_name?", u.path AS "path?", a.root_email, s.sealed_secret, s.token_hash,
                  s.mfa_at, s.created_at, s.expires_at
             FROM session_credentials s
             JOIN access_keys k ON k.access_key_id = s.parent_key_id
             JOIN accounts a ON a.account_id = s.account_id
             LEFT JOIN users u ON u.user_id = s.user_id
            WHERE s.access_key_id = $1"#,
        access_key_id
    )
    .fetch_optional(ex)
    .await
}

/// Expired rows are useless; removed now and then so the table stays small.
pub async fn delete_expired_sessions(ex: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!("DELETE FROM session_credentials WHERE expires_at < now() - interval '1 day'")
        .execute(ex)
        .await?
        .rows_affected())
}
