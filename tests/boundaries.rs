//! Permissions boundaries against a real Postgres: a boundary caps what a user's own policies
//! grant, AccessDenied says so, a delegated administrator can be made to set one, a boundary in
//! use cannot be deleted away, and Add users sets or copies one.

mod common;

use common::*;
use lanyard_iam::usecases::add_users::{AddUsers, PermissionsSource};
use lanyard_iam::usecases::policies::{NewPolicy, PolicyTarget};
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::usecases::Dependents;
use lanyard_iam::{Actor, Engine, IamError};
use sqlx::PgPool;

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

async fn admin_user(e: &Engine, root: &Actor, account: &lanyard_iam::domain::AccountId, name: &str) -> Actor {
    let actor = bare_user(e, account, "owner@example.com", name).await;
    e.attach_policy(root, &PolicyTarget::User(name.into()), ADMIN).await.unwrap();
    act(e, actor.principal()).await
}

#[sqlx::test]
async fn a_boundary_caps_what_the_users_own_policies_grant(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    admin_user(&e, &root, &a.account_id, "capped").await;
    e.put_user_permissions_boundary(&root, "capped", READ_ONLY).await.unwrap();
    assert_eq!(e.get_user(&root, "capped").await.unwrap().permissions_boundary.as_deref(), Some(READ_ONLY));

    let capped = reload(&e, &root, "capped").await;
    assert!(e.list_users(&capped, Default::default()).await.is_ok(), "read-only actions stay allowed");
    let refused = e.create_user(&capped, NewUser { user_name: "nope".into(), ..Default::default() }).await;
    match refused {
        Err(IamError::AccessDenied(m)) => {
            assert!(m.contains("because no permissions boundary allows the iam:CreateUser action"), "{m}")
        }
        other => panic!("expected AccessDenied, got {other:?}"),
    }

    // The simulator shows the boundary's own verdict beside the decision.
    let input = lanyard_iam::usecases::policy_simulator::SimulationInput {
        user_name: "capped".into(),
        actions: vec!["iam:CreateUser,iam:ListUsers".into()],
        resources: vec!["*".into()],
        mfa: false,
    };
    let simulated = e.simulate_principal_policy(&root, &input).await.unwrap().results;
    use lanyard_iam::policy::Decision;
    let verdicts: Vec<(&str, Decision, Option<Decision>)> =
        simulated.iter().map(|r| (r.action.as_str(), r.decision, r.boundary)).collect();
    assert_eq!(
        verdicts,
        [
            ("iam:CreateUser", Decision::ImplicitlyDenied, Some(Decision::ImplicitlyDenied)),
            ("iam:ListUsers", Decision::Allowed, Some(Decision::Allowed)),
        ]
    );

    e.delete_user_permissions_boundary(&root, "capped").await.unwrap();
    let unbounded = e.simulate_principal_policy(&root, &input).await.unwrap().results;
    assert!(unbounded.iter().all(|r| r.boundary.is_none() && r.decision == Decision::Allowed));
    let freed = reload(&e, &root, "capped").await;
    e.create_user(&freed, NewUser { user_name: "now".into(), ..Default::default() }).await.unwrap();
}

/// The actor of an existing user as a new request loads it (policies, tags, boundary).
async fn reload(e: &Engine, root: &Actor, name: &str) -> Actor {
    let u = e.get_user(root, name).await.unwrap().user;
    let p = lanyard_iam::domain::Principal::User {
        account_id: root.account_id().clone(),
        user_id: u.user_id,
        user_name: u.user_name,
        path: u.path,
    };
    act(e, &p).await
}

