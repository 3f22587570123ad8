//! Rows of `outbox`: mail written in the same transaction as what it announces, printed by
//! `lanyard outbox` locally and delivered by the SMTP worker when one is configured.

use sqlx::PgExecutor;
use time::OffsetDateTime;

/// A mail. `Debug` leaves the body out: it may hold a live reset link.
#[derive(Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i32,
}

impl std::fmt::Debug for OutboxRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxRow")
            .field("id", &self.id)
            .field("recipient", &self.recipient)
            .field("subject", &self.subject)
            .field("body", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("sent_at", &self.sent_at)
            .field("attempts", &self.attempts)
            .finish()
    }
}

pub async fn insert_outbox(
    ex: impl PgExecutor<'_>,
    recipient: &str,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!("INSERT INTO outbox (recipient, subject, body) VALUES ($1, $2, $3)", recipient, subject, body)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn list_outbox(ex: impl PgExecutor<'_>, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as!(
        OutboxRow,
        "SELECT id, recipient, subject, body, created_at, sent_at, attempts FROM outbox ORDER BY id DESC LIMIT $1",
        limit
    )
    .fetch_all(ex)
    .await
}

/// Claims up to `limit` unsent mails that are due, and leases them for `lease_seconds` (which is
/// also the back-off if sending fails). `SKIP LOCKED` lets several servers share the work without
/// sending one mail twice.
pub async fn update_claim_due_mail(
    ex: impl PgExecutor<'_>,
    limit: i64,
    lease_seconds: f64,
    max_attempts: i32,
) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as!(
        OutboxRow,
        "UPDATE outbox o
            SET attempts = o.attempts + 1,
                next_attempt_at = now() + make_interval(secs => $2::float8 * (o.attempts + 1))
          WHERE o.id IN (SELECT id FROM outbox
                          WHERE sent_at IS NULL AND next_attempt_at <= now() AND attempts < $3
                          ORDER BY next_attempt_at
                          LIMIT $1
                          FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.recipient, o.subject, o.body, o.created_at, o.sent_at, o.attempts",
        limit,
        lease_seconds,
        max_attempts
    )
    .fetch_all(ex)
    .await
}

/// Marks a mail delivered and drops its body, so a reset link does not stay readable in the
/// database once it has left.
pub async fn update_mail_sent(ex: impl PgExecutor<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox SET sent_at = now(), last_error = NULL, body = '(delivered by SMTP; body removed)' WHERE id = $1",
        id
    )
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn update_mail_failed(ex: impl PgExecutor<'_>, id: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE outbox SET last_error = $2 WHERE id = $1", id, error).execute(ex).await?;
    Ok(())
}
