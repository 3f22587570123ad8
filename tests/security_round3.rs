//! Regression tests for issue 29 (security round 3) at the engine, against a real Postgres: the
//! simulator's bounded work, evaluation rules where Lanyard over-permitted or misreported, audit
//! records that a NUL byte used to dodge, the sign-in instruction mails' throttle, the address
//! counter's decay and root's PasswordLastUsed. Each test names its attack or rule.

mod common;

use common::*;
use lanyard_iam::policy::Decision;
use lanyard_iam::usecases::policies::{NewPolicy, PolicyTarget};
use lanyard_iam::usecases::policy_simulator::{CustomSimulationInput, SimulationInput};
use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::{Actor, Engine, IamError};
use sqlx::PgPool;

const EMAIL: &str = "owner@example.com";
const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

async fn setup(pool: PgPool) -> (Engine, Actor) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, Some("acme")).await;
    (engine, root_of(&acct))
}

fn custom(policies: &[&str], actions: &[&str], resources: &[&str]) -> CustomSimulationInput {
    CustomSimulationInput {
        policies: policies.iter().map(|p| (*p).to_owned()).collect(),
        actions: actions.iter().map(|a| (*a).to_owned()).collect(),
        resources: resources.iter().map(|r| (*r).to_owned()).collect(),
        ..Default::default()
    }
}

