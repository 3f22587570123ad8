//! The actions of IAM and STS that Lanyard knows, as one type: policy evaluation, the console's
//! capabilities and the Query API's action table all name actions through it, never as strings.

use serde::{Deserialize, Serialize};

/// The service an action belongs to (the `iam:` / `sts:` prefix of its policy name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Service {
    Iam,
    Sts,
}

impl Service {
    pub fn prefix(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Sts => "sts",
        }
    }
}

macro_rules! actions {
    ($($service:ident $name:ident),* $(,)?) => {
        /// One IAM or STS action, e.g. [`IamAction::CreateUser`] is `iam:CreateUser` in a policy.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum IamAction {
            $($name),*
        }

        impl IamAction {
            /// Every action, in declaration order.
            pub const ALL: &'static [IamAction] = &[$(IamAction::$name),*];

            /// The API's name: `CreateUser`.
            pub fn name(self) -> &'static str {
                match self {
                    $(IamAction::$name => stringify!($name)),*
                }
            }

            /// The name policies use: `iam:CreateUser`.
            pub fn qualified(self) -> &'static str {
                match self {
                    $(IamAction::$name => concat!(actions!(@prefix $service), ":", stringify!($name))),*
                }
            }

            pub fn service(self) -> Service {
                match self {
                    $(IamAction::$name => Service::$service),*
                }
            }
        }
    };
    (@prefix Iam) => { "iam" };
    (@prefix Sts) => { "sts" };
}

actions! {
    // Users
    Iam CreateUser, Iam GetUser, Iam ListUsers, Iam UpdateUser, Iam DeleteUser,
    Iam TagUser, Iam UntagUser, Iam ListUserTags,
    // Console passwords
    Iam CreateLoginProfile, Iam GetLoginProfile, Iam UpdateLoginProfile, Iam DeleteLoginProfile,
    Iam ChangePassword,
    // The account
    Iam GetAccountPasswordPolicy, Iam UpdateAccountPasswordPolicy, Iam DeleteAccountPasswordPolicy,
    Iam CreateAccountAlias, Iam DeleteAccountAlias, Iam ListAccountAliases, Iam GetAccountSummary,
    Iam GetAccountAuthorizationDetails,
    // Access keys
    Iam CreateAccessKey, Iam ListAccessKeys, Iam UpdateAccessKey, Iam DeleteAccessKey, Iam GetAccessKeyLastUsed,
    // SSH public keys, signing certificates, service-specific credentials
    Iam UploadSSHPublicKey, Iam GetSSHPublicKey, Iam ListSSHPublicKeys, Iam UpdateSSHPublicKey, Iam DeleteSSHPublicKey,
    Iam UploadSigningCertificate, Iam ListSigningCertificates, Iam UpdateSigningCertificate,
    Iam DeleteSigningCertificate,
    Iam CreateServiceSpecificCredential, Iam ListServiceSpecificCredentials, Iam UpdateServiceSpecificCredential,
    Iam ResetServiceSpecificCredential, Iam DeleteServiceSpecificCredential,
    // The credential report
    Iam GenerateCredentialReport, Iam GetCredentialReport,
    // The event history (Lanyard's own action; `iam:List*` grants it, as IAMReadOnlyAccess does)
    Iam ListEvents,
    // MFA
    Iam CreateVirtualMFADevice, Iam EnableMFADevice, Iam ResyncMFADevice, Iam DeactivateMFADevice,
    Iam DeleteVirtualMFADevice, Iam ListMFADevices, Iam ListVirtualMFADevices, Iam GetMFADevice,
    Iam TagMFADevice, Iam UntagMFADevice, Iam ListMFADeviceTags,
    // Groups
    Iam CreateGroup, Iam GetGroup, Iam ListGroups, Iam UpdateGroup, Iam DeleteGroup,
    Iam AddUserToGroup, Iam RemoveUserFromGroup, Iam ListGroupsForUser,
    // Managed policies
    Iam CreatePolicy, Iam GetPolicy, Iam ListPolicies, Iam DeletePolicy,
    Iam CreatePolicyVersion, Iam GetPolicyVersion, Iam ListPolicyVersions, Iam DeletePolicyVersion,
    Iam SetDefaultPolicyVersion, Iam TagPolicy, Iam UntagPolicy, Iam ListPolicyTags, Iam ListEntitiesForPolicy,
    Iam AttachUserPolicy, Iam DetachUserPolicy, Iam ListAttachedUserPolicies,
    Iam AttachGroupPolicy, Iam DetachGroupPolicy, Iam ListAttachedGroupPolicies,
    // Inline policies
    Iam PutUserPolicy, Iam GetUserPolicy, Iam ListUserPolicies, Iam DeleteUserPolicy,
    Iam PutUserPermissionsBoundary, Iam DeleteUserPermissionsBoundary,
    Iam PutGroupPolicy, Iam GetGroupPolicy, Iam ListGroupPolicies, Iam DeleteGroupPolicy,
    // Simulation
    Iam SimulatePrincipalPolicy, Iam SimulateCustomPolicy,
    Iam GetContextKeysForPrincipalPolicy, Iam GetContextKeysForCustomPolicy,
    // STS
    Sts GetCallerIdentity, Sts GetAccessKeyInfo, Sts GetSessionToken,
}

