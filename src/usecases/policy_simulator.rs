//! The policy simulator (IAM's SimulatePrincipalPolicy): a user's policies evaluated for chosen
//! actions on a resource, with or without MFA, answering allowed / explicitly denied / implicitly
//! denied and the deciding statement.

use crate::domain::{user_arn, IamPath, Principal, UniqueId, UserName};
use crate::policy::{DecidingStatement, Decision};
use crate::store;
use crate::usecases::actor::{Actor, MfaContext};
use crate::usecases::users::no_such_user;
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
    ) -> Result<Vec<SimulationResult>, IamError> {
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
        let row = store::users::find_user_for_update(&self.pool, &account, input.user_name.trim())
            .await?
            .ok_or_else(|| no_such_user(input.user_name.trim()))?;
        let path = IamPath::parse(&row.path)?;
        let name = UserName::parse(&row.user_name)?;
        self.authorize(actor, "iam:SimulatePrincipalPolicy", &user_arn(&account, &path, &name))?;
        let policies = self.load_user_policies(&row.user_id).await?;
        let subject =
            Principal::User { account_id: account, user_id: UniqueId::parse(&row.user_id)?, user_name: name, path };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mfa = if input.mfa { MfaContext::Present { at: now } } else { MfaContext::NotPresent };
        let subject = Actor::with_policies(subject, policies, mfa);
        Ok(actions
            .into_iter()
            .map(|action| {
                let e = subject.evaluate(action, resource);
                SimulationResult {
                    action: action.to_owned(),
                    resource: resource.to_owned(),
                    decision: e.decision,
                    deciding: e.deciding,
                }
            })
            .collect())
    }
}
