//! Virtual MFA devices: enrolment with two consecutive codes, listing, removal, resync, and the
//! code check sign-in uses. A code is accepted at most once per device: the newest accepted time
//! step is moved forward with a compare-and-set in the database.
//!
//! Owners are the root user (only root manages root's devices) or an IAM user; a principal always
//! manages their own devices, administrators those of users they are authorized for.

use crate::crypto::sealing::Keyring;
use crate::crypto::totp::{qr_data_uri, step_at, TotpSeed};
use crate::domain::{mfa_arn, mfa_serial, AccountId, IamAction, MfaCode, MfaDeviceName, Password, MAX_MFA_DEVICES};
use crate::store;
use crate::store::mfa_devices::MfaSecretRow;
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::credential_owner::{Owner, OwnerKind, OwnerRef, RowLock, Whose};
use crate::{Engine, FieldError, IamError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use sqlx::PgConnection;
use std::net::IpAddr;
use time::{Duration, OffsetDateTime};

pub const CODE1_FIELD: &str = "authenticationCode1";
pub const CODE2_FIELD: &str = "authenticationCode2";
/// How long an enrolment (the QR code on screen) may take before it must start again.
pub const ENROLMENT_LIFETIME: Duration = Duration::minutes(15);
/// A resync looks this many steps (of 30 s) either way for the device's clock.
const RESYNC_RADIUS: i64 = 20;

/// A device as it may be shown; never its seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MfaDevice {
    pub name: String,
    pub serial_number: String,
    pub enabled_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// What the enrolment screen shows: the seed as QR code and Base32, and a sealed ticket that
/// carries the seed to `enable_mfa_device` without storing it anywhere on the server.
pub struct MfaEnrolment {
    pub secret_base32: String,
    pub otpauth_uri: String,
    pub qr_data_uri: String,
    pub ticket: String,
}

impl std::fmt::Debug for MfaEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaEnrolment([redacted])")
    }
}

/// The enrolment form's input.
#[derive(Clone, Debug)]
pub struct EnableMfa {
    pub ticket: String,
    pub device_name: String,
    pub code1: String,
    pub code2: String,
}

pub(crate) fn device_binding(id: i64) -> String {
    format!("mfa-device:{id}")
}

pub(crate) fn bad_codes() -> IamError {
    IamError::InvalidAuthenticationCode(
        "The MFA codes are not valid for this device. Enter two consecutive codes, the second after the first changes."
            .into(),
    )
}

fn no_such_device(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("MFA device with name {name} cannot be found."))
}

/// Checks two codes' shape, returning every problem with its field.
pub(crate) fn parse_codes(code1: &str, code2: &str) -> Result<(MfaCode, MfaCode), Vec<FieldError>> {
    let c1 = MfaCode::parse(CODE1_FIELD, code1);
    let c2 = MfaCode::parse(CODE2_FIELD, code2);
    match (c1, c2) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err([a.err(), b.err()].into_iter().flatten().flat_map(|e| e.field_errors().to_vec()).collect()),
    }
}

/// The step `s` in `from..=to` at which `code1` and `code2` are the codes of `s` and `s + 1`.
pub(crate) fn consecutive_step(seed: &TotpSeed, code1: &MfaCode, code2: &MfaCode, from: i64, to: i64) -> Option<i64> {
    (from..=to).find(|&s| {
        seed.find_step(code1.expose(), s, s).is_some() && seed.find_step(code2.expose(), s + 1, s + 1).is_some()
    })
}

/// A device's seed as stored: sealed, bound to the device row.
pub(crate) fn seal_seed(key: &Keyring, seed: &TotpSeed, device_id: i64) -> Result<Vec<u8>, IamError> {
    key.seal(seed.as_bytes(), device_binding(device_id).as_bytes())
}

pub(crate) fn open_seed(key: &Keyring, sealed: &[u8], device_id: i64) -> Result<TotpSeed, IamError> {
    Ok(TotpSeed::from_bytes(key.open(sealed, device_binding(device_id).as_bytes())?))
}

