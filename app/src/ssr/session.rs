//! The console session: what it remembers about the principal, its absolute lifetime, and
//! reloading the principal for each request.

use crate::error::AppError;
use axum::http::request::Parts;
use lanyard_iam::domain::{AccountId, Principal, PrincipalKind};
use lanyard_iam::usecases::actor::{Origin, RequestFacts};
use lanyard_iam::usecases::sign_in::SignedIn;
use lanyard_iam::{Actor, IamError, MfaContext};
use leptos::prelude::use_context;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// A signed-in session ends 12 hours after sign-in, however active it is (as the AWS console's).
pub const ABSOLUTE_SESSION_SECS: i64 = 12 * 3600;

/// Activity is written back at most this often: the idle timeout stays accurate to a minute,
/// and most page views cost no database write.
pub const TOUCH_EVERY_SECS: i64 = 60;

const PRINCIPAL_KEY: &str = "principal";
const PENDING_MFA_KEY: &str = "pending_mfa";

/// How long the MFA step may take after the password was accepted.
pub const MFA_STEP_SECS: i64 = 5 * 60;

/// What the session stores: references only, re-checked against the database on every request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPrincipal {
    pub kind: PrincipalKind,
    pub account_id: String,
    pub user_id: Option<String>,
    /// Unix seconds of the sign-in, for the absolute lifetime.
    pub signed_in_at: i64,
    /// Unix seconds of the last activity written to the store (see [`TOUCH_EVERY_SECS`]).
    pub touched_at: i64,
    /// The page to return to after signing out (the sign-in page used).
    pub signin_page: String,
    /// The principal's session epoch at sign-in; a password change elsewhere bumps it, ending this session.
    #[serde(default)]
    pub epoch: i32,
    /// Signed in with a password that must be replaced before anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// Unix seconds when the password expires under the account's policy.
    #[serde(default)]
    pub password_expires_at: Option<i64>,
    /// Signed in with an MFA code (what `aws:MultiFactorAuthPresent` will test).
    #[serde(default)]
    pub mfa: bool,
}

/// A sign-in whose password was right, waiting for its MFA code. Not a signed-in session: nothing
/// but the MFA step reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMfa {
    pub kind: PrincipalKind,
    pub account_id: String,
    pub user_id: Option<String>,
    pub epoch: i32,
    pub must_change_password: bool,
    pub password_expires_at: Option<i64>,
    pub signin_page: String,
    /// Unix seconds when the password was accepted.
    pub started_at: i64,
}

/// A session's principal with what the session knows about its password.
#[derive(Clone, Debug)]
pub struct SessionState {
    /// The principal with its policies, loaded once for the request.
    pub principal: Actor,
    pub must_change_password: bool,
    pub password_expires_at: Option<i64>,
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    IamError::Internal(format!("{what}: {e}")).into()
}

/// A session that could not be read or written: the session store is the database, so this is
/// the database being unreachable (503, try again), not a fault of the request.
pub fn session_store_failed(what: &str, e: impl std::fmt::Display) -> IamError {
    IamError::Unavailable(format!("{what}: {e}"))
}

pub fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| internal("request", "no request parts in context"))
}

pub fn request_session() -> Result<Session, AppError> {
    request_parts()?.extensions.get::<Session>().cloned().ok_or_else(|| internal("session", "no session layer"))
}

pub fn request_host() -> Result<String, AppError> {
    let parts = request_parts()?;
    Ok(parts.headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned())
}

fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The request's principal, resolved once: a page and the data server functions it calls while
/// rendering each ask for it, and each answer costs a session read and a database lookup.
/// Provided fresh for every request (see the server's router).
#[derive(Clone, Debug, Default)]
/// A failure is kept too: with the database down, a page's second and third server functions
/// answer at once instead of each waiting for a connection again.
pub struct PrincipalMemo(std::sync::Arc<tokio::sync::OnceCell<Result<Option<SessionState>, AppError>>>);

/// The principal of this request's session, reloaded from the database (once per request). A
/// session past its absolute lifetime, or naming a principal that no longer exists, is ended here.
/// A session that must change its password first gets [`IamError::PasswordChangeRequired`]: only
/// the password change itself (see [`current_session`]) and signing out work for it.
pub async fn current_principal() -> Result<Option<Actor>, AppError> {
    match current_session().await? {
        Some(s) if s.must_change_password => Err(IamError::PasswordChangeRequired.into()),
        other => Ok(other.map(|s| s.principal)),
    }
}

