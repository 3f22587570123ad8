//! Every action of the Query API's table, signed by real keys through the whole router: refused
//! (AccessDenied, nothing changed) for a user without policies; never AccessDenied for a user with
//! AdministratorAccess; and with IAMReadOnlyAccess exactly the reads (Get*, List*) pass.

mod common;

use common::*;
use lanyard_iam::domain::{IamAction, Password};
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::policies::PolicyTarget;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::{Actor, Engine};
use lanyard_server::query_api::{actions, ActionSpec};
use sqlx::PgPool;

/// Parameters good enough for every action, aimed at other entities than the caller.
fn params_for(action: IamAction, account: &str) -> String {
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let version = match action.service() {
        lanyard_iam::domain::Service::Iam => "2010-05-08",
        lanyard_iam::domain::Service::Sts => "2011-06-15",
    };
    [
        format!("Action={}&Version={version}", action.name()),
        "UserName=victim&GroupName=team&PolicyName=inline&NewUserName=victim2&NewGroupName=team2".into(),
        format!("PolicyArn={}", enc(&format!("arn:aws:iam::{account}:policy/shared"))),
        format!("PermissionsBoundary={}", enc(&format!("arn:aws:iam::{account}:policy/shared"))),
        format!("PolicyDocument={}", enc(doc)),
        "VersionId=v1&Password=Fresh-Passw0rd-123&OldPassword=x&NewPassword=Fresh-Passw0rd-456".into(),
        "AccessKeyId=AKIAAAAAAAAAAAAAAAAA&Status=Inactive&AccountAlias=taken-alias".into(),
        "Tags.member.1.Key=k&Tags.member.1.Value=v&TagKeys.member.1=k&MinimumPasswordLength=12".into(),
        format!(
            "PolicySourceArn={}&ActionNames.member.1=iam%3AGetUser",
            enc(&format!("arn:aws:iam::{account}:user/victim"))
        ),
        format!("PolicyInputList.member.1={}", enc(doc)),
        format!("SSHPublicKeyBody={}&CertificateBody={}", enc(common::SSH_PUBLIC_KEY), enc(common::CERTIFICATE)),
        "SSHPublicKeyId=APKAAAAAAAAAAAAAAAAA&Encoding=SSH&CertificateId=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
        "ServiceName=codecommit.amazonaws.com&ServiceSpecificCredentialId=ACCAAAAAAAAAAAAAAAAA".into(),
        format!(
            "SerialNumber={}&AuthenticationCode1=123456&AuthenticationCode2=234567&VirtualMFADeviceName=phone",
            enc(&format!("arn:aws:iam::{account}:mfa/phone"))
        ),
    ]
    .join("&")
}

async fn code_of(app: &axum::Router, body: &str, c: &Creds, service: &str) -> (u16, String) {
    let (status, xml) = send(app, signed(body, c, service)).await;
    (status, between(&xml, "Code").to_owned())
}

/// Rows in every table an action could change.
async fn snapshot(pool: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "users",
        "login_profiles",
        "access_keys",
        "ssh_public_keys",
        "signing_certificates",
        "service_specific_credentials",
        "groups",
        "group_members",
        "policies",
        "policy_versions",
        "policy_attachments",
        "inline_policies",
        "user_tags",
        "password_policies",
        "mfa_devices",
        "mfa_device_tags",
    ] {
        out.push(sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await.unwrap());
    }
    let bounded = "SELECT count(*) FROM users WHERE permissions_boundary IS NOT NULL";
    out.push(sqlx::query_scalar(bounded).fetch_one(pool).await.unwrap());
    let aliases: Vec<Option<String>> = sqlx::query_scalar("SELECT alias FROM accounts").fetch_all(pool).await.unwrap();
    out.push(aliases.iter().flatten().count() as i64);
    out
}

async fn user_with(e: &Engine, root: &Actor, name: &str, policy: Option<&str>) -> Creds {
    e.create_user(root, NewUser { user_name: name.into(), ..Default::default() }).await.unwrap();
    if let Some(arn) = policy {
        e.attach_policy(root, &PolicyTarget::User(name.into()), arn).await.unwrap();
    }
    let key = e.create_access_key(root, &OwnerRef::User(name.into())).await.unwrap();
    Creds::long_term(&key.key.access_key_id, key.secret.expose())
}

