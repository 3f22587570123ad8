//! Rows of `events`: one insert per recorded event, the history page's filtered keyset pages, the
//! export's stream, pruning by age and the sign-in counts behind the console home's chart.

use futures_util::stream::BoxStream;
use sqlx::{PgExecutor, Postgres, QueryBuilder};
use time::OffsetDateTime;

pub struct NewEvent<'a> {
    pub account_id: &'a str,
    pub event_id: &'a str,
    pub event_time: OffsetDateTime,
    pub event_name: &'a str,
    pub event_source: &'a str,
    pub read_only: bool,
    pub user_name: Option<&'a str>,
    pub resource_name: Option<&'a str>,
    pub access_key_id: Option<&'a str>,
    pub source_ip: Option<&'a str>,
    pub error_code: Option<&'a str>,
    pub record: &'a serde_json::Value,
}

pub async fn insert_event(ex: impl PgExecutor<'_>, e: NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO events (account_id, event_id, event_time, event_name, event_source, read_only, user_name,
                             resource_name, access_key_id, source_ip, error_code, record)
         VALUES ($1, $2::text::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        e.account_id,
        e.event_id,
        e.event_time,
        e.event_name,
        e.event_source,
        e.read_only,
        e.user_name,
        e.resource_name,
        e.access_key_id,
        e.source_ip,
        e.error_code,
        e.record,
    )
    .execute(ex)
    .await?;
    Ok(())
}

/// The history page's filters; each set one narrows the page (all of them together).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilterRow {
    pub event_name: Option<String>,
    pub user_name: Option<String>,
    pub resource_name: Option<String>,
    pub access_key_id: Option<String>,
    pub source_ip: Option<String>,
    pub failed_only: bool,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

/// One row of a page: the indexed columns only (the page never reads the records themselves).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub event_id: String,
    pub event_time: OffsetDateTime,
    pub event_name: String,
    pub event_source: String,
    pub user_name: Option<String>,
    pub resource_name: Option<String>,
    pub access_key_id: Option<String>,
    pub source_ip: Option<String>,
    pub error_code: Option<String>,
}

/// One page, newest first, after the `(event_time, seq)` of the previous page's last row.
pub async fn list_events(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    filter: &EventFilterRow,
    after: Option<(OffsetDateTime, i64)>,
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    // Built per filter rather than `($n IS NULL OR col = $n)`, so the planner sees which index
    // serves the page (a generic plan over optional filters scans the whole account).
    let mut q: QueryBuilder<'_, Postgres> = QueryBuilder::new(
        "SELECT seq, event_id::text AS event_id, event_time, event_name, event_source, user_name, resource_name,
                access_key_id, source_ip, error_code
           FROM events WHERE account_id = ",
    );
    q.push_bind(account_id.to_owned());
    let eq = |q: &mut QueryBuilder<'_, Postgres>, column: &str, value: &Option<String>| {
        if let Some(v) = value {
            q.push(format!(" AND {column} = ")).push_bind(v.clone());
        }
    };
    eq(&mut q, "event_name", &filter.event_name);
    eq(&mut q, "user_name", &filter.user_name);
    eq(&mut q, "resource_name", &filter.resource_name);
    eq(&mut q, "access_key_id", &filter.access_key_id);
    eq(&mut q, "source_ip", &filter.source_ip);
    if filter.failed_only {
        q.push(" AND error_code IS NOT NULL");
    }
    if let Some(since) = filter.since {
        q.push(" AND event_time >= ").push_bind(since);
    }
    if let Some(until) = filter.until {
        q.push(" AND event_time < ").push_bind(until);
    }
    if let Some((time, seq)) = after {
        q.push(" AND (event_time, seq) < (").push_bind(time).push(", ").push_bind(seq).push(")");
    }
    q.push(" ORDER BY event_time DESC, seq DESC LIMIT ").push_bind(limit);
    q.build_query_as::<EventRow>().fetch_all(ex).await
}

pub async fn find_event_record(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    event_id: &str,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        "SELECT record FROM events WHERE account_id = $1 AND event_id = $2::text::uuid",
        account_id,
        event_id
    )
    .fetch_optional(ex)
    .await?;
    Ok(row)
}

/// The account's records in time order, streamed (the export never holds them all).
pub fn stream_event_records<'e>(
    ex: impl PgExecutor<'e> + 'e,
    account_id: &'e str,
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> BoxStream<'e, Result<serde_json::Value, sqlx::Error>> {
    sqlx::query_scalar!(
        "SELECT record FROM events WHERE account_id = $1 AND event_time >= $2 AND event_time < $3
          ORDER BY event_time, seq",
        account_id,
        since,
        until
    )
    .fetch(ex)
}

/// Deletes up to `batch` events older than `cutoff` (any account); the count deleted.
pub async fn delete_events_before(
    ex: impl PgExecutor<'_>,
    cutoff: OffsetDateTime,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM events WHERE ctid = ANY (ARRAY(SELECT ctid FROM events WHERE event_time < $1 LIMIT $2))",
        cutoff,
        batch
    )
    .execute(ex)
    .await?;
    Ok(done.rows_affected())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInBucketRow {
    pub bucket: OffsetDateTime,
    pub succeeded: i64,
    pub failed: i64,
}

/// Password sign-ins per bucket of `bucket_secs` since `since`, successes and failures apart.
pub async fn list_sign_in_counts(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    since: OffsetDateTime,
    bucket_secs: i64,
) -> Result<Vec<SignInBucketRow>, sqlx::Error> {
    sqlx::query_as!(
        SignInBucketRow,
        r#"SELECT to_timestamp(floor(extract(epoch FROM event_time) / $3) * $3) AS "bucket!",
                  count(*) FILTER (WHERE error_code IS NULL) AS "succeeded!",
                  count(*) FILTER (WHERE error_code IS NOT NULL) AS "failed!"
             FROM events
            WHERE account_id = $1 AND event_name = 'ConsoleLogin' AND event_time >= $2
            GROUP BY 1 ORDER BY 1"#,
        account_id,
        since,
        bucket_secs as f64
    )
    .fetch_all(ex)
    .await
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureCountRow {
    pub resource_name: String,
    pub failures: i64,
}

/// The names with the most failed sign-ins since `since`.
pub async fn list_top_sign_in_failures(
    ex: impl PgExecutor<'_>,
    account_id: &str,
    since: OffsetDateTime,
    limit: i64,
) -> Result<Vec<FailureCountRow>, sqlx::Error> {
    sqlx::query_as!(
        FailureCountRow,
        r#"SELECT resource_name AS "resource_name!", count(*) AS "failures!"
             FROM events
            WHERE account_id = $1 AND event_name = 'ConsoleLogin' AND event_time >= $2
              AND error_code IS NOT NULL AND resource_name IS NOT NULL
            GROUP BY resource_name ORDER BY count(*) DESC, resource_name LIMIT $3"#,
        account_id,
        since,
        limit
    )
    .fetch_all(ex)
    .await
}
