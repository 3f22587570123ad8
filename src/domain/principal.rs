//! Who is acting: an account's root user or one of its IAM users, and how a sign-in names an account.

use super::{root_arn, user_arn, AccountAlias, AccountId, IamPath, UniqueId, UserName};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalKind {
    Root,
    User,
}

/// A signed-in principal as loaded from the store for the current request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Root { account_id: AccountId, email: String },
    User { account_id: AccountId, user_id: UniqueId, user_name: UserName, path: IamPath },
}

impl Principal {
    pub fn account_id(&self) -> &AccountId {
        match self {
            Principal::Root { account_id, .. } | Principal::User { account_id, .. } => account_id,
        }
    }

    pub fn kind(&self) -> PrincipalKind {
        match self {
            Principal::Root { .. } => PrincipalKind::Root,
            Principal::User { .. } => PrincipalKind::User,
        }
    }

    pub fn arn(&self) -> String {
        match self {
            Principal::Root { account_id, .. } => root_arn(account_id),
            Principal::User { account_id, user_name, path, .. } => user_arn(account_id, path, user_name),
        }
    }

    /// How the console greets the principal: the email for root, the user name otherwise.
    pub fn display_name(&self) -> &str {
        match self {
            Principal::Root { email, .. } => email,
            Principal::User { user_name, .. } => user_name.as_str(),
        }
    }
}

/// An account as a person names it when signing in: its 12-digit ID or its alias.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountRef {
    Id(AccountId),
    Alias(AccountAlias),
}

impl AccountRef {
    /// Reads what was typed (or the first label of an account host); `None` if it can be neither.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        if let Ok(id) = AccountId::parse(s) {
            return Some(AccountRef::Id(id));
        }
        AccountAlias::parse(&s.to_ascii_lowercase()).ok().map(AccountRef::Alias)
    }

    pub fn as_str(&self) -> &str {
        match self {
            AccountRef::Id(id) => id.as_str(),
            AccountRef::Alias(a) => a.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ref_tells_ids_from_aliases() {
        assert!(matches!(AccountRef::parse("012345678910"), Some(AccountRef::Id(_))));
        assert!(matches!(AccountRef::parse(" Demo "), Some(AccountRef::Alias(a)) if a.as_str() == "demo"));
        assert_eq!(AccountRef::parse("not valid!"), None);
        assert_eq!(AccountRef::parse("12345"), None);
    }

    #[test]
    fn principal_arns() {
        let account_id = AccountId::parse("111122223333").unwrap();
        let root = Principal::Root { account_id: account_id.clone(), email: "a@b.co".into() };
        assert_eq!(root.arn(), "arn:aws:iam::111122223333:root");
        let user = Principal::User {
            account_id,
            user_id: UniqueId::parse("AIDAJQABLZS4A3QDU576Q").unwrap(),
            user_name: UserName::parse("bob").unwrap(),
            path: IamPath::parse("/eng/").unwrap(),
        };
        assert_eq!(user.arn(), "arn:aws:iam::111122223333:user/eng/bob");
        assert_eq!(user.display_name(), "bob");
    }
}
