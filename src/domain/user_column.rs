//! The optional columns of the console's users list (the user name is always shown), chosen by
//! each principal and remembered for them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserColumn {
    Path,
    Created,
    PasswordLastUsed,
    Mfa,
    Groups,
    LastActivity,
    PasswordAge,
    AccessKeyAge,
    AccessKeyLastUsed,
    SshKeys,
    Certificates,
    Boundary,
}

impl UserColumn {
    /// Every column, in the list's order.
    pub const ALL: [UserColumn; 12] = [
        UserColumn::Path,
        UserColumn::Created,
        UserColumn::PasswordLastUsed,
        UserColumn::Mfa,
        UserColumn::Groups,
        UserColumn::LastActivity,
        UserColumn::PasswordAge,
        UserColumn::AccessKeyAge,
        UserColumn::AccessKeyLastUsed,
        UserColumn::SshKeys,
        UserColumn::Certificates,
        UserColumn::Boundary,
    ];

    /// What a principal sees before choosing.
    pub const DEFAULT: [UserColumn; 4] =
        [UserColumn::Path, UserColumn::Created, UserColumn::PasswordLastUsed, UserColumn::Mfa];

    /// The stable name forms post and the preference stores.
    pub fn key(self) -> &'static str {
        match self {
            UserColumn::Path => "path",
            UserColumn::Created => "created",
            UserColumn::PasswordLastUsed => "password-last-used",
            UserColumn::Mfa => "mfa",
            UserColumn::Groups => "groups",
            UserColumn::LastActivity => "last-activity",
            UserColumn::PasswordAge => "password-age",
            UserColumn::AccessKeyAge => "access-key-age",
            UserColumn::AccessKeyLastUsed => "access-key-last-used",
            UserColumn::SshKeys => "ssh-keys",
            UserColumn::Certificates => "certificates",
            UserColumn::Boundary => "boundary",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UserColumn::Path => "Path",
            UserColumn::Created => "Created",
            UserColumn::PasswordLastUsed => "Console last sign-in",
            UserColumn::Mfa => "MFA",
            UserColumn::Groups => "Groups",
            UserColumn::LastActivity => "Last activity",
            UserColumn::PasswordAge => "Password age",
            UserColumn::AccessKeyAge => "Active key age",
            UserColumn::AccessKeyLastUsed => "Access key last used",
            UserColumn::SshKeys => "SSH keys",
            UserColumn::Certificates => "Signing certificates",
            UserColumn::Boundary => "Permissions boundary",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key.trim())
    }

    /// A stored or posted choice: known keys in the list's order, each once; unknown ones dropped.
    pub fn parse_list<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<Self> {
        let chosen: Vec<Self> = keys.into_iter().filter_map(Self::from_key).collect();
        Self::ALL.into_iter().filter(|c| chosen.contains(c)).collect()
    }

    /// How a choice is stored: the keys joined by commas.
    pub fn join(columns: &[Self]) -> String {
        columns.iter().map(|c| c.key()).collect::<Vec<_>>().join(",")
    }
}

/// The users list's rotation and MFA filters (`?hygiene=…&days=N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserHygiene {
    /// An active access key created more than this many days ago.
    KeysOlderThan(u32),
    /// An active access key not used (or, never used, not created) for this many days.
    KeysUnusedFor(u32),
    NoMfa,
    /// A console password and no MFA device.
    ConsoleWithoutMfa,
}

impl UserHygiene {
    /// The filter's choices: (key, label, whether it takes a number of days).
    pub const CHOICES: [(&'static str, &'static str, bool); 4] = [
        ("keys-older", "Active access keys older than N days", true),
        ("keys-unused", "Active access keys unused for N days", true),
        ("no-mfa", "No MFA", false),
        ("console-no-mfa", "Console access without MFA", false),
    ];
    pub const DEFAULT_DAYS: u32 = 90;

    /// `None` for no filter (an empty or unknown choice); days default to 90 and must be 1–3650.
    pub fn parse(kind: Option<&str>, days: Option<&str>) -> Result<Option<Self>, &'static str> {
        let days = match days.map(str::trim).filter(|d| !d.is_empty()) {
            None => Self::DEFAULT_DAYS,
            Some(d) => match d.parse::<u32>() {
                Ok(n) if (1..=3650).contains(&n) => n,
                _ => return Err("must be a number of days from 1 to 3650"),
            },
        };
        Ok(match kind.map(str::trim) {
            Some("keys-older") => Some(UserHygiene::KeysOlderThan(days)),
            Some("keys-unused") => Some(UserHygiene::KeysUnusedFor(days)),
            Some("no-mfa") => Some(UserHygiene::NoMfa),
            Some("console-no-mfa") => Some(UserHygiene::ConsoleWithoutMfa),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{UserColumn, UserHygiene};

    #[test]
    fn hygiene_filters_parse_with_their_days() {
        assert_eq!(UserHygiene::parse(Some("keys-older"), None), Ok(Some(UserHygiene::KeysOlderThan(90))));
        assert_eq!(UserHygiene::parse(Some("keys-unused"), Some("30")), Ok(Some(UserHygiene::KeysUnusedFor(30))));
        assert_eq!(UserHygiene::parse(Some("no-mfa"), Some("")), Ok(Some(UserHygiene::NoMfa)));
        assert_eq!(UserHygiene::parse(Some(""), None), Ok(None));
        assert!(UserHygiene::parse(Some("keys-older"), Some("0")).is_err());
        assert!(UserHygiene::parse(Some("keys-older"), Some("lots")).is_err());
    }

    #[test]
    fn a_choice_keeps_known_columns_in_order_once() {
        let parsed = UserColumn::parse_list("mfa,bogus,path,mfa".split(','));
        assert_eq!(parsed, [UserColumn::Path, UserColumn::Mfa]);
        assert_eq!(UserColumn::join(&parsed), "path,mfa");
        assert_eq!(UserColumn::parse_list("".split(',')), []);
    }
}
