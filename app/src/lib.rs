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
use leptos_router::{path, SsrMode};

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
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // Every page's `<title>` goes through this formatter: leptos_meta writes the title into the
        // server's HTML unescaped, and pages take theirs from data or the URL
        // (`/console/users/</title><meta http-equiv=refresh …>` was markup).
        <Title formatter=|title: String| components::raw_text(&title) text="Lanyard"/>
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path="/console"/> }/>
                <Route path=path!("/signin") view=pages::signin::SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/forgot") view=pages::root_recovery::ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/reset") view=pages::root_recovery::ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/mfa") view=pages::signin::MfaStepPage ssr=SsrMode::Async/>
                <Route path=path!("/signin/:account") view=pages::signin::AccountSignInPage ssr=SsrMode::Async/>
                <Route path=path!("/console") view=pages::console_home::ConsoleHomePage ssr=SsrMode::Async/>
                <Route path=path!("/console/users") view=pages::users::UsersPage ssr=SsrMode::Async/>
                <Route path=path!("/console/groups") view=pages::groups::GroupsPage ssr=SsrMode::Async/>
                <Route path=path!("/console/groups/:name") view=pages::groups::GroupPage ssr=SsrMode::Async/>
                <Route path=path!("/console/policies") view=pages::policies::PoliciesPage ssr=SsrMode::Async/>
                <Route path=path!("/console/policies/view") view=pages::policies::PolicyPage ssr=SsrMode::Async/>
                <Route path=path!("/console/policies/simulate") view=pages::policy_simulator::PolicySimulatorPage ssr=SsrMode::Async/>
                <Route path=path!("/console/account") view=pages::account_settings::AccountSettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/console/credential-report") view=pages::credential_report::CredentialReportPage ssr=SsrMode::Async/>
                <Route path=path!("/console/events") view=pages::events::EventsPage ssr=SsrMode::Async/>
                <Route path=path!("/console/events/:id") view=pages::events::EventPage ssr=SsrMode::Async/>
                <Route path=path!("/console/change-password") view=pages::own_password::ChangePasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/console/security-credentials") view=pages::own_password::SecurityCredentialsPage ssr=SsrMode::Async/>
                <Route path=path!("/console/users/new") view=pages::add_users::AddUsersPage ssr=SsrMode::Async/>
                <Route path=path!("/console/users/:name") view=pages::user_detail::UserDetailPage ssr=SsrMode::Async/>
                <Route path=path!("/console/users/new/user") view=pages::user_detail::NamedNewUserPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}

/// The wasm entry point (islands mode): starts the reactive runtime, then marks `<body
/// data-hydrated>`. Leptos's loader hydrates each `<leptos-island>` right after this returns, in
/// the same task, so by the time anything can see the mark every island is live.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