/// The signed-in principal every server function that acts for someone starts with; a visitor gets
/// [`IamError::NotSignedIn`].
pub async fn signed_in() -> Result<Actor, AppError> {
    Ok(current_principal().await?.ok_or(IamError::NotSignedIn)?)
}

/// The session's principal and password state, also while a password change is pending.
pub async fn current_session() -> Result<Option<SessionState>, AppError> {
    match use_context::<PrincipalMemo>() {
        Some(memo) => memo.0.get_or_init(load_principal).await.clone(),
        None => load_principal().await,
    }
}

async fn load_principal() -> Result<Option<SessionState>, AppError> {
    let session = request_session()?;
    let Some(stored) = session
        .get::<SessionPrincipal>(PRINCIPAL_KEY)
        .await
        .map_err(|e| AppError::from(session_store_failed("session read", e)))?
    else {
        return Ok(None);
    };
    let now = now_secs();
    if session_expired(stored.signed_in_at, now) {
        session.flush().await.map_err(|e| AppError::from(session_store_failed("session flush", e)))?;
        return Ok(None);
    }
    let state = super::ConsoleState::get()?;
    let account_id = AccountId::parse(&stored.account_id)?;
    let principal =
        state.engine.find_principal(stored.kind, &account_id, stored.user_id.as_deref(), stored.epoch).await?;
    let Some(principal) = principal else {
        session.flush().await.map_err(|e| AppError::from(session_store_failed("session flush", e)))?;
        return Ok(None);
    };
    // The MFA keys IAM conditions test: present (with its age) only when the sign-in took a code.
    let mfa = if stored.mfa { MfaContext::Present { at: stored.signed_in_at } } else { MfaContext::NotPresent };
    let principal = state.engine.load_actor(principal, mfa).await?.with_facts(request_facts(&state, &stored)?);
    let result = SessionState {
        principal,
        must_change_password: stored.must_change_password,
        password_expires_at: stored.password_expires_at,
    };
    if now - stored.touched_at >= TOUCH_EVERY_SECS {
        // Marks the session modified, so the layer saves it and its idle expiry restarts.
        let touched = SessionPrincipal { touched_at: now, ..stored };
        session
            .insert(PRINCIPAL_KEY, touched)
            .await
            .map_err(|e| AppError::from(session_store_failed("session write", e)))?;
    }
    Ok(Some(result))
}

/// The request's `User-Agent` (at most 1024 characters), for conditions and the event history.
pub fn request_user_agent() -> Option<String> {
    user_agent_of(&request_parts().ok()?)
}

fn user_agent_of(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .map(|ua| ua.chars().take(1024).collect())
}

/// The global condition keys of a console request: the client's address and agent, whether the
/// console is served over TLS, IAM's region, and the session's sign-in as its credentials' issue time.
fn request_facts(state: &super::ConsoleState, stored: &SessionPrincipal) -> Result<RequestFacts, AppError> {
    let parts = request_parts()?;
    let user_agent = user_agent_of(&parts);
    Ok(RequestFacts {
        source_ip: parts.extensions.get::<super::ClientAddr>().map(|a| a.0),
        user_agent,
        secure_transport: state.hosts.public_origin.starts_with("https://"),
        token_issued_at: Some(stored.signed_in_at),
        origin: Origin::Console,
        ..RequestFacts::default()
    })
}

/// After this session changed its password: it adopts the new epoch (every other session of the
/// principal has ended) and may go on; the password's expiry restarts.
pub async fn password_changed_in_session(epoch: i32, password_expires_at: Option<i64>) -> Result<(), AppError> {
    let session = request_session()?;
    let Some(stored) = session
        .get::<SessionPrincipal>(PRINCIPAL_KEY)
        .await
        .map_err(|e| AppError::from(session_store_failed("session read", e)))?
    else {
        return Err(IamError::NotSignedIn.into());
    };
    let updated = SessionPrincipal { epoch, must_change_password: false, password_expires_at, ..stored };
    session.insert(PRINCIPAL_KEY, updated).await.map_err(|e| AppError::from(session_store_failed("session write", e)))
}

/// Whether a session signed in at `signed_in_at` is past its absolute lifetime at `now`.
pub fn session_expired(signed_in_at: i64, now: i64) -> bool {
    now - signed_in_at >= ABSOLUTE_SESSION_SECS
}

