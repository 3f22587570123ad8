//! Virtual MFA devices as IAM's API models them: CreateVirtualMFADevice makes an *unassigned*
//! device and hands out its seed once; EnableMFADevice assigns it to a user (or root) after two
//! consecutive codes; DeactivateMFADevice makes it unassigned again; DeleteVirtualMFADevice removes
//! an unassigned one; ListVirtualMFADevices and the device's tags. The console's enrolment (see
//! `mfa.rs`) stores a device only once it is proven and assigned; both share one table and one
//! code check.

use crate::crypto::totp::{qr_png, step_at, TotpSeed};
use crate::domain::{mfa_serial, IamAction, IamPath, MfaDeviceName, Tag, MAX_TAGS_PER_USER};
use crate::store;
use crate::store::mfa_devices::LockedMfaDeviceRow;
use crate::usecases::actor::{Access, Actor, RequestKeys, Resource};
use crate::usecases::credential_owner::{OwnerRef, RowLock};
use crate::usecases::events::Event;
use crate::usecases::mfa::{bad_codes, consecutive_step, open_seed, parse_codes, seal_seed};
use crate::{Engine, FieldError, IamError};
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;

/// CreateVirtualMFADevice's input.
#[derive(Clone, Debug, Default)]
pub struct NewVirtualMfa {
    pub name: String,
    pub path: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// A new unassigned device with its seed, shown once: the Base32 text and the QR code as PNG.
pub struct CreatedVirtualMfa {
    pub serial_number: String,
    pub secret_base32: String,
    pub qr_png: Vec<u8>,
    pub tags: Vec<Tag>,
}

impl std::fmt::Debug for CreatedVirtualMfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedVirtualMfa").field("serial_number", &self.serial_number).finish_non_exhaustive()
    }
}

/// Whom a virtual device is assigned to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignment {
    Unassigned,
    Root { enabled_at: OffsetDateTime },
    User { user_name: String, user_id: String, path: String, created_at: OffsetDateTime, enabled_at: OffsetDateTime },
}

/// ListVirtualMFADevices' AssignmentStatus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignmentFilter {
    Assigned,
    Unassigned,
    Any,
}

impl AssignmentFilter {
    pub fn parse(raw: Option<&str>) -> Result<Self, IamError> {
        match raw {
            None | Some("Any") => Ok(Self::Any),
            Some("Assigned") => Ok(Self::Assigned),
            Some("Unassigned") => Ok(Self::Unassigned),
            Some(_) => Err(IamError::field(
                "assignmentStatus",
                "Member must satisfy enum value set: [Assigned, Unassigned, Any]",
            )),
        }
    }

    fn admits(self, a: &Assignment) -> bool {
        match self {
            Self::Any => true,
            Self::Assigned => *a != Assignment::Unassigned,
            Self::Unassigned => *a == Assignment::Unassigned,
        }
    }
}

/// A device as ListVirtualMFADevices shows it; never its seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    pub assignment: Assignment,
    pub tags: Vec<Tag>,
}

fn no_such_serial(serial: &str) -> IamError {
    IamError::NoSuchEntity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
}

impl Engine {
    /// CreateVirtualMFADevice: an unassigned device whose seed is stored sealed and returned once.
    pub async fn create_virtual_mfa_device(
        &self,
        actor: &Actor,
        input: NewVirtualMfa,
    ) -> Result<CreatedVirtualMfa, IamError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let name = MfaDeviceName::parse(input.name.trim()).map_err(|e| errors.extend_from_slice(e.field_errors()));
        let path = IamPath::parse(input.path.as_deref().map(str::trim).filter(|p| !p.is_empty()).unwrap_or("/"))
            .map_err(|e| errors.extend_from_slice(e.field_errors()));
        let tags = Tag::parse_set(&input.tags, MAX_TAGS_PER_USER).map_err(|e| errors.extend(e));
        let (Ok(name), Ok(path), Ok(tags)) = (name, path, tags) else {
            return Err(IamError::Validation(errors));
        };
        let account = actor.account_id().clone();
        let serial = mfa_serial(&account, path.as_str(), name.as_str());
        let resource = Resource::untagged(serial.clone());
        self.authorize_access(
            actor,
            &Access::new(IamAction::CreateVirtualMFADevice, &resource)
                .with(RequestKeys { tags: &tags, ..Default::default() }),
        )?;
        let issuer = store::accounts::find_account_by_id(&self.pool, &account)
            .await?
            .and_then(|a| a.alias)
            .unwrap_or_else(|| account.to_string());
        let seed = TotpSeed::generate();
        let otpauth = seed.otpauth_uri(&issuer, &format!("{name}@{issuer}"));
        let qr = qr_png(&otpauth).ok_or_else(|| IamError::Internal("QR code rendering failed".into()))?;

