//! SSH public keys of IAM users: IAM's UploadSSHPublicKey (at most five per user, no duplicates),
//! GetSSHPublicKey (SSH or PEM encoding), ListSSHPublicKeys, UpdateSSHPublicKey (Active/Inactive)
//! and DeleteSSHPublicKey, for one's own keys or, as an administrator, a user's; and the active keys
//! of a user in `authorized_keys` form, for sshd's `AuthorizedKeysCommand`.

use crate::crypto::secrets::generate_ssh_public_key_id;
use crate::crypto::ssh_keys::SshKey;
use crate::domain::MAX_SSH_PUBLIC_KEYS;
use crate::domain::{AccessKeyStatus, AccountRef, IamAction, SshKeyEncoding, SshPublicKeyId, MAX_SSH_KEY_BODY};
use crate::store;
use crate::store::ssh_public_keys::{NewSshPublicKey, SshPublicKeyRow};
use crate::usecases::actor::Actor;
use crate::usecases::credential_owner::{OwnerRef, RowLock};
use crate::{CredentialFault, Engine, IamError};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

/// A key as IAM shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SshPublicKey {
    pub user_name: String,
    pub ssh_public_key_id: String,
    /// The key in the encoding asked for (OpenSSH for lists).
    pub body: String,
    /// MD5, hex pairs, as IAM's `Fingerprint`.
    pub fingerprint: String,
    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fingerprint_sha256: String,
    pub status: String,
    pub uploaded_at: OffsetDateTime,
}

impl SshPublicKey {
    fn from_row(user_name: &str, r: SshPublicKeyRow) -> Self {
        SshPublicKey {
            user_name: user_name.to_owned(),
            ssh_public_key_id: r.ssh_public_key_id,
            body: r.body,
            fingerprint: r.fingerprint_md5,
            fingerprint_sha256: r.fingerprint_sha256,
            status: r.status,
            uploaded_at: r.uploaded_at,
        }
    }
}

fn no_such_key(id: &str) -> IamError {
    IamError::NoSuchEntity(format!("The Public Key with id {id} cannot be found."))
}

/// The body's length rule, checked before any parsing.
pub(crate) fn check_body_length(field: &str, body: &str, max: usize) -> Result<(), IamError> {
    if body.trim().is_empty() || body.len() > max {
        return Err(IamError::field(field, format!("Member must have length between 1 and {max}")));
    }
    Ok(())
}

