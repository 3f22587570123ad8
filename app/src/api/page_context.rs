//! `load_page_context`: who is signed in, which account a sign-in page is for, and any form error.

use crate::dto::PageContext;
use crate::error::AppError;
use leptos::prelude::*;

/// `account` names the account of a `/signin/<account>` page; otherwise the host decides.
#[server(endpoint = "page_context")]
pub async fn load_page_context(account: Option<String>) -> Result<PageContext, AppError> {
    use crate::dto::{AccountDto, PrincipalDto};
    use crate::ssr::{current_session, request_host, take_flash, ConsoleState};
    use lanyard_iam::domain::AccountRef;

    let state = ConsoleState::get()?;
    let session = current_session().await?;
    let must_change_password = session.as_ref().is_some_and(|s| s.must_change_password);
    let expires_in_days = session.as_ref().and_then(|s| s.password_expires_at).and_then(|t| {
        let days = (t - time::OffsetDateTime::now_utc().unix_timestamp()).div_euclid(86_400);
        (days <= 15).then_some(days.max(0))
    });
    let principal = session.map(|s| s.principal);
    let account_dto = match &principal {
        Some(p) => state.engine.find_account(&AccountRef::Id(p.account_id().clone())).await?.map(|a| {
            let label = a.alias.as_ref().map(|x| x.to_string()).unwrap_or_else(|| a.account_id.to_string());
            AccountDto {
                signin_url: state.hosts.account_signin_url(&label),
                account_id: a.account_id.to_string(),
                alias: a.alias.map(|x| x.to_string()),
            }
        }),
        None => None,
    };
    let signin_account = account
        .map(|a| a.trim().chars().take(64).collect::<String>())
        .filter(|a| !a.is_empty())
        .or_else(|| request_host().ok().and_then(|h| state.hosts.account_label(&h)));
    Ok(PageContext {
        principal: principal.map(|p| PrincipalDto {
            arn: p.arn(),
            is_root: matches!(p.principal(), lanyard_iam::domain::Principal::Root { .. }),
            display_name: p.display_name().to_owned(),
            account_id: p.account_id().to_string(),
            password_expires_in_days: expires_in_days,
            can: crate::ssr::console_capabilities(&p),
        }),
        account: account_dto,
        signin_account,
        root_signin_url: state.hosts.root_signin_url(),
        flash: take_flash().await,
        must_change_password,
    })
}
