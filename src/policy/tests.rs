//! Evaluation, table-driven: AWS's managed policies and documentation examples, variables,
//! conditions, and the rule that an applicable explicit Deny always wins.

use super::*;
use rand::seq::SliceRandom;
use rand::Rng;

const ACCT: &str = "123456789012";

fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCT}:user/{name}")
}

fn managed(name: &str) -> PolicyDocument {
    let (_, json) = AWS_MANAGED.iter().find(|(arn, _)| aws_managed_name(arn) == name).unwrap();
    parse_policy(json).unwrap()
}

/// A console request of IAM user `alice`, with or without MFA.
fn alice(action: &str, resource: &str, mfa: Option<bool>) -> RequestContext {
    let ctx = RequestContext::new(action, resource)
        .with_key("aws:username", "alice")
        .with_key("aws:userid", "AIDAEXAMPLEALICE00001");
    match mfa {
        Some(m) => ctx.with_key("aws:MultiFactorAuthPresent", m.to_string()),
        None => ctx,
    }
}

fn decide(docs: &[(&str, &PolicyDocument)], ctx: &RequestContext) -> Decision {
    let named: Vec<NamedPolicy<'_>> = docs.iter().map(|(name, document)| NamedPolicy { name, document }).collect();
    evaluate(&named, ctx).decision
}

use Decision::*;

#[test]
fn aws_managed_policies_parse_and_decide() {
    for (arn, json) in AWS_MANAGED {
        parse_policy(json).unwrap_or_else(|e| panic!("{arn}: {e}"));
    }
    let admin = managed("AdministratorAccess");
    let read_only = managed("IAMReadOnlyAccess");
    let change_pw = managed("IAMUserChangePassword");
    let bob = user_arn("bob");
    for (docs, action, resource, expected) in [
        (vec![("AdministratorAccess", &admin)], "iam:CreateUser", bob.as_str(), Allowed),
        (vec![("AdministratorAccess", &admin)], "sts:GetCallerIdentity", "*", Allowed),
        (vec![("IAMReadOnlyAccess", &read_only)], "iam:ListUsers", bob.as_str(), Allowed),
        (vec![("IAMReadOnlyAccess", &read_only)], "iam:getuser", bob.as_str(), Allowed),
        (vec![("IAMReadOnlyAccess", &read_only)], "iam:CreateUser", bob.as_str(), ImplicitlyDenied),
        (vec![("IAMReadOnlyAccess", &read_only)], "iam:DeleteUser", bob.as_str(), ImplicitlyDenied),
        (vec![("IAMUserChangePassword", &change_pw)], "iam:ChangePassword", &user_arn("alice"), Allowed),
        (vec![("IAMUserChangePassword", &change_pw)], "iam:ChangePassword", bob.as_str(), ImplicitlyDenied),
        (vec![], "iam:GetUser", bob.as_str(), ImplicitlyDenied),
    ] {
        assert_eq!(decide(&docs, &alice(action, resource, Some(true))), expected, "{action} on {resource}");
    }
}

