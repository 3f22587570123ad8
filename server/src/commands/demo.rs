//! `lanyard dev demo`: makes sure the demo account (alias `demo`) and its IAM user exist, then
//! prints where and how to sign in. The credentials are for a local demo only.
//! `lanyard dev seed-users`: synthetic users for load tests.

use super::{engine, find_account, CommandResult, Workload};
use crate::config::Config;
use lanyard_iam::domain::{AccountRef, Password};
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::IamError;

pub const DEMO_ALIAS: &str = "demo";
pub const DEMO_ROOT_EMAIL: &str = "root@demo.example.com";
pub const DEMO_ROOT_PASSWORD: &str = "Demo-Root-Passw0rd!";
pub const DEMO_USER: &str = "alice";
pub const DEMO_USER_PASSWORD: &str = "Demo-Alice-Passw0rd!";

pub async fn ensure_demo(config: &Config) -> CommandResult {
    let engine = engine(config, Workload::Batch).await?;
    let alias_ref = AccountRef::parse(DEMO_ALIAS).ok_or_else(|| IamError::Internal("demo alias".into()))?;
    let account = match engine.find_account(&alias_ref).await? {
        Some(a) => a,
        None => {
            engine
                .create_account(NewAccount {
                    email: DEMO_ROOT_EMAIL.into(),
                    alias: Some(DEMO_ALIAS.into()),
                    password: Password::new(DEMO_ROOT_PASSWORD),
                })
                .await?
        }
    };
    let root = lanyard_iam::Actor::root(account.account_id.clone(), account.root_email.clone());
    let created = engine
        .create_user(
            &root,
            NewUser {
                user_name: DEMO_USER.into(),
                path: Some("/demo/".into()),
                password: Some(Password::new(DEMO_USER_PASSWORD)),
                password_reset_required: false,
                ..Default::default()
            },
        )
        .await;
    match created {
        Ok(_) | Err(IamError::EntityAlreadyExists(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let hosts = config.hosts();
    println!("Demo account {} (alias {DEMO_ALIAS}) — local demo credentials:", account.account_id);
    println!("  IAM user   {}", hosts.account_signin_url(DEMO_ALIAS));
    println!("             user name {DEMO_USER}   password {DEMO_USER_PASSWORD}");
    println!("             (also {}/signin/{DEMO_ALIAS})", hosts.public_origin);
    println!("  Root user  {}", hosts.root_signin_url());
    println!("             email {}   password {DEMO_ROOT_PASSWORD}", account.root_email);
    Ok(())
}

pub async fn seed_users(config: &Config, account: &str, count: u64, paths: u64) -> CommandResult {
    let engine = engine(config, Workload::Batch).await?;
    let account = find_account(&engine, account).await?;
    let started = std::time::Instant::now();
    let n = engine.seed_users(&account.account_id, count, paths).await?;
    eprintln!(
        "lanyard: seeded {n} users over {paths} paths into {} in {:.1} s",
        account.account_id,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
