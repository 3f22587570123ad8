//! The event history against a real Postgres: each change writes exactly one event, in its own
//! transaction (a change that fails writes none); refused requests and every sign-in step are
//! recorded with the administrator-only reason; no secret a run produced is anywhere in the
//! table; the history's filters, pages, export, pruning and the sign-in activity.

mod common;

use common::*;
use futures_util::TryStreamExt;
use lanyard_iam::crypto::totp::{step_at, TotpSeed};
use lanyard_iam::domain::{AccessKeyStatus, CredentialService, Password};
use lanyard_iam::usecases::actor::{Origin, RequestFacts};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::event_history::{ActivityWindow, EventFilter};
use lanyard_iam::usecases::events::{Event, EventError, Outcome, HIDDEN_USER};
use lanyard_iam::usecases::password_change::PasswordChange;
use lanyard_iam::usecases::policies::PolicyTarget;
use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::usecases::virtual_mfa::NewVirtualMfa;
use lanyard_iam::{Actor, Engine, EngineConfig, ReadEvents};
use serde_json::Value;
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

const EMAIL: &str = "owner@example.com";
const ADMIN_IP: &str = "198.51.100.7";

fn from_console(actor: Actor) -> Actor {
    actor.with_facts(RequestFacts {
        source_ip: Some(ADMIN_IP.parse().unwrap()),
        user_agent: Some("events-test/1.0".into()),
        origin: Origin::Console,
        ..RequestFacts::default()
    })
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(pool).await.unwrap()
}

