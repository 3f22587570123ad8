//! The policy simulator: SimulatePrincipalPolicy (a user's policies and boundary, read once, for
//! chosen actions on chosen resources, with or without MFA) and SimulateCustomPolicy (given
//! documents and boundaries), answering allowed / explicitly denied / implicitly denied and the
//! deciding statement. A simulation's work is bounded before it starts and runs off the async
//! threads, so no request can stall the server (issue 29).

use crate::domain::{IamAction, IamPath, Principal, UniqueId, UserName};
use crate::policy::{unsupported_key_warnings, DecidingStatement, Decision, MAX_PARSED_CHARS};
use crate::store;
use crate::usecases::actor::{Access, Actor, MfaContext, Resource};
use crate::usecases::users::UserTags;
use crate::{Engine, IamError};

/// What one simulation may ask (AWS's model sets no list maximum; these keep one request's
/// work bounded, and a request beyond them is refused with a message naming the limit).
pub const MAX_API_ACTIONS: usize = 1000;
pub const MAX_API_RESOURCES: usize = 1000;
pub const MAX_EVALUATIONS: usize = 10_000;
pub const MAX_CONTEXT_ENTRIES: usize = 100;
pub const MAX_CONTEXT_VALUES: usize = 100;
/// The work one simulation may be estimated to do, in the units of
/// [`crate::policy::match_cost`]: a coarse check before any evaluation.
pub const SIMULATION_BUDGET: u64 = 300_000_000;
/// The time one simulation may evaluate for, checked between evaluations: the hard bound (one
/// evaluation more at most), whatever the estimate missed. `lanyard bench` measures the costliest
/// request and the health checks beside it.
pub const SIMULATION_TIME_LIMIT: std::time::Duration = std::time::Duration::from_millis(40);

fn too_large(evaluations: usize) -> IamError {
    IamError::LimitExceeded(format!(
        "The simulation is too large: {evaluations} evaluations of these policies exceed the work one request may \
         do. Simulate fewer actions or resources per call, or simpler patterns."
    ))
}

/// The time budget of one simulation, spent between evaluations.
struct Deadline(std::time::Instant, usize);

impl Deadline {
    fn start(evaluations: usize) -> Self {
        Deadline(std::time::Instant::now(), evaluations)
    }

