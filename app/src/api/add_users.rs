//! Add users, step by step: each step's form saves into a draft kept in the session (so every step
//! is a plain form post, and works without JavaScript), `Create users` makes one engine call that
//! creates all of them or none, and the final page takes the passwords and keys out of the session:
//! they are shown once.

use crate::components::TagRow;
use crate::dto::{AddUsersDto, AddedUserDto, Navigate};
use crate::error::AppError;
use leptos::prelude::*;

/// The address of a step (`details` is the first).
pub fn add_users_step_page(step: &str) -> String {
    match step {
        "details" => "/console/users/new".to_owned(),
        other => format!("/console/users/new?step={other}"),
    }
}

#[cfg(feature = "ssr")]
mod draft {
    //! The draft as the session keeps it: the page's view of it plus the custom password.
    use crate::dto::{AddUsersDraftDto, PermissionsMode};
    use crate::error::AppError;
    use serde::{Deserialize, Serialize};

    const DRAFT_KEY: &str = "add_users_draft";
    pub const RESULT_KEY: &str = "add_users_result";

    #[derive(Default, Serialize, Deserialize)]
    pub struct Draft {
        pub view: AddUsersDraftDto,
        pub password: Option<String>,
    }

    impl Draft {
        pub fn fresh() -> Self {
            let view = AddUsersDraftDto {
                user_names: vec![String::new()],
                path: "/".into(),
                reset_required: true,
                mode: PermissionsMode::None,
                ..Default::default()
            };
            Draft { view, password: None }
        }
    }

    pub async fn load() -> Result<Draft, AppError> {
        let session = crate::ssr::request_session()?;
        let kept = session.get::<Draft>(DRAFT_KEY).await.map_err(|e| crate::ssr::session_store_failed("draft", e))?;
        Ok(kept.unwrap_or_else(Draft::fresh))
    }

    pub async fn save(draft: &Draft) -> Result<(), AppError> {
        let session = crate::ssr::request_session()?;
        session.insert(DRAFT_KEY, draft).await.map_err(|e| crate::ssr::session_store_failed("draft", e).into())
    }

    pub async fn clear() -> Result<(), AppError> {
        let session = crate::ssr::request_session()?;
        session.remove::<Draft>(DRAFT_KEY).await.map_err(|e| crate::ssr::session_store_failed("draft", e))?;
        Ok(())
    }
}

/// Chooses a group just created from the permissions step (the draft then adds users to it).
#[cfg(feature = "ssr")]
pub(crate) async fn choose_new_group(group_name: &str) -> Result<(), AppError> {
    let mut d = draft::load().await?;
    d.view.mode = crate::dto::PermissionsMode::Groups;
    d.view.groups.push(group_name.to_owned());
    draft::save(&d).await
}

/// The draft, and what the permissions step offers: groups (with their policies), users to copy
/// (`copy_q` searches them by name) and managed policies.
#[server(endpoint = "load_add_users")]
pub async fn load_add_users(copy_q: Option<String>) -> Result<AddUsersDto, AppError> {
    use crate::dto::GroupChoiceDto;
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::usecases::policies::PolicyTarget;
    use lanyard_iam::usecases::user_directory::{Counting, ListUsersInput};

    let state = ConsoleState::get()?;
    let principal = signed_in().await?;
    state.engine.may_act_on_users(&principal, lanyard_iam::domain::IamAction::CreateUser)?;
    let draft = draft::load().await?;
    // Choices the principal may not list are simply not offered.
    let groups = match state.engine.list_groups(&principal, None).await {
        Ok(groups) => {
            let mut out = Vec::with_capacity(groups.len());
            for g in groups {
                let target = PolicyTarget::Group(g.group_name.clone());
                let policies = state.engine.list_attached_policies(&principal, &target).await.unwrap_or_default();
                out.push(GroupChoiceDto {
                    group_name: g.group_name,
                    policies: policies.into_iter().map(|p| p.0).collect(),
                });
            }
            out
        }
        Err(_) => Vec::new(),
    };
    let input = ListUsersInput { search: copy_q, page_size: Some(100), counting: Counting::Skip, ..Default::default() };
    let users = match state.engine.list_users(&principal, input).await {
        Ok(page) => page.users.into_iter().map(|u| u.user_name.to_string()).collect(),
        Err(_) => Vec::new(),
    };
    // Every managed policy (the boundary's choices too); the step narrows its list by `policy_q`.
    let policies = match state.engine.list_policies(&principal, None).await {
        Ok(list) => list.into_iter().map(|p| (p.policy_name, p.arn)).collect(),
        Err(_) => Vec::new(),
    };
    let may_create_group =
        crate::ssr::console_capabilities(&principal).allows(crate::dto::ConsoleCapability::CreateGroup);
    Ok(AddUsersDto { draft: draft.view, groups, users, policies, may_create_group })
}