/// The shape of AWS's documented "self-manage an MFA device" example: without MFA only the
/// listed actions escape the Deny; deactivating needs MFA; nothing applies to other users.
#[test]
fn the_documented_self_manage_mfa_policy() {
    let doc = parse_policy(
        r#"{
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowListActions", "Effect": "Allow",
             "Action": ["iam:ListUsers", "iam:ListVirtualMFADevices"], "Resource": "*"},
            {"Sid": "AllowUserToCreateVirtualMFADevice", "Effect": "Allow",
             "Action": ["iam:CreateVirtualMFADevice"], "Resource": "arn:aws:iam::*:mfa/*"},
            {"Sid": "AllowUserToManageTheirOwnMFA", "Effect": "Allow",
             "Action": ["iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
             "Resource": "arn:aws:iam::*:user/${aws:username}"},
            {"Sid": "AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA", "Effect": "Allow",
             "Action": ["iam:DeactivateMFADevice"], "Resource": ["arn:aws:iam::*:user/${aws:username}"],
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            {"Sid": "BlockMostAccessUnlessSignedInWithMFA", "Effect": "Deny",
             "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices",
                           "iam:ListUsers", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice"],
             "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]}"#,
    )
    .unwrap();
    let own = user_arn("alice");
    let other = user_arn("bob");
    let docs = [("self-manage-mfa", &doc)];
    for (action, resource, mfa, expected) in [
        ("iam:EnableMFADevice", own.as_str(), Some(false), Allowed),
        ("iam:EnableMFADevice", other.as_str(), Some(false), ImplicitlyDenied),
        ("iam:CreateVirtualMFADevice", "arn:aws:iam::123456789012:mfa/alice-phone", Some(false), Allowed),
        ("iam:DeactivateMFADevice", own.as_str(), Some(false), ExplicitlyDenied),
        ("iam:DeactivateMFADevice", own.as_str(), Some(true), Allowed),
        ("iam:DeactivateMFADevice", other.as_str(), Some(true), ImplicitlyDenied),
        // Long-term keys carry no MFA key at all: BoolIfExists treats that as "false" → denied.
        ("iam:DeactivateMFADevice", own.as_str(), None, ExplicitlyDenied),
        ("iam:CreateUser", other.as_str(), Some(true), ImplicitlyDenied),
        ("iam:CreateUser", other.as_str(), Some(false), ExplicitlyDenied),
    ] {
        assert_eq!(decide(&docs, &alice(action, resource, mfa)), expected, "{action} {resource} mfa={mfa:?}");
    }
}

#[test]
fn deny_beats_allow_and_the_deciding_statement_is_named() {
    let admin = managed("AdministratorAccess");
    let deny = parse_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoDeletes","Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]}"#,
    )
    .unwrap();
    let named =
        [NamedPolicy { name: "AdministratorAccess", document: &admin }, NamedPolicy { name: "guard", document: &deny }];
    let e = evaluate(&named, &alice("iam:DeleteUser", &user_arn("bob"), Some(true)));
    assert_eq!(e.decision, ExplicitlyDenied);
    assert_eq!(e.deciding, Some(DecidingStatement { policy: "guard".into(), index: 0, sid: Some("NoDeletes".into()) }));
    let e = evaluate(&named, &alice("iam:CreateUser", &user_arn("bob"), Some(true)));
    assert_eq!((e.decision, e.deciding.map(|d| d.policy)), (Allowed, Some("AdministratorAccess".into())));
}

#[test]
fn variables_need_the_2012_version_and_a_value() {
    let with = |version: &str| {
        parse_policy(&format!(
            r#"{{{version}"Statement":[{{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${{aws:username}}"}}]}}"#
        ))
        .unwrap()
    };
    let new = with(r#""Version":"2012-10-17","#);
    let old = with("");
    let own = user_arn("alice");
    assert_eq!(decide(&[("p", &new)], &alice("iam:GetUser", &own, None)), Allowed);
    assert_eq!(decide(&[("p", &old)], &alice("iam:GetUser", &own, None)), ImplicitlyDenied, "literal ${{...}}");
    let no_name = RequestContext::new("iam:GetUser", &own);
    assert_eq!(decide(&[("p", &new)], &no_name), ImplicitlyDenied, "root has no aws:username");
    let by_id = parse_policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*",
            "Condition":{"StringEquals":{"aws:userid":"${aws:userid}"},"StringLike":{"aws:username":"al*"}}}]}"#,
    )
    .unwrap();
    assert_eq!(decide(&[("p", &by_id)], &alice("iam:CreateAccessKey", &own, None)), Allowed);
}

