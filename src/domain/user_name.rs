//! The IAM user name: 1–64 of `[A-Za-z0-9_+=,.@-]`, unique per account ignoring case.

/// The most users the console's Add users creates at once, as in the AWS console.
pub const MAX_USERS_PER_BATCH: usize = 10;

use super::newtype::string_newtype;
use crate::IamError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

string_newtype!(UserName);

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

impl UserName {
    pub const FIELD: &'static str = "userName";

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        check_iam_name(raw, 64, Self::FIELD)?;
        Ok(Self(raw.to_owned()))
    }
}

/// IAM's rule for the names of users, groups and MFA devices: 1 to `max` characters of
/// `[A-Za-z0-9_+=,.@-]`; every problem is reported under `field`.
pub(crate) fn check_iam_name(raw: &str, max: usize, field: &str) -> Result<(), IamError> {
    let mut problems = Vec::new();
    if !(1..=max).contains(&raw.chars().count()) {
        problems.push(format!("must be 1 to {max} characters"));
    }
    let bad: Vec<String> = raw.chars().filter(|c| !allowed(*c)).take(5).map(describe_char).collect();
    if !bad.is_empty() {
        problems.push(format!("may contain only letters A-Z and a-z, digits and _+=,.@- (found {})", bad.join(", ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(IamError::field(field, problems.join("; ")))
    }
}

/// Shows a rejected character so that control characters and look-alikes are visible.
pub(crate) fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || !c.is_ascii() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_iam_user_name_rules() {
        for ok in ["a", "alice", "Bob_1+=,.@-x", &"x".repeat(64)] {
            assert!(UserName::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in ["", &"x".repeat(65), "a b", "a/b", "a\u{0}b", "alice\n", "аlice" /* Cyrillic а */, "ｂob"] {
            assert!(UserName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn look_alikes_are_named_by_code_point() {
        let err = UserName::parse("аlice").unwrap_err();
        assert!(err.field_errors()[0].message.contains("U+0430"), "{err}");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 64 two-byte characters would be 128 bytes; they are refused for the charset, not length.
        let err = UserName::parse(&"é".repeat(64)).unwrap_err();
        assert!(!err.field_errors()[0].message.contains("1 to 64"));
    }
}
