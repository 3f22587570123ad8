//! `/console/users/<user-name>`: one user's identifiers, console access, and rename/move
//! (IAM's UpdateUser: the UserId stays).

use crate::api::{load_page_context, load_user, UpdateUser};
use crate::components::{follow_navigation, form_error, signed_in, ConsoleHeader, FormAlert, Loading, TextField};
use crate::dto::{Flash, UserDetailDto};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    let user = Resource::new_blocking(move || params.read().get("name").unwrap_or_default(), load_user);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (principal, c) = match signed_in(ctx.await) {
                    Ok(signed_in) => signed_in,
                    Err(instead) => return instead,
                };
                let body = match user.await {
                    Ok(u) => view! { <UserDetail user=u flash=c.flash/> }.into_any(),
                    Err(e) => view! { <FormAlert error=Signal::derive(move || Some(e.clone()))/> }.into_any(),
                };
                view! {
                    <ConsoleHeader principal/>
                    <main class="page">{body}</main>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn UserDetail(user: UserDetailDto, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<UpdateUser>::new();
    follow_navigation(action.value());
    let typed = |f: &str| flash.as_ref().filter(|x| x.form == "update-user").and_then(|x| x.value(f));
    let new_name = typed("new_user_name").unwrap_or_else(|| user.user_name.clone());
    let new_path = typed("new_path").unwrap_or_else(|| user.path.clone());
    let error = form_error(action.value(), action.version(), flash, "update-user");
    view! {
        <Title text=format!("{} · Users · Lanyard", user.user_name)/>
        <p class="crumbs"><a href="/console">"Console Home"</a>" › "<a href="/console/users">"Users"</a>" › "{user.user_name.clone()}</p>
        <h1>{user.user_name.clone()}</h1>
        <section class="card">
            <h2>"Summary"</h2>
            <dl class="facts">
                <dt>"ARN"</dt><dd><code data-testid="user-arn">{user.arn.clone()}</code></dd>
                <dt>"User ID"</dt><dd><code data-testid="user-id">{user.user_id.clone()}</code></dd>
                <dt>"Path"</dt><dd><code>{user.path.clone()}</code></dd>
                <dt>"Created"</dt><dd>{user.created.clone()}</dd>
                <dt>"Console access"</dt><dd>{if user.console_access { "Enabled" } else { "Disabled" }}</dd>
                <dt>"Console password last used"</dt><dd>{user.password_last_used.clone()}</dd>
            </dl>
        </section>
        <section class="card narrow-form">
            <h2>"Rename or move"</h2>
            <FormAlert error=error/>
            <ActionForm action=action>
                <input type="hidden" name="user_name" value=user.user_name.clone()/>
                <TextField id="new_user_name" label="New user name" field="newUserName" error=error value=Some(new_name)/>
                <TextField id="new_path" label="New path" field="newPath" error=error value=Some(new_path)/>
                <button type="submit" class="secondary">"Save changes"</button>
            </ActionForm>
        </section>
    }
}
