//! Console sign-in for root users (by email) and IAM users (by account and user name).
//!
//! Every failure looks the same from outside: one error, and the same argon2 work whether the
//! account or user exists or not. Attempts are charged to the user and to the source address
//! *before* the password is checked, so parallel guesses cannot exceed the limit.

use crate::domain::password_expires_at;
use crate::domain::SignInStep;
use crate::domain::{AccountId, AccountRef, IamPath, Password, Principal, UniqueId, UserName};
use crate::store;
use crate::store::throttle::Charge;
use crate::usecases::actor::{Actor, MfaContext, Origin};
use crate::usecases::events::{Event, EventError, EventIdentity, EventSource};
use crate::usecases::throttle_keys::{address_key, clip, root_throttle_key, user_throttle_key};
use crate::{Engine, IamError};
use serde_json::{json, Value};
use std::net::IpAddr;

/// The IAM user's name, for the event's "about" (none for root).
fn user_name_of(principal: &Principal) -> Option<String> {
    match principal {
        Principal::User { user_name, .. } => Some(user_name.to_string()),
        Principal::Root { .. } => None,
    }
}
use time::OffsetDateTime;

/// Whom a sign-in form names.
#[derive(Clone, Debug)]
pub enum SignInTarget {
    Root { email: String },
    User { account: String, user_name: String },
}

#[derive(Clone, Debug)]
pub struct SignInRequest {
    pub target: SignInTarget,
    pub password: Password,
    pub source: IpAddr,
    /// The browser's `User-Agent`, for the event history.
    pub user_agent: Option<String>,
}

/// Where a sign-in step comes from: the client's address (throttled) and its agent (recorded).
#[derive(Clone, Debug)]
pub struct SignInClient {
    pub source: IpAddr,
    pub user_agent: Option<String>,
}

impl From<IpAddr> for SignInClient {
    fn from(source: IpAddr) -> Self {
        SignInClient { source, user_agent: None }
    }
}

impl SignInClient {
    fn event_source(&self) -> EventSource<'_> {
        EventSource {
            source_ip: Some(self.source),
            user_agent: self.user_agent.as_deref(),
            origin: Origin::Console,
            request_id: None,
            access_key_id: None,
        }
    }
}

/// Why a sign-in step failed, as only the event history (administrators) tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailureReason {
    Locked,
    UnknownUser,
    NoConsoleAccess,
    WrongPassword,
    PasswordExpired,
    WrongOrReusedCode,
}

impl FailureReason {
    fn as_str(self) -> &'static str {
        match self {
            FailureReason::Locked => "Locked: too many failed attempts from this user or address",
            FailureReason::UnknownUser => "No such user",
            FailureReason::NoConsoleAccess => "The user has no console password",
            FailureReason::WrongPassword => "Wrong password",
            FailureReason::PasswordExpired => "Password expired (hard expiry)",
            FailureReason::WrongOrReusedCode => "Wrong or already used MFA code",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub principal: Principal,
    /// The user must choose a new password before anything else: the login profile's
    /// PasswordResetRequired, or a password expired under a policy without HardExpiry.
    pub must_change_password: bool,
    /// When the password expires under the account's MaxPasswordAge, if it does.
    pub password_expires_at: Option<OffsetDateTime>,
    /// The principal's session epoch; sessions of older epochs have been ended.
    pub session_epoch: i32,
    /// The password was right and the principal has an MFA device: the sign-in is complete only
    /// after [`Engine::complete_mfa_sign_in`]. Until then the attempt stays counted.
    pub mfa_required: bool,
}

/// Why a sign-in was refused; only tests and logs see the difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// The user or the source address is locked; the password was not checked.
    Throttled,
    /// Unknown account or user, no console access, or a wrong password.
    BadCredentials,
}

/// What a sign-in target resolved to before the password check.
struct Candidate {
    throttle_key: String,
    /// The account a name resolved in, even when the user did not (for the event's account).
    account_id: Option<AccountId>,
    /// Why there is no principal (for the event history).
    missing: FailureReason,
    password_hash: Option<String>,
    principal: Option<Principal>,
    password_reset_required: bool,
    password_changed_at: Option<OffsetDateTime>,
    session_epoch: i32,
}

