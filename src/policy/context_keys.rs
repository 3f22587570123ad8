//! The condition keys Lanyard puts into request contexts, so a policy that tests any other key
//! can be flagged when it is saved or simulated (as AWS's policy validator warns): a condition on
//! a key that is never supplied never matches, and a Deny built on it never applies.

use super::document::PolicyDocument;

/// Keys present in (some) requests, by their canonical spelling.
pub const SUPPLIED_KEYS: &[&str] = &[
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:UserAgent",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:username",
    "aws:userid",
    "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge",
    "aws:RequestedRegion",
    "aws:TokenIssueTime",
    "aws:ViaAWSService",
    "aws:PrincipalIsAWSService",
    "aws:ResourceAccount",
    "aws:TagKeys",
    "iam:PolicyARN",
    "iam:PermissionsBoundary",
];

/// Key families with a tag key after the slash: `aws:ResourceTag/team`.
pub const SUPPLIED_TAG_KEYS: &[&str] =
    &["aws:PrincipalTag/", "aws:ResourceTag/", "aws:RequestTag/", "iam:ResourceTag/"];

/// Whether Lanyard ever supplies `key` (names compare ignoring case, as IAM's do).
pub fn is_supplied(key: &str) -> bool {
    SUPPLIED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        || SUPPLIED_TAG_KEYS
            .iter()
            .any(|p| key.len() > p.len() && key.is_char_boundary(p.len()) && key[..p.len()].eq_ignore_ascii_case(p))
}

/// Every condition key the document uses, in first-use order, without repeats (ignoring case).
pub fn condition_keys(doc: &PolicyDocument) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for st in &doc.statements {
        for c in &st.conditions {
            if !keys.iter().any(|k| k.eq_ignore_ascii_case(&c.key)) {
                keys.push(c.key.clone());
            }
        }
    }
    keys
}

/// Whether the document could test a resource's tags: `aws:ResourceTag/…` or `iam:ResourceTag/…`
/// as a condition key, or as a `${…}` variable in a condition value or a resource. A request whose
/// policies never do needs no tags read with the resource (a round trip saved on most writes).
pub fn reads_resource_tags(doc: &PolicyDocument) -> bool {
    let mentions = |s: &str| s.to_ascii_lowercase().contains("resourcetag/");
    doc.statements.iter().any(|st| {
        st.resources.iter().any(|r| mentions(r))
            || st.conditions.iter().any(|c| mentions(&c.key) || c.values.iter().any(|v| mentions(v)))
    })
}

/// The warnings to show for a document: one per condition key Lanyard never supplies.
pub fn unsupported_key_warnings(doc: &PolicyDocument) -> Vec<String> {
    condition_keys(doc)
        .into_iter()
        .filter(|k| !is_supplied(k))
        .map(|k| {
            format!(
                "The condition key {k} is never present in Lanyard's requests: a condition on it never matches \
                 (an Allow that needs it never applies, nor does a Deny)."
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse_policy;

    #[test]
    fn resource_tags_are_read_only_by_documents_that_name_them() {
        let doc = |statement: &str| {
            parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)).unwrap()
        };
        let admin = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        assert!(!reads_resource_tags(&admin));
        let principal_tags = doc(
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}"#,
        );
        assert!(!reads_resource_tags(&principal_tags));
        for statement in [
            r#"{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"IAM:RESOURCETAG/team":"x"}}}"#,
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}}"#,
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::*:user/${aws:resourcetag/team}/*"}"#,
        ] {
            assert!(reads_resource_tags(&doc(statement)), "{statement}");
        }
    }

    #[test]
    fn unknown_keys_are_warned_about_by_name() {
        let doc = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{
                "StringEquals":{"aws:ResourceTag/role":"admin","s3:prefix":"home/","AWS:SourceIP":"x"},
                "ArnEquals":{"iam:policyarn":"arn:aws:iam::aws:policy/AdministratorAccess"},
                "Bool":{"aws:SecureTransport":"false"},
                "StringLike":{"iam:AWSServiceName":"*","iam:PermissionsBoundary":"*"}}}]}"#,
        )
        .unwrap();
        let warnings = unsupported_key_warnings(&doc);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("s3:prefix"));
        assert!(warnings[1].contains("iam:AWSServiceName"));
        assert!(is_supplied("iam:permissionsboundary"), "set by CreateUser and PutUserPermissionsBoundary");
        assert!(!is_supplied("aws:ResourceTag/"));
        assert!(is_supplied("AWS:PRINCIPALTAG/Team"));
    }
}
