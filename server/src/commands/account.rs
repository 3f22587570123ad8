//! `lanyard account create`: a new account and its root user, printed as one line of JSON;
//! `lanyard account delete`: an account and everything in it.

use super::{engine, find_account, read_password_stdin, CommandResult, Workload};
use crate::config::Config;
use lanyard_iam::domain::root_arn;
use lanyard_iam::usecases::accounts::NewAccount;

pub async fn create(
    config: &Config,
    email: String,
    alias: Option<String>,
    password_stdin: bool,
    account_id: Option<String>,
) -> CommandResult {
    let password = if password_stdin { read_password_stdin()? } else { lanyard_iam::domain::Password::new("") };
    let engine = engine(config, Workload::Batch).await?;
    let input = NewAccount { email, alias, password };
    let account = match account_id {
        Some(id) => engine.create_account_with_id(input, &id).await?,
        None => engine.create_account(input).await?,
    };
    let hosts = config.hosts();
    let label = account.alias.as_ref().map(|a| a.to_string()).unwrap_or_else(|| account.account_id.to_string());
    let out = serde_json::json!({
        "account_id": account.account_id,
        "alias": account.alias,
        "root_email": account.root_email,
        "root_arn": root_arn(&account.account_id),
        "created_at": account.created_at.format(&time::format_description::well_known::Rfc3339).ok(),
        "signin_url": hosts.account_signin_url(&label),
        "root_signin_url": hosts.root_signin_url(),
    });
    println!("{out}");
    Ok(())
}

/// Prints what the account holds; with `yes`, deletes it (one transaction) and says so.
pub async fn delete(config: &Config, account: &str, yes: bool) -> CommandResult {
    let engine = engine(config, Workload::Batch).await?;
    let account = find_account(&engine, account).await?;
    let contents = engine.account_contents(&account.account_id).await?;
    let out = serde_json::json!({
        "account_id": account.account_id,
        "alias": account.alias,
        "root_email": account.root_email,
        "contents": contents,
        "deleted": yes,
    });
    if yes {
        engine.delete_account(&account.account_id).await?;
    } else {
        eprintln!("lanyard: nothing deleted; run again with --yes to delete this account and everything in it");
    }
    println!("{out}");
    Ok(())
}
