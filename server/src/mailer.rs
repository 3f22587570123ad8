//! SMTP delivery of the outbox with lettre: a worker claims due mail, sends it, and records the
//! outcome. Without an SMTP host nothing here runs and mail stays for `lanyard outbox`.

use crate::config::{SmtpConfig, SmtpTls};
use lanyard_iam::{Engine, IamError};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How often the worker looks for due mail.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// A failed mail waits this long times its attempt number before the next try.
const RETRY_AFTER_SECONDS: f64 = 60.0;
const BATCH: i64 = 20;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the configuration asks for, or `None` when no SMTP host is set.
    pub fn from_config(config: &SmtpConfig) -> Result<Option<Mailer>, String> {
        let Some(host) = config.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| format!("--mail-from {:?} is not a mail address: {e}", config.mail_from))?;
        let tls_error = |e: lettre::transport::smtp::Error| format!("SMTP TLS setup for {host}: {e}");
        let mut builder = match config.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(tls_error)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(tls_error)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let port = config.smtp_port.unwrap_or(match config.smtp_tls {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        });
        builder = builder.port(port).timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &config.smtp_user {
            let password = match &config.smtp_password_file {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read --smtp-password-file {}: {e}", path.display()))?
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                None => return Err("--smtp-user needs --smtp-password-file".into()),
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        tracing::info!(host, port, tls = ?config.smtp_tls, "mail is delivered by SMTP");
        Ok(Some(Mailer { transport: builder.build(), from }))
    }

    /// One delivery round: sends every due mail it can claim; returns how many were sent.
    pub async fn deliver_due(&self, engine: &Engine) -> Result<usize, IamError> {
        let mut sent = 0;
        for mail in engine.claim_due_mail(BATCH, RETRY_AFTER_SECONDS).await? {
            match self.send(&mail.recipient, &mail.subject, mail.body).await {
                Ok(()) => {
                    engine.mark_mail_sent(mail.id).await?;
                    tracing::info!(mail_id = mail.id, "mail delivered");
                    sent += 1;
                }
                Err(error) => {
                    tracing::warn!(mail_id = mail.id, attempts = mail.attempts, %error, "mail delivery failed; will retry");
                    engine.mark_mail_failed(mail.id, &error).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, recipient: &str, subject: &str, body: String) -> Result<(), String> {
        let to: Mailbox = recipient.parse().map_err(|e| format!("recipient is not a mail address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Runs delivery rounds for the life of the server.
pub fn spawn_delivery(engine: Engine, mailer: Mailer) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = mailer.deliver_due(&engine).await {
                tracing::warn!(%error, "mail delivery round failed");
            }
        }
    });
}
