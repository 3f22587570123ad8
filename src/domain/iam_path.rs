//! The IAM path (namespace): `/` or `/` + printable ASCII `!`–`~` + `/`, at most 512 characters.

use super::newtype::string_newtype;
use super::user_name::describe_char;
use crate::IamError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IamPath(String);

string_newtype!(IamPath);

impl IamPath {
    pub const FIELD: &'static str = "path";

    pub fn root() -> Self {
        Self("/".to_owned())
    }

    pub fn parse(raw: &str) -> Result<Self, IamError> {
        let mut problems = Vec::new();
        let n = raw.chars().count();
        if !(1..=512).contains(&n) {
            problems.push("must be 1 to 512 characters".to_owned());
        }
        if !raw.starts_with('/') || !raw.ends_with('/') {
            problems.push("must begin and end with a forward slash (/)".to_owned());
        }
        let bad: Vec<char> = raw.chars().filter(|c| !('!'..='~').contains(c)).take(5).collect();
        if !bad.is_empty() {
            let shown: Vec<String> = bad.iter().map(|c| describe_char(*c)).collect();
            problems.push(format!(
                "may contain only printable ASCII characters without spaces (found {})",
                shown.join(", ")
            ));
        }
        if problems.is_empty() {
            Ok(Self(raw.to_owned()))
        } else {
            Err(IamError::field(Self::FIELD, problems.join("; ")))
        }
    }
}

impl Default for IamPath {
    fn default() -> Self {
        Self::root()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_iam_path_rules() {
        for ok in ["/", "/eng/", "/eng/ops/", "/a!~/", &format!("/{}/", "x".repeat(510))] {
            assert!(IamPath::parse(ok).is_ok(), "{ok:?} refused");
        }
        for bad in ["", "eng/", "/eng", "/e g/", "/e\tg/", "/é/", &format!("/{}/", "x".repeat(511))] {
            assert!(IamPath::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn ten_kilobytes_of_input_gets_a_clear_length_error() {
        let err = IamPath::parse(&"/".repeat(10_000)).unwrap_err();
        assert!(err.field_errors()[0].message.contains("1 to 512"));
    }
}
