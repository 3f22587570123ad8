//! IAM's unique IDs (`AIDA…` for users): a 4-letter prefix and 17 characters of `A-Z2-7`.

use super::newtype::string_newtype;
use crate::IamError;
use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UniqueIdKind {
    User,
    Group,
    Policy,
}

impl UniqueIdKind {
    fn prefix(self) -> &'static str {
        match self {
            UniqueIdKind::User => "AIDA",
            UniqueIdKind::Group => "AGPA",
            UniqueIdKind::Policy => "ANPA",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UniqueId(String);

string_newtype!(UniqueId);

impl UniqueId {
    pub fn parse(raw: &str) -> Result<Self, IamError> {
        let ok = raw.len() == 21
            && [UniqueIdKind::User, UniqueIdKind::Group, UniqueIdKind::Policy]
                .iter()
                .any(|k| raw.starts_with(k.prefix()))
            && raw.bytes().skip(4).all(|b| ALPHABET.contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IamError::field("userId", "must be 21 characters: a 4-letter prefix and 17 of A-Z, 2-7"))
        }
    }

    #[cfg(feature = "server")]
    pub fn generate(kind: UniqueIdKind) -> Self {
        use rand::Rng;
        let mut rng = rand::rngs::OsRng;
        let tail: String = (0..17).map(|_| ALPHABET[rng.gen_range(0..32)] as char).collect();
        Self(format!("{}{tail}", kind.prefix()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_aws_shaped_ids() {
        assert!(UniqueId::parse("AIDAJQABLZS4A3QDU576Q").is_ok());
        assert!(UniqueId::parse("AIDAJQABLZS4A3QDU576").is_err());
        assert!(UniqueId::parse("AIDAJQABLZS4A3QDU5761").is_err(), "1 is not in A-Z2-7");
        assert!(UniqueId::parse("XXXXJQABLZS4A3QDU576Q").is_err());
    }

    #[cfg(feature = "server")]
    #[test]
    fn generated_user_ids_are_21_chars_with_aida() {
        let id = UniqueId::generate(UniqueIdKind::User);
        assert_eq!(id.as_str().len(), 21);
        assert!(id.as_str().starts_with("AIDA"));
        assert!(UniqueId::parse(id.as_str()).is_ok());
    }
}
