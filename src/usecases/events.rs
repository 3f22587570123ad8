//! Recording the event history: a change's event is written by the use case in the change's own
//! transaction ([`Engine::commit_change`]), so no change exists without its record and no record
//! without its change; a refused or failed request is recorded on its own afterwards
//! ([`Engine::record_request`]). Each record is CloudTrail's shape, built here once. Request
//! parameters are what each use case chooses to name, never a password, secret key, seed, code
//! or token.

use crate::domain::{EventName, IamAction, Principal, SignInStep};
use crate::engine::ReadEvents;
use crate::store;
use crate::usecases::actor::{Actor, MfaContext, Origin, RequestFacts};
use crate::{Engine, IamError};
use serde_json::{json, Map, Value};
use sqlx::{PgConnection, Postgres, Transaction};
use std::net::IpAddr;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// CloudTrail's record version this shape follows.
pub const EVENT_VERSION: &str = "1.09";
/// What AWS writes as the user name of a sign-in with a name that does not exist: people type
/// passwords into the name field, so an unknown name is never stored.
pub const HIDDEN_USER: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// How a request ended, for deciding whether a front end records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
}

/// One event to record: its name, the IAM user it is about, and the request and response
/// elements the use case names.
#[derive(Clone, Debug)]
pub struct Event {
    name: EventName,
    about: Option<String>,
    request: Value,
    response: Value,
    additional: Option<Value>,
}

impl Event {
    pub fn action(action: IamAction) -> Self {
        Self::named(EventName::Action(action))
    }

    pub fn sign_in(step: SignInStep) -> Self {
        Self::named(EventName::SignIn(step))
    }

    fn named(name: EventName) -> Self {
        Event { name, about: None, request: Value::Null, response: Value::Null, additional: None }
    }

    /// An action on one IAM user, with `userName` as its request parameter.
    pub fn on_user(action: IamAction, user_name: &str) -> Self {
        Self::action(action).about(user_name).request(json!({ "userName": user_name }))
    }

    /// Adds one request parameter.
    pub fn with(mut self, key: &str, value: impl serde::Serialize) -> Self {
        if !self.request.is_object() {
            self.request = Value::Object(Map::new());
        }
        if let (Some(map), Ok(value)) = (self.request.as_object_mut(), serde_json::to_value(value)) {
            map.insert(key.to_owned(), value);
        }
        self
    }

    /// The IAM user the event is about (the history page's "resource name").
    pub fn about(mut self, user_name: impl Into<String>) -> Self {
        self.about = Some(user_name.into());
        self
    }

    /// CloudTrail's `requestParameters`: the request as the API names its parameters.
    pub fn request(mut self, request: Value) -> Self {
        self.request = request;
        self
    }

    /// CloudTrail's `responseElements`.
    pub fn response(mut self, response: Value) -> Self {
        self.response = response;
        self
    }

    /// CloudTrail's `additionalEventData` (sign-in steps).
    pub fn additional(mut self, additional: Value) -> Self {
        self.additional = Some(additional);
        self
    }

    pub fn name(&self) -> EventName {
        self.name
    }
}

/// Who acted, as `userIdentity` shows it.
#[derive(Clone, Debug)]
pub struct EventIdentity {
    pub account_id: String,
    /// `None` for root.
    pub user_name: Option<String>,
    /// The user's `AIDA…` id or the account ID; empty for a hidden name.
    pub principal_id: String,
    pub arn: Option<String>,
    pub root: bool,
    pub mfa_authenticated: Option<bool>,
    pub session_issued_at: Option<i64>,
}

impl EventIdentity {
    pub fn of(principal: &Principal, mfa: MfaContext, session_issued_at: Option<i64>) -> Self {
        let (user_name, principal_id, root) = match principal {
            Principal::User { user_name, user_id, .. } => (Some(user_name.to_string()), user_id.to_string(), false),
            Principal::Root { account_id, .. } => (None, account_id.to_string(), true),
        };
        EventIdentity {
            account_id: principal.account_id().to_string(),
            user_name,
            principal_id,
            arn: Some(principal.arn()),
            root,
            mfa_authenticated: match mfa {
                MfaContext::Absent => None,
                MfaContext::NotPresent => Some(false),
                MfaContext::Present { .. } => Some(true),
            },
            session_issued_at,
        }
    }

