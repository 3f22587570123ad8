//! Lanyard's console: the Leptos app rendered on the server and hydrated in the browser.
//! Server functions in [`api`] stay thin: session → principal → one engine call → DTO.

// The release build computes the layout of whole pages' view types, deeper than the default 128.
#![recursion_limit = "256"]

pub mod api;
pub mod capability;
pub mod components;
pub mod dto;
pub mod error;
pub mod hosts;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HashedStylesheet options=options.clone()/>
                <link rel="icon" href="/favicon.ico"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Declares, for each page, a route type whose view is loaded lazily: with
/// `cargo leptos build --split` (the release build) each page's code is a wasm chunk of its own,
/// fetched when the page is first shown, so the first load carries the shell and one page rather
/// than the whole console. Without `--split` (debug builds) the same routes are simply async.
macro_rules! lazy_pages {
    ($($route:ident => $($page:ident)::+,)+) => {$(
        #[derive(Clone)]
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$($page)::+ /> }.into_any()
            }
        }
    )+};
}

lazy_pages! {
    SignInPageRoute => pages::signin::SignInPage,
    ForgotPasswordPageRoute => pages::root_recovery::ForgotPasswordPage,
    ResetPasswordPageRoute => pages::root_recovery::ResetPasswordPage,
    MfaStepPageRoute => pages::signin::MfaStepPage,
    AccountSignInPageRoute => pages::signin::AccountSignInPage,
    ConsoleHomePageRoute => pages::console_home::ConsoleHomePage,
    UsersPageRoute => pages::users::UsersPage,
    GroupsPageRoute => pages::groups::GroupsPage,
    GroupPageRoute => pages::groups::GroupPage,
    PoliciesPageRoute => pages::policies::PoliciesPage,
    PolicyPageRoute => pages::policies::PolicyPage,
    PolicySimulatorPageRoute => pages::policy_simulator::PolicySimulatorPage,
    AccountSettingsPageRoute => pages::account_settings::AccountSettingsPage,
    CredentialReportPageRoute => pages::credential_report::CredentialReportPage,
    EventsPageRoute => pages::events::EventsPage,
    EventPageRoute => pages::events::EventPage,
    ChangePasswordPageRoute => pages::own_password::ChangePasswordPage,
    SecurityCredentialsPageRoute => pages::own_password::SecurityCredentialsPage,
    AddUsersPageRoute => pages::add_users::AddUsersPage,
    UserDetailPageRoute => pages::user_detail::UserDetailPage,
    NamedNewUserPageRoute => pages::user_detail::NamedNewUserPage,
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Lanyard"/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path="/console"/> }/>
                <Route path=path!("/signin") view={Lazy::<SignInPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signin/forgot") view={Lazy::<ForgotPasswordPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signin/reset") view={Lazy::<ResetPasswordPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signin/mfa") view={Lazy::<MfaStepPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signin/:account") view={Lazy::<AccountSignInPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console") view={Lazy::<ConsoleHomePageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/users") view={Lazy::<UsersPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/groups") view={Lazy::<GroupsPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/groups/:name") view={Lazy::<GroupPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/policies") view={Lazy::<PoliciesPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/policies/view") view={Lazy::<PolicyPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/policies/simulate") view={Lazy::<PolicySimulatorPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/account") view={Lazy::<AccountSettingsPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/credential-report") view={Lazy::<CredentialReportPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/events") view={Lazy::<EventsPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/events/:id") view={Lazy::<EventPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/change-password") view={Lazy::<ChangePasswordPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/security-credentials") view={Lazy::<SecurityCredentialsPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/users/new") view={Lazy::<AddUsersPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/users/:name") view={Lazy::<UserDetailPageRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/console/users/new/user") view={Lazy::<NamedNewUserPageRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// The wasm entry point: hydrates the server-rendered page, then marks `<body data-hydrated>`
/// so tests (and people debugging) can tell when interactive behaviour is live.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
    // `hydrate_lazy`, spelled out to mark the body once done: a lazy route hydrates after its
    // page's chunk has loaded.
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body.clone(), App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
