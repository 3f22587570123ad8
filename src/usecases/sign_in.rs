//! Console sign-in for root users (by email) and IAM users (by account and user name).
//!
//! Every failure looks the same from outside: one error, and the same argon2 work whether the
//! account or user exists or not. Attempts are charged to the user and to the source address
//! *before* the password is checked, so parallel guesses cannot exceed the limit.

use crate::domain::{AccountId, AccountRef, IamPath, Password, Principal, UniqueId, UserName};
use crate::store;
use crate::store::throttle::Charge;
use crate::{Engine, IamError};
use std::net::IpAddr;

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub principal: Principal,
    /// The user must choose a new password before anything else (login profile's flag).
    pub password_reset_required: bool,
}

/// Why a sign-in was refused; only tests and logs see the difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInRefusal {
    /// The user or the source address is locked; the password was not checked.
    Throttled,
    /// Unknown account or user, no console access, or a wrong password.
    BadCredentials,
}

/// Keeps throttle keys short even for 10 kB of input.
fn clip(s: &str) -> String {
    s.trim().chars().take(128).collect::<String>().to_lowercase()
}

/// The throttle counter of an IAM user: the account's ID and the name as IAM compares names,
/// ignoring case (so `Bob` and `bob` share one counter).
pub(crate) fn user_throttle_key(account_id: &AccountId, user_name: &str) -> String {
    format!("user:{account_id}:{}", clip(user_name))
}

/// IPv6 clients usually own a whole /64, so that is what one address's counter covers.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// What a sign-in target resolved to before the password check.
struct Candidate {
    throttle_key: String,
    password_hash: Option<String>,
    principal: Option<Principal>,
    password_reset_required: bool,
}

impl Engine {
    /// Signs in; any refusal is the one generic [`IamError::SignInFailed`].
    pub async fn sign_in(&self, req: SignInRequest) -> Result<SignedIn, IamError> {
        self.attempt_sign_in(req).await?.map_err(|_| IamError::SignInFailed)
    }

    /// Like [`Engine::sign_in`] but tells why a sign-in was refused (for tests and the log).
    pub async fn attempt_sign_in(&self, req: SignInRequest) -> Result<Result<SignedIn, SignInRefusal>, IamError> {
        let candidate = self.resolve_candidate(&req.target).await?;
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
                return Ok(Err(SignInRefusal::Throttled));
            }
            Charge::SubjectLocked => {
                tracing::info!(subject = %candidate.throttle_key, "sign-in refused: subject locked");
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
                store::throttle::update_attempt_succeeded(
                    &self.pool,
                    &address_key,
                    &cfg.address_throttle,
                    &candidate.throttle_key,
                    user_id,
                )
                .await?;
                tracing::info!(principal = %principal.arn(), "signed in");
                Ok(Ok(SignedIn { principal, password_reset_required: candidate.password_reset_required }))
            }
            _ => {
                tracing::info!(subject = %candidate.throttle_key, source = %req.source, "sign-in refused: bad credentials");
                Ok(Err(SignInRefusal::BadCredentials))
            }
        }
    }

    async fn resolve_candidate(&self, target: &SignInTarget) -> Result<Candidate, IamError> {
        match target {
            SignInTarget::Root { email } => {
                let throttle_key = format!("root:{}", clip(email));
                let row = store::accounts::find_root_credentials(&self.pool, email.trim()).await?;
                Ok(match row {
                    Some(r) => Candidate {
                        throttle_key,
                        principal: Some(Principal::Root {
                            account_id: AccountId::parse(&r.account_id)?,
                            email: r.root_email,
                        }),
                        password_hash: Some(r.root_password_hash),
                        password_reset_required: false,
                    },
                    None => {
                        Candidate { throttle_key, principal: None, password_hash: None, password_reset_required: false }
                    }
                })
            }
            SignInTarget::User { account, user_name } => {
                let account_row = match AccountRef::parse(account) {
                    Some(r) => self.find_account(&r).await?,
                    None => None,
                };
                let Some(account_row) = account_row else {
                    let throttle_key = format!("user:?{}:{}", clip(account), clip(user_name));
                    return Ok(Candidate {
                        throttle_key,
                        principal: None,
                        password_hash: None,
                        password_reset_required: false,
                    });
                };
                let account_id = account_row.account_id;
                let throttle_key = user_throttle_key(&account_id, user_name);
                let row = if UserName::parse(user_name.trim()).is_ok() {
                    store::users::find_user_credentials(&self.pool, &account_id, user_name.trim()).await?
                } else {
                    None
                };
                Ok(match row {
                    Some(u) if u.password_hash.is_some() => Candidate {
                        throttle_key,
                        principal: Some(Principal::User {
                            account_id,
                            user_id: UniqueId::parse(&u.user_id)?,
                            user_name: UserName::parse(&u.user_name)?,
                            path: IamPath::parse(&u.path)?,
                        }),
                        password_hash: u.password_hash,
                        password_reset_required: u.password_reset_required.unwrap_or(false),
                    },
                    // No such user, or a user without console access: the same dummy work.
                    _ => {
                        Candidate { throttle_key, principal: None, password_hash: None, password_reset_required: false }
                    }
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
