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
