//! Passwords as secrets (never printed) and the root user's fixed password rules.
//!
//! Rules count characters, not bytes, and a validator returns *every* broken rule so a form can
//! list them all at once.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A password in clear text, on its way to be hashed or verified. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub const FIELD: &'static str = "password";

    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The symbols IAM counts as "non-alphanumeric".
pub const SYMBOLS: &str = "!@#$%^&*()_+-=[]{}|'";

/// One rule a password can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordRule {
    /// Length outside `min..=max` characters.
    Length {
        min: u32,
        max: u32,
    },
    /// A character outside tab, newline, carriage return and U+0020–U+00FF.
    Charset,
    /// Fewer than `required` of: uppercase, lowercase, digit, symbol.
    CharacterClasses {
        required: u32,
    },
    /// Equal to the account's name or email, or the user's name.
    SameAsIdentity,
    /// The account policy's "Require at least one uppercase letter" (A–Z).
    Uppercase,
    Lowercase,
    Number,
    /// At least one of [`SYMBOLS`].
    Symbol,
}

impl PasswordRule {
    pub fn message(&self) -> String {
        match self {
            PasswordRule::Length { min, max } => format!("must be {min} to {max} characters long"),
            PasswordRule::Charset => {
                "may contain only printable Latin-1 characters (U+0020 to U+00FF), tab and newline".to_owned()
            }
            PasswordRule::CharacterClasses { required } => format!(
                "must contain at least {required} of: uppercase letters, lowercase letters, numbers, symbols ({SYMBOLS})"
            ),
            PasswordRule::SameAsIdentity => "must not be the same as your user name or email address".to_owned(),
            PasswordRule::Uppercase => "must contain at least one uppercase letter (A–Z)".to_owned(),
            PasswordRule::Lowercase => "must contain at least one lowercase letter (a–z)".to_owned(),
            PasswordRule::Number => "must contain at least one number (0–9)".to_owned(),
            PasswordRule::Symbol => format!("must contain at least one non-alphanumeric character ({SYMBOLS})"),
        }
    }
}

pub(crate) fn charset_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{FF}').contains(&c)
}

/// How many of the four character classes the password uses.
pub fn character_classes(password: &str) -> u32 {
    let has = |f: &dyn Fn(char) -> bool| password.chars().any(f) as u32;
    has(&|c| c.is_ascii_uppercase())
        + has(&|c| c.is_ascii_lowercase())
        + has(&|c| c.is_ascii_digit())
        + has(&|c| SYMBOLS.contains(c))
}

/// Every rule the root user's password breaks (8–128 characters, three of four classes); empty if none.
/// The same rules are AWS's default for IAM users when an account has no custom policy.
pub fn root_password_violations(password: &str, identities: &[&str]) -> Vec<PasswordRule> {
    let mut broken = Vec::new();
    let n = password.chars().count();
    if !(8..=128).contains(&n) {
        broken.push(PasswordRule::Length { min: 8, max: 128 });
    }
    if !password.chars().all(charset_ok) {
        broken.push(PasswordRule::Charset);
    }
    if character_classes(password) < 3 {
        broken.push(PasswordRule::CharacterClasses { required: 3 });
    }
    if identities.iter().any(|id| !id.is_empty() && id.eq_ignore_ascii_case(password)) {
        broken.push(PasswordRule::SameAsIdentity);
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Password::new("hunter2-Secret!");
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }

    #[test]
    fn root_rules_accept_three_classes() {
        assert!(root_password_violations("Abcdefg1", &[]).is_empty());
        assert!(root_password_violations("abcdefg1!", &[]).is_empty());
        assert!(root_password_violations("ABCDEFG!1", &[]).is_empty());
    }

    #[test]
    fn root_rules_report_every_violation() {
        let v = root_password_violations("abc", &[]);
        assert_eq!(v, vec![PasswordRule::Length { min: 8, max: 128 }, PasswordRule::CharacterClasses { required: 3 }]);
    }

    #[test]
    fn length_boundaries_count_characters_not_bytes() {
        assert!(root_password_violations("Aa1!Aa1", &[]).contains(&PasswordRule::Length { min: 8, max: 128 }));
        assert!(root_password_violations("Aa1!Aa1!", &[]).is_empty());
        // 128 two-byte characters (256 bytes) are still 128 characters.
        let long = format!("Aa1{}", "é".repeat(125));
        assert!(root_password_violations(&long, &[]).is_empty(), "{:?}", root_password_violations(&long, &[]));
        let too_long = format!("Aa1{}", "é".repeat(126));
        assert!(!root_password_violations(&too_long, &[]).is_empty());
    }

    #[test]
    fn characters_outside_latin1_are_refused() {
        assert!(root_password_violations("Abcdefg1€", &[]).contains(&PasswordRule::Charset));
        assert!(root_password_violations("Abcdefg1\u{0}", &[]).contains(&PasswordRule::Charset));
    }

    #[test]
    fn password_equal_to_identity_is_refused() {
        let v = root_password_violations("Admin@Example.com", &["admin@example.com"]);
        assert_eq!(v, vec![PasswordRule::SameAsIdentity]);
    }
}
