//! Managed policies (Create/Get/List/DeletePolicy, versions), attachments to users and groups,
//! and inline policies. Documents are URL-encoded in answers, as AWS sends them.

use super::params::page_of;
use super::xml::Xml;
use super::{action_of, Call, Reply};
use lanyard_iam::domain::{IamAction, Tag, MAX_TAGS_PER_USER};
use lanyard_iam::usecases::policies::{ManagedPolicy, NewPolicy, PolicyTarget};
use lanyard_iam::IamError;

/// RFC 3986 percent-encoding (unreserved characters kept), as IAM encodes policy documents.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Which answer a policy is written for: AWS's shapes differ (CreatePolicy echoes the tags it was
/// given but not the description; GetPolicy has both, `Tags` even when empty; ListPolicies has
/// neither).
enum Shape<'a> {
    Create(&'a [Tag]),
    Get(&'a [Tag]),
    List,
}

fn write_policy(x: &mut Xml, p: &ManagedPolicy, shape: &Shape<'_>) {
    x.el("PolicyName", &p.policy_name)
        .el("PolicyId", &p.policy_id)
        .el("Arn", &p.arn)
        .el("Path", &p.path)
        .el("DefaultVersionId", &p.default_version_id)
        .el("AttachmentCount", p.attachment_count.to_string())
        .el("PermissionsBoundaryUsageCount", "0")
        .bool("IsAttachable", true);
    if matches!(shape, Shape::Get(_)) && !p.description.is_empty() {
        x.el("Description", &p.description);
    }
    if let Some(t) = p.created_at {
        x.time("CreateDate", t);
    }
    if let Some(t) = p.updated_at {
        x.time("UpdateDate", t);
    }
    let tags = match shape {
        Shape::Create(tags) if !tags.is_empty() => Some(tags),
        Shape::Get(tags) => Some(tags),
        _ => None,
    };
    if let Some(tags) = tags {
        x.members("Tags", tags, |m, t| {
            m.el("Key", &t.key).el("Value", &t.value);
        });
    }
}

/// The user or group the action names (`…UserPolicy…` takes UserName, `…GroupPolicy…` GroupName).
fn target(call: &Call<'_>) -> Result<PolicyTarget, IamError> {
    let is_user = action_of(call).is_some_and(|a| a.name().contains("User"));
    Ok(if is_user {
        PolicyTarget::User(call.params.req("UserName")?)
    } else {
        PolicyTarget::Group(call.params.req("GroupName")?)
    })
}

pub async fn create_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let input = NewPolicy {
        policy_name: call.params.req("PolicyName")?,
        path: call.params.opt("Path"),
        description: call.params.opt("Description"),
        document: call.params.req("PolicyDocument")?,
        tags: call.params.tags("Tags")?,
    };
    let given = input.tags.clone();
    let policy = call.engine.create_policy(&call.actor, input).await?;
    // The tags as the engine stored them (it validated them with the same function).
    let tags = Tag::parse_set(&given, MAX_TAGS_PER_USER).unwrap_or_default();
    let mut x = Xml::new();
    x.nest("Policy", |x| write_policy(x, &policy, &Shape::Create(&tags)));
    Ok(Some(x))
}

pub async fn get_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let d = call.engine.get_policy(&call.actor, &call.params.req("PolicyArn")?).await?;
    let mut x = Xml::new();
    x.nest("Policy", |x| write_policy(x, &d.policy, &Shape::Get(&d.tags)));
    Ok(Some(x))
}

