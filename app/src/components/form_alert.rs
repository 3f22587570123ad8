//! The summary alert of a rejected form (`role="alert"`), naming every unmet rule; the loading and
//! page-error placeholders; the warning about condition keys never supplied.

use crate::dto::Flash;
use crate::error::AppError;
use leptos::prelude::*;

/// The error to show for a form: the hydrated action's latest failure, or — before any dispatch —
/// the error a plain (no-JavaScript) post of the same form left in the session.
pub fn form_error(
    value: impl Get<Value = Option<Result<crate::dto::Navigate, AppError>>> + Send + Sync + 'static,
    version: impl Get<Value = usize> + Send + Sync + 'static,
    flash: Option<Flash>,
    form: &'static str,
) -> Signal<Option<AppError>> {
    let flash = flash.filter(|f| f.form == form).map(|f| AppError {
        code: "FormError".into(),
        message: f.message,
        fields: f.fields,
        status: 400,
    });
    Signal::derive(move || if version.get() == 0 { flash.clone() } else { value.get().and_then(Result::err) })
}

/// Keyboard and screen-reader users land on the problems: the alert takes focus when it appears
/// (`autofocus` for a page a plain form post came back to; an effect after a hydrated submit).
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let alert = NodeRef::<leptos::html::Div>::new();
    focus_when(alert, Signal::derive(move || error.get().is_some()));
    move || {
        error.get().map(|e| {
            let items =
                e.fields.iter().map(|f| view! { <li>{format!("{}: {}", f.field, f.message)}</li> }).collect_view();
            let has_fields = !e.fields.is_empty();
            view! {
                <div class="alert alert-error" role="alert" tabindex="-1" autofocus node_ref=alert>
                    <p>{e.message.clone()}</p>
                    {has_fields.then(|| view! { <ul>{items}</ul> })}
                </div>
            }
        })
    }
}

/// Moves focus to `node` each time `shown` turns true in the browser, once the node exists (the
/// effect tracks the node too: it is rendered after the effect first runs).
pub fn focus_when(node: NodeRef<leptos::html::Div>, shown: Signal<bool>) {
    Effect::new(move |focused: Option<bool>| {
        if !shown.get() {
            return false;
        }
        if focused == Some(true) {
            return true;
        }
        match node.get() {
            Some(el) => {
                // On the next frame: after a client-side navigation the node may not be in the
                // document yet, and focusing a detached node does nothing.
                request_animation_frame(move || {
                    let _ = el.focus();
                });
                true
            }
            None => false,
        }
    });
}

/// A page that could not load its data: the error, in the same alert, in a narrow page.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    view! {
        <main class="narrow">
            <FormAlert error=Signal::derive(move || Some(error.clone()))/>
        </main>
    }
}

/// The placeholder while a page's data loads (only seen after client-side navigation).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">"Loading…"</p> }
}

/// The warning a policy earns when its conditions test keys Lanyard never supplies (such a
/// condition never matches); shown where policies are read and simulated.
#[component]
pub fn KeyWarnings(warnings: Vec<String>) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        let items = warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view();
        view! {
            <div class="alert alert-warn" role="status" data-testid="key-warnings">
                <p>"Some conditions test keys Lanyard never supplies:"</p>
                <ul>{items}</ul>
            </div>
        }
    })
}
