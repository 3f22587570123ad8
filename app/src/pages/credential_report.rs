//! `/console/credential-report`: what the credential report holds, when the current one was
//! made, and `Download report` (a CSV with AWS's columns, one line per user and the root user).

use crate::api::load_credential_report;
use crate::components::ConsolePage;
use leptos::prelude::*;

#[component]
pub fn CredentialReportPage() -> impl IntoView {
    let report = Resource::new_blocking(|| (), |_| load_credential_report());
    let load = move || async move { report.await };
    view! {
        <ConsolePage title="Credential report" load render=move |_, generated| { view! {
            <section class="card">
                <h2>"Credential report"</h2>
                <p>"A CSV file that lists every user of the account and the root user, with the state of each credential: console password (enabled, last used, last changed, next rotation), MFA, both access keys (active, last rotated, last used, where) and both signing certificates. Its columns are AWS's, so tools that read AWS's report read this one."</p>
                <p class="hint" data-testid="report-generated">{match generated {
                    Some(at) => format!("The current report was generated at {at}; it is reused for four hours."),
                    None => "No current report: downloading makes a new one first.".to_owned(),
                }}</p>
                <p><a class="button" href="/api/credential_report" download="credential_report.csv" rel="external">"Download report"</a></p>
            </section>
        } }/>
    }
}
