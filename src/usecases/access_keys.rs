//! Access keys: IAM's CreateAccessKey (the secret returned once, sealed at rest), ListAccessKeys,
//! UpdateAccessKey (Active/Inactive) and DeleteAccessKey, for one's own keys or, as an
//! administrator, a user's. At most two per owner, counted under the owner's row lock.

use crate::crypto::secrets::{generate_access_key_id, SecretAccessKey};
use crate::domain::{AccessKeyId, AccessKeyStatus, IamAction, MAX_ACCESS_KEYS};
use crate::store;
use crate::store::access_keys::AccessKeyRow;
use crate::usecases::actor::Actor;
use crate::usecases::credential_owner::{OwnerRef, RowLock};
use crate::{Engine, IamError};
use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;

/// A key as it may be shown; never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessKey {
    pub access_key_id: String,
    pub status: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_service: Option<String>,
    pub last_used_region: Option<String>,
}

impl From<AccessKeyRow> for AccessKey {
    fn from(r: AccessKeyRow) -> Self {
        AccessKey {
            access_key_id: r.access_key_id,
            status: r.status,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            last_used_service: r.last_used_service,
            last_used_region: r.last_used_region,
        }
    }
}

/// CreateAccessKey's answer: the only time the secret is available.
#[derive(Debug)]
pub struct NewAccessKey {
    pub key: AccessKey,
    pub secret: SecretAccessKey,
}

/// What seals a key's secret is bound to: its own id, so a sealed secret moved to another key
/// does not open.
pub(crate) fn key_binding(access_key_id: &str) -> String {
    format!("access-key:{access_key_id}")
}

fn no_such_key(id: &str) -> IamError {
    IamError::NoSuchEntity(format!("The Access Key with id {id} cannot be found."))
}

impl Engine {
    pub async fn create_access_key(&self, actor: &Actor, owner: &OwnerRef) -> Result<NewAccessKey, IamError> {
        let mut conn = self.warm.acquire().await?;
        let mut tx = conn.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Hold, IamAction::CreateAccessKey).await?;
        let key = self.insert_new_access_key(&mut tx, owner.account_id.as_str(), owner.user_id()).await?;
        // The response names the key and its status; the secret is never recorded.
        let event = owner.event(IamAction::CreateAccessKey).response(serde_json::json!({
            "accessKey": { "accessKeyId": key.key.access_key_id, "status": "Active" }
        }));
        self.commit_change(tx, actor, event).await?;
        conn.release();
        tracing::info!(owner = %owner.arn, access_key_id = %key.key.access_key_id, "access key created");
        Ok(key)
    }

    /// A new key for the user (`None`: the root user), its secret sealed to its own id, inside the
    /// caller's transaction, which holds the owner's row lock (or created the user just now);
    /// LimitExceeded when the owner already has [`MAX_ACCESS_KEYS`].
    pub(crate) async fn insert_new_access_key(
        &self,
        conn: &mut PgConnection,
        account_id: &str,
        user_id: Option<&str>,
    ) -> Result<NewAccessKey, IamError> {
        let id = generate_access_key_id()?;
        let secret = SecretAccessKey::generate();
        let sealed = self.config.master_key.seal(secret.expose().as_bytes(), key_binding(id.as_str()).as_bytes())?;
        let quota = MAX_ACCESS_KEYS as i64;
        let row = store::access_keys::insert_access_key(&mut *conn, id.as_str(), account_id, user_id, &sealed, quota)
            .await?
            .ok_or_else(|| {
                IamError::LimitExceeded(format!("Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}"))
            })?;
        Ok(NewAccessKey { key: row.into(), secret })
    }

    pub async fn list_access_keys(&self, actor: &Actor, owner: &OwnerRef) -> Result<Vec<AccessKey>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let owner = self.resolve_owner(&mut conn, actor, owner, RowLock::Skip, IamAction::ListAccessKeys).await?;
        let rows = store::access_keys::list_access_keys(&mut *conn, owner.account_id.as_str(), owner.user_id()).await?;
        Ok(rows.into_iter().map(AccessKey::from).collect())
    }

    /// `Activate` / `Deactivate`: takes effect on the key's next request.
    pub async fn update_access_key(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        access_key_id: &str,
        status: AccessKeyStatus,
    ) -> Result<(), IamError> {
        let id = AccessKeyId::parse(access_key_id.trim())?;
        let mut tx = self.pool.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::UpdateAccessKey).await?;
        let done = store::access_keys::update_access_key_status(
            &mut *tx,
            owner.account_id.as_str(),
            owner.user_id(),
            id.as_str(),
            status.as_str(),
        )
        .await?;
        if !done {
            return Err(no_such_key(id.as_str()));
        }
        let event =
            owner.event(IamAction::UpdateAccessKey).with("accessKeyId", id.as_str()).with("status", status.as_str());
        self.commit_change(tx, actor, event).await?;
        tracing::info!(owner = %owner.arn, access_key_id = %id, status = status.as_str(), "access key status changed");
        Ok(())
    }

    pub async fn delete_access_key(
        &self,
        actor: &Actor,
        owner: &OwnerRef,
        access_key_id: &str,
    ) -> Result<(), IamError> {
        let id = AccessKeyId::parse(access_key_id.trim())?;
        let mut conn = self.warm.acquire().await?;
        let mut tx = conn.begin().await?;
        let owner = self.resolve_owner(&mut tx, actor, owner, RowLock::Skip, IamAction::DeleteAccessKey).await?;
        let done =
            store::access_keys::delete_access_key(&mut *tx, owner.account_id.as_str(), owner.user_id(), id.as_str())
                .await?;
        if !done {
            return Err(no_such_key(id.as_str()));
        }
        self.commit_change(tx, actor, owner.event(IamAction::DeleteAccessKey).with("accessKeyId", id.as_str())).await?;
        conn.release();
        tracing::info!(owner = %owner.arn, access_key_id = %id, "access key deleted");
        Ok(())
    }
}
