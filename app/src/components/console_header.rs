//! The bar on every signed-in page: who is signed in (their ARN), their own credentials and `Sign out`.

use crate::api::SignOut;
use crate::dto::PrincipalDto;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ConsoleHeader(principal: PrincipalDto) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let kind = if principal.is_root { "Root user" } else { "IAM user" };
    let banner = principal.password_expires_in_days.map(|days| {
        let when = match days {
            0 => "today".to_owned(),
            1 => "in 1 day".to_owned(),
            n => format!("in {n} days"),
        };
        view! {
            <div class="banner" role="status" data-testid="password-expiry">
                {format!("Your password expires {when}. ")}
                <a href="/console/security-credentials">"Change it now"</a>
            </div>
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/console">"Lanyard"</a>
            <a class="skip" href="#main">"Skip to content"</a>
            <nav class="topnav" aria-label="Your account">
                <a href="/console/security-credentials">"My security credentials"</a>
            </nav>
            <div class="who">
                <span class="who-name">{principal.display_name.clone()}</span>
                <span class="who-kind">{kind}</span>
                <code class="who-arn" data-testid="principal-arn">{principal.arn.clone()}</code>
            </div>
            <ActionForm action=sign_out>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
        {banner}
    }
}
