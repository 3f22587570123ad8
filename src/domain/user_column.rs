//! The optional columns of the console's users list (the user name is always shown), chosen by
//! each principal and remembered for them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserColumn {
    Path,
    Created,
    PasswordLastUsed,
    Mfa,
    SshKeys,
    Certificates,
    Boundary,
}

impl UserColumn {
    /// Every column, in the list's order.
    pub const ALL: [UserColumn; 7] = [
        UserColumn::Path,
        UserColumn::Created,
        UserColumn::PasswordLastUsed,
        UserColumn::Mfa,
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
            UserColumn::SshKeys => "ssh-keys",
            UserColumn::Certificates => "certificates",
            UserColumn::Boundary => "boundary",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UserColumn::Path => "Path",
            UserColumn::Created => "Created",
            UserColumn::PasswordLastUsed => "Password last used",
            UserColumn::Mfa => "MFA",
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

#[cfg(test)]
mod tests {
    use super::UserColumn;

    #[test]
    fn a_choice_keeps_known_columns_in_order_once() {
        let parsed = UserColumn::parse_list("mfa,bogus,path,mfa".split(','));
        assert_eq!(parsed, [UserColumn::Path, UserColumn::Mfa]);
        assert_eq!(UserColumn::join(&parsed), "path,mfa");
        assert_eq!(UserColumn::parse_list("".split(',')), []);
    }
}
