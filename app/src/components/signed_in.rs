//! The gate of every signed-in console page: its context's principal, or what to show instead.

use crate::components::PageError;
use crate::dto::{PageContext, PrincipalDto};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The signed-in principal and the rest of the page's context; otherwise the view to render in
/// the page's place: the error, or a redirect to `/signin` for a visitor who is not signed in.
pub fn signed_in(ctx: Result<PageContext, AppError>) -> Result<(PrincipalDto, PageContext), AnyView> {
    match ctx {
        Err(error) => Err(view! { <PageError error/> }.into_any()),
        Ok(ctx) => match ctx.principal.clone() {
            Some(principal) => Ok((principal, ctx)),
            None => Err(view! { <Redirect path="/signin"/> }.into_any()),
        },
    }
}
