//! Rows of `policies`, `policy_versions`, `policy_attachments` and `inline_policies`. A policy's
//! holder (a user or a group) is a [`Holder`]; the tables keep it as two nullable columns.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// Whom an attached or inline policy belongs to, by stored id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder<'a> {
    User(&'a str),
    Group(&'a str),
}

impl<'a> Holder<'a> {
    /// The `(user_id, group_id)` columns, exactly one of them set.
    fn columns(self) -> (Option<&'a str>, Option<&'a str>) {
        match self {
            Holder::User(id) => (Some(id), None),
            Holder::Group(id) => (None, Some(id)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRow {
    pub policy_id: String,
    pub account_id: String,
    pub policy_name: String,
    pub path: String,
    pub arn: String,
    pub description: String,
    pub default_version_id: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    pub version_id: String,
    pub document: String,
    pub created_at: OffsetDateTime,
}

/// One policy that applies to a user, as loaded for authorization: `document` is `None` for an
/// AWS-managed policy (its document ships with the code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectiveRow {
    pub label: String,
    pub policy_arn: Option<String>,
    pub document: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineRow {
    pub policy_name: String,
    pub document: String,
}

/// What a managed policy is attached to: `kind` is `user` or `group`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRow {
    pub kind: String,
    pub name: String,
}

pub async fn insert_policy(
    ex: impl PgExecutor<'_>,
    policy_id: &str,
    account_id: &str,
    (policy_name, path, arn): (&str, &str, &str),
    description: &str,
) -> Result<PolicyRow, sqlx::Error> {
    sqlx::query_as!(
        PolicyRow,
        "INSERT INTO policies (policy_id, account_id, policy_name, path, arn, description)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING policy_id, account_id, policy_name, path, arn, description, default_version_id,
                   created_at, updated_at",
        policy_id,
        account_id,
        policy_name,
        path,
        arn,
        description
    )
    .fetch_one(ex)
    .await
}

pub async fn insert_policy_version(
    ex: impl PgExecutor<'_>,
    policy_id: &str,
    version_id: &str,
    document: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO policy_versions (policy_id, version_id, document) VALUES ($1, $2, $3)",
        policy_id,
        version_id,
        document
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// The account's policy by ARN, locked: `FOR UPDATE` by changes to the policy itself, so that
/// deleting it and attaching it cannot cross (attaching takes the same lock).
pub async fn find_policy_for_update(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    arn: &str,
) -> Result<Option<PolicyRow>, sqlx::Error> {
    sqlx::query_as!(
        PolicyRow,
        "SELECT policy_id, account_id, policy_name, path, arn, description, default_version_id,
                created_at, updated_at
           FROM policies WHERE account_id = $1 AND arn = $2 FOR UPDATE",
        account_id,
        arn
    )
    .fetch_optional(ex)
    .await
}

/// The account's customer-managed policies whose path starts with `path_prefix`, by name, each with
/// how many users and groups it is attached to.
pub async fn list_policies(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    path_prefix: &str,
) -> Result<Vec<(PolicyRow, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.policy_id, p.account_id, p.policy_name, p.path, p.arn, p.description, p.default_version_id,
                  p.created_at, p.updated_at,
                  (SELECT count(*) FROM policy_attachments a
                    WHERE a.account_id = p.account_id AND a.policy_arn = p.arn) AS "attachments!"
             FROM policies p WHERE p.account_id = $1 AND starts_with(p.path, $2)
            ORDER BY lower(p.policy_name)"#,
        account_id,
        path_prefix
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let row = PolicyRow {
                policy_id: r.policy_id,
                account_id: r.account_id,
                policy_name: r.policy_name,
                path: r.path,
                arn: r.arn,
                description: r.description,
                default_version_id: r.default_version_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
            };
            (row, r.attachments)
        })
        .collect())
}

/// How many users and groups in the account each attached policy ARN has (AWS-managed included).
pub async fn list_attachment_counts(
    ex: impl PgExecutor<'_>,
    account_id: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT policy_arn, count(*) AS "n!" FROM policy_attachments WHERE account_id = $1 GROUP BY policy_arn"#,
        account_id
    )
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|r| (r.policy_arn, r.n)).collect())
}

pub async fn list_policy_versions(ex: impl PgExecutor<'_>, policy_id: &str) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        "SELECT version_id, document, created_at FROM policy_versions WHERE policy_id = $1
          ORDER BY created_at DESC, version_id DESC",
        policy_id
    )
    .fetch_all(ex)
    .await
}

/// Takes the next version number (`v2`, `v3`, …; numbers are never reused, as in IAM).
pub async fn update_policy_next_version(ex: impl PgExecutor<'_>, policy_id: &str) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE policies SET next_version = next_version + 1, updated_at = now() WHERE policy_id = $1
         RETURNING next_version - 1 AS \"n!\"",
        policy_id
    )
    .fetch_one(ex)
    .await
}

