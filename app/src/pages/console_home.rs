//! `/console`: the console home for a signed-in principal; on an account host, signed out, the
//! account's sign-in page; elsewhere, signed out, a redirect to `/signin`.

use super::signin::AccountSignInForm;
use crate::api::{load_sign_in_activity, SignInActivityDto};
use crate::components::{ConsolePage, Place};
use crate::dto::{AccountDto, ConsoleCapability, PageContext, PrincipalDto};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    let query = use_query_map();
    let activity = Resource::new_blocking(move || query.read().get("window"), load_sign_in_activity);
    // No chart for a visitor or a principal who may not read the event history; the page's own
    // gate decides what a visitor sees instead.
    let load = move || async move { Ok::<_, crate::error::AppError>(activity.await.ok()) };
    view! {
        <ConsolePage title="Console Home" place=Place::Home signed_out=account_sign_in load
            render=|signed, activity| view! {
                <ConsoleHome principal=signed.principal account=signed.account/>
                {activity.map(|a| view! { <SignInActivity activity=a/> })}
            }/>
    }
}

/// The account's sign-ins over the chosen window as stacked bars (successes below failures),
/// drawn as SVG on the server so it needs no script; the current locks and most failing names.
#[component]
fn SignInActivity(activity: SignInActivityDto) -> impl IntoView {
    const W: f64 = 720.0;
    const H: f64 = 160.0;
    let n = activity.bars.len().max(1) as f64;
    let max = activity.bars.iter().map(|b| b.succeeded + b.failed).max().unwrap_or(0).max(1) as f64;
    let slot = W / n;
    let bars = activity
        .bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = i as f64 * slot + 1.0;
            let ok_h = b.succeeded as f64 / max * H;
            let bad_h = b.failed as f64 / max * H;
            let tip = format!("{}: {} succeeded, {} failed", b.label, b.succeeded, b.failed);
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="ok" x=format!("{x:.1}") y=format!("{:.1}", H - ok_h) width=format!("{:.1}", slot - 2.0) height=format!("{ok_h:.1}")/>
                    <rect class="failed" x=format!("{x:.1}") y=format!("{:.1}", H - ok_h - bad_h) width=format!("{:.1}", slot - 2.0) height=format!("{bad_h:.1}")/>
                </g>
            }
        })
        .collect_view();
    let labels = [0, activity.bars.len() / 2, activity.bars.len().saturating_sub(1)]
        .into_iter()
        .filter_map(|i| activity.bars.get(i).map(|b| (i, b.label.clone())))
        .map(|(i, label)| view! { <text x=format!("{:.1}", i as f64 * slot) y=format!("{}", H + 14.0)>{label}</text> })
        .collect_view();
    let succeeded: i64 = activity.bars.iter().map(|b| b.succeeded).sum();
    let failed: i64 = activity.bars.iter().map(|b| b.failed).sum();
    let window = activity.window.clone();
    let summary = format!("{succeeded} successful and {failed} failed sign-ins in the last {window}.");
    let windows = ["24h", "7d", "30d"]
        .into_iter()
        .map(|w| {
            let current = (w == window).then_some("page");
            view! { <a href=format!("/console?window={w}") aria-current=current>{w}</a>" " }
        })
        .collect_view();
    let locks = (!activity.locks.is_empty()).then(|| {
        let items = activity
            .locks
            .iter()
            .map(|(user, failures, until)| {
                let href = format!("/console/users/{}", crate::api::encode(user));
                view! { <li><a href=href>{user.clone()}</a>{format!(" — {failures} failures, locked until {until}")}</li> }
            })
            .collect_view();
        view! { <h3>"Locked out now"</h3><ul data-testid="current-locks">{items}</ul> }
    });
    let top = (!activity.top_failures.is_empty()).then(|| {
        let items = activity
            .top_failures
            .iter()
            .map(|(user, n)| {
                let href =
                    format!("/console/events?event=ConsoleLogin&failed=on&resource={}", crate::api::encode(user));
                view! { <li><a href=href>{user.clone()}</a>{format!(" — {n} failed sign-ins")}</li> }
            })
            .collect_view();
        view! { <h3>"Most failed sign-ins"</h3><ol data-testid="top-failures">{items}</ol> }
    });
    let alert = activity.alert.then(|| {
        let text = format!(
            "{} failed sign-ins in the last hour: someone may be guessing passwords.",
            activity.failures_last_hour
        );
        view! { <p class="alert" role="alert" data-testid="sign-in-alert">{text}" "<a href="/console/events?event=ConsoleLogin&failed=on">"See them"</a></p> }
    });
    view! {
        <section class="card sign-in-activity">
            <h2>"Sign-in activity"</h2>
            {alert}
            <p class="windows">"Window: "{windows}</p>
            <svg class="chart" viewBox=format!("0 0 {W} {}", H + 20.0) role="img" aria-label=summary.clone() data-testid="sign-in-chart">
                {bars}
                {labels}
            </svg>
            <p class="hint" data-testid="sign-in-summary">{summary}" "<span class="legend ok">"succeeded"</span>" "<span class="legend failed">"failed"</span></p>
            {locks}
            {top}
            <p><a href="/console/events">"Open the event history"</a></p>
        </section>
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
