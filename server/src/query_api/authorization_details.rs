//! GetAccountAuthorizationDetails: every user, group and managed policy of the account with their
//! policies, memberships and tags (Filter by entity type), built from the engine's own reads, each
//! authorized too, after the action itself.

use super::policies::url_encode;
use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::domain::IamAction;
use lanyard_iam::usecases::actor::Resource;
use lanyard_iam::usecases::policies::PolicyTarget;
use lanyard_iam::usecases::user_directory::{Counting, ListUsersInput};
use lanyard_iam::IamError;

const FILTERS: [&str; 5] = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"];

pub async fn get_account_authorization_details(call: &Call<'_>) -> Result<Reply, IamError> {
    let (engine, actor) = (call.engine, &call.actor);
    let account = actor.account_id();
    engine.authorize(
        actor,
        IamAction::GetAccountAuthorizationDetails,
        &Resource::untagged(format!("arn:aws:iam::{account}:*")),
    )?;
    let filter = call.params.list("Filter");
    if let Some(bad) = filter.iter().find(|f| !FILTERS.contains(&f.as_str())) {
        return Err(IamError::field(
            "filter",
            format!("Member must satisfy enum value set: [{}] ({bad})", FILTERS.join(", ")),
        ));
    }
    let wants = |kind: &str| filter.is_empty() || filter.iter().any(|f| f == kind);
    let mut x = Xml::new();

    // Users are read for their own list, and to count the policies used as permissions boundaries.
    let policies_wanted = wants("LocalManagedPolicy") || wants("AWSManagedPolicy");
    let mut users = Vec::new();
    if wants("User") || policies_wanted {
        let mut marker = None;
        loop {
            let input = ListUsersInput {
                marker: marker.clone(),
                page_size: Some(1000),
                counting: Counting::Skip,
                ..Default::default()
            };
            let page = engine.list_users(actor, input).await?;
            users.extend(page.users);
            match page.next_marker {
                Some(m) => marker = Some(m),
                None => break,
            }
        }
    }
    let mut user_rows = Vec::new();
    for u in users.iter().filter(|_| wants("User")) {
        let target = PolicyTarget::User(u.user_name.clone());
        let detail = engine.get_user(actor, &u.user_name).await?;
        let inline = engine.list_inline_policies(actor, &target).await?;
        let attached = engine.list_attached_policies(actor, &target).await?;
        let groups = engine.list_groups_for_user(actor, &u.user_name).await?;
        user_rows.push((u, detail.tags, inline, attached, groups));
    }
    x.members("UserDetailList", &user_rows, |m, (u, tags, inline, attached, groups)| {
        m.el("Path", &u.path).el("UserName", &u.user_name).el("UserId", &u.user_id).el("Arn", &u.arn);
        m.time("CreateDate", u.created_at);
        m.members("UserPolicyList", inline, |p, i| {
            p.el("PolicyName", &i.policy_name).el("PolicyDocument", url_encode(&i.document));
        });
        m.nest("GroupList", |g| {
            for group in groups {
                g.el("member", &group.group_name);
            }
        });
        m.members("AttachedManagedPolicies", attached, |p, (name, arn)| {
            p.el("PolicyName", name).el("PolicyArn", arn);
        });
        super::users::write_boundary(m, u.permissions_boundary.as_deref());
        super::users::write_tags(m, tags);
    });

    let mut group_rows = Vec::new();
    if wants("Group") {
        for g in engine.list_groups(actor, None).await? {
            let target = PolicyTarget::Group(g.group_name.clone());
            let inline = engine.list_inline_policies(actor, &target).await?;
            let attached = engine.list_attached_policies(actor, &target).await?;
            group_rows.push((g, inline, attached));
        }
    }
    x.members("GroupDetailList", &group_rows, |m, (g, inline, attached)| {
        m.el("Path", &g.path).el("GroupName", &g.group_name).el("GroupId", &g.group_id).el("Arn", &g.arn);
        m.time("CreateDate", g.created_at);
        m.members("GroupPolicyList", inline, |p, i| {
            p.el("PolicyName", &i.policy_name).el("PolicyDocument", url_encode(&i.document));
        });
        m.members("AttachedManagedPolicies", attached, |p, (name, arn)| {
            p.el("PolicyName", name).el("PolicyArn", arn);
        });
    });
    x.nest("RoleDetailList", |_| {});

    let mut policy_rows = Vec::new();
    if wants("LocalManagedPolicy") || wants("AWSManagedPolicy") {
        for p in engine.list_policies(actor, None).await? {
            let kind = if p.aws_managed { "AWSManagedPolicy" } else { "LocalManagedPolicy" };
            // AWS lists the AWS-managed policies only when asked for them, or when they are attached.
            let listed =
                if p.aws_managed { filter.iter().any(|f| f == kind) || p.attachment_count > 0 } else { wants(kind) };
            if listed {
                policy_rows.push(engine.get_policy(actor, &p.arn).await?);
            }
        }
    }
    x.members("Policies", &policy_rows, |m, d| {
        let p = &d.policy;
        m.el("PolicyName", &p.policy_name).el("PolicyId", &p.policy_id).el("Arn", &p.arn).el("Path", &p.path);
        m.el("DefaultVersionId", &p.default_version_id).el("AttachmentCount", p.attachment_count.to_string());
        let as_boundary = users.iter().filter(|u| u.permissions_boundary.as_deref() == Some(p.arn.as_str())).count();
        m.el("PermissionsBoundaryUsageCount", as_boundary.to_string()).bool("IsAttachable", true);
        if let Some(t) = p.created_at {
            m.time("CreateDate", t);
        }
        if let Some(t) = p.updated_at {
            m.time("UpdateDate", t);
        }
        m.members("PolicyVersionList", &d.versions, |v, version| {
            v.el("Document", url_encode(&version.document))
                .el("VersionId", &version.version_id)
                .bool("IsDefaultVersion", version.is_default);
            if let Some(t) = version.created_at {
                v.time("CreateDate", t);
            }
        });
    });
    x.paging(None);
    Ok(Some(x))
}