        let mut tx = self.pool.begin().await?;
        let id = store::mfa_devices::find_next_mfa_device_id(&mut *tx).await?;
        let sealed = seal_seed(&self.config.master_key, &seed, id)?;
        store::mfa_devices::insert_unassigned_mfa_device(
            &mut *tx,
            id,
            account.as_str(),
            (path.as_str(), name.as_str()),
            &sealed,
        )
        .await
        .map_err(|e| match store::unique_violation(&e) {
            Some("mfa_devices_account_name_key") => {
                IamError::EntityAlreadyExists("MFADevice entity at the same path and name already exists.".into())
            }
            _ => e.into(),
        })?;
        store::mfa_devices::insert_mfa_device_tags(&mut *tx, id, &tags).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::CreateVirtualMFADevice)
                .with("virtualMFADeviceName", name.as_str())
                .with("path", path.as_str())
                .response(json!({ "virtualMFADevice": { "serialNumber": serial } })),
        )
        .await?;
        tracing::info!(device = %serial, "virtual MFA device created");
        Ok(CreatedVirtualMfa { serial_number: serial, secret_base32: seed.to_base32(), qr_png: qr, tags })
    }

    /// Refuses, before any lookup, a caller who may `action` no device at all, so that refusals
    /// tell nothing about which devices exist.
    fn precheck_device(&self, actor: &Actor, action: IamAction, serial: &str) -> Result<(), IamError> {
        let serial = serial.trim();
        let prefix = mfa_serial(actor.account_id(), "/", "");
        self.precheck(actor, action, &prefix, serial.strip_prefix(&prefix).unwrap_or(serial))
    }

    /// The device a serial number names in the actor's account, locked until the transaction ends.
    /// A serial of another account or another path names nothing.
    async fn lock_device(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        serial: &str,
    ) -> Result<LockedMfaDeviceRow, IamError> {
        let serial = serial.trim();
        let name = serial.rsplit('/').next().unwrap_or_default();
        let row = store::mfa_devices::find_mfa_device_for_update(&mut *conn, actor.account_id().as_str(), name)
            .await?
            .filter(|r| mfa_serial(actor.account_id(), &r.path, &r.name) == serial)
            .ok_or_else(|| no_such_serial(serial))?;
        Ok(row)
    }

    /// A device as a resource, with its tags (`aws:ResourceTag/*`).
    async fn device_resource(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        row: &LockedMfaDeviceRow,
    ) -> Result<Resource, IamError> {
        let tags = store::mfa_devices::list_mfa_device_tags(&mut *conn, row.id).await?;
        Ok(Resource::tagged(mfa_serial(actor.account_id(), &row.path, &row.name), tags))
    }

    /// EnableMFADevice: assigns an unassigned device to the owner once two consecutive codes from
    /// it check out (at most 8 devices per owner, counted under the owner's row lock).
    pub async fn enable_virtual_mfa_device(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> Result<(), IamError> {
        let (code1, code2) = parse_codes(code1, code2).map_err(IamError::Validation)?;
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Hold, IamAction::EnableMFADevice).await?;
        let row = self.lock_device(&mut tx, actor, serial).await?;
        if row.enabled_at.is_some() {
            return Err(IamError::EntityAlreadyExists("MFA Device is already in use.".into()));
        }
        self.check_mfa_quota(&mut tx, &owner).await?;
        let seed = open_seed(&self.config.master_key, &row.sealed_seed, row.id)?;
        let now = step_at(OffsetDateTime::now_utc());
        if code1 == code2 {
            return Err(bad_codes());
        }
        let start = consecutive_step(&seed, &code1, &code2, now - 2, now).ok_or_else(bad_codes)?;
        store::mfa_devices::update_mfa_assigned(&mut *tx, row.id, owner.user_id(), start + 1).await?;
        self.commit_change(tx, actor, owner.event(IamAction::EnableMFADevice).with("serialNumber", serial.trim()))
            .await?;
        tracing::info!(owner = %owner.arn, device = %row.name, "virtual MFA device enabled");
        Ok(())
    }

    /// DeactivateMFADevice: the owner's device becomes unassigned (it keeps its seed until
    /// DeleteVirtualMFADevice).
    pub async fn deactivate_mfa_device(&self, actor: &Actor, owner: &OwnerRef, serial: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::DeactivateMFADevice).await?;
        let row = self.lock_device(&mut tx, actor, serial).await?;
        if row.enabled_at.is_none() || row.user_id.as_deref() != owner.user_id() {
            return Err(IamError::NoSuchEntity(format!(
                "MFA Device with serial number {} does not exist.",
                serial.trim()
            )));
        }
        store::mfa_devices::update_mfa_unassigned(&mut *tx, row.id).await?;
        self.commit_change(tx, actor, owner.event(IamAction::DeactivateMFADevice).with("serialNumber", serial.trim()))
            .await?;
        tracing::info!(owner = %owner.arn, device = %row.name, "MFA device deactivated");
        Ok(())
    }

    /// DeleteVirtualMFADevice: removes an unassigned device (DeleteConflict while assigned).
    pub async fn delete_virtual_mfa_device(&self, actor: &Actor, serial: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        self.precheck_device(actor, IamAction::DeleteVirtualMFADevice, serial)?;
        let row = self.lock_device(&mut tx, actor, serial).await?;
        let resource = self.device_resource(&mut tx, actor, &row).await?;
        self.authorize(actor, IamAction::DeleteVirtualMFADevice, &resource)?;
        if row.enabled_at.is_some() {
            return Err(IamError::DeleteConflict("MFA VirtualDevice in use. Must deactivate first.".into()));
        }
        store::mfa_devices::delete_mfa_device_by_id(&mut *tx, row.id).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::DeleteVirtualMFADevice).with("serialNumber", &resource.arn),
        )
        .await?;
        tracing::info!(device = %resource.arn, "virtual MFA device deleted");
        Ok(())
    }

    /// ListVirtualMFADevices: the account's devices by name, filtered by assignment.
    pub async fn list_virtual_mfa_devices(
        &self,
        actor: &Actor,
        filter: AssignmentFilter,
    ) -> Result<Vec<VirtualMfaDevice>, IamError> {
        let account = actor.account_id();
        self.authorize(
            actor,
            IamAction::ListVirtualMFADevices,
            &Resource::untagged(format!("arn:aws:iam::{account}:mfa/*")),
        )?;
        let mut conn = self.pool.acquire().await?;
        let rows = store::mfa_devices::list_virtual_mfa_devices(&mut *conn, account.as_str()).await?;
        let mut out = Vec::new();
        for r in rows {
            let assignment = match (r.enabled_at, r.user_id, r.user_name, r.user_path, r.user_created_at) {
                (None, ..) => Assignment::Unassigned,
                (Some(enabled_at), None, ..) => Assignment::Root { enabled_at },
                (Some(enabled_at), Some(user_id), Some(user_name), Some(path), Some(created_at)) => {
                    Assignment::User { user_name, user_id, path, created_at, enabled_at }
                }
                _ => return Err(IamError::Internal("an assigned MFA device's user vanished".into())),
            };
            if filter.admits(&assignment) {
                let tags = store::mfa_devices::list_mfa_device_tags(&mut *conn, r.id).await?;
                out.push(VirtualMfaDevice { serial_number: mfa_serial(account, &r.path, &r.name), assignment, tags });
            }
        }
        Ok(out)
    }

    /// TagMFADevice: adds or overwrites tags (at most 50, counted under the device's row lock).
    pub async fn tag_mfa_device(&self, actor: &Actor, serial: &str, rows: &[(String, String)]) -> Result<(), IamError> {
        let tags = Tag::parse_set(rows, MAX_TAGS_PER_USER)?;
        let mut tx = self.pool.begin().await?;
        self.precheck_device(actor, IamAction::TagMFADevice, serial)?;
        let row = self.lock_device(&mut tx, actor, serial).await?;
        let resource = self.device_resource(&mut tx, actor, &row).await?;
        self.authorize_access(
            actor,
            &Access::new(IamAction::TagMFADevice, &resource).with(RequestKeys { tags: &tags, ..Default::default() }),
        )?;
        let keys: std::collections::HashSet<String> =
            resource.tags.iter().chain(&tags).map(|t| t.key.to_lowercase()).collect();
        if keys.len() > MAX_TAGS_PER_USER {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for TagsPerMFADevice: {MAX_TAGS_PER_USER}."
            )));
        }
        store::mfa_devices::insert_mfa_device_tags(&mut *tx, row.id, &tags).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::TagMFADevice)
                .with("serialNumber", serial.trim())
                .with("tags", crate::usecases::users::tags_json(&tags)),
        )
        .await?;
        Ok(())
    }

    /// UntagMFADevice: removes the keys (ignoring case); unknown keys are ignored.
    pub async fn untag_mfa_device(&self, actor: &Actor, serial: &str, keys: &[String]) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        self.precheck_device(actor, IamAction::UntagMFADevice, serial)?;
        let row = self.lock_device(&mut tx, actor, serial).await?;
        let resource = self.device_resource(&mut tx, actor, &row).await?;
        self.authorize_access(
            actor,
            &Access::new(IamAction::UntagMFADevice, &resource)
                .with(RequestKeys { removed_tag_keys: keys, ..Default::default() }),
        )?;
        store::mfa_devices::delete_mfa_device_tags(&mut *tx, row.id, keys).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::UntagMFADevice).with("serialNumber", serial.trim()).with("tagKeys", keys),
        )
        .await?;
        Ok(())
    }

    pub async fn list_mfa_device_tags(&self, actor: &Actor, serial: &str) -> Result<Vec<Tag>, IamError> {
        let mut conn = self.pool.acquire().await?;
        self.precheck_device(actor, IamAction::ListMFADeviceTags, serial)?;
        let row = self.lock_device(&mut conn, actor, serial).await?;
        let resource = self.device_resource(&mut conn, actor, &row).await?;
        self.authorize(actor, IamAction::ListMFADeviceTags, &resource)?;
        Ok(resource.tags)
    }
}
