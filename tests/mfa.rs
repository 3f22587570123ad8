//! Virtual MFA against a real Postgres: enrolment proofs, sealed seeds, sign-in with a code, no
//! replay (also under parallel submissions), throttling, removal and quotas.

mod common;

use common::*;
use lanyard_iam::crypto::totp::{step_at, TotpSeed};
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::mfa::EnableMfa;
use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
use lanyard_iam::{Engine, IamError};
use sqlx::PgPool;
use std::net::IpAddr;
use time::OffsetDateTime;

const EMAIL: &str = "owner@example.com";

fn source() -> IpAddr {
    "192.0.2.10".parse().unwrap()
}

fn now_step() -> i64 {
    step_at(OffsetDateTime::now_utc())
}

async fn setup(pool: PgPool) -> (Engine, lanyard_iam::Actor, lanyard_iam::Actor) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, Some("acme")).await;
    let alice = user_principal(&engine, &acct.account_id, EMAIL, "alice").await;
    (engine, root_of(&acct), alice)
}

/// Enrols a device the way a person does: reads the secret, types the previous and current code.
async fn enrol(
    engine: &Engine,
    actor: &lanyard_iam::Actor,
    owner: &OwnerRef,
    name: &str,
) -> Result<TotpSeed, IamError> {
    let enrolment = engine.start_mfa_enrolment(actor, owner).await?;
    let seed = TotpSeed::from_base32(&enrolment.secret_base32).unwrap();
    let now = now_step();
    let input = EnableMfa {
        ticket: enrolment.ticket,
        device_name: name.into(),
        code1: seed.code_at(now - 1),
        code2: seed.code_at(now),
    };
    engine.enable_mfa_device(actor, owner, input).await?;
    Ok(seed)
}

fn alice_sign_in(password: &str) -> SignInRequest {
    SignInRequest {
        target: SignInTarget::User { account: "acme".into(), user_name: "alice".into() },
        password: Password::new(password),
        source: source(),
        user_agent: None,
    }
}

async fn device_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM mfa_devices").fetch_one(pool).await.unwrap()
}

#[sqlx::test]
async fn enrolment_needs_two_consecutive_codes_and_stores_nothing_otherwise(pool: PgPool) {
    let (engine, root, _) = setup(pool.clone()).await;
    let owner = OwnerRef::User("alice".into());
    let enrolment = engine.start_mfa_enrolment(&root, &owner).await.unwrap();
    assert!(enrolment.otpauth_uri.starts_with("otpauth://totp/acme:alice%40acme?secret="), "{}", enrolment.otpauth_uri);
    assert!(enrolment.qr_data_uri.starts_with("data:image/svg+xml;base64,"));
    let seed = TotpSeed::from_base32(&enrolment.secret_base32).unwrap();
    let now = now_step();
    let attempt = |code1: String, code2: String| EnableMfa {
        ticket: enrolment.ticket.clone(),
        device_name: "alice-phone".into(),
        code1,
        code2,
    };

    for (what, c1, c2) in [
        ("wrong", "000000".to_owned(), "111111".to_owned()),
        ("equal", seed.code_at(now), seed.code_at(now)),
        ("not consecutive", seed.code_at(now - 2), seed.code_at(now)),
        ("reversed", seed.code_at(now), seed.code_at(now - 1)),
    ] {
        let e = engine.enable_mfa_device(&root, &owner, attempt(c1, c2)).await.unwrap_err();
        assert!(matches!(e, IamError::InvalidAuthenticationCode(_)), "{what}: {e:?}");
        assert_eq!(e.code(), "InvalidAuthenticationCode");
    }
    let e = engine.enable_mfa_device(&root, &owner, attempt("12".into(), "x".into())).await.unwrap_err();
    let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.clone()).collect();
    assert_eq!(fields, ["authenticationCode1", "authenticationCode2"]);
    assert_eq!(device_count(&pool).await, 0, "nothing stored after refused attempts");

    engine.enable_mfa_device(&root, &owner, attempt(seed.code_at(now - 1), seed.code_at(now))).await.unwrap();
    let devices = engine.list_mfa_devices(&root, &owner).await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].serial_number, format!("arn:aws:iam::{}:mfa/alice-phone", root.account_id()));

    // The name is the serial: taken ignoring case within the account.
    let e = enrol(&engine, &root, &OwnerRef::Me, "ALICE-PHONE").await.unwrap_err();
    assert_eq!(e.code(), "EntityAlreadyExists");
}

