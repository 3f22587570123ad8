//! Whose credentials a request is about (MFA devices, access keys): the principal's own, or an
//! IAM user's by name, resolved in the actor's account and authorized once.

use crate::domain::{root_arn, user_arn, AccountId, IamPath, Principal, UserName};
use crate::store;
use crate::usecases::actor::Actor;
use crate::usecases::sign_in::{root_throttle_key, user_throttle_key};
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
    /// Resolves `owner` in the actor's account, authorizing `action` on the owner's ARN. With
    /// `lock`, the owner's row (the user, or the account for root) is locked until the transaction ends,
    /// so quotas counted under it hold.
    pub(crate) async fn resolve_owner(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        owner: &OwnerRef,
        lock: bool,
        action: &str,
    ) -> Result<Owner, IamError> {
        let account_id = actor.account_id().clone();
        let me = match (owner, actor.principal()) {
            (OwnerRef::Me, _) => true,
            (OwnerRef::User(name), Principal::User { user_name, .. }) => name.trim() == user_name.as_str(),
            _ => false,
        };
        match (me, actor.principal(), owner) {
            (true, Principal::Root { email, .. }, _) => {
                if lock {
                    store::mfa_devices::find_account_for_update(&mut *conn, account_id.as_str()).await?;
                }
                Ok(Owner { arn: root_arn(&account_id), account_id, user_id: None, name: email.clone(), is_self: true })
            }
            (true, Principal::User { user_id, user_name, path, .. }, _) => {
                // One's own credentials are as IAM has them: allowed by a policy (such as AWS's
                // self-manage examples), not by default.
                let arn = user_arn(&account_id, path, user_name);
                self.authorize(actor, action, &arn)?;
                if lock {
                    store::users::find_user_for_update(&mut *conn, &account_id, user_name.as_str()).await?;
                }
                Ok(Owner {
                    arn,
                    user_id: Some(user_id.to_string()),
                    name: user_name.to_string(),
                    account_id,
                    is_self: true,
                })
            }
            (false, _, OwnerRef::User(name)) => {
                let name = name.trim();
                // Outside a transaction the row lock ends with the statement.
                let row = store::users::find_user_for_update(&mut *conn, &account_id, name).await?;
                let row =
                    row.ok_or_else(|| IamError::NoSuchEntity(format!("The user with name {name} cannot be found.")))?;
                let arn = user_arn(&account_id, &IamPath::parse(&row.path)?, &UserName::parse(&row.user_name)?);
                self.authorize(actor, action, &arn)?;
                Ok(Owner { arn, account_id, user_id: Some(row.user_id), name: row.user_name, is_self: false })
            }
            (false, _, OwnerRef::Me) => Err(IamError::Internal("unreachable owner".into())),
        }
    }
}