pub async fn update_policy_default_version(
    ex: impl PgExecutor<'_>,
    policy_id: &str,
    version_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE policies SET default_version_id = $2, updated_at = now() WHERE policy_id = $1",
        policy_id,
        version_id
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_policy_version(
    ex: impl PgExecutor<'_>,
    policy_id: &str,
    version_id: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query!("DELETE FROM policy_versions WHERE policy_id = $1 AND version_id = $2", policy_id, version_id)
            .execute(ex)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_policy(ex: impl PgExecutor<'_>, policy_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM policies WHERE policy_id = $1", policy_id).execute(ex).await?;
    Ok(done.rows_affected() == 1)
}

/// The users and groups a managed policy is attached to, users first, by name.
pub async fn list_policy_attachments(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    policy_arn: &str,
) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    sqlx::query_as!(
        AttachmentRow,
        r#"SELECT CASE WHEN a.user_id IS NOT NULL THEN 'user' ELSE 'group' END AS "kind!",
                  coalesce(u.user_name, g.group_name) AS "name!"
             FROM policy_attachments a
             LEFT JOIN users u ON u.user_id = a.user_id
             LEFT JOIN groups g ON g.group_id = a.group_id
            WHERE a.account_id = $1 AND a.policy_arn = $2
            ORDER BY 1 DESC, lower(coalesce(u.user_name, g.group_name))"#,
        account_id,
        policy_arn
    )
    .fetch_all(ex)
    .await
}

/// The ARNs of the managed policies attached to the user or the group, in attachment order.
pub async fn list_attached_policy_arns(
    ex: impl PgExecutor<'_>,
    holder: Holder<'_>,
) -> Result<Vec<String>, sqlx::Error> {
    let (user_id, group_id) = holder.columns();
    sqlx::query_scalar!(
        "SELECT policy_arn FROM policy_attachments WHERE user_id = $1 OR group_id = $2
          ORDER BY attached_at, policy_arn",
        user_id,
        group_id
    )
    .fetch_all(ex)
    .await
}

/// Attaches; false when it already was (IAM's AttachUserPolicy is idempotent).
pub async fn insert_policy_attachment(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    policy_arn: &str,
    holder: Holder<'_>,
) -> Result<bool, sqlx::Error> {
    let (user_id, group_id) = holder.columns();
    let done = sqlx::query!(
        "INSERT INTO policy_attachments (account_id, policy_arn, user_id, group_id)
         SELECT $1, $2, $3, $4
          WHERE NOT EXISTS (SELECT 1 FROM policy_attachments
                             WHERE policy_arn = $2 AND (user_id = $3 OR group_id = $4))",
        account_id,
        policy_arn,
        user_id,
        group_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_policy_attachment(
    ex: impl PgExecutor<'_>,
    policy_arn: &str,
    holder: Holder<'_>,
) -> Result<bool, sqlx::Error> {
    let (user_id, group_id) = holder.columns();
    let done = sqlx::query!(
        "DELETE FROM policy_attachments WHERE policy_arn = $1 AND (user_id = $2 OR group_id = $3)",
        policy_arn,
        user_id,
        group_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user's or the group's inline policies, by name.
pub async fn list_inline_policies(ex: impl PgExecutor<'_>, holder: Holder<'_>) -> Result<Vec<InlineRow>, sqlx::Error> {
    let (user_id, group_id) = holder.columns();
    sqlx::query_as!(
        InlineRow,
        "SELECT policy_name, document FROM inline_policies WHERE user_id = $1 OR group_id = $2
          ORDER BY lower(policy_name)",
        user_id,
        group_id
    )
    .fetch_all(ex)
    .await
}

pub async fn insert_inline_policy(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    holder: Holder<'_>,
    policy_name: &str,
    document: &str,
) -> Result<(), sqlx::Error> {
    let (user_id, group_id) = holder.columns();
    sqlx::query!(
        "INSERT INTO inline_policies (account_id, user_id, group_id, policy_name, document) VALUES ($1, $2, $3, $4, $5)",
        account_id,
        user_id,
        group_id,
        policy_name,
        document
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_inline_policy(
    ex: impl PgExecutor<'_>,
    holder: Holder<'_>,
    policy_name: &str,
) -> Result<bool, sqlx::Error> {
    let (user_id, group_id) = holder.columns();
    let done = sqlx::query!(
        "DELETE FROM inline_policies WHERE (user_id = $1 OR group_id = $2) AND lower(policy_name) = lower($3)",
        user_id,
        group_id,
        policy_name
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every policy that applies to the user, in one round trip: its inline and attached policies and
/// those of its groups. Customer-managed ones come with their default version's document.
pub async fn list_effective_policies(ex: impl PgExecutor<'_>, user_id: &str) -> Result<Vec<EffectiveRow>, sqlx::Error> {
    sqlx::query_as!(
        EffectiveRow,
        r#"WITH my_groups AS (
               SELECT g.group_id, g.group_name FROM group_members m JOIN groups g ON g.group_id = m.group_id
                WHERE m.user_id = $1)
           SELECT 'inline:' || i.policy_name AS "label!", NULL::text AS policy_arn, i.document AS "document?"
             FROM inline_policies i WHERE i.user_id = $1
           UNION ALL
           SELECT 'inline:' || g.group_name || '/' || i.policy_name, NULL, i.document
             FROM inline_policies i JOIN my_groups g ON g.group_id = i.group_id
           UNION ALL
           SELECT coalesce(p.policy_name, a.policy_arn), a.policy_arn, v.document
             FROM policy_attachments a
             LEFT JOIN policies p ON p.account_id = a.account_id AND p.arn = a.policy_arn
             LEFT JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version_id = p.default_version_id
            WHERE a.user_id = $1 OR a.group_id IN (SELECT group_id FROM my_groups)"#,
        user_id
    )
    .fetch_all(ex)
    .await
}
