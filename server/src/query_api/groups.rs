//! Groups: Create/Get (members, paged)/List/Update/DeleteGroup (strict), AddUserToGroup,
//! RemoveUserFromGroup, ListGroupsForUser.

use super::params::page_of;
use super::xml::Xml;
use super::{Call, Reply};
use lanyard_iam::usecases::groups::Group;
use lanyard_iam::IamError;

fn write_group(x: &mut Xml, g: &Group) {
    x.el("Path", &g.path).el("GroupName", &g.group_name).el("GroupId", &g.group_id).el("Arn", &g.arn);
    x.time("CreateDate", g.created_at);
}

pub async fn create_group(call: &Call<'_>) -> Result<Reply, IamError> {
    let (name, path) = (call.params.req("GroupName")?, call.params.opt("Path"));
    let group = call.engine.create_group(&call.actor, &name, path.as_deref()).await?;
    let mut x = Xml::new();
    x.nest("Group", |x| write_group(x, &group));
    Ok(Some(x))
}

pub async fn get_group(call: &Call<'_>) -> Result<Reply, IamError> {
    let d = call.engine.get_group(&call.actor, &call.params.req("GroupName")?).await?;
    let (max, marker) = call.params.paging()?;
    let (users, next) = page_of(d.users, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.nest("Group", |x| write_group(x, &d.group))
        .members("Users", &users, |m, u| {
            m.el("Path", u.path.as_str()).el("UserName", u.user_name.as_str()).el("UserId", u.user_id.as_str());
            m.el("Arn", &u.arn).time("CreateDate", u.created_at);
        })
        .paging(next.as_deref());
    Ok(Some(x))
}

fn group_list(groups: Vec<Group>, call: &Call<'_>) -> Result<Reply, IamError> {
    let (max, marker) = call.params.paging()?;
    let (groups, next) = page_of(groups, max, marker.as_deref())?;
    let mut x = Xml::new();
    x.members("Groups", &groups, write_group).paging(next.as_deref());
    Ok(Some(x))
}

pub async fn list_groups(call: &Call<'_>) -> Result<Reply, IamError> {
    let groups = call.engine.list_groups(&call.actor, call.params.opt("PathPrefix").as_deref()).await?;
    group_list(groups, call)
}

pub async fn list_groups_for_user(call: &Call<'_>) -> Result<Reply, IamError> {
    let groups = call.engine.list_groups_for_user(&call.actor, &call.params.req("UserName")?).await?;
    group_list(groups, call)
}

pub async fn update_group(call: &Call<'_>) -> Result<Reply, IamError> {
    let name = call.params.req("GroupName")?;
    let (new_name, new_path) = (call.params.opt("NewGroupName"), call.params.opt("NewPath"));
    call.engine.update_group(&call.actor, &name, new_name.as_deref(), new_path.as_deref()).await?;
    Ok(None)
}

pub async fn delete_group(call: &Call<'_>) -> Result<Reply, IamError> {
    call.engine
        .delete_group(&call.actor, &call.params.req("GroupName")?, lanyard_iam::usecases::Dependents::Refuse)
        .await?;
    Ok(None)
}

pub async fn add_user_to_group(call: &Call<'_>) -> Result<Reply, IamError> {
    let (group, user) = (call.params.req("GroupName")?, call.params.req("UserName")?);
    call.engine.add_user_to_group(&call.actor, &group, &user).await?;
    Ok(None)
}

pub async fn remove_user_from_group(call: &Call<'_>) -> Result<Reply, IamError> {
    let (group, user) = (call.params.req("GroupName")?, call.params.req("UserName")?);
    call.engine.remove_user_from_group(&call.actor, &group, &user).await?;
    Ok(None)
}
