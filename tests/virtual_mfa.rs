//! Virtual MFA devices as IAM's API models them, against a real Postgres: unassigned devices,
//! EnableMFADevice with two consecutive codes, sign-in asking for them only once assigned,
//! DeactivateMFADevice back to unassigned, DeleteVirtualMFADevice only then, tags, the quota and
//! the one-owner rule under parallel requests, and refusals that write nothing.

mod common;

use common::*;
use lanyard_iam::crypto::totp::{step_at, TotpSeed};
use lanyard_iam::domain::Password;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::sign_in::{SignInRequest, SignInTarget};
use lanyard_iam::usecases::virtual_mfa::{Assignment, AssignmentFilter, NewVirtualMfa};
use lanyard_iam::Engine;
use sqlx::PgPool;
use time::OffsetDateTime;

const EMAIL: &str = "owner@example.com";

fn now_step() -> i64 {
    step_at(OffsetDateTime::now_utc())
}

fn new_device(name: &str) -> NewVirtualMfa {
    NewVirtualMfa { name: name.into(), ..Default::default() }
}

fn alice_sign_in() -> SignInRequest {
    SignInRequest {
        target: SignInTarget::User { account: "acme".into(), user_name: "alice".into() },
        password: Password::new(USER_PASSWORD),
        source: "192.0.2.10".parse().unwrap(),
        user_agent: None,
    }
}

async fn rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM mfa_devices").fetch_one(pool).await.unwrap()
}

async fn enable(
    e: &Engine,
    actor: &lanyard_iam::Actor,
    owner: &OwnerRef,
    serial: &str,
    seed: &TotpSeed,
) -> Result<(), lanyard_iam::IamError> {
    let now = now_step();
    e.enable_virtual_mfa_device(actor, owner, serial, &seed.code_at(now - 1), &seed.code_at(now)).await
}

#[sqlx::test]
async fn an_unassigned_device_is_enabled_used_at_sign_in_deactivated_and_deleted(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    user(&e, &acct.account_id, EMAIL, "alice").await;
    let alice = OwnerRef::User("alice".into());

    let created = e
        .create_virtual_mfa_device(
            &root,
            NewVirtualMfa {
                name: "alice-phone".into(),
                path: Some("/staff/".into()),
                tags: vec![("team".into(), "ops".into())],
            },
        )
        .await
        .unwrap();
    assert_eq!(created.serial_number, format!("arn:aws:iam::{}:mfa/staff/alice-phone", acct.account_id));
    assert_eq!(&created.qr_png[..4], b"\x89PNG");
    let seed = TotpSeed::from_base32(&created.secret_base32).unwrap();
    // Unassigned: nobody's device, so sign-in asks for no code and the root has none either.
    let unassigned = e.list_virtual_mfa_devices(&root, AssignmentFilter::Unassigned).await.unwrap();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0].tags[0].key, "team");
    assert!(e.list_virtual_mfa_devices(&root, AssignmentFilter::Assigned).await.unwrap().is_empty());
    assert!(!e.sign_in(alice_sign_in()).await.unwrap().mfa_required);
    assert!(e.list_mfa_devices(&root, &OwnerRef::Me).await.unwrap().is_empty());

    // Wrong codes assign nothing.
    let now = now_step();
    let err = e
        .enable_virtual_mfa_device(&root, &alice, &created.serial_number, &seed.code_at(now - 5), &seed.code_at(now))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "InvalidAuthenticationCode");
    assert!(e.list_mfa_devices(&root, &alice).await.unwrap().is_empty());

    enable(&e, &root, &alice, &created.serial_number, &seed).await.unwrap();
    let listed = e.list_mfa_devices(&root, &alice).await.unwrap();
    assert_eq!(listed[0].serial_number, created.serial_number);
    let assigned = e.list_virtual_mfa_devices(&root, AssignmentFilter::Assigned).await.unwrap();
    assert!(matches!(&assigned[0].assignment, Assignment::User { user_name, .. } if user_name == "alice"));
    assert!(e.sign_in(alice_sign_in()).await.unwrap().mfa_required, "an assigned device is asked for");
    // The codes used to enable it are spent.
    let again = enable(&e, &root, &alice, &created.serial_number, &seed).await.unwrap_err();
    assert_eq!(again.code(), "EntityAlreadyExists");

    let conflict = e.delete_virtual_mfa_device(&root, &created.serial_number).await.unwrap_err();
    assert_eq!(conflict.code(), "DeleteConflict");
    let strict = e.delete_user(&root, "alice").await.unwrap_err();
    assert_eq!(strict.code(), "DeleteConflict", "strict DeleteUser refuses while a device is assigned");

    e.deactivate_mfa_device(&root, &alice, &created.serial_number).await.unwrap();
    assert!(!e.sign_in(alice_sign_in()).await.unwrap().mfa_required);
    assert_eq!(e.list_virtual_mfa_devices(&root, AssignmentFilter::Unassigned).await.unwrap().len(), 1);
    e.delete_virtual_mfa_device(&root, &created.serial_number).await.unwrap();
    assert_eq!(rows(&pool).await, 0);
    let gone = e.delete_virtual_mfa_device(&root, &created.serial_number).await.unwrap_err();
    assert_eq!(gone.code(), "NoSuchEntity");
}

