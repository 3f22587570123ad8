//! Turning what a session remembers (account, kind, user ID) back into a current [`Principal`].

use crate::domain::{AccountId, IamPath, Principal, PrincipalKind, UniqueId, UserName};
use crate::store;
use crate::{Engine, IamError};

impl Engine {
    /// The principal a session names, as it is now; `None` when the account or user is gone, or
    /// the session's `epoch` has been ended (by a password change), which ends the session.
    pub async fn find_principal(
        &self,
        kind: PrincipalKind,
        account_id: &AccountId,
        user_id: Option<&str>,
        epoch: i32,
    ) -> Result<Option<Principal>, IamError> {
        match (kind, user_id) {
            (PrincipalKind::Root, _) => Ok(store::accounts::find_account_by_id(&self.pool, account_id)
                .await?
                .filter(|a| a.root_session_epoch == epoch)
                .map(|a| Principal::Root { account_id: account_id.clone(), email: a.root_email })),
            (PrincipalKind::User, Some(user_id)) => {
                match store::users::find_user_by_id(&self.pool, account_id, user_id).await? {
                    Some(u) if u.session_epoch == epoch => Ok(Some(Principal::User {
                        account_id: account_id.clone(),
                        user_id: UniqueId::parse(&u.user_id)?,
                        user_name: UserName::parse(&u.user_name)?,
                        path: IamPath::parse(&u.path)?,
                    })),
                    _ => Ok(None),
                }
            }
            (PrincipalKind::User, None) => Ok(None),
        }
    }
}
