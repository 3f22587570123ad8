//! Groups: `/console/groups` (list, create) and `/console/groups/<name>` (members, delete), and a
//! user's groups on the user's page.

use crate::dto::{GroupDetailDto, GroupDto, Navigate};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// The address of a group's page.
pub fn group_page(group_name: &str) -> String {
    format!("/console/groups/{}", crate::api::encode(group_name))
}

#[cfg(feature = "ssr")]
fn to_dto(g: lanyard_iam::usecases::groups::Group) -> GroupDto {
    GroupDto {
        created: crate::api::user_detail::format_time(g.created_at),
        group_name: g.group_name,
        group_id: g.group_id,
        path: g.path,
        arn: g.arn,
    }
}

#[server(endpoint = "load_groups")]
pub async fn load_groups() -> Result<Vec<GroupDto>, AppError> {
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    Ok(ConsoleState::get()?.engine.list_groups(&principal, None).await?.into_iter().map(to_dto).collect())
}

/// Creates a group and opens its page; `then=add-users` (the permissions step's `Create group`)
/// goes back to that step instead, with the new group chosen.
#[server(endpoint = "create_group")]
pub async fn create_group(
    group_name: String,
    path: Option<String>,
    then: Option<String>,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let typed = vec![
        ("group_name".to_owned(), group_name.chars().take(256).collect()),
        ("path".to_owned(), path.clone().unwrap_or_default().chars().take(600).collect()),
    ];
    let result = async {
        let principal = signed_in().await?;
        let group = ConsoleState::get()?.engine.create_group(&principal, &group_name, path.as_deref()).await?;
        if then.as_deref() == Some("add-users") {
            super::choose_new_group(&group.group_name).await?;
            return Ok(Navigate { to: super::add_users_step_page("permissions") });
        }
        Ok(Navigate { to: group_page(&group.group_name) })
    }
    .await;
    finish("create-group", Some(IamAction::CreateGroup), result, |n| n.to.clone(), typed).await
}

#[server(endpoint = "load_group")]
pub async fn load_group(group_name: String) -> Result<GroupDetailDto, AppError> {
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    let d = ConsoleState::get()?.engine.get_group(&principal, &group_name).await?;
    let resource = lanyard_iam::usecases::actor::Resource::untagged(d.group.arn.clone());
    let can = crate::ssr::entity_capabilities(&principal, lanyard_iam::domain::EntityKind::Group, &resource);
    Ok(GroupDetailDto { group: to_dto(d.group), members: d.members, can })
}

#[server(endpoint = "add_group_member")]
pub async fn add_group_member(group_name: String, user_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let typed = vec![("user_name".to_owned(), user_name.chars().take(256).collect())];
    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.add_user_to_group(&principal, &group_name, &user_name).await?;
        Ok(Navigate { to: format!("{}?added={}", group_page(&group_name), crate::api::encode(user_name.trim())) })
    }
    .await;
    finish("group-members", Some(IamAction::AddUserToGroup), result, |n| n.to.clone(), typed).await
}

#[server(endpoint = "remove_group_member")]
pub async fn remove_group_member(group_name: String, user_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.remove_user_from_group(&principal, &group_name, &user_name).await?;
        Ok(Navigate { to: format!("{}?removed={}", group_page(&group_name), crate::api::encode(&user_name)) })
    }
    .await;
    finish("group-members", Some(IamAction::RemoveUserFromGroup), result, |n| n.to.clone(), Vec::new()).await
}

/// Deletes the group with its memberships, once its name is typed again into `confirm_name`.
#[server(endpoint = "delete_group")]
pub async fn delete_group(group_name: String, confirm_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::IamError;

    let result = async {
        let principal = signed_in().await?;
        if confirm_name.trim() != group_name {
            return Err(IamError::field("confirmName", "must be the group's name, exactly").into());
        }
        ConsoleState::get()?
            .engine
            .delete_group(&principal, &group_name, lanyard_iam::usecases::Dependents::Remove)
            .await?;
        Ok(Navigate { to: "/console/groups?deleted".into() })
    }
    .await;
    finish("delete-group", Some(IamAction::DeleteGroup), result, |n| n.to.clone(), Vec::new()).await
}

/// The groups a user belongs to, for the user's page.
#[server(endpoint = "load_user_groups")]
pub async fn load_user_groups(user_name: String) -> Result<Vec<GroupDto>, AppError> {
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    let groups = ConsoleState::get()?.engine.list_groups_for_user(&principal, &user_name).await?;
    Ok(groups.into_iter().map(to_dto).collect())
}
