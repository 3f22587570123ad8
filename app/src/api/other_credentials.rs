//! SSH public keys, signing certificates and service-specific credentials on a user's page
//! (`user_name` set) and on My security credentials (one's own). A new service password waits in
//! the (server-side) session until the page shows it once, as a new access key's secret does.

#[cfg(feature = "ssr")]
use crate::api::mfa_page;
#[cfg(feature = "ssr")]
use crate::dto::CredentialKind;
use crate::dto::{Navigate, OtherCredentialsDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const NEW_PASSWORD: &str = "new_service_password";

#[cfg(feature = "ssr")]
fn card_page(user_name: &Option<String>, kind: CredentialKind, note: &str) -> String {
    format!("{}?{}={note}#{}", mfa_page(user_name), kind.card(), kind.card())
}

#[server(endpoint = "load_other_credentials")]
pub async fn load_other_credentials(user_name: Option<String>) -> Result<OtherCredentialsDto, AppError> {
    use crate::api::owner;
    use crate::api::user_detail::format_time;
    use crate::dto::{CredentialRowDto, NewServicePasswordDto};
    use crate::ssr::{request_session, signed_in, ConsoleState};

    let principal = signed_in().await?;
    let engine = &ConsoleState::get()?.engine;
    let who = owner(user_name.clone());
    // A list the viewer may not read is left out; when none may be read, the denial is the answer.
    let mut denied = None;
    let mut listed = |r: Result<Vec<CredentialRowDto>, lanyard_iam::IamError>| match r {
        Ok(rows) => Ok(Some(rows)),
        Err(e) if e.code() == "AccessDenied" => {
            denied = Some(e);
            Ok(None)
        }
        Err(e) => Err(AppError::from(e)),
    };
    let ssh_keys = listed(engine.list_ssh_public_keys(&principal, &who).await.map(|keys| {
        keys.into_iter()
            .map(|k| CredentialRowDto {
                kind: CredentialKind::SshKey,
                id: k.ssh_public_key_id,
                label: k.fingerprint_sha256,
                detail: format!("MD5 {}", k.fingerprint),
                status: k.status,
                created: format_time(k.uploaded_at),
            })
            .collect()
    }))?;
    let certificates = listed(engine.list_signing_certificates(&principal, &who).await.map(|certs| {
        certs
            .into_iter()
            .map(|c| CredentialRowDto {
                kind: CredentialKind::Certificate,
                id: c.certificate_id,
                label: format!("Expires {}", format_time(c.not_after)),
                detail: String::new(),
                status: c.status,
                created: format_time(c.uploaded_at),
            })
            .collect()
    }))?;
    let service_credentials =
        listed(engine.list_service_specific_credentials(&principal, &who, None).await.map(|creds| {
            creds
                .into_iter()
                .map(|c| CredentialRowDto {
                    kind: CredentialKind::ServiceCredential,
                    id: c.credential_id,
                    label: c.service_user_name,
                    detail: c.service_name,
                    status: c.status,
                    created: format_time(c.created_at),
                })
                .collect()
        }))?;
    if let (None, None, None, Some(e)) = (&ssh_keys, &certificates, &service_credentials, denied) {
        return Err(e.into());
    }
    // The password just made for this owner, once: it leaves the session as it is read.
    let session = request_session()?;
    let kept: Option<(String, String, String)> =
        session.get(NEW_PASSWORD).await.map_err(|e| crate::ssr::session_store_failed("session read", e))?;
    let new_password = match kept {
        Some((for_owner, service_user_name, password)) if for_owner == user_name.unwrap_or_default().to_lowercase() => {
            session
                .remove_value(NEW_PASSWORD)
                .await
                .map_err(|e| crate::ssr::session_store_failed("session write", e))?;
            Some(NewServicePasswordDto { service_user_name, password })
        }
        _ => None,
    };
    Ok(OtherCredentialsDto { ssh_keys, certificates, service_credentials, new_password })
}

#[server(endpoint = "upload_ssh_public_key")]
pub async fn upload_ssh_public_key(user_name: Option<String>, public_key: String) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, signed_in, ConsoleState};

    let to = card_page(&user_name, CredentialKind::SshKey, "uploaded");
    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.upload_ssh_public_key(&principal, &owner(user_name), &public_key).await?;
        Ok(Navigate { to })
    }
    .await;
    finish(CredentialKind::SshKey.card(), Some(IamAction::UploadSSHPublicKey), result, |n| n.to.clone(), Vec::new())
        .await
}

