//! The event history in the console: one filtered page of events (newest first), one event's
//! whole CloudTrail record, and the sign-in activity the console home charts.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The history page's filters as the address carries them (a GET form, so they work without
/// JavaScript and links can point at a filtered view).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventQuery {
    pub event: Option<String>,
    pub user: Option<String>,
    pub resource: Option<String>,
    pub key: Option<String>,
    pub ip: Option<String>,
    /// `on` when only failed requests are asked for.
    pub failed: Option<String>,
    /// `YYYY-MM-DD`, from the start of that day (UTC).
    pub from: Option<String>,
    /// `YYYY-MM-DD`, to the end of that day (UTC).
    pub to: Option<String>,
    pub marker: Option<String>,
}

impl EventQuery {
    /// The query string of this filter (without the marker), for links and the next page.
    pub fn to_query(&self) -> String {
        let pairs = [
            ("event", &self.event),
            ("user", &self.user),
            ("resource", &self.resource),
            ("key", &self.key),
            ("ip", &self.ip),
            ("failed", &self.failed),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", super::encode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRowDto {
    pub event_id: String,
    pub time: String,
    pub event_name: String,
    pub user_name: String,
    pub resource_name: String,
    pub source_ip: String,
    pub access_key_id: String,
    pub error_code: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsPageDto {
    pub events: Vec<EventRowDto>,
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityBarDto {
    pub label: String,
    pub succeeded: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInActivityDto {
    /// `24h`, `7d` or `30d`.
    pub window: String,
    pub bars: Vec<ActivityBarDto>,
    /// `(user name, failures, locked until)`.
    pub locks: Vec<(String, i32, String)>,
    pub top_failures: Vec<(String, i64)>,
    pub failures_last_hour: i64,
    pub alert: bool,
}

#[cfg(feature = "ssr")]
fn day_start(field: &str, value: Option<&str>, plus_days: i64) -> Result<Option<i64>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(value, &format)
        .map_err(|_| AppError::from(lanyard_iam::IamError::field(field, "must be a date (YYYY-MM-DD)")))?;
    Ok(Some(date.midnight().assume_utc().unix_timestamp() + plus_days * 86_400))
}

/// One page of events; the filters are separate arguments (a struct argument with every field
/// empty would not survive the form encoding server functions use).
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "load_events")]
pub async fn load_events(
    event: Option<String>,
    user: Option<String>,
    resource: Option<String>,
    key: Option<String>,
    ip: Option<String>,
    failed: Option<String>,
    from: Option<String>,
    to: Option<String>,
    marker: Option<String>,
) -> Result<EventsPageDto, AppError> {
    use crate::api::user_detail::format_time;
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::usecases::event_history::EventFilter;

    let principal = signed_in().await?;
    let filter = EventFilter {
        since: day_start("from", from.as_deref(), 0)?,
        until: day_start("to", to.as_deref(), 1)?,
        event_name: event,
        user_name: user,
        resource_name: resource,
        access_key_id: key,
        source_ip: ip,
        failed_only: failed.as_deref() == Some("on"),
    };
    let page = ConsoleState::get()?.engine.list_events(&principal, &filter, marker.as_deref(), 50).await?;
    let time = |t: i64| time::OffsetDateTime::from_unix_timestamp(t).map(format_time).unwrap_or_default();
    Ok(EventsPageDto {
        events: page
            .events
            .into_iter()
            .map(|e| EventRowDto {
                time: time(e.event_time),
                event_id: e.event_id,
                event_name: e.event_name,
                user_name: e.user_name.unwrap_or_default(),
                resource_name: e.resource_name.unwrap_or_default(),
                source_ip: e.source_ip.unwrap_or_default(),
                access_key_id: e.access_key_id.unwrap_or_default(),
                error_code: e.error_code,
            })
            .collect(),
        next: page.next,
    })
}

/// One event's whole record, pretty-printed JSON.
#[server(endpoint = "load_event")]
pub async fn load_event(event_id: String) -> Result<String, AppError> {
    use crate::ssr::{signed_in, ConsoleState};
    let principal = signed_in().await?;
    Ok(ConsoleState::get()?.engine.event_record(&principal, &event_id).await?)
}

/// The console home's sign-in chart, locks and most failing names (AccessDenied for a principal
/// who may not read the event history: the home then shows no chart).
#[server(endpoint = "load_sign_in_activity")]
pub async fn load_sign_in_activity(window: Option<String>) -> Result<SignInActivityDto, AppError> {
    use crate::api::user_detail::format_time;
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::usecases::event_history::ActivityWindow;

    let principal = signed_in().await?;
    let window = ActivityWindow::parse(window.as_deref().unwrap_or("24h"));
    let activity = ConsoleState::get()?.engine.sign_in_activity(&principal, window).await?;
    let label = |start: i64| {
        let Ok(t) = time::OffsetDateTime::from_unix_timestamp(start) else { return String::new() };
        match window {
            ActivityWindow::Day => format!("{:02}:00", t.hour()),
            ActivityWindow::Week => format!("{} {:02}:00", t.date(), t.hour()),
            ActivityWindow::Month => t.date().to_string(),
        }
    };
    Ok(SignInActivityDto {
        window: window.as_str().to_owned(),
        bars: activity
            .buckets
            .iter()
            .map(|b| ActivityBarDto { label: label(b.start), succeeded: b.succeeded, failed: b.failed })
            .collect(),
        locks: activity
            .locks
            .into_iter()
            .map(|l| {
                let until =
                    time::OffsetDateTime::from_unix_timestamp(l.locked_until).map(format_time).unwrap_or_default();
                (l.user_name, l.failures, until)
            })
            .collect(),
        top_failures: activity.top_failures,
        failures_last_hour: activity.failures_last_hour,
        alert: activity.alert,
    })
}
