//! Root's `Forgot password?`: `/signin/forgot` asks for the email and always answers the same;
//! `/signin/reset?token=…` sets a new password with the mailed link.

use crate::api::{load_page_context, reset_link_usable, ForgotPassword, ResetPassword};
use crate::components::{form_error, Checklist, FormAlert, Loading, PageError, PasswordInput};
use crate::dto::Flash;
use lanyard_iam::domain::PasswordRule;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<ForgotPassword>::new();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text="Forgot password · Lanyard"/>
        <main class="narrow">
            <h1>"Root user password reset"</h1>
            <Show when=sent fallback=move || view! {
                <p>"Enter the root user's email address. If it belongs to an account, a link to choose a new password is sent there; it works once, for one hour."</p>
                <ActionForm action=action attr:class="card">
                    <div class="field">
                        <label for="email">"Email address"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required/>
                    </div>
                    <button type="submit" class="primary">"Send reset link"</button>
                </ActionForm>
            }>
                <p class="once" role="status">"If that email address belongs to a root user, a password reset link is on its way. It works once, for one hour."</p>
            </Show>
            <p class="alt-link"><a href="/signin">"Back to sign in"</a></p>
        </main>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let usable = Resource::new_blocking(token, reset_link_usable);
    // The error a rejected post left for this page (the flash) is in the page context.
    let ctx = Resource::new_blocking(|| None, load_page_context);
    view! {
        <Title text="Choose a new root password · Lanyard"/>
        <main class="narrow">
            <h1>"Choose a new root password"</h1>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match (usable.await, ctx.await) {
                        (Ok(true), Ok(c)) => view! { <ResetForm token=token() flash=c.flash/> }.into_any(),
                        (Ok(false), Ok(_)) => view! {
                            <div class="alert alert-error" role="alert"><p>"This password reset link is invalid, was already used, or has expired."</p></div>
                            <p><a href="/signin/forgot">"Ask for a new link"</a></p>
                        }
                        .into_any(),
                        (Err(error), _) | (_, Err(error)) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ResetForm(token: String, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = form_error(flash, "reset-password");
    let rules = vec![
        PasswordRule::Length { min: 8, max: 128 },
        PasswordRule::Charset,
        PasswordRule::CharacterClasses { required: 3 },
    ];
    view! {
        <FormAlert error=error/>
        <ActionForm action=action attr:class="card">
            <input type="hidden" name="token" value=token/>
            <PasswordInput id="new_password" name="new_password" label="New password" autocomplete="new-password"
                field="newPassword" error=error checklist=Checklist { rules, identities: vec![] }/>
            <PasswordInput id="confirm_new_password" name="confirm_new_password" label="Confirm new password"
                autocomplete="new-password" field="confirmNewPassword" error=error/>
            <button type="submit" class="primary">"Set new password"</button>
        </ActionForm>
    }
}
