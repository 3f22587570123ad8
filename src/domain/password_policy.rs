//! The account password policy (IAM's fields, ranges and defaults) and the one validator that
//! decides whether a new IAM user password is acceptable. Pure and compiled for wasm too, so the
//! browser shows the same checklist as the server enforces.

use super::password::{charset_ok, root_password_violations, PasswordRule};
use crate::FieldError;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// An account's custom password policy. `None` where an account has none: AWS's default rules apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// 6–128.
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// Days, 1–1095; `None`: passwords never expire.
    pub max_password_age: Option<u32>,
    /// How many previous passwords may not be reused, 1–24.
    pub password_reuse_prevention: Option<u32>,
    /// Expired passwords can be replaced only by an administrator.
    pub hard_expiry: bool,
}

/// What the console's policy form sends: numbers as typed, so every bad one can be reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicyInput {
    pub minimum_password_length: String,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub expire_passwords: bool,
    pub max_password_age: String,
    pub prevent_reuse: bool,
    pub password_reuse_prevention: String,
    pub hard_expiry: bool,
}

fn number_in(field: &str, raw: &str, min: u32, max: u32, errors: &mut Vec<FieldError>) -> Option<u32> {
    match raw.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new(field, format!("must be a whole number from {min} to {max}")));
            None
        }
    }
}

impl PasswordPolicy {
    pub const MIN_LENGTH_FIELD: &'static str = "minimumPasswordLength";
    pub const MAX_AGE_FIELD: &'static str = "maxPasswordAge";
    pub const REUSE_FIELD: &'static str = "passwordReusePrevention";

    /// Checks every field of the form at once.
    pub fn parse(input: &PasswordPolicyInput) -> Result<PasswordPolicy, Vec<FieldError>> {
        let mut errors = Vec::new();
        let min = number_in(Self::MIN_LENGTH_FIELD, &input.minimum_password_length, 6, 128, &mut errors);
        let max_age = if input.expire_passwords {
            number_in(Self::MAX_AGE_FIELD, &input.max_password_age, 1, 1095, &mut errors)
        } else {
            None
        };
        let reuse = if input.prevent_reuse {
            number_in(Self::REUSE_FIELD, &input.password_reuse_prevention, 1, 24, &mut errors)
        } else {
            None
        };
        match (min, errors.is_empty()) {
            (Some(minimum_password_length), true) => Ok(PasswordPolicy {
                minimum_password_length,
                require_symbols: input.require_symbols,
                require_numbers: input.require_numbers,
                require_uppercase_characters: input.require_uppercase_characters,
                require_lowercase_characters: input.require_lowercase_characters,
                allow_users_to_change_password: input.allow_users_to_change_password,
                max_password_age: max_age,
                password_reuse_prevention: reuse,
                // Without expiry, HardExpiry means nothing; keep the stored policy honest.
                hard_expiry: input.hard_expiry && max_age.is_some(),
            }),
            _ => Err(errors),
        }
    }

    /// The form's values for this policy (or, for `None`, the console's suggested starting point).
    pub fn to_input(policy: Option<&PasswordPolicy>) -> PasswordPolicyInput {
        match policy {
            None => PasswordPolicyInput {
                minimum_password_length: "8".into(),
                max_password_age: "90".into(),
                password_reuse_prevention: "5".into(),
                ..PasswordPolicyInput::default()
            },
            Some(p) => PasswordPolicyInput {
                minimum_password_length: p.minimum_password_length.to_string(),
                require_symbols: p.require_symbols,
                require_numbers: p.require_numbers,
                require_uppercase_characters: p.require_uppercase_characters,
                require_lowercase_characters: p.require_lowercase_characters,
                allow_users_to_change_password: p.allow_users_to_change_password,
                expire_passwords: p.max_password_age.is_some(),
                max_password_age: p.max_password_age.unwrap_or(90).to_string(),
                prevent_reuse: p.password_reuse_prevention.is_some(),
                password_reuse_prevention: p.password_reuse_prevention.unwrap_or(5).to_string(),
                hard_expiry: p.hard_expiry,
            },
        }
    }

    /// IAM's read-only ExpirePasswords.
    pub fn expire_passwords(&self) -> bool {
        self.max_password_age.is_some()
    }
}

/// The rules a new IAM user password must meet under `policy` (AWS's defaults when `None`).
pub fn password_rules(policy: Option<&PasswordPolicy>) -> Vec<PasswordRule> {
    match policy {
        None => vec![
            PasswordRule::Length { min: 8, max: 128 },
            PasswordRule::Charset,
            PasswordRule::CharacterClasses { required: 3 },
            PasswordRule::SameAsIdentity,
        ],
        Some(p) => {
            let mut rules =
                vec![PasswordRule::Length { min: p.minimum_password_length, max: 128 }, PasswordRule::Charset];
            for (on, rule) in [
                (p.require_uppercase_characters, PasswordRule::Uppercase),
                (p.require_lowercase_characters, PasswordRule::Lowercase),
                (p.require_numbers, PasswordRule::Number),
                (p.require_symbols, PasswordRule::Symbol),
            ] {
                if on {
                    rules.push(rule);
                }
            }
            rules
        }
    }
}

