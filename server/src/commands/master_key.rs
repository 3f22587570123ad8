//! `lanyard master-key rotate`: re-seals every sealed secret under a new master key.

use super::{CommandResult, Workload};
use crate::config::Config;
use crate::master_key;
use lanyard_iam::crypto::sealing::Keyring;
use std::path::Path;

pub async fn rotate(config: &Config, new_key_file: &Path, batch_size: i64) -> CommandResult {
    let new = master_key::read(new_key_file)?;
    let old = master_key::load(config)?;
    let mut previous = vec![old.current().clone()];
    previous
        .extend(config.previous_master_key_files.iter().map(|p| master_key::read(p)).collect::<Result<Vec<_>, _>>()?);
    let keyring = Keyring::new(new, previous);
    let engine = crate::setup::engine_with_keys(config, Workload::Batch, keyring).await?;
    let started = std::time::Instant::now();
    let report = engine.rotate_master_key(batch_size).await?;
    let current = engine.config().master_key.current().id();
    println!(
        "{}",
        serde_json::json!({
            "master_key": current.to_hex(),
            "resealed": {
                "mfa_devices": report.mfa_devices,
                "access_keys": report.access_keys,
                "session_credentials": report.session_credentials,
            },
            "retired_keys": report.retired_keys,
            "seconds": started.elapsed().as_secs_f64(),
        })
    );
    eprintln!("lanyard: every sealed secret is now under master key {current}; restart the servers with only this key");
    Ok(())
}
