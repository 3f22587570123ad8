//! Amazon Resource Names for the principals Lanyard knows.

use super::{AccountId, IamPath, UserName};

pub fn root_arn(account: &AccountId) -> String {
    format!("arn:aws:iam::{account}:root")
}

pub fn user_arn(account: &AccountId, path: &IamPath, name: &UserName) -> String {
    format!("arn:aws:iam::{account}:user{path}{name}")
}

pub fn group_arn(account: &AccountId, path: &IamPath, name: &super::GroupName) -> String {
    format!("arn:aws:iam::{account}:group{path}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_follow_aws_format() {
        let acct = AccountId::parse("012345678910").unwrap();
        assert_eq!(root_arn(&acct), "arn:aws:iam::012345678910:root");
        let name = UserName::parse("alice").unwrap();
        assert_eq!(user_arn(&acct, &IamPath::root(), &name), "arn:aws:iam::012345678910:user/alice");
        let path = IamPath::parse("/eng/ops/").unwrap();
        assert_eq!(user_arn(&acct, &path, &name), "arn:aws:iam::012345678910:user/eng/ops/alice");
    }
}
