//! The IAM group name: 1–128 of `[A-Za-z0-9_+=,.@-]`, unique per account ignoring case.

use super::newtype::string_newtype;
use super::user_name::check_iam_name;
use crate::IamError;
use serde::{Deserialize, Serialize};

/// Groups a user may belong to (IAM's quota).
pub const MAX_GROUPS_PER_USER: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupName(String);

string_newtype!(GroupName);

impl GroupName {
    pub const FIELD: &'static str = "groupName";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        check_iam_name(raw, 128, Self::FIELD)?;
        Ok(Self(raw.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_iam_group_name_rules() {
        for ok in ["Admins", "dev-ops_2", "a.b@c+d=e,f", &"g".repeat(128)] {
            assert!(GroupName::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in ["", &"g".repeat(129), "my group", "a/b", "Ädmins"] {
            assert_eq!(GroupName::parse(bad).unwrap_err().field_errors()[0].field, "groupName", "{bad:?}");
        }
    }
}
