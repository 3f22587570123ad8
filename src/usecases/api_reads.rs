//! Engine calls the IAM Query API needs beyond the console's: the strict login-profile actions
//! (Create refuses an existing profile, Update a missing one, Get), the account's aliases and
//! summary, and a key's last use by id. Each is authorized like every other action.

use crate::domain::{root_arn, user_arn, AccountAlias, IamAction, IamPath, UserName};
use crate::store;
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::events::Event;
use crate::usecases::login_profiles::NewPassword;
use crate::usecases::users::user_prefix;
use crate::usecases::users::UserTags;
use crate::{Engine, IamError};
use time::OffsetDateTime;

/// GetLoginProfile's answer (never the hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginProfile {
    pub user_name: String,
    pub created_at: OffsetDateTime,
    pub password_reset_required: bool,
}

/// GetAccessKeyLastUsed's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLastUsed {
    /// The owner's user name; `None` for root's keys.
    pub user_name: Option<String>,
    pub last_used_at: Option<OffsetDateTime>,
    pub service: Option<String>,
    pub region: Option<String>,
}

/// GetAccountSummary's counts (the quotas are constants the API adds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountSummary {
    pub users: i64,
    pub groups: i64,
    pub policies: i64,
    pub attached_policies: i64,
    pub mfa_devices: i64,
    pub mfa_devices_in_use: i64,
    pub account_mfa_enabled: bool,
    pub account_access_keys_present: bool,
}

fn no_profile(user: &str) -> IamError {
    IamError::NoSuchEntity(format!("Login Profile for User {user} cannot be found."))
}

impl Engine {
    /// CreateLoginProfile: EntityAlreadyExists when the user has one.
    pub async fn create_login_profile(
        &self,
        actor: &Actor,
        user_name: &str,
        password: NewPassword,
        reset_required: bool,
    ) -> Result<LoginProfile, IamError> {
        let mut conn = self.pool.acquire().await?;
        let (user, _) = self
            .lock_user_for(&mut conn, actor, user_name, &[IamAction::CreateLoginProfile], UserTags::ToAuthorize)
            .await?;
        if store::login_profiles::find_login_profile(&mut *conn, &user.user_id).await?.is_some() {
            return Err(IamError::EntityAlreadyExists(format!(
                "Login Profile for user {} already exists.",
                user.user_name
            )));
        }
        drop(conn);
        self.set_login_profile(actor, &user.user_name, password, reset_required).await?;
        self.get_login_profile(actor, &user.user_name).await
    }

    /// UpdateLoginProfile: a new password and/or the reset flag; NoSuchEntity without a profile.
    pub async fn update_login_profile(
        &self,
        actor: &Actor,
        user_name: &str,
        password: Option<NewPassword>,
        reset_required: Option<bool>,
    ) -> Result<(), IamError> {
        let mut conn = self.pool.acquire().await?;
        let (user, _) = self
            .lock_user_for(&mut conn, actor, user_name, &[IamAction::UpdateLoginProfile], UserTags::ToAuthorize)
            .await?;
        let Some(profile) = store::login_profiles::find_login_profile(&mut *conn, &user.user_id).await? else {
            return Err(no_profile(&user.user_name));
        };
        drop(conn);
        let reset = reset_required.unwrap_or(profile.password_reset_required);
        match password {
            Some(p) => self.set_login_profile(actor, &user.user_name, p, reset).await.map(drop),
            None => {
                let mut tx = self.pool.begin().await?;
                let (user, _) = self
                    .lock_user_for(&mut tx, actor, user_name, &[IamAction::UpdateLoginProfile], UserTags::ToAuthorize)
                    .await?;
                if !store::login_profiles::update_login_profile_reset(&mut *tx, &user.user_id, reset).await? {
                    return Err(no_profile(&user.user_name));
                }
                let event =
                    Event::on_user(IamAction::UpdateLoginProfile, &user.user_name).with("passwordResetRequired", reset);
                self.commit_change(tx, actor, event).await?;
                Ok(())
            }
        }
    }

    pub async fn get_login_profile(&self, actor: &Actor, user_name: &str) -> Result<LoginProfile, IamError> {
        let mut conn = self.pool.acquire().await?;
        let (user, _) = self
            .lock_user_for(&mut conn, actor, user_name, &[IamAction::GetLoginProfile], UserTags::ToAuthorize)
            .await?;
        let profile = store::login_profiles::find_login_profile(&mut *conn, &user.user_id)
            .await?
            .ok_or_else(|| no_profile(&user.user_name))?;
        Ok(LoginProfile {
            user_name: user.user_name,
            created_at: profile.created_at,
            password_reset_required: profile.password_reset_required,
        })
    }

