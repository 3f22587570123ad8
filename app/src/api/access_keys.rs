//! Access keys on a user's page (`user_name` set) and on My security credentials (own keys, root
//! included). A new key's secret waits in the (server-side) session until the page shows it once.

#[cfg(feature = "ssr")]
use crate::api::mfa_page;
use crate::dto::{AccessKeyDto, Navigate, NewAccessKeyDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const NEW_KEY: &str = "new_access_key";

/// The page's own address with the access keys card in view.
#[cfg(feature = "ssr")]
fn keys_page(user_name: &Option<String>, query: &str) -> String {
    format!("{}{query}#access-keys", mfa_page(user_name))
}

#[server(endpoint = "load_access_keys")]
pub async fn load_access_keys(user_name: Option<String>) -> Result<Vec<AccessKeyDto>, AppError> {
    use crate::api::owner;
    use crate::api::user_detail::format_time;
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    let keys = ConsoleState::get()?.engine.list_access_keys(&principal, &owner(user_name)).await?;
    let now = time::OffsetDateTime::now_utc();
    Ok(keys
        .into_iter()
        .map(|k| AccessKeyDto {
            last_used: match k.last_used_at {
                Some(t) => format!(
                    "{} · {} · {}",
                    format_time(t),
                    k.last_used_service.unwrap_or_else(|| "N/A".into()),
                    k.last_used_region.unwrap_or_else(|| "N/A".into())
                ),
                None => "N/A".into(),
            },
            age_days: (now - k.created_at).whole_days(),
            created: format_time(k.created_at),
            access_key_id: k.access_key_id,
            status: k.status,
        })
        .collect())
}

#[server(endpoint = "create_access_key")]
pub async fn create_access_key(user_name: Option<String>) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, request_session, signed_in, ConsoleState};

    let to = keys_page(&user_name, "?keys=created");
    let result = async {
        let principal = signed_in().await?;
        let owner_key = user_name.clone().unwrap_or_default().to_lowercase();
        let new = ConsoleState::get()?.engine.create_access_key(&principal, &owner(user_name)).await?;
        let kept = (owner_key, new.key.access_key_id.clone(), new.secret.expose().to_owned());
        request_session()?
            .insert(NEW_KEY, kept)
            .await
            .map_err(|e| crate::ssr::session_store_failed("session write", e))?;
        Ok(Navigate { to })
    }
    .await;
    finish("access-keys", Some(IamAction::CreateAccessKey), result, |n| n.to.clone(), Vec::new()).await
}

/// The key just created for this owner, once: it leaves the session as it is read.
#[server(endpoint = "take_new_access_key")]
pub async fn take_new_access_key(user_name: Option<String>) -> Result<Option<NewAccessKeyDto>, AppError> {
    use crate::ssr::{request_session, signed_in};

    signed_in().await?;
    let session = request_session()?;
    let kept: Option<(String, String, String)> =
        session.get(NEW_KEY).await.map_err(|e| crate::ssr::session_store_failed("session read", e))?;
    match kept {
        Some((owner, id, secret)) if owner == user_name.unwrap_or_default().to_lowercase() => {
            session.remove_value(NEW_KEY).await.map_err(|e| crate::ssr::session_store_failed("session write", e))?;
            Ok(Some(NewAccessKeyDto { access_key_id: id, secret_access_key: secret }))
        }
        _ => Ok(None),
    }
}

/// `Activate` / `Deactivate` (`status` is `Active` or `Inactive`).
#[server(endpoint = "set_access_key_status")]
pub async fn set_access_key_status(
    user_name: Option<String>,
    access_key_id: String,
    status: String,
) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::domain::AccessKeyStatus;

    let result = async {
        let principal = signed_in().await?;
        let status = AccessKeyStatus::parse(&status)?;
        // A distinct address per outcome: a page load to the very same URL would only scroll.
        let to = keys_page(
            &user_name,
            &format!("?keys={}&key={}", status.as_str().to_lowercase(), crate::api::encode(&access_key_id)),
        );
        ConsoleState::get()?.engine.update_access_key(&principal, &owner(user_name), &access_key_id, status).await?;
        Ok(Navigate { to })
    }
    .await;
    finish("access-keys", Some(IamAction::UpdateAccessKey), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "delete_access_key")]
pub async fn delete_access_key(user_name: Option<String>, access_key_id: String) -> Result<Navigate, AppError> {
    use crate::api::owner;
    use crate::ssr::{finish, signed_in, ConsoleState};

    let to = keys_page(&user_name, "?keys=deleted");
    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.delete_access_key(&principal, &owner(user_name), &access_key_id).await?;
        Ok(Navigate { to })
    }
    .await;
    finish("access-keys", Some(IamAction::DeleteAccessKey), result, |n| n.to.clone(), Vec::new()).await
}
