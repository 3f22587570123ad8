//! `list_users_page`: one page of the account's users and one level of the path tree.

use crate::dto::UsersPageDto;
use crate::error::AppError;
use leptos::prelude::*;

/// `path` is IAM's path prefix; `q` a name substring; `sort` `name` or `created`; `order` `asc` or
/// `desc`; `marker` the previous page's; `size` 1–1000.
#[server(endpoint = "list_users_page")]
pub async fn list_users_page(
    path: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    marker: Option<String>,
    size: Option<u32>,
) -> Result<UsersPageDto, AppError> {
    use crate::dto::{PathNodeDto, UserRowDto};
    use crate::ssr::signed_in;
    use crate::ssr::ConsoleState;
    use lanyard_iam::domain::IamPath;
    use lanyard_iam::usecases::user_directory::{Counting, ListUsersInput, Total, UserSort};

    let state = ConsoleState::get()?;
    let principal = signed_in().await?;
    let fmt = super::user_detail::format_time;
    let input = ListUsersInput {
        path_prefix: path.clone(),
        search: q,
        sort: if sort.as_deref() == Some("created") { UserSort::Created } else { UserSort::Name },
        descending: order.as_deref() == Some("desc"),
        marker,
        page_size: size,
        counting: Counting::Count,
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
    Ok(UsersPageDto {
        users: page
            .users
            .into_iter()
            .map(|u| UserRowDto {
                created: fmt(u.created_at),
                password_last_used: u.password_last_used_at.map(fmt).unwrap_or_else(|| "Never".into()),
                mfa: match u.mfa_devices {
                    0 => "None".into(),
                    1 => "Virtual".into(),
                    n => format!("Virtual ({n})"),
                },
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
