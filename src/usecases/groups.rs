//! IAM groups: CreateGroup, ListGroups, GetGroup (with members), UpdateGroup (rename/move),
//! DeleteGroup (strict, or with its memberships), AddUserToGroup / RemoveUserFromGroup (at most
//! 10 groups per user, counted under the user's row lock) and ListGroupsForUser.

use crate::domain::{group_arn, GroupName, IamAction, IamPath, UniqueId, UniqueIdKind, MAX_GROUPS_PER_USER};
use crate::store;
use crate::store::groups::GroupRow;
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::events::Event;
use crate::usecases::users::no_such_user;
use crate::usecases::users::UserTags;
use crate::usecases::Dependents;
use crate::{Engine, FieldError, IamError};
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub group_id: String,
    pub group_name: String,
    pub path: String,
    pub arn: String,
    pub created_at: OffsetDateTime,
}

/// GetGroup: the group and its members' names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupDetail {
    pub group: Group,
    pub members: Vec<String>,
    /// The members as GetGroup lists them (same order as `members`).
    pub users: Vec<crate::usecases::users::User>,
}

/// `arn:aws:iam::<account>:group<path><name>` of a stored group.
pub(crate) fn arn_of(r: &GroupRow) -> Result<String, IamError> {
    let account = crate::domain::AccountId::parse(&r.account_id)?;
    Ok(group_arn(&account, &IamPath::parse(&r.path)?, &GroupName::parse(&r.group_name)?))
}

pub(crate) fn to_group(r: GroupRow) -> Result<Group, IamError> {
    let arn = arn_of(&r)?;
    Ok(Group { group_id: r.group_id, group_name: r.group_name, path: r.path, arn, created_at: r.created_at })
}

fn no_such_group(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("The group with name {name} cannot be found."))
}

fn exists(name: &str) -> IamError {
    IamError::EntityAlreadyExists(format!("Group with name {name} already exists."))
}

/// Name and path checked together, so a form shows both problems at once.
fn parse_name_path(name: &str, path: Option<&str>) -> Result<(GroupName, IamPath), IamError> {
    let name = GroupName::parse(name.trim());
    let path = IamPath::parse(path.map(str::trim).filter(|p| !p.is_empty()).unwrap_or("/"));
    match (name, path) {
        (Ok(n), Ok(p)) => Ok((n, p)),
        (n, p) => {
            let fields: Vec<FieldError> =
                [n.err(), p.err()].into_iter().flatten().flat_map(|e| e.field_errors().to_vec()).collect();
            Err(IamError::Validation(fields))
        }
    }
}

impl Engine {
    /// The group by name, locked while the transaction lasts, after authorizing `action` on it.
    async fn lock_group_for(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        name: &str,
        action: IamAction,
    ) -> Result<Group, IamError> {
        let account = actor.account_id();
        self.precheck(actor, action, &format!("arn:aws:iam::{account}:group/"), name)?;
        let row = store::groups::find_group_for_update(&mut *conn, actor.account_id().as_str(), name.trim())
            .await?
            .ok_or_else(|| no_such_group(name.trim()))?;
        let group = to_group(row)?;
        self.authorize(actor, action, &Resource::untagged(group.arn.clone()))?;
        Ok(group)
    }

    pub async fn create_group(&self, actor: &Actor, name: &str, path: Option<&str>) -> Result<Group, IamError> {
        let (name, path) = parse_name_path(name, path)?;
        let account = actor.account_id();
        self.authorize(actor, IamAction::CreateGroup, &Resource::untagged(group_arn(account, &path, &name)))?;
        let id = UniqueId::generate(UniqueIdKind::Group);
        let mut tx = self.pool.begin().await?;
        let row = store::groups::insert_group(&mut *tx, id.as_str(), account.as_str(), name.as_str(), path.as_str())
            .await
            .map_err(|e| match store::unique_violation(&e) {
                Some("groups_account_name_key") => exists(name.as_str()),
                _ => e.into(),
            })?;
        let event = Event::action(IamAction::CreateGroup)
            .with("groupName", name.as_str())
            .with("path", path.as_str())
            .response(
                json!({ "group": { "groupName": name.as_str(), "groupId": id.as_str(), "path": path.as_str() } }),
            );
        self.commit_change(tx, actor, event).await?;
        tracing::info!(group = %name, "group created");
        to_group(row)
    }

    pub async fn list_groups(&self, actor: &Actor, path_prefix: Option<&str>) -> Result<Vec<Group>, IamError> {
        let prefix = path_prefix.map(str::trim).filter(|p| !p.is_empty()).unwrap_or("/");
        if !prefix.starts_with('/') {
            return Err(IamError::field("pathPrefix", "must start with /"));
        }
        let account = actor.account_id();
        self.authorize(
            actor,
            IamAction::ListGroups,
            &Resource::untagged(format!("arn:aws:iam::{account}:group{prefix}*")),
        )?;
        store::groups::list_groups(&self.pool, account.as_str(), prefix).await?.into_iter().map(to_group).collect()
    }

    pub async fn get_group(&self, actor: &Actor, name: &str) -> Result<GroupDetail, IamError> {
        let mut conn = self.pool.acquire().await?;
        let group = self.lock_group_for(&mut conn, actor, name, IamAction::GetGroup).await?;
        let rows = store::groups::list_group_members(&mut *conn, &group.group_id).await?;
        let account = actor.account_id();
        let users = rows
            .into_iter()
            .map(|r| {
                let (name, path) = (crate::domain::UserName::parse(&r.user_name)?, IamPath::parse(&r.path)?);
                Ok(crate::usecases::users::User {
                    arn: crate::domain::user_arn(account, &path, &name),
                    user_id: UniqueId::parse(&r.user_id)?,
                    user_name: name,
                    path,
                    created_at: r.created_at,
                })
            })
            .collect::<Result<Vec<_>, IamError>>()?;
        let members = users.iter().map(|u| u.user_name.to_string()).collect();
        Ok(GroupDetail { group, members, users })
    }

