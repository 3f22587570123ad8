//! Start-up shared by every subcommand and the benchmark: the database pool (migrated) and the
//! engine with its master key and API regions.

use crate::config::Config;
use crate::error::CommandError;
use crate::master_key;
use lanyard_iam::{Engine, EngineConfig};
use sqlx::PgPool;

pub async fn connect(config: &Config) -> Result<PgPool, CommandError> {
    lanyard_iam::store::connect(&config.database_url, config.db_max_connections).await.map_err(|e| {
        CommandError::Usage(format!(
            "cannot connect to the database ({e}). Start it with scripts/run, or set DATABASE_URL."
        ))
    })
}

pub async fn engine(config: &Config) -> Result<Engine, CommandError> {
    let pool = connect(config).await?;
    lanyard_iam::store::MIGRATOR.run(&pool).await?;
    let master_key = master_key::load(config)?;
    let mut engine_config = EngineConfig { master_key, ..EngineConfig::default() };
    let regions: Vec<String> =
        config.api_regions.iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
    if !regions.is_empty() {
        engine_config.api_regions = regions;
    }
    Ok(Engine::new(pool, engine_config)?)
}
