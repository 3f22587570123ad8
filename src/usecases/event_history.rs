//! Reading the event history: the console's filtered, keyset-paged list (newest first) and one
//! record in full, authorized as `iam:ListEvents`; the sign-in activity the console home charts;
//! and the operator's export (JSON lines, streamed) and pruning by age.

use crate::domain::{parse_ip, AccountId, EventName, IamAction};
use crate::store;
use crate::store::events::EventFilterRow;
use crate::usecases::actor::{Actor, Resource};
use crate::{Engine, FieldError, IamError};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How many events one page shows at most.
pub const MAX_EVENTS_PER_PAGE: i64 = 200;
/// How long events are kept unless the operator says otherwise (`lanyard events prune`).
pub const DEFAULT_RETENTION_DAYS: i64 = 400;
/// Failed sign-ins in the last hour above which the console home raises an alert.
pub const FAILED_SIGN_IN_ALERT: i64 = 20;

/// The history page's filters as typed; [`Engine::list_events`] checks each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    pub event_name: Option<String>,
    /// Who acted: an IAM user's name, or `root`.
    pub user_name: Option<String>,
    /// The IAM user an event is about.
    pub resource_name: Option<String>,
    pub access_key_id: Option<String>,
    pub source_ip: Option<String>,
    pub failed_only: bool,
    /// Unix seconds.
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// One row of the history page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSummary {
    pub event_id: String,
    pub event_time: i64,
    pub event_name: String,
    pub event_source: String,
    pub user_name: Option<String>,
    pub resource_name: Option<String>,
    pub access_key_id: Option<String>,
    pub source_ip: Option<String>,
    pub error_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<EventSummary>,
    /// Where the next page starts, when there is one.
    pub next: Option<String>,
}

/// Sign-ins per bucket of the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInBucket {
    pub start: i64,
    pub succeeded: i64,
    pub failed: i64,
}

/// The chart's window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityWindow {
    Day,
    Week,
    Month,
}

impl ActivityWindow {
    pub fn parse(s: &str) -> Self {
        match s {
            "7d" => ActivityWindow::Week,
            "30d" => ActivityWindow::Month,
            _ => ActivityWindow::Day,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityWindow::Day => "24h",
            ActivityWindow::Week => "7d",
            ActivityWindow::Month => "30d",
        }
    }

    /// The window's length and its bucket size, in seconds.
    pub fn span_and_bucket(self) -> (i64, i64) {
        match self {
            ActivityWindow::Day => (24 * 3600, 3600),
            ActivityWindow::Week => (7 * 24 * 3600, 6 * 3600),
            ActivityWindow::Month => (30 * 24 * 3600, 24 * 3600),
        }
    }
}

/// A user locked out of sign-in now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentLock {
    pub user_name: String,
    pub failures: i32,
    pub locked_until: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInActivity {
    pub window: ActivityWindow,
    /// Every bucket of the window, oldest first (empty ones included).
    pub buckets: Vec<SignInBucket>,
    pub locks: Vec<CurrentLock>,
    /// Names with the most failed sign-ins in the window.
    pub top_failures: Vec<(String, i64)>,
    /// Failed sign-ins in the last hour, and whether they exceed [`FAILED_SIGN_IN_ALERT`].
    pub failures_last_hour: i64,
    pub alert: bool,
}

fn events_resource(account_id: &AccountId) -> Resource {
    Resource::untagged(format!("arn:aws:iam::{account_id}:*"))
}

fn cursor_of(time: OffsetDateTime, seq: i64) -> String {
    format!("{}.{seq}", time.unix_timestamp_nanos())
}

fn parse_cursor(cursor: &str) -> Result<(OffsetDateTime, i64), IamError> {
    let bad = || IamError::field("marker", "is not a marker this list gave");
    let (nanos, seq) = cursor.split_once('.').ok_or_else(bad)?;
    let nanos: i128 = nanos.parse().map_err(|_| bad())?;
    let seq: i64 = seq.parse().map_err(|_| bad())?;
    Ok((OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?, seq))
}

