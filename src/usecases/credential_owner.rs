//! Whose credentials a request is about (MFA devices, access keys, SSH keys, certificates, …): the principal's own, or an
//! IAM user's by name, resolved in the actor's account and authorized once.

use crate::domain::{root_arn, AccountId, IamAction, Principal};
use crate::store;
use crate::store::users::UserRow;
use crate::usecases::actor::Actor;
use crate::usecases::events::Event;
use crate::usecases::throttle_keys::{root_throttle_key, user_throttle_key};
use crate::usecases::users::{no_such_user, user_prefix, UserTags};
use crate::{Engine, IamError};
use sqlx::PgConnection;

/// Whose credentials: the signed-in principal's own, or an IAM user's by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerRef {
    Me,
    User(String),
}

/// Who an owner is: the account's root user, or one of its IAM users.
pub(crate) enum OwnerKind {
    Root { email: String },
    User { user_id: String, user_name: String },
}

/// Whether the owner is the actor themself (decided by ids) or someone they administer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Whose {
    Own,
    Other,
}

/// Whether resolving the owner also locks its row until the transaction ends: quotas counted
/// under the owner (access keys, MFA devices) need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowLock {
    Hold,
    Skip,
}

/// An owner resolved in the actor's account.
pub(crate) struct Owner {
    pub account_id: AccountId,
    pub kind: OwnerKind,
    pub arn: String,
    pub whose: Whose,
}

impl Owner {
    /// The stores' owner column: the user's id, or none for the root user.
    pub fn user_id(&self) -> Option<&str> {
        match &self.kind {
            OwnerKind::Root { .. } => None,
            OwnerKind::User { user_id, .. } => Some(user_id),
        }
    }

    /// An event about this owner's credentials: `userName` names the IAM user (absent for root,
    /// as in an API call without UserName).
    pub fn event(&self, action: IamAction) -> Event {
        match &self.kind {
            OwnerKind::Root { .. } => Event::action(action),
            OwnerKind::User { user_name, .. } => Event::on_user(action, user_name),
        }
    }

    pub fn throttle_key(&self) -> String {
        match &self.kind {
            OwnerKind::Root { email } => root_throttle_key(email),
            OwnerKind::User { user_name, .. } => user_throttle_key(&self.account_id, user_name),
        }
    }

    pub fn binding(&self) -> String {
        format!("mfa-enrolment:{}:{}", self.account_id, self.user_id().unwrap_or("root"))
    }

    /// The owner as an IAM user (its id and name); the root user holds no SSH keys or
    /// service-specific credentials, as in IAM.
    pub(crate) fn iam_user(&self) -> Result<(&str, &str), IamError> {
        match &self.kind {
            OwnerKind::User { user_id, user_name } => Ok((user_id, user_name)),
            OwnerKind::Root { .. } => Err(IamError::InvalidInput(
                "The root user cannot hold SSH public keys or service-specific credentials; they belong to IAM users."
                    .into(),
            )),
        }
    }
}

impl Engine {
    /// Resolves `owner` in the actor's account, authorizing `action` on the owner (with its tags).
    /// With [`RowLock::Hold`], the owner's row (the user, or the account for root) is locked until the
    /// transaction ends, so quotas counted under it hold. Whether the owner is the actor is decided
    /// by ids, never by names: `SelfMFA` names the user `selfmfa` too.
    pub(crate) async fn resolve_owner(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        owner: &OwnerRef,
        lock: RowLock,
        action: IamAction,
    ) -> Result<Owner, IamError> {
        let account_id = actor.account_id().clone();
        match (owner, actor.principal()) {
            (OwnerRef::Me, Principal::Root { email, .. }) => {
                if lock == RowLock::Hold {
                    store::mfa_devices::find_account_for_update(&mut *conn, account_id.as_str()).await?;
                }
                let kind = OwnerKind::Root { email: email.clone() };
                Ok(Owner { arn: root_arn(&account_id), account_id, kind, whose: Whose::Own })
            }
            (OwnerRef::Me, Principal::User { user_name, .. }) => {
                // One's own credentials are as IAM has them: allowed by a policy (such as AWS's
                // self-manage examples), not by default.
                let row = store::users::find_user_for_update(&mut *conn, &account_id, user_name.as_str())
                    .await?
                    .ok_or_else(|| no_such_user(user_name.as_str()))?;
                self.owner_from_row(conn, actor, row, action).await
            }
            (OwnerRef::User(name), _) => {
                let name = name.trim();
                self.precheck(actor, action, &user_prefix(&account_id), name)?;
                // Outside a transaction the row lock ends with the statement.
                let row = store::users::find_user_for_update(&mut *conn, &account_id, name)
                    .await?
                    .ok_or_else(|| no_such_user(name))?;
                self.owner_from_row(conn, actor, row, action).await
            }
        }
    }

    async fn owner_from_row(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        row: UserRow,
        action: IamAction,
    ) -> Result<Owner, IamError> {
        let account_id = actor.account_id().clone();
        let resource = self.user_resource_for(conn, actor, &row, UserTags::ToAuthorize).await?;
        self.authorize(actor, action, &resource)?;
        let own = matches!(actor.principal(), Principal::User { user_id, .. } if user_id.as_str() == row.user_id);
        let whose = if own { Whose::Own } else { Whose::Other };
        let kind = OwnerKind::User { user_id: row.user_id, user_name: row.user_name };
        Ok(Owner { arn: resource.arn, account_id, kind, whose })
    }
}