/// Attack: the enrolment ticket (sealed seed in the form) is replayed for another user, to plant
/// a device whose seed the attacker knows on someone else.
#[sqlx::test]
async fn an_enrolment_ticket_works_only_for_its_owner(pool: PgPool) {
    let (engine, root, alice) = setup(pool.clone()).await;
    user(&engine, root.account_id(), EMAIL, "bob").await;
    let enrolment = engine.start_mfa_enrolment(&alice, &OwnerRef::Me).await.unwrap();
    let seed = TotpSeed::from_base32(&enrolment.secret_base32).unwrap();
    let now = now_step();
    let input = EnableMfa {
        ticket: enrolment.ticket,
        device_name: "planted".into(),
        code1: seed.code_at(now - 1),
        code2: seed.code_at(now),
    };
    let e = engine.enable_mfa_device(&root, &OwnerRef::User("bob".into()), input).await.unwrap_err();
    assert_eq!(e.code(), "InvalidInput", "{e:?}");
    assert_eq!(device_count(&pool).await, 0);
}

#[sqlx::test]
async fn the_database_holds_only_sealed_seeds(pool: PgPool) {
    let (engine, _, alice) = setup(pool.clone()).await;
    let seed = enrol(&engine, &alice, &OwnerRef::Me, "phone").await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT sealed_seed FROM mfa_devices").fetch_one(&pool).await.unwrap();
    assert!(!stored.windows(seed.as_bytes().len()).any(|w| w == seed.as_bytes()), "plain seed in the row");
    assert!(!String::from_utf8_lossy(&stored).contains(&seed.to_base32()));
    // Another server key cannot use it: a sign-in code check fails instead of passing.
    let other = common::engine(pool.clone());
    let signed = other.sign_in(alice_sign_in(USER_PASSWORD)).await.unwrap();
    assert!(signed.mfa_required);
    let e = other.complete_mfa_sign_in(&alice, &seed.code_at(now_step() + 1), source()).await.unwrap_err();
    assert_eq!(e.code(), "ServiceFailure");
}

/// Attack: a code seen over someone's shoulder (or phished) is replayed, also in two parallel
/// requests racing each other.
#[sqlx::test]
async fn a_code_signs_in_once_even_in_parallel(pool: PgPool) {
    let (engine, _, alice) = setup(pool).await;
    let seed = enrol(&engine, &alice, &OwnerRef::Me, "phone").await.unwrap();

    let signed = engine.sign_in(alice_sign_in(USER_PASSWORD)).await.unwrap();
    assert!(signed.mfa_required, "a user with a device needs a code");
    // The enrolment used the current step; the next one is still within the clock window.
    let code = seed.code_at(now_step() + 1);
    let (a, b) = tokio::join!(
        engine.complete_mfa_sign_in(&alice, &code, source()),
        engine.complete_mfa_sign_in(&alice, &code, source())
    );
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "exactly one of two parallel uses wins");
    let again = engine.complete_mfa_sign_in(&alice, &code, source()).await.unwrap_err();
    assert_eq!(again.code(), "SignInFailed", "a used code never works again");
    // An older code (the enrolment's) is refused too.
    let old = engine.complete_mfa_sign_in(&alice, &seed.code_at(now_step() - 1), source()).await.unwrap_err();
    assert_eq!(old.code(), "SignInFailed");
}

/// Attack: someone who knows the password guesses codes; a right password must not reset the
/// counter that wrong codes raise.
#[sqlx::test]
async fn wrong_codes_count_toward_the_sign_in_lock(pool: PgPool) {
    let (engine, _, alice) = setup(pool).await;
    let seed = enrol(&engine, &alice, &OwnerRef::Me, "phone").await.unwrap();
    for _ in 0..3 {
        assert!(engine.sign_in(alice_sign_in(USER_PASSWORD)).await.unwrap().mfa_required);
        engine.complete_mfa_sign_in(&alice, "000000", source()).await.unwrap_err();
    }
    // Six attempts charged: locked now, so the right password and a right code are refused.
    let refused = engine.attempt_sign_in(alice_sign_in(USER_PASSWORD)).await.unwrap();
    assert!(refused.is_err(), "locked after wrong codes");
    let e = engine.complete_mfa_sign_in(&alice, &seed.code_at(now_step() + 1), source()).await.unwrap_err();
    assert_eq!(e.code(), "SignInFailed");
}

#[sqlx::test]
async fn root_enrols_and_signs_in_with_a_code(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let seed = enrol(&engine, &root, &OwnerRef::Me, "root-phone").await.unwrap();
    let devices = engine.list_mfa_devices(&root, &OwnerRef::Me).await.unwrap();
    assert_eq!(devices[0].serial_number, format!("arn:aws:iam::{}:mfa/root-phone", root.account_id()));
    let req = SignInRequest {
        target: SignInTarget::Root { email: EMAIL.into() },
        password: Password::new(ROOT_PASSWORD),
        source: source(),
        user_agent: None,
    };
    let signed = engine.sign_in(req).await.unwrap();
    assert!(signed.mfa_required);
    engine.complete_mfa_sign_in(&root, &seed.code_at(now_step() + 1), source()).await.unwrap();
}

#[sqlx::test]
async fn users_without_devices_sign_in_with_the_password_alone(pool: PgPool) {
    let (engine, _, _) = setup(pool).await;
    assert!(!engine.sign_in(alice_sign_in(USER_PASSWORD)).await.unwrap().mfa_required);
}