fn at(field: &str, secs: Option<i64>) -> Result<Option<OffsetDateTime>, IamError> {
    secs.map(|s| OffsetDateTime::from_unix_timestamp(s).map_err(|_| IamError::field(field, "is not a valid time")))
        .transpose()
}

/// Trims a filter; blank is no filter.
fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| v.chars().take(256).collect())
}

impl EventFilter {
    /// Every broken rule at once, or the store's filter.
    fn check(&self) -> Result<EventFilterRow, IamError> {
        let mut errors = Vec::new();
        let event_name = given(&self.event_name);
        if let Some(name) = &event_name {
            if EventName::from_name(name).is_none() {
                errors.push(FieldError::new(
                    "eventName",
                    "is not an event Lanyard records (e.g. DeleteUser, ConsoleLogin)",
                ));
            }
        }
        let source_ip = match given(&self.source_ip) {
            Some(ip) => match parse_ip(&ip) {
                Some(ip) => Some(crate::domain::canonical_ip(ip).to_string()),
                None => {
                    errors.push(FieldError::new("sourceIp", "must be an IPv4 or IPv6 address"));
                    None
                }
            },
            None => None,
        };
        let since = at("since", self.since).map_err(|e| errors.extend(e.field_errors().to_vec())).ok().flatten();
        let until = at("until", self.until).map_err(|e| errors.extend(e.field_errors().to_vec())).ok().flatten();
        if let (Some(s), Some(u)) = (since, until) {
            if s >= u {
                errors.push(FieldError::new("until", "must be after the start of the range"));
            }
        }
        if !errors.is_empty() {
            return Err(IamError::Validation(errors));
        }
        Ok(EventFilterRow {
            event_name,
            user_name: given(&self.user_name),
            resource_name: given(&self.resource_name),
            access_key_id: given(&self.access_key_id).map(|k| k.to_uppercase()),
            source_ip,
            failed_only: self.failed_only,
            since,
            until,
        })
    }
}

