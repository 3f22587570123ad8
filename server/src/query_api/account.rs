//! The account: Get/Update/DeleteAccountPasswordPolicy, Create/Delete/ListAccountAliases,
//! GetAccountSummary (the SummaryMap keys AWS returns).

use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::domain::{PasswordPolicyInput, MAX_ACCESS_KEYS, MAX_ATTACHED_POLICIES, MAX_GROUPS_PER_USER};
use lanyard_iam::IamError;

pub async fn get_password_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let Some(p) = call.engine.get_password_policy(&call.actor).await? else {
        return Err(IamError::NoSuchEntity(format!(
            "The Password Policy with domain name {} cannot be found.",
            call.actor.account_id()
        )));
    };
    let mut x = Xml::new();
    x.nest("PasswordPolicy", |x| {
        x.el("MinimumPasswordLength", p.minimum_password_length.to_string())
            .bool("RequireSymbols", p.require_symbols)
            .bool("RequireNumbers", p.require_numbers)
            .bool("RequireUppercaseCharacters", p.require_uppercase_characters)
            .bool("RequireLowercaseCharacters", p.require_lowercase_characters)
            .bool("AllowUsersToChangePassword", p.allow_users_to_change_password)
            .bool("ExpirePasswords", p.max_password_age.is_some())
            .opt("MaxPasswordAge", p.max_password_age.map(|d| d.to_string()))
            .opt("PasswordReusePrevention", p.password_reuse_prevention.map(|n| n.to_string()))
            // AWS leaves HardExpiry (like MaxPasswordAge) out when it is not set.
            .opt("HardExpiry", p.hard_expiry.then(|| "true".to_owned()));
    });
    Ok(Some(x))
}

/// As IAM: parameters left out take their defaults (this replaces the whole policy).
pub async fn update_password_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let p = &call.params;
    let flag = |name: &str| p.opt_bool(name).map(|b| b.unwrap_or(false));
    let age = p.opt("MaxPasswordAge").filter(|a| a.trim() != "0");
    let reuse = p.opt("PasswordReusePrevention");
    let input = PasswordPolicyInput {
        minimum_password_length: p.opt("MinimumPasswordLength").unwrap_or_else(|| "6".into()),
        require_symbols: flag("RequireSymbols")?,
        require_numbers: flag("RequireNumbers")?,
        require_uppercase_characters: flag("RequireUppercaseCharacters")?,
        require_lowercase_characters: flag("RequireLowercaseCharacters")?,
        allow_users_to_change_password: flag("AllowUsersToChangePassword")?,
        expire_passwords: age.is_some(),
        max_password_age: age.unwrap_or_default(),
        prevent_reuse: reuse.is_some(),
        password_reuse_prevention: reuse.unwrap_or_default(),
        hard_expiry: flag("HardExpiry")?,
    };
    call.engine.update_password_policy(&call.actor, &input).await?;
    Ok(None)
}

pub async fn delete_password_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_password_policy(&call.actor).await?;
    Ok(None)
}

pub async fn create_account_alias(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.set_account_alias(&call.actor, &call.params.req("AccountAlias")?).await?;
    Ok(None)
}

pub async fn delete_account_alias(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_account_alias(&call.actor, &call.params.req("AccountAlias")?).await?;
    Ok(None)
}

pub async fn list_account_aliases(call: &Call<'_>) -> Result<Reply, IamError> {
    let aliases = call.engine.list_account_aliases(&call.actor).await?;
    let mut x = Xml::new();
    x.nest("AccountAliases", |x| {
        for a in &aliases {
            x.el("member", a.as_str());
        }
    })
    .paging(None);
    Ok(Some(x))
}

pub async fn get_account_summary(call: &Call<'_>) -> Result<Reply, IamError> {
    let s = call.engine.get_account_summary(&call.actor).await?;
    let entries: Vec<(&str, i64)> = vec![
        ("Users", s.users),
        ("UsersQuota", 5000),
        ("Groups", s.groups),
        ("GroupsQuota", 300),
        ("GroupsPerUserQuota", MAX_GROUPS_PER_USER as i64),
        ("Policies", s.policies),
        ("PoliciesQuota", 1500),
        ("PolicySizeQuota", 6144),
        ("PolicyVersionsInUse", s.policies),
        ("PolicyVersionsInUseQuota", 10000),
        ("VersionsPerPolicyQuota", 5),
        ("AttachedPoliciesPerUserQuota", MAX_ATTACHED_POLICIES as i64),
        ("AttachedPoliciesPerGroupQuota", MAX_ATTACHED_POLICIES as i64),
        ("UserPolicySizeQuota", 2048),
        ("GroupPolicySizeQuota", 5120),
        ("AccessKeysPerUserQuota", MAX_ACCESS_KEYS as i64),
        ("MFADevices", s.mfa_devices),
        ("MFADevicesInUse", s.mfa_devices_in_use),
        ("AccountMFAEnabled", i64::from(s.account_mfa_enabled)),
        ("AccountAccessKeysPresent", i64::from(s.account_access_keys_present)),
        ("AccountSigningCertificatesPresent", 0),
        ("SigningCertificatesPerUserQuota", 2),
        ("ServerCertificates", 0),
        ("ServerCertificatesQuota", 20),
        ("Roles", 0),
        ("RolesQuota", 1000),
        ("InstanceProfiles", 0),
        ("InstanceProfilesQuota", 1000),
        ("Providers", 0),
        ("AssumeRolePolicySizeQuota", 2048),
        ("GlobalEndpointTokenVersion", 1),
    ];
    let mut x = Xml::new();
    x.nest("SummaryMap", |x| {
        for (k, v) in &entries {
            x.nest("entry", |e| {
                e.el("key", k).el("value", v.to_string());
            });
        }
    });
    Ok(Some(x))
}
