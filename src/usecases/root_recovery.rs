//! "Forgot password?" for root users: a single-use link valid for one hour, mailed to the root
//! email. Only the token's hash is stored; the answer never tells whether the email exists.

use crate::crypto::secrets::{generate_token, token_hash};
use crate::domain::SignInStep;
use crate::domain::{root_password_violations, Password};
use crate::store;
use crate::store::throttle::{Charge, ThrottlePolicy};
use crate::usecases::events::{self, Event, EventIdentity, EventSource};
use crate::usecases::password_change::{CONFIRM_FIELD, NEW_FIELD};
use crate::usecases::throttle_keys::{address_key, root_throttle_key};
use crate::{Engine, FieldError, IamError};
use std::net::IpAddr;
use time::{Duration, OffsetDateTime};

pub const RESET_LINK_LIFETIME: Duration = Duration::hours(1);

fn link_invalid() -> IamError {
    IamError::InvalidInput("This password reset link is invalid, was already used, or has expired.".into())
}

/// Reset requests allowed per root email before they are refused for a while.
pub const RESET_EMAIL_THROTTLE: ThrottlePolicy =
    ThrottlePolicy { free_failures: 3, base_lock_secs: 60, max_lock_secs: 3600, reset_after_secs: 3600 };
/// Reset requests allowed per source address (any emails) before they are refused for a while.
pub const RESET_ADDRESS_THROTTLE: ThrottlePolicy =
    ThrottlePolicy { free_failures: 10, base_lock_secs: 60, max_lock_secs: 3600, reset_after_secs: 3600 };

/// A reset request that was accepted: the mail is written in the background, so the answer takes
/// the same time whether or not the email belongs to a root user. Tests await [`Self::done`].
pub struct ResetRequested(Option<tokio::task::JoinHandle<()>>);

impl ResetRequested {
    pub async fn done(self) {
        if let Some(handle) = self.0 {
            let _ = handle.await;
        }
    }
}

impl Engine {
    /// "Forgot password?": throttled per email and per source address like sign-in, then the
    /// link is issued in the background (see [`Engine::issue_root_password_reset`]). The outcome
    /// is the same for known and unknown emails, and for throttled requests (which send nothing).
    pub async fn request_root_password_reset(
        &self,
        email: &str,
        link_base: &str,
        source: IpAddr,
    ) -> Result<ResetRequested, IamError> {
        let email = email.trim().to_lowercase();
        if email.is_empty() || email.len() > 320 {
            return Ok(ResetRequested(None));
        }
        let charge = store::throttle::update_begin_attempt(
            &self.pool,
            &format!("reset-{}", address_key(source)),
            &RESET_ADDRESS_THROTTLE,
            &format!("reset-{}", root_throttle_key(&email)),
            &RESET_EMAIL_THROTTLE,
        )
        .await?;
        if charge != Charge::Proceed {
            tracing::info!(source = %source, "root password reset refused: throttled");
            return Ok(ResetRequested(None));
        }
        let engine = self.clone();
        let link_base = link_base.to_owned();
        Ok(ResetRequested(Some(tokio::spawn(async move {
            if let Err(e) = engine.issue_root_password_reset(&email, &link_base).await {
                tracing::error!(error = %e, "root password reset could not be issued");
            }
        }))))
    }

    /// Issues a reset link for the root user with `email`, if there is one; `link_base` is the
    /// address the token is appended to (`http://localhost:3000/signin/reset?token=`).
    pub async fn issue_root_password_reset(&self, email: &str, link_base: &str) -> Result<(), IamError> {
        let Some(root) = store::accounts::find_root_credentials(&self.pool, email).await? else {
            tracing::info!("root password reset requested for an unknown email");
            return Ok(());
        };
        let token = generate_token();
        let expires = OffsetDateTime::now_utc() + RESET_LINK_LIFETIME;
        let mut tx = self.pool.begin().await?;
        // One live link per account: an older one stops working.
        store::root_recovery::delete_reset_tokens(&mut *tx, &root.account_id).await?;
        store::root_recovery::insert_reset_token(&mut *tx, &token_hash(&token), &root.account_id, expires).await?;
        let body = format!(
            "Someone asked to reset the password of the root user of Lanyard account {}.\n\n\
             To choose a new password, open this link within one hour (it works once):\n\n{link_base}{token}\n\n\
             If you did not ask for this, ignore this message; your password stays as it is.\n",
            root.account_id
        );
        store::outbox::insert_outbox(&mut *tx, &root.root_email, "Reset your Lanyard root password", &body).await?;
        let who = EventIdentity::root(&root.account_id);
        let event = Event::sign_in(SignInStep::PasswordRecoveryRequested);
        events::insert(&mut tx, &who, EventSource::internal(), &event, None).await?;
        tx.commit().await?;
        tracing::info!(account_id = %root.account_id, "root password reset link issued");
        Ok(())
    }

    /// Whether a reset link can still be used (to show its form; using it is what counts).
    pub async fn root_reset_link_usable(&self, token: &str) -> Result<bool, IamError> {
        Ok(store::root_recovery::find_usable_reset_token(&self.pool, &token_hash(token.trim())).await?)
    }

    /// Sets a new root password with a reset link; the link is used up, root's sessions end and
    /// root's sign-in lock is lifted.
    pub async fn reset_root_password(&self, token: &str, new: &Password, confirm: &Password) -> Result<(), IamError> {
        let mut errors = Vec::new();
        for rule in root_password_violations(new.expose(), &[]) {
            errors.push(FieldError::new(NEW_FIELD, rule.message()));
        }
        if new.expose() != confirm.expose() {
            errors.push(FieldError::new(CONFIRM_FIELD, "must match the new password"));
        }
        if !errors.is_empty() {
            return Err(IamError::Validation(errors));
        }
        let hash = self.hasher.hash(new).await?;
        let mut tx = self.pool.begin().await?;
        let account_id = store::root_recovery::update_consume_reset_token(&mut *tx, &token_hash(token.trim()))
            .await?
            .ok_or_else(link_invalid)?;
        store::accounts::update_root_password(&mut *tx, &account_id, &hash).await?.ok_or_else(link_invalid)?;
        store::root_recovery::delete_reset_tokens(&mut *tx, &account_id).await?;
        let email = store::accounts::find_account_by_id(&mut *tx, &crate::domain::AccountId::parse(&account_id)?)
            .await?
            .map(|a| a.root_email)
            .unwrap_or_default();
        store::throttle::delete_throttle(&mut *tx, &root_throttle_key(&email)).await?;
        let who = EventIdentity::root(&account_id);
        let event = Event::sign_in(SignInStep::PasswordRecoveryCompleted);
        events::insert(&mut tx, &who, EventSource::internal(), &event, None).await?;
        tx.commit().await?;
        tracing::info!(account_id = %account_id, "root password reset with a link");
        Ok(())
    }
}
