//! `/console/account`: the account alias (`Account alias`, `Save alias`) and the password policy,
//! worded as the AWS console words it (`Save changes`; `Reset to default` for AWS's defaults).

use crate::api::{load_account_settings, AccountSettingsDto, ResetPasswordPolicy, SaveAlias, SavePasswordPolicy};
use crate::components::{form_error, ConsolePage, FormAlert, TextField, Width};
use crate::dto::Flash;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountSettingsPage() -> impl IntoView {
    let query = use_query_map();
    let settings = Resource::new_blocking(|| (), |_| load_account_settings());
    view! {
        <ConsolePage title="Account settings" width=Width::Narrow load=move || async move { settings.await }
            render=move |signed, s| {
                let saved = query.read_untracked().get("saved");
                view! { <Settings settings=s flash=signed.flash saved/> }
            }/>
    }
}

fn checkbox(name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    view! {
        <label class="choice"><input type="checkbox" name=name value="on" checked=checked/>" "{label}</label>
    }
}

#[component]
fn Settings(settings: AccountSettingsDto, flash: Option<Flash>, saved: Option<String>) -> impl IntoView {
    let alias = ServerAction::<SaveAlias>::new();
    let policy = ServerAction::<SavePasswordPolicy>::new();
    let reset = ServerAction::<ResetPasswordPolicy>::new();
    let typed_alias = flash.as_ref().filter(|f| f.form == "account-alias").and_then(|f| f.value("account_alias"));
    let alias_error = form_error(flash.clone(), "account-alias");
    let policy_error = form_error(flash, "password-policy");
    let p = settings.policy;
    let note = saved.map(|what| {
        let text = match what.as_str() {
            "alias" => "The account alias has been saved.",
            "default" => "The password policy is back to AWS's default rules.",
            _ => "The password policy has been saved.",
        };
        view! { <p class="once" role="status">{text}</p> }
    });
    view! {
        {note}
        <section class="card">
            <h2>"Account alias"</h2>
            <p class="hint">"IAM users sign in at the alias's own address. A new alias replaces the old one, whose address stops working."</p>
            <FormAlert error=alias_error/>
            <ActionForm action=alias>
                <TextField id="account_alias" label="Account alias" field="accountAlias" error=alias_error
                    value=typed_alias.or(settings.alias)/>
                <button type="submit" class="secondary">"Save alias"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Password policy"</h2>
            <p data-testid="policy-state">{if settings.custom_policy {
                "This account has a custom password policy for IAM users. It never applies to the root user."
            } else {
                "No custom policy: IAM user passwords need 8 to 128 characters, three of uppercase, lowercase, numbers and symbols, and must differ from the user name."
            }}</p>
            <FormAlert error=policy_error/>
            <ActionForm action=policy>
                <TextField id="minimum_password_length" label="Minimum password length" field="minimumPasswordLength"
                    error=policy_error value=Some(p.minimum_password_length) hint="6 to 128 characters."/>
                {checkbox("require_uppercase_characters", "Require at least one uppercase letter", p.require_uppercase_characters)}
                {checkbox("require_lowercase_characters", "Require at least one lowercase letter", p.require_lowercase_characters)}
                {checkbox("require_numbers", "Require at least one number", p.require_numbers)}
                {checkbox("require_symbols", "Require at least one non-alphanumeric character", p.require_symbols)}
                {checkbox("allow_users_to_change_password", "Allow users to change their own password", p.allow_users_to_change_password)}
                {checkbox("expire_passwords", "Enable password expiration", p.expire_passwords)}
                <TextField id="max_password_age" label="Password expiration period (days)" field="maxPasswordAge"
                    error=policy_error value=Some(p.max_password_age) hint="1 to 1095 days."/>
                {checkbox("hard_expiry", "Password expiration requires administrator reset", p.hard_expiry)}
                {checkbox("prevent_reuse", "Prevent password reuse", p.prevent_reuse)}
                <TextField id="password_reuse_prevention" label="Number of passwords to remember"
                    field="passwordReusePrevention" error=policy_error value=Some(p.password_reuse_prevention)
                    hint="1 to 24."/>
                <button type="submit" class="primary">"Save changes"</button>
            </ActionForm>
            {settings.custom_policy.then(|| view! {
                <ActionForm action=reset>
                    <button type="submit" class="secondary">"Reset to default"</button>
                </ActionForm>
            })}
        </section>
    }
}
