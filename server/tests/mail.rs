//! SMTP delivery of the outbox against a real Postgres and a minimal SMTP sink on loopback: the
//! sink speaks just enough of RFC 5321 to accept mail, so the test sees exactly what left Lanyard.

use lanyard_iam::domain::Password;
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::{Engine, EngineConfig};
use lanyard_server::config::{SmtpConfig, SmtpTls};
use lanyard_server::mailer::Mailer;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const EMAIL: &str = "owner@example.com";

/// Accepts SMTP sessions and keeps each message's DATA; `accept` false answers every
/// RCPT with a permanent failure.
async fn smtp_sink(accept: bool) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "RCPT" if !accept => b"550 no such mailbox\r\n",
                        "DATA" => {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            store.lock().unwrap().push(data);
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

fn mailer(port: u16) -> Mailer {
    let config = SmtpConfig {
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: Some(port),
        smtp_tls: SmtpTls::None,
        mail_from: "Lanyard <lanyard@example.com>".into(),
        ..SmtpConfig::default()
    };
    Mailer::from_config(&config).unwrap().unwrap()
}

async fn engine_with_reset_mail(pool: &PgPool) -> Engine {
    let engine = Engine::new(pool.clone(), EngineConfig::default()).unwrap();
    engine
        .create_account(NewAccount { email: EMAIL.into(), alias: None, password: Password::new("Root-Password-1") })
        .await
        .unwrap();
    engine.issue_root_password_reset(EMAIL, "http://localhost:3000/signin/reset?token=").await.unwrap();
    engine
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_link_is_delivered_once_and_its_body_is_dropped(pool: PgPool) {
    let engine = engine_with_reset_mail(&pool).await;
    let (port, received) = smtp_sink(true).await;
    let mailer = mailer(port);

    assert_eq!(mailer.deliver_due(&engine).await.unwrap(), 1);
    assert_eq!(mailer.deliver_due(&engine).await.unwrap(), 0, "a delivered mail is not sent again");

    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains(&format!("To: {EMAIL}")), "{}", mails[0]);
    assert!(mails[0].contains("Subject: Reset your Lanyard root password"), "{}", mails[0]);
    assert!(mails[0].contains("/signin/reset?token="), "{}", mails[0]);

    let row = &engine.list_outbox(10).await.unwrap()[0];
    assert!(row.sent_at.is_some());
    assert!(!row.body.contains("token="), "the link does not stay readable in the database once sent");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_mail_is_kept_for_a_later_attempt(pool: PgPool) {
    let engine = engine_with_reset_mail(&pool).await;
    let (port, received) = smtp_sink(false).await;

    assert_eq!(mailer(port).deliver_due(&engine).await.unwrap(), 0);
    assert!(received.lock().unwrap().is_empty());
    let row = &engine.list_outbox(10).await.unwrap()[0];
    assert!(row.sent_at.is_none());
    assert_eq!(row.attempts, 1);
    assert!(row.body.contains("token="), "an undelivered mail keeps its body for the retry");

    // Backed off: an immediate second round does not hammer the relay.
    let (port, received) = smtp_sink(true).await;
    assert_eq!(mailer(port).deliver_due(&engine).await.unwrap(), 0);
    assert!(received.lock().unwrap().is_empty());

    // Once due again it goes out.
    sqlx::query("UPDATE outbox SET next_attempt_at = now()").execute(&pool).await.unwrap();
    assert_eq!(mailer(port).deliver_due(&engine).await.unwrap(), 1);
    assert_eq!(received.lock().unwrap().len(), 1);
}

#[test]
fn smtp_user_without_a_password_file_is_a_configuration_error() {
    let config = SmtpConfig {
        smtp_host: Some("mail.example.com".into()),
        smtp_user: Some("lanyard".into()),
        ..SmtpConfig::default()
    };
    let error = Mailer::from_config(&SmtpConfig { mail_from: "a@example.com".into(), ..config }).err().unwrap();
    assert!(error.contains("--smtp-password-file"), "{error}");
}

#[test]
fn no_smtp_host_means_no_mailer() {
    assert!(Mailer::from_config(&SmtpConfig::default()).unwrap().is_none());
}
