//! Passwords from the console: one's own (the forced change at sign-in and self-service), the
//! rules for the live checklist, and root's "Forgot password?" links.

use crate::dto::{Navigate, OwnPasswordDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// The rules of the signed-in principal's next password and whether they may change it — also
/// for a session whose password change is pending.
#[server(endpoint = "own_password_rules")]
pub async fn load_own_password_rules() -> Result<OwnPasswordDto, AppError> {
    use crate::ssr::{current_session, ConsoleState};
    use lanyard_iam::domain::Principal;
    use lanyard_iam::IamError;

    let state = ConsoleState::get()?;
    let session = current_session().await?.ok_or(IamError::NotSignedIn)?;
    let rules = state.engine.own_password_rules(&session.principal).await?;
    let identities = match session.principal.principal() {
        Principal::User { user_name, .. } => vec![user_name.to_string()],
        Principal::Root { email, .. } => vec![email.clone()],
    };
    Ok(OwnPasswordDto { may_change: rules.may_change || session.must_change_password, rules: rules.rules, identities })
}

/// The signed-in principal changes their own password; this session stays signed in, all others end.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_new_password: String,
) -> Result<Navigate, AppError> {
    use crate::ssr::{client_addr, current_session, finish, password_changed_in_session, ConsoleState};
    use lanyard_iam::domain::Password;
    use lanyard_iam::usecases::password_change::PasswordChange;
    use lanyard_iam::IamError;

    let result = async {
        let state = ConsoleState::get()?;
        let session = current_session().await?.ok_or(IamError::NotSignedIn)?;
        let change = PasswordChange {
            current: Password::new(current_password),
            new: Password::new(new_password),
            confirm: Password::new(confirm_new_password),
            source: client_addr()?,
        };
        let changed = state.engine.change_own_password(&session.principal, change).await?;
        password_changed_in_session(changed.session_epoch, changed.password_expires_at.map(|t| t.unix_timestamp()))
            .await?;
        Ok(Navigate { to: "/console/security-credentials?changed".into() })
    }
    .await;
    finish("change-password", Some(IamAction::ChangePassword), result, |n| n.to.clone(), Vec::new()).await
}

/// "Forgot password?": mails a reset link if a root user has this email. The answer is the same either way.
#[server(endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<Navigate, AppError> {
    use crate::ssr::{client_addr, finish, ConsoleState};

    let result = async {
        let state = ConsoleState::get()?;
        let link = format!("{}/signin/reset?token=", state.hosts.root_signin_url().trim_end_matches("/signin"));
        // The mail is written in the background: the answer comes as fast for unknown emails.
        let _ = state.engine.request_root_password_reset(&email, &link, client_addr()?).await?;
        Ok(Navigate { to: "/signin/forgot?sent".into() })
    }
    .await;
    finish("forgot-password", None, result, |n| n.to.clone(), vec![("email".into(), email.chars().take(256).collect())])
        .await
}

/// Whether a reset link still works (the reset page shows its form only then).
#[server(endpoint = "reset_link_usable")]
pub async fn reset_link_usable(token: String) -> Result<bool, AppError> {
    use crate::ssr::ConsoleState;
    Ok(ConsoleState::get()?.engine.root_reset_link_usable(&token).await?)
}

/// Sets a new root password with a reset link.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    new_password: String,
    confirm_new_password: String,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, ConsoleState};
    use lanyard_iam::domain::Password;

    let result = async {
        let state = ConsoleState::get()?;
        let (new, confirm) = (Password::new(new_password), Password::new(confirm_new_password));
        state.engine.reset_root_password(&token, &new, &confirm).await?;
        Ok(Navigate { to: "/signin?reset".into() })
    }
    .await;
    finish("reset-password", None, result, |n| n.to.clone(), Vec::new()).await
}
