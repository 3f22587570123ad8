//! The other credentials an IAM user can hold, as IAM names and limits them: SSH public keys
//! (`APKA…`), X.509 signing certificates, and service-specific credentials (`ACCA…`) for the
//! services that take a user name and password (HTTPS git, Cassandra).

use super::newtype::string_newtype;
use crate::IamError;
use serde::{Deserialize, Serialize};

/// SSH public keys per user, inactive ones included (IAM's quota).
pub const MAX_SSH_PUBLIC_KEYS: usize = 5;
/// Signing certificates per user (and for the root user).
pub const MAX_SIGNING_CERTIFICATES: usize = 2;
/// Service-specific credentials per user and service.
pub const MAX_SERVICE_CREDENTIALS_PER_SERVICE: usize = 2;
/// Longest SSH public key body IAM accepts (`publicKeyMaterialType`).
pub const MAX_SSH_KEY_BODY: usize = 16384;
/// Longest certificate body IAM accepts (`certificateBodyType`).
pub const MAX_CERTIFICATE_BODY: usize = 16384;

fn prefixed_base32(raw: &str, prefix: &str, field: &str) -> Result<String, IamError> {
    let ok = raw.len() == 20
        && raw.starts_with(prefix)
        && raw[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(IamError::field(field, format!("must be {prefix} followed by 16 of A-Z and 2-7")))
    }
}

/// `APKA` followed by 16 of `A-Z2-7`, as IAM forms SSH public key ids.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SshPublicKeyId(String);

string_newtype!(SshPublicKeyId);

impl SshPublicKeyId {
    pub const FIELD: &'static str = "sSHPublicKeyId";
    pub const PREFIX: &'static str = "APKA";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        prefixed_base32(raw, Self::PREFIX, Self::FIELD).map(Self)
    }
}

/// `ACCA` followed by 16 of `A-Z2-7`, as IAM forms service-specific credential ids.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCredentialId(String);

string_newtype!(ServiceCredentialId);

impl ServiceCredentialId {
    pub const FIELD: &'static str = "serviceSpecificCredentialId";
    pub const PREFIX: &'static str = "ACCA";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        prefixed_base32(raw, Self::PREFIX, Self::FIELD).map(Self)
    }
}

/// A signing certificate's id: 24 to 128 word characters (IAM's `certificateIdType`); Lanyard
/// issues 32 of `A-Z0-9`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificateId(String);

string_newtype!(CertificateId);

impl CertificateId {
    pub const FIELD: &'static str = "certificateId";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        let ok = (24..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IamError::field(Self::FIELD, "must be 24 to 128 letters, digits or underscores"))
        }
    }
}

/// The encoding GetSSHPublicKey answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SshKeyEncoding {
    /// One OpenSSH line: `ssh-rsa AAAA…`.
    Ssh,
    /// PEM: `-----BEGIN RSA PUBLIC KEY-----` (RSA) or `-----BEGIN PUBLIC KEY-----` (Ed25519).
    Pem,
}

impl SshKeyEncoding {
    pub fn parse(raw: &str) -> Result<Self, IamError> {
        match raw {
            "SSH" => Ok(SshKeyEncoding::Ssh),
            "PEM" => Ok(SshKeyEncoding::Pem),
            _ => Err(IamError::field("encoding", "Member must satisfy enum value set: [SSH, PEM]")),
        }
    }
}

/// The services a service-specific credential can be for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CredentialService {
    /// HTTPS git (CodeCommit-style): what Lanyard's `/auth/basic` answers for a reverse proxy.
    CodeCommit,
    /// Cassandra (Amazon Keyspaces-style) user name and password.
    Keyspaces,
}

impl CredentialService {
    pub const ALL: [CredentialService; 2] = [CredentialService::CodeCommit, CredentialService::Keyspaces];

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialService::CodeCommit => "codecommit.amazonaws.com",
            CredentialService::Keyspaces => "cassandra.amazonaws.com",
        }
    }

    /// What the console calls it.
    pub fn label(self) -> &'static str {
        match self {
            CredentialService::CodeCommit => "HTTPS Git credentials (codecommit.amazonaws.com)",
            CredentialService::Keyspaces => "Cassandra credentials (cassandra.amazonaws.com)",
        }
    }

    /// IAM's NotSupportedService for any other name.
    pub fn parse(raw: &str) -> Result<Self, IamError> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw).ok_or_else(|| {
            IamError::NotSupportedService(format!(
                "The specified service {} is not supported. Supported services: {}",
                crate::error::clip_echoes(raw),
                Self::ALL.map(|s| s.as_str()).join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_iams_formats() {
        assert!(SshPublicKeyId::parse("APKAEIBAERJR2EXAMPLE").is_ok());
        assert!(SshPublicKeyId::parse("AKIAEIBAERJR2EXAMPLE").is_err());
        assert!(SshPublicKeyId::parse("APKAeibaerjr2example").is_err());
        assert!(ServiceCredentialId::parse("ACCAEXAMPLE123EXAMPL").is_err(), "1 is not base32");
        assert!(ServiceCredentialId::parse("ACCAEXAMPLEXYZEXAMPL").is_ok());
        assert!(CertificateId::parse("TA7SMP42TDN5Z26OBPJE7EXAMPLE").is_ok());
        assert!(CertificateId::parse("short").is_err());
        assert!(CertificateId::parse("TA7SMP42TDN5Z26OBPJE7EXAMPLE;").is_err());
    }

    #[test]
    fn only_known_services_are_supported() {
        assert_eq!(CredentialService::parse("codecommit.amazonaws.com").unwrap(), CredentialService::CodeCommit);
        let e = CredentialService::parse("s3.amazonaws.com").unwrap_err();
        assert_eq!(e.code(), "NotSupportedService");
        assert_eq!(SshKeyEncoding::parse("PEM").unwrap(), SshKeyEncoding::Pem);
        assert!(SshKeyEncoding::parse("pem").is_err());
    }
}