    /// The root user of `account_id`, outside a session (password recovery).
    pub fn root(account_id: &str) -> Self {
        EventIdentity {
            account_id: account_id.to_owned(),
            user_name: None,
            principal_id: account_id.to_owned(),
            arn: Some(format!("arn:aws:iam::{account_id}:root")),
            root: true,
            mfa_authenticated: None,
            session_issued_at: None,
        }
    }

    /// The actor of a request, as its session or key authenticated it.
    pub fn of_actor(actor: &Actor) -> Self {
        Self::of(actor.principal(), actor.mfa(), actor.facts().token_issued_at)
    }

    /// A sign-in with a user name that does not exist (or has no console access) in the account.
    pub fn hidden(account_id: &str) -> Self {
        EventIdentity {
            account_id: account_id.to_owned(),
            user_name: Some(HIDDEN_USER.to_owned()),
            principal_id: String::new(),
            arn: None,
            root: false,
            mfa_authenticated: None,
            session_issued_at: None,
        }
    }

    /// The history's "user name" column: the IAM user's name, or `root` as CloudTrail shows it.
    fn column_name(&self) -> &str {
        self.user_name.as_deref().unwrap_or("root")
    }

    fn to_json(&self, access_key_id: Option<&str>) -> Value {
        let mut id = Map::new();
        id.insert("type".into(), json!(if self.root { "Root" } else { "IAMUser" }));
        id.insert("principalId".into(), json!(self.principal_id));
        if let Some(arn) = &self.arn {
            id.insert("arn".into(), json!(arn));
        }
        id.insert("accountId".into(), json!(self.account_id));
        if let Some(key) = access_key_id {
            id.insert("accessKeyId".into(), json!(key));
        }
        if let Some(name) = &self.user_name {
            id.insert("userName".into(), json!(name));
        }
        if let Some(mfa) = self.mfa_authenticated {
            let mut attributes = Map::new();
            if let Some(at) = self.session_issued_at.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok()) {
                attributes.insert("creationDate".into(), json!(aws_time(at)));
            }
            attributes.insert("mfaAuthenticated".into(), json!(mfa.to_string()));
            id.insert("sessionContext".into(), json!({ "attributes": attributes }));
        }
        Value::Object(id)
    }
}

/// An error as its event names it: IAM's code and the message the caller got.
#[derive(Clone, Debug)]
pub struct EventError {
    pub code: String,
    pub message: String,
}

impl From<&IamError> for EventError {
    fn from(e: &IamError) -> Self {
        EventError { code: e.code().to_owned(), message: crate::error::clip_echoes(&e.public_message()) }
    }
}

/// `2026-12-02T10:00:00Z`, as CloudTrail writes times.
pub fn aws_time(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0).ok().and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// A random (version 4) UUID: event IDs, and the API's request IDs.
pub fn random_uuid() -> String {
    use rand::Rng;
    let mut b: [u8; 16] = rand::thread_rng().gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::sigv4::hex(&b);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// Where a recorded request came from.
#[derive(Clone, Copy, Debug)]
pub struct EventSource<'a> {
    pub source_ip: Option<IpAddr>,
    pub user_agent: Option<&'a str>,
    pub origin: Origin,
    pub request_id: Option<&'a str>,
    pub access_key_id: Option<&'a str>,
}

impl<'a> From<&'a RequestFacts> for EventSource<'a> {
    fn from(f: &'a RequestFacts) -> Self {
        EventSource {
            source_ip: f.source_ip,
            user_agent: f.user_agent.as_deref(),
            origin: f.origin,
            request_id: f.request_id.as_deref(),
            access_key_id: f.access_key_id.as_deref(),
        }
    }
}

impl EventSource<'_> {
    /// A step with no request behind it (a mail sent in the background).
    pub fn internal() -> Self {
        EventSource { source_ip: None, user_agent: None, origin: Origin::Engine, request_id: None, access_key_id: None }
    }
}

