//! Who is acting in one request, with what authorization needs loaded once per request: an IAM
//! user's policies (inline, attached, and those of its groups) and tags, how the request was
//! authenticated (the `aws:MultiFactorAuth*` keys) and where it came from. Every use case takes an
//! [`Actor`] and asks [`Engine::authorize`] with an [`Access`]: the action, the resource with its
//! tags, and the request's own keys, so IAM's request context is whole (a condition on a key that
//! is missing never matches, and a Deny built on it would never apply).

use crate::domain::{AccountId, IamAction, Principal, Tag};
use crate::policy::{
    aws_managed_document, evaluate, parse_policy, Decision, Evaluation, NamedPolicy, PolicyDocument, RequestContext,
};
use crate::store;
use crate::{Engine, IamError};
use sqlx::PgConnection;
use std::net::IpAddr;
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

/// What the front end knows of the request itself: the global keys `aws:SourceIp`,
/// `aws:UserAgent`, `aws:SecureTransport`, `aws:RequestedRegion` and `aws:TokenIssueTime`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestFacts {
    pub source_ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub secure_transport: bool,
    /// IAM is a global service answered in `us-east-1`; the API passes the signed region.
    pub requested_region: String,
    /// Unix seconds when the temporary credentials (a console session) were issued; `None` for
    /// long-term access keys.
    pub token_issued_at: Option<i64>,
    /// Which front end the request came through, for the event history.
    pub origin: Origin,
    /// The API's `x-amzn-RequestId`; other front ends get one per recorded event.
    pub request_id: Option<String>,
    /// The access key that signed an API request.
    pub access_key_id: Option<String>,
}

/// The front end a request came through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    Console,
    Api,
    /// The `lanyard` command, tests and benchmarks calling the engine directly.
    #[default]
    Engine,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Console => "console",
            Origin::Api => "api",
            Origin::Engine => "engine",
        }
    }
}

impl Default for RequestFacts {
    fn default() -> Self {
        RequestFacts {
            source_ip: None,
            user_agent: None,
            secure_transport: false,
            requested_region: "us-east-1".into(),
            token_issued_at: None,
            origin: Origin::Engine,
            request_id: None,
            access_key_id: None,
        }
    }
}

/// One policy that applies to the actor, parsed.
#[derive(Clone, Debug)]
pub struct LoadedPolicy {
    /// How the simulator and messages name it: `AdministratorAccess`, `inline:self-service`,
    /// `inline:Admins/extra`.
    pub label: String,
    pub document: Arc<PolicyDocument>,
}

/// A resource as authorization sees it: its ARN and its tags (`aws:ResourceTag/*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub arn: String,
    pub tags: Vec<Tag>,
}

impl Resource {
    /// A resource that carries no tags (an account, a group, a policy, a pattern like `user/*`).
    pub fn untagged(arn: impl Into<String>) -> Self {
        Resource { arn: arn.into(), tags: Vec::new() }
    }

    pub fn tagged(arn: impl Into<String>, tags: Vec<Tag>) -> Self {
        Resource { arn: arn.into(), tags }
    }
}

/// The keys a request adds about itself: the tags it sets (`aws:RequestTag/*`, `aws:TagKeys`),
/// the tag keys it removes, and the managed policy it attaches or detaches (`iam:PolicyARN`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestKeys<'a> {
    pub tags: &'a [Tag],
    pub removed_tag_keys: &'a [String],
    pub policy_arn: Option<&'a str>,
    /// The boundary a request sets (`iam:PermissionsBoundary`): CreateUser with one,
    /// PutUserPermissionsBoundary.
    pub permissions_boundary: Option<&'a str>,
}

/// One question for the evaluator: may the actor do `action` to `resource` in this request?
#[derive(Clone, Debug)]
pub struct Access<'a> {
    /// A policy action name (`iam:CreateUser`); free text only for the simulator.
    pub action: &'a str,
    pub resource: &'a Resource,
    pub request: RequestKeys<'a>,
}

impl<'a> Access<'a> {
    pub fn new(action: IamAction, resource: &'a Resource) -> Self {
        Access { action: action.qualified(), resource, request: RequestKeys::default() }
    }

    pub fn with(mut self, request: RequestKeys<'a>) -> Self {
        self.request = request;
        self
    }
}

