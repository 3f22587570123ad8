//! The one error type of the engine, named after IAM's error codes so the API can answer with
//! AWS's code and status while the console shows a friendly message for the same value.

use serde::{Deserialize, Serialize};

/// Why IAM refused an uploaded credential, each with its own error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialFault {
    /// Neither an OpenSSH line nor PEM (nor RFC 4716) that holds a public key.
    UnrecognizedPublicKeyEncoding,
    /// A key in a known encoding that is broken, of an unsupported type, or too weak.
    InvalidPublicKey,
    /// The same key is already the user's.
    DuplicateSshPublicKey,
    /// Not a PEM X.509 certificate that parses.
    MalformedCertificate,
    /// A certificate that parses but is not usable (expired, not yet valid).
    InvalidCertificate,
    /// The same certificate already belongs to a user of the account.
    DuplicateCertificate,
}

impl CredentialFault {
    pub fn code(self) -> &'static str {
        match self {
            CredentialFault::UnrecognizedPublicKeyEncoding => "UnrecognizedPublicKeyEncoding",
            CredentialFault::InvalidPublicKey => "InvalidPublicKey",
            CredentialFault::DuplicateSshPublicKey => "DuplicateSSHPublicKey",
            CredentialFault::MalformedCertificate => "MalformedCertificate",
            CredentialFault::InvalidCertificate => "InvalidCertificate",
            CredentialFault::DuplicateCertificate => "DuplicateCertificate",
        }
    }
}

/// Why GetCredentialReport has nothing to give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFault {
    NotPresent,
    Expired,
    InProgress,
}

impl ReportFault {
    pub fn code(self) -> &'static str {
        match self {
            ReportFault::NotPresent => "ReportNotPresent",
            ReportFault::Expired => "ReportExpired",
            ReportFault::InProgress => "ReportInProgress",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ReportFault::NotPresent => {
                "The credential report does not exist. To generate a credential report, use GenerateCredentialReport."
            }
            ReportFault::Expired => {
                "The most recent credential report has expired. To generate a new credential report, use GenerateCredentialReport."
            }
            ReportFault::InProgress => "The credential report is still being generated.",
        }
    }
}

/// One broken rule of one input field, e.g. `userName`: "must be 1 to 64 characters".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's name as IAM's API spells it (`userName`, `path`, `accountAlias`, `email`, `password`).
    pub field: String,
    /// What the rule demands, phrased for people.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}

/// Every failure an engine call can report.
///
/// `Internal` carries a description for the log only; [`IamError::public_message`] never shows it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IamError {
    #[error("{}", describe_fields(.0))]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    EntityAlreadyExists(String),
    #[error("{0}")]
    NoSuchEntity(String),
    #[error("{0}")]
    LimitExceeded(String),
    /// A new password breaks the account password policy; one field error per unmet rule.
    #[error("Password does not conform to the account password policy.")]
    PasswordPolicyViolation(Vec<FieldError>),
    /// The password was right but has expired under HardExpiry: only an administrator can help.
    #[error("Your password has expired. Contact your administrator to set a new one.")]
    PasswordExpired,
    /// The session must choose a new password before doing anything else.
    #[error("You must change your password before you continue.")]
    PasswordChangeRequired,
    /// The entity still has dependents (IAM's strict deletes, e.g. a user with a login profile).
    #[error("{0}")]
    DeleteConflict(String),
    #[error("{0}")]
    InvalidInput(String),
    /// A credential IAM refuses with a code of its own: a malformed, weak or duplicate SSH key or
    /// signing certificate.
    #[error("{message}")]
    BadCredential { fault: CredentialFault, message: String },
    /// GetCredentialReport with no report, an expired one, or one still being generated.
    #[error("{}", .0.message())]
    CredentialReport(ReportFault),
    /// A service-specific credential for a service that has none.
    #[error("{0}")]
    NotSupportedService(String),
    /// A signed API request failed authentication: IAM's request-level codes
    /// (`InvalidClientTokenId`, `SignatureDoesNotMatch`, `IncompleteSignature`,
    /// `MissingAuthenticationToken`, `RequestExpired`), with AWS's message.
    #[error("{message}")]
    RequestAuth { code: &'static str, message: String },
    /// A policy document that IAM would not accept; the message points at the fault.
    #[error("{0}")]
    MalformedPolicyDocument(String),
    /// The Query API does not know the `Action`.
    #[error("{0}")]
    InvalidAction(String),
    /// MFA codes that do not prove possession of the device (wrong, reused or not consecutive).
    #[error("{0}")]
    InvalidAuthenticationCode(String),
    #[error("{0}")]
    AccessDenied(String),
    /// Any failed sign-in: wrong password, unknown user or account, locked, no console access.
    #[error("Your authentication information is incorrect. Please try again.")]
    SignInFailed,
    /// The request needs a signed-in principal and has none (or its session ended).
    #[error("You are not signed in, or your session has ended. Please sign in again.")]
    NotSignedIn,
    /// The database cannot be reached or a statement ran out of time: the request may be retried
    /// (SDKs do so by themselves on a 503). The cause is logged, never shown.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Longest run of non-space characters a message repeats back: a 100,000-character input does not
/// come back whole inside its error.
pub const MAX_ECHOED_CHARS: usize = 200;

/// `message` with every word longer than [`MAX_ECHOED_CHARS`] cut there (and marked with `…`).
pub fn clip_echoes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    let mut run = 0usize;
    for c in message.chars() {
        if c.is_whitespace() {
            run = 0;
            out.push(c);
            continue;
        }
        run += 1;
        if run <= MAX_ECHOED_CHARS {
            out.push(c);
        } else if run == MAX_ECHOED_CHARS + 1 {
            out.push('…');
        }
    }
    out
}

