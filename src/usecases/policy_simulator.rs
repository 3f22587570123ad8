//! The policy simulator (IAM's SimulatePrincipalPolicy): a user's policies evaluated for chosen
//! actions on a resource, with or without MFA, answering allowed / explicitly denied / implicitly
//! denied and the deciding statement.

use crate::domain::{IamAction, IamPath, Principal, UniqueId, UserName};
use crate::policy::{unsupported_key_warnings, DecidingStatement, Decision};
use crate::store;
use crate::usecases::actor::{Access, Actor, MfaContext, Resource};
use crate::usecases::users::UserTags;
use crate::{Engine, IamError};

/// Actions simulated at once (IAM's limit for one call is larger; a page needs fewer).
pub const MAX_SIMULATED_ACTIONS: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationInput {
    pub user_name: String,
    pub actions: Vec<String>,
    /// An ARN, or `*` for "any resource".
    pub resource: String,
    pub mfa: bool,
}

/// A simulation's answers, the request context they were decided in, and warnings about
/// condition keys in the user's policies that Lanyard never supplies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    pub results: Vec<SimulationResult>,
    pub context: Vec<(String, Vec<String>)>,
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationResult {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    pub deciding: Option<DecidingStatement>,
    /// What the user's permissions boundary alone decides (`None`: the user has none).
    pub boundary: Option<Decision>,
}

impl Engine {
    pub async fn simulate_principal_policy(
        &self,
        actor: &Actor,
        input: &SimulationInput,
    ) -> Result<Simulation, IamError> {
        let actions: Vec<&str> = input
            .actions
            .iter()
            .flat_map(|a| a.split([',', '\n', ' ']))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let mut errors = Vec::new();
        if actions.is_empty() {
            errors.push(crate::FieldError::new("actionNames", "name at least one action, such as iam:CreateUser"));
        }
        if actions.len() > MAX_SIMULATED_ACTIONS {
            errors.push(crate::FieldError::new("actionNames", format!("at most {MAX_SIMULATED_ACTIONS} actions")));
        }
        for a in &actions {
            if a.split_once(':').is_none_or(|(svc, op)| svc.is_empty() || op.is_empty()) {
                errors.push(crate::FieldError::new("actionNames", format!("'{a}' is not an action (service:Action)")));
            }
        }
        let resource = input.resource.trim();
        if !(resource == "*" || resource.starts_with("arn:")) {
            errors.push(crate::FieldError::new("resourceArn", "must be an ARN (arn:aws:iam::…) or *"));
        }
        if !errors.is_empty() {
            return Err(IamError::Validation(errors));
        }
        let account = actor.account_id().clone();
        let mut conn = self.pool.acquire().await?;
        let (row, subject_resource) = self
            .lock_user_for(&mut conn, actor, &input.user_name, &[IamAction::SimulatePrincipalPolicy], UserTags::Load)
            .await?;
        let path = IamPath::parse(&row.path)?;
        let name = UserName::parse(&row.user_name)?;
        let policies = self.load_user_policies(&mut conn, &row.user_id).await?;
        let boundary = self.load_user_boundary(&mut conn, &row.user_id).await?;
        // A user of this account named as the resource brings its tags (`aws:ResourceTag/*`).
        let target = match self.user_by_arn(&mut conn, &account, resource).await? {
            Some(r) => r,
            None => Resource::untagged(resource),
        };
        drop(conn);
        let warnings: Vec<String> = policies
            .iter()
            .flat_map(|p| unsupported_key_warnings(&p.document).into_iter().map(|w| format!("{}: {w}", p.label)))
            .collect();
        let subject =
            Principal::User { account_id: account, user_id: UniqueId::parse(&row.user_id)?, user_name: name, path };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mfa = if input.mfa { MfaContext::Present { at: now } } else { MfaContext::NotPresent };
        // The subject's permissions boundary (read above) caps its policies in the simulation too.
        let subject = Actor::with_policies(subject, policies, mfa)
            .with_tags(subject_resource.tags)
            .with_boundary(boundary)
            .with_facts(actor.facts().clone());
        let first = actions.first().copied().unwrap_or_default();
        let context =
            subject.request_context(&Access { action: first, resource: &target, request: Default::default() });
        let results = actions
            .into_iter()
            .map(|action| {
                let access = Access { action, resource: &target, request: Default::default() };
                let e = subject.evaluate(&access);
                SimulationResult {
                    action: action.to_owned(),
                    resource: resource.to_owned(),
                    decision: e.decision,
                    deciding: e.deciding,
                    boundary: subject.boundary_verdict(&access).map(|b| b.decision),
                }
            })
            .collect();
        Ok(Simulation { results, context: context.entries(), warnings })
    }

