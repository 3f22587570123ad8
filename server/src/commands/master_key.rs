//! `lanyard master-key rotate`: re-seals every sealed secret under a new master key.

use super::{CommandResult, Workload};
use crate::config::Config;
use crate::master_key;
use std::path::Path;

pub async fn rotate(config: &Config, new_key_file: &Path, batch_size: i64) -> CommandResult {
    // The configured key and any previous ones all open what they sealed; the new one seals.
    let keyring = master_key::load_existing(config)?.rotated_to(master_key::read(new_key_file)?);
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