#[sqlx::test]
async fn names_are_unique_the_seed_is_sealed_and_bad_input_names_its_field(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    let created = e.create_virtual_mfa_device(&root, new_device("shared")).await.unwrap();
    let dup = e.create_virtual_mfa_device(&root, new_device("SHARED")).await.unwrap_err();
    assert_eq!(dup.code(), "EntityAlreadyExists");
    let bad = e
        .create_virtual_mfa_device(
            &root,
            NewVirtualMfa { name: "no spaces".into(), path: Some("nope".into()), tags: vec![] },
        )
        .await
        .unwrap_err();
    let fields: Vec<String> = bad.field_errors().iter().map(|f| f.field.clone()).collect();
    assert!(fields.contains(&"virtualMFADeviceName".to_owned()) && fields.contains(&"path".to_owned()), "{fields:?}");
    let seed = TotpSeed::from_base32(&created.secret_base32).unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT sealed_seed FROM mfa_devices").fetch_one(&pool).await.unwrap();
    assert!(
        !stored.windows(seed.as_bytes().len()).any(|w| w == seed.as_bytes()),
        "the database never holds the plain seed"
    );
    assert_eq!(rows(&pool).await, 1);
}

#[sqlx::test]
async fn root_enables_its_own_device_and_sign_in_then_needs_it(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    let created = e.create_virtual_mfa_device(&root, new_device("root-key")).await.unwrap();
    let seed = TotpSeed::from_base32(&created.secret_base32).unwrap();
    enable(&e, &root, &OwnerRef::Me, &created.serial_number, &seed).await.unwrap();
    let listed = e.list_virtual_mfa_devices(&root, AssignmentFilter::Any).await.unwrap();
    assert!(matches!(listed[0].assignment, Assignment::Root { .. }));
    let summary = e.get_account_summary(&root).await.unwrap();
    assert!(summary.account_mfa_enabled);
}

#[sqlx::test]
async fn one_device_enabled_for_two_users_at_once_ends_with_one_owner(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    user(&e, &acct.account_id, EMAIL, "alice").await;
    user(&e, &acct.account_id, EMAIL, "bob").await;
    let created = e.create_virtual_mfa_device(&root, new_device("contested")).await.unwrap();
    let seed = TotpSeed::from_base32(&created.secret_base32).unwrap();
    let (a, b) = (OwnerRef::User("alice".into()), OwnerRef::User("bob".into()));
    let (ra, rb) = tokio::join!(
        enable(&e, &root, &a, &created.serial_number, &seed),
        enable(&e, &root, &b, &created.serial_number, &seed)
    );
    assert_eq!([ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(), 1, "{ra:?} {rb:?}");
    let owners: i64 = sqlx::query_scalar("SELECT count(*) FROM mfa_devices WHERE user_id IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(owners, 1);
}

#[sqlx::test]
async fn tags_are_capped_at_fifty_and_feed_resource_tag_conditions(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    let created = e.create_virtual_mfa_device(&root, new_device("tagged")).await.unwrap();
    let many: Vec<(String, String)> = (0..50).map(|i| (format!("k{i}"), "v".into())).collect();
    e.tag_mfa_device(&root, &created.serial_number, &many).await.unwrap();
    let over = e.tag_mfa_device(&root, &created.serial_number, &[("one-more".into(), "v".into())]).await.unwrap_err();
    assert_eq!(over.code(), "LimitExceeded");
    e.untag_mfa_device(&root, &created.serial_number, &["K0".into()]).await.unwrap();
    assert_eq!(e.list_mfa_device_tags(&root, &created.serial_number).await.unwrap().len(), 49);
}

#[sqlx::test]
async fn a_user_without_policies_is_refused_everything_and_nothing_changes(pool: PgPool) {
    let e = engine(pool.clone());
    let acct = account(&e, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    let nobody = bare_user(&e, &acct.account_id, EMAIL, "nobody").await;
    let created = e.create_virtual_mfa_device(&root, new_device("theirs")).await.unwrap();
    let seed = TotpSeed::from_base32(&created.secret_base32).unwrap();
    let serial = created.serial_number.as_str();
    let me = OwnerRef::Me;
    let results = [
        e.create_virtual_mfa_device(&nobody, new_device("mine")).await.map(|_| ()),
        enable(&e, &nobody, &me, serial, &seed).await,
        e.deactivate_mfa_device(&nobody, &me, serial).await,
        e.delete_virtual_mfa_device(&nobody, serial).await,
        e.list_virtual_mfa_devices(&nobody, AssignmentFilter::Any).await.map(|_| ()),
        e.tag_mfa_device(&nobody, serial, &[("k".into(), "v".into())]).await,
        e.untag_mfa_device(&nobody, serial, &["k".into()]).await,
        e.list_mfa_device_tags(&nobody, serial).await.map(|_| ()),
    ];
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.as_ref().unwrap_err().code(), "AccessDenied", "call {i}");
    }
    // A serial that does not exist is refused the same way: no existence oracle.
    let ghost = format!("arn:aws:iam::{}:mfa/ghost", acct.account_id);
    assert_eq!(e.delete_virtual_mfa_device(&nobody, &ghost).await.unwrap_err().code(), "AccessDenied");
    assert_eq!(rows(&pool).await, 1);
    let unassigned = e.list_virtual_mfa_devices(&root, AssignmentFilter::Unassigned).await.unwrap();
    assert_eq!(unassigned.len(), 1);
    assert!(unassigned[0].tags.is_empty());
}
