//! Changing one's own password: `/console/change-password` (forced right after sign-in, when the
//! password must be reset or has expired) and the form on `/console/security-credentials`.

use crate::api::{
    load_access_keys, load_mfa_devices, load_own_password_rules, load_page_context, start_mfa_enrolment,
    take_new_access_key, ChangePassword,
};
use crate::components::{
    follow_navigation, form_error, AccessKeys, ConsoleHeader, FormAlert, Loading, MfaDevices, MfaStep, PageError,
    PasswordChecklist, PasswordInput,
};
use crate::dto::{Flash, OwnPasswordDto};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// `Current password`, `New password` (with the live rules), `Confirm new password`, `Change password`.
#[component]
pub fn ChangePasswordForm(rules: OwnPasswordDto, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    follow_navigation(action.value());
    let error = form_error(action.value(), action.version(), flash, "change-password");
    let typed = RwSignal::new(String::new());
    view! {
        <FormAlert error=error/>
        <ActionForm action=action>
            <PasswordInput id="current_password" name="current_password" label="Current password"
                field="currentPassword" error=error/>
            <PasswordInput id="new_password" name="new_password" label="New password" autocomplete="new-password"
                field="newPassword" error=error typed=typed/>
            <PasswordChecklist rules=rules.rules typed=typed identities=rules.identities/>
            <PasswordInput id="confirm_new_password" name="confirm_new_password" label="Confirm new password"
                autocomplete="new-password" field="confirmNewPassword" error=error/>
            <button type="submit" class="primary">"Change password"</button>
        </ActionForm>
    }
}

/// The forced change: nothing else of the console is reachable until it is done.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    let rules = Resource::new_blocking(|| (), |_| load_own_password_rules());
    view! {
        <Title text="Change your password · Lanyard"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match ctx.await {
                    Ok(c) => c,
                    Err(error) => return view! { <PageError error/> }.into_any(),
                };
                let Some(principal) = c.principal.clone() else {
                    return view! { <Redirect path="/signin"/> }.into_any();
                };
                if !c.must_change_password {
                    return view! { <Redirect path="/console/security-credentials"/> }.into_any();
                }
                let form = match rules.await {
                    Ok(r) => view! { <ChangePasswordForm rules=r flash=c.flash/> }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                };
                view! {
                    <ConsoleHeader principal/>
                    <main class="narrow">
                        <h1>"Choose a new password"</h1>
                        <p>"Your password must be changed before you continue: an administrator asked for a new one, or it has expired."</p>
                        <div class="card">{form}</div>
                    </main>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// `/console/security-credentials`: the signed-in principal's own credentials.
#[component]
pub fn SecurityCredentialsPage() -> impl IntoView {
    let query = use_query_map();
    let ctx = Resource::new_blocking(|| (), |_| load_page_context(None));
    let rules = Resource::new_blocking(|| (), |_| load_own_password_rules());
    let devices = Resource::new_blocking(|| None, load_mfa_devices);
    let assign = move || query.read().get("mfa").as_deref() == Some("assign");
    let enrolment = Resource::new_blocking(assign, |a| start_mfa_enrolment(None, a));
    let keys = Resource::new_blocking(|| None, load_access_keys);
    let new_key = Resource::new_blocking(|| None, take_new_access_key);
    view! {
        <Title text="My security credentials · Lanyard"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let (principal, c) = match crate::components::signed_in(ctx.await) {
                    Ok(signed_in) => signed_in,
                    Err(instead) => return instead,
                };
                let (changed, step, note, confirm_delete, keys_note) = {
                    let q = query.read_untracked();
                    (
                        q.get("changed").is_some(),
                        MfaStep::from_query(q.get("mfa"), q.get("device")),
                        q.get("mfa"),
                        (q.get("keys").as_deref() == Some("delete")).then(|| q.get("key")).flatten(),
                        q.get("keys"),
                    )
                };
                let keys_flash = c.flash.clone().filter(|f| f.form == "access-keys");
                let root_self = principal.is_root;
                let keys_card = match (keys.await, new_key.await) {
                    (Ok(keys), Ok(new_key)) => view! {
                        <AccessKeys user_name=None keys new_key root_self confirm_delete note=keys_note flash=keys_flash/>
                    }
                    .into_any(),
                    (Err(error), _) | (_, Err(error)) => not_allowed(error, "access keys"),
                };
                let mfa_flash = c.flash.clone().filter(|f| f.form.starts_with("mfa-"));
                let mfa = match (devices.await, enrolment.await) {
                    (Ok(devices), Ok(enrolment)) => view! {
                        <MfaDevices user_name=None devices step enrolment note flash=mfa_flash/>
                    }
                    .into_any(),
                    (Err(error), _) | (_, Err(error)) => not_allowed(error, "MFA devices"),
                };
                let password = match rules.await {
                    Ok(r) if r.may_change => view! { <ChangePasswordForm rules=r flash=c.flash/> }.into_any(),
                    Ok(_) => view! {
                        <p data-testid="password-change-not-allowed">"Your account's password policy does not let users change their own password. Ask an administrator to set a new one."</p>
                    }
                    .into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                };
                view! {
                    <ConsoleHeader principal=principal.clone()/>
                    <main class="page narrow-form">
                        <p class="crumbs"><a href="/console">"Console Home"</a>" › My security credentials"</p>
                        <h1>"My security credentials"</h1>
                        {changed.then(|| view! { <p class="once" role="status">"Your password has been changed. Your other sessions have been signed out."</p> })}
                        <section class="card">
                            <h2>"Console password"</h2>
                            <p class="hint">{format!("Signed in as {}", principal.arn)}</p>
                            {password}
                        </section>
                        {mfa}
                        {keys_card}
                    </main>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// A credential card the principal's policies do not cover says so instead of failing the page.
fn not_allowed(error: crate::error::AppError, what: &'static str) -> AnyView {
    if error.code == "AccessDenied" {
        view! {
            <section class="card">
                <p data-testid="credentials-not-allowed">{format!("Your permissions do not let you manage your own {what}. Ask an administrator.")}</p>
            </section>
        }
        .into_any()
    } else {
        view! { <PageError error/> }.into_any()
    }
}
