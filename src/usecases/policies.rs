//! Managed policies (AWS-managed, read-only, and the account's own with up to five versions),
//! their attachment to users and groups (at most 10 each, counted under the target's row lock),
//! and inline policies embedded in a user or a group.

use crate::domain::{
    group_arn, policy_arn, EntityKind, GroupName, IamAction, IamPath, PolicyName, Tag, UniqueId, UniqueIdKind,
    MAX_ATTACHED_POLICIES, MAX_GROUP_INLINE_CHARS, MAX_POLICY_VERSIONS, MAX_TAGS_PER_USER, MAX_USER_INLINE_CHARS,
};
use crate::policy::{aws_managed_name, parse_policy, AWS_MANAGED, MAX_POLICY_CHARS};
use crate::store;
use crate::store::policies::Holder;
use crate::store::policies::PolicyRow;
use crate::usecases::actor::{Access, Actor, RequestKeys, Resource};
use crate::usecases::events::Event;
use crate::usecases::users::{no_such_user, user_prefix};
use crate::usecases::Dependents;
use crate::{Engine, FieldError, IamError};
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;

/// A managed policy as listed: AWS's (`aws_managed`) or the account's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManagedPolicy {
    pub policy_name: String,
    /// `ANPA…`: the account's own from the store; AWS's derived from the ARN (stable).
    pub policy_id: String,
    pub arn: String,
    pub path: String,
    pub aws_managed: bool,
    pub description: String,
    pub default_version_id: String,
    pub attachment_count: i64,
    pub created_at: Option<OffsetDateTime>,
    pub updated_at: Option<OffsetDateTime>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyVersion {
    pub version_id: String,
    pub is_default: bool,
    pub document: String,
    pub created_at: Option<OffsetDateTime>,
}

/// GetPolicy with its versions and what it is attached to in the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyDetail {
    pub policy: ManagedPolicy,
    pub versions: Vec<PolicyVersion>,
    /// `(kind, name)`: kind is `user` or `group`.
    pub attached_to: Vec<(String, String)>,
    /// The policy's tags (none for AWS's own), which GetPolicy answers.
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewPolicy {
    pub policy_name: String,
    pub path: Option<String>,
    pub description: Option<String>,
    pub document: String,
    /// Key/value rows (CreatePolicy's Tags); blank rows are ignored.
    pub tags: Vec<(String, String)>,
}

/// Who a policy is attached to or embedded in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyTarget {
    User(String),
    Group(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InlinePolicy {
    pub policy_name: String,
    pub document: String,
}

/// A target's stored id: a user's or a group's.
pub(crate) enum TargetId {
    User(String),
    Group(String),
}

/// A target resolved in the actor's account and locked while the transaction lasts.
pub(crate) struct Target {
    id: TargetId,
    name: String,
    resource: Resource,
}

impl Target {
    /// A user the caller has already locked.
    pub(crate) fn user(user_id: &str, name: &str, resource: Resource) -> Self {
        Target { id: TargetId::User(user_id.into()), name: name.into(), resource }
    }

    /// A group the caller has already locked.
    pub(crate) fn group(group_id: &str, name: &str, arn: &str) -> Self {
        Target { id: TargetId::Group(group_id.into()), name: name.into(), resource: Resource::untagged(arn) }
    }

    fn holder(&self) -> Holder<'_> {
        match &self.id {
            TargetId::User(id) => Holder::User(id),
            TargetId::Group(id) => Holder::Group(id),
        }
    }

    fn kind(&self) -> EntityKind {
        match self.id {
            TargetId::User(_) => EntityKind::User,
            TargetId::Group(_) => EntityKind::Group,
        }
    }

    fn arn(&self) -> &str {
        &self.resource.arn
    }
}

impl PolicyTarget {
    pub fn kind(&self) -> EntityKind {
        match self {
            PolicyTarget::User(_) => EntityKind::User,
            PolicyTarget::Group(_) => EntityKind::Group,
        }
    }
}

