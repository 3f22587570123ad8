//! STS GetSessionToken: temporary credentials (`ASIA…`, a secret, a session token, an expiry) for
//! the caller's long-term key. With SerialNumber + TokenCode (a code accepted once, as at sign-in,
//! under the same throttle) the session carries `aws:MultiFactorAuthPresent=true`, so
//! "MFA-protected API access" policies work from the CLI. Tokens are stored as hashes, secrets
//! sealed; both die with the parent key or the user.

use crate::crypto::secrets::{generate_token, token_hash, SecretAccessKey};
use crate::domain::{MfaCode, Principal};
use crate::store;
use crate::store::session_credentials::NewSession;
use crate::store::throttle::Charge;
use crate::usecases::actor::Actor;
use crate::usecases::api_auth::{session_binding, ApiCaller};
use crate::usecases::throttle_keys::{root_throttle_key, user_throttle_key};
use crate::{Engine, IamError};
use rand::Rng;
use std::net::IpAddr;
use time::{Duration, OffsetDateTime};

/// IAM users' sessions: 15 minutes to 36 hours, 12 hours unless asked; root's: at most one hour.
pub const USER_DURATION: (i64, i64, i64) = (900, 129_600, 43_200);
pub const ROOT_DURATION: (i64, i64, i64) = (900, 3_600, 3_600);

/// Shown once: what GetSessionToken answers.
pub struct SessionCredentials {
    pub access_key_id: String,
    pub secret: SecretAccessKey,
    pub session_token: String,
    pub expiration: OffsetDateTime,
}

impl std::fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCredentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

fn mfa_failed() -> IamError {
    IamError::AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.".into())
}

fn session_key_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::rngs::OsRng;
    let tail: String = (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect();
    format!("ASIA{tail}")
}

impl Engine {
    pub async fn get_session_token(
        &self,
        actor: &Actor,
        caller: &ApiCaller,
        duration_seconds: Option<i64>,
        mfa: Option<(String, String)>,
        source: IpAddr,
    ) -> Result<SessionCredentials, IamError> {
        if caller.session.is_some() {
            return Err(IamError::AccessDenied("Cannot call GetSessionToken with session credentials".into()));
        }
        // AWS's range is 900 s to 36 hours for everyone; a root session longer than an hour is
        // not refused but cut to one hour ("defaults to one hour" in GetSessionToken's reference).
        let (min, max) = (USER_DURATION.0, USER_DURATION.1);
        let duration = duration_seconds.unwrap_or(USER_DURATION.2);
        if !(min..=max).contains(&duration) {
            return Err(IamError::field(
                "durationSeconds",
                format!("Member must have value greater than or equal to {min} and less than or equal to {max}"),
            ));
        }
        let duration = match actor.principal() {
            Principal::Root { .. } => duration.min(ROOT_DURATION.1),
            Principal::User { .. } => duration,
        };
        let (account_id, user_id, throttle_key) = match actor.principal() {
            Principal::User { account_id, user_id, user_name, .. } => {
                (account_id, Some(user_id.as_str()), user_throttle_key(account_id, user_name.as_str()))
            }
            Principal::Root { account_id, email } => (account_id, None, root_throttle_key(email)),
        };
        let now = OffsetDateTime::now_utc();
        let mfa_at = match mfa {
            None => None,
            Some((serial, code)) => {
                // Only a serial of the caller's own account can name one of their devices.
                if !serial.starts_with(&format!("arn:aws:iam::{account_id}:mfa/")) {
                    return Err(mfa_failed());
                }
                if self.charge_attempt(source, &throttle_key).await? != Charge::Proceed {
                    return Err(mfa_failed());
                }
                let code = MfaCode::parse("tokenCode", &code).map_err(|_| mfa_failed())?;
                if !self.accept_mfa_code_of(account_id, user_id, Some(serial.as_str()), &code).await? {
                    tracing::info!(principal = %actor.arn(), "GetSessionToken refused: wrong or reused MFA code");
                    return Err(mfa_failed());
                }
                self.attempt_succeeded(source, &throttle_key).await?;
                Some(now)
            }
        };
        let access_key_id = session_key_id();
        let secret = SecretAccessKey::generate();
        let session_token = format!("{}{}", generate_token(), generate_token());
        let sealed =
            self.config.master_key.seal(secret.expose().as_bytes(), session_binding(&access_key_id).as_bytes())?;
        let expiration = (now + Duration::seconds(duration)).replace_nanosecond(0).unwrap_or(now);
        store::session_credentials::insert_session_credentials(
            &self.pool,
            &NewSession {
                access_key_id: &access_key_id,
                parent_key_id: &caller.parent_key_id,
                account_id: account_id.as_str(),
                user_id,
                sealed_secret: &sealed,
                token_hash: &token_hash(&session_token),
                mfa_at,
                expires_at: expiration,
            },
        )
        .await?;
        let _ = store::session_credentials::delete_expired_sessions(&self.pool).await;
        tracing::info!(principal = %actor.arn(), access_key_id = %access_key_id, mfa = mfa_at.is_some(), "session token issued");
        Ok(SessionCredentials { access_key_id, secret, session_token, expiration })
    }
}
