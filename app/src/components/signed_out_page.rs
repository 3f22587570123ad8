//! The frame of the pages before sign-in (`/signin`, an account's sign-in page, the MFA step): a
//! visitor who is already signed in goes to the console; a failed load shows its error.

use crate::api::load_page_context;
use crate::components::{Loading, PageError};
use crate::dto::PageContext;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use std::future::Future;

#[component]
pub fn SignedOutPage<L, Fut, T, R, V>(
    /// The start of the document's title.
    title: &'static str,
    /// The account of a `/signin/<account>` page (otherwise the host decides).
    #[prop(optional, into)]
    account: Option<Signal<Option<String>>>,
    /// Awaits the page's own resources.
    load: L,
    render: R,
) -> impl IntoView
where
    L: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
    R: Fn(PageContext, T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let account = account.unwrap_or_else(|| Signal::derive(|| None));
    let ctx = Resource::new_blocking(move || account.get(), load_page_context);
    view! {
        <Title text=format!("{title} · Lanyard")/>
        <Suspense fallback=Loading>
            {move || {
                let (load, render) = (load.clone(), render.clone());
                Suspend::new(async move {
                    match (ctx.await, load().await) {
                        (Ok(c), _) if c.principal.is_some() => view! { <Redirect path="/console"/> }.into_any(),
                        (Ok(c), Ok(data)) => render(c, data).into_any(),
                        (Err(error), _) | (_, Err(error)) => view! { <PageError error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
