//! Changing one's own password (IAM's ChangePassword, and root's own): the current password is
//! checked like a sign-in (throttled, so a stolen session cannot guess it), the new one against the
//! rules and the remembered history, and every other session of the principal ends.

use crate::domain::IamAction;
use crate::domain::SignInStep;
use crate::domain::{password_expires_at, password_rules, root_password_violations, Password, PasswordRule, Principal};
use crate::store;
use crate::usecases::actor::Actor;
use crate::usecases::events::Event;
use crate::usecases::password_policy::check_user_password;
use crate::usecases::throttle_keys::{root_throttle_key, user_throttle_key};
use crate::{Engine, FieldError, IamError};
use std::net::IpAddr;
use time::OffsetDateTime;

pub const CURRENT_FIELD: &str = "currentPassword";
pub const NEW_FIELD: &str = "newPassword";
pub const CONFIRM_FIELD: &str = "confirmNewPassword";

#[derive(Clone, Debug)]
pub struct PasswordChange {
    pub current: Password,
    pub new: Password,
    pub confirm: Password,
    pub source: IpAddr,
}

/// After a change: the principal's new session epoch, which the current session adopts so that
/// it alone survives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordChanged {
    pub session_epoch: i32,
    /// When the new password expires under the account's policy, if it does.
    pub password_expires_at: Option<OffsetDateTime>,
}

/// What a principal's own password must look like, and whether they may change it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnPasswordRules {
    pub may_change: bool,
    pub rules: Vec<PasswordRule>,
}

fn shape_errors(change: &PasswordChange) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if change.current.expose().is_empty() {
        errors.push(FieldError::new(CURRENT_FIELD, "is required"));
    }
    if change.new.expose() != change.confirm.expose() {
        errors.push(FieldError::new(CONFIRM_FIELD, "must match the new password"));
    }
    errors
}

impl Engine {
    /// Checks the current password under the sign-in throttle of `throttle_key`.
    async fn verify_current(&self, change: &PasswordChange, throttle_key: &str, hash: &str) -> Result<(), IamError> {
        let charge = self.charge_attempt(change.source, throttle_key).await?;
        let refused =
            || IamError::field(CURRENT_FIELD, "is incorrect, or too many attempts were made; try again later");
        if charge != store::throttle::Charge::Proceed {
            return Err(refused());
        }
        if !self.hasher.verify(&change.current, Some(hash)).await? {
            return Err(refused());
        }
        self.attempt_succeeded(change.source, throttle_key).await?;
        Ok(())
    }

    /// The rules the principal's next own password must meet, and whether they may change it now
    /// (root always; IAM users with a login profile when the policy allows it, or a change is due).
    pub async fn own_password_rules(&self, actor: &Actor) -> Result<OwnPasswordRules, IamError> {
        match actor.principal() {
            Principal::Root { .. } => Ok(OwnPasswordRules {
                may_change: true,
                rules: vec![
                    PasswordRule::Length { min: 8, max: 128 },
                    PasswordRule::Charset,
                    PasswordRule::CharacterClasses { required: 3 },
                    PasswordRule::SameAsIdentity,
                ],
            }),
            Principal::User { account_id, user_id, .. } => {
                let policy = self.find_policy(account_id).await?;
                let profile = store::login_profiles::find_login_profile(&self.pool, user_id.as_str()).await?;
                let by_policy = actor.may(IamAction::ChangePassword, &actor.as_resource());
                let may_change = profile.is_some_and(|p| {
                    by_policy
                        || p.password_reset_required
                        || policy.as_ref().is_some_and(|x| x.allow_users_to_change_password)
                        || password_expires_at(policy.as_ref(), p.password_changed_at)
                            .is_some_and(|t| t <= OffsetDateTime::now_utc())
                });
                Ok(OwnPasswordRules { may_change, rules: password_rules(policy.as_ref()) })
            }
        }
    }

    /// The rules an administrator's password for a user must meet (the account policy's).
    pub async fn user_password_rules(&self, actor: &Actor) -> Result<Vec<PasswordRule>, IamError> {
        Ok(password_rules(self.find_policy(actor.account_id()).await?.as_ref()))
    }

