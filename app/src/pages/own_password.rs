//! Changing one's own password: `/console/change-password` (forced right after sign-in, when the
//! password must be reset or has expired) and the form on `/console/security-credentials`.

use crate::api::{
    load_access_keys, load_mfa_devices, load_other_credentials, load_own_password_rules, start_mfa_enrolment,
    take_new_access_key, ChangePassword,
};
use crate::components::{
    credential_notes, form_error, AccessKeys, Checklist, ConsolePage, FormAlert, Gate, MfaDevices, MfaStep,
    OtherCredentialCards, PageError, PasswordInput, Width,
};
use crate::dto::{Flash, OwnPasswordDto};
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `Current password`, `New password` (with the live rules), `Confirm new password`, `Change password`.
#[component]
pub fn ChangePasswordForm(rules: OwnPasswordDto, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = form_error(flash, "change-password");
    view! {
        <FormAlert error=error/>
        <ActionForm action=action>
            <PasswordInput id="current_password" name="current_password" label="Current password"
                field="currentPassword" error=error/>
            <PasswordInput id="new_password" name="new_password" label="New password" autocomplete="new-password"
                field="newPassword" error=error checklist=Checklist { rules: rules.rules, identities: rules.identities }/>
            <PasswordInput id="confirm_new_password" name="confirm_new_password" label="Confirm new password"
                autocomplete="new-password" field="confirmNewPassword" error=error/>
            <button type="submit" class="primary">"Change password"</button>
        </ActionForm>
    }
}

/// The forced change: nothing else of the console is reachable until it is done.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let rules = Resource::new_blocking(|| (), |_| load_own_password_rules());
    view! {
        <ConsolePage title="Choose a new password" gate=Gate::PasswordChange width=Width::Narrow
            load=move || async move { rules.await }
            render=|signed, rules| view! {
                <p>"Your password must be changed before you continue: an administrator asked for a new one, or it has expired."</p>
                <div class="card"><ChangePasswordForm rules flash=signed.flash/></div>
            }/>
    }
}

/// `/console/security-credentials`: the signed-in principal's own credentials.
#[component]
pub fn SecurityCredentialsPage() -> impl IntoView {
    let query = use_query_map();
    let rules = Resource::new_blocking(|| (), |_| load_own_password_rules());
    let devices = Resource::new_blocking(|| None, load_mfa_devices);
    let assign = move || query.read().get("mfa").as_deref() == Some("assign");
    let enrolment = Resource::new_blocking(assign, |a| start_mfa_enrolment(None, a));
    let keys = Resource::new_blocking(|| None, load_access_keys);
    let new_key = Resource::new_blocking(|| None, take_new_access_key);
    let others = Resource::new_blocking(|| None, load_other_credentials);
    let load = move || async move {
        let keys = match (keys.await, new_key.await) {
            (Ok(keys), Ok(new_key)) => Ok((keys, new_key)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let mfa = match (devices.await, enrolment.await) {
            (Ok(devices), Ok(enrolment)) => Ok((devices, enrolment)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let others = others.await.map(Some).or_else(AppError::unless_denied)?.unwrap_or_default();
        Ok::<_, AppError>((rules.await?, keys, mfa, others))
    };
    view! {
        <ConsolePage title="My security credentials" width=Width::Narrow load render=move |signed, (rules, keys, mfa, others)| {
            let q = query.read_untracked();
            let changed = q.get("changed").is_some();
            let root_self = signed.principal.is_root;
            let keys_flash = signed.flash.clone().filter(|f| f.form == "access-keys");
            let confirm_delete = (q.get("keys").as_deref() == Some("delete")).then(|| q.get("key")).flatten();
            let keys_card = match keys {
                Ok((keys, new_key)) => view! {
                    <AccessKeys user_name=None keys new_key root_self confirm_delete note=q.get("keys") flash=keys_flash/>
                }
                .into_any(),
                Err(error) => not_allowed(error, "access keys"),
            };
            let mfa_flash = signed.flash.clone().filter(|f| f.form.starts_with("mfa-"));
            let others_flash = signed.flash.clone();
            let step = MfaStep::from_query(q.get("mfa"), q.get("device"));
            let mfa = match mfa {
                Ok((devices, enrolment)) => view! {
                    <MfaDevices user_name=None devices step enrolment note=q.get("mfa") flash=mfa_flash/>
                }
                .into_any(),
                Err(error) => not_allowed(error, "MFA devices"),
            };
            let password = if rules.may_change {
                view! { <ChangePasswordForm rules flash=signed.flash/> }.into_any()
            } else {
                view! {
                    <p data-testid="password-change-not-allowed">"Your account's password policy does not let users change their own password. Ask an administrator to set a new one."</p>
                }
                .into_any()
            };
            view! {
                {changed.then(|| view! { <p class="once" role="status">"Your password has been changed. Your other sessions have been signed out."</p> })}
                <section class="card">
                    <h2>"Console password"</h2>
                    <p class="hint">{format!("Signed in as {}", signed.principal.arn)}</p>
                    {password}
                </section>
                {mfa}
                {keys_card}
                <OtherCredentialCards user_name=None data=others notes=credential_notes(&q) flash=others_flash/>
            }
        }/>
    }
}

/// A credential card the principal's policies do not cover says so instead of failing the page.
fn not_allowed(error: AppError, what: &'static str) -> AnyView {
    if error.is_access_denied() {
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