/// `Attach`/`Detach` as IAM authorizes them: on the target, with `iam:PolicyARN` in the context.
fn policy_access<'a>(action: IamAction, target: &'a Target, policy_arn: &'a str) -> Access<'a> {
    Access::new(action, &target.resource).with(RequestKeys { policy_arn: Some(policy_arn), ..Default::default() })
}

fn no_such_policy(arn: &str) -> IamError {
    IamError::NoSuchEntity(format!("Policy {arn} does not exist or is not attachable."))
}

/// Whether `arn` is a managed policy the account can use: AWS's, or its own — row-locked, so a
/// concurrent DeletePolicy waits and then sees the new attachment or boundary.
pub(crate) async fn lock_managed_policy(
    conn: &mut PgConnection,
    account_id: &str,
    arn: &str,
) -> Result<bool, IamError> {
    Ok(AWS_MANAGED.iter().any(|(a, _)| *a == arn)
        || store::policies::find_policy_for_update(&mut *conn, account_id, arn).await?.is_some())
}

/// [`lock_managed_policy`], refusing with IAM's NoSuchEntity when there is none.
pub(crate) async fn require_managed_policy(
    conn: &mut PgConnection,
    account_id: &str,
    arn: &str,
) -> Result<(), IamError> {
    match lock_managed_policy(conn, account_id, arn).await? {
        true => Ok(()),
        false => Err(no_such_policy(arn)),
    }
}

/// A stable `ANPA…` id for an AWS-managed policy (FNV-1a of its ARN), 21 characters like AWS's.
fn aws_policy_id(arn: &str) -> String {
    let hash = arn.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("ANPA{hash:016X}A")
}

fn aws_policy(arn: &str, attachment_count: i64) -> ManagedPolicy {
    ManagedPolicy {
        policy_id: aws_policy_id(arn),
        policy_name: aws_managed_name(arn).to_owned(),
        arn: arn.to_owned(),
        path: "/".into(),
        aws_managed: true,
        description: String::new(),
        default_version_id: "v1".into(),
        attachment_count,
        created_at: None,
        updated_at: None,
    }
}

fn to_policy(r: PolicyRow, attachment_count: i64) -> ManagedPolicy {
    ManagedPolicy {
        policy_id: r.policy_id,
        policy_name: r.policy_name,
        arn: r.arn,
        path: r.path,
        aws_managed: false,
        description: r.description,
        default_version_id: r.default_version_id,
        attachment_count,
        created_at: Some(r.created_at),
        updated_at: Some(r.updated_at),
    }
}

/// The document validated and within the size limit (whitespace does not count, as in IAM).
fn check_document(document: &str) -> Result<(), IamError> {
    let chars = document.chars().filter(|c| !c.is_whitespace()).count();
    if chars > MAX_POLICY_CHARS {
        return Err(IamError::LimitExceeded(format!("Cannot exceed quota for PolicySize: {MAX_POLICY_CHARS}")));
    }
    parse_policy(document).map(|_| ())
}

impl Engine {
    /// The target by name, locked while the transaction lasts. A caller who could do `action`
    /// to no entity of that kind is refused before the lookup (nothing about existence leaks).
    async fn lock_target(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        target: &PolicyTarget,
        action: IamAction,
    ) -> Result<Target, IamError> {
        let account = actor.account_id();
        match target {
            PolicyTarget::User(name) => {
                self.precheck(actor, action, &user_prefix(account), name)?;
                let row = store::users::find_user_for_update(&mut *conn, account, name.trim())
                    .await?
                    .ok_or_else(|| no_such_user(name.trim()))?;
                let resource = self.user_resource(conn, account, &row.user_id, &row.path, &row.user_name).await?;
                Ok(Target { id: TargetId::User(row.user_id), name: row.user_name, resource })
            }
            PolicyTarget::Group(name) => {
                self.precheck(actor, action, &format!("arn:aws:iam::{account}:group/"), name)?;
                let row =
                    store::groups::find_group_for_update(&mut *conn, account.as_str(), name.trim()).await?.ok_or_else(
                        || IamError::NoSuchEntity(format!("The group with name {} cannot be found.", name.trim())),
                    )?;
                let arn = group_arn(account, &IamPath::parse(&row.path)?, &GroupName::parse(&row.group_name)?);
                Ok(Target {
                    id: TargetId::Group(row.group_id),
                    name: row.group_name,
                    resource: Resource::untagged(arn),
                })
            }
        }
    }

