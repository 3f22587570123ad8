//! Deleting users. IAM's DeleteUser is strict: it refuses with DeleteConflict while the user still
//! owns credentials or memberships. The console's `Delete user` removes the user together with
//! everything they own, in one transaction, checking each implied action first.

use crate::domain::{IamAction, IamPath, UniqueId, UserName};
use crate::store;
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::throttle_keys::user_throttle_key;
use crate::usecases::users::User;
use crate::usecases::Dependents;
use crate::{Engine, IamError};

impl Engine {
    /// IAM's DeleteUser: refuses while a login profile (later: keys, MFA devices, policies,
    /// groups) remains.
    pub async fn delete_user(&self, actor: &Actor, user_name: &str) -> Result<User, IamError> {
        self.delete_user_inner(actor, user_name, Dependents::Refuse).await
    }

    /// The console's delete: the user and everything the user owns, or nothing.
    pub async fn delete_user_with_credentials(&self, actor: &Actor, user_name: &str) -> Result<User, IamError> {
        self.delete_user_inner(actor, user_name, Dependents::Remove).await
    }

    async fn delete_user_inner(
        &self,
        actor: &Actor,
        user_name: &str,
        dependents: Dependents,
    ) -> Result<User, IamError> {
        let mut tx = self.pool.begin().await?;
        let (user, resource) = self.lock_user_for(&mut tx, actor, user_name, &[IamAction::DeleteUser]).await?;
        let held = store::users::find_user_dependents(&mut *tx, &user.user_id).await?;
        if held.has_login_profile {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict("Cannot delete entity, must delete login profile first.".into()));
            }
            self.authorize(actor, IamAction::DeleteLoginProfile, &resource)?;
        }
        if held.has_access_key {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict("Cannot delete entity, must delete access keys first.".into()));
            }
            self.authorize(actor, IamAction::DeleteAccessKey, &resource)?;
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
        let target = crate::usecases::policies::Target::user(&user.user_id, &user.user_name, resource.clone());
        self.clear_target_policies(&mut tx, actor, &target, dependents).await?;
        store::users::delete_user(&mut *tx, &user.user_id).await?;
        store::throttle::delete_throttle(&mut *tx, &user_throttle_key(actor.account_id(), &user.user_name)).await?;
        tx.commit().await?;
        tracing::info!(account_id = %actor.account_id(), user = %user.user_name, ?dependents, "user deleted");
        Ok(User {
            user_id: UniqueId::parse(&user.user_id)?,
            user_name: UserName::parse(&user.user_name)?,
            path: IamPath::parse(&user.path)?,
            arn: resource.arn,
            created_at: user.created_at,
        })
    }
}
