//! Access keys: Create/List/Update/DeleteAccessKey (UserName optional: the caller's own) and
//! GetAccessKeyLastUsed. The secret appears once, in CreateAccessKey's answer.

use super::params::page_of;
use super::users::{credential_owner, credential_owner_name};
use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::domain::AccessKeyStatus;
use lanyard_iam::IamError;

pub async fn create_access_key(call: &Call<'_>) -> Result<Reply, IamError> {
    let created = call.engine.create_access_key(&call.actor, &credential_owner(call)).await?;
    let mut x = Xml::new();
    x.nest("AccessKey", |x| {
        x.opt("UserName", credential_owner_name(call))
            .el("AccessKeyId", &created.key.access_key_id)
            .el("Status", &created.key.status)
            .el("SecretAccessKey", created.secret.expose())
            .time("CreateDate", created.key.created_at);
    });
    Ok(Some(x))
}

pub async fn list_access_keys(call: &Call<'_>) -> Result<Reply, IamError> {
    let keys = call.engine.list_access_keys(&call.actor, &credential_owner(call)).await?;
    let (max, marker) = call.params.paging()?;
    let (keys, next) = page_of(keys, max, marker.as_deref())?;
    let name = credential_owner_name(call);
    let mut x = Xml::new();
    x.members("AccessKeyMetadata", &keys, |m, k| {
        m.opt("UserName", name.as_deref()).el("AccessKeyId", &k.access_key_id).el("Status", &k.status);
        m.time("CreateDate", k.created_at);
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn update_access_key(call: &Call<'_>) -> Result<Reply, IamError> {
    let status = AccessKeyStatus::parse(&call.params.req("Status")?)?;
    call.engine
        .update_access_key(&call.actor, &credential_owner(call), &call.params.req("AccessKeyId")?, status)
        .await?;
    Ok(None)
}

pub async fn delete_access_key(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_access_key(&call.actor, &credential_owner(call), &call.params.req("AccessKeyId")?).await?;
    Ok(None)
}

pub async fn get_access_key_last_used(call: &Call<'_>) -> Result<Reply, IamError> {
    let used = call.engine.get_access_key_last_used(&call.actor, &call.params.req("AccessKeyId")?).await?;
    let mut x = Xml::new();
    x.opt("UserName", used.user_name.as_deref()).nest("AccessKeyLastUsed", |x| {
        if let Some(t) = used.last_used_at {
            x.time("LastUsedDate", t);
        }
        x.el("ServiceName", used.service.as_deref().unwrap_or("N/A"))
            .el("Region", used.region.as_deref().unwrap_or("N/A"));
    });
    Ok(Some(x))
}
