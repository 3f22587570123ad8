//! The policy simulator (IAM's SimulatePrincipalPolicy): a user's policies evaluated for chosen
//! actions on a resource, with or without MFA, answering allowed / explicitly denied / implicitly
//! denied and the deciding statement.

use crate::domain::{IamAction, IamPath, Principal, UniqueId, UserName};
use crate::policy::{unsupported_key_warnings, DecidingStatement, Decision};
use crate::store;
use crate::usecases::actor::{Access, Actor, MfaContext, Resource};
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
        let (row, subject_resource) =
            self.lock_user_for(&mut conn, actor, &input.user_name, &[IamAction::SimulatePrincipalPolicy]).await?;
        let path = IamPath::parse(&row.path)?;
        let name = UserName::parse(&row.user_name)?;
        let policies = self.load_user_policies(&row.user_id).await?;
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
        let subject = Actor::with_policies(subject, policies, mfa)
            .with_tags(subject_resource.tags)
            .with_facts(actor.facts().clone());
        let first = actions.first().copied().unwrap_or_default();
        let context =
            subject.request_context(&Access { action: first, resource: &target, request: Default::default() });
        let results = actions
            .into_iter()
            .map(|action| {
                let e = subject.evaluate(&Access { action, resource: &target, request: Default::default() });
                SimulationResult {
                    action: action.to_owned(),
                    resource: resource.to_owned(),
                    decision: e.decision,
                    deciding: e.deciding,
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