#[sqlx::test]
async fn administrators_remove_devices_and_owners_prove_themselves(pool: PgPool) {
    let (engine, root, alice) = setup(pool.clone()).await;
    let me = OwnerRef::Me;
    enrol(&engine, &alice, &me, "phone").await.unwrap();
    enrol(&engine, &alice, &me, "tablet").await.unwrap();

    // IAM users cannot touch other users' devices (no policies yet).
    user(&engine, root.account_id(), EMAIL, "bob").await;
    let e = engine.list_mfa_devices(&alice, &OwnerRef::User("bob".into())).await.unwrap_err();
    assert_eq!(e.code(), "AccessDenied");

    // The owner needs the current password (or a current code).
    let e = engine.remove_mfa_device(&alice, &me, "phone", None, source()).await.unwrap_err();
    assert_eq!(e.field_errors()[0].field, "currentPasswordOrCode");
    let e = engine.remove_mfa_device(&alice, &me, "phone", Some("wrong-password"), source()).await.unwrap_err();
    assert_eq!(e.field_errors()[0].field, "currentPasswordOrCode");
    engine.remove_mfa_device(&alice, &me, "phone", Some(USER_PASSWORD), source()).await.unwrap();

    // Strict DeleteUser refuses while a device remains.
    let e = engine.delete_user(&root, "alice").await.unwrap_err();
    assert_eq!(e.code(), "DeleteConflict");

    // The administrator needs no proof.
    engine.remove_mfa_device(&root, &OwnerRef::User("alice".into()), "tablet", None, source()).await.unwrap();
    assert!(engine.list_mfa_devices(&alice, &me).await.unwrap().is_empty());
    let e = engine.remove_mfa_device(&root, &OwnerRef::User("alice".into()), "tablet", None, source()).await;
    assert_eq!(e.unwrap_err().code(), "NoSuchEntity");
    assert!(!engine.sign_in(alice_sign_in(USER_PASSWORD)).await.unwrap().mfa_required);
}

#[sqlx::test]
async fn at_most_eight_devices(pool: PgPool) {
    let (engine, _, alice) = setup(pool.clone()).await;
    for i in 0..8 {
        enrol(&engine, &alice, &OwnerRef::Me, &format!("device-{i}")).await.unwrap();
    }
    let e = enrol(&engine, &alice, &OwnerRef::Me, "device-9").await.unwrap_err();
    assert_eq!(e.code(), "LimitExceeded");
    assert_eq!(device_count(&pool).await, 8);
}

#[sqlx::test]
async fn resync_learns_a_drifting_clock(pool: PgPool) {
    let (engine, _, alice) = setup(pool).await;
    let seed = enrol(&engine, &alice, &OwnerRef::Me, "phone").await.unwrap();
    // The phone runs five minutes fast: its codes are ten steps ahead.
    let ahead = now_step() + 10;
    let e = engine.complete_mfa_sign_in(&alice, &seed.code_at(ahead), source()).await.unwrap_err();
    assert_eq!(e.code(), "SignInFailed", "outside the window before the resync");
    let e = engine
        .resync_mfa_device(&alice, &OwnerRef::Me, "phone", &seed.code_at(ahead), &seed.code_at(ahead))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "InvalidAuthenticationCode");
    engine
        .resync_mfa_device(&alice, &OwnerRef::Me, "phone", &seed.code_at(ahead), &seed.code_at(ahead + 1))
        .await
        .unwrap();
    engine.complete_mfa_sign_in(&alice, &seed.code_at(ahead + 2), source()).await.unwrap();
}

#[sqlx::test]
async fn a_rejected_enrolment_continues_with_the_same_secret_only_for_its_owner(pool: PgPool) {
    let (engine, root, alice) = setup(pool.clone()).await;
    let first = engine.start_mfa_enrolment(&alice, &OwnerRef::Me).await.unwrap();
    // The page after a rejected `Add MFA` shows the secret the app already holds.
    let again = engine.continue_mfa_enrolment(&alice, &OwnerRef::Me, &first.ticket).await.unwrap();
    assert_eq!(again.secret_base32, first.secret_base32);
    assert_eq!(again.ticket, first.ticket);
    // A ticket sealed for someone else (here: alice's, continued for root) never reveals its seed.
    let other = engine.continue_mfa_enrolment(&root, &OwnerRef::Me, &first.ticket).await.unwrap();
    assert_ne!(other.secret_base32, first.secret_base32);
    assert_ne!(other.ticket, first.ticket);
    // Garbage starts afresh.
    let fresh = engine.continue_mfa_enrolment(&alice, &OwnerRef::Me, "not-a-ticket").await.unwrap();
    assert_ne!(fresh.secret_base32, first.secret_base32);
    assert_eq!(device_count(&pool).await, 0);
}
