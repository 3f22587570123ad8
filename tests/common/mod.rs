//! Helpers shared by the engine's Postgres integration tests.
#![allow(dead_code)]

use lanyard_iam::domain::{AccountId, Password, Principal};
use lanyard_iam::usecases::accounts::{Account, NewAccount};
use lanyard_iam::usecases::users::{NewUser, User};
use lanyard_iam::{Engine, EngineConfig};
use sqlx::PgPool;

pub const ROOT_PASSWORD: &str = "Root-Password-1";
pub const USER_PASSWORD: &str = "User-Password-1";

pub fn engine(pool: PgPool) -> Engine {
    Engine::new(pool, EngineConfig { hash_concurrency: 2, ..EngineConfig::default() }).expect("engine")
}

pub async fn account(engine: &Engine, email: &str, alias: Option<&str>) -> Account {
    engine
        .create_account(NewAccount {
            email: email.into(),
            alias: alias.map(Into::into),
            password: Password::new(ROOT_PASSWORD),
        })
        .await
        .expect("create account")
}

pub fn root_of(account: &Account) -> Principal {
    Principal::Root { account_id: account.account_id.clone(), email: account.root_email.clone() }
}

pub async fn user(engine: &Engine, account_id: &AccountId, email: &str, name: &str) -> User {
    let root = Principal::Root { account_id: account_id.clone(), email: email.into() };
    engine
        .create_user(
            &root,
            NewUser {
                user_name: name.into(),
                path: None,
                password: Some(Password::new(USER_PASSWORD)),
                password_reset_required: false,
                ..Default::default()
            },
        )
        .await
        .expect("create user")
}

/// Creates an IAM user and returns it as the principal it signs in as.
pub async fn user_principal(engine: &Engine, account_id: &AccountId, email: &str, name: &str) -> Principal {
    let u = user(engine, account_id, email, name).await;
    Principal::User { account_id: account_id.clone(), user_id: u.user_id, user_name: u.user_name, path: u.path }
}
