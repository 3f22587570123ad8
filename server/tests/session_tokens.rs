//! STS GetSessionToken through the whole router with real signatures: temporary credentials are
//! accepted with their session token only, carry MFA when a code was given (so an MFA-only policy
//! refuses the long-term key and allows the session), never accept a code twice, and die with
//! their parent key and at their expiry. Nothing secret is stored in plain text.

mod common;

use common::*;
use lanyard_iam::crypto::totp::{step_at, TotpSeed};
use lanyard_iam::domain::{AccessKeyStatus, Password};
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::mfa::EnableMfa;
use lanyard_iam::usecases::policies::PolicyTarget;
use lanyard_iam::usecases::users::NewUser;
use lanyard_iam::Actor;
use sqlx::PgPool;
use time::OffsetDateTime;

async fn call(app: &axum::Router, body: &str, c: &Creds, service: &str) -> (u16, String) {
    send(app, signed(body, c, service)).await
}

async fn session(app: &axum::Router, body: &str, c: &Creds) -> Result<Creds, String> {
    let (status, xml) = call(app, body, c, "sts").await;
    if status != 200 {
        return Err(between(&xml, "Code").to_owned());
    }
    Ok(Creds {
        key: between(&xml, "AccessKeyId").to_owned(),
        secret: between(&xml, "SecretAccessKey").to_owned(),
        token: Some(between(&xml, "SessionToken").to_owned()),
    })
}

const LIST_USERS: &str = "Action=ListUsers&Version=2010-05-08";

#[sqlx::test(migrations = "../migrations")]
async fn mfa_protected_api_access_works_with_session_credentials(pool: PgPool) {
    let engine = engine(&pool);
    let account = engine
        .create_account(NewAccount {
            email: "o@example.com".into(),
            alias: Some("acme".into()),
            password: Password::new("Root-Password-1"),
        })
        .await
        .unwrap();
    let root = Actor::root(account.account_id.clone(), "o@example.com");
    engine.create_user(&root, NewUser { user_name: "ops".into(), ..Default::default() }).await.unwrap();
    let ops = OwnerRef::User("ops".into());
    engine
        .put_inline_policy(
            &root,
            &PolicyTarget::User("ops".into()),
            "mfa-only",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*",
                "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}"#,
        )
        .await
        .unwrap();
    let enrolment = engine.start_mfa_enrolment(&root, &ops).await.unwrap();
    let seed = TotpSeed::from_base32(&enrolment.secret_base32).unwrap();
    let now = step_at(OffsetDateTime::now_utc());
    let enable = EnableMfa {
        ticket: enrolment.ticket,
        device_name: "ops-phone".into(),
        code1: seed.code_at(now - 2),
        code2: seed.code_at(now - 1),
    };
    engine.enable_mfa_device(&root, &ops, enable).await.unwrap();
    let key = engine.create_access_key(&root, &ops).await.unwrap();
    let long_term = Creds { key: key.key.access_key_id.clone(), secret: key.secret.expose().to_owned(), token: None };
    let app = app(&pool, &engine);
    let serial = format!("arn:aws:iam::{}:mfa/ops-phone", account.account_id);

    // The long-term key has no MFA: the policy's condition never holds.
    assert_eq!(between(&call(&app, LIST_USERS, &long_term, "iam").await.1, "Code"), "AccessDenied");
    // A session without a code: MultiFactorAuthPresent is false.
    let plain =
        session(&app, "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900", &long_term).await.unwrap();
    assert!(plain.key.starts_with("ASIA") && plain.secret.len() == 40, "{}", plain.key);
    // AWS: no IAM call at all with temporary credentials minted without MFA.
    assert_eq!(between(&call(&app, LIST_USERS, &plain, "iam").await.1, "Code"), "InvalidClientTokenId");
    // A wrong code, then the right one, then the same code again.
    let with_code =
        |code: &str| format!("Action=GetSessionToken&Version=2011-06-15&SerialNumber={serial}&TokenCode={code}");
    let wrong = if seed.code_at(now) == "000000" { "111111" } else { "000000" };
    assert_eq!(session(&app, &with_code(wrong), &long_term).await.err().as_deref(), Some("AccessDenied"));
    let code = seed.code_at(now);
    let mfa = session(&app, &with_code(&code), &long_term).await.unwrap();
    let (status, xml) = call(&app, LIST_USERS, &mfa, "iam").await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.contains("<UserName>ops</UserName>"));
    // The console's device, as the API lists it (as root, whose key may read it).
    let root_key = engine.create_access_key(&root, &OwnerRef::Me).await.unwrap();
    let admin = Creds::long_term(&root_key.key.access_key_id, root_key.secret.expose());
    let (_, xml) = call(&app, "Action=ListMFADevices&Version=2010-05-08&UserName=ops", &admin, "iam").await;
    assert_eq!(between(&xml, "SerialNumber"), serial);
    let get = format!("Action=GetMFADevice&Version=2010-05-08&UserName=ops&SerialNumber={serial}");
    assert_eq!(between(&call(&app, &get, &admin, "iam").await.1, "UserName"), "ops");
    assert_eq!(
        session(&app, &with_code(&code), &long_term).await.err().as_deref(),
        Some("AccessDenied"),
        "code replayed"
    );
    // Temporary credentials cannot mint more, and need their token.
    assert_eq!(
        session(&app, "Action=GetSessionToken&Version=2011-06-15", &mfa).await.err().as_deref(),
        Some("AccessDenied")
    );
    let tokenless = Creds { key: mfa.key.clone(), secret: mfa.secret.clone(), token: None };
    assert_eq!(between(&call(&app, LIST_USERS, &tokenless, "iam").await.1, "Code"), "InvalidClientTokenId");
    let forged = Creds { token: Some("f".repeat(128)), key: mfa.key.clone(), secret: mfa.secret.clone() };
    assert_eq!(between(&call(&app, LIST_USERS, &forged, "iam").await.1, "Code"), "InvalidClientTokenId");
    // Sessions last at most 36 hours (root's one).
    assert_eq!(
        session(&app, "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129601", &long_term)
            .await
            .err()
            .as_deref(),
        Some("ValidationError")
    );

    // Nothing secret is stored as it was handed out.
    let stored: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT token_hash, sealed_secret FROM session_credentials").fetch_all(&pool).await.unwrap();
    for (hash, sealed) in &stored {
        assert_ne!(Some(hash), mfa.token.as_ref());
        assert!(!sealed.windows(mfa.secret.len()).any(|w| w == mfa.secret.as_bytes()));
    }

    // Expiry, and the parent key's fate, end the session.
    sqlx::query("UPDATE session_credentials SET expires_at = now() - interval '1 second' WHERE access_key_id = $1")
        .bind(&plain.key)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(between(&call(&app, LIST_USERS, &plain, "iam").await.1, "Code"), "ExpiredToken");
    engine.update_access_key(&root, &ops, &key.key.access_key_id, AccessKeyStatus::Inactive).await.unwrap();
    assert_eq!(between(&call(&app, LIST_USERS, &mfa, "iam").await.1, "Code"), "InvalidClientTokenId");
    engine.delete_access_key(&root, &ops, &key.key.access_key_id).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM session_credentials").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0, "sessions die with their key");
}
