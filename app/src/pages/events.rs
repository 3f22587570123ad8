//! `/console/events`: the account's event history, newest first, filtered by a GET form (event
//! name, who acted, the user it is about, access key, source address, failed only, dates) and
//! paged by marker; `/console/events/:id` shows one event's whole CloudTrail record.

use crate::api::{load_event, load_events, EventQuery, EventsPageDto};
use crate::components::{ConsolePage, Crumb, FormAlert, Place};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

pub const EVENTS: Crumb = Crumb { label: "Event history", href: "/console/events" };

/// Names the filter suggests (any recorded name works).
const SUGGESTED: &[&str] = &[
    "ConsoleLogin",
    "CheckMfa",
    "ConsoleSignOut",
    "ChangeExpiredPassword",
    "CreateUser",
    "DeleteUser",
    "UpdateUser",
    "CreateLoginProfile",
    "UpdateLoginProfile",
    "DeleteLoginProfile",
    "ChangePassword",
    "CreateAccessKey",
    "UpdateAccessKey",
    "DeleteAccessKey",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "PutUserPolicy",
    "AddUserToGroup",
    "EnableMFADevice",
    "DeactivateMFADevice",
];

#[component]
pub fn EventsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        EventQuery {
            event: q.get("event"),
            user: q.get("user"),
            resource: q.get("resource"),
            key: q.get("key"),
            ip: q.get("ip"),
            failed: q.get("failed"),
            from: q.get("from"),
            to: q.get("to"),
            marker: q.get("marker"),
        }
    };
    let data = Resource::new_blocking(filter, |f| {
        load_events(f.event, f.user, f.resource, f.key, f.ip, f.failed, f.from, f.to, f.marker)
    });
    // A filter the engine refuses is shown above the form, which stays to be corrected.
    let load = move || async move {
        match data.await {
            Ok(page) => Ok(Ok(page)),
            Err(e) if e.code == "ValidationError" => Ok(Err(e)),
            Err(e) => Err(e),
        }
    };
    view! {
        <ConsolePage title="Event history" load
            render=move |_, page| view! { <EventsView filter=filter() page/> }/>
    }
}

fn text_filter(
    id: &'static str,
    label: &'static str,
    value: Option<String>,
    list: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=id type="search" value=value list=list autocomplete="off"/>
        </div>
    }
}

#[component]
fn EventsView(filter: EventQuery, page: Result<EventsPageDto, AppError>) -> impl IntoView {
    let (page, error) = match page {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(e)),
    };
    let base = filter.to_query();
    let next = page.as_ref().and_then(|p| p.next.clone()).map(|m| {
        let sep = if base.is_empty() { "" } else { "&" };
        format!("/console/events?{base}{sep}marker={m}")
    });
    let first_page = filter.marker.is_some().then(|| format!("/console/events?{base}"));
    let rows = page.map(|p| {
        if p.events.is_empty() {
            return view! { <tr><td colspan="7" class="empty">"No events match."</td></tr> }.into_any();
        }
        p.events
            .into_iter()
            .map(|e| {
                let href = format!("/console/events/{}", e.event_id);
                let failed = e.error_code.is_some();
                view! {
                    <tr class:failed=failed>
                        <td>{e.time}</td>
                        <td><a href=href>{e.event_name}</a></td>
                        <td>{e.user_name}</td>
                        <td>{e.resource_name}</td>
                        <td>{e.source_ip}</td>
                        <td><code>{e.access_key_id}</code></td>
                        <td>{e.error_code.unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    });
    let suggestions = SUGGESTED.iter().map(|n| view! { <option value=*n/> }).collect_view();
    view! {
        <section class="card">
            <h2>"Filter events"</h2>
            <FormAlert error=Signal::stored(error)/>
            <form method="get" action="/console/events" class="filters">
                {text_filter("event", "Event name", filter.event.clone(), Some("event-names"))}
                <datalist id="event-names">{suggestions}</datalist>
                {text_filter("user", "User name (who acted; root for the root user)", filter.user.clone(), None)}
                {text_filter("resource", "About user", filter.resource.clone(), None)}
                {text_filter("key", "Access key ID", filter.key.clone(), None)}
                {text_filter("ip", "Source IP address", filter.ip.clone(), None)}
                <div class="field">
                    <label for="from">"From (UTC)"</label>
                    <input id="from" name="from" type="date" value=filter.from.clone()/>
                </div>
                <div class="field">
                    <label for="to">"To (UTC)"</label>
                    <input id="to" name="to" type="date" value=filter.to.clone()/>
                </div>
                <div class="field checkbox">
                    <input id="failed" name="failed" type="checkbox" checked=filter.failed.as_deref() == Some("on")/>
                    <label for="failed">"Failed or refused only"</label>
                </div>
                <button type="submit" class="secondary">"Apply"</button>
                <a href="/console/events">"Clear filters"</a>
            </form>
        </section>
        <section class="card">
            <h2>"Events"</h2>
            <table class="events" data-testid="events">
                <thead>
                    <tr>
                        <th>"Event time"</th>
                        <th>"Event name"</th>
                        <th>"User name"</th>
                        <th>"About user"</th>
                        <th>"Source IP address"</th>
                        <th>"Access key"</th>
                        <th>"Error"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="pager">
                {first_page.map(|href| view! { <a href=href>"Newest events"</a>" " })}
                {next.map(|href| view! { <a href=href rel="next">"Older events"</a> })}
            </p>
        </section>
    }
}

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let record = Resource::new_blocking(id, load_event);
    view! {
        <ConsolePage title="Event" place=Place::Under(&[EVENTS]) load=move || async move { record.await }
            render=move |_, json| view! {
                <section class="card">
                    <h2>"Event record"</h2>
                    <p class="hint">"The record as CloudTrail writes it; lanyard events export writes the same, one per line."</p>
                    <pre class="event-record" data-testid="event-record">{json}</pre>
                </section>
            }/>
    }
}
