//! A labelled password field with a "Show password" toggle (the toggle needs the hydrated app;
//! before hydration the field works as a plain password input).

use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn PasswordInput(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, default = "current-password".to_string())] autocomplete: String,
    /// Receives what is typed (for a live rules checklist); the field stays uncontrolled.
    #[prop(optional)]
    typed: Option<RwSignal<String>>,
    /// The engine's field name whose errors belong here, with the form's error.
    #[prop(optional, into)]
    field: Option<String>,
    #[prop(optional)] error: Option<Signal<Option<AppError>>>,
) -> impl IntoView {
    let message = Signal::derive(move || match (&field, error) {
        (Some(f), Some(e)) => e.get().and_then(|e| e.field_message(f)),
        _ => None,
    });
    let msg_id = format!("{id}-error");
    let described = {
        let msg_id = msg_id.clone();
        move || message.get().map(|_| msg_id.clone())
    };
    let shown = RwSignal::new(false);
    let input_id = id.clone();
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
                    aria-invalid=move || message.get().map(|_| "true")
                    aria-describedby=described
                    on:input=move |ev| {
                        if let Some(t) = typed {
                            t.set(event_target_value(&ev));
                        }
                    }
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
            {move || message.get().map(|m| view! { <p class="field-error" id=msg_id.clone()>{m}</p> })}
        </div>
    }
}
