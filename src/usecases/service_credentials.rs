//! Service-specific credentials: a user name and a generated password for one service (HTTPS git,
//! Cassandra), as IAM's CreateServiceSpecificCredential, List…, Update… (Active/Inactive), Reset…
//! (a new password) and Delete…. The password is shown once and kept as an argon2id hash. At most
//! two per user and service, counted under the user's row lock.
//!
//! [`Engine::check_service_password`] is what a reverse proxy asks (`/auth/basic`): throttled
//! like console sign-in, with the same argon2 work for unknown names.

use crate::crypto::secrets::{generate_service_credential_id, generate_service_password};
use crate::domain::{
    AccessKeyStatus, AccountId, CredentialService, IamAction, Password, ServiceCredentialId,
    MAX_SERVICE_CREDENTIALS_PER_SERVICE,
};
use crate::store;
use crate::store::service_credentials::{NewServiceCredential as NewRow, ServiceCredentialRow};
use crate::store::throttle::Charge;
use crate::usecases::actor::Actor;
use crate::usecases::credential_owner::{OwnerRef, RowLock};
use crate::usecases::throttle_keys::clip;
use crate::{Engine, IamError};
use serde::Serialize;
use serde_json::json;
use std::net::IpAddr;
use time::OffsetDateTime;

/// A credential as IAM lists it; never its password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceCredential {
    pub user_name: String,
    pub credential_id: String,
    pub service_name: String,
    pub service_user_name: String,
    pub status: String,
    pub created_at: OffsetDateTime,
}

impl ServiceCredential {
    fn from_row(user_name: &str, r: ServiceCredentialRow) -> Self {
        ServiceCredential {
            user_name: user_name.to_owned(),
            credential_id: r.credential_id,
            service_name: r.service_name,
            service_user_name: r.service_user_name,
            status: r.status,
            created_at: r.created_at,
        }
    }
}

/// Create's and Reset's answer: the only time the password is available. `Debug` hides it.
#[derive(Debug)]
pub struct ServiceCredentialWithPassword {
    pub credential: ServiceCredential,
    pub password: Password,
}

/// Who a proxied client proved to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceCaller {
    pub account_id: AccountId,
    pub user_name: String,
    pub credential_id: String,
}

/// Why a service password was refused; only tests and the log see the difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceRefusal {
    Throttled,
    BadCredentials,
}

fn no_such_credential(id: &str) -> IamError {
    IamError::NoSuchEntity(format!("No such credential {id} exists."))
}

/// `<user>-at-<account id>`, then `<user>+1-at-…` and so on, as IAM names them.
fn service_user_names(user_name: &str, account_id: &AccountId) -> Vec<String> {
    (0..=MAX_SERVICE_CREDENTIALS_PER_SERVICE)
        .map(|n| match n {
            0 => format!("{user_name}-at-{account_id}"),
            n => format!("{user_name}+{n}-at-{account_id}"),
        })
        .collect()
}

/// The throttle counter of one service user name.
fn service_throttle_key(service: CredentialService, service_user_name: &str) -> String {
    format!("service:{}:{}", service.as_str(), clip(service_user_name))
}