impl IamAction {
    /// Whether the action only reads (IAM's List and Read access levels, CloudTrail's
    /// `readOnly`): Get*, List*, the simulations and generating the credential report.
    pub fn is_read_only(self) -> bool {
        let name = self.name();
        name.starts_with("Get")
            || name.starts_with("List")
            || name.starts_with("Simulate")
            || self == IamAction::GenerateCredentialReport
    }

    /// Looks an action up by its API name (`CreateUser`), exactly as AWS spells it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }
}

impl std::fmt::Display for IamAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.qualified())
    }
}

/// The actions that differ only in whether they act on a user or a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EntityKind {
    User,
    Group,
}

impl EntityKind {
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::User => "User",
            EntityKind::Group => "Group",
        }
    }

    pub fn attach(self) -> IamAction {
        self.pick(IamAction::AttachUserPolicy, IamAction::AttachGroupPolicy)
    }
    pub fn detach(self) -> IamAction {
        self.pick(IamAction::DetachUserPolicy, IamAction::DetachGroupPolicy)
    }
    pub fn list_attached(self) -> IamAction {
        self.pick(IamAction::ListAttachedUserPolicies, IamAction::ListAttachedGroupPolicies)
    }
    pub fn put_inline(self) -> IamAction {
        self.pick(IamAction::PutUserPolicy, IamAction::PutGroupPolicy)
    }
    pub fn get_inline(self) -> IamAction {
        self.pick(IamAction::GetUserPolicy, IamAction::GetGroupPolicy)
    }
    pub fn list_inline(self) -> IamAction {
        self.pick(IamAction::ListUserPolicies, IamAction::ListGroupPolicies)
    }
    pub fn delete_inline(self) -> IamAction {
        self.pick(IamAction::DeleteUserPolicy, IamAction::DeleteGroupPolicy)
    }

    fn pick(self, user: IamAction, group: IamAction) -> IamAction {
        match self {
            EntityKind::User => user,
            EntityKind::Group => group,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_qualified_by_service() {
        let mut names: Vec<&str> = IamAction::ALL.iter().map(|a| a.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), IamAction::ALL.len());
        assert_eq!(IamAction::CreateUser.qualified(), "iam:CreateUser");
        assert_eq!(IamAction::GetCallerIdentity.qualified(), "sts:GetCallerIdentity");
        assert_eq!(IamAction::from_name("ListMFADevices"), Some(IamAction::ListMFADevices));
        assert_eq!(IamAction::from_name("listusers"), None);
        assert_eq!(EntityKind::Group.attach(), IamAction::AttachGroupPolicy);
    }
}