/// Which policies decided a request: the principal's own, or its permissions boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Identity,
    Boundary,
}

#[derive(Clone, Debug)]
pub struct Actor {
    principal: Principal,
    policies: Arc<[LoadedPolicy]>,
    /// The IAM user's permissions boundary: what it allows caps what `policies` grant.
    boundary: Option<Arc<LoadedPolicy>>,
    /// The IAM user's own tags (`aws:PrincipalTag/*`).
    tags: Arc<[Tag]>,
    /// Whether some policy or the boundary names a resource's tags (see
    /// [`Actor::reads_resource_tags`]); worked out once, when they are set.
    names_resource_tags: bool,
    mfa: MfaContext,
    facts: Arc<RequestFacts>,
    /// The first change this request was authorized for or refused: what a failure of the
    /// request is recorded as (see [`Actor::attempted`]).
    attempt: Arc<std::sync::Mutex<Option<Attempt>>>,
}

/// A change a request set out to make: the action and the resource's ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub action: IamAction,
    pub resource: String,
}

impl std::ops::Deref for Actor {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.principal
    }
}

/// Whether any of `policies`, or `boundary`, names a resource's tags.
fn names_resource_tags(policies: &[LoadedPolicy], boundary: Option<&LoadedPolicy>) -> bool {
    policies.iter().chain(boundary).any(|p| crate::policy::reads_resource_tags(&p.document))
}

