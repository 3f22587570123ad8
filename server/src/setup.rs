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

/// The engine with the configured master key. A missing default key file is generated only for
/// a database that has sealed nothing and registered no key; otherwise the command stops and
/// says which key the database expects, before anything is written.
pub async fn engine(config: &Config, workload: Workload) -> Result<Engine, CommandError> {
    let (current, previous) = master_key::load(config)?;
    let pool = connect(config, workload).await?;
    lanyard_iam::store::MIGRATOR.run(&pool).await?;
    let current = match current {
        master_key::CurrentKey::Read(key) => key,
        master_key::CurrentKey::MissingDefault(path) => {
            let in_use = lanyard_iam::usecases::master_keys::keys_in_use(&pool).await?;
            if !in_use.is_empty() {
                return Err(CommandError::Usage(format!(
                    "no master key file at {} (the default), and this database's secrets are sealed under \
                     master key {}. Give that key's file with --master-key-file (LANYARD_MASTER_KEY_FILE); \
                     no new key was generated.",
                    path.display(),
                    in_use.join(", ")
                )));
            }
            master_key::generate(&path)?
        }
    };
    build(pool, config, Keyring::new(current, previous)).await
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
    build(pool, config, master_key).await
}

async fn build(pool: PgPool, config: &Config, master_key: Keyring) -> Result<Engine, CommandError> {
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
