//! The credential report, as IAM's GenerateCredentialReport and GetCredentialReport: a CSV with
//! AWS's columns — the `<root_account>` line, then every user — made in the background from one
//! streaming query and stored in chunks, so memory stays flat however many users there are. A
//! complete report younger than four hours is reused; an older one has expired.

use crate::domain::{root_arn, user_arn, AccountId, IamAction, IamPath, UserName};
use crate::store;
use crate::store::credential_reports::ReportUserRow;
use crate::usecases::actor::{Actor, Resource};
use crate::{Engine, IamError, ReportFault};
use futures_util::TryStreamExt;
use time::{Duration, OffsetDateTime};

/// How long a report is served (and reused by Generate), as in IAM.
pub const REPORT_LIFETIME: Duration = Duration::hours(4);
/// A generation that has not finished by then is taken to have died with its server.
pub const GENERATION_TIMEOUT: Duration = Duration::minutes(10);
/// Chunk size: a multiple of 3 bytes, so chunks' base64 encodings concatenate.
pub const CHUNK_BYTES: usize = 3 * 1024 * 1024;

/// The report's header line: exactly AWS's columns.
pub const COLUMNS: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// GenerateCredentialReport's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportState {
    /// A generation began with this call.
    Started,
    /// Another call's generation is still running.
    InProgress,
    /// A report younger than four hours is there.
    Complete,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Started => "STARTED",
            ReportState::InProgress => "INPROGRESS",
            ReportState::Complete => "COMPLETE",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ReportState::Started => "No report exists. Starting a new report generation task",
            ReportState::InProgress => "Report generation in progress",
            ReportState::Complete => "Report generated within the last four hours",
        }
    }
}

/// A complete report: when it was made and how to read it chunk by chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportHandle {
    pub account_id: AccountId,
    pub generated_at: OffsetDateTime,
}

fn report_resource(account_id: &AccountId) -> Resource {
    Resource::untagged(format!("arn:aws:iam::{account_id}:*"))
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// A CSV field (see [`crate::domain::csv`]); the report's fields are Lanyard's own but for the
/// user name, which [`user_line`] neutralises.
fn push_field(line: &mut String, field: &str) {
    if !line.is_empty() {
        line.push(',');
    }
    line.push_str(&crate::domain::csv::quoted(field));
}

/// The access-key and certificate columns of one owner (the first two of each).
struct CredentialColumns<'a> {
    key_statuses: &'a [String],
    key_created: &'a [String],
    key_last_used: &'a [String],
    key_regions: &'a [String],
    key_services: &'a [String],
    cert_statuses: &'a [String],
    cert_uploaded: &'a [String],
}

impl CredentialColumns<'_> {
    fn push(&self, line: &mut String) {
        let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_else(|| "N/A".to_owned());
        for i in 0..2 {
            push_field(line, bool_text(self.key_statuses.get(i).is_some_and(|s| s == "Active")));
            push_field(line, &at(self.key_created, i));
            push_field(line, &at(self.key_last_used, i));
            push_field(line, &at(self.key_regions, i));
            push_field(line, &at(self.key_services, i));
        }
        for i in 0..2 {
            push_field(line, bool_text(self.cert_statuses.get(i).is_some_and(|s| s == "Active")));
            push_field(line, &at(self.cert_uploaded, i));
        }
    }
}

fn user_line(account_id: &AccountId, r: &ReportUserRow) -> Result<String, IamError> {
    let arn = user_arn(account_id, &IamPath::parse(&r.path)?, &UserName::parse(&r.user_name)?);
    let mut line = crate::domain::csv::text_field(&r.user_name).into_owned();
    line.reserve(400);
    for field in [&arn, &r.created] {
        push_field(&mut line, field);
    }
    push_field(&mut line, bool_text(r.password_enabled));
    for field in [&r.password_last_used, &r.password_last_changed, &r.password_next_rotation] {
        push_field(&mut line, field);
    }
    push_field(&mut line, bool_text(r.mfa_active));
    CredentialColumns {
        key_statuses: &r.key_statuses,
        key_created: &r.key_created,
        key_last_used: &r.key_last_used,
        key_regions: &r.key_regions,
        key_services: &r.key_services,
        cert_statuses: &r.cert_statuses,
        cert_uploaded: &r.cert_uploaded,
    }
    .push(&mut line);
    line.push('\n');
    Ok(line)
}

