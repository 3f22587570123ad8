//! Simulation: SimulatePrincipalPolicy, SimulateCustomPolicy and GetContextKeysFor{Principal,
//! Custom}Policy — the same evaluator as the console's simulator and every real request.

use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::policy::{DecidingStatement, Decision};
use lanyard_iam::usecases::policy_simulator::{CustomSimulationInput, SimulationInput, MAX_CONTEXT_ENTRIES};
use lanyard_iam::IamError;

fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "allowed",
        Decision::ExplicitlyDenied => "explicitDeny",
        Decision::ImplicitlyDenied => "implicitDeny",
    }
}

fn write_result(
    m: &mut Xml,
    action: &str,
    resource: &str,
    decision: Decision,
    deciding: Option<&DecidingStatement>,
    boundary: Option<Decision>,
) {
    m.el("EvalActionName", action).el("EvalResourceName", resource).el("EvalDecision", decision_name(decision));
    m.nest("MatchedStatements", |x| {
        if let Some(d) = deciding {
            x.nest("member", |s| {
                s.el("SourcePolicyId", &d.policy).el("SourcePolicyType", "user");
            });
        }
    });
    m.nest("MissingContextValues", |_| {});
    // AWS's separate verdict of the permissions boundary, when there is one.
    if let Some(b) = boundary {
        m.nest("PermissionsBoundaryDecisionDetail", |d| {
            d.bool("AllowedByPermissionsBoundary", b == Decision::Allowed);
        });
    }
}

/// The user a `PolicySourceArn` names (`arn:aws:iam::<acct>:user/path/name` → `name`).
fn user_of(arn: &str) -> Result<String, IamError> {
    match arn.split_once(":user/") {
        Some((_, rest)) if !rest.is_empty() => Ok(rest.rsplit('/').next().unwrap_or(rest).to_owned()),
        _ => Err(IamError::InvalidInput(format!("Invalid ARN {arn}: only IAM users can be simulated."))),
    }
}

/// `ContextEntries.member.N.ContextKeyName/ContextKeyValues.member.M`.
fn context_entries(call: &Call<'_>) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for n in 1..=MAX_CONTEXT_ENTRIES + 1 {
        let Some(key) = call.params.get(&format!("ContextEntries.member.{n}.ContextKeyName")) else { break };
        out.push((key.to_owned(), call.params.list(&format!("ContextEntries.member.{n}.ContextKeyValues"))));
    }
    out
}

pub async fn simulate_principal_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let user = user_of(&call.params.req("PolicySourceArn")?)?;
    let mfa = context_entries(call)
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("aws:MultiFactorAuthPresent") && v.iter().any(|x| x == "true"));
    let input = SimulationInput {
        user_name: user,
        actions: call.params.list("ActionNames"),
        resources: call.params.list("ResourceArns"),
        mfa,
    };
    let results = call.engine.simulate_principal_policy(&call.actor, &input).await?.results;
    let mut x = Xml::new();
    x.members("EvaluationResults", &results, |m, r| {
        write_result(m, &r.action, &r.resource, r.decision, r.deciding.as_ref(), r.boundary)
    })
    .paging(None);
    Ok(Some(x))
}

pub async fn simulate_custom_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let input = CustomSimulationInput {
        policies: call.params.list("PolicyInputList"),
        boundaries: call.params.list("PermissionsBoundaryPolicyInputList"),
        actions: call.params.list("ActionNames"),
        resources: call.params.list("ResourceArns"),
        context: context_entries(call),
    };
    let results = call.engine.simulate_custom_policy(&call.actor, input).await?;
    let mut x = Xml::new();
    x.members("EvaluationResults", &results, |m, r| {
        write_result(m, &r.action, &r.resource, r.decision, r.deciding.as_ref(), r.boundary)
    })
    .paging(None);
    Ok(Some(x))
}

fn write_keys(keys: &[String]) -> Xml {
    let mut x = Xml::new();
    x.nest("ContextKeyNames", |x| {
        for k in keys {
            x.el("member", k);
        }
    });
    x
}

pub async fn get_context_keys_for_custom_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.authorize(
        &call.actor,
        lanyard_iam::domain::IamAction::GetContextKeysForCustomPolicy,
        &lanyard_iam::usecases::actor::Resource::untagged("*"),
    )?;
    Ok(Some(write_keys(&call.engine.context_keys_for_custom_policy(&call.params.list("PolicyInputList"))?)))
}

pub async fn get_context_keys_for_principal_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let user = user_of(&call.params.req("PolicySourceArn")?)?;
    let keys =
        call.engine.context_keys_for_principal_policy(&call.actor, &user, &call.params.list("PolicyInputList")).await?;
    Ok(Some(write_keys(&keys)))
}
