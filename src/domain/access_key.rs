//! Access key identifiers and states, as IAM formats them.

use super::newtype::string_newtype;
use crate::IamError;
use serde::{Deserialize, Serialize};

/// Keys per user, and for the root user, inactive ones included (IAM's quota).
pub const MAX_ACCESS_KEYS: usize = 2;

/// `AKIA` followed by 16 of `A-Z2-7`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccessKeyId(String);

string_newtype!(AccessKeyId);

impl AccessKeyId {
    pub const FIELD: &'static str = "accessKeyId";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        let ok = raw.len() == 20
            && raw.starts_with("AKIA")
            && raw[4..].bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IamError::field(Self::FIELD, "must be AKIA followed by 16 of A-Z and 2-7"))
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessKeyStatus {
    Active,
    Inactive,
}

impl AccessKeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKeyStatus::Active => "Active",
            AccessKeyStatus::Inactive => "Inactive",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        match raw {
            "Active" => Ok(AccessKeyStatus::Active),
            "Inactive" => Ok(AccessKeyStatus::Inactive),
            _ => Err(IamError::field("status", "must be Active or Inactive")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_follow_aws_format() {
        assert!(AccessKeyId::parse("AKIAIOSFODNN7EXAMPL2").is_ok());
        for bad in [
            "",
            "AKIA",
            "ASIAIOSFODNN7EXAMPLE",
            "AKIAIOSFODNN7EXAMPL1",
            "akiaiosfodnn7exampl2",
            "AKIAIOSFODNN7EXAMPLEX",
        ] {
            assert!(AccessKeyId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(AccessKeyStatus::parse("Inactive").unwrap().as_str(), "Inactive");
        assert!(AccessKeyStatus::parse("inactive").is_err());
    }
}
