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
    use crate::ssr::{client_addr, finish, sign_in_session, ConsoleState};
    use lanyard_iam::domain::Password;
    use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};

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
        let target = match kind.as_str() {
            "root" => SignInTarget::Root { email: email.unwrap_or_default() },
            _ => SignInTarget::User { account: account.unwrap_or_default(), user_name: user_name.unwrap_or_default() },
        };
        let signed_in =
            state.engine.sign_in(SignInRequest { target, password: Password::new(password), source }).await?;
        let from = from.filter(|f| f.starts_with('/') && !f.starts_with("//")).unwrap_or_else(|| "/signin".into());
        sign_in_session(&signed_in, &from).await?;
        Ok(Navigate { to: "/console".into() })
    }
    .await;
    finish("signin", result, |n| n.to.clone(), typed).await
}

/// Signs out: the server-side session is deleted, then the browser returns to its sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<Navigate, AppError> {
    use crate::ssr::{finish, request_session, signin_page_of_session};
    use lanyard_iam::IamError;

    let result = async {
        let to = signin_page_of_session().await?.unwrap_or_else(|| "/signin".into());
        let session = request_session()?;
        session.flush().await.map_err(|e| IamError::Internal(format!("session flush: {e}")))?;
        Ok(Navigate { to })
    }
    .await;
    finish("signout", result, |n| n.to.clone(), Vec::new()).await
}
