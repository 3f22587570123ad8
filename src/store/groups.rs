//! Rows of `groups` and `group_members`.

use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub group_id: String,
    pub account_id: String,
    pub group_name: String,
    pub path: String,
    pub created_at: OffsetDateTime,
}

pub async fn insert_group(
    ex: impl PgExecutor<'_>,
    group_id: &str,
    account_id: &str,
    group_name: &str,
    path: &str,
) -> Result<GroupRow, sqlx::Error> {
    sqlx::query_as!(
        GroupRow,
        "INSERT INTO groups (group_id, account_id, group_name, path) VALUES ($1, $2, $3, $4)
         RETURNING group_id, account_id, group_name, path, created_at",
        group_id,
        account_id,
        group_name,
        path
    )
    .fetch_one(ex)
    .await
}

/// The group by name ignoring case, locked until the transaction ends (outside one, for the
/// statement only).
pub async fn find_group_for_update(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    group_name: &str,
) -> Result<Option<GroupRow>, sqlx::Error> {
    sqlx::query_as!(
        GroupRow,
        "SELECT group_id, account_id, group_name, path, created_at FROM groups
          WHERE account_id = $1 AND lower(group_name) = lower($2) FOR UPDATE",
        account_id,
        group_name
    )
    .fetch_optional(ex)
    .await
}

/// The account's groups whose path starts with `path_prefix`, by name.
pub async fn list_groups(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    path_prefix: &str,
) -> Result<Vec<GroupRow>, sqlx::Error> {
    sqlx::query_as!(
        GroupRow,
        r#"SELECT group_id, account_id, group_name, path, created_at FROM groups
            WHERE account_id = $1 AND starts_with(path, $2)
            ORDER BY lower(group_name)"#,
        account_id,
        path_prefix
    )
    .fetch_all(ex)
    .await
}

pub async fn update_group_name_path(
    ex: impl PgExecutor<'_>,
    group_id: &str,
    group_name: &str,
    path: &str,
) -> Result<GroupRow, sqlx::Error> {
    sqlx::query_as!(
        GroupRow,
        "UPDATE groups SET group_name = $2, path = $3 WHERE group_id = $1
         RETURNING group_id, account_id, group_name, path, created_at",
        group_id,
        group_name,
        path
    )
    .fetch_one(ex)
    .await
}

pub async fn delete_group(ex: impl PgExecutor<'_>, group_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM groups WHERE group_id = $1", group_id).execute(ex).await?;
    Ok(done.rows_affected() == 1)
}

/// Names of the group's members, by name.
pub async fn list_group_member_names(ex: impl PgExecutor<'_>, group_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT u.user_name FROM group_members m JOIN users u ON u.user_id = m.user_id
          WHERE m.group_id = $1 ORDER BY lower(u.user_name)",
        group_id
    )
    .fetch_all(ex)
    .await
}

/// The user's groups, by name.
pub async fn list_groups_for_user(ex: impl PgExecutor<'_>, user_id: &str) -> Result<Vec<GroupRow>, sqlx::Error> {
    sqlx::query_as!(
        GroupRow,
        "SELECT g.group_id, g.account_id, g.group_name, g.path, g.created_at
           FROM group_members m JOIN groups g ON g.group_id = m.group_id
          WHERE m.user_id = $1 ORDER BY lower(g.group_name)",
        user_id
    )
    .fetch_all(ex)
    .await
}

/// Adds the member; false when the user already was one (IAM's AddUserToGroup is idempotent).
pub async fn insert_group_member(ex: impl PgExecutor<'_>, group_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        group_id,
        user_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_group_member(ex: impl PgExecutor<'_>, group_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2", group_id, user_id)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A member as GetGroup lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRow {
    pub user_id: String,
    pub user_name: String,
    pub path: String,
    pub created_at: time::OffsetDateTime,
}

/// The group's members with what GetGroup shows of each, by name.
pub async fn list_group_members(ex: impl PgExecutor<'_>, group_id: &str) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as!(
        MemberRow,
        "SELECT u.user_id, u.user_name, u.path, u.created_at FROM group_members m JOIN users u ON u.user_id = m.user_id
          WHERE m.group_id = $1 ORDER BY lower(u.user_name)",
        group_id
    )
    .fetch_all(ex)
    .await
}