    /// The account's policy by ARN, locked, after authorizing `action` on it (with its tags).
    async fn lock_policy_for(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        arn: &str,
        action: IamAction,
    ) -> Result<PolicyRow, IamError> {
        self.lock_policy_with(conn, actor, arn, Access::new(action, &Resource::untagged(arn.trim())))
            .await
            .map(|(r, _)| r)
    }

    /// [`Engine::lock_policy_for`] for an [`Access`] with request keys (tagging); returns the
    /// policy's tags too. The ARN is the caller's own words, so authorizing it before the lookup
    /// (when the policy does not exist) tells nothing.
    async fn lock_policy_with(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        arn: &str,
        access: Access<'_>,
    ) -> Result<(PolicyRow, Vec<Tag>), IamError> {
        let arn = arn.trim();
        let row = store::policies::find_policy_for_update(&mut *conn, actor.account_id().as_str(), arn).await?;
        let tags = match &row {
            Some(r) => store::policy_tags::list_policy_tags(&mut *conn, &r.policy_id).await?,
            None => Vec::new(),
        };
        let resource = Resource::tagged(arn, tags.clone());
        self.authorize_access(actor, &Access { resource: &resource, ..access })?;
        let row = row.ok_or_else(|| IamError::NoSuchEntity(format!("Policy {arn} was not found.")))?;
        Ok((row, tags))
    }

    /// ListPolicies: AWS's then the account's, by name (the account's filtered by path prefix).
    pub async fn list_policies(
        &self,
        actor: &Actor,
        path_prefix: Option<&str>,
    ) -> Result<Vec<ManagedPolicy>, IamError> {
        let prefix = path_prefix.map(str::trim).filter(|p| !p.is_empty()).unwrap_or("/");
        if !prefix.starts_with('/') {
            return Err(IamError::field("pathPrefix", "must start with /"));
        }
        let account = actor.account_id();
        self.authorize(
            actor,
            IamAction::ListPolicies,
            &Resource::untagged(format!("arn:aws:iam::{account}:policy{prefix}*")),
        )?;
        let counts = store::policies::list_attachment_counts(&self.pool, account.as_str()).await?;
        let count = |arn: &str| counts.iter().find(|(a, _)| a == arn).map_or(0, |(_, n)| *n);
        let mut out: Vec<ManagedPolicy> = if prefix == "/" {
            AWS_MANAGED.iter().map(|(arn, _)| aws_policy(arn, count(arn))).collect()
        } else {
            Vec::new()
        };
        for (row, n) in store::policies::list_policies(&self.pool, account.as_str(), prefix).await? {
            out.push(to_policy(row, n));
        }
        Ok(out)
    }