impl Candidate {
    fn nobody(throttle_key: String) -> Self {
        Candidate {
            throttle_key,
            account_id: None,
            missing: FailureReason::UnknownUser,
            password_hash: None,
            principal: None,
            password_reset_required: false,
            password_changed_at: None,
            session_epoch: 0,
        }
    }
}

impl Engine {
    /// Signs in; any refusal is the one generic [`IamError::SignInFailed`].
    pub async fn sign_in(&self, req: SignInRequest) -> Result<SignedIn, IamError> {
        self.attempt_sign_in(req).await?.map_err(|_| IamError::SignInFailed)
    }

    /// Like [`Engine::sign_in`] but tells why a sign-in was refused (for tests and the log).
    pub async fn attempt_sign_in(&self, req: SignInRequest) -> Result<Result<SignedIn, SignInRefusal>, IamError> {
        let candidate = self.resolve_candidate(&req.target).await?;
        let client = SignInClient { source: req.source, user_agent: req.user_agent.clone() };
        let (who, about) = match &candidate.principal {
            Some(p) => (Some(EventIdentity::of(p, MfaContext::NotPresent, None)), user_name_of(p)),
            None => (candidate.account_id.as_ref().map(|a| EventIdentity::hidden(a.as_str())), None),
        };
        let login = |outcome: Result<Value, FailureReason>| {
            self.record_step(SignInStep::ConsoleLogin, who.clone(), about.clone(), &client, outcome)
        };
        let address_key = address_key(req.source);
        let cfg = &self.config;

        match store::throttle::update_begin_attempt(
            &self.pool,
            &address_key,
            &cfg.address_throttle,
            &candidate.throttle_key,
            &cfg.user_throttle,
        )
        .await?
        {
            Charge::Proceed => {}
            Charge::AddressLocked => {
                tracing::info!(source = %req.source, "sign-in refused: source address locked");
                login(Err(FailureReason::Locked)).await;
                return Ok(Err(SignInRefusal::Throttled));
            }
            Charge::SubjectLocked => {
                tracing::info!(subject = %candidate.throttle_key, "sign-in refused: subject locked");
                login(Err(FailureReason::Locked)).await;
                return Ok(Err(SignInRefusal::Throttled));
            }
        }

        let verified = self.hasher.verify(&req.password, candidate.password_hash.as_deref()).await?;
        match (verified, candidate.principal) {
            (true, Some(principal)) => {
                let user_id = match &principal {
                    Principal::User { user_id, .. } => Some(user_id.as_str()),
                    Principal::Root { .. } => None,
                };
                let mfa_required =
                    store::mfa_devices::find_any_mfa_device(&self.pool, principal.account_id().as_str(), user_id)
                        .await?;
                // With MFA the attempt is cleared only by a right code; otherwise someone who knows
                // the password could guess codes forever, each right password resetting the count.
                if !mfa_required {
                    store::throttle::update_attempt_succeeded(
                        &self.pool,
                        &address_key,
                        &cfg.address_throttle,
                        &candidate.throttle_key,
                        user_id,
                    )
                    .await?;
                }
                if let Some(hash) = &candidate.password_hash {
                    self.upgrade_hash(&principal, &req.password, hash).await;
                }
                let (policy, changed_at) = match (&principal, candidate.password_changed_at) {
                    (Principal::User { account_id, .. }, Some(changed_at)) => {
                        (self.find_policy(account_id).await?, Some(changed_at))
                    }
                    _ => (None, None),
                };
                let expires_at = changed_at.and_then(|c| password_expires_at(policy.as_ref(), c));
                let expired = expires_at.is_some_and(|t| t <= OffsetDateTime::now_utc());
                if expired && policy.as_ref().is_some_and(|p| p.hard_expiry) {
                    tracing::info!(principal = %principal.arn(), "sign-in refused: password expired (hard expiry)");
                    login(Err(FailureReason::PasswordExpired)).await;
                    return Err(IamError::PasswordExpired);
                }
                tracing::info!(principal = %principal.arn(), mfa_required, "password accepted");
                // With MFA, the sign-in is recorded when the code is (see `complete_mfa_sign_in`).
                if !mfa_required {
                    let must_change = candidate.password_reset_required || expired;
                    login(Ok(json!({ "MFAUsed": "No", "PasswordChangeRequired": must_change }))).await;
                }
                Ok(Ok(SignedIn {
                    principal,
                    must_change_password: candidate.password_reset_required || expired,
                    password_expires_at: expires_at,
                    session_epoch: candidate.session_epoch,
                    mfa_required,
                }))
            }
            (_, principal) => {
                let reason = if principal.is_none() { candidate.missing } else { FailureReason::WrongPassword };
                login(Err(reason)).await;
                tracing::info!(subject = %candidate.throttle_key, source = %req.source, "sign-in refused: bad credentials");
                Ok(Err(SignInRefusal::BadCredentials))
            }
        }
    }

