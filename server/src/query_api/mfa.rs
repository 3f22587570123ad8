//! MFA devices as the API reads them: ListMFADevices, GetMFADevice and ResyncMFADevice over the
//! devices enrolled in the console (the API's own enrolment, CreateVirtualMFADevice with
//! unassigned devices, is not built yet).

use super::params::page_of;
use super::users::{credential_owner, credential_owner_name};
use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::usecases::mfa::MfaDevice;
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

/// The device name in a serial of the caller's account; anything else names no device (the engine
/// authorizes ResyncMFADevice before it finds that out).
fn device_name(call: &Call<'_>, serial: &str) -> String {
    let prefix = format!("arn:aws:iam::{}:mfa/", call.actor.account_id());
    serial.strip_prefix(&prefix).unwrap_or(serial).to_owned()
}

pub async fn resync_mfa_device(call: &Call<'_>) -> Result<Reply, IamError> {
    let name = device_name(call, &call.params.req("SerialNumber")?);
    let (c1, c2) = (call.params.req("AuthenticationCode1")?, call.params.req("AuthenticationCode2")?);
    call.engine.resync_mfa_device(&call.actor, &credential_owner(call), &name, &c1, &c2).await?;
    Ok(None)
}
