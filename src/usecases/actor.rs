//! Who is acting in one request, with what authorization needs loaded once per request: an IAM
//! user's policies (inline, attached, and those of its groups) and how the request was
//! authenticated (the `aws:MultiFactorAuth*` keys). Every use case takes an [`Actor`].

use crate::domain::{AccountId, Principal};
use crate::policy::{
    aws_managed_document, evaluate, parse_policy, Decision, Evaluation, NamedPolicy, PolicyDocument, RequestContext,
};
use crate::store;
use crate::{Engine, IamError};
use std::sync::Arc;
use time::OffsetDateTime;

/// How the request proved who it is, as the MFA condition keys see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaContext {
    /// Long-term access keys: `aws:MultiFactorAuthPresent` is absent, as in AWS.
    Absent,
    /// A console session signed in with a password only.
    NotPresent,
    /// A console session signed in with an MFA code at this Unix time.
    Present { at: i64 },
}

/// One policy that applies to the actor, parsed.
#[derive(Clone, Debug)]
pub struct LoadedPolicy {
    /// How the simulator and messages name it: `AdministratorAccess`, `inline:self-service`,
    /// `inline:Admins/extra`.
    pub label: String,
    pub document: Arc<PolicyDocument>,
}

#[derive(Clone, Debug)]
pub struct Actor {
    principal: Principal,
    policies: Arc<[LoadedPolicy]>,
    mfa: MfaContext,
}

impl std::ops::Deref for Actor {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.principal
    }
}

impl Actor {
    /// The root user, who needs no policies in its own account.
    pub fn root(account_id: AccountId, email: impl Into<String>) -> Self {
        Actor {
            principal: Principal::Root { account_id, email: email.into() },
            policies: Arc::from(Vec::new()),
            mfa: MfaContext::NotPresent,
        }
    }

    /// A principal with the given policies, for the simulator, benchmarks and tests.
    pub fn with_policies(principal: Principal, policies: Vec<LoadedPolicy>, mfa: MfaContext) -> Self {
        Actor { principal, policies: Arc::from(policies), mfa }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn policies(&self) -> &[LoadedPolicy] {
        &self.policies
    }

    pub fn mfa(&self) -> MfaContext {
        self.mfa
    }

    /// The request context IAM would build: the principal's keys and the MFA keys.
    pub fn request_context(&self, action: &str, resource: &str) -> RequestContext {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut ctx = RequestContext::new(action, resource)
            .with_key("aws:PrincipalArn", self.principal.arn())
            .with_key("aws:PrincipalAccount", self.principal.account_id().as_str())
            .with_key("aws:EpochTime", now.to_string());
        ctx = match &self.principal {
            Principal::User { user_name, user_id, .. } => ctx
                .with_key("aws:username", user_name.as_str())
                .with_key("aws:userid", user_id.as_str())
                .with_key("aws:PrincipalType", "User"),
            Principal::Root { account_id, .. } => {
                ctx.with_key("aws:userid", account_id.as_str()).with_key("aws:PrincipalType", "Account")
            }
        };
        match self.mfa {
            MfaContext::Absent => ctx,
            MfaContext::NotPresent => ctx.with_key("aws:MultiFactorAuthPresent", "false"),
            MfaContext::Present { at } => ctx
                .with_key("aws:MultiFactorAuthPresent", "true")
                .with_key("aws:MultiFactorAuthAge", (now - at).max(0).to_string()),
        }
    }

    /// IAM's decision for `action` on `resource`. Root may do everything in its own account and
    /// nothing elsewhere; an IAM user what its policies allow.
    pub fn evaluate(&self, action: &str, resource: &str) -> Evaluation {
        match &self.principal {
            Principal::Root { account_id, .. } => {
                // AWS's own managed policies are readable by every account (and never writable).
                let own = resource.starts_with(&format!("arn:aws:iam::{account_id}:"))
                    || resource.starts_with("arn:aws:iam::aws:policy/");
                let decision = if own { Decision::Allowed } else { Decision::ImplicitlyDenied };
                Evaluation { decision, deciding: None }
            }
            Principal::User { .. } => {
                let named: Vec<NamedPolicy<'_>> =
                    self.policies.iter().map(|p| NamedPolicy { name: &p.label, document: &p.document }).collect();
                evaluate(&named, &self.request_context(action, resource))
            }
        }
    }

    /// Whether `action` on `resource` is allowed (what pages ask before offering a control).
    pub fn may(&self, action: &str, resource: &str) -> bool {
        self.evaluate(action, resource).decision == Decision::Allowed
    }
}

impl Engine {
    /// The actor for a principal loaded this request: an IAM user's policies come in one query.
    pub async fn load_actor(&self, principal: Principal, mfa: MfaContext) -> Result<Actor, IamError> {
        let policies = match &principal {
            Principal::Root { .. } => Vec::new(),
            Principal::User { user_id, .. } => self.load_user_policies(user_id.as_str()).await?,
        };
        Ok(Actor { principal, policies: Arc::from(policies), mfa })
    }

    pub(crate) async fn load_user_policies(&self, user_id: &str) -> Result<Vec<LoadedPolicy>, IamError> {
        let rows = store::policies::list_effective_policies(&self.pool, user_id).await?;
        rows.into_iter()
            .map(|row| {
                let document = match (&row.document, &row.policy_arn) {
                    (Some(json), _) => Arc::new(parse_policy(json)?),
                    (None, Some(arn)) => aws_managed_document(arn)
                        .ok_or_else(|| IamError::Internal(format!("attached policy {arn} has no document")))?,
                    (None, None) => return Err(IamError::Internal("policy row without document".into())),
                };
                let label = row.label.rsplit('/').next().filter(|_| row.policy_arn.is_some()).unwrap_or(&row.label);
                Ok(LoadedPolicy { label: label.to_owned(), document })
            })
            .collect()
    }

    /// The single gate in front of every action: IAM's decision, or AccessDenied worded as AWS
    /// words it (naming the action, the resource, and why).
    pub fn authorize(&self, actor: &Actor, action: &str, resource: &str) -> Result<(), IamError> {
        let why = match actor.evaluate(action, resource).decision {
            Decision::Allowed => return Ok(()),
            Decision::ExplicitlyDenied => "with an explicit deny in an identity-based policy",
            Decision::ImplicitlyDenied => &format!("because no identity-based policy allows the {action} action"),
        };
        Err(IamError::AccessDenied(format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
            actor.arn()
        )))
    }
}