fn report_time(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

fn last_used_text(t: Option<OffsetDateTime>) -> String {
    t.map(report_time).unwrap_or_else(|| "N/A".to_owned())
}

/// Chunks the CSV as it is written; each flushed chunk is a multiple of 3 bytes but the last.
struct ChunkWriter<'a> {
    tx: &'a mut sqlx::PgConnection,
    account_id: &'a str,
    buffer: Vec<u8>,
    seq: i32,
    total: i64,
}

impl ChunkWriter<'_> {
    async fn write(&mut self, text: &str) -> Result<(), IamError> {
        self.buffer.extend_from_slice(text.as_bytes());
        self.total += text.len() as i64;
        if self.buffer.len() >= CHUNK_BYTES {
            let rest = self.buffer.split_off(CHUNK_BYTES);
            self.flush().await?;
            self.buffer = rest;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), IamError> {
        if !self.buffer.is_empty() {
            store::credential_reports::insert_report_chunk(&mut *self.tx, self.account_id, self.seq, &self.buffer)
                .await?;
            self.seq += 1;
            self.buffer.clear();
        }
        Ok(())
    }
}

impl Engine {
    /// IAM's GenerateCredentialReport: reuses a report younger than four hours, reports one in
    /// progress, or starts a generation in the background.
    pub async fn generate_credential_report(&self, actor: &Actor) -> Result<ReportState, IamError> {
        let account_id = actor.account_id().clone();
        self.authorize(actor, IamAction::GenerateCredentialReport, &report_resource(&account_id))?;
        let mut tx = self.pool.begin().await?;
        // The account's row serializes Generate calls, so one generation runs at a time.
        store::mfa_devices::find_account_for_update(&mut *tx, account_id.as_str()).await?;
        let now = OffsetDateTime::now_utc();
        let state =
            match store::credential_reports::find_credential_report_for_update(&mut *tx, account_id.as_str()).await? {
                Some(r) if r.generated_at.is_some_and(|t| now - t < REPORT_LIFETIME) => ReportState::Complete,
                Some(r) if r.state == "STARTED" && now - r.started_at < GENERATION_TIMEOUT => ReportState::InProgress,
                _ => {
                    store::credential_reports::upsert_report_started(&mut *tx, account_id.as_str()).await?;
                    ReportState::Started
                }
            };
        tx.commit().await?;
        if state == ReportState::Started {
            let engine = self.clone();
            tokio::spawn(async move {
                if let Err(e) = engine.write_credential_report(&account_id).await {
                    tracing::error!(%account_id, error = %e, "credential report generation failed");
                }
            });
        }
        Ok(state)
    }