impl Engine {
    /// The owner's devices (name, serial, enabled and last used).
    pub async fn list_mfa_devices(&self, actor: &Actor, owner: &OwnerRef) -> Result<Vec<MfaDevice>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let owner = self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::ListMFADevices).await?;
        let rows = store::mfa_devices::list_mfa_devices(&mut *conn, owner.account_id.as_str(), owner.user_id()).await?;
        rows.into_iter()
            .map(|r| {
                Ok(MfaDevice {
                    serial_number: mfa_serial(&owner.account_id, &r.path, &r.name),
                    name: r.name,
                    enabled_at: r.enabled_at,
                    last_used_at: r.last_used_at,
                })
            })
            .collect()
    }

    /// A fresh seed for `Assign MFA device`. Nothing is stored until two codes prove the device.
    pub async fn start_mfa_enrolment(&self, actor: &Actor, owner: &OwnerRef) -> Result<MfaEnrolment, IamError> {
        self.mfa_enrolment(actor, owner, None).await
    }

    /// The enrolment `previous` started, shown again after a rejected `Add MFA` (the app already
    /// holds that secret); a fresh one when the ticket has expired or is not the owner's.
    pub async fn continue_mfa_enrolment(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        previous: &str,
    ) -> Result<MfaEnrolment, IamError> {
        self.mfa_enrolment(actor, owner, Some(previous)).await
    }

    async fn mfa_enrolment(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        previous: Option<&str>,
    ) -> Result<MfaEnrolment, IamError> {
        let mut conn = self.pool.acquire().await?;
        // The device's name (its ARN) is chosen at `Add MFA`, where CreateVirtualMFADevice is checked.
        let owner = self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::EnableMFADevice).await?;
        let account = store::accounts::find_account_by_id(&mut *conn, &owner.account_id).await?;
        let issuer = account.and_then(|a| a.alias).unwrap_or_else(|| owner.account_id.to_string());
        let label = match &owner.kind {
            OwnerKind::User { user_name, .. } => format!("{user_name}@{issuer}"),
            OwnerKind::Root { .. } => format!("root@{issuer}"),
        };
        let resumed =
            previous.and_then(|t| self.open_enrolment_ticket(&owner, t).ok().map(|seed| (seed, t.to_owned())));
        let (seed, ticket) = match resumed {
            Some(resumed) => resumed,
            None => {
                let seed = TotpSeed::generate();
                let expires = (OffsetDateTime::now_utc() + ENROLMENT_LIFETIME).unix_timestamp();
                let mut plain = expires.to_be_bytes().to_vec();
                plain.extend_from_slice(seed.as_bytes());
                let ticket = URL_SAFE_NO_PAD.encode(self.config.master_key.seal(&plain, owner.binding().as_bytes())?);
                (seed, ticket)
            }
        };
        let otpauth_uri = seed.otpauth_uri(&issuer, &label);
        let qr = qr_data_uri(&otpauth_uri).ok_or_else(|| IamError::Internal("QR code rendering failed".into()))?;
        Ok(MfaEnrolment { secret_base32: seed.to_base32(), otpauth_uri, qr_data_uri: qr, ticket })
    }

    /// `Add MFA`: two consecutive codes from the device prove it; then the device is stored with
    /// its seed sealed. Wrong, equal or non-consecutive codes store nothing.
    pub async fn enable_mfa_device(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        input: EnableMfa,
    ) -> Result<MfaDevice, IamError> {
        let mut errors = Vec::new();
        let name = MfaDeviceName::parse(input.device_name.trim()).map_err(|e| errors.extend(e.field_errors().to_vec()));
        let codes = parse_codes(&input.code1, &input.code2).map_err(|e| errors.extend(e));
        let (Ok(name), Ok((code1, code2))) = (name, codes) else {
            return Err(IamError::Validation(errors));
        };
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Hold, IamAction::EnableMFADevice).await?;
        self.authorize(
            actor,
            IamAction::CreateVirtualMFADevice,
            &Resource::untagged(mfa_arn(&owner.account_id, &name)),
        )?;
        let seed = self.open_enrolment_ticket(&owner, &input.ticket)?;
        if code1 == code2 {
            return Err(IamError::InvalidAuthenticationCode(
                "MFA code 1 and MFA code 2 must be two consecutive codes: wait for the code to change before typing the second."
                    .into(),
            ));
        }
        // The second code may be the current one, or one step either side of it.
        let now = step_at(OffsetDateTime::now_utc());
        let start = consecutive_step(&seed, &code1, &code2, now - 2, now).ok_or_else(bad_codes)?;

        self.check_mfa_quota(&mut tx, &owner).await?;
        let id = store::mfa_devices::find_next_mfa_device_id(&mut *tx).await?;
        let sealed_seed = seal_seed(&self.config.master_key, &seed, id)?;
        let row = store::mfa_devices::insert_mfa_device(
            &mut *tx,
            id,
            owner.account_id.as_str(),
            owner.user_id(),
            name.as_str(),
            &sealed_seed,
            start + 1,
        )
        .await
        .map_err(|e| match store::unique_violation(&e) {
            Some("mfa_devices_account_name_key") => {
                IamError::EntityAlreadyExists("MFADevice entity at the same path and name already exists.".into())
            }
            _ => e.into(),
        })?;
        self.commit_change(
            tx,
            actor,
            owner.event(IamAction::EnableMFADevice).with("serialNumber", mfa_arn(&owner.account_id, &name)),
        )
        .await?;
        tracing::info!(owner = %owner.arn, device = %name, "MFA device enabled");
        Ok(MfaDevice {
            serial_number: mfa_arn(&owner.account_id, &name),
            name: row.name,
            enabled_at: row.enabled_at,
            last_used_at: row.last_used_at,
        })
    }

    /// IAM's quota of 8 devices per user (and for root), counted under the owner's row lock.
    pub(crate) async fn check_mfa_quota(&self, conn: &mut PgConnection, owner: &Owner) -> Result<(), IamError> {
        let existing =
            store::mfa_devices::list_mfa_devices(&mut *conn, owner.account_id.as_str(), owner.user_id()).await?;
        if existing.len() >= MAX_MFA_DEVICES {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for MFADevicesPerUser: {MAX_MFA_DEVICES}"
            )));
        }
        Ok(())
    }

    /// Whether `code` is a current code of one of the owner's devices that was not used before;
    /// if so it is used up.
    pub(crate) async fn accept_mfa_code(
        &self,
        account_id: &AccountId,
        user_id: Option<&str>,
        code: &MfaCode,
    ) -> Result<bool, IamError> {
        self.accept_mfa_code_of(account_id, user_id, None, code).await
    }

    /// [`Engine::accept_mfa_code`], for the one device whose serial is `only` when given
    /// (GetSessionToken's SerialNumber names it).
    pub(crate) async fn accept_mfa_code_of(
        &self,
        account_id: &AccountId,
        user_id: Option<&str>,
        only: Option<&str>,
        code: &MfaCode,
    ) -> Result<bool, IamError> {
        let now = step_at(OffsetDateTime::now_utc());
        let rows = store::mfa_devices::list_mfa_secrets(&self.pool, account_id.as_str(), user_id).await?;
        let wanted = |r: &MfaSecretRow| only.is_none_or(|s| mfa_serial(account_id, &r.path, &r.name) == s);
        for row in rows.into_iter().filter(wanted) {
            let seed = open_seed(&self.config.master_key, &row.sealed_seed, row.id)?;
            let center = now + i64::from(row.drift_steps);
            let from = (center - 1).max(row.last_used_step + 1);
            if let Some(step) = seed.find_step(code.expose(), from, center + 1) {
                if store::mfa_devices::update_mfa_step_used(&self.pool, row.id, step).await? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// `Remove`: administrators remove any user's device; a principal removing their own proves
    /// it is them with their current password or a current code (`proof`).
    pub async fn remove_mfa_device(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        device_name: &str,
        proof: Option<&str>,
        source: IpAddr,
    ) -> Result<(), IamError> {
        let mut conn = self.pool.acquire().await?;
        let owner = self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::DeactivateMFADevice).await?;
        drop(conn);
        if owner.whose == Whose::Own {
            self.check_mfa_removal_proof(&owner, proof.unwrap_or_default(), source).await?;
        }
        let mut tx = self.pool.begin().await?;
        let deleted = store::mfa_devices::delete_mfa_device(
            &mut *tx,
            owner.account_id.as_str(),
            owner.user_id(),
            device_name.trim(),
        )
        .await?;
        if !deleted {
            return Err(no_such_device(device_name.trim()));
        }
        let event = owner
            .event(IamAction::DeactivateMFADevice)
            .with("serialNumber", crate::domain::mfa_serial(&owner.account_id, "/", device_name.trim()));
        self.commit_change(tx, actor, event.additional(serde_json::json!({ "deviceDeleted": true }))).await?;
        tracing::info!(owner = %owner.arn, device = %device_name.trim(), "MFA device removed");
        Ok(())
    }

    async fn check_mfa_removal_proof(&self, owner: &Owner, proof: &str, source: IpAddr) -> Result<(), IamError> {
        const FIELD: &str = "currentPasswordOrCode";
        let refused = || {
            IamError::field(FIELD, "is not your current password or a current MFA code, or too many attempts were made")
        };
        if proof.is_empty() {
            return Err(IamError::field(
                FIELD,
                "is required: your current password or a code from one of your devices",
            ));
        }
        let key = owner.throttle_key();
        if self.charge_attempt(source, &key).await? != store::throttle::Charge::Proceed {
            return Err(refused());
        }
        let by_code = match MfaCode::parse(FIELD, proof) {
            Ok(code) => self.accept_mfa_code(&owner.account_id, owner.user_id(), &code).await?,
            Err(_) => false,
        };
        let ok = by_code || {
            let hash = match &owner.kind {
                OwnerKind::User { user_id, .. } => {
                    store::login_profiles::find_login_profile(&self.pool, user_id).await?.map(|p| p.password_hash)
                }
                OwnerKind::Root { email } => {
                    store::accounts::find_root_credentials(&self.pool, email).await?.map(|r| r.root_password_hash)
                }
            };
            self.hasher.verify(&Password::new(proof), hash.as_deref()).await?
        };
        if !ok {
            return Err(refused());
        }
        self.attempt_succeeded(source, &key).await?;
        Ok(())
    }

    /// Resync: two consecutive codes within ten minutes either way teach Lanyard the device's
    /// clock offset.
    pub async fn resync_mfa_device(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        device_name: &str,
        code1: &str,
        code2: &str,
    ) -> Result<(), IamError> {
        let (code1, code2) = parse_codes(code1, code2).map_err(IamError::Validation)?;
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::ResyncMFADevice).await?;
        let rows = store::mfa_devices::list_mfa_secrets(&mut *tx, owner.account_id.as_str(), owner.user_id()).await?;
        let row = rows
            .into_iter()
            .find(|r| r.name.eq_ignore_ascii_case(device_name.trim()))
            .ok_or_else(|| no_such_device(device_name.trim()))?;
        let seed = open_seed(&self.config.master_key, &row.sealed_seed, row.id)?;
        let now = step_at(OffsetDateTime::now_utc());
        let start = consecutive_step(&seed, &code1, &code2, now - RESYNC_RADIUS, now + RESYNC_RADIUS)
            .filter(|s| *s > row.last_used_step)
            .ok_or_else(bad_codes)?;
        let drift = i32::try_from(start + 1 - now).unwrap_or(0);
        if !store::mfa_devices::update_mfa_resync(&mut *tx, row.id, start + 1, drift).await? {
            return Err(bad_codes());
        }
        self.commit_change(
            tx,
            actor,
            owner
                .event(IamAction::ResyncMFADevice)
                .with("serialNumber", crate::domain::mfa_serial(&owner.account_id, "/", &row.name)),
        )
        .await?;
        tracing::info!(owner = %owner.arn, device = %row.name, drift, "MFA device resynchronized");
        Ok(())
    }

    /// The seed an enrolment ticket sealed for `owner`, while it has not expired.
    fn open_enrolment_ticket(&self, owner: &Owner, ticket: &str) -> Result<TotpSeed, IamError> {
        let expired = || {
            IamError::InvalidInput("This MFA enrolment has expired. Choose Assign MFA device to start again.".into())
        };
        let sealed = URL_SAFE_NO_PAD.decode(ticket.trim()).map_err(|_| expired())?;
        let plain = self.config.master_key.open(&sealed, owner.binding().as_bytes()).map_err(|_| expired())?;
        if plain.len() < 8 {
            return Err(expired());
        }
        let (expiry, seed) = plain.split_at(8);
        let expiry = i64::from_be_bytes(expiry.try_into().map_err(|_| expired())?);
        if expiry < OffsetDateTime::now_utc().unix_timestamp() {
            return Err(expired());
        }
        Ok(TotpSeed::from_bytes(seed.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_codes_are_found_only_in_order() {
        let seed = TotpSeed::generate();
        let now = 1_800_000_000 / 30;
        let c = |s| MfaCode::parse("c", &seed.code_at(s)).unwrap();
        assert_eq!(consecutive_step(&seed, &c(now - 1), &c(now), now - 2, now), Some(now - 1));
        assert_eq!(consecutive_step(&seed, &c(now), &c(now - 1), now - 2, now), None, "reversed");
        assert_eq!(consecutive_step(&seed, &c(now - 2), &c(now), now - 2, now), None, "a step skipped");
    }

    #[test]
    fn both_code_fields_are_reported() {
        let errors = parse_codes("12", "abc").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, [CODE1_FIELD, CODE2_FIELD]);
    }
}