pub async fn list_policies(call: &Call<'_>) -> Result<Reply, IamError> {
    let scope = call.params.opt("Scope").unwrap_or_else(|| "All".into());
    if !matches!(scope.as_str(), "All" | "AWS" | "Local") {
        return Err(IamError::field("scope", "Member must satisfy enum value set: [All, AWS, Local]"));
    }
    let only_attached = call.params.opt_bool("OnlyAttached")?.unwrap_or(false);
    let policies: Vec<ManagedPolicy> = call
        .engine
        .list_policies(&call.actor, call.params.opt("PathPrefix").as_deref())
        .await?
        .into_iter()
        .filter(|p| match scope.as_str() {
            "AWS" => p.aws_managed,
            "Local" => !p.aws_managed,
            _ => true,
        })
        .filter(|p| !only_attached || p.attachment_count > 0)
        .collect();
    let (max, marker) = call.params.paging()?;
    let (policies, next) = page_of(policies, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.members("Policies", &policies, |m, p| write_policy(m, p, &Shape::List)).paging(next.as_deref());
    Ok(Some(x))
}

pub async fn delete_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine
        .delete_policy(&call.actor, &call.params.req("PolicyArn")?, lanyard_iam::usecases::Dependents::Refuse)
        .await?;
    Ok(None)
}

pub async fn create_policy_version(call: &Call<'_>) -> Result<Reply, IamError> {
    let arn = call.params.req("PolicyArn")?;
    let set_default = call.params.opt_bool("SetAsDefault")?.unwrap_or(false);
    let id =
        call.engine.create_policy_version(&call.actor, &arn, &call.params.req("PolicyDocument")?, set_default).await?;
    let d = call.engine.read_policy(&call.actor, &arn, IamAction::CreatePolicyVersion).await?;
    let created = d.versions.iter().find(|v| v.version_id == id).and_then(|v| v.created_at);
    let mut x = Xml::new();
    x.nest("PolicyVersion", |x| {
        x.el("VersionId", &id).bool("IsDefaultVersion", set_default);
        if let Some(t) = created {
            x.time("CreateDate", t);
        }
    });
    Ok(Some(x))
}

pub async fn get_policy_version(call: &Call<'_>) -> Result<Reply, IamError> {
    let arn = call.params.req("PolicyArn")?;
    let version_id = call.params.req("VersionId")?;
    let d = call.engine.read_policy(&call.actor, &arn, IamAction::GetPolicyVersion).await?;
    let v = d.versions.iter().find(|v| v.version_id == version_id).ok_or_else(|| {
        IamError::NoSuchEntity(format!("Policy {arn} version {version_id} does not exist or is not attachable."))
    })?;
    let mut x = Xml::new();
    x.nest("PolicyVersion", |x| {
        x.el("Document", url_encode(&v.document)).el("VersionId", &v.version_id).bool("IsDefaultVersion", v.is_default);
        if let Some(t) = v.created_at {
            x.time("CreateDate", t);
        }
    });
    Ok(Some(x))
}

