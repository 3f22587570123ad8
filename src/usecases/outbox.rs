//! Outgoing mail: what `lanyard outbox` prints, and the claim/ack steps the SMTP worker uses;
//! Add users' sign-in instructions. The engine does not speak SMTP; the server owns the transport.

use crate::domain::{Email, SignInStep};
use crate::store;
use crate::store::outbox::OutboxRow;
use crate::store::throttle::ThrottlePolicy;
use crate::usecases::actor::Actor;
use crate::usecases::events::{Event, EventError, EventIdentity, EventSource};
use crate::{Engine, IamError};

/// Sign-in instruction mails one account may send: 20 in a row, then one a minute doubling to
/// an hour (the sign-in throttle's counters, keyed `mail:<account>`), so a console session cannot
/// turn the outbox into a mail cannon.
const MAIL_THROTTLE: ThrottlePolicy =
    ThrottlePolicy { free_failures: 20, base_lock_secs: 60, max_lock_secs: 3600, reset_after_secs: 3600 };

/// A mail that failed this many times is left alone (and stays visible in `lanyard outbox`).
pub const MAX_DELIVERY_ATTEMPTS: i32 = 8;

impl Engine {
    /// Add users' `Email sign-in instructions`: where and as whom the user signs in — never the
    /// password, which the administrator hands over apart. The caller must be allowed GetUser.
    pub async fn mail_sign_in_instructions(
        &self,
        actor: &Actor,
        user_name: &str,
        email: &str,
        signin_url: &str,
    ) -> Result<(), IamError> {
        let to = Email::parse(email)?;
        let user = self.get_user(actor, user_name).await?.user;
        let who = EventIdentity::of_actor(actor);
        let event = Event::sign_in(SignInStep::SignInInstructionsSent)
            .about(user.user_name.to_string())
            .request(serde_json::json!({ "userName": user.user_name.to_string(), "email": to.as_str() }));
        let key = format!("mail:{}", actor.account_id());
        if !store::throttle::update_charge_one(&self.pool, &key, &MAIL_THROTTLE).await? {
            let refused = IamError::LimitExceeded(
                "Too many sign-in instruction mails from this account. Try again later.".into(),
            );
            self.record_sign_in(&who, EventSource::from(actor.facts()), event, Some(EventError::from(&refused))).await;
            return Err(refused);
        }
        let body = format!(
            "An administrator created an IAM user for you in Lanyard.\n\n\
             Sign in at: {signin_url}\nUser name: {}\n\n\
             Your password is given to you separately. If you did not expect this, ignore this message.\n",
            user.user_name
        );
        store::outbox::insert_outbox(&self.pool, to.as_str(), "Your Lanyard sign-in details", &body).await?;
        self.record_sign_in(&who, EventSource::from(actor.facts()), event, None).await;
        tracing::info!(account_id = %actor.account_id(), user = %user.user_name, "sign-in instructions mailed");
        Ok(())
    }

    /// The newest mail, sent or not.
    pub async fn list_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>, IamError> {
        Ok(store::outbox::list_outbox(&self.pool, limit.clamp(1, 1000)).await?)
    }

    /// Takes up to `limit` due mails for delivery; each is leased for `retry_after_seconds` times
    /// its attempt number, so a crashed or failing delivery is retried later with back-off.
    pub async fn claim_due_mail(&self, limit: i64, retry_after_seconds: f64) -> Result<Vec<OutboxRow>, IamError> {
        Ok(store::outbox::update_claim_due_mail(&self.pool, limit, retry_after_seconds, MAX_DELIVERY_ATTEMPTS).await?)
    }

    pub async fn mark_mail_sent(&self, id: i64) -> Result<(), IamError> {
        Ok(store::outbox::update_mail_sent(&self.pool, id).await?)
    }

    pub async fn mark_mail_failed(&self, id: i64, error: &str) -> Result<(), IamError> {
        let error: String = error.chars().take(1000).collect();
        Ok(store::outbox::update_mail_failed(&self.pool, id, &error).await?)
    }
}
