//! Users' permissions boundaries (`users.permissions_boundary`): set, clear, find with the
//! policy's document, and count a policy's uses.

use sqlx::PgExecutor;

/// A user's boundary: its ARN and, for a customer-managed policy, its default version's document.
pub struct BoundaryRow {
    pub arn: String,
    pub document: Option<String>,
}

pub async fn find_user_boundary(ex: impl PgExecutor<'_>, user_id: &str) -> Result<Option<BoundaryRow>, sqlx::Error> {
    sqlx::query_as!(
        BoundaryRow,
        r#"SELECT u.permissions_boundary AS "arn!", v.document AS "document?"
             FROM users u
             LEFT JOIN policies p ON p.account_id = u.account_id AND p.arn = u.permissions_boundary
             LEFT JOIN policy_versions v ON v.policy_id = p.policy_id AND v.version_id = p.default_version_id
            WHERE u.user_id = $1 AND u.permissions_boundary IS NOT NULL"#,
        user_id
    )
    .fetch_optional(ex)
    .await
}

pub async fn update_user_boundary(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    boundary: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET permissions_boundary = $2 WHERE user_id = $1", user_id, boundary)
        .execute(ex)
        .await?;
    Ok(())
}

/// How many users of the account have this policy as their boundary.
pub async fn count_boundary_uses(ex: impl PgExecutor<'_>, account_id: &str, arn: &str) -> Result<i64, sqlx::Error> {
    let n = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM users WHERE account_id = $1 AND permissions_boundary = $2"#,
        account_id,
        arn
    )
    .fetch_one(ex)
    .await?;
    Ok(n)
}
