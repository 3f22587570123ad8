//! Rows of `users` (with what sign-in needs of `login_profiles`): lookups by name and ID, renames,
//! locks and deletes.

use crate::domain::{AccountId, IamPath, Tag, UniqueId, UserName};
use crate::store::throttle::ThrottleRow;
use sqlx::types::Json;
use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub user_id: String,
    pub account_id: String,
    pub user_name: String,
    pub path: String,
    pub created_at: OffsetDateTime,
    pub password_last_used_at: Option<OffsetDateTime>,
    pub session_epoch: i32,
}

/// A user with their console password hash (if they have a login profile). No `Debug`: it holds a hash.
pub struct UserCredentialsRow {
    pub user_id: String,
    pub account_id: String,
    pub user_name: String,
    pub path: String,
    pub password_hash: Option<String>,
    pub password_reset_required: Option<bool>,
    pub password_changed_at: Option<OffsetDateTime>,
    pub session_epoch: i32,
}

pub async fn insert_user(
    ex: impl PgExecutor<'_>,
    user_id: &UniqueId,
    account_id: &AccountId,
    name: &UserName,
    path: &IamPath,
) -> Result<UserRow, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "INSERT INTO users (user_id, account_id, user_name, path) VALUES ($1, $2, $3, $4)
         RETURNING user_id, account_id, user_name, path, created_at, password_last_used_at, session_epoch",
        user_id.as_str(),
        account_id.as_str(),
        name.as_str(),
        path.as_str(),
    )
    .fetch_one(ex)
    .await
}

/// Looks a user up by name, ignoring case as IAM does, with their console password if any.
pub async fn find_user_credentials(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    user_name: &str,
) -> Result<Option<UserCredentialsRow>, sqlx::Error> {
    sqlx::query_as!(
        UserCredentialsRow,
        r#"SELECT u.user_id, u.account_id, u.user_name, u.path,
                  lp.password_hash AS "password_hash?", lp.password_reset_required AS "password_reset_required?",
                  lp.password_changed_at AS "password_changed_at?", u.session_epoch
             FROM users u LEFT JOIN login_profiles lp ON lp.user_id = u.user_id
            WHERE u.account_id = $1 AND lower(u.user_name) = lower($2)"#,
        account_id.as_str(),
        user_name
    )
    .fetch_optional(ex)
    .await
}

pub async fn find_user_by_id(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    user_id: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "SELECT user_id, account_id, user_name, path, created_at, password_last_used_at, session_epoch
           FROM users WHERE account_id = $1 AND user_id = $2",
        account_id.as_str(),
        user_id
    )
    .fetch_optional(ex)
    .await
}

/// A user by name, ignoring case, with everything GetUser shows: console access, tags, the
/// permissions boundary and the sign-in throttle's counter (one statement, one snapshot).
pub struct UserDetailRow {
    pub user_id: String,
    pub user_name: String,
    pub path: String,
    pub created_at: OffsetDateTime,
    pub password_last_used_at: Option<OffsetDateTime>,
    pub has_login_profile: bool,
    pub permissions_boundary: Option<String>,
    pub tags: Json<Vec<Tag>>,
    pub throttle_failures: Option<i32>,
    pub throttle_locked_until: Option<OffsetDateTime>,
    pub throttle_last_attempt_at: Option<OffsetDateTime>,
}

impl UserDetailRow {
    /// The user's sign-in throttle counter, if one is kept.
    pub fn throttle(&self) -> Option<ThrottleRow> {
        let (failures, last_attempt_at) = (self.throttle_failures?, self.throttle_last_attempt_at?);
        Some(ThrottleRow { failures, locked_until: self.throttle_locked_until, last_attempt_at })
    }
}