    fn check(&self) -> Result<(), IamError> {
        if self.0.elapsed() > SIMULATION_TIME_LIMIT {
            return Err(too_large(self.1));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimulationInput {
    pub user_name: String,
    pub actions: Vec<String>,
    /// ARNs, or `*` for "any resource"; none means `*`.
    pub resources: Vec<String>,
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
    /// What the permissions boundary alone decides (`None`: there is none).
    pub boundary: Option<Decision>,
}

/// Validates the action names and resources of a simulation and its size (bounded work).
fn check_size(actions: &[&str], resources: &[String]) -> Result<(), IamError> {
    let mut errors = Vec::new();
    if actions.is_empty() {
        errors.push(crate::FieldError::new("actionNames", "name at least one action, such as iam:CreateUser"));
    }
    if actions.len() > MAX_API_ACTIONS {
        errors.push(crate::FieldError::new("actionNames", format!("at most {MAX_API_ACTIONS} actions")));
    }
    for a in actions {
        if a.split_once(':').is_none_or(|(svc, op)| svc.is_empty() || op.is_empty()) || a.len() > 128 {
            errors.push(crate::FieldError::new("actionNames", format!("'{a}' is not an action (service:Action)")));
        }
    }
    if resources.len() > MAX_API_RESOURCES {
        errors.push(crate::FieldError::new("resourceArns", format!("at most {MAX_API_RESOURCES} resources")));
    }
    for r in resources {
        if !(r == "*" || r.starts_with("arn:")) || r.len() > 2048 {
            errors.push(crate::FieldError::new("resourceArns", "must be an ARN (arn:aws:iam::…) or *"));
            break;
        }
    }
    if actions.len().saturating_mul(resources.len().max(1)) > MAX_EVALUATIONS {
        errors.push(crate::FieldError::new(
            "actionNames",
            format!("at most {MAX_EVALUATIONS} evaluations (actions × resources) per simulation"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(IamError::Validation(errors))
    }
}

/// Refuses a simulation whose matching work would exceed [`SIMULATION_BUDGET`].
fn check_budget<'a>(
    documents: impl Iterator<Item = &'a crate::policy::PolicyDocument>,
    evaluations: usize,
    longest_text: usize,
) -> Result<(), IamError> {
    let per_evaluation: u64 = documents.map(|d| crate::policy::match_cost(d, longest_text)).sum();
    let work = per_evaluation.saturating_mul(evaluations as u64);
    if work > SIMULATION_BUDGET {
        return Err(too_large(evaluations));
    }
    Ok(())
}

impl Engine {
    /// Runs CPU-bound evaluation off the async threads, one simulation at a time per permit, so
    /// simulations never stall other requests (health checks, sign-ins).
    async fn off_thread<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, IamError> {
        let _permit = self.simulations.acquire().await.map_err(|e| IamError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| IamError::Internal(format!("simulation failed: {e}")))
    }

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
        let resources: Vec<String> = if input.resources.is_empty() {
            vec!["*".into()]
        } else {
            input.resources.iter().map(|r| r.trim().to_owned()).collect()
        };
        check_size(&actions, &resources)?;
        let account = actor.account_id().clone();
        let mut conn = self.pool.acquire().await?;
        let (row, subject_resource) = self
            .lock_user_for(&mut conn, actor, &input.user_name, &[IamAction::SimulatePrincipalPolicy], UserTags::Load)
            .await?;
        let path = IamPath::parse(&row.path)?;
        let name = UserName::parse(&row.user_name)?;
        // The subject's policies and boundary are read once for every action and resource.
        let policies = self.load_user_policies(&mut conn, &row.user_id).await?;
        let boundary = self.load_user_boundary(&mut conn, &row.user_id).await?;
        let longest = resources.iter().map(String::len).max().unwrap_or(1).max(128);
        check_budget(
            policies.iter().chain(boundary.as_ref()).map(|p| p.document.as_ref()),
            actions.len() * resources.len(),
            longest,
        )?;
        let warnings: Vec<String> = policies
            .iter()
            .flat_map(|p| unsupported_key_warnings(&p.document).into_iter().map(|w| format!("{}: {w}", p.label)))
            .collect();
        let subject = Principal::User {
            account_id: account.clone(),
            user_id: UniqueId::parse(&row.user_id)?,
            user_name: name,
            path,
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mfa = if input.mfa { MfaContext::Present { at: now } } else { MfaContext::NotPresent };
        // The subject's permissions boundary (read above) caps its policies in the simulation too.
        let subject = Actor::with_policies(subject, policies, mfa)
            .with_tags(subject_resource.tags)
            .with_boundary(boundary)
            .with_facts(actor.facts().clone());
        // A user of this account named as a resource brings its tags (`aws:ResourceTag/*`), read
        // only when the subject's policies name resource tags.
        let mut targets = Vec::with_capacity(resources.len());
        for resource in &resources {
            let found = if subject.reads_resource_tags() {
                self.user_by_arn(&mut conn, &account, resource).await?
            } else {
                None
            };
            targets.push(found.unwrap_or_else(|| Resource::untagged(resource.as_str())));
        }
        drop(conn);
        let actions: Vec<String> = actions.into_iter().map(str::to_owned).collect();
        self.off_thread(move || {
            let first = actions.first().map(String::as_str).unwrap_or_default();
            let context = match targets.first() {
                Some(target) => {
                    subject.request_context(&Access { action: first, resource: target, request: Default::default() })
                }
                None => crate::policy::RequestContext::default(),
            };
            let mut results = Vec::with_capacity(actions.len() * targets.len());
            let deadline = Deadline::start(actions.len() * targets.len());
            for target in &targets {
                for action in &actions {
                    deadline.check()?;
                    let access = Access { action, resource: target, request: Default::default() };
                    let (e, boundary) = subject.judge_with_boundary(&access);
                    results.push(SimulationResult {
                        action: action.clone(),
                        resource: target.arn.clone(),
                        decision: e.decision,
                        deciding: e.deciding,
                        boundary: boundary.map(|b| b.decision),
                    });
                }
            }
            Ok(Simulation { results, context: context.entries(), warnings })
        })
        .await?
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
    /// The deciding statement: the policy's name in the input lists (`PolicyInputList.1`,
    /// `PermissionsBoundaryPolicyInputList.1`) and the statement's index.
    pub deciding: Option<DecidingStatement>,
    /// What the given permissions boundaries alone decide (`None`: none were given).
    pub boundary: Option<Decision>,
}

/// SimulateCustomPolicy's request: identity policies, optional permissions boundaries (AWS's
/// `PermissionsBoundaryPolicyInputList`), the actions and resources, and context entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomSimulationInput {
    pub policies: Vec<String>,
    pub boundaries: Vec<String>,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub context: Vec<(String, Vec<String>)>,
}

fn parse_inputs(documents: &[String], field: &str) -> Result<Vec<crate::policy::PolicyDocument>, IamError> {
    if let Some(big) = documents.iter().find(|d| d.chars().count() > MAX_PARSED_CHARS) {
        return Err(IamError::field(
            field,
            format!("Member must have length less than or equal to {MAX_PARSED_CHARS} ({} given)", big.chars().count()),
        ));
    }
    documents.iter().map(|d| crate::policy::parse_policy(d)).collect()
}

impl Engine {
    /// SimulateCustomPolicy: the given documents, not any principal's, decide each action on each
    /// resource (no principal keys; `context` adds keys such as `aws:MultiFactorAuthPresent`).
    /// Boundaries, when given, cap what the policies allow as a user's boundary would.
    pub async fn simulate_custom_policy(
        &self,
        actor: &Actor,
        input: CustomSimulationInput,
    ) -> Result<Vec<CustomSimulation>, IamError> {
        self.authorize(actor, IamAction::SimulateCustomPolicy, &Resource::untagged("*"))?;
        if input.policies.is_empty() {
            return Err(IamError::field("policyInputList", "Member must not be null"));
        }
        let docs = parse_inputs(&input.policies, "policyInputList")?;
        let boundary_docs = parse_inputs(&input.boundaries, "permissionsBoundaryPolicyInputList")?;
        let resources: Vec<String> = if input.resources.is_empty() { vec!["*".into()] } else { input.resources };
        let action_refs: Vec<&str> = input.actions.iter().map(String::as_str).collect();
        check_size(&action_refs, &resources)?;
        if input.context.len() > MAX_CONTEXT_ENTRIES || input.context.iter().any(|(_, v)| v.len() > MAX_CONTEXT_VALUES)
        {
            return Err(IamError::field(
                "contextEntries",
                format!("at most {MAX_CONTEXT_ENTRIES} entries of at most {MAX_CONTEXT_VALUES} values each"),
            ));
        }
        let longest = resources
            .iter()
            .map(String::len)
            .chain(input.context.iter().flat_map(|(_, v)| v.iter().map(String::len)))
            .max()
            .unwrap_or(1)
            .max(128);
        check_budget(docs.iter().chain(&boundary_docs), input.actions.len() * resources.len(), longest)?;
        let actions = input.actions;
        let context = input.context;
        self.off_thread(move || {
            let names: Vec<String> = (0..docs.len()).map(|i| format!("PolicyInputList.{}", i + 1)).collect();
            let bnames: Vec<String> =
                (0..boundary_docs.len()).map(|i| format!("PermissionsBoundaryPolicyInputList.{}", i + 1)).collect();
            let named: Vec<crate::policy::NamedPolicy<'_>> =
                docs.iter().zip(&names).map(|(document, name)| crate::policy::NamedPolicy { name, document }).collect();
            let bounded: Vec<crate::policy::NamedPolicy<'_>> = boundary_docs
                .iter()
                .zip(&bnames)
                .map(|(document, name)| crate::policy::NamedPolicy { name, document })
                .collect();
            let mut out = Vec::with_capacity(actions.len() * resources.len());
            let deadline = Deadline::start(actions.len() * resources.len());
            // The context entries are the same for every evaluation: added once, and only the
            // action and resource change.
            let mut ctx = crate::policy::RequestContext::default();
            for (key, values) in &context {
                for v in values {
                    ctx = ctx.with_key(key, v.as_str());
                }
            }
            for action in &actions {
                for resource in &resources {
                    deadline.check()?;
                    ctx.action.clone_from(action);
                    ctx.resource.clone_from(resource);
                    let identity = crate::policy::evaluate(&named, &ctx);
                    let (e, boundary) = if bounded.is_empty() {
                        (identity, None)
                    } else {
                        let verdict = crate::policy::evaluate(&bounded, &ctx);
                        (crate::policy::within_boundary(identity, verdict.clone()).0, Some(verdict.decision))
                    };
                    out.push(CustomSimulation {
                        action: action.clone(),
                        resource: resource.clone(),
                        decision: e.decision,
                        deciding: e.deciding,
                        boundary,
                    });
                }
            }
            Ok(out)
        })
        .await?
    }

    /// GetContextKeysForCustomPolicy: every condition key the documents use.
    pub fn context_keys_for_custom_policy(&self, documents: &[String]) -> Result<Vec<String>, IamError> {
        let docs = parse_inputs(documents, "policyInputList")?;
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
        let extra_docs = if extra.is_empty() { Vec::new() } else { parse_inputs(extra, "policyInputList")? };
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
