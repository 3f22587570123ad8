//! The engine handle every front end holds: the pool, the password hasher and the policies.

use crate::crypto::sealing::{Keyring, MasterKey};
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
    pub master_key: Keyring,
    /// Regions a SigV4 credential scope may name (`--api-regions`); IAM answers in `us-east-1`.
    pub api_regions: Vec<String>,
    /// Whether read-only calls go to the event history too (changes always do).
    pub read_events: ReadEvents,
}

/// Whether read-only calls (Get*, List*, GetCallerIdentity…) are recorded in the event history.
/// Off by default, as CloudTrail's event history leaves them out: they are most of the traffic
/// and change nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadEvents {
    #[default]
    Skip,
    Record,
}

/// AWS's public commercial regions: the default list of regions the API accepts in a scope.
pub const AWS_PUBLIC_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

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
            master_key: Keyring::from(MasterKey::generate()),
            api_regions: AWS_PUBLIC_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
            read_events: ReadEvents::Skip,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Engine {
    pub(crate) pool: PgPool,
    pub(crate) hasher: PasswordHasher,
    pub(crate) config: Arc<EngineConfig>,
    pub(crate) api_auth: crate::usecases::api_auth::ApiAuthCache,
    /// Connections the hot API paths keep between uses (see [`crate::store::warm`]).
    pub(crate) warm: crate::store::warm::WarmPool,
    /// Policy simulations running at once (each on a blocking thread): half the cores, at least
    /// one, so simulations queue instead of taking every core from other requests.
    pub(crate) simulations: Arc<tokio::sync::Semaphore>,
}

impl Engine {
    pub fn new(pool: PgPool, config: EngineConfig) -> Result<Self, IamError> {
        let hasher = PasswordHasher::new(config.hash_concurrency)?;
        let warm = crate::store::warm::WarmPool::new(pool.clone());
        let simulations = Arc::new(tokio::sync::Semaphore::new((config.hash_concurrency / 2).max(1)));
        Ok(Self { pool, hasher, config: Arc::new(config), api_auth: Default::default(), warm, simulations })
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
