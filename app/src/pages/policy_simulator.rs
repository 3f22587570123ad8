//! `/console/policies/simulate`: choose a user, actions and a resource (and whether the session
//! used MFA); see each action allowed, explicitly denied or implicitly denied, with the statement
//! that decided. A plain GET form, so a simulation is a shareable address.

use crate::api::simulate_policy;
use crate::components::{ConsolePage, FormAlert, KeyWarnings, Place, PlainTextArea, POLICIES};
use crate::dto::SimulationDto;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PolicySimulatorPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("user").unwrap_or_default(),
            q.get("actions").unwrap_or_default(),
            q.get("resource").filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "*".into()),
            q.get("mfa").is_some(),
        )
    };
    let results = Resource::new_blocking(asked, |(u, a, r, m)| simulate_policy(u, a, r, m));
    view! {
        <ConsolePage title="Policy simulator" place=Place::Under(&[POLICIES]) load=move || async move { Ok::<_, AppError>(results.await) }
            render=move |_, results| {
                let (user, actions, resource, mfa) = asked();
                let answer = match results {
                    Ok(None) => ().into_any(),
                    Ok(Some(simulation)) => view! { <Results simulation/> }.into_any(),
                    Err(e) => view! { <FormAlert error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                };
                view! {
                    <section class="card narrow-form">
                        <form method="get" action="/console/policies/simulate">
                            <div class="field">
                                <label for="user">"User name"</label>
                                <input id="user" name="user" type="text" value=user spellcheck="false"/>
                            </div>
                            <div class="field">
                                <label for="actions">"Actions"</label>
                                <PlainTextArea id="actions" value=actions/>
                                <p class="hint">"One or more, separated by spaces, commas or lines: iam:CreateUser iam:ListUsers"</p>
                            </div>
                            <div class="field">
                                <label for="resource">"Resource"</label>
                                <input id="resource" name="resource" type="text" value=resource spellcheck="false"/>
                                <p class="hint">"An ARN such as arn:aws:iam::123456789012:user/alice, or * for any."</p>
                            </div>
                            <div class="field check">
                                <input id="mfa" name="mfa" type="checkbox" value="1" checked=mfa/>
                                <label for="mfa">"Signed in with MFA"</label>
                            </div>
                            <button type="submit" class="primary">"Run simulation"</button>
                        </form>
                    </section>
                    {answer}
                }
            }/>
    }
}

#[component]
fn Results(simulation: SimulationDto) -> impl IntoView {
    let SimulationDto { rows, context, warnings } = simulation;
    let context = context
        .into_iter()
        .map(|(k, v)| view! { <tr><td><code>{k}</code></td><td><code>{v}</code></td></tr> })
        .collect_view();
    // The boundary's own verdict gets a column when the user has a boundary.
    let bounded = rows.iter().any(|r| r.boundary.is_some());
    let rows = rows
        .into_iter()
        .map(|r| {
            let class = if r.decision == "allowed" { "decision allowed" } else { "decision denied" };
            view! {
                <tr>
                    <td><code>{r.action}</code></td>
                    <td><code>{r.resource}</code></td>
                    <td class=class>{r.decision}</td>
                    <td>{r.deciding}</td>
                    {bounded.then(|| view! { <td data-testid="boundary-verdict">{r.boundary.unwrap_or_default()}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Results"</h2>
            <table class="list" data-testid="simulation">
                <thead><tr><th>"Action"</th><th>"Resource"</th><th>"Decision"</th><th>"Deciding statement"</th>
                    {bounded.then(|| view! { <th>"Permissions boundary"</th> })}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <KeyWarnings warnings/>
            <details>
                <summary>"Request context used"</summary>
                <table class="list" data-testid="simulation-context">
                    <thead><tr><th>"Key"</th><th>"Value"</th></tr></thead>
                    <tbody>{context}</tbody>
                </table>
            </details>
        </section>
    }
}
