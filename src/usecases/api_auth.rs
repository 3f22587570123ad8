//! Who signed an API request: SigV4 verification against the named access key. The key's status
//! is read on every request (a deactivated key fails on its next use); only the derived signing
//! key, which follows from the immutable secret, is cached. A request that fails changes nothing.

use crate::domain::{AccountId, IamPath, Principal, UniqueId, UserName};
use crate::sigv4::{self, SignedRequest};
use crate::store;
use crate::usecases::access_keys::key_binding;
use crate::{Engine, IamError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};

/// How far a request's `X-Amz-Date` may be from the server's clock.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// A key's "last used" is written at most this often, so busy keys do not write on every call.
const LAST_USED_EVERY_SECS: i64 = 60;
const SIGNING_KEY_CACHE_MAX: usize = 10_000;
/// The services a request to Lanyard's endpoint may be scoped to.
pub const API_SERVICES: &[&str] = &["iam", "sts"];

/// The caller of a verified request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    pub principal: Principal,
    /// GetCallerIdentity's UserId: the user's `AIDA…` id, or the account ID for root.
    pub user_id: String,
    pub access_key_id: String,
    /// The long-term key behind the request (itself, or the parent of temporary credentials).
    pub parent_key_id: String,
    /// Set for temporary credentials (GetSessionToken): when issued and when MFA was proven.
    pub session: Option<SessionInfo>,
    /// The credential scope's service (`iam` or `sts`) and region, as signed.
    pub service: String,
    pub region: String,
}

/// Per-engine memory for API authentication: derived signing keys and when each key's use was
/// last written.
#[derive(Clone, Debug, Default)]
pub struct ApiAuthCache {
    signing_keys: Arc<Mutex<HashMap<String, [u8; 32]>>>,
    last_used_written: Arc<Mutex<HashMap<String, i64>>>,
}

/// What temporary credentials tell the request context (`aws:TokenIssueTime`, `aws:MultiFactorAuth*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub issued_at: i64,
    pub mfa_at: Option<i64>,
}

/// A credential resolved for a signature check. `Debug` is not derived: it holds the sealed secret.
struct Credential {
    access_key_id: String,
    parent_key_id: String,
    account_id: String,
    user_id: Option<String>,
    user_name: Option<String>,
    path: Option<String>,
    root_email: String,
    sealed_secret: Vec<u8>,
    /// What the secret was sealed to.
    binding: String,
    session: Option<SessionInfo>,
}

/// What a temporary credential's secret is sealed to: its own id.
pub(crate) fn session_binding(access_key_id: &str) -> String {
    format!("session-key:{access_key_id}")
}

fn auth_error(code: &'static str, message: impl Into<String>) -> IamError {
    IamError::RequestAuth { code, message: message.into() }
}

