//! SSH public keys, signing certificates and service-specific credentials against a real Postgres:
//! encodings and fingerprints checked against `ssh-keygen`, certificates made by `openssl`,
//! quotas under parallel uploads, duplicates, what sshd and a reverse proxy are told, and the
//! strict DeleteUser.

mod common;

use common::*;
use lanyard_iam::domain::{AccessKeyStatus, AccountRef, CredentialService, Password, SshKeyEncoding, UserColumn};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::policies::PolicyTarget;
use lanyard_iam::usecases::service_credentials::ServiceRefusal;
use lanyard_iam::usecases::user_directory::ListUsersInput;
use lanyard_iam::{Actor, Engine, IamError};
use sqlx::PgPool;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Command;

const EMAIL: &str = "owner@example.com";
const HERE: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

struct Keys(PathBuf);

impl Keys {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("lanyard-keys-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Keys(dir)
    }

    /// A new key pair made by `ssh-keygen`; returns the public key file.
    fn generate(&self, name: &str, kind: &[&str]) -> PathBuf {
        let path = self.0.join(name);
        let status = Command::new("ssh-keygen")
            .args(kind)
            .args(["-q", "-N", "", "-C", name, "-f"])
            .arg(&path)
            .status()
            .expect("ssh-keygen runs");
        assert!(status.success());
        path.with_extension("pub")
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ssh_keygen(args: &[&str], file: &Path) -> String {
    let out = Command::new("ssh-keygen").args(args).arg("-f").arg(file).output().expect("ssh-keygen runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The fingerprint `ssh-keygen -l -E <hash>` prints (second field), without `MD5:`.
fn fingerprint(file: &Path, hash: &str) -> String {
    let line = ssh_keygen(&["-l", "-E", hash], file);
    let fp = line.split_whitespace().nth(1).unwrap().to_owned();
    fp.strip_prefix("MD5:").map(str::to_owned).unwrap_or(fp)
}

fn self_signed_certificate(dir: &Path, name: &str) -> String {
    let cert = dir.join(format!("{name}.crt"));
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30"])
        .args(["-subj", &format!("/CN={name}"), "-keyout"])
        .arg(dir.join(format!("{name}.key")))
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success());
    std::fs::read_to_string(cert).unwrap()
}

async fn setup(pool: PgPool) -> (Engine, Actor, lanyard_iam::usecases::accounts::Account) {
    let engine = engine(pool);
    let acct = account(&engine, EMAIL, Some("acme")).await;
    user(&engine, &acct.account_id, EMAIL, "alice").await;
    user(&engine, &acct.account_id, EMAIL, "bob").await;
    (engine, root_of(&acct), acct)
}

fn alice() -> OwnerRef {
    OwnerRef::User("alice".into())
}

#[sqlx::test]
async fn ssh_keys_in_every_encoding_get_ssh_keygens_fingerprints(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let keys = Keys::new("fp");
    let rsa = keys.generate("rsa", &["-t", "rsa", "-b", "2048"]);
    let ed = keys.generate("ed", &["-t", "ed25519"]);

    let uploaded =
        engine.upload_ssh_public_key(&root, &alice(), &std::fs::read_to_string(&rsa).unwrap()).await.unwrap();
    assert!(uploaded.ssh_public_key_id.starts_with("APKA") && uploaded.ssh_public_key_id.len() == 20);
    assert_eq!(uploaded.fingerprint, fingerprint(&rsa, "md5"));
    assert_eq!(uploaded.fingerprint_sha256, fingerprint(&rsa, "sha256"));
    assert_eq!(uploaded.status, "Active");

    let ed_key = engine.upload_ssh_public_key(&root, &alice(), &std::fs::read_to_string(&ed).unwrap()).await.unwrap();
    assert_eq!(ed_key.fingerprint_sha256, fingerprint(&ed, "sha256"));
    assert_eq!(ed_key.fingerprint, fingerprint(&ed, "md5"));

    // The same keys for bob as `ssh-keygen -e` writes them: RSA as PKCS#8 PEM, Ed25519 as RFC 4716.
    let bob = OwnerRef::User("bob".into());
    let pkcs8 = ssh_keygen(&["-e", "-m", "PKCS8"], &rsa);
    let k = engine.upload_ssh_public_key(&root, &bob, &pkcs8).await.unwrap();
    assert_eq!(k.fingerprint, fingerprint(&rsa, "md5"), "one key for two users is allowed, as in IAM");
    let rfc = ssh_keygen(&["-e"], &ed);
    assert_eq!(
        engine.upload_ssh_public_key(&root, &bob, &rfc).await.unwrap().fingerprint_sha256,
        fingerprint(&ed, "sha256")
    );
    // And RSA as PKCS#1 PEM (`-m PEM`) for carol.
    let rsa_pem = ssh_keygen(&["-e", "-m", "PEM"], &rsa);
    let carol = OwnerRef::User("carol".into());
    engine
        .create_user(&root, lanyard_iam::usecases::users::NewUser { user_name: "carol".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(
        engine.upload_ssh_public_key(&root, &carol, &rsa_pem).await.unwrap().fingerprint_sha256,
        fingerprint(&rsa, "sha256")
    );

    // GetSSHPublicKey: SSH gives the OpenSSH line sshd reads, PEM gives PKCS#1 for RSA.
    let ssh =
        engine.get_ssh_public_key(&root, &alice(), &uploaded.ssh_public_key_id, SshKeyEncoding::Ssh).await.unwrap();
    let original = std::fs::read_to_string(&rsa).unwrap();
    assert!(original.starts_with(&ssh.body), "{} vs {original}", ssh.body);
    let pem =
        engine.get_ssh_public_key(&root, &alice(), &uploaded.ssh_public_key_id, SshKeyEncoding::Pem).await.unwrap();
    assert_eq!(pem.body.trim(), rsa_pem.trim());
}

#[sqlx::test]
async fn weak_broken_and_duplicate_keys_get_iams_errors(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let keys = Keys::new("bad");
    let weak = keys.generate("weak", &["-t", "rsa", "-b", "1024"]);
    let ecdsa = keys.generate("ecdsa", &["-t", "ecdsa"]);
    let good = keys.generate("good", &["-t", "ed25519"]);
    let code =
        |r: Result<_, IamError>| r.map(|_: lanyard_iam::usecases::ssh_keys::SshPublicKey| ()).unwrap_err().code();

    let weak_err = engine.upload_ssh_public_key(&root, &alice(), &std::fs::read_to_string(&weak).unwrap()).await;
    assert_eq!(code(weak_err), "InvalidPublicKey");
    let ecdsa_err = engine.upload_ssh_public_key(&root, &alice(), &std::fs::read_to_string(&ecdsa).unwrap()).await;
    assert_eq!(code(ecdsa_err), "InvalidPublicKey");
    assert_eq!(code(engine.upload_ssh_public_key(&root, &alice(), "not a key").await), "UnrecognizedPublicKeyEncoding");
    assert_eq!(code(engine.upload_ssh_public_key(&root, &alice(), "").await), "ValidationError");

    let body = std::fs::read_to_string(&good).unwrap();
    engine.upload_ssh_public_key(&root, &alice(), &body).await.unwrap();
    // The same key again, even with another comment, is a duplicate.
    let other_comment = body.replace("good", "laptop");
    assert_eq!(code(engine.upload_ssh_public_key(&root, &alice(), &other_comment).await), "DuplicateSSHPublicKey");
    assert_eq!(engine.list_ssh_public_keys(&root, &alice()).await.unwrap().len(), 1);
    let e = engine.upload_ssh_public_key(&root, &OwnerRef::User("nobody".into()), &body).await.unwrap_err();
    assert_eq!(e.code(), "NoSuchEntity");
}

#[sqlx::test]
async fn at_most_five_keys_per_user_even_in_parallel(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let keys = Keys::new("quota");
    let bodies: Vec<String> =
        (0..8).map(|i| std::fs::read_to_string(keys.generate(&format!("k{i}"), &["-t", "ed25519"])).unwrap()).collect();
    let owner = alice();
    let results =
        futures::future::join_all(bodies.iter().map(|b| engine.upload_ssh_public_key(&root, &owner, b))).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 5);
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(r.code(), "LimitExceeded");
        assert_eq!(r.public_message(), "Cannot exceed quota for PublicKeysPerUser: 5");
    }
    assert_eq!(engine.list_ssh_public_keys(&root, &alice()).await.unwrap().len(), 5);
}

#[sqlx::test]
async fn sshd_is_told_only_the_users_active_keys(pool: PgPool) {
    let (engine, root, acct) = setup(pool).await;
    let keys = Keys::new("authz");
    let a1 = std::fs::read_to_string(keys.generate("a1", &["-t", "ed25519"])).unwrap();
    let a2 = std::fs::read_to_string(keys.generate("a2", &["-t", "ed25519"])).unwrap();
    let b1 = std::fs::read_to_string(keys.generate("b1", &["-t", "ed25519"])).unwrap();
    let k1 = engine.upload_ssh_public_key(&root, &alice(), &a1).await.unwrap();
    let k2 = engine.upload_ssh_public_key(&root, &alice(), &a2).await.unwrap();
    engine.upload_ssh_public_key(&root, &OwnerRef::User("bob".into()), &b1).await.unwrap();
    let by_id = AccountRef::Id(acct.account_id.clone());
    let listed = engine.authorized_keys(&by_id, "ALICE").await.unwrap();
    assert_eq!(listed, vec![k1.body.clone(), k2.body.clone()], "names compare ignoring case, as IAM's");

    engine.update_ssh_public_key(&root, &alice(), &k1.ssh_public_key_id, AccessKeyStatus::Inactive).await.unwrap();
    assert_eq!(engine.authorized_keys(&by_id, "alice").await.unwrap(), vec![k2.body.clone()]);
    engine.delete_ssh_public_key(&root, &alice(), &k2.ssh_public_key_id).await.unwrap();
    assert!(engine.authorized_keys(&by_id, "alice").await.unwrap().is_empty());
    assert!(engine.authorized_keys(&AccountRef::parse("000000000000").unwrap(), "alice").await.unwrap().is_empty());
    assert!(engine.authorized_keys(&by_id, "nobody").await.unwrap().is_empty());
    let gone = engine.delete_ssh_public_key(&root, &alice(), &k2.ssh_public_key_id).await.unwrap_err();
    assert_eq!(gone.code(), "NoSuchEntity");
}

#[sqlx::test]
async fn attack_users_cannot_plant_ssh_keys_or_git_passwords_on_others(pool: PgPool) {
    let (engine, root, acct) = setup(pool).await;
    let mallory = bare_user(&engine, &acct.account_id, EMAIL, "mallory").await;
    let keys = Keys::new("attack");
    let body = std::fs::read_to_string(keys.generate("m", &["-t", "ed25519"])).unwrap();
    let planted = engine.upload_ssh_public_key(&mallory, &alice(), &body).await.unwrap_err();
    assert_eq!(planted.code(), "AccessDenied");
    let own = engine.upload_ssh_public_key(&mallory, &OwnerRef::Me, &body).await.unwrap_err();
    assert_eq!(own.code(), "AccessDenied", "nothing is allowed without a policy, one's own keys included");
    let git = engine.create_service_specific_credential(&mallory, &alice(), CredentialService::CodeCommit).await;
    assert_eq!(git.unwrap_err().code(), "AccessDenied");

    // AWS's self-service example: each user manages their own SSH keys and git credentials.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":["iam:*SSHPublicKey*","iam:*ServiceSpecificCredential*"],
      "Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#;
    engine.put_inline_policy(&root, &PolicyTarget::User("mallory".into()), "Self", policy).await.unwrap();
    let mallory = act(&engine, mallory.principal()).await;
    engine.upload_ssh_public_key(&mallory, &OwnerRef::Me, &body).await.unwrap();
    assert_eq!(engine.upload_ssh_public_key(&mallory, &alice(), &body).await.unwrap_err().code(), "AccessDenied");
    assert!(engine.list_ssh_public_keys(&root, &alice()).await.unwrap().is_empty());
}

#[sqlx::test]
async fn signing_certificates_two_per_owner_unique_in_the_account(pool: PgPool) {
    let (engine, root, _) = setup(pool.clone()).await;
    let dir = Keys::new("certs");
    let (c1, c2, c3) = (
        self_signed_certificate(&dir.0, "one"),
        self_signed_certificate(&dir.0, "two"),
        self_signed_certificate(&dir.0, "three"),
    );
    let up = engine.upload_signing_certificate(&root, &alice(), &c1).await.unwrap();
    assert_eq!(up.certificate_id.len(), 32);
    assert_eq!(up.body, c1.trim());
    assert_eq!(up.status, "Active");
    let dup = engine.upload_signing_certificate(&root, &OwnerRef::User("bob".into()), &c1).await.unwrap_err();
    assert_eq!((dup.code(), dup.status()), ("DuplicateCertificate", 409));
    engine.upload_signing_certificate(&root, &alice(), &c2).await.unwrap();
    // The users list counts them (its "Signing certificates" column), SSH keys and the boundary too.
    let input = ListUsersInput { columns: UserColumn::ALL.to_vec(), ..Default::default() };
    let listed = engine.list_users(&root, input).await.unwrap().users;
    let row = listed.iter().find(|u| u.user_name.as_str() == "alice").unwrap();
    assert_eq!((row.signing_certificates, row.ssh_public_keys, row.permissions_boundary.as_deref()), (2, 0, None));
    let third = engine.upload_signing_certificate(&root, &alice(), &c3).await.unwrap_err();
    assert_eq!(third.code(), "LimitExceeded");
    let bad = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----";
    let bad = engine.upload_signing_certificate(&root, &alice(), bad).await.unwrap_err();
    assert_eq!(bad.code(), "MalformedCertificate");

    engine.update_signing_certificate(&root, &alice(), &up.certificate_id, AccessKeyStatus::Inactive).await.unwrap();
    let listed = engine.list_signing_certificates(&root, &alice()).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.status.as_str()).collect::<Vec<_>>(), ["Inactive", "Active"]);
    // The root user has certificates of its own, as in IAM.
    engine.upload_signing_certificate(&root, &OwnerRef::Me, &c3).await.unwrap();
    assert_eq!(engine.list_signing_certificates(&root, &OwnerRef::Me).await.unwrap().len(), 1);
    engine.delete_signing_certificate(&root, &alice(), &up.certificate_id).await.unwrap();
    // Deleted, it may be uploaded again (to someone else).
    engine.upload_signing_certificate(&root, &OwnerRef::User("bob".into()), &c1).await.unwrap();
}

#[sqlx::test]
async fn git_credentials_are_shown_once_hashed_and_checked(pool: PgPool) {
    let (engine, root, acct) = setup(pool.clone()).await;
    let git = CredentialService::CodeCommit;
    let first = engine.create_service_specific_credential(&root, &alice(), git).await.unwrap();
    let c = &first.credential;
    assert_eq!(c.service_user_name, format!("alice-at-{}", acct.account_id));
    assert!(c.credential_id.starts_with("ACCA"));
    assert_eq!(first.password.expose().len(), 44);
    assert!(!format!("{first:?}").contains(first.password.expose()), "password in Debug output");
    let stored: String =
        sqlx::query_scalar("SELECT password_hash FROM service_specific_credentials").fetch_one(&pool).await.unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(first.password.expose()));

