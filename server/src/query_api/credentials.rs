//! SSH public keys (Upload/Get/List/Update/DeleteSSHPublicKey), signing certificates
//! (Upload/List/Update/DeleteSigningCertificate) and service-specific credentials
//! (Create/List/Update/Reset/DeleteServiceSpecificCredential). A password appears once, in
//! Create's and Reset's answers.

use super::params::page_of;
use super::users::{credential_owner, credential_owner_name};
use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::domain::{AccessKeyStatus, CredentialService, SshKeyEncoding};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::service_credentials::{ServiceCredential, ServiceCredentialWithPassword};
use lanyard_iam::usecases::signing_certificates::SigningCertificate;
use lanyard_iam::usecases::ssh_keys::SshPublicKey;
use lanyard_iam::IamError;

/// The SSH key actions name their user always (`UserName` is required there).
fn named_user(call: &Call<'_>) -> Result<OwnerRef, IamError> {
    Ok(OwnerRef::User(call.params.req("UserName")?))
}

fn status(call: &Call<'_>) -> Result<AccessKeyStatus, IamError> {
    AccessKeyStatus::parse(&call.params.req("Status")?)
}

fn write_ssh_key(x: &mut Xml, k: &SshPublicKey) {
    x.el("UserName", &k.user_name)
        .el("SSHPublicKeyId", &k.ssh_public_key_id)
        .el("Fingerprint", &k.fingerprint)
        .el("SSHPublicKeyBody", &k.body)
        .el("Status", &k.status)
        .time("UploadDate", k.uploaded_at);
}

pub async fn upload_ssh_public_key(call: &Call<'_>) -> Result<Reply, IamError> {
    let body = call.params.req("SSHPublicKeyBody")?;
    let key = call.engine.upload_ssh_public_key(&call.actor, &named_user(call)?, &body).await?;
    let mut x = Xml::new();
    x.nest("SSHPublicKey", |x| write_ssh_key(x, &key));
    Ok(Some(x))
}

pub async fn get_ssh_public_key(call: &Call<'_>) -> Result<Reply, IamError> {
    let encoding = SshKeyEncoding::parse(&call.params.req("Encoding")?)?;
    let id = call.params.req("SSHPublicKeyId")?;
    let key = call.engine.get_ssh_public_key(&call.actor, &named_user(call)?, &id, encoding).await?;
    let mut x = Xml::new();
    x.nest("SSHPublicKey", |x| write_ssh_key(x, &key));
    Ok(Some(x))
}

pub async fn list_ssh_public_keys(call: &Call<'_>) -> Result<Reply, IamError> {
    let keys = call.engine.list_ssh_public_keys(&call.actor, &credential_owner(call)).await?;
    let (max, marker) = call.params.paging()?;
    let (keys, next) = page_of(keys, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.members("SSHPublicKeys", &keys, |m, k| {
        m.el("UserName", &k.user_name).el("SSHPublicKeyId", &k.ssh_public_key_id).el("Status", &k.status);
        m.time("UploadDate", k.uploaded_at);
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn update_ssh_public_key(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("SSHPublicKeyId")?;
    call.engine.update_ssh_public_key(&call.actor, &named_user(call)?, &id, status(call)?).await?;
    Ok(None)
}

pub async fn delete_ssh_public_key(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("SSHPublicKeyId")?;
    call.engine.delete_ssh_public_key(&call.actor, &named_user(call)?, &id).await?;
    Ok(None)
}

fn write_certificate(x: &mut Xml, user_name: &str, c: &SigningCertificate) {
    x.el("UserName", user_name)
        .el("CertificateId", &c.certificate_id)
        .el("CertificateBody", &c.body)
        .el("Status", &c.status)
        .time("UploadDate", c.uploaded_at);
}

pub async fn upload_signing_certificate(call: &Call<'_>) -> Result<Reply, IamError> {
    let body = call.params.req("CertificateBody")?;
    let cert = call.engine.upload_signing_certificate(&call.actor, &credential_owner(call), &body).await?;
    let name = credential_owner_name(call).unwrap_or_default();
    let mut x = Xml::new();
    x.nest("Certificate", |x| write_certificate(x, &name, &cert));
    Ok(Some(x))
}

pub async fn list_signing_certificates(call: &Call<'_>) -> Result<Reply, IamError> {
    let certs = call.engine.list_signing_certificates(&call.actor, &credential_owner(call)).await?;
    let (max, marker) = call.params.paging()?;
    let (certs, next) = page_of(certs, max, marker.as_deref())?;
    let name = credential_owner_name(call).unwrap_or_default();
    let mut x = Xml::new();
    x.members("Certificates", &certs, |m, c| write_certificate(m, &name, c)).paging(next.as_deref());
    Ok(Some(x))
}

pub async fn update_signing_certificate(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("CertificateId")?;
    call.engine.update_signing_certificate(&call.actor, &credential_owner(call), &id, status(call)?).await?;
    Ok(None)
}

pub async fn delete_signing_certificate(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("CertificateId")?;
    call.engine.delete_signing_certificate(&call.actor, &credential_owner(call), &id).await?;
    Ok(None)
}

fn write_service_credential(x: &mut Xml, c: &ServiceCredential) {
    x.el("UserName", &c.user_name)
        .el("Status", &c.status)
        .el("ServiceUserName", &c.service_user_name)
        .time("CreateDate", c.created_at)
        .el("ServiceSpecificCredentialId", &c.credential_id)
        .el("ServiceName", &c.service_name);
}

fn with_password(made: &ServiceCredentialWithPassword) -> Xml {
    let mut x = Xml::new();
    x.nest("ServiceSpecificCredential", |x| {
        write_service_credential(x, &made.credential);
        x.el("ServicePassword", made.password.expose());
    });
    x
}

pub async fn create_service_specific_credential(call: &Call<'_>) -> Result<Reply, IamError> {
    let service = CredentialService::parse(&call.params.req("ServiceName")?)?;
    let made = call.engine.create_service_specific_credential(&call.actor, &named_user(call)?, service).await?;
    Ok(Some(with_password(&made)))
}

pub async fn list_service_specific_credentials(call: &Call<'_>) -> Result<Reply, IamError> {
    let service = call.params.opt("ServiceName").map(|s| CredentialService::parse(&s)).transpose()?;
    let creds = call.engine.list_service_specific_credentials(&call.actor, &credential_owner(call), service).await?;
    let (max, marker) = call.params.paging()?;
    let (creds, next) = page_of(creds, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.members("ServiceSpecificCredentials", &creds, write_service_credential).paging(next.as_deref());
    Ok(Some(x))
}

pub async fn update_service_specific_credential(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("ServiceSpecificCredentialId")?;
    call.engine.update_service_specific_credential(&call.actor, &credential_owner(call), &id, status(call)?).await?;
    Ok(None)
}

pub async fn reset_service_specific_credential(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("ServiceSpecificCredentialId")?;
    let made = call.engine.reset_service_specific_credential(&call.actor, &credential_owner(call), &id).await?;
    Ok(Some(with_password(&made)))
}

pub async fn delete_service_specific_credential(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = call.params.req("ServiceSpecificCredentialId")?;
    call.engine.delete_service_specific_credential(&call.actor, &credential_owner(call), &id).await?;
    Ok(None)
}
