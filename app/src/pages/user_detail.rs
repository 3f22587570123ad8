//! `/console/users/<user-name>`: one user's identifiers and credential summary, tags, the sign-in
//! lock, rename/move (IAM's UpdateUser: the UserId stays) and `Delete user` (confirmed by typing
//! the name; `?delete` shows the confirmation, so it works without JavaScript).

use crate::api::{load_page_context, load_user, typed_tags, ClearSignInLock, DeleteUser, UpdateUser, UpdateUserTags};
use crate::components::{
    follow_navigation, form_error, signed_in, ConsoleHeader, FormAlert, Loading, TagEditor, TextField,
};
use crate::dto::{Flash, UserDetailDto};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    let user = Resource::new_blocking(move || params.read().get("name").unwrap_or_default(), load_user);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (principal, c) = match signed_in(ctx.await) {
                    Ok(signed_in) => signed_in,
                    Err(instead) => return instead,
                };
                let confirm_delete = query.read_untracked().get("delete").is_some();
                let body = match user.await {
                    Ok(u) => view! { <UserDetail user=u flash=c.flash confirm_delete/> }.into_any(),
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
fn UserDetail(user: UserDetailDto, flash: Option<Flash>, confirm_delete: bool) -> impl IntoView {
    let flash_for = |form: &str| flash.clone().filter(|f| f.form == form);
    view! {
        <Title text=format!("{} · Users · Lanyard", user.user_name)/>
        <p class="crumbs"><a href="/console">"Console Home"</a>" › "<a href="/console/users">"Users"</a>" › "{user.user_name.clone()}</p>
        <h1>{user.user_name.clone()}</h1>
        <Summary user=user.clone()/>
        <SignInLock user_name=user.user_name.clone() lock=user.sign_in_lock.clone() flash=flash_for("sign-in-lock")/>
        <Tags user_name=user.user_name.clone() tags=user.tags.clone() flash=flash_for("user-tags")/>
        <RenameMove user=user.clone() flash=flash_for("update-user")/>
        <Delete user_name=user.user_name.clone() confirm=confirm_delete flash=flash_for("delete-user")/>
    }
}

#[component]
fn Summary(user: UserDetailDto) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Summary"</h2>
            <dl class="facts">
                <dt>"ARN"</dt><dd><code data-testid="user-arn">{user.arn}</code></dd>
                <dt>"User ID"</dt><dd><code data-testid="user-id">{user.user_id}</code></dd>
                <dt>"Path"</dt><dd><code>{user.path}</code></dd>
                <dt>"Created"</dt><dd>{user.created}</dd>
                <dt>"Console access"</dt><dd>{if user.console_access { "Enabled" } else { "Disabled" }}</dd>
                <dt>"Console password last used"</dt><dd>{user.password_last_used}</dd>
            </dl>
        </section>
    }
}

#[component]
fn SignInLock(user_name: String, lock: Option<String>, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<ClearSignInLock>::new();
    follow_navigation(action.value());
    let error = form_error(action.value(), action.version(), flash, "sign-in-lock");
    view! {
        <section class="card">
            <h2>"Sign-in lock"</h2>
            <FormAlert error=error/>
            {match lock {
                None => view! { <p class="lock-state" data-testid="sign-in-lock">"No failed sign-ins."</p> }.into_any(),
                Some(state) => view! {
                    <p class="lock-state" data-testid="sign-in-lock">{state}</p>
                    <ActionForm action=action>
                        <input type="hidden" name="user_name" value=user_name/>
                        <button type="submit" class="secondary">"Clear sign-in lock"</button>
                    </ActionForm>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn Tags(user_name: String, tags: Vec<(String, String)>, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<UpdateUserTags>::new();
    follow_navigation(action.value());
    // After a failed plain post, the rows as typed; otherwise the saved tags.
    let initial = flash.as_ref().map(|f| typed_tags(&f.values)).unwrap_or_else(|| tags.clone());
    let error = form_error(action.value(), action.version(), flash, "user-tags");
    let rows = tags.iter().map(|(k, v)| view! { <tr><td>{k.clone()}</td><td>{v.clone()}</td></tr> }).collect_view();
    view! {
        <section class="card narrow-form">
            <h2>{format!("Tags ({})", tags.len())}</h2>
            {if tags.is_empty() {
                view! { <p class="hint">"No tags."</p> }.into_any()
            } else {
                view! {
                    <table class="tags-table" data-testid="user-tags">
                        <thead><tr><th scope="col">"Key"</th><th scope="col">"Value"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            <FormAlert error=error/>
            <ActionForm action=action>
                <input type="hidden" name="user_name" value=user_name/>
                <TagEditor initial=initial error=error/>
                <button type="submit" class="secondary">"Save tags"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RenameMove(user: UserDetailDto, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<UpdateUser>::new();
    follow_navigation(action.value());
    let typed = |f: &str| flash.as_ref().and_then(|x| x.value(f));
    let new_name = typed("new_user_name").unwrap_or_else(|| user.user_name.clone());
    let new_path = typed("new_path").unwrap_or_else(|| user.path.clone());
    let error = form_error(action.value(), action.version(), flash, "update-user");
    view! {
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

/// `Delete user` opens the confirmation (a GET to `?delete`, so no script is needed); `Delete`
/// removes the user with their console password, tags and everything else they own.
#[component]
fn Delete(user_name: String, confirm: bool, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<DeleteUser>::new();
    follow_navigation(action.value());
    let confirm = confirm || flash.is_some();
    let error = form_error(action.value(), action.version(), flash, "delete-user");
    let page = crate::api::user_page(&user_name);
    view! {
        <section class="card narrow-form danger-zone" id="delete">
            <h2>"Delete user"</h2>
            {if confirm {
                view! {
                    <p>"Deleting " <strong>{user_name.clone()}</strong>
                       " also removes the console password, tags and every other credential of the user. This cannot be undone."</p>
                    <FormAlert error=error/>
                    <ActionForm action=action>
                        <input type="hidden" name="user_name" value=user_name.clone()/>
                        <TextField id="confirm_user_name" label="Confirm user name" field="confirmUserName" error=error value=None
                            hint=format!("Type {user_name} to confirm.")/>
                        <button type="submit" class="danger">"Delete"</button>
                        " "<a href=page>"Cancel"</a>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! {
                    <p>"Removes the user and everything the user owns."</p>
                    <form method="get" action=format!("{page}#delete")>
                        <input type="hidden" name="delete" value=""/>
                        <button type="submit" class="secondary">"Delete user"</button>
                    </form>
                }
                .into_any()
            }}
        </section>
    }
}