    let second = engine.create_service_specific_credential(&root, &alice(), git).await.unwrap();
    assert_eq!(second.credential.service_user_name, format!("alice+1-at-{}", acct.account_id));
    let third = engine.create_service_specific_credential(&root, &alice(), git).await.unwrap_err();
    assert_eq!(third.public_message(), "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2");
    engine.create_service_specific_credential(&root, &alice(), CredentialService::Keyspaces).await.unwrap();
    assert_eq!(engine.list_service_specific_credentials(&root, &alice(), Some(git)).await.unwrap().len(), 2);
    assert_eq!(engine.list_service_specific_credentials(&root, &alice(), None).await.unwrap().len(), 3);

    let check = |name: String, pw: &str| {
        let engine = engine.clone();
        let pw = Password::new(pw);
        async move { engine.check_service_password(git, &name, &pw, HERE).await.unwrap() }
    };
    let ok = check(c.service_user_name.clone(), first.password.expose()).await.unwrap();
    assert_eq!((ok.user_name.as_str(), &ok.account_id), ("alice", &acct.account_id));
    assert_eq!(check(c.service_user_name.clone(), "wrong").await, Err(ServiceRefusal::BadCredentials));
    // For another service the same name and password mean nothing.
    let other =
        engine.check_service_password(CredentialService::Keyspaces, &c.service_user_name, &first.password, HERE);
    assert_eq!(other.await.unwrap(), Err(ServiceRefusal::BadCredentials));

