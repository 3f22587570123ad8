//! Tags on IAM entities: keys 1–128 and values 0–256 characters of letters, digits, spaces and
//! `_ . : / = + - @`; at most 50 per user; keys unique ignoring case; `aws:` is reserved.

use super::user_name::describe_char;
use crate::{FieldError, IamError};
use serde::{Deserialize, Serialize};

pub const MAX_TAGS_PER_USER: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

fn allowed(c: char) -> bool {
    // AWS's pattern is [\p{L}\p{Z}\p{N}_.:/=+\-@]: any script's letters and digits, space separators.
    c.is_alphanumeric() || c == ' ' || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

fn charset_problem(raw: &str) -> Option<String> {
    let bad: Vec<String> = raw.chars().filter(|c| !allowed(*c)).take(5).map(describe_char).collect();
    (!bad.is_empty())
        .then(|| format!("may contain only letters, digits, spaces and _ . : / = + - @ (found {})", bad.join(", ")))
}

impl Tag {
    pub const KEY_FIELD: &'static str = "tags.key";
    pub const VALUE_FIELD: &'static str = "tags.value";
    pub const FIELD: &'static str = "tags";

    /// One tag; every problem of key and value is reported. `n` (1-based) names the tag in messages.
    pub fn parse(key: &str, value: &str, n: usize) -> Result<Tag, Vec<FieldError>> {
        let mut errors = Vec::new();
        let key_len = key.chars().count();
        if !(1..=128).contains(&key_len) {
            errors.push(FieldError::new(Self::KEY_FIELD, format!("tag {n}: the key must be 1 to 128 characters")));
        }
        if let Some(p) = charset_problem(key) {
            errors.push(FieldError::new(Self::KEY_FIELD, format!("tag {n}: the key {p}")));
        }
        if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            errors.push(FieldError::new(Self::KEY_FIELD, format!("tag {n}: keys starting with aws: are reserved")));
        }
        if value.chars().count() > 256 {
            errors
                .push(FieldError::new(Self::VALUE_FIELD, format!("tag {n}: the value must be at most 256 characters")));
        }
        if let Some(p) = charset_problem(value) {
            errors.push(FieldError::new(Self::VALUE_FIELD, format!("tag {n}: the value {p}")));
        }
        if errors.is_empty() {
            Ok(Tag { key: key.to_owned(), value: value.to_owned() })
        } else {
            Err(errors)
        }
    }

    /// A whole set of tags as a form sends it: rows with neither key nor value are ignored; keys
    /// must be unique ignoring case; at most `limit`.
    pub fn parse_set(rows: &[(String, String)], limit: usize) -> Result<Vec<Tag>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut tags: Vec<Tag> = Vec::new();
        let filled = rows.iter().filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()));
        for (i, (key, value)) in filled.enumerate() {
            match Tag::parse(key.trim(), value.trim(), i + 1) {
                Ok(tag) => {
                    if tags.iter().any(|t| t.key.to_lowercase() == tag.key.to_lowercase()) {
                        errors.push(FieldError::new(
                            Self::KEY_FIELD,
                            format!("tag {}: the key {} is used twice (keys are unique ignoring case)", i + 1, tag.key),
                        ));
                    } else {
                        tags.push(tag);
                    }
                }
                Err(e) => errors.extend(e),
            }
        }
        let count = rows.iter().filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty())).count();
        if count > limit {
            errors.push(FieldError::new(Self::FIELD, format!("at most {limit} tags per user (found {count})")));
        }
        if errors.is_empty() {
            Ok(tags)
        } else {
            Err(errors)
        }
    }
}

impl From<Vec<FieldError>> for IamError {
    fn from(errors: Vec<FieldError>) -> Self {
        IamError::Validation(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn follows_iam_tag_rules() {
        for (k, v) in
            [("team", ""), ("cost-center", "eng/ops:1"), ("Ünïcode Käy", "値"), (&"k".repeat(128), &"v".repeat(256))]
        {
            assert!(Tag::parse(k, v, 1).is_ok(), "{k:?}={v:?} refused");
        }
        for (k, v) in
            [("", "x"), (&"k".repeat(129), ""), ("a\u{0}b", ""), ("ok", "a\nb"), ("x", &"v".repeat(257)), ("a#b", "")]
        {
            assert!(Tag::parse(k, v, 1).is_err(), "{k:?}={v:?} accepted");
        }
    }

    #[test]
    fn the_aws_prefix_is_reserved_ignoring_case() {
        let e = Tag::parse("AWS:createdBy", "x", 3).unwrap_err();
        assert_eq!(e[0].message, "tag 3: keys starting with aws: are reserved");
        // A multi-byte character across the fourth byte must not trip the prefix check.
        assert!(Tag::parse("ab値x", "", 1).is_ok());
    }

    #[test]
    fn keys_are_unique_ignoring_case_and_blank_rows_are_ignored() {
        let e = Tag::parse_set(&rows(&[("Team", "a"), ("", ""), ("team", "b")]), 50).unwrap_err();
        assert!(e[0].message.contains("tag 2: the key team is used twice"), "{e:?}");
        assert_eq!(Tag::parse_set(&rows(&[("", " "), ("a", "1")]), 50).unwrap().len(), 1);
    }

    #[test]
    fn every_problem_is_reported_and_the_limit_is_counted() {
        let many: Vec<(String, String)> = (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        let e = Tag::parse_set(&many, 50).unwrap_err();
        assert_eq!(e, vec![FieldError::new("tags", "at most 50 tags per user (found 51)")]);
        let e = Tag::parse_set(&rows(&[("a#", &"v".repeat(300))]), 50).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(Tag::parse(&"é".repeat(128), &"値".repeat(256), 1).is_ok());
    }
}
