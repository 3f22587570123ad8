//! `/console`: the console home for a signed-in principal; on an account host, signed out, the
//! account's sign-in page; elsewhere, signed out, a redirect to `/signin`.

use super::signin::AccountSignInForm;
use crate::components::{no_data, ConsolePage, Place};
use crate::dto::{AccountDto, ConsoleCapability, PageContext, PrincipalDto};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    view! {
        <ConsolePage title="Console Home" place=Place::Home signed_out=account_sign_in load=no_data
            render=|signed, ()| view! { <ConsoleHome principal=signed.principal account=signed.account/> }/>
    }
}

/// Signed out on an account's host (`<alias>.signin.<domain>/console`), the account's sign-in form.
fn account_sign_in(ctx: PageContext) -> Option<AnyView> {
    let account = ctx.signin_account?;
    Some(
        view! {
            <Title text="Sign in · Lanyard"/>
            <AccountSignInForm account from="/console".to_string() root_signin_url=ctx.root_signin_url flash=ctx.flash/>
        }
        .into_any(),
    )
}

#[component]
fn ConsoleHome(principal: PrincipalDto, account: Option<AccountDto>) -> impl IntoView {
    let is_root = principal.is_root;
    let links: Vec<(&str, &str, &str)> = [
        ("users", "/console/users", "browse the account's IAM users by path.", ConsoleCapability::ListUsers),
        ("groups", "/console/groups", "users who need the same permissions.", ConsoleCapability::ListGroups),
        (
            "policies",
            "/console/policies",
            "what users and groups may do; try them in the policy simulator.",
            ConsoleCapability::ListPolicies,
        ),
    ]
    .into_iter()
    .filter(|(_, _, _, needs)| principal.can.allows(*needs))
    .map(|(what, href, text, _)| (what, href, text))
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
    }
}