impl Engine {
    pub async fn create_service_specific_credential(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        service: CredentialService,
    ) -> Result<ServiceCredentialWithPassword, IamError> {
        let password = generate_service_password();
        let hash = self.hasher.hash(&password).await?;
        let mut tx = self.pool.begin().await?;
        let owner = self
            .resolve_owner(&mut tx, actor, owner, RowLock::Hold, IamAction::CreateServiceSpecificCredential)
            .await?;
        let (user_id, user_name) = owner.iam_user()?;
        let existing =
            store::service_credentials::list_service_credentials(&mut *tx, user_id, Some(service.as_str())).await?;
        if existing.len() >= MAX_SERVICE_CREDENTIALS_PER_SERVICE {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_SERVICE_CREDENTIALS_PER_SERVICE}"
            )));
        }
        let candidates = service_user_names(user_name, &owner.account_id);
        let taken =
            store::service_credentials::list_taken_service_user_names(&mut *tx, service.as_str(), &candidates).await?;
        let service_user_name = candidates
            .into_iter()
            .find(|c| !taken.contains(c))
            .ok_or_else(|| IamError::LimitExceeded("No free service user name is left for this user.".into()))?;
        let id = generate_service_credential_id()?;
        let row = store::service_credentials::insert_service_credential(
            &mut *tx,
            NewRow {
                credential_id: id.as_str(),
                account_id: owner.account_id.as_str(),
                user_id,
                service_name: service.as_str(),
                service_user_name: &service_user_name,
                password_hash: &hash,
            },
        )
        .await?;
        self.commit_change(tx, actor, owner.event(IamAction::CreateServiceSpecificCredential).with("serviceName", service.as_str()).response(json!({ "serviceSpecificCredential": { "serviceSpecificCredentialId": id.as_str(), "serviceName": service.as_str(), "status": "Active" } }))).await?;
        tracing::info!(owner = %owner.arn, credential_id = %id, service = service.as_str(), "service-specific credential created");
        Ok(ServiceCredentialWithPassword { credential: ServiceCredential::from_row(user_name, row), password })
    }

    pub async fn list_service_specific_credentials(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        service: Option<CredentialService>,
    ) -> Result<Vec<ServiceCredential>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let owner = self
            .resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::ListServiceSpecificCredentials)
            .await?;
        let Ok((user_id, user_name)) = owner.iam_user() else {
            return Ok(Vec::new());
        };
        let rows =
            store::service_credentials::list_service_credentials(&mut *conn, user_id, service.map(|s| s.as_str()))
                .await?;
        Ok(rows.into_iter().map(|r| ServiceCredential::from_row(user_name, r)).collect())
    }

    /// `Active` / `Inactive`: checked on every proxied request, so it takes effect on the next one.
    pub async fn update_service_specific_credential(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        credential_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), IamError> {
        let id = ServiceCredentialId::parse(credential_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner = self
            .resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::UpdateServiceSpecificCredential)
            .await?;
        let (user_id, _) = owner.iam_user()?;
        if !store::service_credentials::update_service_credential_status(
            &mut *tx,
            user_id,
            id.as_str(),
            status.as_str(),
        )
        .await?
        {
            return Err(no_such_credential(id.as_str()));
        }
        self.commit_change(
            tx,
            actor,
            owner
                .event(IamAction::UpdateServiceSpecificCredential)
                .with("serviceSpecificCredentialId", id.as_str())
                .with("status", status.as_str()),
        )
        .await?;
        tracing::info!(owner = %owner.arn, credential_id = %id, status = status.as_str(), "service-specific credential status changed");
        Ok(())
    }

    /// A new password (shown once); the old one stops working at once.
    pub async fn reset_service_specific_credential(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        credential_id: &str,
    ) -> Result<ServiceCredentialWithPassword, IamError> {
        let id = ServiceCredentialId::parse(credential_id.trim())?;
        let password = generate_service_password();
        let hash = self.hasher.hash(&password).await?;
        let mut tx = self.pool.begin().await?;
        let owner =
            self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::ResetServiceSpecificCredential).await?;
        let (user_id, user_name) = owner.iam_user()?;
        let row = store::service_credentials::update_service_credential_password(&mut *tx, user_id, id.as_str(), &hash)
            .await?
            .ok_or_else(|| no_such_credential(id.as_str()))?;
        self.commit_change(
            tx,
            actor,
            owner.event(IamAction::ResetServiceSpecificCredential).with("serviceSpecificCredentialId", id.as_str()),
        )
        .await?;
        tracing::info!(owner = %owner.arn, credential_id = %id, "service-specific credential reset");
        Ok(ServiceCredentialWithPassword { credential: ServiceCredential::from_row(user_name, row), password })
    }

    pub async fn delete_service_specific_credential(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        credential_id: &str,
    ) -> Result<(), IamError> {
        let id = ServiceCredentialId::parse(credential_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner = self
            .resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::DeleteServiceSpecificCredential)
            .await?;
        let (user_id, _) = owner.iam_user()?;
        if !store::service_credentials::delete_service_credential(&mut *tx, user_id, id.as_str()).await? {
            return Err(no_such_credential(id.as_str()));
        }
        self.commit_change(
            tx,
            actor,
            owner.event(IamAction::DeleteServiceSpecificCredential).with("serviceSpecificCredentialId", id.as_str()),
        )
        .await?;
        tracing::info!(owner = %owner.arn, credential_id = %id, "service-specific credential deleted");
        Ok(())
    }

    /// Checks a service user name and password sent to a reverse proxy: an active credential of an
    /// existing user. The attempt is charged to the name and the source address before the
    /// password is checked, and unknown names cost the same argon2 work.
    pub async fn check_service_password(
        &self,
        service: CredentialService,
        service_user_name: &str,
        password: &Password,
        source: IpAddr,
    ) -> Result<Result<ServiceCaller, ServiceRefusal>, IamError> {
        let name = service_user_name.trim();
        let subject_key = service_throttle_key(service, name);
        if self.charge_attempt(source, &subject_key).await? != Charge::Proceed {
            tracing::info!(subject = %subject_key, source = %source, "service password refused: throttled");
            return Ok(Err(ServiceRefusal::Throttled));
        }
        let row = store::service_credentials::find_service_credential_for_auth(&self.pool, service.as_str(), name)
            .await?
            .filter(|r| r.status == AccessKeyStatus::Active.as_str());
        let verified = self.hasher.verify(password, row.as_ref().map(|r| r.password_hash.as_str())).await?;
        match row {
            Some(r) if verified => {
                self.attempt_succeeded(source, &subject_key).await?;
                Ok(Ok(ServiceCaller {
                    account_id: AccountId::parse(&r.account_id)?,
                    user_name: r.user_name,
                    credential_id: r.credential_id,
                }))
            }
            _ => {
                tracing::info!(subject = %subject_key, source = %source, "service password refused: bad credentials");
                Ok(Err(ServiceRefusal::BadCredentials))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_user_names_follow_iams_pattern() {
        let account = AccountId::parse("123456789012").unwrap();
        let names = service_user_names("jane", &account);
        assert_eq!(names[0], "jane-at-123456789012");
        assert_eq!(names[1], "jane+1-at-123456789012");
        assert_eq!(names.len(), MAX_SERVICE_CREDENTIALS_PER_SERVICE + 1);
    }
}