    /// The second step of a sign-in with MFA: `code` must be a current, unused code of one of the
    /// principal's devices. Charged to the same throttle counters as passwords; any failure is the
    /// generic [`IamError::SignInFailed`].
    pub async fn complete_mfa_sign_in(
        &self,
        principal: &Principal,
        code: &str,
        client: impl Into<SignInClient>,
    ) -> Result<(), IamError> {
        let client = client.into();
        let source = client.source;
        let who = Some(EventIdentity::of(principal, MfaContext::NotPresent, None));
        let about = user_name_of(principal);
        let check = |outcome: Result<Value, FailureReason>| {
            self.record_step(SignInStep::CheckMfa, who.clone(), about.clone(), &client, outcome)
        };
        let (throttle_key, user_id) = match principal {
            Principal::User { account_id, user_id, user_name, .. } => {
                (user_throttle_key(account_id, user_name.as_str()), Some(user_id.as_str()))
            }
            Principal::Root { email, .. } => (root_throttle_key(email), None),
        };
        let address_key = address_key(source);
        let cfg = &self.config;
        let charge = store::throttle::update_begin_attempt(
            &self.pool,
            &address_key,
            &cfg.address_throttle,
            &throttle_key,
            &cfg.user_throttle,
        )
        .await?;
        if charge != Charge::Proceed {
            tracing::info!(subject = %throttle_key, "MFA sign-in refused: throttled");
            check(Err(FailureReason::Locked)).await;
            return Err(IamError::SignInFailed);
        }
        let accepted = match crate::domain::MfaCode::parse("mfaCode", code) {
            Ok(code) => self.accept_mfa_code(principal.account_id(), user_id, &code).await?,
            Err(_) => false,
        };
        if !accepted {
            tracing::info!(subject = %throttle_key, source = %source, "MFA sign-in refused: wrong or reused code");
            check(Err(FailureReason::WrongOrReusedCode)).await;
            return Err(IamError::SignInFailed);
        }
        store::throttle::update_attempt_succeeded(
            &self.pool,
            &address_key,
            &cfg.address_throttle,
            &throttle_key,
            user_id,
        )
        .await?;
        tracing::info!(principal = %principal.arn(), "signed in with MFA");
        check(Ok(json!({}))).await;
        let login_who = Some(EventIdentity::of(principal, MfaContext::Present { at: 0 }, None));
        self.record_step(SignInStep::ConsoleLogin, login_who, about.clone(), &client, Ok(json!({ "MFAUsed": "Yes" })))
            .await;
        Ok(())
    }

    /// Records a sign-in step: who (the principal, or a hidden name in a known account; nothing
    /// when not even the account is known) and how it ended, with the real reason of a failure.
    async fn record_step(
        &self,
        step: SignInStep,
        who: Option<EventIdentity>,
        about: Option<String>,
        client: &SignInClient,
        outcome: Result<Value, FailureReason>,
    ) {
        let result_label = if outcome.is_ok() { "success" } else { "failure" };
        metrics::counter!("lanyard_sign_ins_total", "step" => step.name(), "result" => result_label).increment(1);
        let Some(who) = who else { return };
        let mut event = Event::sign_in(step);
        if let Some(name) = about {
            event = event.about(name);
        }
        let (result, additional, error) = match outcome {
            Ok(additional) => ("Success", additional, None),
            Err(reason) => (
                "Failure",
                json!({ "FailureReason": reason.as_str() }),
                Some(EventError { code: "SignInFailed".into(), message: "Failed authentication".into() }),
            ),
        };
        let event = event.response(json!({ step.name(): result })).additional(additional);
        self.record_sign_in(&who, client.event_source(), event, error).await;
    }