/// Attack (high): SimulateCustomPolicy with backtracking-bait patterns times many actions and
/// resources burned seconds of CPU on the async threads. The work is now bounded: a request
/// beyond the budget is refused with a clear error before any evaluation, one within it answers.
#[sqlx::test]
async fn attack_simulator_cannot_exhaust_the_cpu(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let bait = format!("arn:*{}*b", "a?".repeat(2000));
    let statements: Vec<String> =
        (0..10).map(|i| format!(r#"{{"Sid":"s{i}","Effect":"Allow","Action":"iam:*","Resource":"{bait}"}}"#)).collect();
    let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    let long = format!("arn:{}", "a".repeat(2040));
    let actions: Vec<String> = (0..100).map(|i| format!("iam:Action{i}")).collect();
    let resources: Vec<String> = (0..100).map(|_| long.clone()).collect();
    let input = CustomSimulationInput {
        policies: vec![policy.clone()],
        actions: actions.clone(),
        resources: resources.clone(),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    match e.simulate_custom_policy(&root, input).await {
        Err(IamError::LimitExceeded(m)) => assert!(m.contains("too large"), "{m}"),
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "refused before evaluating");
    // Too many evaluations, whatever the policies.
    let many = CustomSimulationInput {
        policies: vec![ALLOW_ALL.into()],
        actions: (0..200).map(|i| format!("iam:A{i}")).collect(),
        resources: (0..200).map(|i| format!("arn:aws:iam::123456789012:user/u{i}")).collect(),
        ..Default::default()
    };
    assert!(matches!(e.simulate_custom_policy(&root, many).await, Err(IamError::Validation(_))));
    // The same bait on a few evaluations is answered (and correctly: nothing matches).
    let small = CustomSimulationInput {
        policies: vec![policy],
        actions: vec!["iam:GetUser".into()],
        resources: vec![long],
        ..Default::default()
    };
    let r = e.simulate_custom_policy(&root, small).await.unwrap();
    assert_eq!(r[0].decision, Decision::ImplicitlyDenied);
}

/// Rule: SimulateCustomPolicy honours `PermissionsBoundaryPolicyInputList` (it was ignored), and
/// an explicit Deny in a boundary is an explicit deny, not an implicit one.
#[sqlx::test]
async fn custom_simulation_applies_permissions_boundaries(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let boundary_allows_get =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*"}]}"#;
    let boundary_denies_delete = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"iam:*","Resource":"*"},
        {"Sid":"NoDelete","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#;
    let mut input = custom(&[ALLOW_ALL], &["iam:GetUser", "iam:CreateUser"], &[]);
    input.boundaries = vec![boundary_allows_get.into()];
    let r = e.simulate_custom_policy(&root, input).await.unwrap();
    assert_eq!((r[0].decision, r[0].boundary), (Decision::Allowed, Some(Decision::Allowed)));
    assert_eq!((r[1].decision, r[1].boundary), (Decision::ImplicitlyDenied, Some(Decision::ImplicitlyDenied)));
    // Identity policies that allow nothing, a boundary that denies: explicitDeny.
    let none = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let mut input = custom(&[none], &["iam:DeleteUser"], &[]);
    input.boundaries = vec![boundary_denies_delete.into()];
    let r = e.simulate_custom_policy(&root, input).await.unwrap();
    assert_eq!(r[0].decision, Decision::ExplicitlyDenied);
    assert_eq!(r[0].deciding.as_ref().and_then(|d| d.sid.as_deref()), Some("NoDelete"));
}

/// Rule (AWS's evaluation logic: "an explicit deny in any of these policies overrides the
/// allow"): a user whose boundary denies an action their own policies do not allow is
/// explicitly denied, in real requests and in SimulatePrincipalPolicy alike.
#[sqlx::test]
async fn explicit_deny_in_a_boundary_is_explicit(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let boundary = e
        .create_policy(
            &root,
            NewPolicy {
                policy_name: "NoDelete".into(),
                document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
                    {"Sid":"Never","Effect":"Deny","Action":"iam:DeleteUser","Resource":"*"}]}"#
                    .into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    e.create_user(
        &root,
        NewUser { user_name: "capped".into(), permissions_boundary: Some(boundary.arn.clone()), ..Default::default() },
    )
    .await
    .unwrap();
    let input = SimulationInput {
        user_name: "capped".into(),
        actions: vec!["iam:DeleteUser".into(), "iam:GetUser".into()],
        resources: vec![],
        mfa: false,
    };
    let r = e.simulate_principal_policy(&root, &input).await.unwrap().results;
    assert_eq!(r[0].decision, Decision::ExplicitlyDenied, "{r:?}");
    assert_eq!(r[0].boundary, Some(Decision::ExplicitlyDenied));
    assert_eq!(r[1].decision, Decision::ImplicitlyDenied, "no identity policy allows GetUser");
}

/// Rule: SimulatePrincipalPolicy over many resources reads the user's policies once and answers
/// every action on every resource (it loaded them once per resource: 6.3 s for 1,000).
#[sqlx::test]
async fn principal_simulation_over_a_thousand_resources(pool: PgPool) {
    let (e, root) = setup(pool).await;
    e.create_user(&root, NewUser { user_name: "sam".into(), ..Default::default() }).await.unwrap();
    e.put_inline_policy(
        &root,
        &PolicyTarget::User("sam".into()),
        "p",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/team/*"}]}"#,
    )
    .await
    .unwrap();
    let account = root.account_id().clone();
    let resources: Vec<String> = (0..1000).map(|i| format!("arn:aws:iam::{account}:user/team/u{i}")).collect();
    let input = SimulationInput { user_name: "sam".into(), actions: vec!["iam:GetUser".into()], resources, mfa: false };
    let r = e.simulate_principal_policy(&root, &input).await.unwrap().results;
    assert_eq!(r.len(), 1000);
    assert!(r.iter().all(|x| x.decision == Decision::Allowed));
}

/// Rule: the 6,144-character quota of a managed policy does not count whitespace (AWS's
/// "IAM doesn't count white space"); a document within it but longer with its indentation
/// was refused.
#[sqlx::test]
async fn managed_policy_quota_ignores_whitespace(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let actions: Vec<String> = (0..300).map(|i| format!("\n        \"iam:GetUser{i:04}\"")).collect();
    let doc = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": [{}\n      ],\n      \"Resource\": \"*\"\n    }}\n  ]\n}}",
        actions.join(",")
    );
    let non_ws = doc.chars().filter(|c| !c.is_whitespace()).count();
    assert!(doc.chars().count() > 6144 && non_ws <= 6144, "{} / {non_ws}", doc.chars().count());
    e.create_policy(&root, NewPolicy { policy_name: "Wide".into(), document: doc, ..Default::default() })
        .await
        .unwrap();
}

/// Attack (audit evasion): a NUL byte in any parameter of a refused change made its event's
/// insert fail, so the attempt left no trace. It is recorded now, the NUL shown as `␀`.
#[sqlx::test]
async fn attack_nul_bytes_cannot_dodge_the_event_history(pool: PgPool) {
    let (e, root) = setup(pool.clone()).await;
    let nobody = bare_user(&e, root.account_id(), EMAIL, "nobody").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&pool).await.unwrap();
    let refused = e.create_user(&nobody, NewUser { user_name: "evil".into(), ..Default::default() }).await.unwrap_err();
    let event = lanyard_iam::usecases::events::Event::action(lanyard_iam::domain::IamAction::CreateUser)
        .about("evil\0name")
        .request(serde_json::json!({ "userName": "evil", "ignored\0key": "a\0b" }));
    e.record_request(&nobody, event, Some(lanyard_iam::usecases::events::EventError::from(&refused))).await;
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&pool).await.unwrap();
    assert_eq!(after, before + 1, "the refused attempt is recorded");
    let record: String = sqlx::query_scalar("SELECT record::text FROM events ORDER BY event_time DESC LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(record.contains("a\u{2400}b") && record.contains("ignored\u{2400}key"), "{record}");
}

/// Attack: "Email sign-in instructions" sent mail without limit and left no record. Each mail is
/// recorded, and an account may send 20 in a row before it is throttled (refusals recorded too).
#[sqlx::test]
async fn attack_sign_in_instruction_mails_are_throttled_and_recorded(pool: PgPool) {
    let (e, root) = setup(pool.clone()).await;
    e.create_user(&root, NewUser { user_name: "newbie".into(), ..Default::default() }).await.unwrap();
    let url = "http://acme.signin.localhost:3000/console";
    for _ in 0..20 {
        e.mail_sign_in_instructions(&root, "newbie", "newbie@example.com", url).await.unwrap();
    }
    let refused = e.mail_sign_in_instructions(&root, "newbie", "newbie@example.com", url).await.unwrap_err();
    assert!(matches!(refused, IamError::LimitExceeded(_)), "{refused:?}");
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox").fetch_one(&pool).await.unwrap();
    assert_eq!(mails, 20);
    let recorded: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT error_code FROM events WHERE event_name = 'SignInInstructionsSent' ORDER BY event_time",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 21);
    assert_eq!(recorded.last().cloned().flatten().as_deref(), Some("LimitExceeded"));
}

fn root_sign_in(password: &str) -> SignInRequest {
    SignInRequest {
        target: SignInTarget::Root { email: EMAIL.into() },
        password: lanyard_iam::domain::Password::new(password),
        source: "203.0.113.9".parse().unwrap(),
        user_agent: None,
    }
}

/// Attack: once an address (a proxy, an office NAT) reached 30 failures, successful sign-ins
/// never brought it back under the limit, so everyone behind it stayed throttled. A success now
/// forgives a failure besides its own charge.
#[sqlx::test]
async fn attack_a_proxy_address_recovers_through_successful_sign_ins(pool: PgPool) {
    let (e, _root) = setup(pool.clone()).await;
    sqlx::query(
        "INSERT INTO signin_throttle (throttle_key, failures, last_attempt_at) VALUES ('ip:203.0.113.9', 29, now())",
    )
    .execute(&pool)
    .await
    .unwrap();
    e.sign_in(root_sign_in(ROOT_PASSWORD)).await.unwrap();
    let failures: i32 =
        sqlx::query_scalar("SELECT failures FROM signin_throttle WHERE throttle_key = 'ip:203.0.113.9'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failures, 28, "the success forgave one failure");
    let locked: Option<time::OffsetDateTime> =
        sqlx::query_scalar("SELECT locked_until FROM signin_throttle WHERE throttle_key = 'ip:203.0.113.9'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(locked, None);
    e.sign_in(root_sign_in(ROOT_PASSWORD)).await.unwrap();
}

/// Rule: the credential report's `<root_account>` line shows when root last signed in with its
/// password (it said `no_information` even then).
#[sqlx::test]
async fn credential_report_shows_roots_password_last_used(pool: PgPool) {
    let (e, root) = setup(pool).await;
    e.sign_in(root_sign_in(ROOT_PASSWORD)).await.unwrap();
    e.write_credential_report(root.account_id()).await.unwrap();
    let report = e.get_credential_report(&root).await.unwrap();
    let text = String::from_utf8(e.credential_report_bytes(&report).await.unwrap()).unwrap();
    let root_line = text.lines().nth(1).unwrap();
    let fields: Vec<&str> = root_line.split(',').collect();
    assert_eq!(fields[0], "<root_account>");
    assert!(fields[4].ends_with("+00:00") && fields[4].starts_with("20"), "{root_line}");
}

/// Attack: a user named like a spreadsheet formula (`=HYPERLINK(…)` is not a valid name, but
/// `=cmd` and `@SUM` are) ran when an administrator opened the credential report.
#[sqlx::test]
async fn attack_formula_user_names_are_neutralised_in_the_report(pool: PgPool) {
    let (e, root) = setup(pool).await;
    e.create_user(&root, NewUser { user_name: "=cmd".into(), ..Default::default() }).await.unwrap();
    e.create_user(&root, NewUser { user_name: "@SUM".into(), ..Default::default() }).await.unwrap();
    e.write_credential_report(root.account_id()).await.unwrap();
    let report = e.get_credential_report(&root).await.unwrap();
    let text = String::from_utf8(e.credential_report_bytes(&report).await.unwrap()).unwrap();
    assert!(text.lines().any(|l| l.starts_with("'=cmd,")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("'@SUM,")), "{text}");
    assert!(!text.lines().skip(1).any(|l| l.starts_with(['=', '@', '+', '-'])));
}

/// Rule: a policy description with a control character is refused (it made ListPolicies
/// unparseable for boto3 and the CLI).
#[sqlx::test]
async fn control_characters_in_policy_descriptions_are_refused(pool: PgPool) {
    let (e, root) = setup(pool).await;
    let err = e
        .create_policy(
            &root,
            NewPolicy {
                policy_name: "P".into(),
                description: Some("bad\u{1}description".into()),
                document: ALLOW_ALL.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("control characters"), "{err}");
}