    /// The account's user whose ARN is exactly `arn`, as a resource with its tags.
    async fn user_by_arn(
        &self,
        conn: &mut sqlx::PgConnection,
        account: &crate::domain::AccountId,
        arn: &str,
    ) -> Result<Option<Resource>, IamError> {
        let Some(rest) = arn.strip_prefix(&format!("arn:aws:iam::{account}:user/")) else { return Ok(None) };
        let name = rest.rsplit('/').next().unwrap_or_default();
        let Some(row) = store::users::find_user_for_update(&mut *conn, account, name).await? else { return Ok(None) };
        let found = self.user_resource(conn, account, &row.user_id, &row.path, &row.user_name).await?;
        Ok((found.arn == arn).then_some(found))
    }
}

/// SimulateCustomPolicy's answer for one action on one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomSimulation {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    /// The deciding statement: the policy's index in the input list and the statement's.
    pub deciding: Option<DecidingStatement>,
}

fn parse_inputs(documents: &[String]) -> Result<Vec<crate::policy::PolicyDocument>, IamError> {
    if documents.is_empty() {
        return Err(IamError::field("policyInputList", "Member must not be null"));
    }
    documents.iter().map(|d| crate::policy::parse_policy(d)).collect()
}

impl Engine {
    /// SimulateCustomPolicy: the given documents, not any principal's, decide each action on each
    /// resource (no principal keys; `context` adds keys such as `aws:MultiFactorAuthPresent`).
    pub fn simulate_custom_policy(
        &self,
        actor: &Actor,
        documents: &[String],
        actions: &[String],
        resources: &[String],
        context: &[(String, Vec<String>)],
    ) -> Result<Vec<CustomSimulation>, IamError> {
        self.authorize(actor, IamAction::SimulateCustomPolicy, &Resource::untagged("*"))?;
        let docs = parse_inputs(documents)?;
        if actions.is_empty() || actions.len() > MAX_SIMULATED_ACTIONS {
            return Err(IamError::field("actionNames", format!("name 1 to {MAX_SIMULATED_ACTIONS} actions")));
        }
        let names: Vec<String> = (0..docs.len()).map(|i| format!("PolicyInputList.{}", i + 1)).collect();
        let named: Vec<crate::policy::NamedPolicy<'_>> =
            docs.iter().zip(&names).map(|(document, name)| crate::policy::NamedPolicy { name, document }).collect();
        let resources: Vec<String> = if resources.is_empty() { vec!["*".into()] } else { resources.to_vec() };
        let mut out = Vec::new();
        for action in actions {
            for resource in &resources {
                let mut ctx = crate::policy::RequestContext::new(action, resource);
                for (key, values) in context {
                    for v in values {
                        ctx = ctx.with_key(key, v.as_str());
                    }
                }
                let e = crate::policy::evaluate(&named, &ctx);
                out.push(CustomSimulation {
                    action: action.clone(),
                    resource: resource.clone(),
                    decision: e.decision,
                    deciding: e.deciding,
                });
            }
        }
        Ok(out)
    }

    /// GetContextKeysForCustomPolicy: every condition key the documents use.
    pub fn context_keys_for_custom_policy(&self, documents: &[String]) -> Result<Vec<String>, IamError> {
        let docs = parse_inputs(documents)?;
        let mut keys: Vec<String> = Vec::new();
        for d in &docs {
            for k in crate::policy::condition_keys(d) {
                if !keys.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                    keys.push(k);
                }
            }
        }
        Ok(keys)
    }

    /// GetContextKeysForPrincipalPolicy: the condition keys of a user's policies (and of `extra`).
    pub async fn context_keys_for_principal_policy(
        &self,
        actor: &Actor,
        user_name: &str,
        extra: &[String],
    ) -> Result<Vec<String>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let (row, _) = self
            .lock_user_for(
                &mut conn,
                actor,
                user_name,
                &[IamAction::GetContextKeysForPrincipalPolicy],
                UserTags::ToAuthorize,
            )
            .await?;
        let policies = self.load_user_policies(&mut conn, &row.user_id).await?;
        drop(conn);
        let mut keys: Vec<String> = Vec::new();
        let extra_docs = if extra.is_empty() { Vec::new() } else { parse_inputs(extra)? };
        for d in policies.iter().map(|p| p.document.as_ref()).chain(extra_docs.iter()) {
            for k in crate::policy::condition_keys(d) {
                if !keys.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                    keys.push(k);
                }
            }
        }
        Ok(keys)
    }
}
