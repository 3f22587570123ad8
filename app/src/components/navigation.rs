//! Full page loads after a server function changed the session (sign-in, sign-out): the new
//! page must be rendered for the new principal, not patched by client-side routing.

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