fn describe_fields(fields: &[FieldError]) -> String {
    let n = fields.len();
    let noun = if n == 1 { "error" } else { "errors" };
    let details: Vec<String> =
        fields.iter().map(|f| format!("Value at '{}' failed to satisfy constraint: {}", f.field, f.message)).collect();
    format!("{n} validation {noun} detected: {}", details.join("; "))
}

impl IamError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        IamError::Validation(vec![FieldError::new(field, message)])
    }

    /// IAM's error code for the API (`ValidationError`, `EntityAlreadyExists`, …).
    pub fn code(&self) -> &'static str {
        match self {
            IamError::Validation(_) => "ValidationError",
            IamError::EntityAlreadyExists(_) => "EntityAlreadyExists",
            IamError::NoSuchEntity(_) => "NoSuchEntity",
            IamError::LimitExceeded(_) => "LimitExceeded",
            IamError::DeleteConflict(_) => "DeleteConflict",
            IamError::PasswordPolicyViolation(_) => "PasswordPolicyViolation",
            IamError::PasswordExpired => "PasswordExpired",
            IamError::PasswordChangeRequired => "PasswordResetRequired",
            IamError::InvalidInput(_) => "InvalidInput",
            IamError::BadCredential { fault, .. } => fault.code(),
            IamError::NotSupportedService(_) => "NotSupportedService",
            IamError::CredentialReport(fault) => fault.code(),
            IamError::InvalidAuthenticationCode(_) => "InvalidAuthenticationCode",
            IamError::RequestAuth { code, .. } => code,
            IamError::InvalidAction(_) => "InvalidAction",
            IamError::MalformedPolicyDocument(_) => "MalformedPolicyDocument",
            IamError::AccessDenied(_) => "AccessDenied",
            IamError::SignInFailed => "SignInFailed",
            IamError::NotSignedIn => "NotSignedIn",
            IamError::Unavailable(_) => "ServiceUnavailable",
            IamError::Internal(_) => "ServiceFailure",
        }
    }

    /// The HTTP status IAM answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            IamError::Validation(_)
            | IamError::InvalidInput(_)
            | IamError::PasswordPolicyViolation(_)
            | IamError::InvalidAction(_)
            | IamError::MalformedPolicyDocument(_) => 400,
            IamError::RequestAuth { code, .. } => match *code {
                "IncompleteSignature" | "RequestExpired" => 400,
                _ => 403,
            },
            IamError::PasswordExpired => 401,
            IamError::PasswordChangeRequired => 403,
            IamError::BadCredential { fault: CredentialFault::DuplicateCertificate, .. } => 409,
            IamError::BadCredential { .. } => 400,
            IamError::CredentialReport(ReportFault::InProgress) => 404,
            IamError::CredentialReport(_) => 410,
            IamError::EntityAlreadyExists(_) | IamError::LimitExceeded(_) | IamError::DeleteConflict(_) => 409,
            IamError::NoSuchEntity(_) | IamError::NotSupportedService(_) => 404,
            IamError::AccessDenied(_) | IamError::InvalidAuthenticationCode(_) => 403,
            IamError::SignInFailed | IamError::NotSignedIn => 401,
            IamError::Unavailable(_) => 503,
            IamError::Internal(_) => 500,
        }
    }

    /// What a person may be shown: everything except internal causes, which stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            IamError::Internal(_) => "Something went wrong on our side. Please try again.".to_owned(),
            IamError::Unavailable(_) => {
                "The service is unavailable for a moment (its database cannot be reached). Please try again shortly."
                    .to_owned()
            }
            other => clip_echoes(&other.to_string()),
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            IamError::Validation(fields) | IamError::PasswordPolicyViolation(fields) => fields,
            _ => &[],
        }
    }
}

#[cfg(feature = "server")]
impl From<sqlx::Error> for IamError {
    fn from(e: sqlx::Error) -> Self {
        if crate::store::record_if_unavailable(&e) || crate::store::is_timeout(&e) {
            IamError::Unavailable(format!("database: {e}"))
        } else if crate::store::is_bad_value(&e) {
            // A value no validator looked at (a name used only to look something up) that
            // PostgreSQL cannot take: the request's fault, not the server's.
            IamError::InvalidInput(
                "The request contains a value that cannot be stored or looked up (for example a NUL character or a number out of range).".into(),
            )
        } else {
            IamError::Internal(format!("database: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_names_every_field_like_iam() {
        let e = IamError::Validation(vec![
            FieldError::new("userName", "must be 1 to 64 characters"),
            FieldError::new("path", "must start and end with /"),
        ]);
        assert_eq!(e.code(), "ValidationError");
        assert_eq!(e.status(), 400);
        let msg = e.public_message();
        assert!(msg.starts_with("2 validation errors detected: Value at 'userName'"), "{msg}");
        assert!(msg.contains("Value at 'path' failed to satisfy constraint: must start and end with /"));
    }

    /// Attack: 100,000-character inputs came back whole inside error messages.
    #[test]
    fn echoed_values_are_cut() {
        let name = "a".repeat(100_000);
        let e = IamError::NoSuchEntity(format!("The user with name {name} cannot be found."));
        let msg = e.public_message();
        assert!(msg.len() < 300, "{}", msg.len());
        assert!(msg.starts_with("The user with name aaaa") && msg.ends_with("… cannot be found."), "{msg}");
    }

    #[test]
    fn internal_causes_are_never_public() {
        let e = IamError::Internal("database: password authentication failed for user x".into());
        assert!(!e.public_message().contains("database"));
        assert_eq!(e.status(), 500);
    }
}
