//! A live checklist of the password rules as the user types: the engine's own validator, compiled
//! to wasm, so the browser shows exactly what the server will decide (the server still decides).

use lanyard_iam::domain::{rule_met, PasswordRule};
use leptos::prelude::*;

#[component]
pub fn PasswordChecklist(
    rules: Vec<PasswordRule>,
    typed: RwSignal<String>,
    /// Names the password must not equal (the user name), for the "not your name" rule.
    #[prop(optional)]
    identities: Vec<String>,
) -> impl IntoView {
    let items = rules
        .into_iter()
        .map(|rule| {
            let identities = identities.clone();
            let met = Memo::new(move |_| {
                let ids: Vec<&str> = identities.iter().map(String::as_str).collect();
                let p = typed.get();
                !p.is_empty() && rule_met(rule, &p, &ids)
            });
            view! {
                <li class=move || if met.get() { "rule met" } else { "rule" }>
                    <span aria-hidden="true">{move || if met.get() { "✓ " } else { "○ " }}</span>
                    {format!("The password {}", rule.message())}
                    <span class="sr-only">{move || if met.get() { " (met)" } else { " (not met yet)" }}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="password-rules" aria-live="polite" data-testid="password-rules">{items}</ul> }
}
