//! Deleting users. IAM's DeleteUser is strict: it refuses with DeleteConflict while the user still
//! owns credentials or memberships. The console's `Delete user` removes the user together with
//! everything they own, in one transaction, checking each implied action first.

use crate::domain::{IamAction, IamPath, UniqueId, UserName};
use crate::store;
use crate::store::users::UserRow;
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::events::Event;
use crate::usecases::throttle_keys::user_throttle_key;
use crate::usecases::users::User;
use crate::usecases::users::UserTags;
use crate::usecases::Dependents;
use crate::{Engine, IamError};
use serde_json::json;
use sqlx::PgConnection;

/// One deleted user's event; the console's delete notes that it took the user's credentials along.
fn deleted_event(user: &User, dependents: Dependents) -> Event {
    let event = Event::action(IamAction::DeleteUser)
        .about(user.user_name.as_str())
        .request(json!({ "userName": user.user_name }));
    match dependents {
        Dependents::Refuse => event,
        Dependents::Remove => event.additional(json!({ "withCredentials": true })),
    }
}

/// The user a delete removed, as the answer names it.
fn deleted_user(user: &UserRow, arn: String) -> Result<User, IamError> {
    Ok(User {
        user_id: UniqueId::parse(&user.user_id)?,
        user_name: UserName::parse(&user.user_name)?,
        path: IamPath::parse(&user.path)?,
        arn,
        created_at: user.created_at,
    })
}

impl Engine {
    /// IAM's DeleteUser: refuses while a login profile, access keys, signing certificates, SSH
    /// keys, service-specific credentials, groups, MFA devices or policies remain.
    pub async fn delete_user(&self, actor: &Actor, user_name: &str) -> Result<User, IamError> {
        self.delete_user_inner(actor, user_name, Dependents::Refuse).await
    }

    /// The console's delete: the user and everything the user owns, or nothing.
    pub async fn delete_user_with_credentials(&self, actor: &Actor, user_name: &str) -> Result<User, IamError> {
        self.delete_user_inner(actor, user_name, Dependents::Remove).await
    }

    /// The console's `Delete` of the users selected in the list: each with everything they own,
    /// all in one transaction, or none of them. Names are locked in one order (ignoring case), so
    /// two overlapping batches wait for each other instead of deadlocking.
    pub async fn delete_users_with_credentials(&self, actor: &Actor, names: &[String]) -> Result<Vec<User>, IamError> {
        let mut names: Vec<&str> = names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
        names.sort_by_key(|n| n.to_lowercase());
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        if names.is_empty() {
            return Err(IamError::field("userNames", "select at least one user"));
        }
        let mut tx = self.pool.begin().await?;
        let mut deleted = Vec::with_capacity(names.len());
        for name in names {
            let user = self.delete_user_in(&mut tx, actor, name, Dependents::Remove).await?;
            self.record_change(&mut tx, actor, &deleted_event(&user, Dependents::Remove)).await?;
            deleted.push(user);
        }
        tx.commit().await?;
        for user in &deleted {
            tracing::info!(account_id = %actor.account_id(), user = %user.user_name, "user deleted (with others)");
        }
        Ok(deleted)
    }

    async fn delete_user_inner(
        &self,
        actor: &Actor,
        user_name: &str,
        dependents: Dependents,
    ) -> Result<User, IamError> {
        let mut conn = self.warm.acquire().await?;
        let mut tx = conn.begin().await?;
        let user = self.delete_user_in(&mut tx, actor, user_name, dependents).await?;
        self.commit_change(tx, actor, deleted_event(&user, dependents)).await?;
        conn.release();
        tracing::info!(account_id = %actor.account_id(), user = %user.user_name, ?dependents, "user deleted");
        Ok(user)
    }

    /// Deletes one user inside the caller's transaction; the caller logs once it has committed.
    async fn delete_user_in(
        &self,
        tx: &mut PgConnection,
        actor: &Actor,
        user_name: &str,
        dependents: Dependents,
    ) -> Result<User, IamError> {
        let (user, resource) =
            self.lock_user_for(&mut *tx, actor, user_name, &[IamAction::DeleteUser], UserTags::ToAuthorize).await?;
        let throttle_key = user_throttle_key(actor.account_id(), &user.user_name);
        // The strict delete of a user holding nothing (the usual case) is one statement; when
        // something is held, the checks below name it.
        if dependents == Dependents::Refuse
            && store::users::delete_user_unless_held(&mut *tx, &user.user_id, &throttle_key).await?
        {
            return deleted_user(&user, resource.arn);
        }
        let held = store::users::find_user_dependents(&mut *tx, &user.user_id).await?;
        // Credentials go with a delete action on the user each; IAM's strict delete names the first.
        let credentials = [
            (held.has_login_profile, "login profile", IamAction::DeleteLoginProfile),
            (held.has_access_key, "access keys", IamAction::DeleteAccessKey),
            (held.has_signing_certificate, "signing certificates", IamAction::DeleteSigningCertificate),
            (held.has_ssh_public_key, "SSH public keys", IamAction::DeleteSSHPublicKey),
            (held.has_service_credential, "service-specific credentials", IamAction::DeleteServiceSpecificCredential),
        ];
        for (_, what, action) in credentials.into_iter().filter(|(held, ..)| *held) {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict(format!("Cannot delete entity, must delete {what} first.")));
            }
            self.authorize(actor, action, &resource)?;
        }
        if held.in_groups {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict(
                    "Cannot delete entity, must remove the user from all groups first.".into(),
                ));
            }
            // RemoveUserFromGroup is an action on each group.
            for g in store::groups::list_groups_for_user(&mut *tx, &user.user_id).await? {
                let group = Resource::untagged(crate::usecases::groups::arn_of(&g)?);
                self.authorize(actor, IamAction::RemoveUserFromGroup, &group)?;
            }
        }
        if held.has_mfa_device {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict("Cannot delete entity, must remove MFA device first.".into()));
            }
            self.authorize(actor, IamAction::DeactivateMFADevice, &resource)?;
        }
        if held.has_policies {
            let target = crate::usecases::policies::Target::user(&user.user_id, &user.user_name, resource.clone());
            self.clear_target_policies(&mut *tx, actor, &target, dependents).await?;
        }
        store::users::delete_user(&mut *tx, &user.user_id).await?;
        store::throttle::delete_throttle(&mut *tx, &throttle_key).await?;
        deleted_user(&user, resource.arn)
    }
}