    /// Records a sign-out from the console.
    pub async fn record_sign_out(&self, actor: &Actor) {
        let who = EventIdentity::of_actor(actor);
        let mut event = Event::sign_in(SignInStep::ConsoleSignOut);
        if let Some(name) = user_name_of(actor.principal()) {
            event = event.about(name);
        }
        self.record_sign_in(&who, EventSource::from(actor.facts()), event, None).await;
    }

    /// Replaces a hash made with older parameters, now that the password is known to be right.
    /// Best effort: a failure is logged and the sign-in goes on.
    async fn upgrade_hash(&self, principal: &Principal, password: &Password, old: &str) {
        if !self.hasher.needs_rehash(old) {
            return;
        }
        let result = async {
            let new = self.hasher.hash(password).await?;
            match principal {
                Principal::User { user_id, .. } => {
                    store::login_profiles::update_password_hash_upgrade(&self.pool, user_id.as_str(), old, &new).await?
                }
                Principal::Root { account_id, .. } => {
                    store::accounts::update_root_password_hash_upgrade(&self.pool, account_id.as_str(), old, &new)
                        .await?
                }
            }
            Ok::<_, IamError>(())
        }
        .await;
        match result {
            Ok(()) => tracing::info!(principal = %principal.arn(), "password hash upgraded to current parameters"),
            Err(e) => tracing::warn!(principal = %principal.arn(), error = %e, "password hash upgrade failed"),
        }
    }

    async fn resolve_candidate(&self, target: &SignInTarget) -> Result<Candidate, IamError> {
        match target {
            SignInTarget::Root { email } => {
                let throttle_key = root_throttle_key(email);
                let row = store::accounts::find_root_credentials(&self.pool, email.trim()).await?;
                Ok(match row {
                    Some(r) => Candidate {
                        account_id: Some(AccountId::parse(&r.account_id)?),
                        principal: Some(Principal::Root {
                            account_id: AccountId::parse(&r.account_id)?,
                            email: r.root_email,
                        }),
                        password_hash: Some(r.root_password_hash),
                        session_epoch: r.root_session_epoch,
                        ..Candidate::nobody(throttle_key)
                    },
                    None => Candidate::nobody(throttle_key),
                })
            }
            SignInTarget::User { account, user_name } => {
                let account_row = match AccountRef::parse(account) {
                    Some(r) => self.find_account(&r).await?,
                    None => None,
                };
                let Some(account_row) = account_row else {
                    return Ok(Candidate::nobody(format!("user:?{}:{}", clip(account), clip(user_name))));
                };
                let account_id = account_row.account_id;
                let throttle_key = user_throttle_key(&account_id, user_name);
                let row = if UserName::parse(user_name.trim()).is_ok() {
                    store::users::find_user_credentials(&self.pool, &account_id, user_name.trim()).await?
                } else {
                    None
                };
                let missing = match &row {
                    Some(_) => FailureReason::NoConsoleAccess,
                    None => FailureReason::UnknownUser,
                };
                Ok(match row {
                    Some(u) if u.password_hash.is_some() => Candidate {
                        account_id: Some(account_id.clone()),
                        missing,
                        principal: Some(Principal::User {
                            account_id,
                            user_id: UniqueId::parse(&u.user_id)?,
                            user_name: UserName::parse(&u.user_name)?,
                            path: IamPath::parse(&u.path)?,
                        }),
                        password_hash: u.password_hash,
                        password_reset_required: u.password_reset_required.unwrap_or(false),
                        password_changed_at: u.password_changed_at,
                        session_epoch: u.session_epoch,
                        throttle_key,
                    },
                    // No such user, or a user without console access: the same dummy work.
                    _ => Candidate { account_id: Some(account_id), missing, ..Candidate::nobody(throttle_key) },
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_share_a_counter_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        assert_eq!(address_key("::ffff:10.0.0.1".parse().unwrap()), "ip:10.0.0.1");
    }

    #[test]
    fn throttle_keys_stay_short_for_huge_input() {
        assert_eq!(clip(&"A".repeat(10_000)).len(), 128);
    }
}
