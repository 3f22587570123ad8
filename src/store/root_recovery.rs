//! Rows of `root_password_resets`: single-use tokens, stored as SHA-256 hashes.

use sqlx::PgExecutor;
use time::OffsetDateTime;

pub async fn insert_reset_token(
    ex: impl PgExecutor<'_>,
    token_hash: &str,
    account_id: &str,
    expires_at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO root_password_resets (token_hash, account_id, expires_at) VALUES ($1, $2, $3)",
        token_hash,
        account_id,
        expires_at
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Marks the token used and returns its account, if it exists, is unused and has not expired —
/// in one statement, so two uses of one token cannot both succeed.
pub async fn update_consume_reset_token(
    ex: impl PgExecutor<'_>,
    token_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE root_password_resets SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
          RETURNING account_id",
        token_hash
    )
    .fetch_optional(ex)
    .await
}

/// Whether the token could still be used (for showing the form; the reset itself consumes it).
pub async fn find_usable_reset_token(ex: impl PgExecutor<'_>, token_hash: &str) -> Result<bool, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM root_password_resets
            WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()"#,
        token_hash
    )
    .fetch_one(ex)
    .await?;
    Ok(n == 1)
}

/// Older unused tokens of the account stop working when a new one is issued or a reset succeeds.
pub async fn delete_reset_tokens(ex: impl PgExecutor<'_>, account_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM root_password_resets WHERE account_id = $1 AND used_at IS NULL", account_id)
        .execute(ex)
        .await?;
    Ok(())
}
