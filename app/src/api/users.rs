//! `list_users_page`: one page of the account's users and one level of the path tree.

use crate::dto::UsersPageDto;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// `path` is IAM's path prefix; `q` a name substring; `sort` `name` or `created`; `order` `asc` or
/// `desc`; `marker` the previous page's; `size` 1–1000; `hygiene` one of [`UserHygiene::CHOICES`]
/// with `days`.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "list_users_page")]
pub async fn list_users_page(
    path: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    marker: Option<String>,
    size: Option<u32>,
    hygiene: Option<String>,
    days: Option<String>,
) -> Result<UsersPageDto, AppError> {
    use crate::dto::{PathNodeDto, UserRowDto};
    use crate::ssr::signed_in;
    use crate::ssr::ConsoleState;
    use lanyard_iam::domain::{IamPath, UserHygiene};
    use lanyard_iam::usecases::user_directory::{Counting, ListUsersInput, Total, UserSort};
    use lanyard_iam::IamError;

    let state = ConsoleState::get()?;
    let principal = signed_in().await?;
    let fmt = super::user_detail::format_time;
    let hygiene = UserHygiene::parse(hygiene.as_deref(), days.as_deref()).map_err(|m| IamError::field("days", m))?;
    let columns = state.engine.user_columns(&principal).await?;
    let input = ListUsersInput {
        path_prefix: path.clone(),
        search: q,
        sort: if sort.as_deref() == Some("created") { UserSort::Created } else { UserSort::Name },
        descending: order.as_deref() == Some("desc"),
        marker,
        page_size: size,
        counting: Counting::Count,
        hygiene,
        columns: columns.clone(),
    };
    let page = state.engine.list_users(&principal, input).await?;
    let (total, total_is_lower_bound) = match page.total {
        Total::Exact(n) => (n, false),
        Total::AtLeast(n) => (n, true),
        Total::NotCounted => (0, false),
    };
    // The tree shows the filter's own level when it is a whole path, else the top.
    let tree_path = path.as_deref().filter(|p| IamPath::parse(p).is_ok()).unwrap_or("/").to_owned();
    let level = state.engine.list_path_level(&principal, &tree_path).await?;
    let now = time::OffsetDateTime::now_utc();
    let age = |t: Option<time::OffsetDateTime>| match t {
        Some(t) => match (now - t).whole_days() {
            0 => "Today".to_owned(),
            1 => "1 day".to_owned(),
            n => format!("{n} days"),
        },
        None => "None".to_owned(),
    };
    Ok(UsersPageDto {
        columns,
        users: page
            .users
            .into_iter()
            .map(|u| UserRowDto {
                last_activity: u.last_activity().map(fmt).unwrap_or_else(|| "Never".into()),
                groups: u.groups.clone().unwrap_or_else(|| "None".into()),
                password_age: age(u.password_changed_at),
                key_age: age(u.oldest_active_key_at),
                key_age_warn: u.oldest_active_key_at.is_some_and(|t| (now - t).whole_days() > 90),
                key_last_used: u.key_last_used_at.map(fmt).unwrap_or_else(|| "Never".into()),
                created: fmt(u.created_at),
                password_last_used: u.password_last_used_at.map(fmt).unwrap_or_else(|| "Never".into()),
                mfa: match u.mfa_devices {
                    0 => "None".into(),
                    1 => "Virtual".into(),
                    n => format!("Virtual ({n})"),
                },
                ssh_keys: u.ssh_public_keys,
                certificates: u.signing_certificates,
                boundary: u
                    .permissions_boundary
                    .as_deref()
                    .map(|arn| arn.rsplit('/').next().unwrap_or(arn).to_owned())
                    .unwrap_or_else(|| "None".into()),
                user_name: u.user_name,
                path: u.path,
                arn: u.arn,
            })
            .collect(),
        next_marker: page.next_marker,
        total,
        total_is_lower_bound,
        tree_path: level.path,
        tree_direct_users: level.direct_users,
        tree_children: level
            .children
            .into_iter()
            .map(|c| PathNodeDto { path: c.path, user_count: c.user_count, has_children: c.has_children })
            .collect(),
    })
}

/// `Delete` of the users selected in the list, once their number has been typed into
/// `confirm_name`: each with everything they own, all in one transaction or none.
#[server(endpoint = "delete_users")]
pub async fn delete_users(
    user_names: Option<Vec<String>>,
    confirm_name: String,
    back: Option<String>,
) -> Result<crate::dto::Navigate, AppError> {
    use crate::dto::Navigate;
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::IamError;

    let names = user_names.unwrap_or_default();
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        state.engine.may_act_on_users(&principal, lanyard_iam::domain::IamAction::DeleteUser)?;
        let count = names.iter().filter(|n| !n.trim().is_empty()).count();
        if confirm_name.trim() != count.to_string() {
            let message = format!("type the number of users to delete ({count}) to confirm");
            return Err(IamError::field("confirmName", message).into());
        }
        let deleted = state.engine.delete_users_with_credentials(&principal, &names).await?;
        // Back to the listing the selection was made in (only ever a console address).
        let listing = back.filter(|b| b.starts_with("/console/users")).unwrap_or_else(|| "/console/users".into());
        let joiner = if listing.contains('?') { '&' } else { '?' };
        Ok(Navigate { to: format!("{listing}{joiner}deleted={}", deleted.len()) })
    }
    .await;
    finish("delete-users", Some(IamAction::DeleteUser), result, |n| n.to.clone(), Vec::new()).await
}

/// `Save columns`: the users list's columns this principal sees from now on.
#[server(endpoint = "save_user_columns")]
pub async fn save_user_columns(
    columns: Option<Vec<String>>,
    back: Option<String>,
) -> Result<crate::dto::Navigate, AppError> {
    use crate::dto::Navigate;
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        let state = ConsoleState::get()?;
        // Only someone who may list users has a users list to arrange.
        state.engine.may_act_on_users(&principal, lanyard_iam::domain::IamAction::ListUsers)?;
        state.engine.set_user_columns(&principal, &columns.unwrap_or_default()).await?;
        let listing = back.filter(|b| b.starts_with("/console/users")).unwrap_or_else(|| "/console/users".into());
        Ok(Navigate { to: listing })
    }
    .await;
    finish("user-columns", None, result, |n| n.to.clone(), Vec::new()).await
}
