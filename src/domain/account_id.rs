//! The 12-digit account ID.

use super::newtype::string_newtype;
use crate::IamError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

string_newtype!(AccountId);

impl AccountId {
    pub const FIELD: &'static str = "accountId";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        if raw.len() == 12 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IamError::field(Self::FIELD, "must be exactly 12 digits"))
        }
    }

    /// A fresh random ID; the leading digit may be 0, as in AWS.
    #[cfg(feature = "server")]
    pub fn generate() -> Self {
        use rand::Rng;
        let mut rng = rand::rngs::OsRng;
        Self((0..12).map(|_| char::from(b'0' + rng.gen_range(0..10u8))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_twelve_digits_only() {
        assert!(AccountId::parse("012345678910").is_ok());
        for bad in ["", "12345678901", "1234567890123", "12345678901a", "１２３４５６７８９０１２", " 12345678901"]
        {
            assert!(AccountId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[cfg(feature = "server")]
    #[test]
    fn generated_ids_are_valid_and_differ() {
        let a = AccountId::generate();
        let b = AccountId::generate();
        assert!(AccountId::parse(a.as_str()).is_ok());
        assert_ne!(a, b);
    }
}
