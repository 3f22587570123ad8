//! STS: GetCallerIdentity (no permission needed, as in AWS), GetAccessKeyInfo (the account a key
//! belongs to) and GetSessionToken (temporary credentials, with MFA when a code is given).

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

pub async fn get_session_token(call: &Call<'_>) -> Result<Reply, IamError> {
    let duration = call.params.opt_int("DurationSeconds", 900, 129_600)?;
    let mfa = match (call.params.opt("SerialNumber"), call.params.opt("TokenCode")) {
        (Some(serial), Some(code)) => Some((serial, code)),
        (None, None) => None,
        _ => return Err(IamError::field("tokenCode", "SerialNumber and TokenCode go together")),
    };
    let source = call.actor.facts().source_ip.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let creds = call.engine.get_session_token(&call.actor, call.caller, duration, mfa, source).await?;
    let mut x = Xml::new();
    x.nest("Credentials", |x| {
        x.el("AccessKeyId", &creds.access_key_id)
            .el("SecretAccessKey", creds.secret.expose())
            .el("SessionToken", &creds.session_token)
            .time("Expiration", creds.expiration);
    });
    Ok(Some(x))
}