/// Whether `password` meets one rule (`identities`: names the password must not equal).
pub fn rule_met(rule: PasswordRule, password: &str, identities: &[&str]) -> bool {
    let n = password.chars().count() as u32;
    match rule {
        PasswordRule::Length { min, max } => (min..=max).contains(&n),
        PasswordRule::Charset => password.chars().all(charset_ok),
        PasswordRule::CharacterClasses { .. } | PasswordRule::SameAsIdentity => {
            !root_password_violations(password, identities).contains(&rule)
        }
        PasswordRule::Uppercase => password.chars().any(|c| c.is_ascii_uppercase()),
        PasswordRule::Lowercase => password.chars().any(|c| c.is_ascii_lowercase()),
        PasswordRule::Number => password.chars().any(|c| c.is_ascii_digit()),
        PasswordRule::Symbol => password.chars().any(|c| super::password::SYMBOLS.contains(c)),
    }
}

/// Every rule of `policy` the password breaks, in the order of [`password_rules`]; empty if none.
pub fn password_violations(policy: Option<&PasswordPolicy>, password: &str, identities: &[&str]) -> Vec<PasswordRule> {
    password_rules(policy).into_iter().filter(|r| !rule_met(*r, password, identities)).collect()
}

/// When a password set at `changed_at` expires under `policy`, if it does.
pub fn password_expires_at(policy: Option<&PasswordPolicy>, changed_at: OffsetDateTime) -> Option<OffsetDateTime> {
    policy.and_then(|p| p.max_password_age).map(|days| changed_at + time::Duration::days(i64::from(days)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: 12,
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            max_password_age: Some(90),
            password_reuse_prevention: Some(5),
            hard_expiry: false,
        }
    }

    #[test]
    fn without_a_policy_aws_defaults_apply() {
        assert!(password_violations(None, "Abcdefg1", &[]).is_empty());
        assert_eq!(
            password_violations(None, "abc", &["bob"]),
            vec![PasswordRule::Length { min: 8, max: 128 }, PasswordRule::CharacterClasses { required: 3 }]
        );
        assert_eq!(password_violations(None, "Bob-User-1", &["bob-user-1"]), vec![PasswordRule::SameAsIdentity]);
    }

    #[test]
    fn every_unmet_rule_of_a_policy_is_reported() {
        let v = password_violations(Some(&strict()), "short€", &[]);
        assert_eq!(
            v,
            vec![
                PasswordRule::Length { min: 12, max: 128 },
                PasswordRule::Charset,
                PasswordRule::Uppercase,
                PasswordRule::Number,
                PasswordRule::Symbol
            ]
        );
        assert!(password_violations(Some(&strict()), "Correct-Horse-9", &[]).is_empty());
    }

    #[test]
    fn minimum_length_boundaries_count_characters() {
        let p = PasswordPolicy { minimum_password_length: 6, ..strict() };
        assert!(password_violations(Some(&p), "Aa1!éé", &[]).is_empty());
        assert!(password_violations(Some(&p), "Aa1!é", &[]).contains(&PasswordRule::Length { min: 6, max: 128 }));
        let at_max = format!("Aa1!{}", "ü".repeat(124));
        assert!(password_violations(Some(&p), &at_max, &[]).is_empty());
        let over = format!("{at_max}x");
        assert_eq!(password_violations(Some(&p), &over, &[]), vec![PasswordRule::Length { min: 6, max: 128 }]);
    }

    #[test]
    fn only_the_listed_symbols_count_as_symbols() {
        let p = PasswordPolicy { minimum_password_length: 6, ..strict() };
        assert!(password_violations(Some(&p), "Abcdef1~", &[]).contains(&PasswordRule::Symbol));
        assert!(!password_violations(Some(&p), "Abcdef1'", &[]).contains(&PasswordRule::Symbol));
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let input = PasswordPolicyInput {
            minimum_password_length: "5".into(),
            expire_passwords: true,
            max_password_age: "1096".into(),
            prevent_reuse: true,
            password_reuse_prevention: "x".into(),
            ..PasswordPolicyInput::default()
        };
        let fields: Vec<String> = PasswordPolicy::parse(&input).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["minimumPasswordLength", "maxPasswordAge", "passwordReusePrevention"]);
        let ok = PasswordPolicyInput { minimum_password_length: "128".into(), hard_expiry: true, ..input.clone() };
        let ok = PasswordPolicyInput { max_password_age: "1095".into(), password_reuse_prevention: "24".into(), ..ok };
        let p = PasswordPolicy::parse(&ok).unwrap();
        assert_eq!(
            (p.minimum_password_length, p.max_password_age, p.password_reuse_prevention),
            (128, Some(1095), Some(24))
        );
        assert!(p.hard_expiry && p.expire_passwords());
        // Unchecked options ignore their numbers, and HardExpiry needs expiry.
        let off = PasswordPolicyInput { minimum_password_length: "6".into(), hard_expiry: true, ..Default::default() };
        let p = PasswordPolicy::parse(&off).unwrap();
        assert_eq!((p.max_password_age, p.password_reuse_prevention, p.hard_expiry), (None, None, false));
        assert_eq!(PasswordPolicy::parse(&PasswordPolicy::to_input(Some(&strict()))).unwrap(), strict());
    }
}