/// Saves one step's fields into the draft and goes where the pressed button (`go`) says: `next`,
/// `back`, `add-row` (another user name), or `create` (on the review step: create them all).
#[server(endpoint = "add_users_step")]
#[allow(clippy::too_many_arguments)]
pub async fn add_users_step(
    step: String,
    go: String,
    user_names: Option<Vec<String>>,
    path: Option<String>,
    console_access: Option<String>,
    password_kind: Option<String>,
    custom_password: Option<String>,
    reset_required: Option<String>,
    access_key: Option<String>,
    permissions: Option<String>,
    groups: Option<Vec<String>>,
    copy_from: Option<String>,
    policies: Option<Vec<String>>,
    boundary: Option<String>,
    tags: Option<Vec<TagRow>>,
    copy_q: Option<String>,
    policy_q: Option<String>,
) -> Result<Navigate, AppError> {
    use crate::dto::PermissionsMode;
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::domain::{IamAction, MAX_USERS_PER_BATCH};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.may_act_on_users(&principal, IamAction::CreateUser)?;
        let mut d = draft::load().await?;
        let clip = |s: String, n: usize| s.chars().take(n).collect::<String>();
        match step.as_str() {
            "details" => {
                let mut names: Vec<String> = user_names.unwrap_or_default().into_iter().map(|n| clip(n, 256)).collect();
                names.truncate(MAX_USERS_PER_BATCH);
                if go == "add-row" && names.len() < MAX_USERS_PER_BATCH {
                    names.push(String::new());
                } else if go != "add-row" {
                    names.retain(|n| !n.trim().is_empty());
                }
                if names.is_empty() {
                    names.push(String::new());
                }
                d.view.user_names = names;
                d.view.path = clip(path.unwrap_or_default(), 600);
                d.view.console_access = console_access.is_some();
                d.view.custom_password = password_kind.as_deref() == Some("custom");
                d.view.reset_required = reset_required.is_some();
                d.view.access_key = access_key.is_some();
                // An empty password field keeps the one typed before (it is never sent back to the page).
                if let Some(p) = custom_password.filter(|p| !p.is_empty()) {
                    d.password = Some(clip(p, 512));
                }
                d.view.custom_password_typed = d.password.is_some();
            }
            "permissions" => {
                d.view.mode = match permissions.as_deref() {
                    Some("groups") => PermissionsMode::Groups,
                    Some("copy") => PermissionsMode::Copy,
                    Some("policies") => PermissionsMode::Policies,
                    _ => PermissionsMode::None,
                };
                d.view.groups = groups.unwrap_or_default().into_iter().take(20).map(|g| clip(g, 128)).collect();
                d.view.copy_from = copy_from.filter(|c| !c.trim().is_empty()).map(|c| clip(c, 64));
                d.view.policies = policies.unwrap_or_default().into_iter().take(20).map(|p| clip(p, 2048)).collect();
                d.view.boundary = boundary.filter(|b| !b.trim().is_empty()).map(|b| clip(b, 2048));
            }
            "tags" => {
                d.view.tags = TagRow::pairs(tags).into_iter().take(60).collect();
            }
            _ => {}
        }
        draft::save(&d).await?;
        let next = match (step.as_str(), go.as_str()) {
            (_, "create") => return create_all(d).await,
            ("permissions", "search") => {
                // The choices are saved first, so searching loses nothing already ticked.
                let q = |k: &str, v: Option<String>| {
                    v.filter(|v| !v.trim().is_empty()).map(|v| format!("&{k}={}", super::encode(&clip(v, 128))))
                };
                let query = [q("copy_q", copy_q), q("policy_q", policy_q)].into_iter().flatten().collect::<String>();
                return Ok(Navigate { to: format!("{}{query}", add_users_step_page("permissions")) });
            }
            ("details", "add-row") => "details",
            ("details", _) => "permissions",
            ("permissions", "back") => "details",
            ("permissions", _) => "tags",
            ("tags", "back") => "permissions",
            ("tags", _) => "review",
            ("review", "back") => "tags",
            _ => "review",
        };
        Ok(Navigate { to: add_users_step_page(next) })
    }
    .await;
    finish("add-users", Some(IamAction::CreateUser), result, |n| n.to.clone(), Vec::new()).await
}