impl Engine {
    pub async fn upload_ssh_public_key(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        body: &str,
    ) -> Result<SshPublicKey, IamError> {
        check_body_length("sSHPublicKeyBody", body, MAX_SSH_KEY_BODY)?;
        let key = SshKey::parse(body)?;
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Hold, IamAction::UploadSSHPublicKey).await?;
        let (user_id, user_name) = owner.iam_user()?;
        let existing = store::ssh_public_keys::list_ssh_public_keys(&mut *tx, user_id).await?;
        if existing.iter().any(|k| k.fingerprint_sha256 == key.sha256_fingerprint) {
            return Err(duplicate());
        }
        if existing.len() >= MAX_SSH_PUBLIC_KEYS {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for PublicKeysPerUser: {MAX_SSH_PUBLIC_KEYS}"
            )));
        }
        let id = generate_ssh_public_key_id()?;
        let row = store::ssh_public_keys::insert_ssh_public_key(
            &mut *tx,
            NewSshPublicKey {
                ssh_public_key_id: id.as_str(),
                account_id: owner.account_id.as_str(),
                user_id,
                body: &key.openssh,
                fingerprint_md5: &key.md5_fingerprint,
                fingerprint_sha256: &key.sha256_fingerprint,
            },
        )
        .await
        .map_err(|e| match store::unique_violation(&e) {
            Some("ssh_public_keys_duplicate") => duplicate(),
            _ => e.into(),
        })?;
        self.commit_change(tx, actor, owner.event(IamAction::UploadSSHPublicKey).response(json!({ "sSHPublicKey": { "sSHPublicKeyId": id.as_str(), "fingerprint": key.md5_fingerprint, "status": "Active" } }))).await?;
        tracing::info!(owner = %owner.arn, ssh_public_key_id = %id, fingerprint = %key.sha256_fingerprint, "SSH public key uploaded");
        Ok(SshPublicKey::from_row(user_name, row))
    }

    pub async fn get_ssh_public_key(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        ssh_public_key_id: &str,
        encoding: SshKeyEncoding,
    ) -> Result<SshPublicKey, IamError> {
        let id = SshPublicKeyId::parse(ssh_public_key_id.trim())?;
        let mut conn = self.pool.acquire().await?;
        let owner = self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::GetSSHPublicKey).await?;
        let (user_id, user_name) = owner.iam_user()?;
        let row = store::ssh_public_keys::find_ssh_public_key(&mut *conn, user_id, id.as_str())
            .await?
            .ok_or_else(|| no_such_key(id.as_str()))?;
        // The stored body is already the OpenSSH line; only PEM needs the key parsed again.
        let body = match encoding {
            SshKeyEncoding::Ssh => row.body.clone(),
            SshKeyEncoding::Pem => SshKey::parse(&row.body)?.encoded(encoding)?,
        };
        Ok(SshPublicKey { body, ..SshPublicKey::from_row(user_name, row) })
    }

    pub async fn list_ssh_public_keys(&self, actor: &Actor, owner: &OwnerRef) -> Result<Vec<SshPublicKey>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let owner = self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::ListSSHPublicKeys).await?;
        let Ok((user_id, user_name)) = owner.iam_user() else {
            // The root user has none, as in IAM.
            return Ok(Vec::new());
        };
        let rows = store::ssh_public_keys::list_ssh_public_keys(&mut *conn, user_id).await?;
        Ok(rows.into_iter().map(|r| SshPublicKey::from_row(user_name, r)).collect())
    }

    /// `Active` / `Inactive`: sshd asks on every connection, so it takes effect on the next one.
    pub async fn update_ssh_public_key(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        ssh_public_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), IamError> {
        let id = SshPublicKeyId::parse(ssh_public_key_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::UpdateSSHPublicKey).await?;
        let (user_id, _) = owner.iam_user()?;
        if !store::ssh_public_keys::update_ssh_public_key_status(&mut *tx, user_id, id.as_str(), status.as_str())
            .await?
        {
            return Err(no_such_key(id.as_str()));
        }
        self.commit_change(
            tx,
            actor,
            owner
                .event(IamAction::UpdateSSHPublicKey)
                .with("sSHPublicKeyId", id.as_str())
                .with("status", status.as_str()),
        )
        .await?;
        tracing::info!(owner = %owner.arn, ssh_public_key_id = %id, status = status.as_str(), "SSH public key status changed");
        Ok(())
    }

    pub async fn delete_ssh_public_key(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        ssh_public_key_id: &str,
    ) -> Result<(), IamError> {
        let id = SshPublicKeyId::parse(ssh_public_key_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::DeleteSSHPublicKey).await?;
        let (user_id, _) = owner.iam_user()?;
        if !store::ssh_public_keys::delete_ssh_public_key(&mut *tx, user_id, id.as_str()).await? {
            return Err(no_such_key(id.as_str()));
        }
        self.commit_change(tx, actor, owner.event(IamAction::DeleteSSHPublicKey).with("sSHPublicKeyId", id.as_str()))
            .await?;
        tracing::info!(owner = %owner.arn, ssh_public_key_id = %id, "SSH public key deleted");
        Ok(())
    }

    /// The user's active keys, one `authorized_keys` line each, for the host operator's
    /// `lanyard ssh authorized-keys` (sshd's `AuthorizedKeysCommand`). An unknown account or user
    /// has none: sshd then refuses the key, which is the answer.
    pub async fn authorized_keys(&self, account: &AccountRef, user_name: &str) -> Result<Vec<String>, IamError> {
        let Some(account) = self.find_account(account).await? else {
            return Ok(Vec::new());
        };
        Ok(store::ssh_public_keys::list_active_ssh_keys_by_user_name(
            &self.pool,
            account.account_id.as_str(),
            user_name.trim(),
        )
        .await?)
    }
}

fn duplicate() -> IamError {
    IamError::BadCredential {
        fault: CredentialFault::DuplicateSshPublicKey,
        message: "The SSH public key is already associated with the specified IAM user.".into(),
    }
}