/// `throttle_key` names the user's sign-in throttle counter.
pub async fn find_user_detail(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    user_name: &str,
    throttle_key: &str,
) -> Result<Option<UserDetailRow>, sqlx::Error> {
    sqlx::query_as!(
        UserDetailRow,
        r#"SELECT u.user_id, u.user_name, u.path, u.created_at, u.password_last_used_at,
                  (lp.user_id IS NOT NULL) AS "has_login_profile!", u.permissions_boundary,
                  COALESCE((SELECT json_agg(json_build_object('key', t.tag_key, 'value', t.tag_value)
                                            ORDER BY lower(t.tag_key))
                              FROM user_tags t WHERE t.user_id = u.user_id), '[]') AS "tags!: Json<Vec<Tag>>",
                  th.failures AS "throttle_failures?", th.locked_until AS "throttle_locked_until?",
                  th.last_attempt_at AS "throttle_last_attempt_at?"
             FROM users u
             LEFT JOIN login_profiles lp ON lp.user_id = u.user_id
             LEFT JOIN signin_throttle th ON th.throttle_key = $3
            WHERE u.account_id = $1 AND lower(u.user_name) = lower($2)"#,
        account_id.as_str(),
        user_name,
        throttle_key
    )
    .fetch_optional(ex)
    .await
}

/// IAM's UpdateUser: a new name and/or path; the user ID stays. `false` if no such user.
pub async fn update_user_name_path(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    user_id: &str,
    name: &UserName,
    path: &IamPath,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE users SET user_name = $3, path = $4 WHERE account_id = $1 AND user_id = $2",
        account_id.as_str(),
        user_id,
        name.as_str(),
        path.as_str()
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks a user's row (by name, ignoring case) for the rest of the transaction, so that quota
/// checks and deletes of one user are serialised.
pub async fn find_user_for_update(
    ex: impl PgExecutor<'_>,
    account_id: &AccountId,
    user_name: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        "SELECT user_id, account_id, user_name, path, created_at, password_last_used_at, session_epoch
           FROM users WHERE account_id = $1 AND lower(user_name) = lower($2) FOR UPDATE",
        account_id.as_str(),
        user_name
    )
    .fetch_optional(ex)
    .await
}

/// What a user still owns that IAM's strict DeleteUser refuses to remove implicitly.
pub struct UserDependentsRow {
    pub has_login_profile: bool,
    pub has_mfa_device: bool,
    pub has_access_key: bool,
    pub in_groups: bool,
    pub has_ssh_public_key: bool,
    pub has_signing_certificate: bool,
    pub has_service_credential: bool,
    /// Managed or inline policies: the strict delete refuses, the console's removes them.
    pub has_policies: bool,
}

pub async fn find_user_dependents(ex: impl PgExecutor<'_>, user_id: &str) -> Result<UserDependentsRow, sqlx::Error> {
    sqlx::query_as!(
        UserDependentsRow,
        r#"SELECT has_login_profile AS "has_login_profile!", has_mfa_device AS "has_mfa_device!",
                  has_access_key AS "has_access_key!", in_groups AS "in_groups!",
                  has_ssh_public_key AS "has_ssh_public_key!", has_signing_certificate AS "has_signing_certificate!",
                  has_service_credential AS "has_service_credential!", has_policies AS "has_policies!"
             FROM user_dependents($1)"#,
        user_id
    )
    .fetch_one(ex)
    .await
}

/// IAM's strict delete in one statement: the user, and its sign-in throttle row under
/// `throttle_key`, go only when the user holds nothing ([`find_user_dependents`]); false when
/// something is held (or the user is gone). The caller holds the user's row lock.
pub async fn delete_user_unless_held(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    throttle_key: &str,
) -> Result<bool, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH gone AS (DELETE FROM users WHERE user_id = $1 AND NOT user_holds_anything($1) RETURNING user_id),
                unthrottled AS (DELETE FROM signin_throttle WHERE throttle_key = $2 AND EXISTS (SELECT 1 FROM gone))
           SELECT EXISTS (SELECT 1 FROM gone) AS "deleted!""#,
        user_id,
        throttle_key
    )
    .fetch_one(ex)
    .await?;
    Ok(row.deleted)
}

/// Deletes the user; everything the user owns goes with it (foreign keys cascade).
pub async fn delete_user(ex: impl PgExecutor<'_>, user_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM users WHERE user_id = $1", user_id).execute(ex).await?;
    Ok(done.rows_affected() == 1)
}