    /// Makes the account's report now, in one transaction that replaces the previous chunks.
    /// Memory stays flat: users are streamed, and at most one chunk is held.
    pub async fn write_credential_report(&self, account_id: &AccountId) -> Result<i64, IamError> {
        let id = account_id.as_str();
        let policy = self.find_policy(account_id).await?;
        let max_age = policy.as_ref().and_then(|p| p.max_password_age).and_then(|a| i32::try_from(a).ok());
        let root = store::accounts::find_account_by_id(&self.pool, account_id)
            .await?
            .ok_or_else(|| IamError::NoSuchEntity(format!("The account {account_id} does not exist.")))?;
        let root_keys = store::access_keys::list_access_keys(&self.pool, id, None).await?;
        let root_certs = store::signing_certificates::list_signing_certificates(&self.pool, id, None).await?;
        let root_mfa = store::mfa_devices::find_any_mfa_device(&self.pool, id, None).await?;
        let root_last_used = store::accounts::find_root_password_last_used(&self.pool, id)
            .await?
            .map_or_else(|| "no_information".to_owned(), report_time);

        // The report's row exists from Generate on; a direct call (the benchmark) makes it here —
        // before the transaction, which must not hold the row while it writes: Generate's
        // callers lock it (FOR NO KEY UPDATE) to read the state, and a caller queued on it would
        // deadlock with this transaction's closing UPDATE. The chunks' foreign key takes only a
        // KEY SHARE lock, which those callers do not wait for.
        store::credential_reports::upsert_report_started(&self.pool, id).await?;
        let mut tx = self.pool.begin().await?;
        store::credential_reports::delete_report_chunks(&mut *tx, id).await?;
        let mut out = ChunkWriter {
            tx: &mut tx,
            account_id: id,
            buffer: Vec::with_capacity(CHUNK_BYTES + 4096),
            seq: 0,
            total: 0,
        };
        out.write(COLUMNS).await?;
        out.write("\n").await?;

        let mut line = String::new();
        for field in ["<root_account>", &root_arn(account_id), &report_time(root.created_at), "not_supported"] {
            push_field(&mut line, field);
        }
        for field in [root_last_used.as_str(), "not_supported", "not_supported", bool_text(root_mfa)] {
            push_field(&mut line, field);
        }
        let strings =
            |f: &dyn Fn(&store::access_keys::AccessKeyRow) -> String| root_keys.iter().map(f).collect::<Vec<_>>();
        CredentialColumns {
            key_statuses: &strings(&|k| k.status.clone()),
            key_created: &strings(&|k| report_time(k.created_at)),
            key_last_used: &strings(&|k| last_used_text(k.last_used_at)),
            key_regions: &strings(&|k| k.last_used_region.clone().unwrap_or_else(|| "N/A".into())),
            key_services: &strings(&|k| k.last_used_service.clone().unwrap_or_else(|| "N/A".into())),
            cert_statuses: &root_certs.iter().map(|c| c.status.clone()).collect::<Vec<_>>(),
            cert_uploaded: &root_certs.iter().map(|c| report_time(c.uploaded_at)).collect::<Vec<_>>(),
        }
        .push(&mut line);
        line.push('\n');
        out.write(&line).await?;

        // The users are read on a connection of their own while the chunks go into the transaction.
        let mut reader = self.pool.acquire().await?;
        let mut users = store::credential_reports::stream_report_users(&mut *reader, id, max_age);
        while let Some(row) = users.try_next().await? {
            out.write(&user_line(account_id, &row)?).await?;
        }
        drop(users);
        out.flush().await?;
        let total = out.total;
        store::credential_reports::update_report_complete(&mut *tx, id, total).await?;
        tx.commit().await?;
        tracing::info!(%account_id, bytes = total, "credential report generated");
        Ok(total)
    }

    /// IAM's GetCredentialReport: the complete report's handle, to be read with
    /// [`Engine::credential_report_chunk`].
    pub async fn get_credential_report(&self, actor: &Actor) -> Result<ReportHandle, IamError> {
        let account_id = actor.account_id().clone();
        self.authorize(actor, IamAction::GetCredentialReport, &report_resource(&account_id))?;
        let row = store::credential_reports::find_credential_report(&self.pool, account_id.as_str())
            .await?
            .ok_or(IamError::CredentialReport(ReportFault::NotPresent))?;
        match row.generated_at {
            None => Err(IamError::CredentialReport(ReportFault::InProgress)),
            Some(t) if OffsetDateTime::now_utc() - t >= REPORT_LIFETIME => {
                Err(IamError::CredentialReport(ReportFault::Expired))
            }
            Some(generated_at) => Ok(ReportHandle { account_id, generated_at }),
        }
    }

    /// Chunk `seq` (from 0) of a report [`Engine::get_credential_report`] handed out; `None` past
    /// the end.
    pub async fn credential_report_chunk(&self, report: &ReportHandle, seq: i32) -> Result<Option<Vec<u8>>, IamError> {
        Ok(store::credential_reports::find_report_chunk(&self.pool, report.account_id.as_str(), seq).await?)
    }

    /// The whole report in memory (for the API's base64 answer and tests).
    pub async fn credential_report_bytes(&self, report: &ReportHandle) -> Result<Vec<u8>, IamError> {
        let mut all = Vec::new();
        for seq in 0.. {
            match self.credential_report_chunk(report, seq).await? {
                Some(chunk) => all.extend_from_slice(&chunk),
                None => break,
            }
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        let mut line = String::new();
        push_field(&mut line, "bob");
        push_field(&mut line, "a,b");
        push_field(&mut line, "say \"hi\"");
        assert_eq!(line, "bob,\"a,b\",\"say \"\"hi\"\"\"");
        assert_eq!(COLUMNS.split(',').count(), 22);
        assert_eq!(CHUNK_BYTES % 3, 0);
    }
}
