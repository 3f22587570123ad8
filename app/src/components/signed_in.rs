//! The gate of every signed-in console page: its context's principal, or what to show instead.

use crate::components::PageError;
use crate::dto::{PageContext, PrincipalDto};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The signed-in principal and the rest of the page's context; otherwise the view to render in
/// the page's place: the error, a redirect to `/signin` for a visitor who is not signed in, or to
/// `/console/change-password` for a session that must choose a new password first.
pub fn signed_in(ctx: Result<PageContext, AppError>) -> Result<(PrincipalDto, PageContext), AnyView> {
    match ctx {
        Err(error) => Err(view! { <PageError error/> }.into_any()),
        Ok(ctx) if ctx.must_change_password => Err(view! { <Redirect path="/console/change-password"/> }.into_any()),
        Ok(ctx) => match ctx.principal.clone() {
            Some(principal) => Ok((principal, ctx)),
            None => Err(view! { <Redirect path="/signin"/> }.into_any()),
        },
    }
}