    engine
        .update_service_specific_credential(&root, &alice(), &c.credential_id, AccessKeyStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(check(c.service_user_name.clone(), first.password.expose()).await, Err(ServiceRefusal::BadCredentials));
    engine
        .update_service_specific_credential(&root, &alice(), &c.credential_id, AccessKeyStatus::Active)
        .await
        .unwrap();
    let reset = engine.reset_service_specific_credential(&root, &alice(), &c.credential_id).await.unwrap();
    assert_ne!(reset.password.expose(), first.password.expose());
    assert_eq!(check(c.service_user_name.clone(), first.password.expose()).await, Err(ServiceRefusal::BadCredentials));
    assert!(check(c.service_user_name.clone(), reset.password.expose()).await.is_ok());
    engine.delete_service_specific_credential(&root, &alice(), &c.credential_id).await.unwrap();
    assert_eq!(check(c.service_user_name.clone(), reset.password.expose()).await, Err(ServiceRefusal::BadCredentials));
}

#[sqlx::test]
async fn attack_guessing_git_passwords_is_throttled(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let made = engine.create_service_specific_credential(&root, &alice(), CredentialService::CodeCommit).await.unwrap();
    let name = made.credential.service_user_name.clone();
    let mut throttled = false;
    for i in 0..12 {
        let guess = Password::new(format!("guess{i}"));
        let r = engine.check_service_password(CredentialService::CodeCommit, &name, &guess, HERE).await.unwrap();
        if r == Err(ServiceRefusal::Throttled) {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "guesses are locked out like console sign-in");
    // Even the right password waits out the lock.
    let right =
        engine.check_service_password(CredentialService::CodeCommit, &name, &made.password, HERE).await.unwrap();
    assert_eq!(right, Err(ServiceRefusal::Throttled));
}

#[sqlx::test]
async fn strict_delete_user_names_each_credential_and_the_console_removes_them(pool: PgPool) {
    let (engine, root, _) = setup(pool.clone()).await;
    let keys = Keys::new("del");
    let body = std::fs::read_to_string(keys.generate("d", &["-t", "ed25519"])).unwrap();
    engine.upload_ssh_public_key(&root, &alice(), &body).await.unwrap();
    engine.upload_signing_certificate(&root, &alice(), &self_signed_certificate(&keys.0, "d")).await.unwrap();
    engine.create_service_specific_credential(&root, &alice(), CredentialService::CodeCommit).await.unwrap();
    // alice also has a login profile (from the helper): that is named first.
    engine.delete_login_profile(&root, "alice").await.unwrap();
    let e = engine.delete_user(&root, "alice").await.unwrap_err();
    assert_eq!(e.public_message(), "Cannot delete entity, must delete signing certificates first.");
    let id = engine.list_signing_certificates(&root, &alice()).await.unwrap()[0].certificate_id.clone();
    engine.delete_signing_certificate(&root, &alice(), &id).await.unwrap();
    let e = engine.delete_user(&root, "alice").await.unwrap_err();
    assert_eq!(e.public_message(), "Cannot delete entity, must delete SSH public keys first.");
    let id = engine.list_ssh_public_keys(&root, &alice()).await.unwrap()[0].ssh_public_key_id.clone();
    engine.delete_ssh_public_key(&root, &alice(), &id).await.unwrap();
    let e = engine.delete_user(&root, "alice").await.unwrap_err();
    assert_eq!(e.public_message(), "Cannot delete entity, must delete service-specific credentials first.");

    engine.upload_ssh_public_key(&root, &alice(), &body).await.unwrap();
    engine.delete_user_with_credentials(&root, "alice").await.unwrap();
    for table in ["ssh_public_keys", "signing_certificates", "service_specific_credentials"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(&pool).await.unwrap();
        assert_eq!(n, 0, "{table} keeps a deleted user's rows");
    }
}

#[sqlx::test]
async fn git_credential_and_certificate_quotas_hold_in_parallel(pool: PgPool) {
    let (engine, root, _) = setup(pool).await;
    let owner = alice();
    let git = futures::future::join_all(
        (0..5).map(|_| engine.create_service_specific_credential(&root, &owner, CredentialService::CodeCommit)),
    )
    .await;
    assert_eq!(git.iter().filter(|r| r.is_ok()).count(), 2);
    assert!(git.iter().filter_map(|r| r.as_ref().err()).all(|e| e.code() == "LimitExceeded"));
    let names: Vec<String> = git.iter().flatten().map(|c| c.credential.service_user_name.clone()).collect();
    assert_ne!(names[0], names[1], "each credential has a user name of its own");

    let dir = Keys::new("parallel-certs");
    let certs: Vec<String> = (0..4).map(|i| self_signed_certificate(&dir.0, &format!("p{i}"))).collect();
    let up = futures::future::join_all(certs.iter().map(|c| engine.upload_signing_certificate(&root, &owner, c))).await;
    assert_eq!(up.iter().filter(|r| r.is_ok()).count(), 2);
    assert!(up.iter().filter_map(|r| r.as_ref().err()).all(|e| e.code() == "LimitExceeded"));
}
