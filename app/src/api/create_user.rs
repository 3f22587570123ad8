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
) -> Result<Navigate, AppError> {
    use super::{encode, keep_tags};
    use crate::ssr::{current_principal, finish, ConsoleState};
    use lanyard_iam::usecases::users::NewUser;
    use lanyard_iam::IamError;

    let tags = TagRow::pairs(tags);
    let mut typed = vec![
        ("user_name".to_owned(), user_name.chars().take(256).collect()),
        ("path".to_owned(), path.clone().unwrap_or_default().chars().take(600).collect()),
    ];
    keep_tags(&tags, &mut typed);
    let result = async {
        let state = ConsoleState::get()?;
        let principal = current_principal().await?.ok_or(IamError::NotSignedIn)?;
        let input = NewUser { user_name, path, tags, ..NewUser::default() };
        let user = state.engine.create_user(&principal, input).await?;
        Ok(Navigate { to: format!("/console/users?path={}", encode(user.path.as_str())) })
    }
    .await;
    finish("create-user", result, |n| n.to.clone(), typed).await
}