/// Privilege escalation: a delegated administrator may create users and attach anything, but
/// only with the `Capped` boundary; a user made without it, or the boundary lifted, or the
/// boundary policy deleted, are all refused — so what they create can never exceed `Capped`.
#[sqlx::test]
async fn attack_a_delegated_admin_cannot_escape_the_required_boundary(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    let cap = e
        .create_policy(
            &root,
            NewPolicy {
                policy_name: "Capped".into(),
                document:
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:List*","Resource":"*"}]}"#
                        .into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let delegated = format!(
        r#"{{"Version":"2012-10-17","Statement":[
          {{"Effect":"Allow","Action":["iam:CreateUser","iam:PutUserPermissionsBoundary"],"Resource":"*",
            "Condition":{{"StringEquals":{{"iam:PermissionsBoundary":"{}"}}}}}},
          {{"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:GetUser","iam:ListUsers","iam:DeletePolicy","iam:DeleteUserPermissionsBoundary"],"Resource":"*"}},
          {{"Effect":"Deny","Action":"iam:DeleteUserPermissionsBoundary","Resource":"*"}}]}}"#,
        cap.arn
    );
    let d = e
        .create_policy(&root, NewPolicy { policy_name: "Delegated".into(), document: delegated, ..Default::default() })
        .await
        .unwrap();
    let boss = bare_user(&e, &a.account_id, "owner@example.com", "boss").await;
    e.attach_policy(&root, &PolicyTarget::User("boss".into()), &d.arn).await.unwrap();
    let boss = act(&e, boss.principal()).await;

    let without = e.create_user(&boss, NewUser { user_name: "free".into(), ..Default::default() }).await;
    assert!(matches!(without, Err(IamError::AccessDenied(_))), "{without:?}");
    let wrong =
        NewUser { user_name: "free".into(), permissions_boundary: Some(READ_ONLY.into()), ..Default::default() };
    assert!(matches!(e.create_user(&boss, wrong).await, Err(IamError::AccessDenied(_))));
    let batch = AddUsers { user_names: vec!["free".into()], ..Default::default() };
    assert!(matches!(e.add_users(&boss, batch).await, Err(IamError::AccessDenied(_))));
    // With the required boundary, Add users works for them as CreateUser does.
    let bounded =
        AddUsers { user_names: vec!["team".into()], permissions_boundary: Some(cap.arn.clone()), ..Default::default() };
    e.add_users(&boss, bounded).await.unwrap();
    assert_eq!(e.get_user(&root, "team").await.unwrap().permissions_boundary.as_deref(), Some(cap.arn.as_str()));

    let minion =
        NewUser { user_name: "minion".into(), permissions_boundary: Some(cap.arn.clone()), ..Default::default() };
    e.create_user(&boss, minion).await.unwrap();
    e.attach_policy(&boss, &PolicyTarget::User("minion".into()), ADMIN).await.unwrap();
    let minion = reload(&e, &root, "minion").await;
    assert!(e.list_users(&minion, Default::default()).await.is_ok());
    assert!(matches!(
        e.create_user(&minion, NewUser { user_name: "x".into(), ..Default::default() }).await,
        Err(IamError::AccessDenied(_))
    ));

    assert!(matches!(e.delete_user_permissions_boundary(&boss, "minion").await, Err(IamError::AccessDenied(_))));
    for dependents in [Dependents::Refuse, Dependents::Remove] {
        let gone = e.delete_policy(&root, &cap.arn, dependents).await;
        assert!(matches!(gone, Err(IamError::DeleteConflict(_))), "{gone:?}");
    }
    assert_eq!(e.get_user(&root, "minion").await.unwrap().permissions_boundary, Some(cap.arn));
}

#[sqlx::test]
async fn add_users_sets_a_boundary_and_copying_a_user_takes_theirs(pool: PgPool) {
    let e = engine(pool);
    let a = account(&e, "owner@example.com", None).await;
    let root = root_of(&a);
    let set =
        AddUsers { user_names: vec!["b1".into()], permissions_boundary: Some(READ_ONLY.into()), ..Default::default() };
    e.add_users(&root, set).await.unwrap();
    let copy = AddUsers {
        user_names: vec!["b2".into()],
        permissions: PermissionsSource::CopyFrom("b1".into()),
        ..Default::default()
    };
    e.add_users(&root, copy).await.unwrap();
    for name in ["b1", "b2"] {
        assert_eq!(e.get_user(&root, name).await.unwrap().permissions_boundary.as_deref(), Some(READ_ONLY));
    }
    let missing = AddUsers {
        user_names: vec!["b3".into()],
        permissions_boundary: Some("arn:aws:iam::aws:policy/Nope".into()),
        ..Default::default()
    };
    assert!(matches!(e.add_users(&root, missing).await, Err(IamError::NoSuchEntity(_))));
}
