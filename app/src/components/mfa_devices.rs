//! The MFA devices card on a user's page and on My security credentials: the devices with
//! `Resync` and `Remove`, and `Assign MFA device` (QR code, `Show secret key`, two codes, `Add MFA`).
//! Each step has its own address (`?mfa=assign`, `?mfa=remove&device=…`), so it works without
//! JavaScript, except revealing the secret key (an island).

use crate::api::{mfa_page, EnableMfaDevice, RemoveMfaDevice, ResyncMfaDevice};
use crate::components::{form_error, FormAlert, PasswordInput, TextField};
use crate::dto::{Flash, MfaDeviceDto, MfaEnrolmentDto};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Which part of the card the address asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MfaStep {
    List,
    Assign,
    Remove(String),
    Resync(String),
}

impl MfaStep {
    pub fn from_query(mfa: Option<String>, device: Option<String>) -> Self {
        match (mfa.as_deref(), device) {
            (Some("assign"), _) => MfaStep::Assign,
            (Some("remove"), Some(d)) => MfaStep::Remove(d),
            (Some("resync"), Some(d)) => MfaStep::Resync(d),
            _ => MfaStep::List,
        }
    }
}

fn owner_input(user_name: &Option<String>) -> impl IntoView {
    user_name.clone().map(|name| view! { <input type="hidden" name="user_name" value=name/> })
}

