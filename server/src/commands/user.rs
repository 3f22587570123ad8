//! `lanyard user create`: an IAM user, with a console password when one is given on stdin.

use super::{engine, find_account, read_password_stdin, CommandResult};
use crate::config::Config;
use lanyard_iam::usecases::users::NewUser;

pub async fn create(
    config: &Config,
    account: &str,
    name: String,
    path: Option<String>,
    password_stdin: bool,
    password_reset_required: bool,
) -> CommandResult {
    let password = if password_stdin { Some(read_password_stdin()?) } else { None };
    let engine = engine(config).await?;
    let account = find_account(&engine, account).await?;
    // The operator acts with the account root's authority.
    let root = lanyard_iam::Actor::root(account.account_id.clone(), account.root_email.clone());
    let has_password = password.is_some();
    let user = engine
        .create_user(&root, NewUser { user_name: name, path, password, password_reset_required, ..Default::default() })
        .await?;
    let out = serde_json::json!({
        "user_id": user.user_id,
        "user_name": user.user_name,
        "path": user.path,
        "arn": user.arn,
        "account_id": account.account_id,
        "console_access": has_password,
        "created_at": user.created_at.format(&time::format_description::well_known::Rfc3339).ok(),
    });
    println!("{out}");
    Ok(())
}