/// `Create users`: one engine call; on success the draft is gone and the secrets wait, once, for
/// the final page.
#[cfg(feature = "ssr")]
async fn create_all(d: draft::Draft) -> Result<Navigate, AppError> {
    use crate::dto::PermissionsMode;
    use crate::ssr::{request_session, session_store_failed, signed_in, ConsoleState};
    use lanyard_iam::domain::Password;
    use lanyard_iam::usecases::add_users::{AddUsers, ConsoleAccess, PermissionsSource};

    let state = ConsoleState::get()?;
    let principal = signed_in().await?;
    let v = d.view;
    let generated = v.console_access && !v.custom_password;
    let console = match (v.console_access, v.custom_password) {
        (false, _) => ConsoleAccess::None,
        (true, false) => ConsoleAccess::Autogenerated { reset_required: v.reset_required },
        (true, true) => ConsoleAccess::Custom {
            password: Password::new(d.password.unwrap_or_default()),
            reset_required: v.reset_required,
        },
    };
    let permissions = match v.mode {
        PermissionsMode::None => PermissionsSource::None,
        PermissionsMode::Groups => PermissionsSource::Groups(v.groups),
        PermissionsMode::Copy => PermissionsSource::CopyFrom(v.copy_from.unwrap_or_default()),
        PermissionsMode::Policies => PermissionsSource::Policies(v.policies),
    };
    let input = AddUsers {
        user_names: v.user_names,
        path: Some(v.path),
        console,
        access_key: v.access_key,
        permissions,
        permissions_boundary: v.boundary,
        tags: v.tags,
        ..Default::default()
    };
    let added = state.engine.add_users(&principal, input).await?;
    draft::clear().await?;
    // One user and nothing to download: the user's page shows a generated password, as
    // Create user always did; without one, the users at the new user's path.
    if let [only] = added.as_slice() {
        if only.access_key.is_none() {
            let name = only.user.user_name.as_str();
            return match (&only.password, generated) {
                (Some(password), true) => {
                    super::keep_generated_password(name, password).await?;
                    Ok(Navigate { to: super::user_page(name) })
                }
                _ => Ok(Navigate { to: format!("/console/users?path={}", super::encode(only.user.path.as_str())) }),
            };
        }
    }
    let account =
        state.engine.find_account(&lanyard_iam::domain::AccountRef::Id(principal.account_id().clone())).await?;
    let label =
        account.map(|a| a.alias.map(|x| x.to_string()).unwrap_or_else(|| a.account_id.to_string())).unwrap_or_default();
    let signin_url = state.hosts.account_signin_url(&label);
    let shown: Vec<AddedUserDto> = added
        .into_iter()
        .map(|a| AddedUserDto {
            user_name: a.user.user_name.to_string(),
            signin_url: signin_url.clone(),
            password: a.password.map(|p| p.expose().to_owned()),
            access_key_id: a.access_key.as_ref().map(|k| k.key.access_key_id.clone()),
            secret_access_key: a.access_key.as_ref().map(|k| k.secret.expose().to_owned()),
        })
        .collect();
    let session = request_session()?;
    session.insert(draft::RESULT_KEY, &shown).await.map_err(|e| session_store_failed("add users", e))?;
    Ok(Navigate { to: add_users_step_page("done") })
}

/// The users just created with their passwords and keys, once: they leave the session as they are read.
#[server(endpoint = "take_added_users")]
pub async fn take_added_users() -> Result<Vec<AddedUserDto>, AppError> {
    use crate::ssr::{request_session, session_store_failed, signed_in};

    signed_in().await?;
    let session = request_session()?;
    let taken = session
        .remove::<Vec<AddedUserDto>>(draft::RESULT_KEY)
        .await
        .map_err(|e| session_store_failed("add users", e))?;
    Ok(taken.unwrap_or_default())
}

/// Forgets the draft (`Cancel`).
#[server(endpoint = "cancel_add_users")]
pub async fn cancel_add_users() -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in};

    let result = async {
        signed_in().await?;
        draft::clear().await?;
        Ok(Navigate { to: "/console/users".to_owned() })
    }
    .await;
    finish("add-users", None, result, |n| n.to.clone(), Vec::new()).await
}

/// `Email sign-in instructions` on the final page: the sign-in URL and user name (never the
/// password) to `email`, through the outbox (SMTP when configured).
#[server(endpoint = "email_sign_in_instructions")]
pub async fn email_sign_in_instructions(user_name: String, email: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::domain::AccountRef;

    let typed = vec![("email".to_owned(), email.chars().take(320).collect())];
    let result = async {
        let state = ConsoleState::get()?;
        let principal = signed_in().await?;
        let account = state.engine.find_account(&AccountRef::Id(principal.account_id().clone())).await?;
        let label = account
            .map(|a| a.alias.map(|x| x.to_string()).unwrap_or_else(|| a.account_id.to_string()))
            .unwrap_or_default();
        let url = state.hosts.account_signin_url(&label);
        state.engine.mail_sign_in_instructions(&principal, &user_name, &email, &url).await?;
        Ok(Navigate { to: format!("{}&mailed={}", add_users_step_page("done"), super::encode(user_name.trim())) })
    }
    .await;
    finish("email-instructions", None, result, |n| n.to.clone(), typed).await
}
