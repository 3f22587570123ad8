//! Tags on users: IAM's TagUser (add or overwrite) and UntagUser, and the console's edit, which
//! replaces the whole set. The 50-tag quota is checked under a lock on the user's row, so two
//! concurrent TagUser calls cannot together exceed it.

use crate::domain::{IamAction, Tag, MAX_TAGS_PER_USER};
use crate::store;
use crate::usecases::actor::{Access, Actor, RequestKeys};
use crate::usecases::events::Event;
use crate::usecases::users::UserTags;
use crate::usecases::users::{tags_json, user_prefix};
use crate::{Engine, IamError};
use serde_json::json;
use std::collections::HashSet;

fn quota_exceeded() -> IamError {
    IamError::LimitExceeded(format!("Cannot exceed quota for TagsPerUser: {MAX_TAGS_PER_USER}."))
}

impl Engine {
    /// IAM's TagUser: adds the tags, overwriting the values of keys the user already has.
    pub async fn tag_user(&self, actor: &Actor, user_name: &str, rows: &[(String, String)]) -> Result<(), IamError> {
        let tags = Tag::parse_set(rows, MAX_TAGS_PER_USER)?;
        self.precheck(actor, IamAction::TagUser, &user_prefix(actor.account_id()), user_name)?;
        let mut tx = self.pool.begin().await?;
        let (user, resource) = self.lock_user_for(&mut tx, actor, user_name, &[], UserTags::Load).await?;
        let request = RequestKeys { tags: &tags, ..Default::default() };
        self.authorize_access(actor, &Access::new(IamAction::TagUser, &resource).with(request))?;
        let existing = store::user_tags::list_user_tags(&mut *tx, &user.user_id).await?;
        let keys: HashSet<String> = existing.iter().chain(&tags).map(|t| t.key.to_lowercase()).collect();
        if keys.len() > MAX_TAGS_PER_USER {
            return Err(quota_exceeded());
        }
        store::user_tags::insert_user_tags(&mut *tx, &user.user_id, &tags).await?;
        let event = Event::action(IamAction::TagUser)
            .about(user.user_name.as_str())
            .request(json!({ "userName": user.user_name, "tags": tags_json(&tags) }));
        self.commit_change(tx, actor, event).await?;
        Ok(())
    }

    /// IAM's UntagUser: removes the keys (ignoring case); unknown keys are ignored.
    pub async fn untag_user(&self, actor: &Actor, user_name: &str, keys: &[String]) -> Result<(), IamError> {
        self.precheck(actor, IamAction::UntagUser, &user_prefix(actor.account_id()), user_name)?;
        let mut tx = self.pool.begin().await?;
        let (user, resource) = self.lock_user_for(&mut tx, actor, user_name, &[], UserTags::Load).await?;
        let request = RequestKeys { removed_tag_keys: keys, ..Default::default() };
        self.authorize_access(actor, &Access::new(IamAction::UntagUser, &resource).with(request))?;
        store::user_tags::delete_user_tags(&mut *tx, &user.user_id, keys).await?;
        let event = Event::action(IamAction::UntagUser)
            .about(user.user_name.as_str())
            .request(json!({ "userName": user.user_name, "tagKeys": keys }));
        self.commit_change(tx, actor, event).await?;
        Ok(())
    }

    /// The console's tag editor: the user's tags become exactly `rows`, in one transaction.
    pub async fn replace_user_tags(
        &self,
        actor: &Actor,
        user_name: &str,
        rows: &[(String, String)],
    ) -> Result<Vec<Tag>, IamError> {
        let tags = Tag::parse_set(rows, MAX_TAGS_PER_USER)?;
        self.precheck(actor, IamAction::TagUser, &user_prefix(actor.account_id()), user_name)?;
        let mut tx = self.pool.begin().await?;
        let (user, resource) = self.lock_user_for(&mut tx, actor, user_name, &[], UserTags::Load).await?;
        // The edit is a TagUser of the new set and an UntagUser of the keys that go.
        let removed: Vec<String> = resource
            .tags
            .iter()
            .filter(|old| !tags.iter().any(|t| t.key.eq_ignore_ascii_case(&old.key)))
            .map(|t| t.key.clone())
            .collect();
        let tag_request = RequestKeys { tags: &tags, ..Default::default() };
        self.authorize_access(actor, &Access::new(IamAction::TagUser, &resource).with(tag_request))?;
        let untag_request = RequestKeys { removed_tag_keys: &removed, ..Default::default() };
        self.authorize_access(actor, &Access::new(IamAction::UntagUser, &resource).with(untag_request))?;
        store::user_tags::delete_all_user_tags(&mut *tx, &user.user_id).await?;
        store::user_tags::insert_user_tags(&mut *tx, &user.user_id, &tags).await?;
        let saved = store::user_tags::list_user_tags(&mut *tx, &user.user_id).await?;
        // The console's edit is recorded as the TagUser of the whole new set (and the keys removed).
        let event = Event::action(IamAction::TagUser)
            .about(user.user_name.as_str())
            .request(json!({ "userName": user.user_name, "tags": tags_json(&tags), "removedTagKeys": removed }));
        self.commit_change(tx, actor, event).await?;
        Ok(saved)
    }
}

impl Engine {
    /// IAM's ListUserTags.
    pub async fn list_user_tags(&self, actor: &Actor, user_name: &str) -> Result<Vec<Tag>, IamError> {
        let mut conn = self.pool.acquire().await?;
        let (_, resource) =
            self.lock_user_for(&mut conn, actor, user_name, &[IamAction::ListUserTags], UserTags::Load).await?;
        Ok(resource.tags)
    }
}
