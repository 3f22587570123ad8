//! Rows of `policy_tags`: a customer-managed policy's tags, keyed by the lower-cased key.

use crate::domain::Tag;
use sqlx::PgExecutor;

pub async fn list_policy_tags(ex: impl PgExecutor<'_>, policy_id: &str) -> Result<Vec<Tag>, sqlx::Error> {
    sqlx::query_as!(
        Tag,
        "SELECT tag_key AS key, tag_value AS value FROM policy_tags WHERE policy_id = $1 ORDER BY lower(tag_key)",
        policy_id
    )
    .fetch_all(ex)
    .await
}

/// Adds the tags, replacing the value (and the key's spelling) of keys the policy already has.
pub async fn insert_policy_tags(ex: impl PgExecutor<'_>, policy_id: &str, tags: &[Tag]) -> Result<(), sqlx::Error> {
    let keys: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    let values: Vec<&str> = tags.iter().map(|t| t.value.as_str()).collect();
    sqlx::query!(
        "INSERT INTO policy_tags (policy_id, tag_key, tag_value)
         SELECT $1, k, v FROM UNNEST($2::text[], $3::text[]) AS t(k, v)
         ON CONFLICT (policy_id, lower(tag_key)) DO UPDATE SET tag_key = EXCLUDED.tag_key, tag_value = EXCLUDED.tag_value",
        policy_id,
        &keys as &[&str],
        &values as &[&str]
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// Removes the given keys (ignoring case); unknown keys are ignored, as IAM does.
pub async fn delete_policy_tags(ex: impl PgExecutor<'_>, policy_id: &str, keys: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM policy_tags WHERE policy_id = $1 AND lower(tag_key) = ANY (SELECT lower(k) FROM UNNEST($2::text[]) AS k)",
        policy_id,
        keys
    )
    .execute(ex)
    .await?;
    Ok(())
}
