//! The engine handle every front end holds: the pool, the password hasher and the policies.

use crate::crypto::sealing::MasterKey;
use crate::crypto::PasswordHasher;
use crate::store::throttle::ThrottlePolicy;
use crate::IamError;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Per user (and per root email): a few guesses, then locks from 15 s doubling up to 15 min.
    pub user_throttle: ThrottlePolicy,
    /// Per source address: room for an office behind one NAT, then the same growing locks.
    pub address_throttle: ThrottlePolicy,
    /// Password hashes allowed to run at once; the number of cores.
    pub hash_concurrency: usize,
    /// Seals secrets at rest (TOTP seeds). The default is a random key that lives as long as the
    /// process, which suits tests; the server loads its persistent key (see `lanyard --help`).
    pub master_key: MasterKey,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            user_throttle: ThrottlePolicy {
                free_failures: 5,
                base_lock_secs: 15,
                max_lock_secs: 15 * 60,
                reset_after_secs: 12 * 3600,
            },
            address_throttle: ThrottlePolicy {
                free_failures: 30,
                base_lock_secs: 15,
                max_lock_secs: 15 * 60,
                reset_after_secs: 3600,
            },
            hash_concurrency: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            master_key: MasterKey::generate(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Engine {
    pub(crate) pool: PgPool,
    pub(crate) hasher: PasswordHasher,
    pub(crate) config: Arc<EngineConfig>,
    pub(crate) api_auth: crate::usecases::api_auth::ApiAuthCache,
}

impl Engine {
    pub fn new(pool: PgPool, config: EngineConfig) -> Result<Self, IamError> {
        let hasher = PasswordHasher::new(config.hash_concurrency)?;
        Ok(Self { pool, hasher, config: Arc::new(config), api_auth: Default::default() })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }
}
