//! A labelled password field with a "Show password" toggle and, where a new password is chosen,
//! the live rules checklist. The page renders on the server; the field is an island, so the toggle
//! and the checklist run in the browser (before that, it works as a plain password input).

use crate::components::PasswordChecklist;
use crate::error::AppError;
use lanyard_iam::domain::PasswordRule;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The rules a new password is checked against as it is typed, and the names it must not equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub rules: Vec<PasswordRule>,
    pub identities: Vec<String>,
}

#[component]
pub fn PasswordInput(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, default = "current-password".to_string())] autocomplete: String,
    /// Shows the rules under the field, ticked as the password is typed.
    #[prop(optional)]
    checklist: Option<Checklist>,
    /// The engine's field name whose errors belong here, with the form's error.
    #[prop(optional, into)]
    field: Option<String>,
    #[prop(optional)] error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    // Rendered once, on the server: the error is the one a rejected post left for this page.
    let message = match (&field, error) {
        (Some(f), Some(e)) => e.get_untracked().and_then(|e| e.field_message(f)),
        _ => None,
    };
    view! { <PasswordField id name label autocomplete message checklist/> }
}

#[island]
fn PasswordField(
    id: String,
    name: String,
    label: String,
    autocomplete: String,
    message: Option<String>,
    checklist: Option<Checklist>,
) -> impl IntoView {
    let msg_id = format!("{id}-error");
    let shown = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let input_id = id.clone();
    let error = message.map(|m| view! { <p class="field-error" id=msg_id.clone()>{m}</p> });
    let invalid = error.is_some().then_some("true");
    let described = error.is_some().then_some(msg_id.clone());
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <div class="password-row">
                <input
                    id=input_id
                    name=name
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    spellcheck="false"
                    aria-invalid=invalid
                    aria-describedby=described
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                <button
                    type="button"
                    class="toggle"
                    aria-controls=id
                    aria-pressed=move || shown.get().to_string()
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { "Hide password" } else { "Show password" }}
                </button>
            </div>
            {error}
        </div>
        {checklist.map(|c| view! { <PasswordChecklist rules=c.rules typed identities=c.identities/> })}
    }
}
