//! MFA devices over the API: the virtual-device life cycle (CreateVirtualMFADevice → unassigned,
//! EnableMFADevice, DeactivateMFADevice, DeleteVirtualMFADevice, ListVirtualMFADevices, tags) and
//! the owner's view (ListMFADevices, GetMFADevice, ResyncMFADevice), which also covers devices
//! enrolled in the console.

use super::params::page_of;
use super::users::{credential_owner, credential_owner_name, tags_page, write_tags};
use super::xml::Xml;
use super::{Call, Reply};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use lanyard_iam::usecases::mfa::MfaDevice;
use lanyard_iam::usecases::virtual_mfa::{Assignment, AssignmentFilter, NewVirtualMfa};
use lanyard_iam::IamError;

/// The device a `SerialNumber` (`arn:aws:iam::<acct>:mfa/<name>`) names among the owner's.
async fn device(call: &Call<'_>) -> Result<MfaDevice, IamError> {
    let serial = call.params.req("SerialNumber")?;
    let devices = call.engine.list_mfa_devices(&call.actor, &credential_owner(call)).await?;
    devices
        .into_iter()
        .find(|d| d.serial_number == serial)
        .ok_or_else(|| IamError::NoSuchEntity(format!("MFA device with serial number {serial} cannot be found.")))
}

pub async fn list_mfa_devices(call: &Call<'_>) -> Result<Reply, IamError> {
    let devices = call.engine.list_mfa_devices(&call.actor, &credential_owner(call)).await?;
    let (max, marker) = call.params.paging()?;
    let (devices, next) = page_of(devices, max, marker.as_deref())?;
    let name = credential_owner_name(call);
    let mut x = Xml::new();
    x.members("MFADevices", &devices, |m, d| {
        m.opt("UserName", name.as_deref()).el("SerialNumber", &d.serial_number).time("EnableDate", d.enabled_at);
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn get_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    let d = device(call).await?;
    let mut x = Xml::new();
    x.opt("UserName", credential_owner_name(call))
        .el("SerialNumber", &d.serial_number)
        .time("EnableDate", d.enabled_at);
    Ok(Some(x))
}

/// The device name in a serial of the caller's account (its last part, after any path); anything
/// else names no device (the engine authorizes ResyncMFADevice before it finds that out).
fn device_name(call: &Call<'_>, serial: &str) -> String {
    let prefix = format!("arn:aws:iam::{}:mfa/", call.actor.account_id());
    match serial.strip_prefix(&prefix) {
        Some(rest) => rest.rsplit('/').next().unwrap_or(rest).to_owned(),
        None => serial.to_owned(),
    }
}

pub async fn resync_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    let name = device_name(call, &call.params.req("SerialNumber")?);
    let (c1, c2) = (call.params.req("AuthenticationCode1")?, call.params.req("AuthenticationCode2")?);
    call.engine.resync_mfa_device(&call.actor, &credential_owner(call), &name, &c1, &c2).await?;
    Ok(None)
}

pub async fn create_virtual_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    let input = NewVirtualMfa {
        name: call.params.req("VirtualMFADeviceName")?,
        path: call.params.opt("Path"),
        tags: call.params.tags("Tags")?,
    };
    let created = call.engine.create_virtual_mfa_device(&call.actor, input).await?;
    let mut x = Xml::new();
    // Both are blobs in IAM's model: base64 of the Base32 text and of the PNG.
    x.nest("VirtualMFADevice", |x| {
        x.el("SerialNumber", &created.serial_number)
            .el("Base32StringSeed", STANDARD.encode(created.secret_base32.as_bytes()))
            .el("QRCodePNG", STANDARD.encode(&created.qr_png));
        if !created.tags.is_empty() {
            write_tags(x, &created.tags);
        }
    });
    Ok(Some(x))
}

pub async fn enable_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    let serial = call.params.req("SerialNumber")?;
    let (c1, c2) = (call.params.req("AuthenticationCode1")?, call.params.req("AuthenticationCode2")?);
    call.engine.enable_virtual_mfa_device(&call.actor, &credential_owner(call), &serial, &c1, &c2).await?;
    Ok(None)
}

pub async fn deactivate_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    let serial = call.params.req("SerialNumber")?;
    call.engine.deactivate_mfa_device(&call.actor, &credential_owner(call), &serial).await?;
    Ok(None)
}

pub async fn delete_virtual_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_virtual_mfa_device(&call.actor, &call.params.req("SerialNumber")?).await?;
    Ok(None)
}

pub async fn list_virtual_mfa_devices(call: &Call<'_>) -> Result<Reply, IamError> {
    let filter = AssignmentFilter::parse(call.params.get("AssignmentStatus"))?;
    let devices = call.engine.list_virtual_mfa_devices(&call.actor, filter).await?;
    let (max, marker) = call.params.paging()?;
    let (devices, next) = page_of(devices, max, marker.as_deref())?;
    let account = call.actor.account_id();
    let mut x = Xml::new();
    x.members("VirtualMFADevices", &devices, |m, d| {
        m.el("SerialNumber", &d.serial_number);
        match &d.assignment {
            Assignment::Unassigned => {}
            Assignment::Root { enabled_at } => {
                m.nest("User", |u| {
                    u.el("Path", "/")
                        .el("UserName", account.as_str())
                        .el("UserId", account.as_str())
                        .el("Arn", format!("arn:aws:iam::{account}:root"))
                        .time("CreateDate", *enabled_at);
                })
                .time("EnableDate", *enabled_at);
            }
            Assignment::User { user_name, user_id, path, created_at, enabled_at } => {
                m.nest("User", |u| {
                    u.el("Path", path)
                        .el("UserName", user_name)
                        .el("UserId", user_id)
                        .el("Arn", format!("arn:aws:iam::{account}:user{path}{user_name}"))
                        .time("CreateDate", *created_at);
                })
                .time("EnableDate", *enabled_at);
            }
        }
        if !d.tags.is_empty() {
            write_tags(m, &d.tags);
        }
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn tag_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.tag_mfa_device(&call.actor, &call.params.req("SerialNumber")?, &call.params.tags("Tags")?).await?;
    Ok(None)
}

pub async fn untag_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.untag_mfa_device(&call.actor, &call.params.req("SerialNumber")?, &call.params.list("TagKeys")).await?;
    Ok(None)
}

pub async fn list_mfa_device_tags(call: &Call<'_>) -> Result<Reply, IamError> {
    let tags = call.engine.list_mfa_device_tags(&call.actor, &call.params.req("SerialNumber")?).await?;
    tags_page(call, tags)
}
