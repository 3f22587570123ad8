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

/// What may be done to the user or group with this ARN (`kind` is `User` or `Group`).
pub fn entity_capabilities(actor: &Actor, kind: &str, arn: &str) -> Vec<String> {
    let checks: Vec<(&str, String, String)> = if kind == "User" {
        vec![
            ("update", "iam:UpdateUser".into(), arn.into()),
            ("delete", "iam:DeleteUser".into(), arn.into()),
            ("tag", "iam:TagUser".into(), arn.into()),
            ("console-access", "iam:UpdateLoginProfile".into(), arn.into()),
            ("unlock", "iam:UpdateLoginProfile".into(), arn.into()),
            ("keys", "iam:ListAccessKeys".into(), arn.into()),
            ("change-keys", "iam:CreateAccessKey".into(), arn.into()),
            ("mfa", "iam:ListMFADevices".into(), arn.into()),
            ("change-mfa", "iam:EnableMFADevice".into(), arn.into()),
            ("groups", "iam:ListGroupsForUser".into(), arn.into()),
        ]
    } else {
        vec![
            ("update", "iam:UpdateGroup".into(), arn.into()),
            ("delete", "iam:DeleteGroup".into(), arn.into()),
            ("add-member", "iam:AddUserToGroup".into(), arn.into()),
            ("remove-member", "iam:RemoveUserFromGroup".into(), arn.into()),
        ]
    };
    let mut can: Vec<String> = checks
        .iter()
        .filter(|(_, action, resource)| actor.may(action, resource))
        .map(|(name, _, _)| (*name).to_owned())
        .collect();
    for (name, action) in [
        ("policies", format!("iam:ListAttached{kind}Policies")),
        ("attach", format!("iam:Attach{kind}Policy")),
        ("detach", format!("iam:Detach{kind}Policy")),
        ("inline", format!("iam:List{kind}Policies")),
        ("put-inline", format!("iam:Put{kind}Policy")),
        ("delete-inline", format!("iam:Delete{kind}Policy")),
    ] {
        if actor.may(&action, arn) {
            can.push(name.to_owned());
        }
    }
    can
}

fn allowed(actor: &Actor, checks: &[(&str, &str, String)]) -> Vec<String> {
    checks.iter().filter(|(_, action, resource)| actor.may(action, resource)).map(|(n, _, _)| (*n).to_owned()).collect()
}
