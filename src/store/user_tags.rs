//! Rows of `user_tags`: a user's tags, keyed by the lower-cased key.

use crate::domain::Tag;
use sqlx::PgExecutor;

pub async fn list_user_tags(ex: impl PgExecutor<'_>, user_id: &str) -> Result<Vec<Tag>, sqlx::Error> {
    sqlx::query_as!(
        Tag,
        "SELECT tag_key AS key, tag_value AS value FROM user_tags WHERE user_id = $1 ORDER BY lower(tag_key)",
        user_id
    )
    .fetch_all(ex)
    .await
}

/// Adds the tags, replacing the value (and the key's spelling) of keys the user already has.
pub async fn insert_user_tags(ex: impl PgExecutor<'_>, user_id: &str, tags: &[Tag]) -> Result<(), sqlx::Error> {
    let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    let values: Vec<&str> = tags.iter().map(|t| t.value.as_str()).collect();
    sqlx::query!(
        "INSERT INTO user_tags (user_id, tag_key, tag_value)
         SELECT $1, k, v FROM UNNEST($2::text[], $3::text[]) AS t(k, v)
         ON CONFLICT (user_id, lower(tag_key)) DO UPDATE SET tag_key = EXCLUDED.tag_key, tag_value = EXCLUDED.tag_value",
        user_id,
        &keys as &[&str],
        &values as &[&str]
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes the given keys (ignoring case); keys the user does not have are ignored, as IAM does.
pub async fn delete_user_tags(ex: impl PgExecutor<'_>, user_id: &str, keys: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM user_tags WHERE user_id = $1 AND lower(tag_key) = ANY (SELECT lower(k) FROM UNNEST($2::text[]) AS k)",
        user_id,
        keys
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_all_user_tags(ex: impl PgExecutor<'_>, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM user_tags WHERE user_id = $1", user_id).execute(ex).await?;
    Ok(())
}
