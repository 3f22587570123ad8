//! The boilerplate every validated string type shares: `as_str`, `Display`, and serde through
//! `String` that runs the type's own `parse` (so deserialised values are validated too).

/// Implements `as_str`, `Display`, `TryFrom<String>` (via `Self::parse`) and `From<Self> for String`
/// for a `struct Name(String)` declared with `#[serde(try_from = "String", into = "String")]`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::IamError;
            fn try_from(s: String) -> Result<Self, $crate::IamError> {
                Self::parse(&s)
            }
        }

        impl ::std::convert::From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

pub(crate) use string_newtype;

#[cfg(test)]
mod tests {
    use crate::domain::{AccountAlias, UserName};

    #[test]
    fn deserialising_validates_like_parse() {
        assert_eq!(serde_json::from_str::<UserName>("\"alice\"").unwrap().as_str(), "alice");
        assert!(serde_json::from_str::<UserName>("\"a b\"").is_err());
        assert!(serde_json::from_str::<AccountAlias>("\"Not-Valid\"").is_err());
        let alias = AccountAlias::parse("acme").unwrap();
        assert_eq!(serde_json::to_string(&alias).unwrap(), "\"acme\"");
        assert_eq!(alias.to_string(), "acme");
    }
}
