//! X.509 signing certificates as IAM takes them: one PEM `CERTIFICATE`, parsed by the
//! `x509-cert` crate, inside its validity period. What is kept: the PEM as uploaded (trimmed),
//! the SHA-256 of its DER (duplicates are found by it) and the validity dates for the console.

use crate::{CredentialFault, IamError};
use der::{DecodePem, Encode};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_cert::Certificate;

/// An uploaded certificate, understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningCertificate {
    /// The PEM block, as uploaded (surrounding whitespace trimmed).
    pub pem: String,
    /// SHA-256 of the DER, hex: one certificate cannot be uploaded twice in an account.
    pub der_sha256: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

fn malformed(why: &str) -> IamError {
    IamError::BadCredential {
        fault: CredentialFault::MalformedCertificate,
        message: format!("The certificate is malformed: {why}. Give one PEM block (-----BEGIN CERTIFICATE-----)."),
    }
}

fn time_of(t: x509_cert::time::Time) -> Result<OffsetDateTime, IamError> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).map_err(|_| malformed("a validity date is out of range"))?;
    OffsetDateTime::from_unix_timestamp(secs).map_err(|_| malformed("a validity date is out of range"))
}

impl SigningCertificate {
    /// Parses `body` and checks that it is valid at `now`.
    pub fn parse(body: &str, now: OffsetDateTime) -> Result<Self, IamError> {
        let pem = body.trim();
        if !pem.starts_with("-----BEGIN CERTIFICATE-----") {
            return Err(malformed("it is not a PEM certificate"));
        }
        let cert = Certificate::from_pem(pem.as_bytes()).map_err(|_| malformed("it does not decode as X.509"))?;
        let der = cert.to_der().map_err(|_| malformed("it does not re-encode"))?;
        let validity = &cert.tbs_certificate.validity;
        let not_before = time_of(validity.not_before)?;
        let not_after = time_of(validity.not_after)?;
        if now > not_after {
            return Err(IamError::BadCredential {
                fault: CredentialFault::InvalidCertificate,
                message: "The certificate is invalid: it expired on ".to_owned() + &not_after.date().to_string() + ".",
            });
        }
        if now < not_before {
            return Err(IamError::BadCredential {
                fault: CredentialFault::InvalidCertificate,
                message: "The certificate is invalid: it is not valid before ".to_owned()
                    + &not_before.date().to_string()
                    + ".",
            });
        }
        let der_sha256 = Sha256::digest(&der).iter().map(|b| format!("{b:02x}")).collect();
        Ok(SigningCertificate { pem: pem.to_owned(), der_sha256, not_before, not_after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_certificates_are_malformed() {
        let now = OffsetDateTime::now_utc();
        let code = |body: &str| SigningCertificate::parse(body, now).unwrap_err().code();
        assert_eq!(code("hello"), "MalformedCertificate");
        assert_eq!(code("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), "MalformedCertificate");
        assert_eq!(code("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"), "MalformedCertificate");
    }
}