#[component]
pub fn MfaDevices(
    /// The user whose devices these are; `None` for the signed-in principal's own.
    user_name: Option<String>,
    devices: Vec<MfaDeviceDto>,
    step: MfaStep,
    enrolment: Option<MfaEnrolmentDto>,
    /// `added`, `removed` or `resynced` after a change.
    note: Option<String>,
    flash: Option<Flash>,
    /// The viewer may list but not change these devices: no buttons.
    #[prop(optional)]
    read_only: bool,
) -> impl IntoView {
    let page = mfa_page(&user_name);
    let flash_for = |form: &str| flash.clone().filter(|f| f.form == form);
    let note = note.and_then(|n| match n.as_str() {
        "added" => Some("The MFA device has been assigned. It will be asked for at sign-in."),
        "removed" => Some("The MFA device has been removed."),
        "resynced" => Some("The MFA device has been resynchronized."),
        _ => None,
    });
    let empty = devices.is_empty();
    // While a step is open its own buttons are the only ones of their name on the page.
    let listing = step == MfaStep::List && !read_only;
    let rows = devices
        .into_iter()
        .map(|d| {
            let page = page.clone();
            let (for_resync, for_remove) = (d.name.clone(), d.name.clone());
            view! {
                <tr>
                    <td>{d.name}</td>
                    <td><code>{d.serial_number}</code></td>
                    <td>{d.enabled}</td>
                    <td>{d.last_used}</td>
                    <td class="actions">
                        {listing.then(|| view! {
                        <form method="get" action=format!("{page}#mfa") class="inline">
                            <input type="hidden" name="mfa" value="resync"/>
                            <input type="hidden" name="device" value=for_resync/>
                            <button type="submit" class="secondary">"Resync"</button>
                        </form>
                        <form method="get" action=format!("{page}#mfa") class="inline">
                            <input type="hidden" name="mfa" value="remove"/>
                            <input type="hidden" name="device" value=for_remove/>
                            <button type="submit" class="secondary">"Remove"</button>
                        </form>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let body = match step {
        MfaStep::Assign => match enrolment {
            Some(e) => {
                view! { <AssignForm user_name=user_name.clone() enrolment=e flash=flash_for("mfa-assign")/> }.into_any()
            }
            None => ().into_any(),
        },
        MfaStep::Remove(device) => {
            view! { <RemoveForm user_name=user_name.clone() device flash=flash_for("mfa-remove")/> }.into_any()
        }
        MfaStep::Resync(device) => {
            view! { <ResyncForm user_name=user_name.clone() device flash=flash_for("mfa-resync")/> }.into_any()
        }
        MfaStep::List if read_only => ().into_any(),
        MfaStep::List => view! {
            <form method="get" action=format!("{page}#mfa")>
                <input type="hidden" name="mfa" value="assign"/>
                <button type="submit" class="secondary">"Assign MFA device"</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <section class="card" id="mfa">
            <h2>"Multi-factor authentication (MFA)"</h2>
            {note.map(|n| view! { <p class="once" role="status">{n}</p> })}
            {if empty {
                view! { <p data-testid="mfa-state">"No MFA device assigned. Sign-in needs only the password."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="mfa-devices">
                        <thead><tr><th>"Device name"</th><th>"Identifier"</th><th>"Assigned"</th><th>"Last used"</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            {body}
        </section>
    }
}

#[component]
fn AssignForm(user_name: Option<String>, enrolment: MfaEnrolmentDto, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<EnableMfaDevice>::new();
    let typed_name = flash.as_ref().and_then(|f| f.value("device_name"));
    let error = form_error(flash, "mfa-assign");
    let secret = enrolment.secret.clone();
    let page = mfa_page(&user_name);
    view! {
        <div class="enrol">
            <h3>"Assign MFA device"</h3>
            <ol class="steps">
                <li>"Install an authenticator app (any app for TOTP codes) on a phone or computer."</li>
                <li>"Scan this QR code with the app, or type the secret key into it."</li>
                <li>"Type two consecutive codes: the one shown now, then the next one after it changes."</li>
            </ol>
            <img class="qr" src=enrolment.qr_data_uri alt="QR code" width="200" height="200"/>
            <SecretKey secret/>
            <FormAlert error=error/>
            <ActionForm action=action>
                {owner_input(&user_name)}
                <input type="hidden" name="ticket" value=enrolment.ticket/>
                <TextField id="device_name" label="Device name" field="virtualMFADeviceName" error=error
                    value=typed_name hint="Letters, digits and _+=,.@- (1 to 128); unique in the account."/>
                <TextField id="code1" label="MFA code 1" field="authenticationCode1" error=error value=None/>
                <TextField id="code2" label="MFA code 2" field="authenticationCode2" error=error value=None/>
                <button type="submit" class="primary">"Add MFA"</button>
            </ActionForm>
            <p><a href=format!("{page}#mfa")>"Cancel"</a></p>
        </div>
    }
}

#[component]
fn RemoveForm(user_name: Option<String>, device: String, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<RemoveMfaDevice>::new();
    let error = form_error(flash, "mfa-remove");
    let is_self = user_name.is_none();
    let page = mfa_page(&user_name);
    view! {
        <div class="confirm">
            <h3>{format!("Remove MFA device {device}?")}</h3>
            <p>"Sign-in will no longer accept its codes."</p>
            <FormAlert error=error/>
            <ActionForm action=action>
                {owner_input(&user_name)}
                <input type="hidden" name="device" value=device.clone()/>
                {is_self.then(|| view! {
                    <PasswordInput id="proof" name="proof" label="Current password or MFA code"
                        field="currentPasswordOrCode" error=error/>
                })}
                <button type="submit" class="danger">"Remove"</button>
            </ActionForm>
            <p><a href=format!("{page}#mfa")>"Cancel"</a></p>
        </div>
    }
}

#[component]
fn ResyncForm(user_name: Option<String>, device: String, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<ResyncMfaDevice>::new();
    let error = form_error(flash, "mfa-resync");
    let page = mfa_page(&user_name);
    view! {
        <div class="confirm">
            <h3>{format!("Resync MFA device {device}")}</h3>
            <p>"If the device's clock has drifted, type two consecutive codes it shows now."</p>
            <FormAlert error=error/>
            <ActionForm action=action>
                {owner_input(&user_name)}
                <input type="hidden" name="device" value=device/>
                <TextField id="code1" label="MFA code 1" field="authenticationCode1" error=error value=None/>
                <TextField id="code2" label="MFA code 2" field="authenticationCode2" error=error value=None/>
                <button type="submit" class="primary">"Resync"</button>
            </ActionForm>
            <p><a href=format!("{page}#mfa")>"Cancel"</a></p>
        </div>
    }
}

/// `Show secret key`: the one part of enrolment that runs in the browser.
#[island]
fn SecretKey(secret: String) -> impl IntoView {
    let shown = RwSignal::new(false);
    view! {
        <p>
            <button type="button" class="secondary" on:click=move |_| shown.update(|s| *s = !*s)>
                {move || if shown.get() { "Hide secret key" } else { "Show secret key" }}
            </button>
            " "
            {move || shown.get().then(|| view! { <code data-testid="mfa-secret">{secret.clone()}</code> })}
        </p>
    }
}
