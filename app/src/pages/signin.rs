//! The sign-in pages of `ui-contract.md`: the general `/signin` (root by email, or IAM user by
//! account ID or alias) and the account's own page (`/signin/<account>` or `/console` on the
//! account host), which asks only user name and password and links to root sign-in.

use crate::api::{mfa_step_pending, SignIn, SignInMfa};
use crate::components::{form_error, no_data, FormAlert, PasswordInput, SignedOutPage};
use crate::dto::Flash;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <SignedOutPage title="Sign in" load=no_data render=|c, ()| view! { <GeneralSignInForm flash=c.flash/> }/>
    }
}

#[component]
fn GeneralSignInForm(flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let typed = |field: &str| flash.as_ref().filter(|f| f.form == "signin").and_then(|f| f.value(field));
    let iam = typed("kind").as_deref() == Some("iam");
    let (email, account, user_name) = (typed("email"), typed("account"), typed("user_name"));
    let error = form_error(flash, "signin");
    let query = use_query_map();
    let was_reset = move || query.read().get("reset").is_some();
    view! {
        <main class="narrow signin">
            <h1>"Sign in"</h1>
            <Show when=was_reset>
                <p class="once" role="status">"Your root password has been reset. Sign in with the new password."</p>
            </Show>
            <FormAlert error=error/>
            <ActionForm action=action attr:class="card signin-form">
                <input type="hidden" name="from" value="/signin"/>
                <fieldset class="kind-choice">
                    <legend>"Sign in as"</legend>
                    <label class="radio">
                        <input type="radio" name="kind" value="root" checked=!iam/>
                        " Root user"
                    </label>
                    <p class="hint">"Account owner who performs tasks requiring unrestricted access."</p>
                    <label class="radio">
                        <input type="radio" name="kind" value="iam" checked=iam/>
                        " IAM user"
                    </label>
                    <p class="hint">"User within an account who performs daily tasks."</p>
                </fieldset>
                <div class="field root-only">
                    <label for="email">"Email address"</label>
                    <input id="email" name="email" type="email" autocomplete="username" value=email/>
                </div>
                <div class="field iam-only">
                    <label for="account">"Account ID or alias"</label>
                    <input id="account" name="account" type="text" autocomplete="organization" value=account/>
                </div>
                <div class="field iam-only">
                    <label for="user_name">"IAM user name"</label>
                    <input id="user_name" name="user_name" type="text" autocomplete="username" value=user_name/>
                </div>
                <PasswordInput id="password" name="password" label="Password"/>
                <button type="submit" class="primary">"Sign in"</button>
                <p class="alt-link root-only"><a href="/signin/forgot">"Forgot password?"</a></p>
            </ActionForm>
        </main>
    }
}

/// `/signin/<account>`: the account page without a wildcard host name.
#[component]
pub fn AccountSignInPage() -> impl IntoView {
    let params = use_params_map();
    let account = Signal::derive(move || params.read().get("account"));
    view! {
        <SignedOutPage title="Sign in" account load=no_data render=|c, ()| {
            let account = c.signin_account.clone().unwrap_or_default();
            let from = format!("/signin/{account}");
            view! { <AccountSignInForm account from root_signin_url=c.root_signin_url flash=c.flash/> }
        }/>
    }
}

/// The account's own sign-in form: the account is shown, not asked; root cannot sign in here.
#[component]
pub fn AccountSignInForm(
    account: String,
    from: String,
    root_signin_url: String,
    flash: Option<Flash>,
) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let user_name = flash.as_ref().filter(|f| f.form == "signin").and_then(|f| f.value("user_name"));
    let error = form_error(flash, "signin");
    view! {
        <main class="narrow signin">
            <h1>"Sign in as IAM user"</h1>
            <p class="account-line">"Account ID or alias: "<strong data-testid="signin-account">{account.clone()}</strong></p>
            <FormAlert error=error/>
            <ActionForm action=action attr:class="card">
                <input type="hidden" name="kind" value="iam"/>
                <input type="hidden" name="account" value=account/>
                <input type="hidden" name="from" value=from/>
                <div class="field">
                    <label for="user_name">"IAM user name"</label>
                    <input id="user_name" name="user_name" type="text" autocomplete="username" value=user_name/>
                </div>
                <PasswordInput id="password" name="password" label="Password"/>
                <button type="submit" class="primary">"Sign in"</button>
            </ActionForm>
            <p class="alt-link"><a href=root_signin_url>"Sign in using root user email"</a></p>
        </main>
    }
}

/// `/signin/mfa`: the second step for principals with an MFA device (`MFA code`, `Submit`).
#[component]
pub fn MfaStepPage() -> impl IntoView {
    let pending = Resource::new_blocking(|| (), |_| mfa_step_pending());
    view! {
        <SignedOutPage title="MFA code" load=move || async move { pending.await } render=|c, pending| match pending {
            true => view! { <MfaStepForm flash=c.flash/> }.into_any(),
            false => view! {
                <main class="narrow signin">
                    <h1>"Multi-factor authentication"</h1>
                    <div class="alert alert-error" role="alert"><p>"Your sign-in has timed out. Please sign in again."</p></div>
                    <p><a href="/signin">"Sign in"</a></p>
                </main>
            }
            .into_any(),
        }/>
    }
}

#[component]
fn MfaStepForm(flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<SignInMfa>::new();
    let error = form_error(flash, "signin-mfa");
    view! {
        <main class="narrow signin">
            <h1>"Multi-factor authentication"</h1>
            <p>"Enter the code your authenticator app shows for this account."</p>
            <FormAlert error=error/>
            <ActionForm action=action attr:class="card">
                <div class="field">
                    <label for="mfa_code">"MFA code"</label>
                    <input id="mfa_code" name="mfa_code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        maxlength="7" required autofocus/>
                </div>
                <button type="submit" class="primary">"Submit"</button>
            </ActionForm>
            <p class="alt-link"><a href="/signin">"Cancel and sign in again"</a></p>
        </main>
    }
}
