//! A labelled text field that shows its own broken rules (the UI contract: `aria-invalid="true"`
//! and an `aria-describedby` message next to the field; the form's alert lists them all too).

use crate::error::AppError;
use leptos::prelude::*;

/// `aria-describedby`: the error message while there is one, then the hint (if the field has one).
fn described_by(
    message: Signal<Option<String>>,
    msg_id: String,
    hint_id: Option<String>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    move || {
        let ids: Vec<&str> = message.get().map(|_| msg_id.as_str()).into_iter().chain(hint_id.as_deref()).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// The engine's field name whose errors belong here (`userName`, `path`).
    #[prop(into)]
    field: String,
    error: Signal<Option<AppError>>,
    /// What the field shows initially (kept from a failed no-JavaScript post).
    value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(&field)));
    let msg_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = described_by(message, msg_id.clone(), hint.is_some().then(|| hint_id.clone()));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id.clone()
                name=id
                type="text"
                value=value
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described
                spellcheck="false"
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || message.get().map(|m| view! { <p class="field-error" id=msg_id.clone()>{m}</p> })}
        </div>
    }
}

/// A labelled multi-line field (policy documents) with the same error wiring as [`TextField`].
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    #[prop(into)] field: String,
    error: Signal<Option<AppError>>,
    value: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(&field)));
    let msg_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = described_by(message, msg_id.clone(), hint.is_some().then(|| hint_id.clone()));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id.clone()
                name=id
                rows="12"
                class="code"
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described
                spellcheck="false"
            >{value}</textarea>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {move || message.get().map(|m| view! { <p class="field-error" id=msg_id.clone()>{m}</p> })}
        </div>
    }
}
