//! `load_user` (IAM's GetUser for the user's page) and `update_user` (rename and move).

use crate::dto::{Navigate, UserDetailDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// `2026-11-22 14:03 UTC`
#[cfg(feature = "ssr")]
pub(crate) fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

/// `2026-11-22 14:03:07 UTC`, for locks that last seconds.
#[cfg(feature = "ssr")]
fn format_time_seconds(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{} {:02}:{:02}:{:02} UTC", t.date(), t.hour(), t.minute(), t.second())
}

#[server(endpoint = "load_user")]
pub async fn load_user(user_name: String) -> Result<UserDetailDto, AppError> {
    use crate::ssr::{signed_in, ConsoleState};

    let state = ConsoleState::get()?;
    let principal = signed_in().await?;
    let d = state.engine.get_user(&principal, &user_name).await?;
    let resource = lanyard_iam::usecases::actor::Resource::tagged(d.user.arn.clone(), d.tags.clone());
    let can = crate::ssr::entity_capabilities(&principal, lanyard_iam::domain::EntityKind::User, &resource);
    Ok(UserDetailDto {
        can,
        permissions_boundary: d.permissions_boundary,
        user_name: d.user.user_name.to_string(),
        user_id: d.user.user_id.to_string(),
        path: d.user.path.to_string(),
        arn: d.user.arn,
        created: format_time(d.user.created_at),
        password_last_used: d.password_last_used_at.map(format_time).unwrap_or_else(|| "Never".into()),
        console_access: d.console_access,
        tags: d.tags.into_iter().map(|t| (t.key, t.value)).collect(),
        sign_in_lock: d.sign_in_lock.map(|l| {
            let n = l.failures;
            let failed = if n == 1 { "1 failed sign-in".to_owned() } else { format!("{n} failed sign-ins") };
            match l.locked_until {
                Some(until) => format!("Locked until {} after {failed}", format_time_seconds(until)),
                None => format!("Not locked; {failed}, the last at {}", format_time(l.last_attempt_at)),
            }
        }),
    })
}

/// Renames and/or moves `user_name`; the page then shows the user under the new name.
#[server(endpoint = "update_user")]
pub async fn update_user(user_name: String, new_user_name: String, new_path: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let typed = vec![
        ("new_user_name".to_owned(), new_user_name.chars().take(256).collect()),
        ("new_path".to_owned(), new_path.chars().take(600).collect()),
    ];
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        let user = state.engine.update_user(&principal, &user_name, Some(&new_user_name), Some(&new_path)).await?;
        Ok(Navigate { to: super::user_page(user.user_name.as_str()) })
    }
    .await;
    finish("update-user", Some(IamAction::UpdateUser), result, |n| n.to.clone(), typed).await
}