/// `arn:aws:iam::123456789012:user/x` → `123456789012`.
fn account_of_arn(arn: &str) -> Option<&str> {
    let account = arn.strip_prefix("arn:aws:iam::")?.split(':').next()?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

impl Actor {
    /// The root user, who needs no policies in its own account.
    pub fn root(account_id: AccountId, email: impl Into<String>) -> Self {
        Self::with_policies(Principal::Root { account_id, email: email.into() }, Vec::new(), MfaContext::NotPresent)
    }

    /// A principal with the given policies, for the simulator, benchmarks and tests.
    pub fn with_policies(principal: Principal, policies: Vec<LoadedPolicy>, mfa: MfaContext) -> Self {
        let names_resource_tags = names_resource_tags(&policies, None);
        Actor {
            principal,
            policies: Arc::from(policies),
            boundary: None,
            names_resource_tags,
            tags: Arc::from(Vec::new()),
            mfa,
            facts: Arc::new(RequestFacts::default()),
            attempt: Arc::default(),
        }
    }

    /// The first change this request was authorized for or refused, if it asked for any: a
    /// front end records a failed request as that action.
    pub fn attempted(&self) -> Option<Attempt> {
        self.attempt.lock().ok().and_then(|a| a.clone())
    }

    /// Notes `action` on `resource` as the request's change, unless it only reads or an earlier
    /// change was noted.
    fn note_attempt(&self, action: &str, resource: &str) {
        let Some(action) = action.split_once(':').and_then(|(_, name)| IamAction::from_name(name)) else {
            return;
        };
        if action.is_read_only() {
            return;
        }
        if let Ok(mut slot) = self.attempt.lock() {
            if slot.is_none() {
                *slot = Some(Attempt { action, resource: resource.to_owned() });
            }
        }
    }

    /// The same actor as seen in another request (its origin, its credentials' issue time).
    pub fn with_facts(mut self, facts: RequestFacts) -> Self {
        self.facts = Arc::new(facts);
        self
    }

    /// The same actor with these principal tags (the simulator's and tests' way; requests load them).
    pub fn with_tags(mut self, tags: Vec<Tag>) -> Self {
        self.tags = Arc::from(tags);
        self
    }

    /// The same actor capped by this permissions boundary (requests load it; the simulator and
    /// tests set it).
    pub fn with_boundary(mut self, boundary: Option<LoadedPolicy>) -> Self {
        self.boundary = boundary.map(Arc::new);
        self.names_resource_tags = names_resource_tags(&self.policies, self.boundary.as_deref());
        self
    }

    /// Whether deciding this actor's requests could test a resource's tags: some policy or the
    /// boundary names `aws:ResourceTag/…` (see [`crate::policy::reads_resource_tags`]). Root's
    /// requests in its own account never do.
    pub fn reads_resource_tags(&self) -> bool {
        match self.principal {
            Principal::Root { .. } => false,
            Principal::User { .. } => self.names_resource_tags,
        }
    }

    pub fn boundary(&self) -> Option<&LoadedPolicy> {
        self.boundary.as_deref()
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

    /// The principal as a resource of its own actions (ChangePassword, own keys): its ARN and,
    /// for an IAM user, its tags.
    pub fn as_resource(&self) -> Resource {
        Resource::tagged(self.principal.arn(), self.tags.to_vec())
    }

    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    pub fn facts(&self) -> &RequestFacts {
        &self.facts
    }

    /// The request context IAM would build for `access`: global keys (time, origin, principal,
    /// MFA), the resource's keys (its account and tags) and the request's (tags set or removed,
    /// the policy ARN).
    pub fn request_context(&self, access: &Access<'_>) -> RequestContext {
        let now = OffsetDateTime::now_utc();
        let epoch = now.unix_timestamp();
        let current_time = now
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
            .unwrap_or_default();
        let mut ctx = RequestContext::new(access.action, &access.resource.arn)
            .with_key("aws:PrincipalArn", self.principal.arn())
            .with_key("aws:PrincipalAccount", self.principal.account_id().as_str())
            .with_key("aws:CurrentTime", current_time)
            .with_key("aws:EpochTime", epoch.to_string())
            .with_key("aws:SecureTransport", self.facts.secure_transport.to_string())
            .with_key("aws:RequestedRegion", self.facts.requested_region.as_str())
            .with_key("aws:ViaAWSService", "false")
            .with_key("aws:PrincipalIsAWSService", "false");
        if let Some(ip) = self.facts.source_ip {
            ctx = ctx.with_key("aws:SourceIp", ip.to_string());
        }
        if let Some(ua) = &self.facts.user_agent {
            ctx = ctx.with_key("aws:UserAgent", ua.as_str());
        }
        if let Some(at) = self.facts.token_issued_at {
            let issued = OffsetDateTime::from_unix_timestamp(at)
                .ok()
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok());
            if let Some(issued) = issued {
                ctx = ctx.with_key("aws:TokenIssueTime", issued);
            }
        }
        ctx = match &self.principal {
            Principal::User { user_name, user_id, .. } => ctx
                .with_key("aws:username", user_name.as_str())
                .with_key("aws:userid", user_id.as_str())
                .with_key("aws:PrincipalType", "User"),
            Principal::Root { account_id, .. } => {
                ctx.with_key("aws:userid", account_id.as_str()).with_key("aws:PrincipalType", "Account")
            }
        };
        for tag in self.tags.iter() {
            ctx = ctx.with_key(&format!("aws:PrincipalTag/{}", tag.key), tag.value.as_str());
        }
        ctx = match self.mfa {
            MfaContext::Absent => ctx,
            MfaContext::NotPresent => ctx.with_key("aws:MultiFactorAuthPresent", "false"),
            MfaContext::Present { at } => ctx
                .with_key("aws:MultiFactorAuthPresent", "true")
                .with_key("aws:MultiFactorAuthAge", (epoch - at).max(0).to_string()),
        };
        if let Some(account) = account_of_arn(&access.resource.arn) {
            ctx = ctx.with_key("aws:ResourceAccount", account);
        }
        for tag in &access.resource.tags {
            ctx = ctx
                .with_key(&format!("aws:ResourceTag/{}", tag.key), tag.value.as_str())
                .with_key(&format!("iam:ResourceTag/{}", tag.key), tag.value.as_str());
        }
        let request = &access.request;
        for tag in request.tags {
            ctx = ctx
                .with_key(&format!("aws:RequestTag/{}", tag.key), tag.value.as_str())
                .with_key("aws:TagKeys", tag.key.as_str());
        }
        for key in request.removed_tag_keys {
            ctx = ctx.with_key("aws:TagKeys", key.as_str());
        }
        if let Some(arn) = request.policy_arn {
            ctx = ctx.with_key("iam:PolicyARN", arn);
        }
        if let Some(arn) = request.permissions_boundary {
            ctx = ctx.with_key("iam:PermissionsBoundary", arn);
        }
        ctx
    }

    /// IAM's decision for `access`. Root may do everything in its own account and nothing
    /// elsewhere; an IAM user what its policies allow and its permissions boundary allows too.
    pub fn evaluate(&self, access: &Access<'_>) -> Evaluation {
        self.judge(access).0
    }

    /// The decision and the layer that made it: an identity policy's allow stands only where the
    /// boundary (if any) allows as well; a deny or a missing allow in the boundary decides.
    pub fn judge(&self, access: &Access<'_>) -> (Evaluation, Layer) {
        let identity = self.evaluate_identity(access);
        // An explicit Deny anywhere decides as an explicit deny (AWS's evaluation logic), so the
        // boundary is read even when the identity policies only implicitly deny.
        if identity.decision == Decision::ExplicitlyDenied {
            return (identity, Layer::Identity);
        }
        match self.boundary_verdict(access) {
            Some(verdict) => match crate::policy::within_boundary(identity, verdict) {
                (e, true) => (e, Layer::Boundary),
                (e, false) => (e, Layer::Identity),
            },
            None => (identity, Layer::Identity),
        }
    }

    /// The decision and, with a boundary, the boundary's own verdict (the simulator shows both).
    pub fn judge_with_boundary(&self, access: &Access<'_>) -> (Evaluation, Option<Evaluation>) {
        let identity = self.evaluate_identity(access);
        match self.boundary_verdict(access) {
            Some(verdict) => (crate::policy::within_boundary(identity, verdict.clone()).0, Some(verdict)),
            None => (identity, None),
        }
    }

    /// The permissions boundary's own verdict on `access`, whatever the identity policies say
    /// (`None` without a boundary): what the policy simulator shows beside the decision.
    pub fn boundary_verdict(&self, access: &Access<'_>) -> Option<Evaluation> {
        let boundary = self.boundary.as_ref()?;
        let named = [NamedPolicy { name: &boundary.label, document: &boundary.document }];
        Some(evaluate(&named, &self.request_context(access)))
    }

    fn evaluate_identity(&self, access: &Access<'_>) -> Evaluation {
        let resource = access.resource.arn.as_str();
        match &self.principal {
            Principal::Root { account_id, .. } => {
                // AWS's own managed policies are readable by every account (and never writable).
                // `*` stands for actions on no particular resource (the simulations), in its account.
                let own = resource == "*"
                    || resource.starts_with(&format!("arn:aws:iam::{account_id}:"))
                    || resource.starts_with("arn:aws:iam::aws:policy/");
                let decision = if own { Decision::Allowed } else { Decision::ImplicitlyDenied };
                Evaluation { decision, deciding: None }
            }
            Principal::User { .. } => {
                let named: Vec<NamedPolicy<'_>> =
                    self.policies.iter().map(|p| NamedPolicy { name: &p.label, document: &p.document }).collect();
                evaluate(&named, &self.request_context(access))
            }
        }
    }

    /// Whether `action` on `resource` is allowed (what pages ask before offering a control).
    pub fn may(&self, action: IamAction, resource: &Resource) -> bool {
        self.evaluate(&Access::new(action, resource)).decision == Decision::Allowed
    }

    /// Whether any Allow statement could grant `action` on some resource whose ARN starts with
    /// `prefix` (conditions aside). A caller for whom none could is refused before a lookup by
    /// name, so a refusal never tells whether the named entity exists.
    pub fn might_be_allowed(&self, action: IamAction, prefix: &str) -> bool {
        match &self.principal {
            Principal::Root { account_id, .. } => prefix.starts_with(&format!("arn:aws:iam::{account_id}:")),
            Principal::User { .. } => {
                let ctx = self.request_context(&Access::new(action, &Resource::untagged(prefix)));
                self.policies.iter().any(|p| crate::policy::might_allow(&p.document, &ctx, prefix))
                    && self.boundary.as_ref().is_none_or(|b| crate::policy::might_allow(&b.document, &ctx, prefix))
            }
        }
    }
}

impl Engine {
    /// The actor for a principal loaded this request: an IAM user's policies come in one query,
    /// its tags in another.
    pub async fn load_actor(&self, principal: Principal, mfa: MfaContext) -> Result<Actor, IamError> {
        let (policies, tags, boundary) = match &principal {
            Principal::Root { .. } => (Vec::new(), Vec::new(), None),
            Principal::User { user_id, .. } => {
                let mut conn = self.warm.acquire().await?;
                let loaded = (
                    self.load_user_policies(&mut conn, user_id.as_str()).await?,
                    store::user_tags::list_user_tags(&mut *conn, user_id.as_str()).await?,
                    self.load_user_boundary(&mut conn, user_id.as_str()).await?,
                );
                conn.release();
                loaded
            }
        };
        Ok(Actor::with_policies(principal, policies, mfa).with_tags(tags).with_boundary(boundary))
    }

    /// The user's permissions boundary as a policy to evaluate (its label is the policy's name).
    pub(crate) async fn load_user_boundary(
        &self,
        conn: &mut PgConnection,
        user_id: &str,
    ) -> Result<Option<LoadedPolicy>, IamError> {
        let Some(row) = store::boundaries::find_user_boundary(&mut *conn, user_id).await? else {
            return Ok(None);
        };
        let document = match &row.document {
            Some(json) => Arc::new(parse_policy(json)?),
            None => aws_managed_document(&row.arn)
                .ok_or_else(|| IamError::Internal(format!("permissions boundary {} has no document", row.arn)))?,
        };
        let label = row.arn.rsplit('/').next().unwrap_or(&row.arn).to_owned();
        Ok(Some(LoadedPolicy { label, document }))
    }

    pub(crate) async fn load_user_policies(
        &self,
        conn: &mut PgConnection,
        user_id: &str,
    ) -> Result<Vec<LoadedPolicy>, IamError> {
        let rows = store::policies::list_effective_policies(&mut *conn, user_id).await?;
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

    /// The single gate in front of every action on an existing or named resource.
    pub fn authorize(&self, actor: &Actor, action: IamAction, resource: &Resource) -> Result<(), IamError> {
        self.authorize_access(actor, &Access::new(action, resource))
    }

    /// IAM's decision for a whole [`Access`], or AccessDenied worded as AWS words it (naming the
    /// action, the resource, and why).
    pub fn authorize_access(&self, actor: &Actor, access: &Access<'_>) -> Result<(), IamError> {
        let action = access.action;
        actor.note_attempt(action, &access.resource.arn);
        let why = match actor.judge(access) {
            (Evaluation { decision: Decision::Allowed, .. }, _) => return Ok(()),
            (Evaluation { decision: Decision::ExplicitlyDenied, .. }, Layer::Identity) => {
                "with an explicit deny in an identity-based policy"
            }
            (Evaluation { decision: Decision::ExplicitlyDenied, .. }, Layer::Boundary) => {
                "with an explicit deny in a permissions boundary"
            }
            (_, Layer::Identity) => &format!("because no identity-based policy allows the {action} action"),
            (_, Layer::Boundary) => &format!("because no permissions boundary allows the {action} action"),
        };
        Err(access_denied(actor, action, &access.resource.arn, why))
    }

    /// Before looking an entity up by name: refuses a caller whose policies could not allow
    /// `action` on any resource under `prefix` (`arn:aws:iam::<acct>:user/`), naming the resource
    /// as the caller gave it (`…:user/<name>`), so neither existence nor the stored path leaks.
    pub(crate) fn precheck(&self, actor: &Actor, action: IamAction, prefix: &str, name: &str) -> Result<(), IamError> {
        actor.note_attempt(action.qualified(), &format!("{prefix}{}", name.trim()));
        if actor.might_be_allowed(action, prefix) {
            return Ok(());
        }
        let action = action.qualified();
        let why = format!("because no identity-based policy allows the {action} action");
        Err(access_denied(actor, action, &format!("{prefix}{}", name.trim()), &why))
    }
}

fn access_denied(actor: &Actor, action: &str, resource: &str, why: &str) -> IamError {
    IamError::AccessDenied(format!(
        "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
        actor.arn()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccountId, IamPath, UniqueId, UserName};
    use crate::policy::parse_policy;
    use rand::seq::SliceRandom;
    use rand::Rng;

    fn random_policy(rng: &mut impl Rng) -> LoadedPolicy {
        let patterns = ["*", "iam:*", "iam:Create*", "iam:*User", "iam:Get*", "iam:ListUsers", "iam:DeleteUser"];
        let resources =
            ["*", "arn:aws:iam::*:user/*", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/bob"];
        let statements: Vec<String> = (0..rng.gen_range(1..4))
            .map(|_| {
                format!(
                    r#"{{"Effect":"{}","{}":"{}","Resource":"{}"}}"#,
                    if rng.gen_bool(0.25) { "Deny" } else { "Allow" },
                    if rng.gen_bool(0.2) { "NotAction" } else { "Action" },
                    patterns.choose(rng).unwrap_or(&"*"),
                    resources.choose(rng).unwrap_or(&"*")
                )
            })
            .collect();
        let doc = parse_policy(&format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(",")))
            .expect("generated policies parse");
        LoadedPolicy { label: "p".into(), document: Arc::new(doc) }
    }

    /// Property (AWS's evaluation with a boundary): a request is allowed exactly when the identity
    /// policies allow it and the boundary allows it; a deny in either is never overridden.
    #[test]
    fn with_a_boundary_allowed_means_both_allow() {
        let account = AccountId::parse("123456789012").expect("account");
        let principal = Principal::User {
            account_id: account,
            user_id: UniqueId::parse("AIDAEXAMPLEEXAMPLE234").expect("id"),
            user_name: UserName::parse("alice").expect("name"),
            path: IamPath::parse("/").expect("path"),
        };
        let actions = ["iam:CreateUser", "iam:DeleteUser", "iam:GetUser", "iam:ListUsers"];
        let mut rng = rand::thread_rng();
        for _ in 0..2_000 {
            let policies: Vec<LoadedPolicy> = (0..rng.gen_range(1..3)).map(|_| random_policy(&mut rng)).collect();
            let boundary = random_policy(&mut rng);
            let unbounded = Actor::with_policies(principal.clone(), policies.clone(), MfaContext::Absent);
            let bounded = unbounded.clone().with_boundary(Some(boundary.clone()));
            let fenced_only = Actor::with_policies(principal.clone(), vec![boundary], MfaContext::Absent);
            let target = ["alice", "bob"].choose(&mut rng).copied().unwrap_or("alice");
            let resource = Resource::untagged(format!("arn:aws:iam::123456789012:user/{target}"));
            let action = actions.choose(&mut rng).copied().unwrap_or("iam:GetUser");
            let access = Access { action, resource: &resource, request: Default::default() };
            let identity = unbounded.evaluate(&access).decision;
            let fence = fenced_only.evaluate(&access).decision;
            let decision = bounded.evaluate(&access).decision;
            assert_eq!(
                decision == Decision::Allowed,
                identity == Decision::Allowed && fence == Decision::Allowed,
                "{action} on {target}"
            );
            assert_eq!(bounded.boundary_verdict(&access).map(|e| e.decision), Some(fence));
            if identity == Decision::ExplicitlyDenied {
                assert_eq!(decision, Decision::ExplicitlyDenied, "an identity deny is never overridden");
            }
        }
    }

    /// Tags are read with a resource only for actors that could test them: a boundary that names
    /// `aws:ResourceTag/…` counts as much as a policy does; root never needs them.
    #[test]
    fn resource_tags_are_needed_by_whichever_document_names_them() {
        let account = AccountId::parse("123456789012").expect("account");
        let principal = Principal::User {
            account_id: account.clone(),
            user_id: UniqueId::parse("AIDAEXAMPLEEXAMPLE234").expect("id"),
            user_name: UserName::parse("alice").expect("name"),
            path: IamPath::parse("/").expect("path"),
        };
        let doc =
            |json: &str| LoadedPolicy { label: "p".into(), document: Arc::new(parse_policy(json).expect("policy")) };
        let admin = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#);
        let fenced = doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*",
                "Condition":{"StringNotEquals":{"aws:ResourceTag/role":"admin"}}}]}"#);
        let plain = Actor::with_policies(principal.clone(), vec![admin.clone()], MfaContext::Absent);
        assert!(!plain.reads_resource_tags());
        assert!(plain.clone().with_boundary(Some(fenced.clone())).reads_resource_tags());
        assert!(!plain.with_boundary(None).reads_resource_tags());
        assert!(Actor::with_policies(principal, vec![fenced], MfaContext::Absent).reads_resource_tags());
        assert!(!Actor::root(account, "root@example.com").reads_resource_tags());
    }
}
