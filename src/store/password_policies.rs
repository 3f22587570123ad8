//! Rows of `password_policies`: one per account that has a custom policy.

use crate::domain::PasswordPolicy;
use sqlx::PgExecutor;

struct PolicyRow {
    minimum_password_length: i32,
    require_symbols: bool,
    require_numbers: bool,
    require_uppercase_characters: bool,
    require_lowercase_characters: bool,
    allow_users_to_change_password: bool,
    max_password_age: Option<i32>,
    password_reuse_prevention: Option<i32>,
    hard_expiry: bool,
}

fn unsigned(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub async fn find_password_policy(
    ex: impl PgExecutor<'_>,
    account_id: &str,
) -> Result<Option<PasswordPolicy>, sqlx::Error> {
    let row = sqlx::query_as!(
        PolicyRow,
        "SELECT minimum_password_length, require_symbols, require_numbers, require_uppercase_characters,
                require_lowercase_characters, allow_users_to_change_password, max_password_age,
                password_reuse_prevention, hard_expiry
           FROM password_policies WHERE account_id = $1",
        account_id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| PasswordPolicy {
        minimum_password_length: unsigned(r.minimum_password_length),
        require_symbols: r.require_symbols,
        require_numbers: r.require_numbers,
        require_uppercase_characters: r.require_uppercase_characters,
        require_lowercase_characters: r.require_lowercase_characters,
        allow_users_to_change_password: r.allow_users_to_change_password,
        max_password_age: r.max_password_age.map(unsigned),
        password_reuse_prevention: r.password_reuse_prevention.map(unsigned),
        hard_expiry: r.hard_expiry,
    }))
}

/// Replaces the whole policy (IAM's UpdateAccountPasswordPolicy).
pub async fn update_password_policy(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    p: &PasswordPolicy,
) -> Result<(), sqlx::Error> {
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    sqlx::query!(
        "INSERT INTO password_policies (account_id, minimum_password_length, require_symbols, require_numbers,
                require_uppercase_characters, require_lowercase_characters, allow_users_to_change_password,
                max_password_age, password_reuse_prevention, hard_expiry)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (account_id) DO UPDATE SET
                minimum_password_length = EXCLUDED.minimum_password_length,
                require_symbols = EXCLUDED.require_symbols,
                require_numbers = EXCLUDED.require_numbers,
                require_uppercase_characters = EXCLUDED.require_uppercase_characters,
                require_lowercase_characters = EXCLUDED.require_lowercase_characters,
                allow_users_to_change_password = EXCLUDED.allow_users_to_change_password,
                max_password_age = EXCLUDED.max_password_age,
                password_reuse_prevention = EXCLUDED.password_reuse_prevention,
                hard_expiry = EXCLUDED.hard_expiry,
                updated_at = now()",
        account_id,
        int(p.minimum_password_length),
        p.require_symbols,
        p.require_numbers,
        p.require_uppercase_characters,
        p.require_lowercase_characters,
        p.allow_users_to_change_password,
        p.max_password_age.map(int),
        p.password_reuse_prevention.map(int),
        p.hard_expiry
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_password_policy(ex: impl PgExecutor<'_>, account_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM password_policies WHERE account_id = $1", account_id).execute(ex).await?;
    Ok(done.rows_affected() == 1)
}
