//! Virtual MFA devices on a user's page (`user_name` set) and on My security credentials
//! (`user_name` absent: the signed-in principal's own, root included).

use crate::dto::{MfaDeviceDto, MfaEnrolmentDto, Navigate};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// The page that shows these devices.
pub fn mfa_page(user_name: &Option<String>) -> String {
    match user_name {
        Some(name) => crate::api::user_page(name),
        None => "/console/security-credentials".to_owned(),
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn owner(user_name: Option<String>) -> lanyard_iam::usecases::credential_owner::OwnerRef {
    use lanyard_iam::usecases::credential_owner::OwnerRef;
    user_name.filter(|n| !n.trim().is_empty()).map(OwnerRef::User).unwrap_or(OwnerRef::Me)
}

#[server(endpoint = "load_mfa_devices")]
pub async fn load_mfa_devices(user_name: Option<String>) -> Result<Vec<MfaDeviceDto>, AppError> {
    use crate::api::user_detail::format_time;
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    let devices = ConsoleState::get()?.engine.list_mfa_devices(&principal, &owner(user_name)).await?;
    Ok(devices
        .into_iter()
        .map(|d| MfaDeviceDto {
            name: d.name,
            serial_number: d.serial_number,
            enabled: format_time(d.enabled_at),
            last_used: d.last_used_at.map(format_time).unwrap_or_else(|| "Never".into()),
        })
        .collect())
}

/// A fresh secret for `Assign MFA device` (or, after a rejected `Add MFA`, the same one again), or
/// nothing when the page is not enrolling.
#[server(endpoint = "start_mfa_enrolment")]
pub async fn start_mfa_enrolment(user_name: Option<String>, assign: bool) -> Result<Option<MfaEnrolmentDto>, AppError> {
    use crate::ssr::{signed_in, take_enrolment_ticket, ConsoleState};

    if !assign {
        return Ok(None);
    }
    let principal = signed_in().await?;
    let engine = &ConsoleState::get()?.engine;
    let e = match take_enrolment_ticket().await {
        Some(previous) => engine.continue_mfa_enrolment(&principal, &owner(user_name), &previous).await?,
        None => engine.start_mfa_enrolment(&principal, &owner(user_name)).await?,
    };
    Ok(Some(MfaEnrolmentDto { qr_data_uri: e.qr_data_uri, secret: e.secret_base32, ticket: e.ticket }))
}

#[server(endpoint = "enable_mfa_device")]
pub async fn enable_mfa_device(
    user_name: Option<String>,
    ticket: String,
    device_name: String,
    code1: String,
    code2: String,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, is_plain_form_post, keep_enrolment_ticket, signed_in, ConsoleState};
    use lanyard_iam::usecases::mfa::EnableMfa;

    let typed = vec![("device_name".to_owned(), device_name.chars().take(200).collect())];
    let page = mfa_page(&user_name);
    let kept = ticket.clone();
    let result = async {
        let principal = signed_in().await?;
        let input = EnableMfa { ticket, device_name, code1, code2 };
        ConsoleState::get()?.engine.enable_mfa_device(&principal, &owner(user_name), input).await?;
        Ok(Navigate { to: format!("{page}?mfa=added#mfa") })
    }
    .await;
    if result.is_err() && is_plain_form_post() {
        keep_enrolment_ticket(&kept).await;
    }
    finish("mfa-assign", Some(IamAction::EnableMFADevice), result, |n| n.to.clone(), typed).await
}

/// `Remove`: `proof` (current password or a current code) is needed for one's own device.
#[server(endpoint = "remove_mfa_device")]
pub async fn remove_mfa_device(
    user_name: Option<String>,
    device: String,
    proof: Option<String>,
) -> Result<Navigate, AppError> {
    use crate::ssr::{client_addr, finish, signed_in, ConsoleState};

    let page = mfa_page(&user_name);
    let result = async {
        let principal = signed_in().await?;
        let source = client_addr()?;
        ConsoleState::get()?
            .engine
            .remove_mfa_device(&principal, &owner(user_name), &device, proof.as_deref(), source)
            .await?;
        Ok(Navigate { to: format!("{page}?mfa=removed#mfa") })
    }
    .await;
    finish("mfa-remove", Some(IamAction::DeactivateMFADevice), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "resync_mfa_device")]
pub async fn resync_mfa_device(
    user_name: Option<String>,
    device: String,
    code1: String,
    code2: String,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let page = mfa_page(&user_name);
    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.resync_mfa_device(&principal, &owner(user_name), &device, &code1, &code2).await?;
        Ok(Navigate { to: format!("{page}?mfa=resynced#mfa") })
    }
    .await;
    finish("mfa-resync", Some(IamAction::ResyncMFADevice), result, |n| n.to.clone(), Vec::new()).await
}
