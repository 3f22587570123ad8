//! Changes on one user's page besides rename/move: the tags, clearing the sign-in lock, and the
//! console's delete (which takes the user's credentials with it).

use crate::components::TagRow;
use crate::dto::Navigate;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// Where a user's page is, with the name percent-encoded for a URL path. A user literally named
/// `new` would be shadowed by the create form at `/console/users/new`, so that one name gets its
/// page at `/console/users/new/user` (user names never contain `/`, so nothing else can collide).
pub fn user_page(user_name: &str) -> String {
    if user_name == "new" {
        "/console/users/new/user".to_owned()
    } else {
        format!("/console/users/{}", encode(user_name))
    }
}

/// Percent-encodes everything but unreserved characters (names and paths into URLs).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The tag rows typed into a failed no-JavaScript post, to show them again.
pub fn typed_tags(values: &[(String, String)]) -> Vec<(String, String)> {
    let keys = values.iter().filter(|(k, _)| k == "tag-key").map(|(_, v)| v.clone());
    let vals = values.iter().filter(|(k, _)| k == "tag-value").map(|(_, v)| v.clone());
    keys.zip(vals).collect()
}

/// Keeps tag rows typed into a form (bounded) for the page to show again after a failed plain post.
#[cfg(feature = "ssr")]
pub(crate) fn keep_tags(tags: &[(String, String)], out: &mut Vec<(String, String)>) {
    for (k, v) in tags.iter().filter(|(k, v)| !(k.is_empty() && v.is_empty())).take(60) {
        out.push(("tag-key".to_owned(), k.chars().take(200).collect()));
        out.push(("tag-value".to_owned(), v.chars().take(300).collect()));
    }
}

/// The console's tag editor: the user's tags become exactly the rows sent.
#[server(endpoint = "update_user_tags")]
pub async fn update_user_tags(user_name: String, tags: Option<Vec<TagRow>>) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let tags = TagRow::pairs(tags);
    let mut typed = Vec::new();
    keep_tags(&tags, &mut typed);
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        state.engine.replace_user_tags(&principal, &user_name, &tags).await?;
        Ok(Navigate { to: user_page(&user_name) })
    }
    .await;
    finish("user-tags", Some(IamAction::TagUser), result, |n| n.to.clone(), typed).await
}

#[server(endpoint = "clear_sign_in_lock")]
pub async fn clear_sign_in_lock(user_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        state.engine.clear_sign_in_lock(&principal, &user_name).await?;
        Ok(Navigate { to: user_page(&user_name) })
    }
    .await;
    finish("sign-in-lock", Some(IamAction::UpdateLoginProfile), result, |n| n.to.clone(), Vec::new()).await
}

/// Deletes the user with everything they own, once the name has been typed again exactly.
#[server(endpoint = "delete_user")]
pub async fn delete_user(user_name: String, confirm_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::IamError;

    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        if confirm_name.trim() != user_name {
            return Err(IamError::field(
                "confirmName",
                format!("type the user name exactly as shown ({user_name}) to confirm"),
            )
            .into());
        }
        let user = state.engine.delete_user_with_credentials(&principal, &user_name).await?;
        Ok(Navigate { to: format!("/console/users?path={}", encode(user.path.as_str())) })
    }
    .await;
    finish("delete-user", Some(IamAction::DeleteUser), result, |n| n.to.clone(), Vec::new()).await
}

/// `Set boundary` on a user's page: PutUserPermissionsBoundary with the chosen managed policy.
#[server(endpoint = "set_permissions_boundary")]
pub async fn set_permissions_boundary(user_name: String, boundary: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.put_user_permissions_boundary(&principal, &user_name, &boundary).await?;
        // A new query, not just the fragment: the browser must load the page again.
        Ok(Navigate { to: format!("{}?boundary=set#boundary", user_page(&user_name)) })
    }
    .await;
    finish("permissions-boundary", Some(IamAction::PutUserPermissionsBoundary), result, |n| n.to.clone(), Vec::new())
        .await
}

/// `Remove boundary`: DeleteUserPermissionsBoundary.
#[server(endpoint = "remove_permissions_boundary")]
pub async fn remove_permissions_boundary(user_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.delete_user_permissions_boundary(&principal, &user_name).await?;
        Ok(Navigate { to: format!("{}?boundary=removed#boundary", user_page(&user_name)) })
    }
    .await;
    finish("permissions-boundary", Some(IamAction::DeleteUserPermissionsBoundary), result, |n| n.to.clone(), Vec::new())
        .await
}