    /// UpdateGroup: a new name and/or path; the GroupId and the memberships stay.
    pub async fn update_group(
        &self,
        actor: &Actor,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> Result<Group, IamError> {
        let mut tx = self.pool.begin().await?;
        let current = self.lock_group_for(&mut tx, actor, name, IamAction::UpdateGroup).await?;
        let (to_name, to_path) = parse_name_path(
            new_name.filter(|n| !n.trim().is_empty()).unwrap_or(&current.group_name),
            Some(new_path.filter(|p| !p.trim().is_empty()).unwrap_or(&current.path)),
        )?;
        // As IAM: the permission is needed on the destination ARN too (a new name and/or path).
        let destination = group_arn(actor.account_id(), &to_path, &to_name);
        if destination != current.arn {
            self.authorize(actor, IamAction::UpdateGroup, &Resource::untagged(destination))?;
        }
        let row =
            store::groups::update_group_name_path(&mut *tx, &current.group_id, to_name.as_str(), to_path.as_str())
                .await
                .map_err(|e| match store::unique_violation(&e) {
                    Some("groups_account_name_key") => exists(to_name.as_str()),
                    _ => e.into(),
                })?;
        self.commit_change(
            tx,
            actor,
            Event::action(IamAction::UpdateGroup)
                .with("groupName", &current.group_name)
                .with("newGroupName", new_name)
                .with("newPath", new_path),
        )
        .await?;
        to_group(row)
    }

    /// DeleteGroup. `strict` is IAM's API (DeleteConflict while members remain); the console
    /// removes the memberships with the group, in one transaction.
    pub async fn delete_group(&self, actor: &Actor, name: &str, dependents: Dependents) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let group = self.lock_group_for(&mut tx, actor, name, IamAction::DeleteGroup).await?;
        let members = store::groups::list_group_member_names(&mut *tx, &group.group_id).await?;
        if !members.is_empty() {
            if dependents == Dependents::Refuse {
                return Err(IamError::DeleteConflict(
                    "Cannot delete entity, must remove users from group first.".into(),
                ));
            }
            self.authorize(actor, IamAction::RemoveUserFromGroup, &Resource::untagged(group.arn.clone()))?;
        }
        let target = crate::usecases::policies::Target::group(&group.group_id, &group.group_name, &group.arn);
        self.clear_target_policies(&mut tx, actor, &target, dependents).await?;
        store::groups::delete_group(&mut *tx, &group.group_id).await?;
        self.commit_change(tx, actor, Event::action(IamAction::DeleteGroup).with("groupName", &group.group_name))
            .await?;
        tracing::info!(group = %group.group_name, "group deleted");
        Ok(())
    }

    /// AddUserToGroup; adding a member twice changes nothing, as in IAM.
    pub async fn add_user_to_group(&self, actor: &Actor, group: &str, user: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let group = self.lock_group_for(&mut tx, actor, group, IamAction::AddUserToGroup).await?;
        // The user's row lock serializes this user's memberships, so the quota holds under races.
        let member = store::users::find_user_for_update(&mut *tx, actor.account_id(), user.trim())
            .await?
            .ok_or_else(|| no_such_user(user.trim()))?;
        let groups = store::groups::list_groups_for_user(&mut *tx, &member.user_id).await?;
        if groups.iter().any(|g| g.group_id == group.group_id) {
            return Ok(());
        }
        if groups.len() >= MAX_GROUPS_PER_USER {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}"
            )));
        }
        store::groups::insert_group_member(&mut *tx, &group.group_id, &member.user_id).await?;
        self.commit_change(
            tx,
            actor,
            Event::on_user(IamAction::AddUserToGroup, &member.user_name).with("groupName", &group.group_name),
        )
        .await?;
        tracing::info!(group = %group.group_name, user = %member.user_name, "user added to group");
        Ok(())
    }

    pub async fn remove_user_from_group(&self, actor: &Actor, group: &str, user: &str) -> Result<(), IamError> {
        let mut tx = self.pool.begin().await?;
        let group = self.lock_group_for(&mut tx, actor, group, IamAction::RemoveUserFromGroup).await?;
        let member = store::users::find_user_for_update(&mut *tx, actor.account_id(), user.trim())
            .await?
            .ok_or_else(|| no_such_user(user.trim()))?;
        // AWS answers a user who is not a member with success (nothing changes, nothing recorded).
        if !store::groups::delete_group_member(&mut *tx, &group.group_id, &member.user_id).await? {
            return Ok(());
        }
        self.commit_change(
            tx,
            actor,
            Event::on_user(IamAction::RemoveUserFromGroup, &member.user_name).with("groupName", &group.group_name),
        )
        .await?;
        Ok(())
    }

    pub async fn list_groups_for_user(&self, actor: &Actor, user: &str) -> Result<Vec<Group>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let (row, _) =
            self.lock_user_for(&mut conn, actor, user, &[IamAction::ListGroupsForUser], UserTags::ToAuthorize).await?;
        store::groups::list_groups_for_user(&mut *conn, &row.user_id).await?.into_iter().map(to_group).collect()
    }
}
