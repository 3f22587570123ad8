//! What the signed-in principal may do, asked of the engine's policy evaluation so pages offer only
//! allowed controls. The engine still decides every request: hiding a button is a courtesy, not
//! the check.

use lanyard_iam::domain::{EntityKind, IamAction};
use lanyard_iam::usecases::actor::Resource;
use lanyard_iam::Actor;

/// Console-wide capabilities, by the names `PrincipalDto::can` uses.
pub fn console_capabilities(actor: &Actor) -> Vec<String> {
    let acct = actor.account_id();
    let any = |kind: &str| Resource::untagged(format!("arn:aws:iam::{acct}:{kind}/*"));
    let checks: [(&str, IamAction, Resource); 8] = [
        ("users", IamAction::ListUsers, any("user")),
        ("create-user", IamAction::CreateUser, any("user")),
        ("groups", IamAction::ListGroups, any("group")),
        ("create-group", IamAction::CreateGroup, any("group")),
        ("policies", IamAction::ListPolicies, any("policy")),
        ("create-policy", IamAction::CreatePolicy, any("policy")),
        ("account", IamAction::GetAccountPasswordPolicy, Resource::untagged(format!("arn:aws:iam::{acct}:root"))),
        ("simulate", IamAction::SimulatePrincipalPolicy, any("user")),
    ];
    checks
        .iter()
        .filter(|(_, action, resource)| actor.may(*action, resource))
        .map(|(n, _, _)| (*n).to_owned())
        .collect()
}

/// What may be done to this user or group (`resource` carries a user's tags, so a Deny on
/// `aws:ResourceTag/*` hides the controls it refuses); every check is an action on that one ARN.
pub fn entity_capabilities(actor: &Actor, kind: EntityKind, resource: &Resource) -> Vec<String> {
    let own: &[(&str, IamAction)] = match kind {
        EntityKind::User => &[
            ("update", IamAction::UpdateUser),
            ("delete", IamAction::DeleteUser),
            ("tag", IamAction::TagUser),
            ("console-access", IamAction::UpdateLoginProfile),
            ("unlock", IamAction::UpdateLoginProfile),
            ("keys", IamAction::ListAccessKeys),
            ("change-keys", IamAction::CreateAccessKey),
            ("mfa", IamAction::ListMFADevices),
            ("change-mfa", IamAction::EnableMFADevice),
            ("groups", IamAction::ListGroupsForUser),
        ],
        EntityKind::Group => &[
            ("update", IamAction::UpdateGroup),
            ("delete", IamAction::DeleteGroup),
            ("add-member", IamAction::AddUserToGroup),
            ("remove-member", IamAction::RemoveUserFromGroup),
        ],
    };
    let policies = [
        ("policies", kind.list_attached()),
        ("attach", kind.attach()),
        ("detach", kind.detach()),
        ("inline", kind.list_inline()),
        ("put-inline", kind.put_inline()),
        ("delete-inline", kind.delete_inline()),
    ];
    own.iter()
        .chain(policies.iter())
        .filter(|(_, action)| actor.may(*action, resource))
        .map(|(name, _)| (*name).to_owned())
        .collect()
}
