//! `lanyard bench`, part 6: IAM policy evaluation alone. A user with 10 attached policies of 10
//! statements each (wildcards, variables, conditions); each decision scans them all, as an
//! implicit deny or a late Allow must.

use lanyard_iam::domain::{AccountId, IamAction, IamPath, Principal, UniqueId, UserName};
use lanyard_iam::policy::{evaluate, parse_policy, NamedPolicy, PolicyDocument, RequestContext};
use lanyard_iam::usecases::actor::{Access, LoadedPolicy, Resource};
use lanyard_iam::{Actor, IamError, MfaContext};
use std::hint::black_box;
use std::time::Instant;

fn policies() -> Result<Vec<PolicyDocument>, IamError> {
    (0..10)
        .map(|p| {
            let statements: Vec<String> = (0..10)
                .map(|s| {
                    format!(
                        r#"{{"Sid":"P{p}S{s}","Effect":"Allow","Action":["iam:Get{p}{s}*","iam:List{s}*"],
                            "Resource":["arn:aws:iam::*:user/team-{p}/${{aws:username}}","arn:aws:iam::*:group/g{s}*"],
                            "Condition":{{"BoolIfExists":{{"aws:MultiFactorAuthPresent":"true"}},
                                         "StringLike":{{"aws:username":"user-{p}*"}}}}}}"#
                    )
                })
                .collect();
            parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(",")))
        })
        .collect()
}

pub fn policy_figures() -> Result<(), IamError> {
    let docs = policies()?;
    let named: Vec<NamedPolicy<'_>> = docs.iter().map(|d| NamedPolicy { name: "bench", document: d }).collect();
    let ctx = RequestContext::new("iam:CreateUser", "arn:aws:iam::123456789012:user/team-3/user-3x")
        .with_key("aws:username", "user-3x")
        .with_key("aws:userid", "AIDAEXAMPLEEXAMPLE001")
        .with_key("aws:MultiFactorAuthPresent", "true");
    let rounds = 20_000u32;
    let started = Instant::now();
    for _ in 0..rounds {
        black_box(evaluate(black_box(&named), black_box(&ctx)));
    }
    let per = started.elapsed() / rounds;
    println!(
        "  policy decision, 10 policies x 10 statements (implicit deny, every statement scanned): {:.1} µs",
        per.as_secs_f64() * 1e6
    );
    // What a request pays: the actor (policies loaded once) builds the request context each time.
    let principal = Principal::User {
        account_id: AccountId::parse("123456789012")?,
        user_id: UniqueId::parse("AIDAJQABLZS4A3QDU576Q")?,
        user_name: UserName::parse("user-3x")?,
        path: IamPath::parse("/team-3/")?,
    };
    let loaded =
        docs.into_iter().map(|d| LoadedPolicy { label: "bench".into(), document: std::sync::Arc::new(d) }).collect();
    // A request's whole context: principal tags, a tagged target, origin and time keys.
    let tag = |k: &str, v: &str| lanyard_iam::domain::Tag { key: k.into(), value: v.into() };
    let actor = Actor::with_policies(principal, loaded, MfaContext::Present { at: 0 })
        .with_tags(vec![tag("team", "3"), tag("cost-center", "42")])
        .with_facts(lanyard_iam::usecases::actor::RequestFacts {
            source_ip: Some(std::net::Ipv4Addr::LOCALHOST.into()),
            user_agent: Some("aws-cli/1.46.3 Python/3.11".into()),
            ..Default::default()
        });
    let target = Resource::tagged("arn:aws:iam::123456789012:user/team-3/x", vec![tag("role", "dev")]);
    let started = Instant::now();
    for _ in 0..rounds {
        black_box(actor.evaluate(black_box(&Access::new(IamAction::CreateUser, &target))));
    }
    let per = started.elapsed() / rounds;
    println!("  the same through Actor::evaluate (request context built per check): {:.1} µs", per.as_secs_f64() * 1e6);
    Ok(())
}
