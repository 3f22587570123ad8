//! Whose credentials a request is about (MFA devices, access keys): the principal's own, or an
//! IAM user's by name, resolved in the actor's account and authorized once.

use crate::domain::{root_arn, AccountId, IamAction, Principal};
use crate::store;
use crate::store::users::UserRow;
use crate::usecases::actor::Actor;
use crate::usecases::sign_in::{root_throttle_key, user_throttle_key};
use crate::usecases::users::{no_such_user, user_prefix};
use crate::{Engine, IamError};
use sqlx::PgConnection;

/// Whose credentials: the signed-in principal's own, or an IAM user's by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerRef {
    Me,
    User(String),
}

/// An owner resolved in the actor's account.
pub(crate) struct Owner {
    pub account_id: AccountId,
    pub user_id: Option<String>,
    /// The user name, or the root email, for labels and throttle keys.
    pub name: String,
    pub arn: String,
    pub is_self: bool,
}

impl Owner {
    pub fn throttle_key(&self) -> String {
        match &self.user_id {
            Some(_) => user_throttle_key(&self.account_id, &self.name),
            None => root_throttle_key(&self.name),
        }
    }

    pub fn binding(&self) -> String {
        format!("mfa-enrolment:{}:{}", self.account_id, self.user_id.as_deref().unwrap_or("root"))
    }
}

impl Engine {
    /// Resolves `owner` in the actor's account, authorizing `action` on the owner (with its tags).
    /// With `lock`, the owner's row (the user, or the account for root) is locked until the
    /// transaction ends, so quotas counted under it hold. Whether the owner is the actor is decided
    /// by ids, never by names: `SelfMFA` names the user `selfmfa` too.
    pub(crate) async fn resolve_owner(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        owner: &OwnerRef,
        lock: bool,
        action: IamAction,
    ) -> Result<Owner, IamError> {
        let account_id = actor.account_id().clone();
        match (owner, actor.principal()) {
            (OwnerRef::Me, Principal::Root { email, .. }) => {
                if lock {
                    store::mfa_devices::find_account_for_update(&mut *conn, account_id.as_str()).await?;
                }
                Ok(Owner { arn: root_arn(&account_id), account_id, user_id: None, name: email.clone(), is_self: true })
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
        let resource = self.user_resource(conn, &account_id, &row.user_id, &row.path, &row.user_name).await?;
        self.authorize(actor, action, &resource)?;
        let is_self = matches!(actor.principal(), Principal::User { user_id, .. } if user_id.as_str() == row.user_id);
        Ok(Owner { arn: resource.arn, account_id, user_id: Some(row.user_id), name: row.user_name, is_self })
    }
}
