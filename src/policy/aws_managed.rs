//! The AWS-managed policies Lanyard ships, read-only, under their real ARNs.

pub const AWS_MANAGED: &[(&str, &str)] = &[
    (
        "arn:aws:iam::aws:policy/AdministratorAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    ),
    (
        "arn:aws:iam::aws:policy/IAMFullAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
    ),
    (
        "arn:aws:iam::aws:policy/IAMUserChangePassword",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}"#,
    ),
];

/// The policy name is the ARN's last part (`AdministratorAccess`).
pub fn aws_managed_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The AWS-managed policy's parsed document, parsed once per process.
pub fn aws_managed_document(arn: &str) -> Option<std::sync::Arc<super::PolicyDocument>> {
    use std::sync::{Arc, OnceLock};
    static PARSED: OnceLock<Vec<(&'static str, Arc<super::PolicyDocument>)>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        AWS_MANAGED
            .iter()
            .filter_map(|(arn, json)| super::parse_policy(json).ok().map(|d| (*arn, Arc::new(d))))
            .collect()
    });
    parsed.iter().find(|(a, _)| *a == arn).map(|(_, d)| d.clone())
}
