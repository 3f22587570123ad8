//! Rows of `console_preferences`: one value per principal and name (root's `user_id` is NULL).

use sqlx::PgExecutor;

pub async fn find_preference(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT value FROM console_preferences
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND name = $3",
        account_id,
        user_id,
        name
    )
    .fetch_optional(ex)
    .await
}

pub async fn upsert_preference(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    name: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO console_preferences (account_id, user_id, name, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, (coalesce(user_id, '')), name)
         DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
        account_id,
        user_id,
        name,
        value
    )
    .execute(ex)
    .await?;
    Ok(())
}
