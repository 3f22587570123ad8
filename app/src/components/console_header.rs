//! The bar on every signed-in page: who is signed in (their ARN) and `Sign out`.

use crate::api::SignOut;
use crate::components::follow_navigation;
use crate::dto::PrincipalDto;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ConsoleHeader(principal: PrincipalDto) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    follow_navigation(sign_out.value());
    let kind = if principal.is_root { "Root user" } else { "IAM user" };
    view! {
        <header class="topbar">
            <a class="brand" href="/console">"Lanyard"</a>
            <div class="who">
                <span class="who-name">{principal.display_name.clone()}</span>
                <span class="who-kind">{kind}</span>
                <code class="who-arn" data-testid="principal-arn">{principal.arn.clone()}</code>
            </div>
            <ActionForm action=sign_out>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
    }
}
