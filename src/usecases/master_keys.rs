//! The master keys that seal secrets at rest: which ones a server must hold (checked when it
//! starts), and the rotation that re-seals every sealed value under the current key in batches
//! while servers run (they hold the old and the new key meanwhile).

use crate::store;
use crate::store::sealing_keys::SealedRow;
use crate::usecases::access_keys::key_binding;
use crate::usecases::api_auth::session_binding;
use crate::usecases::mfa::device_binding;
use crate::{Engine, IamError};

/// How many values a rotation re-sealed, per table, and how many keys it retired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationReport {
    pub mfa_devices: u64,
    pub access_keys: u64,
    pub session_credentials: u64,
    pub retired_keys: u64,
}

/// Re-seals one table's values in batches of `$batch`, each batch one transaction holding its rows.
macro_rules! reseal_table {
    ($engine:expr, $header:expr, $batch:expr, $list:path, $update:path, $binding:expr) => {{
        let mut total = 0u64;
        loop {
            let mut tx = $engine.pool.begin().await?;
            let rows = $list(&mut *tx, $header, $batch).await?;
            if rows.is_empty() {
                break;
            }
            let (keys, sealed) = resealed(&$engine, rows, $binding)?;
            $update(&mut *tx, &keys, &sealed).await?;
            tx.commit().await?;
            total += keys.len() as u64;
        }
        total
    }};
}

fn resealed<K: Clone>(
    engine: &Engine,
    rows: Vec<SealedRow<K>>,
    binding: impl Fn(&K) -> String,
) -> Result<(Vec<K>, Vec<Vec<u8>>), IamError> {
    let mut keys = Vec::with_capacity(rows.len());
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        let value = engine.config.master_key.reseal(&row.sealed, binding(&row.key).as_bytes())?;
        keys.push(row.key);
        values.push(value.unwrap_or(row.sealed));
    }
    Ok((keys, values))
}

/// The keys a database's sealed values may be under: its registered keys not yet retired, or,
/// in a database from before keys were registered, `unregistered` when it holds sealed values.
/// Empty only for a database that has sealed nothing: the one case where a new key may be made.
pub async fn keys_in_use(pool: &sqlx::PgPool) -> Result<Vec<String>, IamError> {
    let keys = store::sealing_keys::list_unretired(pool).await?;
    if keys.is_empty() && store::sealing_keys::any_sealed_value(pool).await? {
        return Ok(vec!["(unregistered)".into()]);
    }
    Ok(keys)
}

impl Engine {
    /// Refuses to go on while a key that may still have sealed values is one this server was not
    /// given (a clear error at start-up, instead of a failing request later), then registers the
    /// current key. The check comes first: a command given the wrong key writes nothing, so it
    /// cannot make the right key look incomplete to every later start. Returns the previous keys
    /// it holds that are already retired.
    pub async fn check_sealing_keys(&self) -> Result<Vec<String>, IamError> {
        let held: Vec<String> = self.config.master_key.ids().iter().map(|k| k.to_hex()).collect();
        let current = held.first().cloned().unwrap_or_default();
        let missing: Vec<String> =
            store::sealing_keys::list_unretired(&self.pool).await?.into_iter().filter(|k| !held.contains(k)).collect();
        if !missing.is_empty() {
            return Err(IamError::InvalidInput(format!(
                "secrets in this database are sealed under master key {} , which this server was not given \
                 (its key is {current}). Give that key's file with --master-key-file, or with \
                 --previous-master-key-files until `lanyard master-key rotate` has re-sealed everything \
                 under the new one.",
                missing.join(", ")
            )));
        }
        store::sealing_keys::insert_key(&self.pool, &current).await?;
        let retired = store::sealing_keys::list_retired(&self.pool).await?;
        Ok(held.into_iter().skip(1).filter(|k| retired.contains(k)).collect())
    }

    /// Re-seals every sealed value (MFA seeds, access-key and session-token secrets) under the
    /// current key, `batch` rows per transaction, then retires every other key.
    pub async fn rotate_master_key(&self, batch: i64) -> Result<RotationReport, IamError> {
        if !(1..=10_000).contains(&batch) {
            return Err(IamError::field("batchSize", "must be between 1 and 10000"));
        }
        let current = self.config.master_key.current();
        store::sealing_keys::insert_key(&self.pool, &current.id().to_hex()).await?;
        let header = current.header();
        let header = header.as_slice();
        use store::sealing_keys as s;
        // Passes until one finds nothing left: values sealed by a server that still sealed under
        // an old key while a pass ran are caught by the next.
        let mut report = RotationReport::default();
        loop {
            let pass = self.reseal_pass(header, batch).await?;
            if pass == RotationReport::default() {
                break;
            }
            report.mfa_devices += pass.mfa_devices;
            report.access_keys += pass.access_keys;
            report.session_credentials += pass.session_credentials;
        }
        report.retired_keys = s::update_retire_all_but(&self.pool, &current.id().to_hex()).await?;
        Ok(report)
    }

    async fn reseal_pass(&self, header: &[u8], batch: i64) -> Result<RotationReport, IamError> {
        use store::sealing_keys as s;
        let mfa_devices =
            reseal_table!(self, header, batch, s::list_mfa_seeds_not_under, s::update_mfa_seeds, |id: &i64| {
                device_binding(*id)
            });
        let access_keys = reseal_table!(
            self,
            header,
            batch,
            s::list_access_key_secrets_not_under,
            s::update_access_key_secrets,
            |id: &String| key_binding(id)
        );
        let session_credentials = reseal_table!(
            self,
            header,
            batch,
            s::list_session_secrets_not_under,
            s::update_session_secrets,
            |id: &String| session_binding(id)
        );
        Ok(RotationReport { mfa_devices, access_keys, session_credentials, retired_keys: 0 })
    }
}
