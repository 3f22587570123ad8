//! Permissions boundaries: PutUserPermissionsBoundary and DeleteUserPermissionsBoundary. A
//! boundary is a managed policy (AWS's or the account's); a user's own policies then grant only
//! what the boundary allows as well (see `Actor::judge`).

use crate::domain::IamAction;
use crate::store;
use crate::usecases::actor::{Access, Actor, RequestKeys};
use crate::usecases::events::Event;
use crate::usecases::policies::require_managed_policy;
use crate::usecases::users::user_prefix;
use crate::usecases::users::UserTags;
use crate::{Engine, IamError};

impl Engine {
    /// PutUserPermissionsBoundary: sets or replaces the user's boundary; `iam:PermissionsBoundary`
    /// is in the request's context, so a policy can require a particular boundary.
    pub async fn put_user_permissions_boundary(
        &self,
        actor: &Actor,
        user_name: &str,
        arn: &str,
    ) -> Result<(), IamError> {
        let arn = arn.trim();
        if arn.is_empty() {
            return Err(IamError::field("permissionsBoundary", "choose a managed policy"));
        }
        let action = IamAction::PutUserPermissionsBoundary;
        // The decision needs the request's boundary in its context, so the lookup asks for no
        // action itself (the pre-lookup check still refuses callers who could do this to no user).
        self.precheck(actor, action, &user_prefix(actor.account_id()), user_name)?;
        let mut tx = self.pool.begin().await?;
        let (row, resource) = self.lock_user_for(&mut tx, actor, user_name, &[], UserTags::ToAuthorize).await?;
        let keys = RequestKeys { permissions_boundary: Some(arn), ..Default::default() };
        self.authorize_access(actor, &Access::new(action, &resource).with(keys))?;
        require_managed_policy(&mut tx, actor.account_id().as_str(), arn).await?;
        store::boundaries::update_user_boundary(&mut *tx, &row.user_id, Some(arn)).await?;
        self.commit_change(tx, actor, Event::on_user(action, &row.user_name).with("permissionsBoundary", arn)).await?;
        tracing::info!(user = %row.user_name, boundary = %arn, "permissions boundary set");
        Ok(())
    }

    /// DeleteUserPermissionsBoundary: the user's own policies alone decide again.
    pub async fn delete_user_permissions_boundary(&self, actor: &Actor, user_name: &str) -> Result<(), IamError> {
        let action = IamAction::DeleteUserPermissionsBoundary;
        let mut tx = self.pool.begin().await?;
        let (row, _) = self.lock_user_for(&mut tx, actor, user_name, &[action], UserTags::ToAuthorize).await?;
        store::boundaries::update_user_boundary(&mut *tx, &row.user_id, None).await?;
        self.commit_change(tx, actor, Event::on_user(action, &row.user_name)).await?;
        tracing::info!(user = %row.user_name, "permissions boundary removed");
        Ok(())
    }
}
