//! STS: GetCallerIdentity (no permission needed, as in AWS) and GetAccessKeyInfo (the account
//! a key belongs to).

use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::domain::AccessKeyId;
use lanyard_iam::IamError;

pub async fn get_caller_identity(call: &Call<'_>) -> Result<Reply, IamError> {
    let mut x = Xml::new();
    x.el("Arn", call.caller.principal.arn())
        .el("UserId", &call.caller.user_id)
        .el("Account", call.caller.principal.account_id().as_str());
    Ok(Some(x))
}

/// The account a key belongs to. AWS derives it from the key id; Lanyard looks the key up, so an
/// unknown key is NoSuchEntity.
pub async fn get_access_key_info(call: &Call<'_>) -> Result<Reply, IamError> {
    let id = AccessKeyId::parse(call.params.req("AccessKeyId")?.trim())?;
    let account =
        call.engine.access_key_account(id.as_str()).await?.ok_or_else(|| {
            IamError::NoSuchEntity(format!("The Access Key with id {} cannot be found.", id.as_str()))
        })?;
    let mut x = Xml::new();
    x.el("Account", account);
    Ok(Some(x))
}
