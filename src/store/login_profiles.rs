//! Rows of `login_profiles` (a user's console password) and `password_history`, and the session
//! epoch a password change bumps.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// A user's console password. No `Debug`: it holds a hash.
pub struct LoginProfileRow {
    pub password_hash: String,
    pub password_reset_required: bool,
    pub created_at: OffsetDateTime,
    pub password_changed_at: OffsetDateTime,
}

pub async fn find_login_profile(
    ex: impl PgExecutor<'_>,
    user_id: &str,
) -> Result<Option<LoginProfileRow>, sqlx::Error> {
    sqlx::query_as!(
        LoginProfileRow,
        "SELECT password_hash, password_reset_required, created_at, password_changed_at
           FROM login_profiles WHERE user_id = $1",
        user_id
    )
    .fetch_optional(ex)
    .await
}

/// Creates the user's login profile (and records the password in the history).
pub async fn insert_login_profile(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    password_hash: &str,
    reset_required: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "WITH profile AS (
             INSERT INTO login_profiles (user_id, password_hash, password_reset_required) VALUES ($1, $2, $3)
         )
         INSERT INTO password_history (user_id, password_hash) VALUES ($1, $2)",
        user_id,
        password_hash,
        reset_required
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// A new password for an existing profile: restarts the expiry clock and records the history
/// (trimmed to the 24 newest). `false` if the user has no login profile.
pub async fn update_login_profile_password(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    password_hash: &str,
    reset_required: bool,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query_scalar!(
        r#"WITH profile AS (
               UPDATE login_profiles
                  SET password_hash = $2, password_reset_required = $3, password_changed_at = now()
                WHERE user_id = $1 RETURNING user_id
           ), history AS (
               INSERT INTO password_history (user_id, password_hash) SELECT user_id, $2 FROM profile
           ), trimmed AS (
               DELETE FROM password_history
                WHERE user_id = $1 AND set_at < (SELECT min(set_at) FROM (
                    SELECT set_at FROM password_history WHERE user_id = $1 ORDER BY set_at DESC LIMIT 23) newest)
           )
           SELECT count(*) AS "n!" FROM profile"#,
        user_id,
        password_hash,
        reset_required
    )
    .fetch_one(ex)
    .await?;
    Ok(changed == 1)
}

/// Only the "must create a new password at next sign-in" flag.
pub async fn update_login_profile_reset(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    reset_required: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE login_profiles SET password_reset_required = $2 WHERE user_id = $1",
        user_id,
        reset_required
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Re-hashes with current parameters, only if the stored hash is still the one that was checked.
pub async fn update_password_hash_upgrade(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    old_hash: &str,
    new_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE login_profiles SET password_hash = $3 WHERE user_id = $1 AND password_hash = $2",
        user_id,
        old_hash,
        new_hash
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_login_profile(ex: impl PgExecutor<'_>, user_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM login_profiles WHERE user_id = $1", user_id).execute(ex).await?;
    Ok(done.rows_affected() == 1)
}

/// The `n` newest password hashes the user has had (the current one first).
pub async fn list_password_history(ex: impl PgExecutor<'_>, user_id: &str, n: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY set_at DESC LIMIT $2",
        user_id,
        n
    )
    .fetch_all(ex)
    .await
}

/// Ends every session of the user signed in before now; returns the new epoch.
pub async fn update_user_session_epoch(ex: impl PgExecutor<'_>, user_id: &str) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE user_id = $1 RETURNING session_epoch",
        user_id
    )
    .fetch_one(ex)
    .await
}
