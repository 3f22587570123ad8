//! `lanyard user create`: an IAM user, with a console password when one is given on stdin, an access
//! key on request, and groups, a copy of another user's permissions or attached and inline policies,
//! all in one transaction (the console's Add users); `lanyard access-key create`: a key for a user or root (the bootstrap of
//! automation: Terraform's first key comes from here).

use super::{engine, find_account, read_password_stdin, CommandError, CommandResult, Workload};
use crate::config::Config;
use lanyard_iam::usecases::add_users::{AddUsers, ConsoleAccess, PermissionsSource};
use lanyard_iam::usecases::credential_owner::OwnerRef;

/// What `lanyard user create` was given.
pub struct NewUserArgs {
    pub name: String,
    pub path: Option<String>,
    pub password_stdin: bool,
    pub password_reset_required: bool,
    pub attach_policies: Vec<String>,
    pub groups: Vec<String>,
    pub copy_from: Option<String>,
    /// `NAME=FILE`
    pub inline_policies: Vec<String>,
    pub access_key: bool,
}

pub async fn create(config: &Config, account: &str, args: NewUserArgs) -> CommandResult {
    let NewUserArgs {
        name,
        path,
        password_stdin,
        password_reset_required,
        attach_policies,
        groups,
        copy_from,
        inline_policies,
        access_key,
    } = args;
    // Every policy file is read before anything is written.
    let mut inline = Vec::new();
    for spec in &inline_policies {
        let (policy_name, file) = spec
            .split_once('=')
            .ok_or_else(|| CommandError::Usage(format!("--inline-policy {spec}: expected NAME=FILE")))?;
        let document =
            std::fs::read_to_string(file).map_err(|e| CommandError::Usage(format!("--inline-policy {spec}: {e}")))?;
        inline.push((policy_name.to_owned(), document));
    }
    let password = if password_stdin { Some(read_password_stdin()?) } else { None };
    let engine = engine(config, Workload::Batch).await?;
    let account = find_account(&engine, account).await?;
    // The operator acts with the account root's authority.
    let root = lanyard_iam::Actor::root(account.account_id.clone(), account.root_email.clone());
    let has_password = password.is_some();
    let permissions = match (copy_from, groups.is_empty(), attach_policies.is_empty()) {
        (Some(source), _, _) => PermissionsSource::CopyFrom(source),
        (None, false, _) => PermissionsSource::Groups(groups),
        (None, true, false) => PermissionsSource::Policies(attach_policies),
        (None, true, true) => PermissionsSource::None,
    };
    let input = AddUsers {
        user_names: vec![name],
        path,
        console: match password {
            Some(password) => ConsoleAccess::Custom { password, reset_required: password_reset_required },
            None => ConsoleAccess::None,
        },
        access_key,
        permissions,
        inline_policies: inline,
        ..Default::default()
    };
    let added = engine.add_users(&root, input).await?.into_iter().next();
    let added = added.ok_or_else(|| CommandError::Usage("no user was created".into()))?;
    let (user, key) = (added.user, added.access_key);
    let mut out = serde_json::json!({
        "user_id": user.user_id,
        "user_name": user.user_name,
        "path": user.path,
        "arn": user.arn,
        "account_id": account.account_id,
        "console_access": has_password,
        "created_at": user.created_at.format(&time::format_description::well_known::Rfc3339).ok(),
    });
    if let Some(key) = key {
        out["access_key_id"] = key.key.access_key_id.into();
        out["secret_access_key"] = key.secret.expose().into();
    }
    println!("{out}");
    Ok(())
}

/// `lanyard access-key create --account A (--user U | --root)`.
pub async fn create_access_key(config: &Config, account: &str, user: Option<String>) -> CommandResult {
    let engine = engine(config, Workload::Batch).await?;
    let account = find_account(&engine, account).await?;
    let root = lanyard_iam::Actor::root(account.account_id.clone(), account.root_email.clone());
    let owner = match &user {
        Some(name) => OwnerRef::User(name.clone()),
        None => OwnerRef::Me,
    };
    let key = engine.create_access_key(&root, &owner).await?;
    let out = serde_json::json!({
        "account_id": account.account_id,
        "user_name": user,
        "access_key_id": key.key.access_key_id,
        "secret_access_key": key.secret.expose(),
    });
    println!("{out}");
    Ok(())
}