#[server(endpoint = "upload_signing_certificate")]
pub async fn upload_signing_certificate(user_name: Option<String>, certificate: String) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, signed_in, ConsoleState};

    let to = card_page(&user_name, CredentialKind::Certificate, "uploaded");
    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.upload_signing_certificate(&principal, &owner(user_name), &certificate).await?;
        Ok(Navigate { to })
    }
    .await;
    finish(
        CredentialKind::Certificate.card(),
        Some(IamAction::UploadSigningCertificate),
        result,
        |n| n.to.clone(),
        Vec::new(),
    )
    .await
}

/// `Generate credentials` (`credential_id` empty, for `service`) or `Reset password` (of
/// `credential_id`); the password goes into the session for the page to show once.
#[server(endpoint = "issue_service_password")]
pub async fn issue_service_password(
    user_name: Option<String>,
    service: String,
    credential_id: String,
) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, request_session, signed_in, ConsoleState};
    use lanyard_iam::domain::CredentialService;

    let kind = CredentialKind::ServiceCredential;
    let to = card_page(&user_name, kind, "password");
    let intended = match credential_id.trim().is_empty() {
        true => IamAction::CreateServiceSpecificCredential,
        false => IamAction::ResetServiceSpecificCredential,
    };
    let result = async {
        let principal = signed_in().await?;
        let engine = &ConsoleState::get()?.engine;
        let for_owner = user_name.clone().unwrap_or_default().to_lowercase();
        let made = match intended {
            IamAction::CreateServiceSpecificCredential => {
                let service = CredentialService::parse(&service)?;
                engine.create_service_specific_credential(&principal, &owner(user_name), service).await?
            }
            _ => engine.reset_service_specific_credential(&principal, &owner(user_name), &credential_id).await?,
        };
        let kept = (for_owner, made.credential.service_user_name.clone(), made.password.expose().to_owned());
        request_session()?
            .insert(NEW_PASSWORD, kept)
            .await
            .map_err(|e| crate::ssr::session_store_failed("session write", e))?;
        Ok(Navigate { to })
    }
    .await;
    finish(kind.card(), Some(intended), result, |n| n.to.clone(), Vec::new()).await
}

/// `Activate` / `Deactivate` any of the three (`status` is `Active` or `Inactive`).
#[server(endpoint = "set_credential_status")]
pub async fn set_credential_status(
    user_name: Option<String>,
    credential_kind: String,
    id: String,
    status: String,
) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::domain::AccessKeyStatus;

    let parsed = CredentialKind::parse(&credential_kind);
    let kind = parsed.clone().unwrap_or(CredentialKind::SshKey);
    let result = async {
        parsed?;
        let principal = signed_in().await?;
        let status = AccessKeyStatus::parse(&status)?;
        let engine = &ConsoleState::get()?.engine;
        let who = owner(user_name.clone());
        match kind {
            CredentialKind::SshKey => engine.update_ssh_public_key(&principal, &who, &id, status).await?,
            CredentialKind::Certificate => engine.update_signing_certificate(&principal, &who, &id, status).await?,
            CredentialKind::ServiceCredential => {
                engine.update_service_specific_credential(&principal, &who, &id, status).await?
            }
        }
        Ok(Navigate { to: card_page(&user_name, kind, &status.as_str().to_lowercase()) })
    }
    .await;
    finish(kind.card(), Some(kind.update_action()), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "delete_credential")]
pub async fn delete_credential(
    user_name: Option<String>,
    credential_kind: String,
    id: String,
) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, signed_in, ConsoleState};

    let parsed = CredentialKind::parse(&credential_kind);
    let kind = parsed.clone().unwrap_or(CredentialKind::SshKey);
    let to = card_page(&user_name, kind, "deleted");
    let result = async {
        parsed?;
        let principal = signed_in().await?;
        let engine = &ConsoleState::get()?.engine;
        let who = owner(user_name);
        match kind {
            CredentialKind::SshKey => engine.delete_ssh_public_key(&principal, &who, &id).await?,
            CredentialKind::Certificate => engine.delete_signing_certificate(&principal, &who, &id).await?,
            CredentialKind::ServiceCredential => {
                engine.delete_service_specific_credential(&principal, &who, &id).await?
            }
        }
        Ok(Navigate { to })
    }
    .await;
    finish(kind.card(), Some(kind.delete_action()), result, |n| n.to.clone(), Vec::new()).await
}
