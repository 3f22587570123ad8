//! The credential report against a real Postgres: generated in the background, reused for four
//! hours, expired after; AWS's columns, the `<root_account>` line, `N/A` and `no_information`
//! where IAM writes them, and names with commas quoted.

mod common;

use common::*;
use lanyard_iam::domain::{AccessKeyStatus, PasswordPolicyInput};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::credential_report::{ReportState, COLUMNS};
use lanyard_iam::{Actor, Engine};
use sqlx::PgPool;

const EMAIL: &str = "owner@example.com";

/// Generates until COMPLETE (the background task finishes within seconds here), then reads it.
async fn report(engine: &Engine, actor: &Actor) -> String {
    for _ in 0..200 {
        if engine.generate_credential_report(actor).await.unwrap() == ReportState::Complete {
            let handle = engine.get_credential_report(actor).await.unwrap();
            return String::from_utf8(engine.credential_report_bytes(&handle).await.unwrap()).unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the report never completed");
}

fn row<'a>(csv: &'a str, user: &str) -> Vec<&'a str> {
    let line = csv.lines().find(|l| l.starts_with(&format!("{user},"))).unwrap_or_else(|| panic!("no row for {user}"));
    line.split(',').collect()
}

#[sqlx::test]
async fn the_report_has_awss_columns_and_values(pool: PgPool) {
    let engine = engine(pool.clone());
    let acct = account(&engine, EMAIL, Some("acme")).await;
    let root = root_of(&acct);
    user(&engine, &acct.account_id, EMAIL, "alice").await; // with a console password
    engine
        .create_user(&root, lanyard_iam::usecases::users::NewUser { user_name: "keyonly".into(), ..Default::default() })
        .await
        .unwrap();
    engine
        .create_user(&root, lanyard_iam::usecases::users::NewUser { user_name: "a,b".into(), ..Default::default() })
        .await
        .unwrap();
    let k1 = engine.create_access_key(&root, &OwnerRef::User("keyonly".into())).await.unwrap();
    engine.create_access_key(&root, &OwnerRef::User("keyonly".into())).await.unwrap();
    engine
        .update_access_key(&root, &OwnerRef::User("keyonly".into()), &k1.key.access_key_id, AccessKeyStatus::Inactive)
        .await
        .unwrap();
    let policy = PasswordPolicyInput {
        minimum_password_length: "8".into(),
        expire_passwords: true,
        max_password_age: "90".into(),
        allow_users_to_change_password: true,
        ..Default::default()
    };
    engine.update_password_policy(&root, &policy).await.unwrap();

    assert_eq!(engine.get_credential_report(&root).await.unwrap_err().code(), "ReportNotPresent");
    let csv = report(&engine, &root).await;
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(COLUMNS));
    let root_row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(root_row[0], "<root_account>");
    assert_eq!(root_row[1], format!("arn:aws:iam::{}:root", acct.account_id));
    assert_eq!(&root_row[3..7], ["not_supported", "no_information", "not_supported", "not_supported"]);
    assert_eq!(root_row.len(), 22);

    let alice = row(&csv, "alice");
    assert_eq!(alice[1], format!("arn:aws:iam::{}:user/alice", acct.account_id));
    assert_eq!(alice[3], "true");
    assert_eq!(alice[4], "no_information", "never signed in");
    assert!(alice[5].ends_with("+00:00") && alice[5].len() == 25, "{}", alice[5]);
    assert!(alice[6].ends_with("+00:00"), "MaxPasswordAge gives a next rotation: {}", alice[6]);
    assert_eq!(alice[7], "false");
    assert_eq!(&alice[8..13], ["false", "N/A", "N/A", "N/A", "N/A"]);

    let keys = row(&csv, "keyonly");
    assert_eq!(&keys[3..7], ["false", "N/A", "N/A", "N/A"], "no password: N/A, as IAM writes it");
    assert_eq!(keys[8], "false", "the first key was made inactive");
    assert!(keys[9].ends_with("+00:00"));
    assert_eq!(keys[10], "N/A", "never used");
    assert_eq!(keys[13], "true");
    assert_eq!(&keys[18..22], ["false", "N/A", "false", "N/A"]);
    assert!(csv.contains("\n\"a,b\",\"arn:aws:iam::"), "a name with a comma is quoted:\n{csv}");

    // Reused for four hours: Generate answers COMPLETE without making a new one.
    assert_eq!(engine.generate_credential_report(&root).await.unwrap(), ReportState::Complete);
    sqlx::query("UPDATE credential_reports SET generated_at = now() - interval '5 hours'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(engine.get_credential_report(&root).await.unwrap_err().code(), "ReportExpired");
    assert_eq!(engine.generate_credential_report(&root).await.unwrap(), ReportState::Started);
}

#[sqlx::test]
async fn a_report_written_directly_is_complete_and_readable(pool: PgPool) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, None).await;
    let root = root_of(&acct);
    let bytes = engine.write_credential_report(&acct.account_id).await.unwrap();
    let handle = engine.get_credential_report(&root).await.unwrap();
    assert_eq!(engine.credential_report_bytes(&handle).await.unwrap().len() as i64, bytes);
}

#[sqlx::test]
async fn reading_the_report_needs_permission(pool: PgPool) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, None).await;
    let nobody = bare_user(&engine, &acct.account_id, EMAIL, "nobody").await;
    assert_eq!(engine.generate_credential_report(&nobody).await.unwrap_err().code(), "AccessDenied");
    assert_eq!(engine.get_credential_report(&nobody).await.unwrap_err().code(), "AccessDenied");
}

/// Regression (deadlock between GenerateCredentialReport and its own background writer): a caller
/// polling Generate while a large report is written used to queue on the report's row; the
/// writer's closing UPDATE then queued behind that caller's tuple lock, Postgres broke the cycle
/// by killing one side, and a killed writer left the report "in progress" for ten minutes.
#[sqlx::test]
async fn polling_generate_while_a_report_is_written_never_deadlocks(pool: PgPool) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, None).await;
    let root = root_of(&acct);
    engine.seed_users(&acct.account_id, 5_000, 10).await.unwrap();
    assert_eq!(engine.generate_credential_report(&root).await.unwrap(), ReportState::Started);
    let mut polls = 0;
    loop {
        polls += 1;
        match engine.generate_credential_report(&root).await {
            Ok(ReportState::Complete) => break,
            Ok(state) => assert_eq!(state, ReportState::InProgress),
            Err(e) => panic!("Generate failed while the report was written (poll {polls}): {e}"),
        }
        assert!(polls < 2_000, "the report never completed");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let csv = report(&engine, &root).await;
    assert_eq!(csv.lines().count(), 2 + 5_000);
}
