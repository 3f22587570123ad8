//! Rows of `service_specific_credentials`: one user's, and the one a client names by its
//! service user name (with the owner's state) for a password check.

use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Clone, Debug)]
pub struct ServiceCredentialRow {
    pub credential_id: String,
    pub service_name: String,
    pub service_user_name: String,
    pub status: String,
    pub created_at: OffsetDateTime,
}

/// What a password check needs. `Debug` leaves the hash out.
#[derive(Clone)]
pub struct ServiceCredentialAuthRow {
    pub credential_id: String,
    pub account_id: String,
    pub user_name: String,
    pub password_hash: String,
    pub status: String,
}

impl std::fmt::Debug for ServiceCredentialAuthRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceCredentialAuthRow")
            .field("credential_id", &self.credential_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

pub async fn list_service_credentials(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    service_name: Option<&str>,
) -> Result<Vec<ServiceCredentialRow>, sqlx::Error> {
    sqlx::query_as!(
        ServiceCredentialRow,
        "SELECT credential_id, service_name, service_user_name, status, created_at
           FROM service_specific_credentials
          WHERE user_id = $1 AND ($2::text IS NULL OR service_name = $2)
          ORDER BY service_name, created_at, credential_id",
        user_id,
        service_name
    )
    .fetch_all(ex)
    .await
}

pub struct NewServiceCredential<'a> {
    pub credential_id: &'a str,
    pub account_id: &'a str,
    pub user_id: &'a str,
    pub service_name: &'a str,
    pub service_user_name: &'a str,
    pub password_hash: &'a str,
}

pub async fn insert_service_credential(
    ex: impl PgExecutor<'_>,
    c: NewServiceCredential<'_>,
) -> Result<ServiceCredentialRow, sqlx::Error> {
    sqlx::query_as!(
        ServiceCredentialRow,
        "INSERT INTO service_specific_credentials
                (credential_id, account_id, user_id, service_name, service_user_name, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING credential_id, service_name, service_user_name, status, created_at",
        c.credential_id,
        c.account_id,
        c.user_id,
        c.service_name,
        c.service_user_name,
        c.password_hash
    )
    .fetch_one(ex)
    .await
}

pub async fn update_service_credential_status(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    credential_id: &str,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE service_specific_credentials SET status = $3 WHERE user_id = $1 AND credential_id = $2",
        user_id,
        credential_id,
        status
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new password for the credential; `None` if the user has no such credential.
pub async fn update_service_credential_password(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    credential_id: &str,
    password_hash: &str,
) -> Result<Option<ServiceCredentialRow>, sqlx::Error> {
    sqlx::query_as!(
        ServiceCredentialRow,
        "UPDATE service_specific_credentials SET password_hash = $3 WHERE user_id = $1 AND credential_id = $2
         RETURNING credential_id, service_name, service_user_name, status, created_at",
        user_id,
        credential_id,
        password_hash
    )
    .fetch_optional(ex)
    .await
}

pub async fn delete_service_credential(
    ex: impl PgExecutor<'_>,
    user_id: &str,
    credential_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM service_specific_credentials WHERE user_id = $1 AND credential_id = $2",
        user_id,
        credential_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The credential a client names, with its owner's name; its status and the owner are read in
/// the same statement, so a deactivation or deletion counts from the next request on.
pub async fn find_service_credential_for_auth(
    ex: impl PgExecutor<'_>,
    service_name: &str,
    service_user_name: &str,
) -> Result<Option<ServiceCredentialAuthRow>, sqlx::Error> {
    sqlx::query_as!(
        ServiceCredentialAuthRow,
        "SELECT c.credential_id, c.account_id, u.user_name, c.password_hash, c.status
           FROM service_specific_credentials c JOIN users u ON u.user_id = c.user_id
          WHERE c.service_name = $1 AND c.service_user_name = $2",
        service_name,
        service_user_name
    )
    .fetch_optional(ex)
    .await
}

/// Which of `candidates` already name a credential of the service (any user's).
pub async fn list_taken_service_user_names(
    ex: impl PgExecutor<'_>,
    service_name: &str,
    candidates: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT service_user_name FROM service_specific_credentials
          WHERE service_name = $1 AND service_user_name = ANY($2)",
        service_name,
        candidates
    )
    .fetch_all(ex)
    .await
}