/// Writes one event.
pub(crate) async fn insert(
    conn: &mut PgConnection,
    who: &EventIdentity,
    from: EventSource<'_>,
    event: &Event,
    error: Option<&EventError>,
) -> Result<(), IamError> {
    let now = OffsetDateTime::now_utc();
    let event_id = random_uuid();
    let request_id = from.request_id.map(str::to_owned).unwrap_or_else(random_uuid);
    let source_ip = from.source_ip.map(|ip| crate::domain::canonical_ip(ip).to_string());
    let mut record = Map::new();
    record.insert("eventVersion".into(), json!(EVENT_VERSION));
    record.insert("userIdentity".into(), who.to_json(from.access_key_id));
    record.insert("eventTime".into(), json!(aws_time(now)));
    record.insert("eventSource".into(), json!(event.name.source()));
    record.insert("eventName".into(), json!(event.name.name()));
    record.insert("awsRegion".into(), json!("us-east-1"));
    record.insert("sourceIPAddress".into(), json!(source_ip.as_deref().unwrap_or("lanyard.internal")));
    record.insert("userAgent".into(), json!(from.user_agent.unwrap_or(from.origin.as_str())));
    if let Some(e) = error {
        record.insert("errorCode".into(), json!(e.code));
        record.insert("errorMessage".into(), json!(e.message));
    }
    record.insert("requestParameters".into(), event.request.clone());
    record.insert("responseElements".into(), event.response.clone());
    if let Some(additional) = &event.additional {
        record.insert("additionalEventData".into(), additional.clone());
    }
    record.insert("requestID".into(), json!(request_id));
    record.insert("eventID".into(), json!(event_id));
    record.insert("readOnly".into(), json!(event.name.read_only()));
    record.insert("eventType".into(), json!(event.name.event_type()));
    record.insert("managementEvent".into(), json!(true));
    record.insert("recipientAccountId".into(), json!(who.account_id));
    record.insert("eventCategory".into(), json!("Management"));
    if from.origin == Origin::Console {
        record.insert("sessionCredentialFromConsole".into(), json!("true"));
    }
    record.insert("lanyardOrigin".into(), json!(from.origin.as_str()));
    let mut record = Value::Object(record);
    storable(&mut record);
    let about = event.about.as_deref().map(storable_text);
    store::events::insert_event(
        conn,
        store::events::NewEvent {
            account_id: &who.account_id,
            event_id: &event_id,
            event_time: now,
            event_name: event.name.name(),
            event_source: event.name.source(),
            read_only: event.name.read_only(),
            user_name: Some(who.column_name()),
            resource_name: about.as_deref(),
            access_key_id: from.access_key_id,
            source_ip: source_ip.as_deref(),
            error_code: error.map(|e| e.code.as_str()),
            record: &record,
        },
    )
    .await?;
    Ok(())
}

/// PostgreSQL stores no NUL character in text or jsonb, so one in any request parameter (even an
/// ignored one) made the event's insert fail and the attempt left no trace. Every string of the
/// record, keys included, is made storable: NUL becomes `␀` (U+2400), visible in the history.
fn storable(value: &mut Value) {
    match value {
        Value::String(s) if s.contains('\0') => *s = storable_text(s),
        Value::Array(items) => items.iter_mut().for_each(storable),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                let entries = std::mem::take(map);
                *map = entries.into_iter().map(|(k, v)| (storable_text(&k), v)).collect();
            }
            map.values_mut().for_each(storable);
        }
        _ => {}
    }
}

fn storable_text(text: &str) -> String {
    text.replace('\0', "\u{2400}")
}

/// A failure to record is never silent: an error in the log and a counter for the operator's
/// alerts (`lanyard_event_record_failures_total`).
fn record_failed(event: &EventName, error: &IamError, what: &'static str) {
    metrics::counter!("lanyard_event_record_failures_total", "kind" => what).increment(1);
    tracing::error!(event = %event, error = %error, "could not record {what} in the event history");
}

impl Engine {
    /// Records `event` as done by `actor`, on the connection of the change's transaction.
    pub(crate) async fn record_change(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        event: &Event,
    ) -> Result<(), IamError> {
        let who = EventIdentity::of_actor(actor);
        insert(conn, &who, EventSource::from(actor.facts()), event, None).await
    }