    /// CreatePolicy: name, path and document checked together; the document becomes `v1`.
    pub async fn create_policy(&self, actor: &Actor, input: NewPolicy) -> Result<ManagedPolicy, IamError> {
        let name = PolicyName::parse(input.policy_name.trim());
        let path = IamPath::parse(input.path.as_deref().map(str::trim).filter(|p| !p.is_empty()).unwrap_or("/"));
        let description = input.description.unwrap_or_default().trim().to_owned();
        let mut errors: Vec<FieldError> = [name.as_ref().err(), path.as_ref().err()]
            .into_iter()
            .flatten()
            .flat_map(|e| e.field_errors().to_vec())
            .collect();
        if description.chars().count() > 1000 {
            errors.push(FieldError::new("description", "must be at most 1000 characters"));
        }
        // Control characters (other than tab and line breaks) cannot be written in XML 1.0: a
        // `\x01` in a description made ListPolicies unparseable for every SDK.
        if description.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
            errors.push(FieldError::new("description", "must not contain control characters"));
        }
        let document = check_document(&input.document).err();
        let tags = Tag::parse_set(&input.tags, MAX_TAGS_PER_USER).map_err(|e| errors.extend(e)).unwrap_or_default();
        match (name, path, errors.is_empty(), document) {
            (Ok(name), Ok(path), true, None) => {
                let account = actor.account_id();
                let arn = policy_arn(account, &path, &name);
                let resource = Resource::untagged(arn.clone());
                let request = RequestKeys { tags: &tags, ..Default::default() };
                self.authorize_access(actor, &Access::new(IamAction::CreatePolicy, &resource).with(request.clone()))?;
                if !tags.is_empty() {
                    self.authorize_access(actor, &Access::new(IamAction::TagPolicy, &resource).with(request))?;
                }
                let id = UniqueId::generate(UniqueIdKind::Policy);
                let mut tx = self.pool.begin().await?;
                let row = store::policies::insert_policy(
                    &mut *tx,
                    id.as_str(),
                    account.as_str(),
                    (name.as_str(), path.as_str(), &arn),
                    &description,
                )
                .await
                .map_err(|e| match store::unique_violation(&e) {
                    Some("policies_account_name_key" | "policies_arn_key") => IamError::EntityAlreadyExists(format!(
                        "A policy called {name} already exists. Duplicate names are not allowed."
                    )),
                    _ => e.into(),
                })?;
                store::policies::insert_policy_version(&mut *tx, id.as_str(), "v1", input.document.trim()).await?;
                if !tags.is_empty() {
                    store::policy_tags::insert_policy_tags(&mut *tx, id.as_str(), &tags).await?;
                }
                let event = Event::action(IamAction::CreatePolicy)
                    .with("policyName", name.as_str())
                    .with("path", path.as_str())
                    .with("policyDocument", input.document.trim())
                    .response(
                        json!({ "policy": { "policyName": name.as_str(), "policyId": id.as_str(), "arn": arn } }),
                    );
                self.commit_change(tx, actor, event).await?;
                tracing::info!(policy = %arn, "policy created");
                Ok(to_policy(row, 0))
            }
            (_, _, _, Some(doc_error)) if errors.is_empty() => Err(doc_error),
            (_, _, _, doc_error) => {
                if let Some(IamError::MalformedPolicyDocument(m)) = doc_error {
                    errors.push(FieldError::new("policyDocument", m));
                }
                Err(IamError::Validation(errors))
            }
        }
    }

    /// GetPolicy with its versions and attachments; AWS-managed policies have their one version.
    pub async fn get_policy(&self, actor: &Actor, arn: &str) -> Result<PolicyDetail, IamError> {
        self.read_policy(actor, arn, IamAction::GetPolicy).await
    }

    /// The same read for the API's other read actions on one policy (GetPolicyVersion,
    /// ListPolicyVersions, ListEntitiesForPolicy), each authorized as itself.
    pub async fn read_policy(&self, actor: &Actor, arn: &str, action: IamAction) -> Result<PolicyDetail, IamError> {
        let arn = arn.trim();
        let account = actor.account_id().as_str();
        if let Some((_, json)) = AWS_MANAGED.iter().find(|(a, _)| *a == arn) {
            self.authorize(actor, action, &Resource::untagged(arn))?;
            let attached_to = self.policy_attachments(account, arn).await?;
            let version = PolicyVersion {
                version_id: "v1".into(),
                is_default: true,
                document: (*json).to_owned(),
                created_at: None,
            };
            return Ok(PolicyDetail {
                policy: aws_policy(arn, attached_to.len() as i64),
                versions: vec![version],
                attached_to,
                tags: Vec::new(),
            });
        }
        // The one lookup of the row: authorized with its tags, then read.
        let mut conn = self.pool.acquire().await?;
        let row = self.lock_policy_for(&mut conn, actor, arn, action).await.map_err(|e| match e {
            IamError::NoSuchEntity(_) => no_such_policy(arn),
            other => other,
        })?;
        let attached_to = self.policy_attachments(account, arn).await?;
        let versions = store::policies::list_policy_versions(&mut *conn, &row.policy_id)
            .await?
            .into_iter()
            .map(|v| PolicyVersion {
                is_default: v.version_id == row.default_version_id,
                version_id: v.version_id,
                document: v.document,
                created_at: Some(v.created_at),
            })
            .collect();
        let tags = store::policy_tags::list_policy_tags(&mut *conn, &row.policy_id).await?;
        Ok(PolicyDetail { policy: to_policy(row, attached_to.len() as i64), versions, attached_to, tags })
    }

    /// `(kind, name)` of every user and group the policy is attached to in the account.
    async fn policy_attachments(&self, account: &str, arn: &str) -> Result<Vec<(String, String)>, IamError> {
        Ok(store::policies::list_policy_attachments(&self.pool, account, arn)
            .await?
            .into_iter()
            .map(|a| (a.kind, a.name))
            .collect())
    }

    /// CreatePolicyVersion (at most five are kept; the console's "Edit" sets the new one default).
    pub async fn create_policy_version(
        &self,
        actor: &Actor,
        arn: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<String, IamError> {
        check_document(document)?;
        let mut tx = self.pool.begin().await?;
        let policy = self.lock_policy_for(&mut tx, actor, arn, IamAction::CreatePolicyVersion).await?;
        let versions = store::policies::list_policy_versions(&mut *tx, &policy.policy_id).await?;
        if versions.len() >= MAX_POLICY_VERSIONS {
            return Err(IamError::LimitExceeded(format!(
                "A managed policy can have up to {MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version."
            )));
        }
        let n = store::policies::update_policy_next_version(&mut *tx, &policy.policy_id).await?;
        let version_id = format!("v{n}");
        store::policies::insert_policy_version(&mut *tx, &policy.policy_id, &version_id, document.trim()).await?;
        if set_as_default {
            store::policies::update_policy_default_version(&mut *tx, &policy.policy_id, &version_id).await?;
        }
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::CreatePolicyVersion)
                .with("policyArn", &policy.arn)
                .with("policyDocument", document.trim())
                .with("setAsDefault", set_as_default)
                .response(json!({ "policyVersion": { "versionId": version_id } })),
        )
        .await?;
        Ok(version_id)
    }

    pub async fn set_default_policy_version(&self, actor: &Actor, arn: &str, version_id: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let policy = self.lock_policy_for(&mut tx, actor, arn, IamAction::SetDefaultPolicyVersion).await?;
        let versions = store::policies::list_policy_versions(&mut *tx, &policy.policy_id).await?;
        if !versions.iter().any(|v| v.version_id == version_id) {
            return Err(IamError::NoSuchEntity(format!("Policy {} version {version_id} does not exist.", policy.arn)));
        }
        store::policies::update_policy_default_version(&mut *tx, &policy.policy_id, version_id).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::SetDefaultPolicyVersion)
                .with("policyArn", &policy.arn)
                .with("versionId", version_id),
        )
        .await?;
        Ok(())
    }

    pub async fn delete_policy_version(&self, actor: &Actor, arn: &str, version_id: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let policy = self.lock_policy_for(&mut tx, actor, arn, IamAction::DeletePolicyVersion).await?;
        if policy.default_version_id == version_id {
            return Err(IamError::DeleteConflict("Cannot delete the default version of a policy.".into()));
        }
        if !store::policies::delete_policy_version(&mut *tx, &policy.policy_id, version_id).await? {
            return Err(IamError::NoSuchEntity(format!("Policy {} version {version_id} does not exist.", policy.arn)));
        }
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::DeletePolicyVersion).with("policyArn", &policy.arn).with("versionId", version_id),
        )
        .await?;
        Ok(())
    }

    /// DeletePolicy. `strict` is IAM's API (DeleteConflict while attached); the console detaches
    /// it from every user and group first, in the same transaction.
    pub async fn delete_policy(&self, actor: &Actor, arn: &str, dependents: Dependents) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let policy = self.lock_policy_for(&mut tx, actor, arn, IamAction::DeletePolicy).await?;
        // Never cleared on the way, not even by the console: lifting a boundary widens what its
        // users may do, which DeletePolicy must not be a way to do.
        if store::boundaries::count_boundary_uses(&mut *tx, &policy.account_id, &policy.arn).await? > 0 {
            return Err(IamError::DeleteConflict(
                "Cannot delete a policy used as a permissions boundary; remove it from those users first.".into(),
            ));
        }
        let attached = store::policies::list_policy_attachments(&mut *tx, &policy.account_id, &policy.arn).await?;
        if !attached.is_empty() {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict("Cannot delete a policy attached to entities.".into()));
            }
            for a in &attached {
                let target = match a.kind.as_str() {
                    "user" => PolicyTarget::User(a.name.clone()),
                    _ => PolicyTarget::Group(a.name.clone()),
                };
                let target = self.lock_target(&mut tx, actor, &target, target.kind().detach()).await?;
                self.authorize_access(actor, &policy_access(target.kind().detach(), &target, &policy.arn))?;
                let holder = target.holder();
                store::policies::delete_policy_attachment(&mut *tx, &policy.arn, holder).await?;
            }
        }
        store::policies::delete_policy(&mut *tx, &policy.policy_id).await?;
        self.commit_change(tx, actor, Event::action(IamAction::DeletePolicy).with("policyArn", &policy.arn)).await?;
        tracing::info!(policy = %policy.arn, "policy deleted");
        Ok(())
    }

    /// AttachUserPolicy / AttachGroupPolicy; attaching twice changes nothing, as in IAM.
    pub async fn attach_policy(&self, actor: &Actor, target: &PolicyTarget, arn: &str) -> Result<(), IamError> {
        let arn = arn.trim();
        let mut tx = self.pool.begin().await?;
        let target = self.lock_target(&mut tx, actor, target, target.kind().attach()).await?;
        self.authorize_access(actor, &policy_access(target.kind().attach(), &target, arn))?;
        require_managed_policy(&mut tx, actor.account_id().as_str(), arn).await?;
        let holder = target.holder();
        let attached = store::policies::list_attached_policy_arns(&mut *tx, holder).await?;
        if attached.iter().any(|a| a == arn) {
            return Ok(());
        }
        if attached.len() >= MAX_ATTACHED_POLICIES {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for PoliciesPer{}: {MAX_ATTACHED_POLICIES}",
                target.kind().name()
            )));
        }
        store::policies::insert_policy_attachment(&mut *tx, actor.account_id().as_str(), arn, holder).await?;
        self.commit_change(tx, actor, target_event(target.kind().attach(), &target).with("policyArn", arn)).await?;
        tracing::info!(policy = %arn, target = %target.arn(), "policy attached");
        Ok(())
    }

    pub async fn detach_policy(&self, actor: &Actor, target: &PolicyTarget, arn: &str) -> Result<(), IamError> {
        let arn = arn.trim();
        let mut tx = self.pool.begin().await?;
        let target = self.lock_target(&mut tx, actor, target, target.kind().detach()).await?;
        self.authorize_access(actor, &policy_access(target.kind().detach(), &target, arn))?;
        let holder = target.holder();
        if !store::policies::delete_policy_attachment(&mut *tx, arn, holder).await? {
            return Err(IamError::NoSuchEntity(format!("Policy {arn} was not found.")));
        }
        self.commit_change(tx, actor, target_event(target.kind().detach(), &target).with("policyArn", arn)).await?;
        tracing::info!(policy = %arn, target = %target.arn(), "policy detached");
        Ok(())
    }

    /// ListAttachedUserPolicies / ListAttachedGroupPolicies: `(name, arn)` in attachment order.
    pub async fn list_attached_policies(
        &self,
        actor: &Actor,
        target: &PolicyTarget,
    ) -> Result<Vec<(String, String)>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let target = self.lock_target(&mut conn, actor, target, target.kind().list_attached()).await?;
        self.authorize(actor, target.kind().list_attached(), &target.resource)?;
        let holder = target.holder();
        let arns = store::policies::list_attached_policy_arns(&mut *conn, holder).await?;
        Ok(arns.into_iter().map(|a| (aws_managed_name(&a).to_owned(), a)).collect())
    }

    /// PutUserPolicy / PutGroupPolicy: adds or replaces the inline policy of that name.
    pub async fn put_inline_policy(
        &self,
        actor: &Actor,
        target: &PolicyTarget,
        policy_name: &str,
        document: &str,
    ) -> Result<(), IamError> {
        let name = PolicyName::parse(policy_name.trim());
        let doc = parse_policy(document);
        let (name, _) = match (name, doc) {
            (Ok(n), Ok(d)) => (n, d),
            (Ok(_), Err(e)) => return Err(e),
            (Err(n), d) => {
                let mut errors = n.field_errors().to_vec();
                if let Err(IamError::MalformedPolicyDocument(m)) = d {
                    errors.push(FieldError::new("policyDocument", m));
                }
                return Err(IamError::Validation(errors));
            }
        };
        let mut tx = self.pool.begin().await?;
        let target = self.lock_target(&mut tx, actor, target, target.kind().put_inline()).await?;
        self.authorize(actor, target.kind().put_inline(), &target.resource)?;
        let holder = target.holder();
        let existing = store::policies::list_inline_policies(&mut *tx, holder).await?;
        let size = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
        let total: usize = existing
            .iter()
            .filter(|p| !p.policy_name.eq_ignore_ascii_case(name.as_str()))
            .map(|p| size(&p.document))
            .sum::<usize>()
            + size(document);
        let limit = match target.kind() {
            EntityKind::User => MAX_USER_INLINE_CHARS,
            EntityKind::Group => MAX_GROUP_INLINE_CHARS,
        };
        if total > limit {
            return Err(IamError::LimitExceeded(format!(
                "Maximum policy size of {limit} bytes exceeded for {} {}",
                target.kind().name().to_lowercase(),
                target.name
            )));
        }
        store::policies::delete_inline_policy(&mut *tx, holder, name.as_str()).await?;
        store::policies::insert_inline_policy(
            &mut *tx,
            actor.account_id().as_str(),
            holder,
            name.as_str(),
            document.trim(),
        )
        .await?;
        self.commit_change(
            tx,
            actor,
            target_event(target.kind().put_inline(), &target)
                .with("policyName", name.as_str())
                .with("policyDocument", document.trim()),
        )
        .await?;
        tracing::info!(policy = %name, target = %target.arn(), "inline policy put");
        Ok(())
    }

    /// ListUserPolicies / ListGroupPolicies, with each document (GetUserPolicy's answer).
    pub async fn list_inline_policies(
        &self,
        actor: &Actor,
        target: &PolicyTarget,
    ) -> Result<Vec<InlinePolicy>, IamError> {
        self.read_inline_policies(actor, target, target.kind().list_inline()).await
    }

    /// The inline policies for List*Policies or Get*Policy, authorized as `action`.
    pub async fn read_inline_policies(
        &self,
        actor: &Actor,
        target: &PolicyTarget,
        action: IamAction,
    ) -> Result<Vec<InlinePolicy>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let target = self.lock_target(&mut conn, actor, target, action).await?;
        self.authorize(actor, action, &target.resource)?;
        let holder = target.holder();
        Ok(store::policies::list_inline_policies(&mut *conn, holder)
            .await?
            .into_iter()
            .map(|r| InlinePolicy { policy_name: r.policy_name, document: r.document })
            .collect())
    }

    pub async fn delete_inline_policy(
        &self,
        actor: &Actor,
        target: &PolicyTarget,
        policy_name: &str,
    ) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let target = self.lock_target(&mut tx, actor, target, target.kind().delete_inline()).await?;
        self.authorize(actor, target.kind().delete_inline(), &target.resource)?;
        let holder = target.holder();
        if !store::policies::delete_inline_policy(&mut *tx, holder, policy_name.trim()).await? {
            return Err(IamError::NoSuchEntity(format!(
                "The {} policy with name {} cannot be found.",
                target.kind().name().to_lowercase(),
                policy_name.trim()
            )));
        }
        self.commit_change(
            tx,
            actor,
            target_event(target.kind().delete_inline(), &target).with("policyName", policy_name.trim()),
        )
        .await?;
        Ok(())
    }

    /// For DeleteUser / DeleteGroup: removes every attached and inline policy of a target the
    /// caller has locked, or (strict) refuses with IAM's DeleteConflict while any remains.
    pub(crate) async fn clear_target_policies(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        target: &Target,
        dependents: Dependents,
    ) -> Result<(), IamError> {
        let holder = target.holder();
        let attached = store::policies::list_attached_policy_arns(&mut *conn, holder).await?;
        if !attached.is_empty() {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict("Cannot delete entity, must detach all policies first.".into()));
            }
            for arn in &attached {
                self.authorize_access(actor, &policy_access(target.kind().detach(), target, arn))?;
            }
            for arn in &attached {
                store::policies::delete_policy_attachment(&mut *conn, arn, holder).await?;
            }
        }
        let inline = store::policies::list_inline_policies(&mut *conn, holder).await?;
        if !inline.is_empty() {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict("Cannot delete entity, must delete policies first.".into()));
            }
            self.authorize(actor, target.kind().delete_inline(), &target.resource)?;
            for p in &inline {
                store::policies::delete_inline_policy(&mut *conn, holder, &p.policy_name).await?;
            }
        }
        Ok(())
    }
}

