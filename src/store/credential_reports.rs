//! Rows of `credential_reports` and its chunks, and the one streaming query the report is made
//! from: every user of an account with each credential's state, times already in the report's
//! format (`report_time`), in name order through the unique name index.

use futures_util::stream::BoxStream;
use sqlx::PgExecutor;
use time::OffsetDateTime;

#[derive(Clone, Debug)]
pub struct CredentialReportRow {
    pub state: String,
    pub started_at: OffsetDateTime,
    pub generated_at: Option<OffsetDateTime>,
}

/// The report's state, locked against other Generate calls. FOR NO KEY UPDATE, not FOR UPDATE: the
/// writer's chunks hold KEY SHARE on this row for as long as it writes, and a Generate call must
/// answer "in progress" rather than queue behind it.
pub async fn find_credential_report_for_update(
    ex: impl PgExecutor<'_>,
    account_id: &str,
) -> Result<Option<CredentialReportRow>, sqlx::Error> {
    sqlx::query_as!(
        CredentialReportRow,
        "SELECT state, started_at, generated_at FROM credential_reports WHERE account_id = $1 FOR NO KEY UPDATE",
        account_id
    )
    .fetch_optional(ex)
    .await
}

pub async fn find_credential_report(
    ex: impl PgExecutor<'_>,
    account_id: &str,
) -> Result<Option<CredentialReportRow>, sqlx::Error> {
    sqlx::query_as!(
        CredentialReportRow,
        "SELECT state, started_at, generated_at FROM credential_reports WHERE account_id = $1",
        account_id
    )
    .fetch_optional(ex)
    .await
}

/// Marks a generation as started (the previous report, if any, is gone from now on).
pub async fn upsert_report_started(ex: impl PgExecutor<'_>, account_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO credential_reports (account_id, state, started_at) VALUES ($1, 'STARTED', now())
         ON CONFLICT (account_id) DO UPDATE SET state = 'STARTED', started_at = now(), generated_at = NULL, byte_size = NULL",
        account_id
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn delete_report_chunks(ex: impl PgExecutor<'_>, account_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM credential_report_chunks WHERE account_id = $1", account_id).execute(ex).await?;
    Ok(())
}

pub async fn insert_report_chunk(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    seq: i32,
    data: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO credential_report_chunks (account_id, seq, data) VALUES ($1, $2, $3)",
        account_id,
        seq,
        data
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn update_report_complete(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    byte_size: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE credential_reports SET state = 'COMPLETE', generated_at = now(), byte_size = $2 WHERE account_id = $1",
        account_id,
        byte_size
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// One chunk of a complete report, by its number (from 0); `None` past the last.
pub async fn find_report_chunk(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    seq: i32,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!("SELECT data FROM credential_report_chunks WHERE account_id = $1 AND seq = $2", account_id, seq)
        .fetch_optional(ex)
        .await
}

/// A user's line of the report, as text already (times formatted, `N/A` where IAM writes it);
/// access keys and certificates in creation order, the first two of each are reported.
#[derive(Clone, Debug)]
pub struct ReportUserRow {
    pub user_name: String,
    pub path: String,
    pub created: String,
    pub password_enabled: bool,
    pub password_last_used: String,
    pub password_last_changed: String,
    pub password_next_rotation: String,
    pub mfa_active: bool,
    pub key_statuses: Vec<String>,
    pub key_created: Vec<String>,
    pub key_last_used: Vec<String>,
    pub key_regions: Vec<String>,
    pub key_services: Vec<String>,
    pub cert_statuses: Vec<String>,
    pub cert_uploaded: Vec<String>,
}

/// Every user of the account, streamed. `max_age_days` is the password policy's MaxPasswordAge.
pub fn stream_report_users<'e>(
    ex: impl PgExecutor<'e> + 'e,
    account_id: &'e str,
    max_age_days: Option<i32>,
) -> BoxStream<'e, Result<ReportUserRow, sqlx::Error>> {
    sqlx::query_as!(
        ReportUserRow,
        r#"SELECT u.user_name, u.path, report_time(u.created_at) AS "created!",
                  (lp.user_id IS NOT NULL) AS "password_enabled!",
                  CASE WHEN lp.user_id IS NULL THEN 'N/A'
                       ELSE coalesce(report_time(u.password_last_used_at), 'no_information') END AS "password_last_used!",
                  coalesce(report_time(lp.password_changed_at), 'N/A') AS "password_last_changed!",
                  CASE WHEN lp.user_id IS NULL OR $2::int IS NULL THEN 'N/A'
                       ELSE report_time(lp.password_changed_at + make_interval(days => $2::int)) END AS "password_next_rotation!",
                  EXISTS (SELECT 1 FROM mfa_devices m WHERE m.user_id = u.user_id AND m.enabled_at IS NOT NULL) AS "mfa_active!",
                  coalesce(k.statuses, '{}') AS "key_statuses!", coalesce(k.created, '{}') AS "key_created!",
                  coalesce(k.last_used, '{}') AS "key_last_used!", coalesce(k.regions, '{}') AS "key_regions!",
                  coalesce(k.services, '{}') AS "key_services!",
                  coalesce(c.statuses, '{}') AS "cert_statuses!", coalesce(c.uploaded, '{}') AS "cert_uploaded!"
             FROM users u
             LEFT JOIN login_profiles lp ON lp.user_id = u.user_id
             LEFT JOIN LATERAL (
                 SELECT array_agg(status ORDER BY created_at, access_key_id) AS statuses,
                        array_agg(report_time(created_at) ORDER BY created_at, access_key_id) AS created,
                        array_agg(coalesce(report_time(last_used_at), 'N/A') ORDER BY created_at, access_key_id) AS last_used,
                        array_agg(coalesce(last_used_region, 'N/A') ORDER BY created_at, access_key_id) AS regions,
                        array_agg(coalesce(last_used_service, 'N/A') ORDER BY created_at, access_key_id) AS services
                   FROM access_keys WHERE user_id = u.user_id) k ON true
             LEFT JOIN LATERAL (
                 SELECT array_agg(status ORDER BY uploaded_at, certificate_id) AS statuses,
                        array_agg(report_time(uploaded_at) ORDER BY uploaded_at, certificate_id) AS uploaded
                   FROM signing_certificates WHERE user_id = u.user_id) c ON true
            WHERE u.account_id = $1
            ORDER BY lower(u.user_name)"#,
        account_id,
        max_age_days
    )
    .fetch(ex)
}
