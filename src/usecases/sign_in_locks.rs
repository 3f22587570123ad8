//! A user's sign-in lock as administrators see it on the user's page, and clearing it (for the
//! person locked out by their own typos, or after an attack on their name has been dealt with).

use crate::domain::IamAction;
use crate::store;
use crate::store::throttle::ThrottleRow;
use crate::usecases::actor::Actor;
use crate::usecases::events::Event;
use crate::usecases::throttle_keys::user_throttle_key;
use crate::usecases::users::UserTags;
use crate::{Engine, IamError};
use serde::Serialize;
use time::OffsetDateTime;

/// Failed sign-ins currently counted against a user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignInLock {
    pub failures: i32,
    /// Set while sign-ins are refused without checking the password.
    pub locked_until: Option<OffsetDateTime>,
    pub last_attempt_at: OffsetDateTime,
}

impl Engine {
    /// What a throttle counter means at `now`: a lock to show, or nothing once it is forgotten.
    pub(crate) fn sign_in_lock(&self, row: ThrottleRow, now: OffsetDateTime) -> Option<SignInLock> {
        let forgotten =
            row.last_attempt_at < now - time::Duration::seconds(i64::from(self.config.user_throttle.reset_after_secs));
        // Attempts in flight are charged before their password check; a counter at zero is not a lock.
        if forgotten || row.failures == 0 {
            return None;
        }
        Some(SignInLock {
            failures: row.failures,
            locked_until: row.locked_until.filter(|t| *t > now),
            last_attempt_at: row.last_attempt_at,
        })
    }

    /// Forgets the user's failed sign-ins, lifting any lock. Allowed to whoever may manage the
    /// user's console password.
    pub async fn clear_sign_in_lock(&self, actor: &Actor, user_name: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let (user, _) = self
            .lock_user_for(&mut tx, actor, user_name, &[IamAction::UpdateLoginProfile], UserTags::ToAuthorize)
            .await?;
        let key = user_throttle_key(actor.account_id(), &user.user_name);
        store::throttle::delete_throttle(&mut *tx, &key).await?;
        self.commit_change(
            tx,
            actor,
            Event::on_user(IamAction::UpdateLoginProfile, &user.user_name)
                .additional(serde_json::json!({ "signInLockCleared": true })),
        )
        .await?;
        tracing::info!(account_id = %actor.account_id(), user = %user.user_name, "sign-in lock cleared");
        Ok(())
    }
}
