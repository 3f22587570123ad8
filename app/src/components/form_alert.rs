//! The summary alert of a rejected form (`role="alert"`), naming every unmet rule; the loading and
//! page-error placeholders; the warning about condition keys never supplied.

use crate::dto::Flash;
use crate::error::AppError;
use leptos::prelude::*;

/// The error to show for a form: the one a rejected post of the same form left in the session (the
/// flash), rendered with the page the browser was sent back to.
pub fn form_error(flash: Option<Flash>, form: &'static str) -> Signal<Option<AppError>> {
    let error = flash.filter(|f| f.form == form).map(|f| AppError {
        code: "FormError".into(),
        message: f.message,
        fields: f.fields,
        status: 400,
    });
    Signal::stored(error)
}

/// Keyboard and screen-reader users land on the problems: the alert takes focus (`autofocus`) on
/// the page a rejected post came back to.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let items =
                e.fields.iter().map(|f| view! { <li>{format!("{}: {}", f.field, f.message)}</li> }).collect_view();
            let has_fields = !e.fields.is_empty();
            view! {
                <div class="alert alert-error" role="alert" tabindex="-1" autofocus>
                    <p>{e.message.clone()}</p>
                    {has_fields.then(|| view! { <ul>{items}</ul> })}
                </div>
            }
        })
    }
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
