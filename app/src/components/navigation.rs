//! Following a server function's `Navigate`: a full page load after the session changed (sign-in,
//! sign-out), since the new page must be rendered for the new principal; client-side routing
//! between the steps of one flow (no reload).

use crate::dto::Navigate;
use crate::error::AppError;
use leptos::prelude::*;

pub fn full_page_load(to: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(to);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = to;
}

/// Follows the `Navigate` a dispatched action returns, once it arrives.
pub fn follow_navigation(value: impl Get<Value = Option<Result<Navigate, AppError>>> + Send + Sync + 'static) {
    Effect::new(move |_| {
        if let Some(Ok(nav)) = value.get() {
            full_page_load(&nav.to);
        }
    });
}

/// Follows the `Navigate` a dispatched action returns with the router (no page load), and counts
/// each success in `done` so the page's resources can reload what the action changed.
pub fn follow_in_app(
    value: impl Get<Value = Option<Result<Navigate, AppError>>> + Send + Sync + 'static,
    done: RwSignal<usize>,
) {
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(nav)) = value.get() {
            done.update(|n| *n += 1);
            navigate(&nav.to, Default::default());
        }
    });
}
