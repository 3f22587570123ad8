//! X.509 signing certificates: IAM's UploadSigningCertificate (at most two per owner, no
//! certificate twice in an account), ListSigningCertificates, UpdateSigningCertificate and
//! DeleteSigningCertificate, for IAM users and, as in IAM, the root user.

use crate::crypto::secrets::generate_certificate_id;
use crate::crypto::signing_certificates::SigningCertificate as ParsedCertificate;
use crate::domain::{AccessKeyStatus, CertificateId, IamAction, MAX_CERTIFICATE_BODY, MAX_SIGNING_CERTIFICATES};
use crate::store;
use crate::store::signing_certificates::{NewSigningCertificate, SigningCertificateRow};
use crate::usecases::actor::Actor;
use crate::usecases::credential_owner::{OwnerRef, RowLock};
use crate::usecases::ssh_keys::check_body_length;
use crate::{CredentialFault, Engine, IamError};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

/// A certificate as IAM shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SigningCertificate {
    pub certificate_id: String,
    pub body: String,
    pub status: String,
    pub uploaded_at: OffsetDateTime,
    /// The end of its validity, for the console.
    pub not_after: OffsetDateTime,
}

impl From<SigningCertificateRow> for SigningCertificate {
    fn from(r: SigningCertificateRow) -> Self {
        SigningCertificate {
            certificate_id: r.certificate_id,
            body: r.body,
            status: r.status,
            uploaded_at: r.uploaded_at,
            not_after: r.not_after,
        }
    }
}

fn no_such_certificate(id: &str) -> IamError {
    IamError::NoSuchEntity(format!("The Certificate with id {id} cannot be found."))
}

fn duplicate() -> IamError {
    IamError::BadCredential {
        fault: CredentialFault::DuplicateCertificate,
        message: "The same certificate is already associated with an IAM user in the account.".into(),
    }
}

impl Engine {
    pub async fn upload_signing_certificate(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        body: &str,
    ) -> Result<SigningCertificate, IamError> {
        check_body_length("certificateBody", body, MAX_CERTIFICATE_BODY)?;
        let cert = ParsedCertificate::parse(body, OffsetDateTime::now_utc())?;
        let mut tx = self.pool.begin().await?;
        let owner =
            self.resolve_owner(&mut tx, actor, owner, RowLock::Hold, IamAction::UploadSigningCertificate).await?;
        let account_id = owner.account_id.as_str();
        let existing =
            store::signing_certificates::list_signing_certificates(&mut *tx, account_id, owner.user_id()).await?;
        if existing.len() >= MAX_SIGNING_CERTIFICATES {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for CertificatesPerUser: {MAX_SIGNING_CERTIFICATES}"
            )));
        }
        let id = generate_certificate_id()?;
        let row = store::signing_certificates::insert_signing_certificate(
            &mut *tx,
            NewSigningCertificate {
                certificate_id: id.as_str(),
                account_id,
                user_id: owner.user_id(),
                body: &cert.pem,
                der_sha256: &cert.der_sha256,
                not_after: cert.not_after,
            },
        )
        .await
        .map_err(|e| match store::unique_violation(&e) {
            Some("signing_certificates_duplicate") => duplicate(),
            _ => e.into(),
        })?;
        self.commit_change(
            tx,
            actor,
            owner
                .event(IamAction::UploadSigningCertificate)
                .response(json!({ "certificate": { "certificateId": id.as_str(), "status": "Active" } })),
        )
        .await?;
        tracing::info!(owner = %owner.arn, certificate_id = %id, "signing certificate uploaded");
        Ok(row.into())
    }

    pub async fn list_signing_certificates(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
    ) -> Result<Vec<SigningCertificate>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let owner =
            self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::ListSigningCertificates).await?;
        let rows = store::signing_certificates::list_signing_certificates(
            &mut *conn,
            owner.account_id.as_str(),
            owner.user_id(),
        )
        .await?;
        Ok(rows.into_iter().map(SigningCertificate::from).collect())
    }

    pub async fn update_signing_certificate(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        certificate_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), IamError> {
        let id = CertificateId::parse(certificate_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner =
            self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::UpdateSigningCertificate).await?;
        let done = store::signing_certificates::update_signing_certificate_status(
            &mut *tx,
            owner.account_id.as_str(),
            owner.user_id(),
            id.as_str(),
            status.as_str(),
        )
        .await?;
        if !done {
            return Err(no_such_certificate(id.as_str()));
        }
        self.commit_change(
            tx,
            actor,
            owner
                .event(IamAction::UpdateSigningCertificate)
                .with("certificateId", id.as_str())
                .with("status", status.as_str()),
        )
        .await?;
        tracing::info!(owner = %owner.arn, certificate_id = %id, status = status.as_str(), "signing certificate status changed");
        Ok(())
    }

    pub async fn delete_signing_certificate(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        certificate_id: &str,
    ) -> Result<(), IamError> {
        let id = CertificateId::parse(certificate_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner =
            self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::DeleteSigningCertificate).await?;
        let done = store::signing_certificates::delete_signing_certificate(
            &mut *tx,
            owner.account_id.as_str(),
            owner.user_id(),
            id.as_str(),
        )
        .await?;
        if !done {
            return Err(no_such_certificate(id.as_str()));
        }
        self.commit_change(
            tx,
            actor,
            owner.event(IamAction::DeleteSigningCertificate).with("certificateId", id.as_str()),
        )
        .await?;
        tracing::info!(owner = %owner.arn, certificate_id = %id, "signing certificate deleted");
        Ok(())
    }
}
