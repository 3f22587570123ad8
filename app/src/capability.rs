//! What the console may offer the signed-in principal: typed capabilities, each one an IAM action the
//! engine's policy evaluation allowed (see `ssr::capabilities`). Hiding a control is a courtesy; the
//! engine still decides every request.

use serde::{Deserialize, Serialize};

/// Account-wide: the left navigation's sections and the pages' primary buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsoleCapability {
    ListUsers,
    CreateUser,
    DeleteUser,
    ListGroups,
    CreateGroup,
    ListPolicies,
    CreatePolicy,
    AccountSettings,
    Simulate,
    CredentialReport,
    Events,
}

/// On one user or group (the checks are actions on that entity's ARN, with a user's tags).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntityCapability {
    Update,
    Delete,
    Tag,
    ConsoleAccess,
    Unlock,
    ListKeys,
    ChangeKeys,
    ListMfa,
    ChangeMfa,
    ListGroups,
    ChangeSshKeys,
    ChangeCertificates,
    ChangeServiceCredentials,
    SetBoundary,
    RemoveBoundary,
    AddMember,
    RemoveMember,
    ListPolicies,
    Attach,
    Detach,
    ListInline,
    PutInline,
    DeleteInline,
}

/// On one customer-managed policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyCapability {
    Edit,
    Delete,
}

/// The capabilities a DTO carries; `allows` is the only question pages ask of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Can<C>(Vec<C>);

impl<C> Default for Can<C> {
    fn default() -> Self {
        Can(Vec::new())
    }
}

impl<C: PartialEq + Copy> Can<C> {
    pub fn allows(&self, what: C) -> bool {
        self.0.contains(&what)
    }
}

impl<C> FromIterator<C> for Can<C> {
    fn from_iter<I: IntoIterator<Item = C>>(iter: I) -> Self {
        Can(iter.into_iter().collect())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn allows_only_what_was_granted_and_survives_the_wire() {
        let can: Can<ConsoleCapability> = [ConsoleCapability::ListUsers].into_iter().collect();
        assert!(can.allows(ConsoleCapability::ListUsers));
        assert!(!can.allows(ConsoleCapability::CreateUser));
        let wire = serde_json::to_string(&can).unwrap();
        assert_eq!(wire, r#"["ListUsers"]"#);
        assert_eq!(serde_json::from_str::<Can<ConsoleCapability>>(&wire).unwrap(), can);
        assert!(!Can::<PolicyCapability>::default().allows(PolicyCapability::Edit));
    }
}