    /// ListAccountAliases: the alias, if the account has one.
    pub async fn list_account_aliases(&self, actor: &Actor) -> Result<Vec<AccountAlias>, IamError> {
        let account_id = actor.account_id();
        self.authorize(
            actor,
            IamAction::ListAccountAliases,
            &Resource::untagged(format!("arn:aws:iam::{account_id}:*")),
        )?;
        let account = store::accounts::find_account_by_id(&self.pool, account_id)
            .await?
            .ok_or_else(|| IamError::NoSuchEntity(format!("The account {account_id} cannot be found.")))?;
        Ok(account.alias.and_then(|a| AccountAlias::parse(&a).ok()).into_iter().collect())
    }

    /// DeleteAccountAlias: NoSuchEntity unless `alias` is the account's.
    pub async fn delete_account_alias(&self, actor: &Actor, alias: &str) -> Result<(), IamError> {
        let account_id = actor.account_id();
        self.authorize(
            actor,
            IamAction::DeleteAccountAlias,
            &Resource::untagged(format!("arn:aws:iam::{account_id}:*")),
        )?;
        let current = self.list_account_aliases(actor).await?;
        if !current.iter().any(|a| a.as_str() == alias.trim()) {
            return Err(IamError::NoSuchEntity(format!("The account alias {} cannot be found.", alias.trim())));
        }
        let mut tx = self.pool.begin().await?;
        store::accounts::update_account_alias(&mut *tx, account_id, None).await?;
        let event = Event::action(IamAction::DeleteAccountAlias).with("accountAlias", alias.trim());
        self.commit_change(tx, actor, event).await?;
        Ok(())
    }

    pub async fn get_account_summary(&self, actor: &Actor) -> Result<AccountSummary, IamError> {
        let account_id = actor.account_id();
        self.authorize(
            actor,
            IamAction::GetAccountSummary,
            &Resource::untagged(format!("arn:aws:iam::{account_id}:*")),
        )?;
        let row = store::accounts::find_account_summary(&self.pool, account_id.as_str()).await?;
        Ok(AccountSummary {
            users: row.users,
            groups: row.groups,
            policies: row.policies,
            attached_policies: row.attached_policies,
            mfa_devices: row.mfa_devices,
            mfa_devices_in_use: row.mfa_devices_in_use,
            account_mfa_enabled: row.root_mfa_devices > 0,
            account_access_keys_present: row.root_access_keys > 0,
        })
    }

    /// GetAccessKeyLastUsed: by key id, in the caller's account, authorized on the key's owner.
    pub async fn get_access_key_last_used(&self, actor: &Actor, access_key_id: &str) -> Result<KeyLastUsed, IamError> {
        let account_id = actor.account_id();
        self.precheck(actor, IamAction::GetAccessKeyLastUsed, &user_prefix(account_id), "*")?;
        let id = access_key_id.trim();
        let missing = || IamError::NoSuchEntity(format!("The Access Key with id {id} cannot be found."));
        let row = store::access_keys::find_access_key_for_auth(&self.pool, id)
            .await?
            .filter(|r| r.account_id == account_id.as_str())
            .ok_or_else(missing)?;
        let owner = match (&row.user_name, &row.path) {
            (Some(name), Some(path)) => user_arn(account_id, &IamPath::parse(path)?, &UserName::parse(name)?),
            _ => root_arn(account_id),
        };
        self.authorize(actor, IamAction::GetAccessKeyLastUsed, &Resource::untagged(owner))?;
        let keys =
            store::access_keys::list_access_keys(&self.pool, account_id.as_str(), row.user_id.as_deref()).await?;
        let key = keys.into_iter().find(|k| k.access_key_id == id).ok_or_else(missing)?;
        Ok(KeyLastUsed {
            user_name: row.user_name,
            last_used_at: key.last_used_at,
            service: key.last_used_service,
            region: key.last_used_region,
        })
    }
}

impl Engine {
    /// STS GetAccessKeyInfo: the account a key belongs to (no permission needed, as in AWS).
    pub async fn access_key_account(&self, access_key_id: &str) -> Result<Option<String>, IamError> {
        Ok(store::access_keys::find_access_key_for_auth(&self.pool, access_key_id).await?.map(|r| r.account_id))
    }
}
