//! Start-up shared by every subcommand and the benchmark: the database pool (migrated) and the
//! engine with its master key and API regions.

use crate::config::Config;
use crate::error::CommandError;
use crate::master_key;
use lanyard_iam::crypto::sealing::Keyring;
use lanyard_iam::{Engine, EngineConfig, ReadEvents};
use sqlx::PgPool;

/// What a pool is for: the server bounds every statement; batch subcommands (seeding, deleting
/// an account, the benchmark's set-up) run long statements on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    Serving,
    Batch,
}

pub async fn connect(config: &Config, workload: Workload) -> Result<PgPool, CommandError> {
    let statement_timeout = match workload {
        Workload::Serving if config.db_statement_timeout_ms > 0 => {
            Some(std::time::Duration::from_millis(config.db_statement_timeout_ms))
        }
        Workload::Serving | Workload::Batch => None,
    };
    lanyard_iam::store::connect(&config.database_url, config.db_max_connections, statement_timeout).await.map_err(|e| {
        CommandError::Usage(format!(
            "cannot connect to the database ({e}). Start it with scripts/run, or set DATABASE_URL."
        ))
    })
}

pub async fn engine(config: &Config, workload: Workload) -> Result<Engine, CommandError> {
    engine_with_keys(config, workload, master_key::load(config)?).await
}

/// An engine for lookups that open no sealed secret and must start fast, such as sshd's
/// `AuthorizedKeysCommand` on every connection: no migrations (the servers apply them) and no
/// master key (whoever runs it needs only the database).
pub async fn lookup_engine(config: &Config) -> Result<Engine, CommandError> {
    let pool = connect(config, Workload::Batch).await?;
    Ok(Engine::new(pool, EngineConfig::default())?)
}

/// The engine with `master_key` (the rotation command's keyring: the new key and the old ones).
pub async fn engine_with_keys(
    config: &Config,
    workload: Workload,
    master_key: Keyring,
) -> Result<Engine, CommandError> {
    let pool = connect(config, workload).await?;
    lanyard_iam::store::MIGRATOR.run(&pool).await?;
    let read_events = if config.record_reads { ReadEvents::Record } else { ReadEvents::Skip };
    let mut engine_config = EngineConfig { master_key, read_events, ..EngineConfig::default() };
    let regions: Vec<String> =
        config.api_regions.iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
    if !regions.is_empty() {
        engine_config.api_regions = regions;
    }
    let engine = Engine::new(pool, engine_config)?;
    for retired in engine.check_sealing_keys().await? {
        tracing::warn!(key = %retired, "a previous master key is retired (nothing is sealed under it): remove it from the configuration");
    }
    Ok(engine)
}