    /// The signed-in principal changes their own password.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        change: PasswordChange,
    ) -> Result<PasswordChanged, IamError> {
        match actor.principal() {
            Principal::Root { account_id, email } => {
                let mut errors = shape_errors(&change);
                for rule in root_password_violations(change.new.expose(), &[email]) {
                    errors.push(FieldError::new(NEW_FIELD, rule.message()));
                }
                if !errors.is_empty() {
                    return Err(IamError::Validation(errors));
                }
                let creds =
                    store::accounts::find_root_credentials(&self.pool, email).await?.ok_or(IamError::NotSignedIn)?;
                self.verify_current(&change, &root_throttle_key(email), &creds.root_password_hash).await?;
                let hash = self.hasher.hash(&change.new).await?;
                let mut tx = self.pool.begin().await?;
                let epoch = store::accounts::update_root_password(&mut *tx, account_id.as_str(), &hash)
                    .await?
                    .ok_or(IamError::NotSignedIn)?;
                self.commit_change(tx, actor, Event::action(IamAction::ChangePassword)).await?;
                tracing::info!(account_id = %account_id, "root password changed");
                Ok(PasswordChanged { session_epoch: epoch, password_expires_at: None })
            }
            Principal::User { account_id, user_id, user_name, .. } => {
                let profile = store::login_profiles::find_login_profile(&self.pool, user_id.as_str()).await?;
                let policy = self.find_policy(account_id).await?;
                let expired = profile.as_ref().is_some_and(|p| {
                    password_expires_at(policy.as_ref(), p.password_changed_at)
                        .is_some_and(|t| t <= OffsetDateTime::now_utc())
                });
                let forced = profile.as_ref().is_some_and(|p| p.password_reset_required) || expired;
                let allowed = forced || policy.as_ref().is_some_and(|p| p.allow_users_to_change_password);
                // Authorized before anything about the profile is told.
                if !allowed {
                    self.authorize(actor, IamAction::ChangePassword, &actor.as_resource())?;
                }
                let profile = profile.ok_or_else(|| {
                    IamError::NoSuchEntity(format!("Login Profile for User {user_name} cannot be found."))
                })?;
                let errors = shape_errors(&change);
                if !errors.is_empty() {
                    return Err(IamError::Validation(errors));
                }
                check_user_password(policy.as_ref(), NEW_FIELD, change.new.expose(), &[user_name.as_str()])?;
                let key = user_throttle_key(account_id, user_name.as_str());
                self.verify_current(&change, &key, &profile.password_hash).await?;
                // The new password differs from the current one, and from the last N under the policy.
                let remembered = policy.as_ref().and_then(|p| p.password_reuse_prevention).unwrap_or(1).max(1);
                let history =
                    store::login_profiles::list_password_history(&self.pool, user_id.as_str(), i64::from(remembered))
                        .await?;
                let mut hashes = vec![profile.password_hash.clone()];
                hashes.extend(history.into_iter().filter(|h| *h != profile.password_hash));
                for old in hashes.iter().take(remembered as usize) {
                    if self.hasher.verify(&change.new, Some(old)).await? {
                        let rule = if remembered == 1 {
                            "must differ from your current password".to_owned()
                        } else {
                            format!("must not be one of your last {remembered} passwords")
                        };
                        return Err(IamError::PasswordPolicyViolation(vec![FieldError::new(NEW_FIELD, rule)]));
                    }
                }
                let hash = self.hasher.hash(&change.new).await?;
                let mut tx = self.pool.begin().await?;
                store::login_profiles::update_login_profile_password(&mut *tx, user_id.as_str(), &hash, false).await?;
                let epoch = store::login_profiles::update_user_session_epoch(&mut *tx, user_id.as_str()).await?;
                // A change that sign-in demanded is a sign-in step; any other is IAM's ChangePassword.
                let event = if forced {
                    Event::sign_in(SignInStep::ChangeExpiredPassword).about(user_name.as_str())
                } else {
                    Event::action(IamAction::ChangePassword).about(user_name.as_str())
                };
                self.commit_change(tx, actor, event).await?;
                tracing::info!(account_id = %account_id, user = %user_name, "password changed by its user");
                let expires = password_expires_at(policy.as_ref(), OffsetDateTime::now_utc());
                Ok(PasswordChanged { session_epoch: epoch, password_expires_at: expires })
            }
        }
    }
}
