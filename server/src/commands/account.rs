//! `lanyard account create`: a new account and its root user, printed as one line of JSON.

use super::{engine, read_password_stdin, CommandResult};
use crate::config::Config;
use lanyard_iam::domain::root_arn;
use lanyard_iam::usecases::accounts::NewAccount;

pub async fn create(config: &Config, email: String, alias: Option<String>, password_stdin: bool) -> CommandResult {
    let password = if password_stdin { read_password_stdin()? } else { lanyard_iam::domain::Password::new("") };
    let engine = engine(config).await?;
    let account = engine.create_account(NewAccount { email, alias, password }).await?;
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
