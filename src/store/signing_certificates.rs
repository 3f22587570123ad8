//! Rows of `signing_certificates`. An owner is `(account_id, user_id)`, `user_id` NULL for root.

use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Clone, Debug)]
pub struct SigningCertificateRow {
    pub certificate_id: String,
    pub body: String,
    pub not_after: OffsetDateTime,
    pub status: String,
    pub uploaded_at: OffsetDateTime,
}

pub async fn list_signing_certificates(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
) -> Result<Vec<SigningCertificateRow>, sqlx::Error> {
    sqlx::query_as!(
        SigningCertificateRow,
        "SELECT certificate_id, body, not_after, status, uploaded_at FROM signing_certificates
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '')
          ORDER BY uploaded_at, certificate_id",
        account_id,
        user_id
    )
    .fetch_all(ex)
    .await
}

pub struct NewSigningCertificate<'a> {
    pub certificate_id: &'a str,
    pub account_id: &'a str,
    pub user_id: Option<&'a str>,
    pub body: &'a str,
    pub der_sha256: &'a str,
    pub not_after: OffsetDateTime,
}

pub async fn insert_signing_certificate(
    ex: impl PgExecutor<'_>,
    cert: NewSigningCertificate<'_>,
) -> Result<SigningCertificateRow, sqlx::Error> {
    sqlx::query_as!(
        SigningCertificateRow,
        "INSERT INTO signing_certificates (certificate_id, account_id, user_id, body, der_sha256, not_after)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING certificate_id, body, not_after, status, uploaded_at",
        cert.certificate_id,
        cert.account_id,
        cert.user_id,
        cert.body,
        cert.der_sha256,
        cert.not_after
    )
    .fetch_one(ex)
    .await
}

pub async fn update_signing_certificate_status(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    certificate_id: &str,
    status: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE signing_certificates SET status = $4
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND certificate_id = $3",
        account_id,
        user_id,
        certificate_id,
        status
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_signing_certificate(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    user_id: Option<&str>,
    certificate_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM signing_certificates
          WHERE account_id = $1 AND coalesce(user_id, '') = coalesce($2, '') AND certificate_id = $3",
        account_id,
        user_id,
        certificate_id
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}