/// Starts a signed-in session: a new session ID (so a planted one is useless), then the principal.
pub async fn sign_in_session(signed_in: &SignedIn, signin_page: &str, mfa: bool) -> Result<(), AppError> {
    let principal = &signed_in.principal;
    let session = request_session()?;
    session.cycle_id().await.map_err(|e| AppError::from(session_store_failed("session cycle", e)))?;
    let _ = session
        .remove_value(PENDING_MFA_KEY)
        .await
        .map_err(|e| AppError::from(session_store_failed("session write", e)))?;
    let stored = SessionPrincipal {
        kind: principal.kind(),
        account_id: principal.account_id().to_string(),
        user_id: user_id_of(principal),
        signed_in_at: now_secs(),
        touched_at: now_secs(),
        signin_page: signin_page.to_owned(),
        epoch: signed_in.session_epoch,
        must_change_password: signed_in.must_change_password,
        password_expires_at: signed_in.password_expires_at.map(|t| t.unix_timestamp()),
        mfa,
    };
    session.insert(PRINCIPAL_KEY, stored).await.map_err(|e| AppError::from(session_store_failed("session write", e)))
}

fn user_id_of(principal: &Principal) -> Option<String> {
    match principal {
        Principal::User { user_id, .. } => Some(user_id.to_string()),
        Principal::Root { .. } => None,
    }
}

/// After a right password for a principal with MFA: a new session ID, no principal yet, and the
/// pending sign-in for the MFA step.
pub async fn begin_mfa_session(signed_in: &SignedIn, signin_page: &str) -> Result<(), AppError> {
    let session = request_session()?;
    session.cycle_id().await.map_err(|e| AppError::from(session_store_failed("session cycle", e)))?;
    let _ = session
        .remove_value(PRINCIPAL_KEY)
        .await
        .map_err(|e| AppError::from(session_store_failed("session write", e)))?;
    let pending = PendingMfa {
        kind: signed_in.principal.kind(),
        account_id: signed_in.principal.account_id().to_string(),
        user_id: user_id_of(&signed_in.principal),
        epoch: signed_in.session_epoch,
        must_change_password: signed_in.must_change_password,
        password_expires_at: signed_in.password_expires_at.map(|t| t.unix_timestamp()),
        signin_page: signin_page.to_owned(),
        started_at: now_secs(),
    };
    session.insert(PENDING_MFA_KEY, pending).await.map_err(|e| AppError::from(session_store_failed("session write", e)))
}

/// The sign-in waiting for its MFA code, if there is one and it has not timed out.
pub async fn pending_mfa() -> Result<Option<PendingMfa>, AppError> {
    let session = request_session()?;
    let pending: Option<PendingMfa> =
        session.get(PENDING_MFA_KEY).await.map_err(|e| AppError::from(session_store_failed("session read", e)))?;
    Ok(pending.filter(|p| now_secs() - p.started_at < MFA_STEP_SECS))
}

/// The sign-in page this session came from, for the redirect after signing out.
pub async fn signin_page_of_session() -> Result<Option<String>, AppError> {
    let session = request_session()?;
    Ok(session
        .get::<SessionPrincipal>(PRINCIPAL_KEY)
        .await
        .map_err(|e| AppError::from(session_store_failed("session read", e)))?
        .map(|s| s.signin_page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::{provide_context, Owner};
    use leptos::reactive::computed::ScopedFuture;

    /// Without a request (no session, no database) only the memo can answer: proof that a
    /// second lookup in the same request does no work.
    #[tokio::test]
    async fn the_principal_is_resolved_once_per_request() {
        let principal = Actor::root(AccountId::parse("111122223333").unwrap(), "a@b.co");
        let memo = PrincipalMemo::default();
        let state =
            SessionState { principal: principal.clone(), must_change_password: false, password_expires_at: None };
        memo.0.set(Ok(Some(state))).unwrap();
        let owner = Owner::new();
        let with_memo = owner.with(|| {
            provide_context(memo);
            ScopedFuture::new(current_principal())
        });
        assert_eq!(with_memo.await.unwrap().map(|a| a.arn()), Some(principal.arn()));
        let without = Owner::new().with(|| ScopedFuture::new(current_principal()));
        assert!(without.await.is_err(), "without the memo it must go to the (absent) session");
    }

    #[test]
    fn sessions_end_twelve_hours_after_sign_in() {
        let t0 = 1_800_000_000;
        assert!(!session_expired(t0, t0));
        assert!(!session_expired(t0, t0 + 12 * 3600 - 1));
        assert!(session_expired(t0, t0 + 12 * 3600));
    }
}