#[test]
fn condition_operators() {
    let policy = |cond: &str| {
        parse_policy(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{cond}}}]}}"#
        ))
        .unwrap()
    };
    let ctx = |mfa_age: Option<&str>| {
        let c = alice("iam:ListUsers", "*", Some(mfa_age.is_some()));
        match mfa_age {
            Some(age) => c.with_key("aws:MultiFactorAuthAge", age),
            None => c,
        }
    };
    for (cond, age, expected) in [
        (r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#, Some("120"), Allowed),
        (r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#, Some("7200"), ImplicitlyDenied),
        (r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#, None, ImplicitlyDenied),
        (r#"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#, None, Allowed),
        (r#"{"Null":{"aws:MultiFactorAuthAge":"true"}}"#, None, Allowed),
        (r#"{"Null":{"aws:MultiFactorAuthAge":"true"}}"#, Some("1"), ImplicitlyDenied),
        (r#"{"Bool":{"aws:MultiFactorAuthPresent":true}}"#, Some("1"), Allowed),
        (r#"{"StringEquals":{"aws:username":["bob","alice"]}}"#, None, Allowed),
        (r#"{"StringEquals":{"aws:username":"Alice"}}"#, None, ImplicitlyDenied),
        (r#"{"StringEqualsIgnoreCase":{"aws:username":"Alice"}}"#, None, Allowed),
        (r#"{"StringNotEquals":{"aws:username":"alice"}}"#, None, ImplicitlyDenied),
        (r#"{"StringNotEquals":{"aws:PrincipalTag/team":"eng"}}"#, None, Allowed),
        (r#"{"StringLike":{"aws:username":"a?ice"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#, Some("1"), Allowed),
        (
            r#"{"StringLike":{"aws:username":"a?ice"},"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
            None,
            ImplicitlyDenied,
        ),
    ] {
        assert_eq!(decide(&[("p", &policy(cond))], &ctx(age)), expected, "{cond} age={age:?}");
    }
    assert!(matches!(
        parse_policy(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSortOf":{"a":"b"}}}]}"#),
        Err(crate::IamError::MalformedPolicyDocument(m)) if m.contains("StringSortOf is not a supported condition operator")
    ));
}

/// Property: whenever some Deny statement applies, the decision is an explicit deny, whatever
/// Allows there are and in whatever order the policies come.
#[test]
fn an_applicable_deny_always_wins() {
    let actions = ["iam:CreateUser", "iam:DeleteUser", "iam:GetUser", "iam:ListUsers", "sts:GetCallerIdentity"];
    let patterns = ["*", "iam:*", "iam:Create*", "iam:*User", "iam:Get*", "iam:ListUsers", "sts:*"];
    let resources = ["*", "arn:aws:iam::*:user/*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/bob"];
    let mut rng = rand::thread_rng();
    for _ in 0..2_000 {
        let statements: Vec<String> = (0..rng.gen_range(1..6))
            .map(|_| {
                format!(
                    r#"{{"Effect":"{}","{}":"{}","Resource":"{}"}}"#,
                    if rng.gen_bool(0.3) { "Deny" } else { "Allow" },
                    if rng.gen_bool(0.2) { "NotAction" } else { "Action" },
                    patterns.choose(&mut rng).unwrap(),
                    resources.choose(&mut rng).unwrap()
                )
            })
            .collect();
        let mut docs: Vec<PolicyDocument> = statements
            .chunks(2)
            .map(|c| parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, c.join(","))).unwrap())
            .collect();
        docs.shuffle(&mut rng);
        let ctx = alice(actions.choose(&mut rng).unwrap(), &user_arn(["alice", "bob"].choose(&mut rng).unwrap()), None);
        let named: Vec<NamedPolicy<'_>> = docs.iter().map(|d| NamedPolicy { name: "p", document: d }).collect();
        let deny_applies = docs.iter().any(|d| {
            d.statements.iter().any(|s| {
                s.effect == Effect::Deny
                    && evaluate(
                        &[NamedPolicy {
                            name: "one",
                            document: &PolicyDocument {
                                version: d.version.clone(),
                                statements: vec![Statement { effect: Effect::Allow, ..s.clone() }],
                            },
                        }],
                        &ctx,
                    )
                    .decision
                        == Allowed
            })
        });
        let decision = evaluate(&named, &ctx).decision;
        assert_eq!(decision == ExplicitlyDenied, deny_applies, "{statements:?} for {ctx:?}");
    }
}

fn doc(statements: &str) -> PolicyDocument {
    parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)).unwrap()
}

/// AWS's documented examples of each condition key family and operator Lanyard supplies, each
/// with a request that meets it and one that does not.
#[test]
fn documented_condition_key_examples() {
    let bob = user_arn("bob");
    let base = |action: &str| alice(action, &bob, Some(true));
    let cases: Vec<(&str, &str, RequestContext, Decision)> = vec![
        // aws:ResourceTag: allow only on resources tagged status=approved (IAM user guide).
        (
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/status":"approved"}}}"#,
            "tagged approved",
            base("iam:UpdateLoginProfile").with_key("aws:ResourceTag/status", "approved"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/status":"approved"}}}"#,
            "untagged",
            base("iam:UpdateLoginProfile"),
            ImplicitlyDenied,
        ),
        // Tag keys compare ignoring case, values do not.
        (
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"iam:ResourceTag/STATUS":"approved"}}}"#,
            "key case",
            base("iam:GetUser").with_key("iam:ResourceTag/status", "approved"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/status":"approved"}}}"#,
            "value case",
            base("iam:GetUser").with_key("aws:ResourceTag/status", "Approved"),
            ImplicitlyDenied,
        ),
        // aws:TagKeys with ForAllValues: only the listed keys may be set (empty set passes).
        (
            r#"{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Department","CostCenter"]}}}"#,
            "allowed keys",
            base("iam:TagUser").with_key("aws:TagKeys", "Department").with_key("aws:TagKeys", "CostCenter"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Department","CostCenter"]}}}"#,
            "one extra key",
            base("iam:TagUser").with_key("aws:TagKeys", "Department").with_key("aws:TagKeys", "Owner"),
            ImplicitlyDenied,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["Department"]}}}"#,
            "no keys at all",
            base("iam:TagUser"),
            Allowed,
        ),
        // ForAnyValue: at least one listed key; never with no keys.
        (
            r#"{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["Department"]}}}"#,
            "has the key",
            base("iam:CreateUser").with_key("aws:TagKeys", "Owner").with_key("aws:TagKeys", "Department"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["Department"]}}}"#,
            "no keys",
            base("iam:CreateUser"),
            ImplicitlyDenied,
        ),
        // aws:RequestTag with a policy variable from aws:PrincipalTag.
        (
            r#"{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"${aws:PrincipalTag/team}"}}}"#,
            "own team",
            base("iam:CreateUser").with_key("aws:PrincipalTag/team", "eng").with_key("aws:RequestTag/team", "eng"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"${aws:PrincipalTag/team}"}}}"#,
            "other team",
            base("iam:CreateUser").with_key("aws:PrincipalTag/team", "eng").with_key("aws:RequestTag/team", "ops"),
            ImplicitlyDenied,
        ),
        // aws:SourceIp with IpAddress / NotIpAddress (the documented "deny outside these ranges").
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}}"#,
            "inside",
            base("iam:GetUser").with_key("aws:SourceIp", "203.0.113.7").with_key("aws:ViaAWSService", "false"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}}"#,
            "outside",
            base("iam:GetUser").with_key("aws:SourceIp", "198.51.100.1").with_key("aws:ViaAWSService", "false"),
            ExplicitlyDenied,
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}}"#,
            "ipv6",
            base("iam:GetUser").with_key("aws:SourceIp", "2001:db8:1::5"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1"}}}"#,
            "v4-mapped",
            base("iam:GetUser").with_key("aws:SourceIp", "::ffff:127.0.0.1"),
            Allowed,
        ),
        // aws:CurrentTime / aws:EpochTime with Date operators (the documented date window).
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}}"#,
            "inside the window",
            base("iam:GetUser").with_key("aws:CurrentTime", "2020-05-01T12:00:00Z"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}}"#,
            "after the window",
            base("iam:GetUser").with_key("aws:CurrentTime", "2026-12-01T12:00:00Z"),
            ImplicitlyDenied,
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThanEquals":{"aws:EpochTime":"2020-01-01"}}}"#,
            "epoch against a date",
            base("iam:GetUser").with_key("aws:EpochTime", "1577836800"),
            Allowed,
        ),
        // aws:SecureTransport: the documented Deny over plain HTTP.
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
            "plain http",
            base("iam:GetUser").with_key("aws:SecureTransport", "false"),
            ExplicitlyDenied,
        ),
        // iam:PolicyARN: attaching AdministratorAccess is denied, others allowed.
        (
            r#"{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*"},{"Effect":"Deny","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/AdministratorAccess"}}}"#,
            "admin policy",
            base("iam:AttachUserPolicy").with_key("iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ExplicitlyDenied,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*"},{"Effect":"Deny","Action":"iam:AttachUserPolicy","Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/AdministratorAccess"}}}"#,
            "read-only policy",
            base("iam:AttachUserPolicy").with_key("iam:PolicyARN", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
            Allowed,
        ),
        // aws:PrincipalArn / aws:PrincipalType / aws:RequestedRegion.
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/a*"},"StringEquals":{"aws:PrincipalType":"User","aws:RequestedRegion":["us-east-1","eu-west-1"]}}}"#,
            "principal keys",
            base("iam:GetUser")
                .with_key("aws:PrincipalArn", user_arn("alice"))
                .with_key("aws:PrincipalType", "User")
                .with_key("aws:RequestedRegion", "us-east-1"),
            Allowed,
        ),
        // BinaryEquals compares the base64 value.
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"aws:UserAgent":"QmluYXJ5VmFsdWU="}}}"#,
            "binary",
            base("iam:GetUser").with_key("aws:UserAgent", "QmluYXJ5VmFsdWU="),
            Allowed,
        ),
        // A negated operator on an absent key holds; ForAllValues with a negated operator too.
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"aws:*"}}}"#,
            "no reserved keys",
            base("iam:TagUser").with_key("aws:TagKeys", "team"),
            Allowed,
        ),
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"admin*"}}}"#,
            "a forbidden key",
            base("iam:TagUser").with_key("aws:TagKeys", "team").with_key("aws:TagKeys", "admin-level"),
            ImplicitlyDenied,
        ),
    ];
    for (statements, what, ctx, expected) in cases {
        assert_eq!(decide(&[("p", &doc(statements))], &ctx), expected, "{what}: {statements}");
    }
}

