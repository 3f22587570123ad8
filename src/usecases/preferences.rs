//! What a principal chose in the console, remembered for them: the users list's columns. A
//! principal's own choices need no IAM action (like their own session); nobody reads another's.

use crate::domain::{Principal, UserColumn};
use crate::store;
use crate::usecases::actor::Actor;
use crate::{Engine, IamError};

const USER_COLUMNS: &str = "users.columns";

/// The principal's key in `console_preferences`: root has no user row.
fn owner(actor: &Actor) -> (&str, Option<&str>) {
    match actor.principal() {
        Principal::Root { account_id, .. } => (account_id.as_str(), None),
        Principal::User { account_id, user_id, .. } => (account_id.as_str(), Some(user_id.as_str())),
    }
}

impl Engine {
    /// The users list's columns as this principal chose them (all of them until they choose).
    pub async fn user_columns(&self, actor: &Actor) -> Result<Vec<UserColumn>, IamError> {
        let (account, user) = owner(actor);
        let stored = store::preferences::find_preference(&self.pool, account, user, USER_COLUMNS).await?;
        Ok(match stored {
            Some(value) => UserColumn::parse_list(value.split(',')),
            None => UserColumn::DEFAULT.to_vec(),
        })
    }

    /// Remembers the principal's columns (unknown names are dropped; none at all is a choice too).
    pub async fn set_user_columns(&self, actor: &Actor, columns: &[String]) -> Result<Vec<UserColumn>, IamError> {
        let chosen = UserColumn::parse_list(columns.iter().map(String::as_str));
        let (account, user) = owner(actor);
        store::preferences::upsert_preference(&self.pool, account, user, USER_COLUMNS, &UserColumn::join(&chosen))
            .await?;
        Ok(chosen)
    }
}
