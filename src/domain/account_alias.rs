//! The account alias: AWS's `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, and not all digits
//! (so an alias can never be mistaken for an account ID in a sign-in URL).

use super::newtype::string_newtype;
use crate::IamError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountAlias(String);

string_newtype!(AccountAlias);

impl AccountAlias {
    pub const FIELD: &'static str = "accountAlias";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        let mut problems = Vec::new();
        let n = raw.chars().count();
        if !(3..=63).contains(&n) {
            problems.push("must be 3 to 63 characters");
        }
        if !raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            problems.push("may contain only lowercase letters a-z, digits and hyphens");
        }
        if raw.starts_with('-') || raw.ends_with('-') {
            problems.push("must start and end with a letter or digit");
        }
        if raw.contains("--") {
            problems.push("must not contain two hyphens in a row");
        }
        if !raw.is_empty() && raw.chars().all(|c| c.is_ascii_digit()) {
            problems.push("must not consist of digits only");
        }
        if problems.is_empty() {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IamError::field(Self::FIELD, problems.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_aws_alias_rules() {
        for ok in ["demo", "abc", "my-company", "a1b", "0abc", &"a".repeat(63)] {
            assert!(AccountAlias::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in ["ab", &"a".repeat(64), "Demo", "-abc", "abc-", "a--b", "a_b", "a.b", "123456789012", "ábc", "a b"]
        {
            assert!(AccountAlias::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn reports_every_broken_rule_for_the_field() {
        let err = AccountAlias::parse("-A").unwrap_err();
        let fields = err.field_errors();
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].field, "accountAlias");
        assert!(fields[0].message.contains("3 to 63"));
        assert!(fields[0].message.contains("lowercase"));
        assert!(fields[0].message.contains("start and end"));
    }
}
