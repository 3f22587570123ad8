//! Policies against a real Postgres: customer-managed policies and their versions, attachment
//! quotas under concurrency, deletion conflicts, IAM users acting under AWS's own policies, and
//! every action refused (with nothing changed) for a user without permissions.

mod common;

use common::*;
use lanyard_iam::domain::{AccessKeyStatus, Password, PasswordPolicyInput, Principal};
use lanyard_iam::policy::Decision;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::login_profiles::NewPassword;
use lanyard_iam::usecases::mfa::EnableMfa;
use lanyard_iam::usecases::policies::{NewPolicy, PolicyTarget};
use lanyard_iam::usecases::policy_simulator::SimulationInput;
use lanyard_iam::usecases::user_directory::ListUsersInput;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::usecases::Dependents;
use lanyard_iam::{Actor, Engine, IamError, MfaContext};
use sqlx::PgPool;

const EMAIL: &str = "owner@example.com";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";

/// AWS's published "Allows MFA-authenticated IAM users to manage their own credentials on the
/// Security credentials page", verbatim (also used by the browser tests).
pub const MY_SEC_CREDS: &str = include_str!("../end2end/fixtures/my-sec-creds-self-manage.json");

fn doc(actions: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#)
}

async fn setup(pool: PgPool) -> (Engine, Actor) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, Some("acme")).await;
    (engine, root_of(&acct))
}

/// The user as it acts after signing in, with or without MFA.
async fn as_user(e: &Engine, root: &Actor, name: &str, mfa: bool) -> Actor {
    let u = e.get_user(root, name).await.unwrap().user;
    let p = Principal::User {
        account_id: root.account_id().clone(),
        user_id: u.user_id,
        user_name: u.user_name,
        path: u.path,
    };
    let mfa = if mfa {
        MfaContext::Present { at: time::OffsetDateTime::now_utc().unix_timestamp() }
    } else {
        MfaContext::NotPresent
    };
    e.load_actor(p, mfa).await.unwrap()
}

fn new_user(name: &str) -> NewUser {
    NewUser { user_name: name.into(), ..Default::default() }
}