pub async fn list_policy_versions(call: &Call<'_>) -> Result<Reply, IamError> {
    let d = call.engine.read_policy(&call.actor, &call.params.req("PolicyArn")?, IamAction::ListPolicyVersions).await?;
    let (max, marker) = call.params.paging()?;
    let mut versions = d.versions;
    versions.sort_by_key(|v| std::cmp::Reverse(v.version_id.trim_start_matches('v').parse::<u32>().unwrap_or(0)));
    let (versions, next) = page_of(versions, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.members("Versions", &versions, |m, v| {
        m.el("VersionId", &v.version_id).bool("IsDefaultVersion", v.is_default);
        if let Some(t) = v.created_at {
            m.time("CreateDate", t);
        }
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn delete_policy_version(call: &Call<'_>) -> Result<Reply, IamError> {
    let (arn, version) = (call.params.req("PolicyArn")?, call.params.req("VersionId")?);
    call.engine.delete_policy_version(&call.actor, &arn, &version).await?;
    Ok(None)
}

pub async fn set_default_policy_version(call: &Call<'_>) -> Result<Reply, IamError> {
    let (arn, version) = (call.params.req("PolicyArn")?, call.params.req("VersionId")?);
    call.engine.set_default_policy_version(&call.actor, &arn, &version).await?;
    Ok(None)
}

pub async fn attach_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.attach_policy(&call.actor, &target(call)?, &call.params.req("PolicyArn")?).await?;
    Ok(None)
}

pub async fn detach_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.detach_policy(&call.actor, &target(call)?, &call.params.req("PolicyArn")?).await?;
    Ok(None)
}

pub async fn list_attached_policies(call: &Call<'_>) -> Result<Reply, IamError> {
    let attached = call.engine.list_attached_policies(&call.actor, &target(call)?).await?;
    let (max, marker) = call.params.paging()?;
    let (attached, next) = page_of(attached, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.members("AttachedPolicies", &attached, |m, (name, arn)| {
        m.el("PolicyName", name).el("PolicyArn", arn);
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn put_inline_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let (name, document) = (call.params.req("PolicyName")?, call.params.req("PolicyDocument")?);
    call.engine.put_inline_policy(&call.actor, &target(call)?, &name, &document).await?;
    Ok(None)
}

pub async fn get_inline_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let target = target(call)?;
    let name = call.params.req("PolicyName")?;
    let action = action_of(call).unwrap_or(IamAction::GetUserPolicy);
    let policies = call.engine.read_inline_policies(&call.actor, &target, action).await?;
    let (kind, entity) = match &target {
        PolicyTarget::User(u) => ("user", ("UserName", u)),
        PolicyTarget::Group(g) => ("group", ("GroupName", g)),
    };
    let p = policies
        .into_iter()
        .find(|p| p.policy_name.eq_ignore_ascii_case(&name))
        .ok_or_else(|| IamError::NoSuchEntity(format!("The {kind} policy with name {name} cannot be found.")))?;
    let mut x = Xml::new();
    x.el(entity.0, entity.1).el("PolicyName", &p.policy_name).el("PolicyDocument", url_encode(&p.document));
    Ok(Some(x))
}

pub async fn list_inline_policies(call: &Call<'_>) -> Result<Reply, IamError> {
    let names: Vec<String> = call
        .engine
        .list_inline_policies(&call.actor, &target(call)?)
        .await?
        .into_iter()
        .map(|p| p.policy_name)
        .collect();
    let (max, marker) = call.params.paging()?;
    let (names, next) = page_of(names, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.nest("PolicyNames", |x| {
        for n in &names {
            x.el("member", n);
        }
    })
    .paging(next.as_deref());
    Ok(Some(x))
}

pub async fn delete_inline_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.delete_inline_policy(&call.actor, &target(call)?, &call.params.req("PolicyName")?).await?;
    Ok(None)
}

pub async fn list_entities_for_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    let d =
        call.engine.read_policy(&call.actor, &call.params.req("PolicyArn")?, IamAction::ListEntitiesForPolicy).await?;
    let filter = call.params.opt("EntityFilter").unwrap_or_default();
    let of = |kind: &str| -> Vec<String> {
        d.attached_to.iter().filter(|(k, _)| k == kind).map(|(_, n)| n.clone()).collect()
    };
    let (users, groups) = match filter.as_str() {
        "User" => (of("user"), Vec::new()),
        "Group" => (Vec::new(), of("group")),
        "Role" | "AWSManagedPolicy" | "LocalManagedPolicy" => (Vec::new(), Vec::new()),
        _ => (of("user"), of("group")),
    };
    let mut x = Xml::new();
    x.members("PolicyGroups", &groups, |m, g| {
        m.el("GroupName", g);
    })
    .members("PolicyUsers", &users, |m, u| {
        m.el("UserName", u);
    })
    .nest("PolicyRoles", |_| {})
    .paging(None);
    Ok(Some(x))
}

pub async fn tag_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.tag_policy(&call.actor, &call.params.req("PolicyArn")?, &call.params.tags("Tags")?).await?;
    Ok(None)
}

pub async fn untag_policy(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine.untag_policy(&call.actor, &call.params.req("PolicyArn")?, &call.params.list("TagKeys")).await?;
    Ok(None)
}

pub async fn list_policy_tags(call: &Call<'_>) -> Result<Reply, IamError> {
    let tags = call.engine.list_policy_tags(&call.actor, &call.params.req("PolicyArn")?).await?;
    super::users::tags_page(call, tags)
}

#[cfg(test)]
mod tests {
    #[test]
    fn documents_are_percent_encoded_like_iam() {
        assert_eq!(super::url_encode(r#"{"A": "b c/~"}"#), "%7B%22A%22%3A%20%22b%20c%2F~%22%7D");
    }
}
