//! Policy names (customer-managed and inline): 1–128 of `[A-Za-z0-9_+=,.@-]`; managed ones are
//! unique per account ignoring case, inline ones per user or group.

use super::newtype::string_newtype;
use super::user_name::check_iam_name;
use crate::IamError;
use serde::{Deserialize, Serialize};

/// Managed policies attached to one user or one group (IAM's default quota).
pub const MAX_ATTACHED_POLICIES: usize = 10;
/// Versions a customer-managed policy keeps.
pub const MAX_POLICY_VERSIONS: usize = 5;
/// The total characters of a user's inline policies (IAM's quota; groups have their own).
pub const MAX_USER_INLINE_CHARS: usize = 2048;
pub const MAX_GROUP_INLINE_CHARS: usize = 5120;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PolicyName(String);

string_newtype!(PolicyName);

impl PolicyName {
    pub const FIELD: &'static str = "policyName";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        check_iam_name(raw, 128, Self::FIELD)?;
        Ok(Self(raw.to_owned()))
    }
}

/// `arn:aws:iam::<account>:policy<path><name>` of a customer-managed policy.
pub fn policy_arn(account: &super::AccountId, path: &super::IamPath, name: &PolicyName) -> String {
    format!("arn:aws:iam::{account}:policy{path}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_iam_policy_name_rules() {
        for ok in ["SelfService", "read-only_2", "a.b@c+d=e,f", &"p".repeat(128)] {
            assert!(PolicyName::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in ["", &"p".repeat(129), "my policy", "a/b"] {
            assert_eq!(PolicyName::parse(bad).unwrap_err().field_errors()[0].field, "policyName", "{bad:?}");
        }
    }

    #[test]
    fn arn_has_the_path() {
        let acct = super::super::AccountId::parse("111122223333").unwrap();
        let path = super::super::IamPath::parse("/team/").unwrap();
        let name = PolicyName::parse("Ops").unwrap();
        assert_eq!(policy_arn(&acct, &path, &name), "arn:aws:iam::111122223333:policy/team/Ops");
    }
}
