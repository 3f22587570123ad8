//! `/console`: the console home for a signed-in principal; on an account host, signed out, the
//! account's sign-in page; elsewhere, signed out, a redirect to `/signin`.

use super::signin::AccountSignInForm;
use crate::api::load_page_context;
use crate::components::{ConsoleHeader, Loading, PageError};
use crate::dto::{AccountDto, PrincipalDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match ctx.await {
                    Ok(c) => match (c.principal, c.signin_account) {
                        (Some(_), _) if c.must_change_password => {
                            view! { <Redirect path="/console/change-password"/> }.into_any()
                        }
                        (Some(principal), _) => view! { <ConsoleHome principal account=c.account/> }.into_any(),
                        (None, Some(account)) => view! {
                            <Title text="Sign in · Lanyard"/>
                            <AccountSignInForm account from="/console".to_string() root_signin_url=c.root_signin_url flash=c.flash/>
                        }
                        .into_any(),
                        (None, None) => view! { <Redirect path="/signin"/> }.into_any(),
                    },
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsoleHome(principal: PrincipalDto, account: Option<AccountDto>) -> impl IntoView {
    let is_root = principal.is_root;
    let links: Vec<(&str, &str, &str)> = [
        ("users", "/console/users", "browse the account's IAM users by path."),
        ("groups", "/console/groups", "users who need the same permissions."),
        ("policies", "/console/policies", "what users and groups may do; try them in the policy simulator."),
    ]
    .into_iter()
    .filter(|(what, _, _)| principal.can(what))
    .collect();
    let admin = (!links.is_empty()).then(|| {
        let items = links
            .into_iter()
            .map(|(what, href, text)| {
                let label = format!("Browse {what}");
                view! { <p><a href=href>{label}</a>" — "{text}</p> }
            })
            .collect_view();
        view! { <section class="card"><h2>"Identity and access management"</h2>{items}</section> }
    });
    view! {
        <Title text="Console Home · Lanyard"/>
        <ConsoleHeader principal=principal.clone()/>
        <main class="page">
            <h1>"Console Home"</h1>
            <section class="card">
                <h2>"Signed in as"</h2>
                <dl class="facts">
                    <dt>"Name"</dt><dd>{principal.display_name.clone()}</dd>
                    <dt>"ARN"</dt><dd><code>{principal.arn.clone()}</code></dd>
                    <dt>"Principal type"</dt><dd>{if is_root { "Root user" } else { "IAM user" }}</dd>
                </dl>
            </section>
            {account.map(|a| view! {
                <section class="card">
                    <h2>"Account"</h2>
                    <dl class="facts">
                        <dt>"Account ID"</dt><dd data-testid="account-id">{a.account_id.clone()}</dd>
                        <dt>"Account alias"</dt><dd>{a.alias.clone().unwrap_or_else(|| "None".into())}</dd>
                        <dt>"Sign-in URL for IAM users in this account"</dt>
                        <dd><a href=a.signin_url.clone() data-testid="account-signin-url">{a.signin_url.clone()}</a></dd>
                    </dl>
                </section>
            })}
            {admin}
            <Show when=move || is_root>
                <section class="card notice">
                    <h2>"Protect your root user"</h2>
                    <p>"Use the root user only for tasks that require it. Create IAM users for everyday administration."</p>
                </section>
            </Show>
        </main>
    }
}
