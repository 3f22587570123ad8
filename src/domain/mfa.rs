//! Virtual MFA devices' names and the six-digit codes they show.

use super::newtype::string_newtype;
use super::user_name::check_iam_name;
use super::AccountId;
use crate::IamError;
use serde::{Deserialize, Serialize};

/// Devices per user, and for the root user (IAM's quota).
pub const MAX_MFA_DEVICES: usize = 8;

/// A virtual MFA device's name: 1–128 of `[A-Za-z0-9_+=,.@-]`, unique within the account
/// ignoring case; it is the last part of the device's serial ARN.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MfaDeviceName(String);

string_newtype!(MfaDeviceName);

impl MfaDeviceName {
    pub const FIELD: &'static str = "virtualMFADeviceName";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        check_iam_name(raw, 128, Self::FIELD)?;
        Ok(Self(raw.to_owned()))
    }
}

/// A six-digit code as typed; spaces (authenticator apps show `123 456`) are dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaCode(String);

impl std::fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaCode(******)")
    }
}

impl MfaCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, IamError> {
        let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            Ok(Self(code))
        } else {
            Err(IamError::field(field, "must be the 6 digits your authenticator app shows"))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// `arn:aws:iam::<account>:mfa/<name>`: virtual devices made in the console live at path `/`.
pub fn mfa_arn(account: &AccountId, name: &MfaDeviceName) -> String {
    mfa_serial(account, "/", name.as_str())
}

/// A device's serial number (its ARN) at any path: `arn:aws:iam::<account>:mfa/<path…><name>`,
/// as CreateVirtualMFADevice's Path places it.
pub fn mfa_serial(account: &AccountId, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:mfa{path}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_follow_iam_rules() {
        for ok in ["phone", "alice-phone_2", "a.b@c+d=e,f", &"x".repeat(128)] {
            assert!(MfaDeviceName::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in ["", &"x".repeat(129), "my phone", "a/b", "phöne", "a\u{0}"] {
            let e = MfaDeviceName::parse(bad).unwrap_err();
            assert_eq!(e.field_errors()[0].field, "virtualMFADeviceName", "{bad:?}");
        }
    }

    #[test]
    fn codes_are_six_digits_spaces_allowed() {
        assert_eq!(MfaCode::parse("c", "123456").unwrap().expose(), "123456");
        assert_eq!(MfaCode::parse("c", " 123 456 ").unwrap().expose(), "123456");
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６"] {
            let e = MfaCode::parse("authenticationCode1", bad).unwrap_err();
            assert_eq!(e.field_errors()[0].field, "authenticationCode1");
        }
        assert!(!format!("{:?}", MfaCode::parse("c", "123456").unwrap()).contains("123456"));
    }

    #[test]
    fn serial_is_an_mfa_arn() {
        let acct = AccountId::parse("012345678910").unwrap();
        let name = MfaDeviceName::parse("alice-phone").unwrap();
        assert_eq!(mfa_arn(&acct, &name), "arn:aws:iam::012345678910:mfa/alice-phone");
    }
}