/// An event about a user's or a group's policies.
fn target_event(action: IamAction, target: &Target) -> Event {
    match target.kind() {
        EntityKind::User => Event::on_user(action, &target.name),
        EntityKind::Group => Event::action(action).with("groupName", &target.name),
    }
}

impl Engine {
    /// TagPolicy: adds or overwrites tags of a customer-managed policy (at most 50, counted under
    /// the policy's row lock); `aws:RequestTag/*` and `aws:TagKeys` are in the request context.
    pub async fn tag_policy(&self, actor: &Actor, arn: &str, rows: &[(String, String)]) -> Result<(), IamError> {
        let tags = Tag::parse_set(rows, MAX_TAGS_PER_USER)?;
        let mut tx = self.pool.begin().await?;
        let resource = Resource::untagged(arn.trim());
        let access =
            Access::new(IamAction::TagPolicy, &resource).with(RequestKeys { tags: &tags, ..Default::default() });
        let (policy, existing) = self.lock_policy_with(&mut tx, actor, arn, access).await?;
        let keys: std::collections::HashSet<String> =
            existing.iter().chain(&tags).map(|t| t.key.to_lowercase()).collect();
        if keys.len() > MAX_TAGS_PER_USER {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for TagsPerPolicy: {MAX_TAGS_PER_USER}."
            )));
        }
        store::policy_tags::insert_policy_tags(&mut *tx, &policy.policy_id, &tags).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::TagPolicy)
                .with("policyArn", &policy.arn)
                .with("tags", crate::usecases::users::tags_json(&tags)),
        )
        .await?;
        Ok(())
    }

    /// UntagPolicy: removes the keys (ignoring case); unknown keys are ignored.
    pub async fn untag_policy(&self, actor: &Actor, arn: &str, keys: &[String]) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let resource = Resource::untagged(arn.trim());
        let access = Access::new(IamAction::UntagPolicy, &resource)
            .with(RequestKeys { removed_tag_keys: keys, ..Default::default() });
        let (policy, _) = self.lock_policy_with(&mut tx, actor, arn, access).await?;
        store::policy_tags::delete_policy_tags(&mut *tx, &policy.policy_id, keys).await?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::UntagPolicy).with("policyArn", &policy.arn).with("tagKeys", keys),
        )
        .await?;
        Ok(())
    }

    pub async fn list_policy_tags(&self, actor: &Actor, arn: &str) -> Result<Vec<Tag>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let resource = Resource::untagged(arn.trim());
        let (_, tags) =
            self.lock_policy_with(&mut conn, actor, arn, Access::new(IamAction::ListPolicyTags, &resource)).await?;
        Ok(tags)
    }
}