/// The newest event: (name, user, resource, error, record).
async fn last(pool: &PgPool) -> (String, Option<String>, Option<String>, Option<String>, Value) {
    sqlx::query_as(
        "SELECT event_name, user_name, resource_name, error_code, record FROM events ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Runs one change and checks it wrote exactly one event of that name about `about`.
async fn one_event(pool: &PgPool, name: &str, about: Option<&str>) -> Value {
    let (event, _, resource, error, record) = last(pool).await;
    assert_eq!(event, name);
    assert_eq!(resource.as_deref(), about, "{name}");
    assert_eq!(error, None, "{name}");
    record
}

fn sign_in(account: &str, user: &str, password: &str) -> SignInRequest {
    SignInRequest {
        target: SignInTarget::User { account: account.into(), user_name: user.into() },
        password: Password::new(password),
        source: "203.0.113.5".parse().unwrap(),
        user_agent: Some("browser/1".into()),
    }
}

#[sqlx::test]
async fn each_change_writes_exactly_one_event_with_its_fields(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = from_console(root_of(&acct));
    let bob = PolicyTarget::User("bob".into());
    let mut expected = count(&pool).await;
    macro_rules! step {
        ($call:expr, $name:expr, $about:expr) => {{
            $call.await.unwrap();
            expected += 1;
            assert_eq!(count(&pool).await, expected, "{} writes one event", $name);
            one_event(&pool, $name, $about).await
        }};
    }
    let record = step!(
        e.create_user(
            &root,
            NewUser {
                user_name: "bob".into(),
                password: Some(Password::new(USER_PASSWORD)),
                tags: vec![("team".into(), "ops".into())],
                ..Default::default()
            }
        ),
        "CreateUser",
        Some("bob")
    );
    assert_eq!(record["eventSource"], "iam.amazonaws.com");
    assert_eq!(record["eventType"], "AwsApiCall");
    assert_eq!(record["readOnly"], false);
    assert_eq!(record["userIdentity"]["type"], "Root");
    assert_eq!(record["userIdentity"]["accountId"], acct.account_id.as_str());
    assert_eq!(record["recipientAccountId"], acct.account_id.as_str());
    assert_eq!(record["sourceIPAddress"], ADMIN_IP);
    assert_eq!(record["userAgent"], "events-test/1.0");
    assert_eq!(record["sessionCredentialFromConsole"], "true");
    assert_eq!(record["requestParameters"]["userName"], "bob");
    assert_eq!(record["requestParameters"]["tags"][0]["key"], "team");
    assert_eq!(record["responseElements"]["user"]["userName"], "bob");
    assert_eq!(record["eventID"].as_str().map(str::len), Some(36));
    assert!(record["eventTime"].as_str().unwrap().ends_with('Z'));

    step!(e.tag_user(&root, "bob", &[("env".into(), "prod".into())]), "TagUser", Some("bob"));
    step!(e.untag_user(&root, "bob", &["env".into()]), "UntagUser", Some("bob"));
    step!(e.create_group(&root, "ops", None), "CreateGroup", None);
    step!(e.add_user_to_group(&root, "ops", "bob"), "AddUserToGroup", Some("bob"));
    let record = step!(
        e.attach_policy(&root, &bob, "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
        "AttachUserPolicy",
        Some("bob")
    );
    assert_eq!(record["requestParameters"]["policyArn"], "arn:aws:iam::aws:policy/IAMReadOnlyAccess");
    step!(e.put_inline_policy(&root, &bob, "extra", SELF_SERVICE), "PutUserPolicy", Some("bob"));
    let owner = OwnerRef::User("bob".into());
    let key = e.create_access_key(&root, &owner).await.unwrap();
    expected += 1;
    let record = one_event(&pool, "CreateAccessKey", Some("bob")).await;
    assert_eq!(record["responseElements"]["accessKey"]["accessKeyId"], key.key.access_key_id.as_str());
    let id = key.key.access_key_id.to_string();
    step!(e.update_access_key(&root, &owner, &id, AccessKeyStatus::Inactive), "UpdateAccessKey", Some("bob"));
    step!(e.delete_access_key(&root, &owner, &id), "DeleteAccessKey", Some("bob"));
    step!(e.update_user(&root, "bob", None, Some("/staff/")), "UpdateUser", Some("bob"));
    step!(e.delete_user_with_credentials(&root, "bob"), "DeleteUser", Some("bob"));
    step!(e.set_account_alias(&root, "acme-two"), "CreateAccountAlias", None);
    assert_eq!(count(&pool).await, expected);
}

#[sqlx::test]
async fn a_change_that_fails_writes_no_event(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    user(&e, &acct.account_id, EMAIL, "bob").await;
    let owner = OwnerRef::User("bob".into());
    e.create_access_key(&root, &owner).await.unwrap();
    e.create_access_key(&root, &owner).await.unwrap();
    let before = count(&pool).await;
    // Each of these fails inside its transaction, after the lookups and locks.
    let dup = e.create_user(&root, NewUser { user_name: "BOB".into(), ..Default::default() }).await;
    assert_eq!(dup.unwrap_err().code(), "EntityAlreadyExists");
    let quota = e.create_access_key(&root, &owner).await;
    assert_eq!(quota.unwrap_err().code(), "LimitExceeded");
    let strict = e.delete_user(&root, "bob").await;
    assert_eq!(strict.unwrap_err().code(), "DeleteConflict");
    let missing = e.remove_user_from_group(&root, "nobody", "bob").await;
    assert!(missing.is_err());
    assert_eq!(count(&pool).await, before, "no change, no event");
}

#[sqlx::test]
async fn a_refused_change_is_recorded_as_the_action_it_attempted(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    user(&e, &acct.account_id, EMAIL, "bob").await;
    let mallory = from_console(bare_user(&e, &acct.account_id, EMAIL, "mallory").await);
    let before = count(&pool).await;
    let err = e.delete_user(&mallory, "bob").await.unwrap_err();
    assert_eq!(err.code(), "AccessDenied");
    assert_eq!(count(&pool).await, before, "the engine writes nothing for a refusal by itself");
    e.record_failed_attempt(&mallory, None, &[], EventError::from(&err)).await;
    let (name, user_name, resource, error, record) = last(&pool).await;
    assert_eq!(
        (name.as_str(), user_name.as_deref(), resource.as_deref()),
        ("DeleteUser", Some("mallory"), Some("bob"))
    );
    assert_eq!(error.as_deref(), Some("AccessDenied"));
    assert!(record["errorMessage"].as_str().unwrap().contains("iam:DeleteUser"));
    assert_eq!(record["userIdentity"]["type"], "IAMUser");
    assert_eq!(record["userIdentity"]["userName"], "mallory");
    // A read that fails is not recorded.
    let read = e.list_groups(&mallory, None).await;
    assert!(read.is_err());
    let after = count(&pool).await;
    e.record_failed_attempt(&mallory.clone(), None, &[], EventError::from(&read.unwrap_err())).await;
    assert_eq!(count(&pool).await, after + 1, "mallory's actor still names the delete it attempted first");
}

#[sqlx::test]
async fn reads_are_recorded_only_when_the_setting_asks(pool: PgPool) {
    use lanyard_iam::domain::IamAction::{DeleteUser, ListUsers};
    let skip = engine(pool.clone());
    let acct = account(&skip, EMAIL, Some("acme")).await;
    let root = from_console(root_of(&acct));
    assert!(!skip.records_request(ListUsers, Outcome::Succeeded));
    assert!(!skip.records_request(ListUsers, Outcome::Failed));
    assert!(!skip.records_request(DeleteUser, Outcome::Succeeded), "a change recorded itself");
    assert!(skip.records_request(DeleteUser, Outcome::Failed));
    let before = count(&pool).await;
    skip.record_request(&root, Event::action(ListUsers), None).await;
    assert_eq!(count(&pool).await, before);

    let config = EngineConfig { hash_concurrency: 2, read_events: ReadEvents::Record, ..EngineConfig::default() };
    let record = Engine::new(pool.clone(), config).unwrap();
    assert!(record.records_request(ListUsers, Outcome::Succeeded));
    assert!(!record.records_request(DeleteUser, Outcome::Succeeded));
    record.record_request(&root, Event::action(ListUsers).with("pathPrefix", "/ops/"), None).await;
    let (name, _, _, error, row) = last(&pool).await;
    assert_eq!((name.as_str(), error), ("ListUsers", None));
    assert_eq!(row["readOnly"], true);
    assert_eq!(row["requestParameters"]["pathPrefix"], "/ops/");
    // Nothing is recorded twice: a successful change passed here is left to its transaction.
    record.record_request(&root, Event::action(DeleteUser), None).await;
    assert_eq!(count(&pool).await, before + 1);
}

#[sqlx::test]
async fn sign_in_steps_are_recorded_with_the_real_reason_for_administrators(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    user(&e, &acct.account_id, EMAIL, "alice").await;
    e.create_user(&root_of(&acct), NewUser { user_name: "keysonly".into(), ..Default::default() }).await.unwrap();

    assert!(e.sign_in(sign_in("acme", "alice", "wrong-Password-1")).await.is_err());
    let (name, user_name, resource, error, record) = last(&pool).await;
    assert_eq!(
        (name.as_str(), user_name.as_deref(), resource.as_deref()),
        ("ConsoleLogin", Some("alice"), Some("alice"))
    );
    assert_eq!(error.as_deref(), Some("SignInFailed"));
    assert_eq!(record["eventSource"], "signin.amazonaws.com");
    assert_eq!(record["eventType"], "AwsConsoleSignIn");
    assert_eq!(record["responseElements"]["ConsoleLogin"], "Failure");
    assert_eq!(record["errorMessage"], "Failed authentication");
    assert_eq!(record["additionalEventData"]["FailureReason"], "Wrong password");
    assert_eq!(record["sourceIPAddress"], "203.0.113.5");
    assert_eq!(record["userAgent"], "browser/1");

    // A name that does not exist is never stored: people type passwords into that field.
    assert!(e.sign_in(sign_in("acme", "Hunter2-typed-as-name", USER_PASSWORD)).await.is_err());
    let (_, user_name, resource, _, record) = last(&pool).await;
    assert_eq!(user_name.as_deref(), Some(HIDDEN_USER));
    assert_eq!(resource, None);
    assert_eq!(record["additionalEventData"]["FailureReason"], "No such user");
    let everything: String =
        sqlx::query_scalar("SELECT string_agg(record::text, '') FROM events").fetch_one(&pool).await.unwrap();
    assert!(!everything.contains("Hunter2"));

    assert!(e.sign_in(sign_in("acme", "keysonly", USER_PASSWORD)).await.is_err());
    assert_eq!(last(&pool).await.4["additionalEventData"]["FailureReason"], "The user has no console password");

    e.sign_in(sign_in("acme", "alice", USER_PASSWORD)).await.unwrap();
    let (name, _, _, error, record) = last(&pool).await;
    assert_eq!((name.as_str(), error), ("ConsoleLogin", None));
    assert_eq!(record["responseElements"]["ConsoleLogin"], "Success");
    assert_eq!(record["additionalEventData"]["MFAUsed"], "No");

    // Locked: the sixth failure in a row is refused without a password check.
    for _ in 0..6 {
        let _ = e.sign_in(sign_in("acme", "alice", "wrong-Password-1")).await;
    }
    assert!(last(&pool).await.4["additionalEventData"]["FailureReason"].as_str().unwrap().starts_with("Locked"));
    // An unknown account has nowhere to record.
    let before = count(&pool).await;
    assert!(e.sign_in(sign_in("no-such-account", "alice", USER_PASSWORD)).await.is_err());
    assert_eq!(count(&pool).await, before);

    let activity = e.sign_in_activity(&root_of(&acct), ActivityWindow::Day).await.unwrap();
    assert_eq!(activity.buckets.len(), 24);
    let failed: i64 = activity.buckets.iter().map(|b| b.failed).sum();
    let succeeded: i64 = activity.buckets.iter().map(|b| b.succeeded).sum();
    assert_eq!((succeeded, failed), (1, 9));
    assert_eq!(activity.top_failures.first(), Some(&("alice".to_owned(), 7)));
    assert_eq!(activity.locks.first().map(|l| l.user_name.as_str()), Some("alice"));
    assert_eq!(activity.failures_last_hour, 9);
    assert!(!activity.alert);
}

#[sqlx::test]
async fn no_secret_a_run_produced_is_anywhere_in_the_events_table(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    let mut secrets: Vec<String> = vec![ROOT_PASSWORD.into(), USER_PASSWORD.into()];
    let created = e
        .create_user_with_console_access(
            &root,
            NewUser { user_name: "carol".into(), autogenerate_password: true, ..Default::default() },
        )
        .await
        .unwrap();
    secrets.push(created.1.unwrap().expose().to_owned());
    let alice = user_principal(&e, &acct.account_id, EMAIL, "alice").await;
    let key = e.create_access_key(&alice, &OwnerRef::Me).await.unwrap();
    secrets.push(key.secret.expose().to_owned());
    let new_password = "Brand-New-Password-9";
    e.change_own_password(
        &alice,
        PasswordChange {
            current: Password::new(USER_PASSWORD),
            new: Password::new(new_password),
            confirm: Password::new(new_password),
            source: "192.0.2.1".parse().unwrap(),
        },
    )
    .await
    .unwrap();
    secrets.push(new_password.into());
    let device = e
        .create_virtual_mfa_device(&root, NewVirtualMfa { name: "carol-phone".into(), ..Default::default() })
        .await
        .unwrap();
    secrets.push(device.secret_base32.clone());
    let seed = TotpSeed::from_base32(&device.secret_base32).unwrap();
    let now = step_at(OffsetDateTime::now_utc());
    let (code1, code2) = (seed.code_at(now - 1), seed.code_at(now));
    e.enable_virtual_mfa_device(&root, &OwnerRef::User("carol".into()), &device.serial_number, &code1, &code2)
        .await
        .unwrap();
    let service = e
        .create_service_specific_credential(&root, &OwnerRef::User("carol".into()), CredentialService::CodeCommit)
        .await
        .unwrap();
    secrets.push(service.password.expose().to_owned());
    // A refused API-style attempt whose message could echo input.
    let err = e
        .update_access_key(&alice, &OwnerRef::User("carol".into()), "AKIA0000000000000000", AccessKeyStatus::Active)
        .await
        .unwrap_err();
    e.record_failed_attempt(&alice, None, &[], EventError::from(&err)).await;

    let dump: String =
        sqlx::query_scalar("SELECT string_agg(t::text, '') FROM events t").fetch_one(&pool).await.unwrap();
    assert!(count(&pool).await >= 8, "the run was recorded");
    for secret in &secrets {
        assert!(!dump.contains(secret.as_str()), "a secret is in the events table");
    }
    // The seed in any spacing, and each MFA code as a value.
    assert!(!dump.to_lowercase().contains(&device.secret_base32.to_lowercase().replace(' ', "")));
    for code in [&code1, &code2] {
        assert!(!dump.contains(&format!("\"{code}\"")), "an MFA code is in the events table");
    }
}

async fn names(e: &Engine, actor: &Actor, filter: &EventFilter) -> Vec<String> {
    let page = e.list_events(actor, filter, None, 200).await.unwrap();
    page.events.into_iter().map(|ev| format!("{}:{}", ev.event_name, ev.resource_name.unwrap_or_default())).collect()
}

#[sqlx::test]
async fn the_history_filters_pages_exports_and_prunes(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = from_console(root_of(&acct));
    for name in ["ann", "ben", "cat"] {
        e.create_user(&root, NewUser { user_name: name.into(), ..Default::default() }).await.unwrap();
    }
    e.delete_user(&root, "ben").await.unwrap();
    let _ = e.sign_in(sign_in("acme", "ann", "wrong-Password-1")).await;

    let all = EventFilter::default();
    assert_eq!(
        names(&e, &root, &all).await,
        ["ConsoleLogin:", "DeleteUser:ben", "CreateUser:cat", "CreateUser:ben", "CreateUser:ann"]
    );
    let by_name = EventFilter { event_name: Some("DeleteUser".into()), ..Default::default() };
    assert_eq!(names(&e, &root, &by_name).await, ["DeleteUser:ben"]);
    let about_ben = EventFilter { resource_name: Some("ben".into()), ..Default::default() };
    assert_eq!(names(&e, &root, &about_ben).await, ["DeleteUser:ben", "CreateUser:ben"]);
    let by_root =
        EventFilter { user_name: Some("root".into()), source_ip: Some(ADMIN_IP.into()), ..Default::default() };
    assert_eq!(names(&e, &root, &by_root).await.len(), 4);
    let failed = EventFilter { failed_only: true, ..Default::default() };
    assert_eq!(names(&e, &root, &failed).await, ["ConsoleLogin:"]);
    let future = EventFilter { since: Some(OffsetDateTime::now_utc().unix_timestamp() + 60), ..Default::default() };
    assert!(names(&e, &root, &future).await.is_empty());

    // Pages of two, each starting where the last ended, cover everything once.
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = e.list_events(&root, &all, marker.as_deref(), 2).await.unwrap();
        assert!(page.events.len() <= 2);
        seen.extend(page.events.iter().map(|ev| ev.event_id.clone()));
        match page.next {
            Some(next) => marker = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let full = e.event_record(&root, &seen[1]).await.unwrap();
    assert!(full.contains("\"eventName\": \"DeleteUser\""));

    // Reading needs iam:ListEvents: IAMReadOnlyAccess grants it (iam:List*), nothing else does.
    let reader = bare_user(&e, &acct.account_id, EMAIL, "reader").await;
    assert_eq!(e.list_events(&reader, &all, None, 10).await.unwrap_err().code(), "AccessDenied");
    e.attach_policy(&root, &PolicyTarget::User("reader".into()), "arn:aws:iam::aws:policy/IAMReadOnlyAccess")
        .await
        .unwrap();
    let reader = act(&e, reader.principal()).await;
    assert!(!e.list_events(&reader, &all, None, 10).await.unwrap().events.is_empty());

    // Export streams the records oldest first; pruning removes only what is older than asked.
    let since = OffsetDateTime::now_utc() - Duration::hours(1);
    let until = OffsetDateTime::now_utc() + Duration::hours(1);
    let exported: Vec<Value> = e.export_events(&acct.account_id, since, until).try_collect().await.unwrap();
    assert_eq!(exported.first().unwrap()["eventName"], "CreateUser");
    assert_eq!(exported.len() as i64, count(&pool).await);
    sqlx::query("UPDATE events SET event_time = now() - interval '500 days' WHERE event_name = 'CreateUser'")
        .execute(&pool)
        .await
        .unwrap();
    let before = count(&pool).await;
    assert_eq!(e.prune_events(Duration::days(400)).await.unwrap(), 4);
    assert_eq!(count(&pool).await, before - 4);
}
