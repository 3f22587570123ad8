//! IAM users: CreateUser (with tags and an optional console password), GetUser with the console's
//! summary, UpdateUser (rename and move).

use crate::crypto::secrets::generate_password;
use crate::domain::{
    password_violations, user_arn, IamPath, Password, Tag, UniqueId, UniqueIdKind, UserName, MAX_TAGS_PER_USER,
};
use crate::domain::{AccountId, IamAction};
use crate::store;
use crate::store::users::UserRow;
use crate::usecases::actor::{Access, Actor, RequestKeys, Resource};
use crate::usecases::events::{aws_time, Event};
use crate::usecases::sign_in_locks::SignInLock;
use crate::usecases::throttle_keys::user_throttle_key;
use crate::{Engine, FieldError, IamError};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::PgConnection;
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserDetail {
    pub user: User,
    pub password_last_used_at: Option<OffsetDateTime>,
    pub console_access: bool,
    pub tags: Vec<Tag>,
    /// Failed console sign-ins counted against the user, if any.
    pub sign_in_lock: Option<SignInLock>,
    /// The ARN of the user's permissions boundary, if one is set.
    pub permissions_boundary: Option<String>,
}

pub(crate) fn no_such_user(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("The user with name {name} cannot be found."))
}

#[derive(Default)]
pub struct NewUser {
    pub user_name: String,
    pub path: Option<String>,
    pub password: Option<Password>,
    pub password_reset_required: bool,
    /// Generate a console password that meets the policy (when `password` is `None`).
    pub autogenerate_password: bool,
    /// Key/value rows as a form sends them; blank rows are ignored.
    pub tags: Vec<(String, String)>,
    /// A managed policy's ARN to cap the user's permissions (CreateUser's `PermissionsBoundary`).
    pub permissions_boundary: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub user_id: UniqueId,
    pub user_name: UserName,
    pub path: IamPath,
    pub arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Engine {
    /// IAM's CreateUser (plus CreateLoginProfile when a password is given), in one transaction.
    pub async fn create_user(&self, actor: &Actor, input: NewUser) -> Result<User, IamError> {
        Ok(self.create_user_with_console_access(actor, input).await?.0)
    }

    /// The console's create: like [`Engine::create_user`], and also returns the generated console
    /// password when `autogenerate_password` asked for one (to be shown exactly once).
    pub async fn create_user_with_console_access(
        &self,
        actor: &Actor,
        mut input: NewUser,
    ) -> Result<(User, Option<Password>), IamError> {
        let account_id = actor.account_id().clone();
        // The password policy matters only to a console password (a round trip saved otherwise).
        let policy = if input.password.is_some() || input.autogenerate_password {
            self.find_policy(&account_id).await?
        } else {
            None
        };
        let mut generated = None;
        if input.autogenerate_password && input.password.is_none() {
            let password = generate_password(policy.as_ref());
            generated = Some(password.clone());
            input.password = Some(password);
        }
        let mut errors: Vec<FieldError> = Vec::new();
        let name = UserName::parse(&input.user_name).map_err(|e| errors.extend_from_slice(e.field_errors())).ok();
        let path = match input.path.as_deref().filter(|p| !p.is_empty()) {
            Some(raw) => IamPath::parse(raw).map_err(|e| errors.extend_from_slice(e.field_errors())).ok(),
            None => Some(IamPath::root()),
        };
        let tags = Tag::parse_set(&input.tags, MAX_TAGS_PER_USER).map_err(|e| errors.extend(e)).ok();
        if let Some(password) = &input.password {
            let identities = [input.user_name.as_str()];
            for rule in password_violations(policy.as_ref(), password.expose(), &identities) {
                errors.push(FieldError::new(Password::FIELD, rule.message()));
            }
        }
        let (Some(name), Some(path), Some(tags), true) = (name, path, tags, errors.is_empty()) else {
            return Err(IamError::Validation(errors));
        };
        let arn = user_arn(&account_id, &path, &name);
        // A new user has no tags yet: the request's tags are `aws:RequestTag/*` and `aws:TagKeys`.
        let resource = Resource::untagged(arn.clone());
        let boundary = input.permissions_boundary.as_deref().map(str::trim).filter(|b| !b.is_empty());
        self.authorize_create(actor, &resource, &tags, boundary)?;
        if input.password.is_some() {
            self.authorize(actor, IamAction::CreateLoginProfile, &resource)?;
        }

        let hash = match &input.password {
            Some(p) => Some(self.hasher.hash(p).await?),
            None => None,
        };
        let user_id = UniqueId::generate(UniqueIdKind::User);
        let mut conn = self.warm.acquire().await?;
        let mut tx = conn.begin().await?;
        let row = match store::users::insert_user(&mut *tx, &user_id, &account_id, &name, &path).await {
            Ok(row) => row,
            Err(e) if store::unique_violation(&e) == Some("users_account_name_key") => {
                return Err(IamError::EntityAlreadyExists(format!("User with name {name} already exists.")))
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(hash) = &hash {
            store::login_profiles::insert_login_profile(
                &mut *tx,
                user_id.as_str(),
                hash,
                input.password_reset_required,
            )
            .await?;
        }
        if !tags.is_empty() {
            store::user_tags::insert_user_tags(&mut *tx, user_id.as_str(), &tags).await?;
        }
        if let Some(arn) = boundary {
            crate::usecases::policies::require_managed_policy(&mut tx, account_id.as_str(), arn).await?;
            store::boundaries::update_user_boundary(&mut *tx, user_id.as_str(), Some(arn)).await?;
        }
        let user = User { user_id, user_name: name, path, arn, created_at: row.created_at };
        let mut request = json!({ "userName": user.user_name, "path": user.path });
        if !tags.is_empty() {
            request["tags"] = tags_json(&tags);
        }
        if let Some(arn) = boundary {
            request["permissionsBoundary"] = json!(arn);
        }
        let mut event = Event::action(IamAction::CreateUser)
            .about(user.user_name.as_str())
            .request(request)
            .response(json!({ "user": user_json(&user) }));
        if input.password.is_some() {
            // The console's create with a password is CreateLoginProfile too; the password never.
            event = event.additional(
                json!({ "loginProfileCreated": true, "passwordResetRequired": input.password_reset_required }),
            );
        }
        self.commit_change(tx, actor, event).await?;
        conn.release();
        tracing::info!(account_id = %account_id, user = %user.user_name, "user created");
        Ok((user, generated))
    }
}

impl Engine {
    /// IAM's GetUser, with the console's credential summary.
    pub async fn get_user(&self, actor: &Actor, user_name: &str) -> Result<UserDetail, IamError> {
        let account_id = actor.account_id().clone();
        self.precheck(actor, IamAction::GetUser, &user_prefix(&account_id), user_name)?;
        let throttle_key = user_throttle_key(&account_id, user_name);
        let mut conn = self.warm.acquire().await?;
        let row = store::users::find_user_detail(&mut *conn, &account_id, user_name.trim(), &throttle_key).await?;
        conn.release();
        let row = row.ok_or_else(|| no_such_user(user_name))?;
        let (name, path) = (UserName::parse(&row.user_name)?, IamPath::parse(&row.path)?);
        let arn = user_arn(&account_id, &path, &name);
        let sign_in_lock = row.throttle().and_then(|t| self.sign_in_lock(t, OffsetDateTime::now_utc()));
        let tags = row.tags.0;
        self.authorize(actor, IamAction::GetUser, &Resource::tagged(arn.clone(), tags.clone()))?;
        Ok(UserDetail {
            permissions_boundary: row.permissions_boundary,
            user: User {
                user_id: UniqueId::parse(&row.user_id)?,
                user_name: name,
                path,
                arn,
                created_at: row.created_at,
            },
            password_last_used_at: row.password_last_used_at,
            console_access: row.has_login_profile,
            tags,
            sign_in_lock,
        })
    }

    /// IAM's UpdateUser: rename and/or move to another path; the UserId stays. Both new values
    /// are validated together and nothing changes on any error.
    pub async fn update_user(
        &self,
        actor: &Actor,
        user_name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> Result<User, IamError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let name = new_name
            .filter(|n| !n.is_empty())
            .map(|n| UserName::parse(n).map_err(|e| errors.extend_from_slice(e.field_errors())).ok())
            .unwrap_or(None);
        let path = new_path
            .filter(|p| !p.is_empty())
            .map(|p| IamPath::parse(p).map_err(|e| errors.extend_from_slice(e.field_errors())).ok())
            .unwrap_or(None);
        if !errors.is_empty() {
            for e in &mut errors {
                e.field = match e.field.as_str() {
                    "userName" => "newUserName".into(),
                    "path" => "newPath".into(),
                    other => other.into(),
                };
            }
            return Err(IamError::Validation(errors));
        }
        let mut tx = self.pool.begin().await?;
        let (row, resource) =
            self.lock_user_for(&mut tx, actor, user_name, &[IamAction::UpdateUser], UserTags::ToAuthorize).await?;
        let name = match name {
            Some(n) => n,
            None => UserName::parse(&row.user_name)?,
        };
        let path = match path {
            Some(p) => p,
            None => IamPath::parse(&row.path)?,
        };
        let account_id = actor.account_id();
        // As IAM: renaming or moving needs the permission on the destination ARN too, so a
        // permission scoped to `user/team/*` cannot move a user out of (or into) another path.
        let destination = user_arn(account_id, &path, &name);
        if destination != resource.arn {
            self.authorize(actor, IamAction::UpdateUser, &Resource::tagged(destination, resource.tags.clone()))?;
        }
        match store::users::update_user_name_path(&mut *tx, account_id, &row.user_id, &name, &path).await {
            Ok(true) => {}
            Ok(false) => return Err(no_such_user(user_name)),
            Err(e) if store::unique_violation(&e) == Some("users_account_name_key") => {
                return Err(IamError::EntityAlreadyExists(format!("User with name {name} already exists.")))
            }
            Err(e) => return Err(e.into()),
        }
        let event = Event::action(IamAction::UpdateUser)
            .about(row.user_name.as_str())
            .request(json!({ "userName": row.user_name, "newUserName": new_name, "newPath": new_path }));
        self.commit_change(tx, actor, event).await?;
        tracing::info!(account_id = %account_id, from = %row.user_name, to = %name, path = %path, "user updated");
        let arn = user_arn(account_id, &path, &name);
        Ok(User { user_id: UniqueId::parse(&row.user_id)?, user_name: name, path, arn, created_at: row.created_at })
    }
}

/// Whether a user's tags are read with the user: the caller's own use of them decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UserTags {
    /// The caller uses them (lists, counts or simulates with them).
    Load,
    /// Only to authorize: read when the actor's policies could test them
    /// ([`Actor::reads_resource_tags`]), else the resource carries none.
    ToAuthorize,
}

impl UserTags {
    fn load_for(self, actor: &Actor) -> bool {
        match self {
            UserTags::Load => true,
            UserTags::ToAuthorize => actor.reads_resource_tags(),
        }
    }
}

impl Engine {
    /// Locks the user's row for the transaction and checks `actions` on the user (returned as a
    /// [`Resource`], with its tags as `tags` says). A caller whose policies allow none of
    /// `actions` on any user is refused before the lookup, so the answer never tells whether the
    /// user exists.
    pub(crate) async fn lock_user_for(
        &self,
        tx: &mut PgConnection,
        actor: &Actor,
        user_name: &str,
        actions: &[IamAction],
        tags: UserTags,
    ) -> Result<(UserRow, Resource), IamError> {
        self.precheck_any(actor, actions, &user_prefix(actor.account_id()), user_name)?;
        let row = store::users::find_user_for_update(&mut *tx, actor.account_id(), user_name.trim())
            .await?
            .ok_or_else(|| no_such_user(user_name))?;
        let resource = self.user_resource_for(&mut *tx, actor, &row, tags).await?;
        for action in actions {
            self.authorize(actor, *action, &resource)?;
        }
        Ok((row, resource))
    }

    /// CreateUser as IAM authorizes it: with the request's tags (TagUser too) and boundary
    /// (PutUserPermissionsBoundary too) in the context.
    pub(crate) fn authorize_create(
        &self,
        actor: &Actor,
        resource: &Resource,
        tags: &[Tag],
        boundary: Option<&str>,
    ) -> Result<(), IamError> {
        let keys = RequestKeys { tags, permissions_boundary: boundary, ..Default::default() };
        self.authorize_access(actor, &Access::new(IamAction::CreateUser, resource).with(keys.clone()))?;
        if !tags.is_empty() {
            self.authorize_access(actor, &Access::new(IamAction::TagUser, resource).with(keys.clone()))?;
        }
        if boundary.is_some() {
            self.authorize_access(actor, &Access::new(IamAction::PutUserPermissionsBoundary, resource).with(keys))?;
        }
        Ok(())
    }

    /// A stored user as authorization sees it: its ARN and tags.
    pub(crate) async fn user_resource(
        &self,
        conn: &mut PgConnection,
        account_id: &AccountId,
        user_id: &str,
        path: &str,
        user_name: &str,
    ) -> Result<Resource, IamError> {
        let arn = user_arn(account_id, &IamPath::parse(path)?, &UserName::parse(user_name)?);
        let tags = store::user_tags::list_user_tags(&mut *conn, user_id).await?;
        Ok(Resource::tagged(arn, tags))
    }

    /// `row` as a resource `actor`'s requests are authorized on, with its tags as `tags` says.
    pub(crate) async fn user_resource_for(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        row: &UserRow,
        tags: UserTags,
    ) -> Result<Resource, IamError> {
        let account_id = actor.account_id();
        if tags.load_for(actor) {
            return self.user_resource(conn, account_id, &row.user_id, &row.path, &row.user_name).await;
        }
        Ok(Resource::untagged(user_arn(account_id, &IamPath::parse(&row.path)?, &UserName::parse(&row.user_name)?)))
    }

    /// [`Engine::precheck`] passing when any of `actions` might be allowed (none: nothing to check).
    pub(crate) fn precheck_any(
        &self,
        actor: &Actor,
        actions: &[IamAction],
        prefix: &str,
        name: &str,
    ) -> Result<(), IamError> {
        match actions.iter().find(|a| actor.might_be_allowed(**a, prefix)) {
            Some(_) => Ok(()),
            None => actions.first().map_or(Ok(()), |a| self.precheck(actor, *a, prefix, name)),
        }
    }
}

/// A user as CloudTrail's response elements show it.
pub(crate) fn user_json(user: &User) -> Value {
    json!({
        "path": user.path,
        "userName": user.user_name,
        "userId": user.user_id,
        "arn": user.arn,
        "createDate": aws_time(user.created_at),
    })
}

/// Tags as request parameters: `[{"key": …, "value": …}]`.
pub(crate) fn tags_json(tags: &[Tag]) -> Value {
    Value::Array(tags.iter().map(|t| json!({ "key": t.key, "value": t.value })).collect())
}

/// `arn:aws:iam::<account>:user/`: what every user's ARN starts with.
pub(crate) fn user_prefix(account_id: &AccountId) -> String {
    format!("arn:aws:iam::{account_id}:user/")
}