#[sqlx::test]
async fn customer_policies_are_validated_versioned_and_deleted(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let err = e
        .create_policy(
            &root,
            NewPolicy {
                policy_name: "Ops".into(),
                document: r#"{"Statement":[{"Effect":"Allow","Action":"CreateUser","Resource":"*"}]}"#.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "MalformedPolicyDocument");
    assert!(err.to_string().contains("Statement[0].Action"), "{err}");
    let err = e
        .create_policy(
            &root,
            NewPolicy {
                policy_name: "bad name".into(),
                path: Some("x".into()),
                document: "{".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<_> = err.field_errors().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["policyName", "path", "policyDocument"], "every problem at once");

    let p = e
        .create_policy(
            &root,
            NewPolicy {
                policy_name: "Ops".into(),
                path: Some("/team/".into()),
                document: doc(r#""iam:ListUsers""#),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(p.arn, format!("arn:aws:iam::{}:policy/team/Ops", root.account_id()));
    let err = e
        .create_policy(&root, NewPolicy { policy_name: "ops".into(), document: doc("\"iam:*\""), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "EntityAlreadyExists");

    for n in 2..=5 {
        assert_eq!(
            e.create_policy_version(&root, &p.arn, &doc("\"iam:GetUser\""), n == 5).await.unwrap(),
            format!("v{n}")
        );
    }
    let err = e.create_policy_version(&root, &p.arn, &doc("\"iam:GetUser\""), true).await.unwrap_err();
    assert_eq!(err.code(), "LimitExceeded");
    let err = e.delete_policy_version(&root, &p.arn, "v5").await.unwrap_err();
    assert_eq!(err.code(), "DeleteConflict", "the default version stays");
    e.delete_policy_version(&root, &p.arn, "v2").await.unwrap();
    assert_eq!(
        e.create_policy_version(&root, &p.arn, &doc("\"iam:GetUser\""), false).await.unwrap(),
        "v6",
        "numbers are not reused"
    );
    e.set_default_policy_version(&root, &p.arn, "v1").await.unwrap();
    let detail = e.get_policy(&root, &p.arn).await.unwrap();
    assert_eq!(detail.policy.default_version_id, "v1");
    assert_eq!(detail.versions.len(), 5);

    // The default version is what applies.
    user(&e, root.account_id(), EMAIL, "olga").await;
    e.attach_policy(&root, &PolicyTarget::User("olga".into()), &p.arn).await.unwrap();
    let olga = as_user(&e, &root, "olga", false).await;
    assert!(e.list_users(&olga, ListUsersInput::default()).await.is_ok());
    e.set_default_policy_version(&root, &p.arn, "v6").await.unwrap();
    let olga = as_user(&e, &root, "olga", false).await;
    assert_eq!(e.list_users(&olga, ListUsersInput::default()).await.unwrap_err().code(), "AccessDenied");

    // Strict DeletePolicy refuses while attached; the console's detaches first.
    assert_eq!(e.delete_policy(&root, &p.arn, Dependents::Refuse).await.unwrap_err().code(), "DeleteConflict");
    e.delete_policy(&root, &p.arn, Dependents::Remove).await.unwrap();
    assert!(e.list_attached_policies(&root, &PolicyTarget::User("olga".into())).await.unwrap().is_empty());
    assert_eq!(e.get_policy(&root, &p.arn).await.unwrap_err().code(), "NoSuchEntity");
}

#[sqlx::test]
async fn at_most_ten_managed_policies_attach_even_in_parallel(pool: PgPool) {
    let (e, root) = setup(pool).await;
    user(&e, root.account_id(), EMAIL, "pat").await;
    let mut arns = Vec::new();
    for i in 0..14 {
        let p = NewPolicy { policy_name: format!("P{i}"), document: doc("\"iam:GetUser\""), ..Default::default() };
        arns.push(e.create_policy(&root, p).await.unwrap().arn);
    }
    let target = PolicyTarget::User("pat".into());
    let results = futures::future::join_all(arns.iter().map(|a| e.attach_policy(&root, &target, a))).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 10);
    for r in results.into_iter().filter_map(Result::err) {
        assert_eq!(r.to_string(), "Cannot exceed quota for PoliciesPerUser: 10");
    }
    assert_eq!(e.list_attached_policies(&root, &target).await.unwrap().len(), 10);
    // Attaching again changes nothing; an unknown policy is NoSuchEntity.
    let attached = e.list_attached_policies(&root, &target).await.unwrap();
    e.attach_policy(&root, &target, &attached[0].1).await.unwrap();
    let unknown = format!("arn:aws:iam::{}:policy/Nope", root.account_id());
    e.detach_policy(&root, &target, &attached[0].1).await.unwrap();
    assert_eq!(e.attach_policy(&root, &target, &unknown).await.unwrap_err().code(), "NoSuchEntity");
}

#[sqlx::test]
async fn users_and_groups_with_policies_cannot_be_strictly_deleted(pool: PgPool) {
    let (e, root) = setup(pool).await;
    e.create_user(&root, new_user("quinn")).await.unwrap();
    e.create_group(&root, "Readers", None).await.unwrap();
    let quinn = PolicyTarget::User("quinn".into());
    let readers = PolicyTarget::Group("Readers".into());
    e.attach_policy(&root, &quinn, READ_ONLY).await.unwrap();
    e.put_inline_policy(&root, &readers, "extra", &doc("\"iam:GetUser\"")).await.unwrap();
    let err = e.delete_user(&root, "quinn").await.unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        ("DeleteConflict", "Cannot delete entity, must detach all policies first.".into())
    );
    let err = e.delete_group(&root, "Readers", Dependents::Refuse).await.unwrap_err();
    assert_eq!(
        (err.code(), err.to_string()),
        ("DeleteConflict", "Cannot delete entity, must delete policies first.".into())
    );
    // The console's deletions take the policies with them.
    e.delete_group(&root, "Readers", Dependents::Remove).await.unwrap();
    e.delete_user_with_credentials(&root, "quinn").await.unwrap();

    // Inline policies: replaced by name, bounded in total size, validated.
    user(&e, root.account_id(), EMAIL, "rita").await;
    let rita = PolicyTarget::User("rita".into());
    e.put_inline_policy(&root, &rita, "p", &doc("\"iam:GetUser\"")).await.unwrap();
    e.put_inline_policy(&root, &rita, "P", &doc("\"iam:ListUsers\"")).await.unwrap();
    let inline = e.list_inline_policies(&root, &rita).await.unwrap();
    assert_eq!(inline.len(), 1);
    assert!(inline[0].document.contains("iam:ListUsers"));
    let big = doc(&format!("[{}]", (0..120).map(|i| format!("\"iam:GetUser{i}\"")).collect::<Vec<_>>().join(",")));
    assert_eq!(e.put_inline_policy(&root, &rita, "big", &big).await.unwrap_err().code(), "LimitExceeded");
    assert_eq!(e.put_inline_policy(&root, &rita, "bad", "{}").await.unwrap_err().code(), "MalformedPolicyDocument");
    e.delete_inline_policy(&root, &rita, "p").await.unwrap();
    assert_eq!(e.delete_inline_policy(&root, &rita, "p").await.unwrap_err().code(), "NoSuchEntity");
}

/// AWS's documentation examples verbatim: an Admins group with AdministratorAccess administers,
/// IAMReadOnlyAccess browses but cannot change, and the MFA self-management policy allows only
/// enrolment without MFA and one's own credentials (nobody else's) with it.
#[sqlx::test]
async fn aws_documented_policies_behave_as_documented(pool: PgPool) {
    let (e, root) = setup(pool).await;
    for name in ["ada", "rob", "sam", "tom"] {
        user(&e, root.account_id(), EMAIL, name).await;
    }
    e.create_group(&root, "Admins", None).await.unwrap();
    e.attach_policy(&root, &PolicyTarget::Group("Admins".into()), ADMIN).await.unwrap();
    e.add_user_to_group(&root, "Admins", "ada").await.unwrap();
    let ada = as_user(&e, &root, "ada", false).await;
    e.create_user(&ada, new_user("created-by-ada")).await.unwrap();
    e.create_group(&ada, "Devs", None).await.unwrap();

    e.attach_policy(&root, &PolicyTarget::User("rob".into()), READ_ONLY).await.unwrap();
    let rob = as_user(&e, &root, "rob", false).await;
    assert_eq!(e.list_users(&rob, ListUsersInput::default()).await.unwrap().users.len(), 5);
    e.get_user(&rob, "ada").await.unwrap();
    let err = e.create_user(&rob, new_user("nope")).await.unwrap_err();
    assert_eq!(err.code(), "AccessDenied");
    assert!(err.to_string().contains("iam:CreateUser on resource: arn:aws:iam::"), "{err}");
    assert!(e.get_user(&root, "nope").await.is_err(), "nothing was created");

    e.put_inline_policy(&root, &PolicyTarget::User("sam".into()), "MySecCreds", MY_SEC_CREDS).await.unwrap();
    let sam = as_user(&e, &root, "sam", false).await;
    // Without MFA: enrolling MFA is allowed, everything else denied by the policy's Deny.
    e.start_mfa_enrolment(&sam, &OwnerRef::Me).await.unwrap();
    e.list_mfa_devices(&sam, &OwnerRef::Me).await.unwrap();
    assert_eq!(e.create_access_key(&sam, &OwnerRef::Me).await.unwrap_err().code(), "AccessDenied");
    assert_eq!(e.list_access_keys(&sam, &OwnerRef::Me).await.unwrap_err().code(), "AccessDenied");
    // With MFA: their own credentials, nobody else's.
    let sam = as_user(&e, &root, "sam", true).await;
    e.create_access_key(&sam, &OwnerRef::Me).await.unwrap();
    assert_eq!(e.list_access_keys(&sam, &OwnerRef::Me).await.unwrap().len(), 1);
    let tom = OwnerRef::User("tom".into());
    assert_eq!(e.create_access_key(&sam, &tom).await.unwrap_err().code(), "AccessDenied");
    assert_eq!(e.list_mfa_devices(&sam, &tom).await.unwrap_err().code(), "AccessDenied");
    assert_eq!(e.list_users(&sam, ListUsersInput::default()).await.unwrap_err().code(), "AccessDenied");

    // The simulator answers as the evaluation does, naming the deciding statement.
    let sim = |user: &str, actions: &str, mfa: bool| SimulationInput {
        user_name: user.into(),
        actions: vec![actions.into()],
        resources: vec![format!("arn:aws:iam::{}:user/sam", root.account_id())],
        mfa,
    };
    let r = e
        .simulate_principal_policy(&root, &sim("sam", "iam:CreateAccessKey iam:EnableMFADevice", false))
        .await
        .unwrap()
        .results;
    assert_eq!(r[0].decision, Decision::ExplicitlyDenied);
    assert_eq!(r[0].deciding.as_ref().and_then(|d| d.sid.clone()).as_deref(), Some("DenyAllExceptListedIfNoMFA"));
    assert_eq!(r[1].decision, Decision::Allowed);
    let r = e.simulate_principal_policy(&root, &sim("sam", "iam:CreateAccessKey", true)).await.unwrap().results;
    assert_eq!(r[0].decision, Decision::Allowed);
    let r = e.simulate_principal_policy(&root, &sim("tom", "iam:CreateUser", true)).await.unwrap().results;
    assert_eq!((r[0].decision, r[0].deciding.clone()), (Decision::ImplicitlyDenied, None));
    let err = e.simulate_principal_policy(&root, &sim("tom", "CreateUser", true)).await.unwrap_err();
    assert_eq!(err.field_errors()[0].field, "actionNames");
    assert_eq!(
        e.simulate_principal_policy(&rob, &sim("tom", "iam:GetUser", true)).await.unwrap().results.len(),
        1,
        "ReadOnly may simulate"
    );
}

/// Privilege escalation by hand-crafted requests: a user without any policy calls every action
/// the console and the API offer. Each is refused with AccessDenied naming the action and the
/// resource, and nothing changes.
#[sqlx::test]
async fn a_user_without_permissions_is_refused_everything(pool: PgPool) {
    let (e, root) = setup(pool).await;
    user(&e, root.account_id(), EMAIL, "victim").await;
    e.create_group(&root, "Admins", None).await.unwrap();
    let p = e
        .create_policy(&root, NewPolicy { policy_name: "Ops".into(), document: doc("\"iam:*\""), ..Default::default() })
        .await
        .unwrap();
    let nobody = bare_user(&e, root.account_id(), EMAIL, "nobody").await;
    let snapshot = |e: Engine, root: Actor| async move {
        let users = e.list_users(&root, ListUsersInput::default()).await.unwrap().users.len();
        let groups = e.get_group(&root, "Admins").await.unwrap().members.len();
        let policies = e.list_policies(&root, None).await.unwrap().len();
        let attached = e.list_attached_policies(&root, &PolicyTarget::User("nobody".into())).await.unwrap().len();
        let victim = e.get_user(&root, "victim").await.unwrap();
        (users, groups, policies, attached, victim.console_access, victim.tags.len())
    };
    let before = snapshot(e.clone(), root.clone()).await;
    let me = PolicyTarget::User("nobody".into());
    let victim = OwnerRef::User("victim".into());
    let ip = "192.0.2.1".parse().unwrap();
    let policy = || PasswordPolicyInput { minimum_password_length: "8".into(), ..Default::default() };
    let enable =
        EnableMfa { ticket: "x".into(), device_name: "d".into(), code1: "123456".into(), code2: "234567".into() };
    let results: Vec<(&str, Result<(), IamError>)> = vec![
        ("CreateUser", e.create_user(&nobody, new_user("evil")).await.map(drop)),
        ("GetUser", e.get_user(&nobody, "victim").await.map(drop)),
        ("ListUsers", e.list_users(&nobody, ListUsersInput::default()).await.map(drop)),
        ("ListUsers", e.list_path_level(&nobody, "/").await.map(drop)),
        ("UpdateUser", e.update_user(&nobody, "victim", Some("renamed"), None).await.map(drop)),
        ("DeleteUser", e.delete_user(&nobody, "victim").await.map(drop)),
        ("DeleteUser", e.delete_user_with_credentials(&nobody, "victim").await.map(drop)),
        ("TagUser", e.tag_user(&nobody, "victim", &[("k".into(), "v".into())]).await),
        ("UntagUser", e.untag_user(&nobody, "victim", &["k".into()]).await),
        ("TagUser", e.replace_user_tags(&nobody, "victim", &[("k".into(), "v".into())]).await.map(drop)),
        (
            "UpdateLoginProfile",
            e.set_login_profile(&nobody, "victim", NewPassword::Custom(Password::new("Evil-Passw0rd!!")), false)
                .await
                .map(drop),
        ),
        ("DeleteLoginProfile", e.delete_login_profile(&nobody, "victim").await),
        ("UpdateLoginProfile", e.clear_sign_in_lock(&nobody, "victim").await),
        ("CreateAccessKey", e.create_access_key(&nobody, &victim).await.map(drop)),
        ("CreateAccessKey", e.create_access_key(&nobody, &OwnerRef::Me).await.map(drop)),
        ("ListAccessKeys", e.list_access_keys(&nobody, &victim).await.map(drop)),
        (
            "UpdateAccessKey",
            e.update_access_key(&nobody, &victim, "AKIAAAAAAAAAAAAAAAAA", AccessKeyStatus::Inactive).await,
        ),
        ("DeleteAccessKey", e.delete_access_key(&nobody, &victim, "AKIAAAAAAAAAAAAAAAAA").await),
        ("ListMFADevices", e.list_mfa_devices(&nobody, &victim).await.map(drop)),
        ("EnableMFADevice", e.start_mfa_enrolment(&nobody, &OwnerRef::Me).await.map(drop)),
        ("EnableMFADevice", e.enable_mfa_device(&nobody, &victim, enable).await.map(drop)),
        ("DeactivateMFADevice", e.remove_mfa_device(&nobody, &victim, "d", None, ip).await.map(drop)),
        ("ResyncMFADevice", e.resync_mfa_device(&nobody, &victim, "d", "123456", "234567").await.map(drop)),
        ("GetAccountPasswordPolicy", e.get_password_policy(&nobody).await.map(drop)),
        ("UpdateAccountPasswordPolicy", e.update_password_policy(&nobody, &policy()).await.map(drop)),
        ("DeleteAccountPasswordPolicy", e.delete_password_policy(&nobody).await),
        ("CreateAccountAlias", e.set_account_alias(&nobody, "evil").await.map(drop)),
        ("CreateGroup", e.create_group(&nobody, "Evil", None).await.map(drop)),
        ("ListGroups", e.list_groups(&nobody, None).await.map(drop)),
        ("GetGroup", e.get_group(&nobody, "Admins").await.map(drop)),
        ("UpdateGroup", e.update_group(&nobody, "Admins", Some("Owned"), None).await.map(drop)),
        ("DeleteGroup", e.delete_group(&nobody, "Admins", Dependents::Remove).await),
        ("AddUserToGroup", e.add_user_to_group(&nobody, "Admins", "nobody").await),
        ("RemoveUserFromGroup", e.remove_user_from_group(&nobody, "Admins", "victim").await),
        ("ListGroupsForUser", e.list_groups_for_user(&nobody, "victim").await.map(drop)),
        ("ListPolicies", e.list_policies(&nobody, None).await.map(drop)),
        (
            "CreatePolicy",
            e.create_policy(
                &nobody,
                NewPolicy { policy_name: "Evil".into(), document: doc("\"*\""), ..Default::default() },
            )
            .await
            .map(drop),
        ),
        ("GetPolicy", e.get_policy(&nobody, &p.arn).await.map(drop)),
        ("CreatePolicyVersion", e.create_policy_version(&nobody, &p.arn, &doc("\"*\""), true).await.map(drop)),
        ("SetDefaultPolicyVersion", e.set_default_policy_version(&nobody, &p.arn, "v1").await),
        ("DeletePolicyVersion", e.delete_policy_version(&nobody, &p.arn, "v1").await),
        ("DeletePolicy", e.delete_policy(&nobody, &p.arn, Dependents::Remove).await),
        ("AttachUserPolicy", e.attach_policy(&nobody, &me, ADMIN).await),
        ("AttachGroupPolicy", e.attach_policy(&nobody, &PolicyTarget::Group("Admins".into()), ADMIN).await),
        ("DetachUserPolicy", e.detach_policy(&nobody, &me, ADMIN).await),
        ("ListAttachedUserPolicies", e.list_attached_policies(&nobody, &me).await.map(drop)),
        ("PutUserPolicy", e.put_inline_policy(&nobody, &me, "escalate", &doc("\"*\"")).await),
        ("ListUserPolicies", e.list_inline_policies(&nobody, &me).await.map(drop)),
        ("DeleteUserPolicy", e.delete_inline_policy(&nobody, &me, "x").await),
        (
            "SimulatePrincipalPolicy",
            e.simulate_principal_policy(
                &nobody,
                &SimulationInput {
                    user_name: "victim".into(),
                    actions: vec!["iam:GetUser".into()],
                    resources: vec!["*".into()],
                    mfa: false,
                },
            )
            .await
            .map(drop),
        ),
    ];
    for (action, result) in results {
        match result {
            Err(IamError::AccessDenied(m)) => {
                assert!(m.contains(&format!("iam:{action} on resource: arn:aws:iam::")), "{action}: {m}");
                assert!(m.starts_with("User: arn:aws:iam::") && m.contains(":user/nobody"), "{m}");
            }
            other => panic!("{action}: expected AccessDenied, got {other:?}"),
        }
    }
    assert_eq!(snapshot(e.clone(), root.clone()).await, before, "nothing changed");
}
