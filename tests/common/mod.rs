//! Helpers shared by the engine's Postgres integration tests.
#![allow(dead_code)]

use lanyard_iam::domain::{AccountId, Password, Principal};
use lanyard_iam::usecases::accounts::{Account, NewAccount};
use lanyard_iam::usecases::policies::PolicyTarget;
use lanyard_iam::usecases::users::{NewUser, User};
use lanyard_iam::{Actor, MfaContext};
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

pub fn root_of(account: &Account) -> Actor {
    Actor::root(account.account_id.clone(), account.root_email.clone())
}

/// What the tests' IAM users may do to themselves: their own keys, MFA devices and password.
pub const SELF_SERVICE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Action":["iam:*AccessKey*","iam:*MFADevice*","iam:ChangePassword","iam:GetUser"],
  "Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/*"]}]}"#;

pub async fn user(engine: &Engine, account_id: &AccountId, email: &str, name: &str) -> User {
    let root = Actor::root(account_id.clone(), email);
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

/// Creates an IAM user allowed to manage its own credentials ([`SELF_SERVICE`]) and returns it
/// as it acts after signing in without MFA.
pub async fn user_principal(engine: &Engine, account_id: &AccountId, email: &str, name: &str) -> Actor {
    let u = user(engine, account_id, email, name).await;
    let root = Actor::root(account_id.clone(), email);
    engine
        .put_inline_policy(&root, &PolicyTarget::User(name.into()), "SelfService", SELF_SERVICE)
        .await
        .expect("policy");
    let p =
        Principal::User { account_id: account_id.clone(), user_id: u.user_id, user_name: u.user_name, path: u.path };
    engine.load_actor(p, MfaContext::NotPresent).await.expect("actor")
}

/// Creates an IAM user with no policies at all.
pub async fn bare_user(engine: &Engine, account_id: &AccountId, email: &str, name: &str) -> Actor {
    let u = user(engine, account_id, email, name).await;
    let p =
        Principal::User { account_id: account_id.clone(), user_id: u.user_id, user_name: u.user_name, path: u.path };
    engine.load_actor(p, MfaContext::NotPresent).await.expect("actor")
}

/// The actor a signed-in principal acts as (its policies loaded, no MFA).
pub async fn act(engine: &Engine, p: &Principal) -> Actor {
    engine.load_actor(p.clone(), MfaContext::NotPresent).await.expect("actor")
}