async fn setup(pool: &PgPool) -> (axum::Router, Engine, Actor) {
    let engine = engine(pool);
    let account = engine
        .create_account(NewAccount {
            email: "owner@example.com".into(),
            alias: Some("acme".into()),
            password: Password::new("Root-Password-1"),
        })
        .await
        .unwrap();
    let root = Actor::root(account.account_id.clone(), "owner@example.com");
    for name in ["victim"] {
        let new = NewUser {
            user_name: name.into(),
            password: Some(Password::new("Victim-Passw0rd-1")),
            ..Default::default()
        };
        engine.create_user(&root, new).await.unwrap();
    }
    engine.create_group(&root, "team", None).await.unwrap();
    (app(pool, &engine), engine, root)
}

/// Needs no permission in AWS either.
fn open_action(a: IamAction) -> bool {
    matches!(a, IamAction::GetCallerIdentity | IamAction::GetAccessKeyInfo | IamAction::GetSessionToken)
}

/// What AWS's IAMReadOnlyAccess allows: Get*, List*, the two simulations and GenerateCredentialReport.
fn is_read(a: IamAction) -> bool {
    a.name().starts_with("Get")
        || a.name().starts_with("List")
        || a.name().starts_with("Simulate")
        || a == IamAction::GenerateCredentialReport
}

#[sqlx::test(migrations = "../migrations")]
async fn every_action_is_refused_without_policies_and_nothing_changes(pool: PgPool) {
    let (app, e, root) = setup(&pool).await;
    let account = root.account_id().to_string();
    let nobody = user_with(&e, &root, "nobody", None).await;
    let before = snapshot(&pool).await;
    // The API answers every action the engine has but the console's own (the table is an
    // exhaustive match, so this counts the console-only list).
    let answered: Vec<ActionSpec> = actions().collect();
    assert_eq!(answered.len(), IamAction::ALL.len() - 1, "ListEvents is the console's alone");
    for spec in answered {
        let service = spec.action.service().prefix();
        let (status, code) = code_of(&app, &params_for(spec.action, &account), &nobody, service).await;
        if open_action(spec.action) {
            assert_ne!(code, "AccessDenied", "{}", spec.action.name());
        } else {
            assert_eq!((status, code.as_str()), (403, "AccessDenied"), "{}", spec.action.name());
        }
    }
    assert_eq!(snapshot(&pool).await, before, "a refused request changed something");
}

#[sqlx::test(migrations = "../migrations")]
async fn administrators_may_call_every_action_and_read_only_users_only_reads(pool: PgPool) {
    let (app, e, root) = setup(&pool).await;
    let account = root.account_id().to_string();
    let reader = user_with(&e, &root, "reader", Some("arn:aws:iam::aws:policy/IAMReadOnlyAccess")).await;
    let before = snapshot(&pool).await;
    for spec in actions() {
        let service = spec.action.service().prefix();
        let (status, code) = code_of(&app, &params_for(spec.action, &account), &reader, service).await;
        if is_read(spec.action) || open_action(spec.action) {
            assert_ne!(code, "AccessDenied", "read {}", spec.action.name());
            assert!(status < 500 && status != 403, "read {}: {status} {code}", spec.action.name());
        } else {
            assert_eq!((status, code.as_str()), (403, "AccessDenied"), "write {}", spec.action.name());
        }
    }
    assert_eq!(snapshot(&pool).await, before, "a read-only user changed something");

    let admin = user_with(&e, &root, "admin", Some("arn:aws:iam::aws:policy/AdministratorAccess")).await;
    for spec in actions() {
        let service = spec.action.service().prefix();
        let (status, code) = code_of(&app, &params_for(spec.action, &account), &admin, service).await;
        assert_ne!(code, "AccessDenied", "admin {}", spec.action.name());
        assert!(status < 500, "admin {}: {status} {code}", spec.action.name());
    }
}
