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
    let secs =
        i64::try_from(t.to_unix_duration().as_secs()).map_err(|_| malformed("a validity date is out of range"))?;
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
        let der_sha256 = crate::sigv4::hex(&Sha256::digest(&der));
        Ok(SigningCertificate { pem: pem.to_owned(), der_sha256, not_before, not_after })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openssl req -x509 -newkey ec … -days 1`: valid from 2026-12-02 13:39:46 to the next day.
    const ONE_DAY: &str = "-----BEGIN CERTIFICATE-----\nMIIBgjCCASmgAwIBAgIUSLh6GSkiOs+n4CEbXqjXkNZXrt0wCgYIKoZIzj0EAwIw\nFzEVMBMGA1UEAwwMbGFueWFyZC10ZXN0MB4XDTI2MTIwMjEzMzk0NloXDTI2MTIw\nMzEzMzk0NlowFzEVMBMGA1UEAwwMbGFueWFyZC10ZXN0MFkwEwYHKoZIzj0CAQYI\nKoZIzj0DAQcDQgAE1QaT6Fu3Ecfaw0GfOe+R44qhm8Kz1k11rNJQZGf7yQ1eJpd1\ni8RcJ2GFVQ4MGNp2zUovTUPlPU2MsPH+HO6Gq6NTMFEwHQYDVR0OBBYEFLpvljs8\nn75gU7BtMRgKpF4eO97lMB8GA1UdIwQYMBaAFLpvljs8n75gU7BtMRgKpF4eO97l\nMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgJFZm8Y0u2T1Dj9C7\nyBygGqLoFsUeRQxroikPcIuouB0CIAOPowjavmqpMD5yK2abIqxMFm84WMDq7i56\nmejJrsfu\n-----END CERTIFICATE-----";

    #[test]
    fn certificates_parse_and_must_be_valid_now() {
        let start = time::macros::datetime!(2026-12-02 13:39:46 UTC);
        let c = SigningCertificate::parse(&format!("\n{ONE_DAY}\n"), start + time::Duration::hours(1)).unwrap();
        assert_eq!(c.pem, ONE_DAY);
        assert_eq!(c.not_before, start);
        assert_eq!(c.not_after, start + time::Duration::days(1));
        assert_eq!(c.der_sha256.len(), 64);
        let expired = SigningCertificate::parse(ONE_DAY, start + time::Duration::days(2)).unwrap_err();
        assert_eq!(expired.code(), "InvalidCertificate");
        let early = SigningCertificate::parse(ONE_DAY, start - time::Duration::days(1)).unwrap_err();
        assert_eq!(early.code(), "InvalidCertificate");
    }

    #[test]
    fn non_certificates_are_malformed() {
        let now = OffsetDateTime::now_utc();
        let code = |body: &str| SigningCertificate::parse(body, now).unwrap_err().code();
        assert_eq!(code("hello"), "MalformedCertificate");
        assert_eq!(code("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), "MalformedCertificate");
        assert_eq!(code("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"), "MalformedCertificate");
    }
}
