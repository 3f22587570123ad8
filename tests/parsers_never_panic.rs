//! Hostile input to the engine's parsers (issue 18, item 7): every validator, the policy-document
//! parser, the condition operators and the SigV4 header parsers take any text — random, long,
//! control characters, broken Unicode edges, mutations of valid input — and answer a value or a
//! clear error, never a panic. Randomized with fixed seeds, so a failure reproduces.

use lanyard_iam::domain::{
    AccessKeyId, AccountAlias, AccountId, AccountRef, Email, GroupName, IamPath, IpRange, MfaCode, MfaDeviceName,
    PolicyName, Tag, UniqueId, UserName,
};
use lanyard_iam::policy::parse_policy;
use lanyard_iam::sigv4::{self, SignedRequest};
#[path = "common/garbage.rs"]
mod garbage;

use garbage::{garbage, mutate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["iam:Get*","iam:List*"],
"Resource":"arn:aws:iam::*:user/${aws:username}","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},
"ForAnyValue:StringLike":{"aws:TagKeys":["team*"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},
"NumericLessThanEquals":{"aws:MultiFactorAuthAge":"3600"},"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}},
{"Effect":"Deny","NotAction":"iam:*","NotResource":["*"]}]}"#;

const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261202/us-east-1/iam/aws4_request, \
SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

fn every_parser(s: &str) {
    let _ = UserName::parse(s);
    let _ = IamPath::parse(s);
    let _ = GroupName::parse(s);
    let _ = PolicyName::parse(s);
    let _ = AccountAlias::parse(s);
    let _ = AccountId::parse(s);
    let _ = AccountRef::parse(s);
    let _ = Email::parse(s);
    let _ = AccessKeyId::parse(s);
    let _ = UniqueId::parse(s);
    let _ = MfaDeviceName::parse(s);
    let _ = MfaCode::parse("code", s);
    let _ = Tag::parse(s, s, 0);
    let _ = IpRange::parse(s);
    let _ = sigv4::parse_authorization(s);
    let _ = sigv4::parse_amz_date(s);
    let _ = parse_policy(s);
}

#[test]
fn validators_and_parsers_answer_any_text_without_panicking() {
    let mut rng = StdRng::seed_from_u64(0x0bad_1dea);
    for _ in 0..3_000 {
        every_parser(&garbage(&mut rng));
    }
    for _ in 0..2_000 {
        every_parser(&mutate(&mut rng, "/division/team-a/"));
        every_parser(&mutate(&mut rng, "alice.smith+ops@example.com"));
        every_parser(&mutate(&mut rng, AUTHORIZATION));
    }
}

#[test]
fn mutated_policy_documents_are_accepted_or_refused_with_a_message() {
    let mut rng = StdRng::seed_from_u64(0x0090_11c7);
    assert!(parse_policy(POLICY).is_ok(), "the seed document is valid");
    let (mut refused, mut accepted) = (0, 0);
    for _ in 0..4_000 {
        let doc = mutate(&mut rng, POLICY);
        match parse_policy(&doc) {
            Ok(_) => accepted += 1,
            Err(e) => {
                assert!(!e.public_message().is_empty());
                assert_eq!(e.status(), 400, "{e:?}");
                refused += 1;
            }
        }
    }
    assert!(refused > 1_000 && accepted > 0, "refused {refused}, accepted {accepted}");
}

#[test]
fn canonical_requests_are_built_or_refused_for_any_headers() {
    let mut rng = StdRng::seed_from_u64(0x0005_1644);
    for _ in 0..2_000 {
        let headers: Vec<(String, String)> =
            (0..rng.gen_range(0..5)).map(|_| (garbage(&mut rng), garbage(&mut rng))).collect();
        let signed: Vec<String> = (0..rng.gen_range(0..4)).map(|_| garbage(&mut rng)).collect();
        let (path, query) = (garbage(&mut rng), garbage(&mut rng));
        let body = garbage(&mut rng);
        let req =
            SignedRequest { method: "POST", path: &path, query: &query, headers: &headers, body: body.as_bytes() };
        let _ = sigv4::canonical_request(&req, &signed);
    }
}
