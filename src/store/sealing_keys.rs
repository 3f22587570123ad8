//! Rows of `sealing_keys` (which master keys have sealed values), and the batches of sealed
//! columns a rotation re-seals: every query takes the current key's 9-byte header (version and key
//! id) and finds the values that do not start with it.

use sqlx::PgExecutor;

pub async fn insert_key(ex: impl PgExecutor<'_>, key_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO sealing_keys (key_id) VALUES ($1) ON CONFLICT (key_id) DO NOTHING", key_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Keys that may still have sealed values.
pub async fn list_unretired(ex: impl PgExecutor<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT key_id FROM sealing_keys WHERE retired_at IS NULL ORDER BY registered_at")
        .fetch_all(ex)
        .await
}

/// Whether any sealed value exists (MFA seeds, access-key and session secrets).
pub async fn any_sealed_value(ex: impl PgExecutor<'_>) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM mfa_devices) OR EXISTS (SELECT 1 FROM access_keys)
             OR EXISTS (SELECT 1 FROM session_credentials)",
    )
    .fetch_one(ex)
    .await
}

pub async fn list_retired(ex: impl PgExecutor<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT key_id FROM sealing_keys WHERE retired_at IS NOT NULL").fetch_all(ex).await
}

/// Marks every key but `current` retired: nothing is sealed under them any more.
pub async fn update_retire_all_but(ex: impl PgExecutor<'_>, current: &str) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("UPDATE sealing_keys SET retired_at = now() WHERE key_id <> $1 AND retired_at IS NULL", current)
            .execute(ex)
            .await?;
    Ok(done.rows_affected())
}

/// One sealed value and the row it belongs to.
#[derive(Clone)]
pub struct SealedRow<K> {
    pub key: K,
    pub sealed: Vec<u8>,
}

pub async fn list_mfa_seeds_not_under(
    ex: impl PgExecutor<'_>,
    header: &[u8],
    limit: i64,
) -> Result<Vec<SealedRow<i64>>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, sealed_seed FROM mfa_devices WHERE substring(sealed_seed FROM 1 FOR 9) <> $1
         ORDER BY id LIMIT $2 FOR UPDATE",
        header,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| SealedRow { key: r.id, sealed: r.sealed_seed }).collect())
}

pub async fn update_mfa_seeds(ex: impl PgExecutor<'_>, ids: &[i64], sealed: &[Vec<u8>]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE mfa_devices d SET sealed_seed = v.sealed
         FROM unnest($1::bigint[], $2::bytea[]) AS v(id, sealed) WHERE d.id = v.id",
        ids,
        sealed
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn list_access_key_secrets_not_under(
    ex: impl PgExecutor<'_>,
    header: &[u8],
    limit: i64,
) -> Result<Vec<SealedRow<String>>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT access_key_id, sealed_secret FROM access_keys WHERE substring(sealed_secret FROM 1 FOR 9) <> $1
         ORDER BY access_key_id LIMIT $2 FOR UPDATE",
        header,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| SealedRow { key: r.access_key_id, sealed: r.sealed_secret }).collect())
}

pub async fn update_access_key_secrets(
    ex: impl PgExecutor<'_>,
    ids: &[String],
    sealed: &[Vec<u8>],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE access_keys k SET sealed_secret = v.sealed
         FROM unnest($1::text[], $2::bytea[]) AS v(id, sealed) WHERE k.access_key_id = v.id",
        ids,
        sealed
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn list_session_secrets_not_under(
    ex: impl PgExecutor<'_>,
    header: &[u8],
    limit: i64,
) -> Result<Vec<SealedRow<String>>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT access_key_id, sealed_secret FROM session_credentials
         WHERE substring(sealed_secret FROM 1 FOR 9) <> $1 ORDER BY access_key_id LIMIT $2 FOR UPDATE",
        header,
        limit
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| SealedRow { key: r.access_key_id, sealed: r.sealed_secret }).collect())
}

pub async fn update_session_secrets(
    ex: impl PgExecutor<'_>,
    ids: &[String],
    sealed: &[Vec<u8>],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE session_credentials s SET sealed_secret = v.sealed
         FROM unnest($1::text[], $2::bytea[]) AS v(id, sealed) WHERE s.access_key_id = v.id",
        ids,
        sealed
    )
    .execute(ex)
    .await?;
    Ok(())
}
