//! Users and their console passwords: CreateUser, GetUser (the caller without UserName),
//! ListUsers, UpdateUser, DeleteUser (strict), Put/DeleteUserPermissionsBoundary,
//! Tag/Untag/ListUserTags, and
//! Create/Get/Update/DeleteLoginProfile, ChangePassword.

use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::domain::{AccountRef, Password, Principal, Tag};
use lanyard_iam::usecases::api_reads::LoginProfile;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::login_profiles::NewPassword;
use lanyard_iam::usecases::password_change::PasswordChange;
use lanyard_iam::usecases::user_directory::{Counting, ListUsersInput};
use lanyard_iam::usecases::users::{NewUser, User};
use lanyard_iam::IamError;
use std::net::{IpAddr, Ipv4Addr};
use time::OffsetDateTime;

/// `UserName`, or the caller's own name when absent (IAM's rule for self-service actions).
pub fn user_or_self(call: &Call<'_>) -> Result<String, IamError> {
    match (call.params.opt("UserName"), call.actor.principal()) {
        (Some(name), _) => Ok(name),
        (None, Principal::User { user_name, .. }) => Ok(user_name.to_string()),
        (None, Principal::Root { .. }) => Err(IamError::field("userName", "Member must not be null")),
    }
}

/// Whose credentials (keys, MFA devices) the request is about: `UserName`, or the caller's own.
pub fn credential_owner(call: &Call<'_>) -> OwnerRef {
    match call.params.opt("UserName") {
        Some(name) => OwnerRef::User(name),
        None => OwnerRef::Me,
    }
}

/// The owner's user name as answers show it: `UserName`, the caller's, or none for root's own.
pub fn credential_owner_name(call: &Call<'_>) -> Option<String> {
    user_or_self(call).ok()
}

/// What a user's answer holds beyond the user itself.
pub struct UserExtras<'a> {
    pub password_last_used: Option<OffsetDateTime>,
    pub tags: &'a [Tag],
    pub permissions_boundary: Option<&'a str>,
}

pub fn write_user(x: &mut Xml, u: &User, extras: UserExtras<'_>) {
    let UserExtras { password_last_used, tags, permissions_boundary } = extras;
    x.nest("User", |x| {
        x.el("Path", u.path.as_str())
            .el("UserName", u.user_name.as_str())
            .el("UserId", u.user_id.as_str())
            .el("Arn", &u.arn)
            .time("CreateDate", u.created_at);
        if let Some(t) = password_last_used {
            x.time("PasswordLastUsed", t);
        }
        write_boundary(x, permissions_boundary);
        if !tags.is_empty() {
            write_tags(x, tags);
        }
    });
}

/// `<PermissionsBoundary>` as GetUser and GetAccountAuthorizationDetails write it, when there is one.
pub fn write_boundary(x: &mut Xml, permissions_boundary: Option<&str>) {
    if let Some(arn) = permissions_boundary {
        x.nest("PermissionsBoundary", |b| {
            b.el("PermissionsBoundaryType", "PermissionsBoundaryPolicy").el("PermissionsBoundaryArn", arn);
        });
    }
}

pub fn write_tags(x: &mut Xml, tags: &[Tag]) {
    x.members("Tags", tags, |m, t| {
        m.el("Key", &t.key).el("Value", &t.value);
    });
}

pub async fn create_user(call: &Call<'_>) -> Result<Reply, IamError> {
    let input = NewUser {
        user_name: call.params.req("UserName")?,
        path: call.params.opt("Path"),
        tags: call.params.tags("Tags")?,
        permissions_boundary: call.params.opt("PermissionsBoundary"),
        ..Default::default()
    };
    let (tags, boundary) = (input.tags.clone(), input.permissions_boundary.clone());
    let user = call.engine.create_user(&call.actor, input).await?;
    let tags: Vec<Tag> = tags.into_iter().map(|(key, value)| Tag { key, value }).collect();
    let mut x = Xml::new();
    let extras = UserExtras { password_last_used: None, tags: &tags, permissions_boundary: boundary.as_deref() };
    write_user(&mut x, &user, extras);
    Ok(Some(x))
}

pub async fn get_user(call: &Call<'_>) -> Result<Reply, IamError> {
    let mut x = Xml::new();
    if let (None, Principal::Root { account_id, .. }) = (call.params.opt("UserName"), call.actor.principal()) {
        // The root user as GetUser shows it: the account ID as UserId, the root ARN.
        let account = call
            .engine
            .find_account(&AccountRef::Id(account_id.clone()))
            .await?
            .ok_or_else(|| IamError::NoSuchEntity(format!("The account {account_id} cannot be found.")))?;
        x.nest("User", |x| {
            x.el("UserId", account_id.as_str()).el("Arn", call.actor.arn()).time("CreateDate", account.created_at);
        });
        return Ok(Some(x));
    }
    let name = user_or_self(call)?;
    let d = call.engine.get_user(&call.actor, &name).await?;
    let extras = UserExtras {
        password_last_used: d.password_last_used_at,
        tags: &d.tags,
        permissions_boundary: d.permissions_boundary.as_deref(),
    };
    write_user(&mut x, &d.user, extras);
    Ok(Some(x))
}

