//! Forms work without JavaScript: a plain `<form method=post>` to a server function gets a real
//! 302 on success, and on failure its error is kept in the session (a flash) while leptos_axum
//! sends the browser back to the form, which shows it. Every console form posts this way (the
//! pages render on the server; only islands run in the browser). A client that does not ask for
//! HTML (a script, a test) gets the server function's result itself, with the error's status.

use super::session::{request_parts, request_session};
use crate::dto::Flash;
use crate::error::AppError;
use lanyard_iam::domain::IamAction;

const FLASH_KEY: &str = "flash";

/// True when a browser posted the form (it asks for HTML), not a script calling the function.
pub fn is_plain_form_post() -> bool {
    request_parts()
        .ok()
        .and_then(|p| {
            p.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Ends a server function named `form`, which stands for the change `intended` (if it makes
/// one): for plain posts, redirects to `to` on success or keeps the error — and the non-secret
/// `values` typed into the form — for the form page; in every case returns the result for other
/// callers. A failure goes to the event history.
pub async fn finish<T>(
    form: &str,
    intended: Option<IamAction>,
    result: Result<T, AppError>,
    to: impl FnOnce(&T) -> String,
    values: Vec<(String, String)>,
) -> Result<T, AppError> {
    if let Err(e) = &result {
        record_failure(intended, &values, e).await;
    }
    if !is_plain_form_post() {
        // Other callers get the error's own status (server_fn would answer 500 for any error).
        if let (Err(e), Some(res)) = (&result, leptos::prelude::use_context::<leptos_axum::ResponseOptions>()) {
            if let Ok(status) = axum::http::StatusCode::from_u16(e.status) {
                res.set_status(status);
            }
        }
        return result;
    }
    match &result {
        // leptos_axum panics on a value that is not a valid header: never hand it one.
        Ok(value) => {
            let to = to(value);
            match axum::http::HeaderValue::from_str(&to) {
                Ok(_) => leptos_axum::redirect(&to),
                Err(_) => {
                    tracing::warn!("refused to redirect to an invalid location");
                    leptos_axum::redirect("/console")
                }
            }
        }
        Err(e) => {
            if let Ok(session) = request_session() {
                let flash =
                    Flash { form: form.to_owned(), message: e.message.clone(), fields: e.fields.clone(), values };
                if let Err(err) = session.insert(FLASH_KEY, flash).await {
                    tracing::warn!(error = %err, "could not keep form error in session");
                }
            }
        }
    }
    result
}

/// A change the signed-in principal set out to make and that failed goes to the event history,
/// even when it failed on bad input before the engine named a resource.
async fn record_failure(intended: Option<IamAction>, values: &[(String, String)], e: &AppError) {
    let Ok(Some(session)) = super::current_session().await else { return };
    let Ok(state) = super::ConsoleState::get() else { return };
    let error = lanyard_iam::usecases::events::EventError { code: e.code.clone(), message: e.message.clone() };
    state.engine.record_failed_attempt(&session.principal, intended, values, error).await;
}

/// Takes (and removes) the error a plain form post left for its page.
pub async fn take_flash() -> Option<Flash> {
    let session = request_session().ok()?;
    match session.remove::<Flash>(FLASH_KEY).await {
        Ok(flash) => flash,
        Err(err) => {
            tracing::error!(%err, "could not read the form's message from the session store");
            None
        }
    }
}

const ENROLMENT_KEY: &str = "mfa_enrolment";

/// After a rejected plain `Add MFA`: keeps the enrolment's sealed ticket in the session (never in
/// the flash, whose values go to the event history), so the page shows the same secret again; the
/// authenticator app already holds it.
pub async fn keep_enrolment_ticket(ticket: &str) {
    if let Ok(session) = request_session() {
        if let Err(err) = session.insert(ENROLMENT_KEY, ticket.to_owned()).await {
            tracing::warn!(%err, "could not keep the MFA enrolment for the form page");
        }
    }
}

/// Takes (and removes) the enrolment a rejected plain `Add MFA` left for its page.
pub async fn take_enrolment_ticket() -> Option<String> {
    let session = request_session().ok()?;
    match session.remove::<String>(ENROLMENT_KEY).await {
        Ok(ticket) => ticket,
        Err(err) => {
            tracing::error!(%err, "could not read the MFA enrolment from the session store");
            None
        }
    }
}
