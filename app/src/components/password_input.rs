//! A labelled password field with a "Show password" toggle (the toggle needs the hydrated app;
//! before hydration the field works as a plain password input).

use leptos::prelude::*;

#[component]
pub fn PasswordInput(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, default = "current-password".to_string())] autocomplete: String,
) -> impl IntoView {
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
        </div>
    }
}
