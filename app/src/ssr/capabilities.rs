//! What the signed-in principal may do, asked of the engine's policy evaluation so pages offer only
//! allowed controls. The engine still decides every request: hiding a button is a courtesy, not
//! the check.

use crate::capability::{Can, ConsoleCapability as C, EntityCapability as E};
use lanyard_iam::domain::{EntityKind, IamAction};
use lanyard_iam::usecases::actor::Resource;
use lanyard_iam::Actor;

/// Console-wide capabilities.
pub fn console_capabilities(actor: &Actor) -> Can<C> {
    let acct = actor.account_id();
    let any = |kind: &str| Resource::untagged(format!("arn:aws:iam::{acct}:{kind}/*"));
    let checks: [(C, IamAction, Resource); 11] = [
        (C::ListUsers, IamAction::ListUsers, any("user")),
        (C::CreateUser, IamAction::CreateUser, any("user")),
        (C::DeleteUser, IamAction::DeleteUser, any("user")),
        (C::ListGroups, IamAction::ListGroups, any("group")),
        (C::CreateGroup, IamAction::CreateGroup, any("group")),
        (C::ListPolicies, IamAction::ListPolicies, any("policy")),
        (C::CreatePolicy, IamAction::CreatePolicy, any("policy")),
        (
            C::AccountSettings,
            IamAction::GetAccountPasswordPolicy,
            Resource::untagged(format!("arn:aws:iam::{acct}:root")),
        ),
        (C::Simulate, IamAction::SimulatePrincipalPolicy, any("user")),
        (C::CredentialReport, IamAction::GetCredentialReport, Resource::untagged(format!("arn:aws:iam::{acct}:*"))),
        (C::Events, IamAction::ListEvents, Resource::untagged(format!("arn:aws:iam::{acct}:*"))),
    ];
    checks.iter().filter(|(_, action, resource)| actor.may(*action, resource)).map(|(c, _, _)| *c).collect()
}

/// What may be done to this user or group (`resource` carries a user's tags, so a Deny on
/// `aws:ResourceTag/*` hides the controls it refuses); every check is an action on that one ARN.
pub fn entity_capabilities(actor: &Actor, kind: EntityKind, resource: &Resource) -> Can<E> {
    let own: &[(E, IamAction)] = match kind {
        EntityKind::User => &[
            (E::Update, IamAction::UpdateUser),
            (E::Delete, IamAction::DeleteUser),
            (E::Tag, IamAction::TagUser),
            (E::ConsoleAccess, IamAction::UpdateLoginProfile),
            (E::Unlock, IamAction::UpdateLoginProfile),
            (E::ListKeys, IamAction::ListAccessKeys),
            (E::ChangeKeys, IamAction::CreateAccessKey),
            (E::ListMfa, IamAction::ListMFADevices),
            (E::ChangeMfa, IamAction::EnableMFADevice),
            (E::ListGroups, IamAction::ListGroupsForUser),
            (E::ChangeSshKeys, IamAction::UploadSSHPublicKey),
            (E::ChangeCertificates, IamAction::UploadSigningCertificate),
            (E::ChangeServiceCredentials, IamAction::CreateServiceSpecificCredential),
            (E::SetBoundary, IamAction::PutUserPermissionsBoundary),
            (E::RemoveBoundary, IamAction::DeleteUserPermissionsBoundary),
        ],
        EntityKind::Group => &[
            (E::Update, IamAction::UpdateGroup),
            (E::Delete, IamAction::DeleteGroup),
            (E::AddMember, IamAction::AddUserToGroup),
            (E::RemoveMember, IamAction::RemoveUserFromGroup),
        ],
    };
    let policies = [
        (E::ListPolicies, kind.list_attached()),
        (E::Attach, kind.attach()),
        (E::Detach, kind.detach()),
        (E::ListInline, kind.list_inline()),
        (E::PutInline, kind.put_inline()),
        (E::DeleteInline, kind.delete_inline()),
    ];
    own.iter().chain(policies.iter()).filter(|(_, action)| actor.may(*action, resource)).map(|(c, _)| *c).collect()
}