    /// Commits a change with its event: both land, or neither.
    pub(crate) async fn commit_change(
        &self,
        mut tx: Transaction<'_, Postgres>,
        actor: &Actor,
        event: Event,
    ) -> Result<(), IamError> {
        self.record_change(&mut tx, actor, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a front end records a request for `action` that ended so: a change that failed
    /// (one that succeeded recorded itself, in its transaction) and, when the setting asks for
    /// reads ([`ReadEvents::Record`]), every read.
    pub fn records_request(&self, action: IamAction, outcome: Outcome) -> bool {
        if action.is_read_only() {
            self.config.read_events == ReadEvents::Record
        } else {
            outcome == Outcome::Failed
        }
    }

    /// Records a request's outcome outside any transaction of its own: a change that was refused
    /// or failed (`error`), or a read when reads are recorded. A failure to record is logged and
    /// does not change the caller's answer.
    pub async fn record_request(&self, actor: &Actor, event: Event, error: Option<EventError>) {
        let outcome = if error.is_some() { Outcome::Failed } else { Outcome::Succeeded };
        let recorded = match event.name {
            EventName::Action(action) => self.records_request(action, outcome),
            EventName::SignIn(_) => false,
        };
        // With the database gone there is nowhere to write, and nothing to wait for.
        if !recorded || error.as_ref().is_some_and(|e| e.code == "ServiceUnavailable") {
            return;
        }
        let who = EventIdentity::of_actor(actor);
        let result = async {
            let mut conn = self.pool.acquire().await?;
            insert(&mut conn, &who, EventSource::from(actor.facts()), &event, error.as_ref()).await
        }
        .await;
        if let Err(e) = result {
            record_failed(&event.name, &e, "a request");
        }
    }

    /// Records a failed console request as the change it set out to make: the one the engine
    /// authorized or refused ([`Actor::attempted`]), else `intended` — the change the form
    /// stands for, when the request failed before naming a resource (bad input). `values` are
    /// the non-secret fields the form sent.
    pub async fn record_failed_attempt(
        &self,
        actor: &Actor,
        intended: Option<IamAction>,
        values: &[(String, String)],
        error: EventError,
    ) {
        let event = match (actor.attempted(), intended) {
            (Some(attempt), _) => {
                let mut event = Event::action(attempt.action).request(json!({ "resource": attempt.resource }));
                if let Some((_, user)) = attempt.resource.split_once(":user/") {
                    event = event.about(user.rsplit('/').next().unwrap_or(user));
                }
                event
            }
            (None, Some(action)) => {
                let typed: Map<String, Value> =
                    values.iter().map(|(k, v)| (camel_case(k), Value::String(v.clone()))).collect();
                Event::action(action).request(Value::Object(typed))
            }
            (None, None) => return,
        };
        self.record_request(actor, event, Some(error)).await;
    }

    /// Records a sign-in step (its own statement: sign-in steps change nothing else that must
    /// land with them, and a refused step is recorded as well).
    pub(crate) async fn record_sign_in(
        &self,
        who: &EventIdentity,
        from: EventSource<'_>,
        event: Event,
        error: Option<EventError>,
    ) {
        let result = async {
            let mut conn = self.pool.acquire().await?;
            insert(&mut conn, who, from, &event, error.as_ref()).await
        }
        .await;
        if let Err(e) = result {
            record_failed(&event.name, &e, "a sign-in step");
        }
    }
}

/// A form's `group_name` as CloudTrail names request parameters: `groupName`.
fn camel_case(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_named_as_request_parameters() {
        assert_eq!(camel_case("group_name"), "groupName");
        assert_eq!(camel_case("path"), "path");
        assert_eq!(camel_case("new_user_name"), "newUserName");
    }

    #[test]
    fn uuids_are_version_4() {
        let id = random_uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn times_are_written_as_cloudtrail_writes_them() {
        let t = time::macros::datetime!(2026-12-02 10:00:00.123 UTC);
        assert_eq!(aws_time(t), "2026-12-02T10:00:00Z");
    }
}