impl Engine {
    /// One page of the account's events, newest first.
    pub async fn list_events(
        &self,
        actor: &Actor,
        filter: &EventFilter,
        marker: Option<&str>,
        max_items: i64,
    ) -> Result<EventPage, IamError> {
        let row_filter = filter.check()?;
        let after = marker.map(str::trim).filter(|m| !m.is_empty()).map(parse_cursor).transpose()?;
        let account = actor.account_id();
        self.authorize(actor, IamAction::ListEvents, &events_resource(account))?;
        let limit = max_items.clamp(1, MAX_EVENTS_PER_PAGE);
        let mut rows = store::events::list_events(&self.pool, account.as_str(), &row_filter, after, limit + 1).await?;
        let next = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| cursor_of(r.event_time, r.seq))
        } else {
            None
        };
        let events = rows
            .into_iter()
            .map(|r| EventSummary {
                event_id: r.event_id,
                event_source: r.event_source,
                event_time: r.event_time.unix_timestamp(),
                event_name: r.event_name,
                user_name: r.user_name,
                resource_name: r.resource_name,
                access_key_id: r.access_key_id,
                source_ip: r.source_ip,
                error_code: r.error_code,
            })
            .collect();
        Ok(EventPage { events, next })
    }

    /// One event's whole record (CloudTrail's JSON), pretty-printed.
    pub async fn event_record(&self, actor: &Actor, event_id: &str) -> Result<String, IamError> {
        let account = actor.account_id();
        self.authorize(actor, IamAction::ListEvents, &events_resource(account))?;
        let id = event_id.trim();
        let not_found = || IamError::NoSuchEntity(format!("The event with id {id} cannot be found."));
        if id.len() != 36 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(not_found());
        }
        let record = store::events::find_event_record(&self.pool, account.as_str(), id).await?.ok_or_else(not_found)?;
        serde_json::to_string_pretty(&record).map_err(|e| IamError::Internal(e.to_string()))
    }

    /// Sign-ins of the account over `window`, its current locks and the most failing names.
    pub async fn sign_in_activity(&self, actor: &Actor, window: ActivityWindow) -> Result<SignInActivity, IamError> {
        let account = actor.account_id();
        self.authorize(actor, IamAction::ListEvents, &events_resource(account))?;
        let (span, bucket) = window.span_and_bucket();
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let first = (now - span) / bucket * bucket + bucket;
        let since = OffsetDateTime::from_unix_timestamp(first).map_err(|e| IamError::Internal(e.to_string()))?;
        let rows = store::events::list_sign_in_counts(&self.pool, account.as_str(), since, bucket).await?;
        let buckets = (0..span / bucket)
            .map(|i| {
                let start = first + i * bucket;
                let row = rows.iter().find(|r| r.bucket.unix_timestamp() == start);
                SignInBucket { start, succeeded: row.map_or(0, |r| r.succeeded), failed: row.map_or(0, |r| r.failed) }
            })
            .collect();
        let prefix = format!("user:{account}:");
        let locks = store::throttle::list_locked_throttles(&self.pool, &prefix)
            .await?
            .into_iter()
            .map(|r| CurrentLock {
                user_name: r.throttle_key.strip_prefix(&prefix).unwrap_or_default().to_owned(),
                failures: r.failures,
                locked_until: r.locked_until.unix_timestamp(),
            })
            .collect();
        let top_failures = store::events::list_top_sign_in_failures(&self.pool, account.as_str(), since, 5)
            .await?
            .into_iter()
            .map(|r| (r.resource_name, r.failures))
            .collect();
        let hour_ago = OffsetDateTime::now_utc() - Duration::hours(1);
        let failures_last_hour: i64 = store::events::list_sign_in_counts(&self.pool, account.as_str(), hour_ago, 3600)
            .await?
            .iter()
            .map(|r| r.failed)
            .sum();
        Ok(SignInActivity {
            window,
            buckets,
            locks,
            top_failures,
            failures_last_hour,
            alert: failures_last_hour > FAILED_SIGN_IN_ALERT,
        })
    }

    /// The account's records from `since` to `until`, oldest first, streamed from the database
    /// (the operator's `lanyard events export`; no IAM action allows it).
    pub fn export_events<'a>(
        &'a self,
        account_id: &'a AccountId,
        since: OffsetDateTime,
        until: OffsetDateTime,
    ) -> BoxStream<'a, Result<serde_json::Value, IamError>> {
        store::events::stream_event_records(&self.pool, account_id.as_str(), since, until)
            .map(|r| r.map_err(IamError::from))
            .boxed()
    }

    /// Deletes every event older than `age`, in batches (each its own short transaction, so a
    /// large prune never holds locks long). Returns how many went.
    pub async fn prune_events(&self, age: Duration) -> Result<u64, IamError> {
        let cutoff = OffsetDateTime::now_utc() - age;
        let mut total = 0;
        loop {
            let n = store::events::delete_events_before(&self.pool, cutoff, 10_000).await?;
            total += n;
            if n == 0 {
                return Ok(total);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_a_field_error() {
        let t = time::macros::datetime!(2026-12-02 10:00:00.123456 UTC);
        assert_eq!(parse_cursor(&cursor_of(t, 42)).unwrap(), (t, 42));
        for bad in ["", "x", "1.x", "x.1", "99999999999999999999999999999.1"] {
            assert_eq!(parse_cursor(bad).unwrap_err().code(), "ValidationError", "{bad}");
        }
    }

    #[test]
    fn filters_report_every_broken_rule() {
        let f = EventFilter {
            event_name: Some("Nope".into()),
            source_ip: Some("999.1.1.1".into()),
            since: Some(200),
            until: Some(100),
            ..Default::default()
        };
        let fields: Vec<String> = f.check().unwrap_err().field_errors().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["eventName", "sourceIp", "until"]);
        let ok =
            EventFilter { event_name: Some(" DeleteUser ".into()), user_name: Some(" ".into()), ..Default::default() };
        let row = ok.check().unwrap();
        assert_eq!(row.event_name.as_deref(), Some("DeleteUser"));
        assert_eq!(row.user_name, None);
    }
}