pub async fn list_users(call: &Call<'_>) -> Result<Reply, IamError> {
    let (max, marker) = call.params.paging()?;
    let input = ListUsersInput {
        path_prefix: call.params.opt("PathPrefix"),
        marker,
        page_size: Some(max as u32),
        counting: Counting::Skip,
        ..Default::default()
    };
    let page = call.engine.list_users(&call.actor, input).await?;
    let mut x = Xml::new();
    x.members("Users", &page.users, |m, u| {
        m.el("Path", &u.path).el("UserName", &u.user_name).el("UserId", &u.user_id).el("Arn", &u.arn);
        m.time("CreateDate", u.created_at);
        if let Some(t) = u.password_last_used_at {
            m.time("PasswordLastUsed", t);
        }
    })
    .paging(page.next_marker.as_deref());
    Ok(Some(x))
}

pub async fn update_user(call: &Call<'_>) -> Result<Reply, IamError> {
    let name = call.params.req("UserName")?;
    let (new_name, new_path) = (call.params.opt("NewUserName"), call.params.opt("NewPath"));
    call.engine.update_user(&call.actor, &name, new_name.as_deref(), new_path.as_deref()).await?;
    Ok(None)
}

pub async fn delete_user(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_user(&call.actor, &call.params.req("UserName")?).await?;
    Ok(None)
}

pub async fn put_user_permissions_boundary(call: &Call<'_>) -> Result<Reply, IamError> {
    let (name, arn) = (call.params.req("UserName")?, call.params.req("PermissionsBoundary")?);
    call.engine.put_user_permissions_boundary(&call.actor, &name, &arn).await?;
    Ok(None)
}

pub async fn delete_user_permissions_boundary(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_user_permissions_boundary(&call.actor, &call.params.req("UserName")?).await?;
    Ok(None)
}

pub async fn tag_user(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.tag_user(&call.actor, &call.params.req("UserName")?, &call.params.tags("Tags")?).await?;
    Ok(None)
}

pub async fn untag_user(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.untag_user(&call.actor, &call.params.req("UserName")?, &call.params.list("TagKeys")).await?;
    Ok(None)
}

pub async fn list_user_tags(call: &Call<'_>) -> Result<Reply, IamError> {
    let tags = call.engine.list_user_tags(&call.actor, &call.params.req("UserName")?).await?;
    tags_page(call, tags)
}

/// One page of a List*Tags answer (users, policies, MFA devices): Marker/MaxItems over the tags.
pub fn tags_page(call: &Call<'_>, tags: Vec<Tag>) -> Result<Reply, IamError> {
    let (max, marker) = call.params.paging()?;
    let (tags, next) = super::params::page_of(tags, max, marker.as_deref())?;
    let mut x = Xml::new();
    write_tags(&mut x, &tags);
    x.paging(next.as_deref());
    Ok(Some(x))
}

fn write_profile(p: &LoginProfile) -> Xml {
    let mut x = Xml::new();
    x.nest("LoginProfile", |x| {
        x.el("UserName", &p.user_name)
            .time("CreateDate", p.created_at)
            .bool("PasswordResetRequired", p.password_reset_required);
    });
    x
}

pub async fn create_login_profile(call: &Call<'_>) -> Result<Reply, IamError> {
    let name = user_or_self(call)?;
    let password = NewPassword::Custom(Password::new(call.params.req("Password")?));
    let reset = call.params.opt_bool("PasswordResetRequired")?.unwrap_or(false);
    let profile = call.engine.create_login_profile(&call.actor, &name, password, reset).await?;
    Ok(Some(write_profile(&profile)))
}

pub async fn get_login_profile(call: &Call<'_>) -> Result<Reply, IamError> {
    let profile = call.engine.get_login_profile(&call.actor, &user_or_self(call)?).await?;
    Ok(Some(write_profile(&profile)))
}

pub async fn update_login_profile(call: &Call<'_>) -> Result<Reply, IamError> {
    let password = call.params.opt("Password").map(|p| NewPassword::Custom(Password::new(p)));
    let reset = call.params.opt_bool("PasswordResetRequired")?;
    call.engine.update_login_profile(&call.actor, &user_or_self(call)?, password, reset).await?;
    Ok(None)
}

pub async fn delete_login_profile(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_login_profile(&call.actor, &user_or_self(call)?).await?;
    Ok(None)
}

pub async fn change_password(call: &Call<'_>) -> Result<Reply, IamError> {
    let new = Password::new(call.params.req("NewPassword")?);
    let change = PasswordChange {
        current: Password::new(call.params.req("OldPassword")?),
        confirm: new.clone(),
        new,
        source: call.actor.facts().source_ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
    };
    call.engine.change_own_password(&call.actor, change).await?;
    Ok(None)
}
