//! `create_user`: IAM's CreateUser from the console form.

use crate::components::TagRow;
use crate::dto::Navigate;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "create_user")]
pub async fn create_user(
    user_name: String,
    path: Option<String>,
    tags: Option<Vec<TagRow>>,
    console_access: Option<String>,
    password_kind: Option<String>,
    custom_password: Option<String>,
    reset_required: Option<String>,
) -> Result<Navigate, AppError> {
    use super::{encode, keep_generated_password, keep_tags, user_page};
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::domain::Password;
    use lanyard_iam::usecases::users::NewUser;

    let tags = TagRow::pairs(tags);
    let mut typed = vec![
        ("user_name".to_owned(), user_name.chars().take(256).collect()),
        ("path".to_owned(), path.clone().unwrap_or_default().chars().take(600).collect()),
    ];
    keep_tags(&tags, &mut typed);
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        let console = console_access.is_some();
        let custom = password_kind.as_deref() == Some("custom");
        let input = NewUser {
            user_name,
            path,
            tags,
            password: (console && custom).then(|| Password::new(custom_password.unwrap_or_default())),
            autogenerate_password: console && !custom,
            password_reset_required: console && reset_required.is_some(),
        };
        let (user, generated) = state.engine.create_user_with_console_access(&principal, input).await?;
        if let Some(generated) = generated {
            keep_generated_password(user.user_name.as_str(), &generated).await?;
            return Ok(Navigate { to: user_page(user.user_name.as_str()) });
        }
        Ok(Navigate { to: format!("/console/users?path={}", encode(user.path.as_str())) })
    }
    .await;
    finish("create-user", result, |n| n.to.clone(), typed).await
}
