//! `create_user`: IAM's CreateUser from the console form.

use crate::dto::Navigate;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "create_user")]
pub async fn create_user(user_name: String, path: Option<String>) -> Result<Navigate, AppError> {
    use crate::ssr::{current_principal, finish, ConsoleState};
    use lanyard_iam::usecases::users::NewUser;
    use lanyard_iam::IamError;

    let typed = vec![
        ("user_name".to_owned(), user_name.chars().take(256).collect()),
        ("path".to_owned(), path.clone().unwrap_or_default().chars().take(600).collect()),
    ];
    let result = async {
        let state = ConsoleState::get()?;
        let principal = current_principal().await?.ok_or(IamError::NotSignedIn)?;
        let input = NewUser { user_name, path, password: None, password_reset_required: false };
        let user = state.engine.create_user(&principal, input).await?;
        let encoded: String = user
            .path
            .as_str()
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        Ok(Navigate { to: format!("/console/users?path={encoded}") })
    }
    .await;
    finish("create-user", result, |n| n.to.clone(), typed).await
}
