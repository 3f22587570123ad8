//! `/console/account`: the account alias and the account password policy.

use crate::dto::Navigate;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use lanyard_iam::domain::PasswordPolicyInput;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSettingsDto {
    pub alias: Option<String>,
    /// The policy form's values (the suggested ones when the account has no custom policy).
    pub policy: PasswordPolicyInput,
    pub custom_policy: bool,
}

#[server(endpoint = "account_settings")]
pub async fn load_account_settings() -> Result<AccountSettingsDto, AppError> {
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::domain::{AccountRef, PasswordPolicy};

    let state = ConsoleState::get()?;
    let principal = signed_in().await?;
    let policy = state.engine.get_password_policy(&principal).await?;
    let account = state.engine.find_account(&AccountRef::Id(principal.account_id().clone())).await?;
    Ok(AccountSettingsDto {
        alias: account.and_then(|a| a.alias).map(|a| a.to_string()),
        policy: PasswordPolicy::to_input(policy.as_ref()),
        custom_policy: policy.is_some(),
    })
}

#[server(endpoint = "save_alias")]
pub async fn save_alias(account_alias: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let typed = vec![("account_alias".to_owned(), account_alias.chars().take(100).collect())];
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        state.engine.set_account_alias(&principal, &account_alias).await?;
        Ok(Navigate { to: "/console/account?saved=alias".into() })
    }
    .await;
    finish("account-alias", Some(IamAction::CreateAccountAlias), result, |n| n.to.clone(), typed).await
}

/// Checkboxes arrive only when checked, numbers as typed.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_password_policy")]
pub async fn save_password_policy(
    minimum_password_length: String,
    require_uppercase_characters: Option<String>,
    require_lowercase_characters: Option<String>,
    require_numbers: Option<String>,
    require_symbols: Option<String>,
    allow_users_to_change_password: Option<String>,
    expire_passwords: Option<String>,
    max_password_age: Option<String>,
    hard_expiry: Option<String>,
    prevent_reuse: Option<String>,
    password_reuse_prevention: Option<String>,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let input = PasswordPolicyInput {
        minimum_password_length,
        require_symbols: require_symbols.is_some(),
        require_numbers: require_numbers.is_some(),
        require_uppercase_characters: require_uppercase_characters.is_some(),
        require_lowercase_characters: require_lowercase_characters.is_some(),
        allow_users_to_change_password: allow_users_to_change_password.is_some(),
        expire_passwords: expire_passwords.is_some(),
        max_password_age: max_password_age.unwrap_or_default(),
        prevent_reuse: prevent_reuse.is_some(),
        password_reuse_prevention: password_reuse_prevention.unwrap_or_default(),
        hard_expiry: hard_expiry.is_some(),
    };
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        state.engine.update_password_policy(&principal, &input).await?;
        Ok(Navigate { to: "/console/account?saved=policy".into() })
    }
    .await;
    finish("password-policy", Some(IamAction::UpdateAccountPasswordPolicy), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "reset_password_policy")]
pub async fn reset_password_policy() -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        // No policy is already the default: the console's reset succeeds (the API's
        // DeleteAccountPasswordPolicy answers NoSuchEntity, as AWS does).
        match state.engine.delete_password_policy(&principal).await {
            Ok(()) | Err(lanyard_iam::IamError::NoSuchEntity(_)) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Navigate { to: "/console/account?saved=default".into() })
    }
    .await;
    finish("password-policy", Some(IamAction::DeleteAccountPasswordPolicy), result, |n| n.to.clone(), Vec::new()).await
}
