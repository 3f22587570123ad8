//! What the signed-in principal may do, asked of the engine's policy evaluation so pages offer only
//! allowed controls. The engine still decides every request: hiding a button is a courtesy, not
//! the check.

use lanyard_iam::Actor;

/// Console-wide capabilities, by the names `PrincipalDto::can` uses.
pub fn console_capabilities(actor: &Actor) -> Vec<String> {
    let acct = actor.account_id();
    let any = |kind: &str| format!("arn:aws:iam::{acct}:{kind}/*");
    let checks: [(&str, &str, String); 8] = [
        ("users", "iam:ListUsers", any("user")),
        ("create-user", "iam:CreateUser", any("user")),
        ("groups", "iam:ListGroups", any("group")),
        ("create-group", "iam:CreateGroup", any("group")),
        ("policies", "iam:ListPolicies", any("policy")),
        ("create-policy", "iam:CreatePolicy", any("policy")),
        ("account", "iam:GetAccountPasswordPolicy", format!("arn:aws:iam::{acct}:root")),
        ("simulate", "iam:SimulatePrincipalPolicy", any("user")),
    ];
    allowed(actor, &checks)
}

/// What may be done to the user or group with this ARN (`kind` is `User` or `Group`); every check is
/// an action on that one ARN.
pub fn entity_capabilities(actor: &Actor, kind: &str, arn: &str) -> Vec<String> {
    let own: &[(&str, &str)] = if kind == "User" {
        &[
            ("update", "iam:UpdateUser"),
            ("delete", "iam:DeleteUser"),
            ("tag", "iam:TagUser"),
            ("console-access", "iam:UpdateLoginProfile"),
            ("unlock", "iam:UpdateLoginProfile"),
            ("keys", "iam:ListAccessKeys"),
            ("change-keys", "iam:CreateAccessKey"),
            ("mfa", "iam:ListMFADevices"),
            ("change-mfa", "iam:EnableMFADevice"),
            ("groups", "iam:ListGroupsForUser"),
        ]
    } else {
        &[
            ("update", "iam:UpdateGroup"),
            ("delete", "iam:DeleteGroup"),
            ("add-member", "iam:AddUserToGroup"),
            ("remove-member", "iam:RemoveUserFromGroup"),
        ]
    };
    let policies = [
        ("policies", format!("iam:ListAttached{kind}Policies")),
        ("attach", format!("iam:Attach{kind}Policy")),
        ("detach", format!("iam:Detach{kind}Policy")),
        ("inline", format!("iam:List{kind}Policies")),
        ("put-inline", format!("iam:Put{kind}Policy")),
        ("delete-inline", format!("iam:Delete{kind}Policy")),
    ];
    own.iter()
        .map(|(name, action)| (*name, *action))
        .chain(policies.iter().map(|(name, action)| (*name, action.as_str())))
        .filter(|(_, action)| actor.may(action, arn))
        .map(|(name, _)| name.to_owned())
        .collect()
}

fn allowed(actor: &Actor, checks: &[(&str, &str, String)]) -> Vec<String> {
    checks.iter().filter(|(_, action, resource)| actor.may(action, resource)).map(|(n, _, _)| (*n).to_owned()).collect()
}