fn mismatch() -> IamError {
    auth_error(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

/// `InvalidClientTokenId` with AWS's message (also what an IAM call with MFA-less session
/// credentials gets).
pub fn invalid_key() -> IamError {
    auth_error("InvalidClientTokenId", "The security token included in the request is invalid.")
}

impl Engine {
    /// Verifies `req`'s SigV4 signature at time `now` and returns its caller.
    pub async fn authenticate_request(
        &self,
        req: &SignedRequest<'_>,
        now: OffsetDateTime,
    ) -> Result<ApiCaller, IamError> {
        let header = req.header_values("authorization");
        let Some(header) = header.first() else {
            return Err(auth_error("MissingAuthenticationToken", "Request is missing Authentication Token"));
        };
        let auth = sigv4::parse_authorization(header).map_err(|m| auth_error("IncompleteSignature", m.0))?;
        for required in ["host", "x-amz-date"] {
            if !auth.signed_headers.iter().any(|h| h == required) {
                return Err(auth_error(
                    "IncompleteSignature",
                    format!("'{required}' must be a signed header (SignedHeaders)."),
                ));
            }
        }
        let amz_date = req.header_values("x-amz-date").first().copied().unwrap_or_default();
        let signed_at = sigv4::parse_amz_date(amz_date).ok_or_else(|| {
            auth_error("IncompleteSignature", "X-Amz-Date must be an ISO 8601 basic date, like 20150830T123600Z.")
        })?;
        if (now - signed_at).abs() > CLOCK_SKEW {
            return Err(auth_error(
                "RequestExpired",
                format!(
                    "Request has expired: it was signed at {amz_date}, more than 5 minutes from the server's time {}.",
                    sigv4::format_amz_date(now)
                ),
            ));
        }
        if !amz_date.starts_with(&auth.date) {
            return Err(auth_error(
                "SignatureDoesNotMatch",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
            ));
        }
        self.check_scope(&auth.region, &auth.service)?;
        if auth.access_key_id.len() > 128 {
            return Err(invalid_key());
        }
        let row = self.find_credential(req, &auth.access_key_id, now).await?;

        // Only signing keys of requests that verified are remembered: a caller who knows a key
        // id but not its secret cannot grow the cache with scopes of its choosing.
        let cache_key = format!("{}/{}", auth.access_key_id, auth.scope());
        let cached = self.api_auth.signing_keys.lock().ok().and_then(|m| m.get(&cache_key).copied());
        let signing_key = match cached {
            Some(k) => k,
            None => {
                let secret = self.config.master_key.open(&row.sealed_secret, row.binding.as_bytes())?;
                let secret =
                    String::from_utf8(secret).map_err(|_| IamError::Internal("sealed secret is not UTF-8".into()))?;
                sigv4::signing_key(&secret, &auth.date, &auth.region, &auth.service)
            }
        };
        let creq = sigv4::canonical_request(req, &auth.signed_headers).map_err(|h| {
            auth_error("IncompleteSignature", format!("Signed header '{h}' is missing from the request."))
        })?;
        let expected = sigv4::signature(&signing_key, &sigv4::string_to_sign(amz_date, &auth.scope(), &creq));
        if !sigv4::same_signature(&expected, &auth.signature) {
            tracing::info!(access_key_id = %auth.access_key_id, "API request refused: signature does not match");
            return Err(mismatch());
        }
        if cached.is_none() {
            if let Ok(mut m) = self.api_auth.signing_keys.lock() {
                if m.len() >= SIGNING_KEY_CACHE_MAX {
                    m.clear();
                }
                m.insert(cache_key, signing_key);
            }
        }

        let account_id = AccountId::parse(&row.account_id)?;
        let (principal, user_id) = match (&row.user_id, &row.user_name, &row.path) {
            (Some(user_id), Some(name), Some(path)) => (
                Principal::User {
                    account_id: account_id.clone(),
                    user_id: UniqueId::parse(user_id)?,
                    user_name: UserName::parse(name)?,
                    path: IamPath::parse(path)?,
                },
                user_id.clone(),
            ),
            _ => (
                Principal::Root { account_id: account_id.clone(), email: row.root_email.clone() },
                account_id.to_string(),
            ),
        };
        self.record_key_use(&row.parent_key_id, &auth.service, &auth.region, now).await?;
        Ok(ApiCaller {
            principal,
            user_id,
            access_key_id: row.access_key_id,
            parent_key_id: row.parent_key_id,
            session: row.session,
            service: auth.service.clone(),
            region: auth.region.clone(),
        })
    }

    /// The credential a request names: a long-term `AKIA…` key (active), or `ASIA…` temporary
    /// credentials whose session token the request carries, unexpired, of an active parent key.
    async fn find_credential(
        &self,
        req: &SignedRequest<'_>,
        access_key_id: &str,
        now: OffsetDateTime,
    ) -> Result<Credential, IamError> {
        if !access_key_id.starts_with("ASIA") {
            let mut conn = self.warm.acquire().await?;
            let row = store::access_keys::find_access_key_for_auth(&mut *conn, access_key_id).await?;
            conn.release();
            let row = row.filter(|r| r.status == "Active").ok_or_else(invalid_key)?;
            return Ok(Credential {
                binding: key_binding(&row.access_key_id),
                parent_key_id: row.access_key_id.clone(),
                access_key_id: row.access_key_id,
                account_id: row.account_id,
                user_id: row.user_id,
                user_name: row.user_name,
                path: row.path,
                root_email: row.root_email,
                sealed_secret: row.sealed_secret,
                session: None,
            });
        }
        let token = req.header_values("x-amz-security-token").first().map(|t| t.trim().to_owned()).unwrap_or_default();
        let row = store::session_credentials::find_session_for_auth(&self.pool, access_key_id)
            .await?
            .filter(|r| r.parent_status == "Active")
            .ok_or_else(invalid_key)?;
        if token.is_empty() || !sigv4::same_signature(&crate::crypto::secrets::token_hash(&token), &row.token_hash) {
            return Err(invalid_key());
        }
        if row.expires_at <= now {
            return Err(auth_error("ExpiredToken", "The security token included in the request is expired"));
        }
        Ok(Credential {
            binding: session_binding(&row.access_key_id),
            access_key_id: row.access_key_id,
            parent_key_id: row.parent_key_id,
            account_id: row.account_id,
            user_id: row.user_id,
            user_name: row.user_name,
            path: row.path,
            root_email: row.root_email,
            sealed_secret: row.sealed_secret,
            session: Some(SessionInfo {
                issued_at: row.created_at.unix_timestamp(),
                mfa_at: row.mfa_at.map(|t| t.unix_timestamp()),
            }),
        })
    }

    /// The credential scope's service must be one this endpoint answers (`iam`, `sts`) and its
    /// region one of the configured ones, as AWS refuses a request scoped elsewhere.
    fn check_scope(&self, region: &str, service: &str) -> Result<(), IamError> {
        if !API_SERVICES.contains(&service) {
            return Err(auth_error(
                "SignatureDoesNotMatch",
                "Credential should be scoped to correct service: 'iam' or 'sts'.",
            ));
        }
        if !self.config.api_regions.iter().any(|r| r == region) {
            return Err(auth_error("SignatureDoesNotMatch", "Credential should be scoped to a valid region."));
        }
        Ok(())
    }

    /// How many signing keys are remembered (for tests of the cache's growth).
    pub fn cached_signing_keys(&self) -> usize {
        self.api_auth.signing_keys.lock().map(|m| m.len()).unwrap_or(0)
    }

    async fn record_key_use(
        &self,
        key: &str,
        service: &str,
        region: &str,
        now: OffsetDateTime,
    ) -> Result<(), IamError> {
        let now = now.unix_timestamp();
        let due = match self.api_auth.last_used_written.lock() {
            Ok(mut m) => {
                let due = m.get(key).is_none_or(|t| now - t >= LAST_USED_EVERY_SECS);
                if due {
                    m.insert(key.to_owned(), now);
                }
                due
            }
            Err(_) => true,
        };
        if due {
            store::access_keys::update_access_key_last_used(&self.pool, key, service, region).await?;
        }
        Ok(())
    }
}