#[test]
fn condition_values_are_checked_when_saved() {
    for (cond, fault) in [
        (r#"{"IpAddress":{"aws:SourceIp":"not-an-ip"}}"#, "not a valid value for IpAddress"),
        (r#"{"DateLessThan":{"aws:CurrentTime":"yesterday"}}"#, "not a valid value for DateLessThan"),
        (r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"soon"}}"#, "not a valid value for NumericLessThan"),
        (r#"{"ForAllValues:Null":{"aws:TagKeys":"true"}}"#, "ForAllValues:Null is not a supported"),
        (r#"{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}"#, "ForSomeValues:StringEquals is not a supported"),
    ] {
        let json = format!(r#"{{"Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{cond}}}]}}"#);
        match parse_policy(&json) {
            Err(crate::IamError::MalformedPolicyDocument(m)) => assert!(m.contains(fault), "{m}"),
            other => panic!("{cond}: {other:?}"),
        }
    }
}

/// Property: with tagged resources and request tags in the context, an applicable Deny still
/// always wins, and a Deny conditioned on a tag applies exactly when the tag is there.
#[test]
fn tag_conditioned_denies_always_apply_when_their_tag_is_present() {
    let mut rng = rand::thread_rng();
    let keys = ["role", "team", "Role"];
    let values = ["admin", "dev", "Admin"];
    for _ in 0..2_000 {
        let (key, value) = (*keys.choose(&mut rng).unwrap(), *values.choose(&mut rng).unwrap());
        let family = ["aws:ResourceTag", "iam:ResourceTag", "aws:RequestTag"].choose(&mut rng).unwrap();
        let op = ["StringEquals", "StringLike", "StringEqualsIgnoreCase"].choose(&mut rng).unwrap();
        let policy = doc(&format!(
            r#"{{"Effect":"Allow","Action":"iam:*","Resource":"*"}},
               {{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{{"{op}":{{"{family}/{key}":"{value}"}}}}}}"#
        ));
        let mut ctx = alice("iam:UpdateLoginProfile", &user_arn("bob"), Some(rng.gen_bool(0.5)));
        let mut present = Vec::new();
        for _ in 0..rng.gen_range(0..4) {
            let (k, v) = (*keys.choose(&mut rng).unwrap(), *values.choose(&mut rng).unwrap());
            let f = ["aws:ResourceTag", "iam:ResourceTag", "aws:RequestTag"].choose(&mut rng).unwrap();
            ctx = ctx.with_key(&format!("{f}/{k}"), v);
            present.push((*f, k, v));
        }
        let matches = |v: &str| match *op {
            "StringEqualsIgnoreCase" => v.eq_ignore_ascii_case(value),
            _ => v == value,
        };
        let deny_should_apply =
            present.iter().any(|(f, k, v)| f.eq_ignore_ascii_case(family) && k.eq_ignore_ascii_case(key) && matches(v));
        let decision = decide(&[("p", &policy)], &ctx);
        assert_eq!(decision == ExplicitlyDenied, deny_should_apply, "{op} {family}/{key}={value} with {present:?}");
        assert!(matches!(decision, ExplicitlyDenied | Allowed));
    }
}

/// Issue 29's evaluation rules, where an independent evaluator and AWS's documentation agree.
mod issue_29 {
    use super::*;

    fn doc(statement: &str) -> PolicyDocument {
        parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)).unwrap()
    }

    /// "ForAnyValue … If the key … is not present in the request, the condition evaluates to
    /// false" — `…IfExists` does not change that (it over-permitted).
    #[test]
    fn for_any_value_if_exists_is_false_when_the_key_is_absent() {
        let d = doc(
            r#"{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["team"]}}}"#,
        );
        assert_eq!(decide(&[("p", &d)], &alice("iam:TagUser", "*", None)), ImplicitlyDenied);
        let with = alice("iam:TagUser", "*", None).with_key("aws:TagKeys", "team");
        assert_eq!(decide(&[("p", &d)], &with), Allowed);
    }

    /// The ARN operators compare each of the six colon-delimited parts on its own (AWS's example
    /// `arn:aws:someservice:*:111122223333:finance/*`): a `*` no longer spans a colon.
    #[test]
    fn arn_operators_match_part_by_part() {
        let d = doc(
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}}"#,
        );
        let ctx = |arn: &str| RequestContext::new("s3:GetObject", "*").with_key("aws:SourceArn", arn);
        let cases = [
            ("arn:aws:someservice:us-east-1:111122223333:finance/report", Allowed),
            ("arn:aws:someservice::111122223333:finance/x:y", Allowed),
            // Before: the region's `*` ran on through `:999999999999:x` into the account.
            ("arn:aws:someservice:us-east-1:999999999999:x:111122223333:finance/a", ImplicitlyDenied),
            ("arn:aws:someservice:us-east-1:111122223333", ImplicitlyDenied),
            ("not-an-arn", ImplicitlyDenied),
        ];
        for (arn, want) in cases {
            assert_eq!(decide(&[("p", &d)], &ctx(arn)), want, "{arn}");
        }
        let not = doc(
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:user/*"}}}"#,
        );
        assert_eq!(decide(&[("p", &not)], &ctx("arn:aws:iam::123456789012:user/a")), ImplicitlyDenied);
        assert_eq!(decide(&[("p", &not)], &ctx("arn:aws:iam::1:2:user/a")), ExplicitlyDenied);
    }

    /// `${aws:username, 'default'}`: the default stands in when the key is absent.
    #[test]
    fn policy_variable_defaults() {
        let d = doc(
            r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:PrincipalTag/team, 'shared'}/*"}"#,
        );
        let ctx = alice("iam:GetUser", &format!("arn:aws:iam::{ACCT}:user/shared/x"), None);
        assert_eq!(decide(&[("p", &d)], &ctx), Allowed);
        let tagged = alice("iam:GetUser", &format!("arn:aws:iam::{ACCT}:user/shared/x"), None)
            .with_key("aws:PrincipalTag/team", "eng");
        assert_eq!(decide(&[("p", &d)], &tagged), ImplicitlyDenied, "the tag's value, not the default");
    }

    /// `${*}` is a literal asterisk (it was a wildcard, so `user/${*}` allowed every user).
    #[test]
    fn literal_star_variable_is_not_a_wildcard() {
        let d = doc(r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${*}"}"#);
        assert_eq!(decide(&[("p", &d)], &alice("iam:GetUser", &user_arn("bob"), None)), ImplicitlyDenied);
        assert_eq!(decide(&[("p", &d)], &alice("iam:GetUser", &user_arn("*"), None)), Allowed);
    }

    /// An explicit Deny in a permissions boundary decides as an explicit deny.
    #[test]
    fn boundary_deny_is_explicit() {
        let identity = Evaluation { decision: ImplicitlyDenied, deciding: None };
        let by = DecidingStatement { policy: "b".into(), index: 0, sid: None };
        let boundary = Evaluation { decision: ExplicitlyDenied, deciding: Some(by) };
        assert_eq!(within_boundary(identity, boundary).0.decision, ExplicitlyDenied);
        let allow = Evaluation { decision: Allowed, deciding: None };
        let implicit = Evaluation { decision: ImplicitlyDenied, deciding: None };
        assert_eq!(within_boundary(allow.clone(), implicit.clone()), (implicit.clone(), true));
        assert_eq!(within_boundary(allow.clone(), allow.clone()), (allow, false));
    }
}
