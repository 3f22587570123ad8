//! `sign_in` and `sign_out`: the two console sign-in flows and ending a session.

use crate::dto::Navigate;
use crate::error::AppError;
use leptos::prelude::*;

/// Signs in a root user (`kind=root`: `email`) or an IAM user (`kind=iam`: `account`, `user_name`).
/// `from` is the sign-in page's own path, where signing out returns to.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    kind: String,
    email: Option<String>,
    account: Option<String>,
    user_name: Option<String>,
    password: String,
    from: Option<String>,
) -> Result<Navigate, AppError> {
    use crate::ssr::{begin_mfa_session, client_addr, finish, sign_in_session, ConsoleState};
    use lanyard_iam::domain::Password;
    use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
    use lanyard_iam::IamError;

    // Kept for the form if a plain (no-JavaScript) post fails; the password never is.
    let typed: Vec<(String, String)> = [
        ("kind", Some(&kind)),
        ("email", email.as_ref()),
        ("account", account.as_ref()),
        ("user_name", user_name.as_ref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.chars().take(256).collect())))
    .collect();
    let result = async {
        let state = ConsoleState::get()?;
        let source = client_addr()?;
        // An account's host signs in only that account's IAM users, the account taken from the
        // host; root signs in only on the console's own host (as AWS's root sign-in page).
        let host_account = state.hosts.account_label(&crate::ssr::request_host()?);
        let target = match (kind.as_str(), host_account) {
            ("root", Some(_)) => {
                return Err(IamError::InvalidInput(format!(
                    "The root user signs in at {}.",
                    state.hosts.root_signin_url()
                ))
                .into())
            }
            ("root", None) => SignInTarget::Root { email: email.unwrap_or_default() },
            (_, Some(label)) => SignInTarget::User { account: label, user_name: user_name.unwrap_or_default() },
            (_, None) => {
                SignInTarget::User { account: account.unwrap_or_default(), user_name: user_name.unwrap_or_default() }
            }
        };
        let user_agent = crate::ssr::request_user_agent();
        let request = SignInRequest { target, password: Password::new(password), source, user_agent };
        let signed_in = state.engine.sign_in(request).await?;
        let from = from.as_deref().and_then(crate::hosts::safe_local_path).unwrap_or("/signin").to_owned();
        if signed_in.mfa_required {
            begin_mfa_session(&signed_in, &from).await?;
            return Ok(Navigate { to: "/signin/mfa".into() });
        }
        sign_in_session(&signed_in, &from, false).await?;
        Ok(Navigate { to: "/console".into() })
    }
    .await;
    finish("signin", None, result, |n| n.to.clone(), typed).await
}

/// The MFA step: a current code from one of the principal's devices completes the sign-in.
#[server(endpoint = "sign_in_mfa")]
pub async fn sign_in_mfa(mfa_code: String) -> Result<Navigate, AppError> {
    use crate::ssr::{client_addr, finish, pending_mfa, sign_in_session, ConsoleState};
    use lanyard_iam::domain::AccountId;
    use lanyard_iam::usecases::sign_in::{SignInClient, SignedIn};
    use lanyard_iam::IamError;

    let result = async {
        let state = ConsoleState::get()?;
        let source = client_addr()?;
        let Some(pending) = pending_mfa().await? else {
            return Err(IamError::InvalidInput("Your sign-in has timed out. Please sign in again.".into()).into());
        };
        let account_id = AccountId::parse(&pending.account_id)?;
        let principal = state
            .engine
            .find_principal(pending.kind, &account_id, pending.user_id.as_deref(), pending.epoch)
            .await?
            .ok_or(IamError::SignInFailed)?;
        let client = SignInClient { source, user_agent: crate::ssr::request_user_agent() };
        state.engine.complete_mfa_sign_in(&principal, &mfa_code, client).await?;
        let signed_in = SignedIn {
            principal,
            must_change_password: pending.must_change_password,
            password_expires_at: pending
                .password_expires_at
                .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok()),
            session_epoch: pending.epoch,
            mfa_required: false,
        };
        sign_in_session(&signed_in, &pending.signin_page, true).await?;
        Ok(Navigate { to: "/console".into() })
    }
    .await;
    finish("signin-mfa", None, result, |n| n.to.clone(), Vec::new()).await
}

/// Whether a sign-in is waiting for its MFA code (the MFA step page shows its form only then).
#[server(endpoint = "mfa_step_pending")]
pub async fn mfa_step_pending() -> Result<bool, AppError> {
    Ok(crate::ssr::pending_mfa().await?.is_some())
}

/// Signs out: the server-side session is deleted, then the browser returns to its sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<Navigate, AppError> {
    use crate::ssr::{finish, request_session, signin_page_of_session};

    let result = async {
        // Checked again: a session stored before the check existed may hold anything.
        let to = signin_page_of_session()
            .await?
            .filter(|p| crate::hosts::safe_local_path(p).is_some())
            .unwrap_or_else(|| "/signin".into());
        // Recorded while the session still names who signs out (a broken session signs out anyway).
        if let Ok(Some(session)) = crate::ssr::current_session().await {
            crate::ssr::ConsoleState::get()?.engine.record_sign_out(&session.principal).await;
        }
        let session = request_session()?;
        session.flush().await.map_err(|e| crate::ssr::session_store_failed("session flush", e))?;
        Ok(Navigate { to })
    }
    .await;
    finish("signout", None, result, |n| n.to.clone(), Vec::new()).await
}
