//! The frame of every signed-in console page: the page context loaded once, the signed-in gate, the
//! top bar, the left navigation, breadcrumbs from data, the title with its primary button, and the
//! alert of a page whose data could not load. Page files hold only their cards.

use crate::api::load_page_context;
use crate::components::{ConsoleHeader, FormAlert, Loading, PageError, SideNav};
use crate::dto::{AccountDto, ConsoleCapability, Flash, PageContext, PrincipalDto};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use std::future::Future;

/// One ancestor in the breadcrumbs; `Console Home` is always the first.
#[derive(Clone, Copy, Debug)]
pub struct Crumb {
    pub label: &'static str,
    pub href: &'static str,
}

pub const USERS: Crumb = Crumb { label: "Users", href: "/console/users" };
pub const GROUPS: Crumb = Crumb { label: "User groups", href: "/console/groups" };
pub const POLICIES: Crumb = Crumb { label: "Policies", href: "/console/policies" };

/// Where the page sits: the home itself, or below it through these ancestors.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    Home,
    Under(&'static [Crumb]),
}

impl Default for Place {
    fn default() -> Self {
        Place::Under(&[])
    }
}

/// Who the page is for.
#[derive(Clone, Copy, Debug, Default)]
pub enum Gate {
    /// A signed-in principal with no password change pending (every page but one).
    #[default]
    SignedIn,
    /// Only a session that must choose a new password before anything else.
    PasswordChange,
}

/// The page's column: tables and trees use the full width, single forms read better narrow.
#[derive(Clone, Copy, Debug, Default)]
pub enum Width {
    #[default]
    Wide,
    Narrow,
}

/// The primary button beside the title, offered when the principal's policies allow it.
#[derive(Clone, Copy, Debug)]
pub struct TitleAction {
    pub label: &'static str,
    pub href: &'static str,
    pub needs: ConsoleCapability,
}

/// What a page's cards receive once the gate has let the principal in.
#[derive(Clone, Debug)]
pub struct Signed {
    pub principal: PrincipalDto,
    pub account: Option<AccountDto>,
    /// What a plain (no-JavaScript) form post left for this page: the rejected values and errors.
    pub flash: Option<Flash>,
}

/// Renders `render(signed, data)` inside the console's frame once `load` has resolved; a failed
/// load shows its error in the frame's alert instead.
#[component]
pub fn ConsolePage<L, Fut, T, R, V>(
    /// The `<h1>`, and the start of the document's title.
    #[prop(into)]
    title: Signal<String>,
    #[prop(optional)] place: Place,
    #[prop(optional)] gate: Gate,
    #[prop(optional)] width: Width,
    #[prop(optional)] action: Option<TitleAction>,
    /// What a signed-out visitor sees instead of being sent to `/signin`, if anything.
    #[prop(optional)]
    signed_out: Option<fn(PageContext) -> Option<AnyView>>,
    /// Awaits the page's resources (created by the page, so they load in parallel with the context).
    load: L,
    render: R,
) -> impl IntoView
where
    L: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
    R: Fn(Signed, T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    let ancestors: &'static [Crumb] = match place {
        Place::Home => &[],
        Place::Under(crumbs) => crumbs,
    };
    // `try_get`: the document title may be rendered after a failed page's owner was disposed
    // (seen with the database down), and a title must never panic the request.
    let document_title = move || {
        let parts = std::iter::once(title.try_get().unwrap_or_default())
            .chain(ancestors.iter().rev().map(|c| c.label.to_owned()));
        parts.chain(std::iter::once("Lanyard".to_owned())).collect::<Vec<_>>().join(" · ")
    };
    view! {
        <Title text=document_title/>
        <Suspense fallback=Loading>
            {move || {
                let (load, render) = (load.clone(), render.clone());
                Suspend::new(async move {
                    let signed = match admit(ctx.await, gate, signed_out) {
                        Ok(signed) => signed,
                        Err(instead) => return instead,
                    };
                    let body = match load().await {
                        Ok(data) => render(signed.clone(), data).into_any(),
                        Err(e) => {
                            // A page about something that does not exist answers 404, as a
                            // missing address does (the alert still says what is missing).
                            #[cfg(feature = "ssr")]
                            if e.status == 404 {
                                if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                                    res.set_status(axum::http::StatusCode::NOT_FOUND);
                                }
                            }
                            view! { <FormAlert error=Signal::derive(move || Some(e.clone()))/> }.into_any()
                        }
                    };
                    let offered = action.filter(|a| signed.principal.can.allows(a.needs));
                    let nav = matches!(gate, Gate::SignedIn).then(|| view! { <SideNav principal=signed.principal.clone()/> });
                    let crumbs = match place {
                        Place::Under(crumbs) if matches!(gate, Gate::SignedIn) => Some(view! { <Breadcrumbs crumbs title/> }),
                        _ => None,
                    };
                    let class = match width {
                        Width::Wide => "page",
                        Width::Narrow => "page narrow-form",
                    };
                    view! {
                        <ConsoleHeader principal=signed.principal/>
                        <div class="console">
                            {nav}
                            <main class=class id="main">
                                {crumbs}
                                <div class="title-row">
                                    <h1>{move || title.try_get().unwrap_or_default()}</h1>
                                    {offered.map(|a| view! { <a class="button primary-link" href=a.href>{a.label}</a> })}
                                </div>
                                {body}
                            </main>
                        </div>
                    }
                    .into_any()
                })
            }}
        </Suspense>
    }
}

/// A page without data of its own.
pub async fn no_data() -> Result<(), AppError> {
    Ok(())
}

/// The gate: the principal and the rest of the context, or the view to render in the page's place
/// (the error, or a redirect to where this visitor belongs).
fn admit(
    ctx: Result<PageContext, AppError>,
    gate: Gate,
    signed_out: Option<fn(PageContext) -> Option<AnyView>>,
) -> Result<Signed, AnyView> {
    let ctx = ctx.map_err(|error| view! { <PageError error/> }.into_any())?;
    let redirect = |path: &'static str| view! { <Redirect path/> }.into_any();
    let Some(principal) = ctx.principal.clone() else {
        return Err(signed_out.and_then(|f| f(ctx)).unwrap_or_else(|| redirect("/signin")));
    };
    match (gate, ctx.must_change_password) {
        (Gate::SignedIn, true) => Err(redirect("/console/change-password")),
        (Gate::PasswordChange, false) => Err(redirect("/console/security-credentials")),
        _ => Ok(Signed { principal, account: ctx.account, flash: ctx.flash }),
    }
}

/// `Console Home › Users › alice`, as a navigation landmark with the current page marked.
#[component]
fn Breadcrumbs(crumbs: &'static [Crumb], title: Signal<String>) -> impl IntoView {
    let links = crumbs.iter().map(|c| view! { <li><a href=c.href>{c.label}</a></li> }).collect_view();
    view! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <ol>
                <li><a href="/console">"Console Home"</a></li>
                {links}
                <li aria-current="page">{move || title.try_get().unwrap_or_default()}</li>
            </ol>
        </nav>
    }
}
