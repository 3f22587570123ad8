//! `/console/groups` (the account's groups and `Create group`) and `/console/groups/<name>` (the
//! group's identifiers, its members with `Add user` and per-member `Remove`, and `Delete group`
//! confirmed by typing the name; `?delete` shows the confirmation, so it works without JavaScript).

use crate::api::{
    group_page, load_group, load_groups, load_permissions, user_page, AddGroupMember, CreateGroup, DeleteGroup,
    RemoveGroupMember,
};
use crate::components::{
    form_error, permissions_note, ConsolePage, DangerDelete, FormAlert, Permissions, Place, TextField, GROUPS,
};
use crate::dto::{ConsoleCapability, EntityCapability, Flash, GroupDetailDto, GroupDto, PermissionsDto};
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_map();
    let groups = Resource::new_blocking(|| (), |_| load_groups());
    view! {
        <ConsolePage title="User groups" load=move || async move { groups.await }
            render=move |signed, groups| {
                let deleted = query.read_untracked().get("deleted").is_some();
                let may_create = signed.principal.can.allows(ConsoleCapability::CreateGroup);
                view! { <GroupList groups deleted may_create flash=signed.flash/> }
            }/>
    }
}

#[component]
fn GroupList(groups: Vec<GroupDto>, deleted: bool, may_create: bool, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<CreateGroup>::new();
    let typed = |f: &str| flash.as_ref().filter(|x| x.form == "create-group").and_then(|x| x.value(f));
    let (name, path) = (typed("group_name"), typed("path"));
    let error = form_error(flash, "create-group");
    let empty = groups.is_empty();
    let rows = groups
        .into_iter()
        .map(|g| {
            view! {
                <tr>
                    <td><a href=group_page(&g.group_name)>{g.group_name.clone()}</a></td>
                    <td><code>{g.path}</code></td>
                    <td>{g.created}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {deleted.then(|| view! { <p class="once" role="status">"The group has been deleted."</p> })}
        <section class="card">
            {if empty {
                view! { <p data-testid="groups-empty">"No groups yet. Groups collect users who need the same permissions."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="groups">
                        <thead><tr><th>"Group name"</th><th>"Path"</th><th>"Created"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        {may_create.then(|| view! {
        <section class="card narrow-form">
            <h2>"Create group"</h2>
            <FormAlert error=error/>
            <ActionForm action=action>
                <TextField id="group_name" label="Group name" field="groupName" error=error value=name
                    hint="Up to 128 letters, digits and _+=,.@- ; unique in the account, ignoring case."/>
                <TextField id="path" label="Path" field="path" error=error value=Some(path.unwrap_or_else(|| "/".into()))
                    hint="Starts and ends with /, e.g. /ops/."/>
                <button type="submit" class="primary">"Create group"</button>
            </ActionForm>
        </section>
        })}
    }
}

#[component]
pub fn GroupPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let group = Resource::new_blocking(name, load_group);
    let permissions = Resource::new_blocking(name, |n| load_permissions("group".into(), n));
    let load = move || async move {
        // Permissions the viewer may not list are simply not shown.
        let permissions = permissions.await.map(Some).or_else(AppError::unless_denied)?.unwrap_or_default();
        Ok((group.await?, permissions))
    };
    view! {
        <ConsolePage title=Signal::derive(name) place=Place::Under(&[GROUPS]) load
            render=move |signed, (group, permissions)| {
                let q = query.read_untracked();
                let note = q.get("added").map(|u| format!("{u} has been added to the group."))
                    .or_else(|| q.get("removed").map(|u| format!("{u} has been removed from the group.")));
                let (confirm_delete, permissions_note) = (q.get("delete").is_some(), permissions_note(&q));
                view! { <GroupDetail group permissions permissions_note confirm_delete note flash=signed.flash/> }
            }/>
    }
}

#[component]
fn GroupDetail(
    group: GroupDetailDto,
    permissions: PermissionsDto,
    permissions_note: Option<String>,
    confirm_delete: bool,
    note: Option<String>,
    flash: Option<Flash>,
) -> impl IntoView {
    let add = ServerAction::<AddGroupMember>::new();
    let remove = ServerAction::<RemoveGroupMember>::new();
    let delete = ServerAction::<DeleteGroup>::new();
    let flash_for = |form: &str| flash.clone().filter(|f| f.form == form);
    let typed_user = flash_for("group-members").and_then(|f| f.value("user_name"));
    let members_error = form_error(flash_for("group-members"), "group-members");
    let delete_error = form_error(flash_for("delete-group"), "delete-group");
    let may = |what| group.can.allows(what);
    let (may_add, may_remove, may_delete) =
        (may(EntityCapability::AddMember), may(EntityCapability::RemoveMember), may(EntityCapability::Delete));
    let can = group.can.clone();
    let permissions_flash = flash.clone().filter(|f| f.form == "permissions" || f.form == "inline-policy");
    let g = group.group;
    let page = group_page(&g.group_name);
    let empty = group.members.is_empty();
    let rows = group
        .members
        .into_iter()
        .map(|m| {
            let group_name = g.group_name.clone();
            view! {
                <tr>
                    <td><a href=user_page(&m)>{m.clone()}</a></td>
                    <td class="actions">
                        {may_remove.then(|| view! {
                        <ActionForm action=remove attr:class="inline">
                            <input type="hidden" name="group_name" value=group_name/>
                            <input type="hidden" name="user_name" value=m/>
                            <button type="submit" class="secondary">"Remove"</button>
                        </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let (for_add, for_delete) = (g.group_name.clone(), g.group_name.clone());
    view! {
        {note.map(|n| view! { <p class="once" role="status">{n}</p> })}
        <section class="card">
            <h2>"Summary"</h2>
            <dl class="facts">
                <dt>"ARN"</dt><dd><code data-testid="group-arn">{g.arn.clone()}</code></dd>
                <dt>"Group ID"</dt><dd><code>{g.group_id.clone()}</code></dd>
                <dt>"Path"</dt><dd><code>{g.path.clone()}</code></dd>
                <dt>"Created"</dt><dd>{g.created.clone()}</dd>
            </dl>
        </section>
        <section class="card narrow-form">
            <h2>"Users in this group"</h2>
            {if empty {
                view! { <p data-testid="group-members-empty">"No users in this group."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="group-members">
                        <thead><tr><th>"User name"</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            {may_add.then(|| view! {
            <FormAlert error=members_error/>
            <ActionForm action=add>
                <input type="hidden" name="group_name" value=for_add/>
                <TextField id="user_name" label="User name" field="userName" error=members_error value=typed_user
                    hint="A user may be in at most 10 groups."/>
                <button type="submit" class="secondary">"Add user"</button>
            </ActionForm>
            })}
        </section>
        <Permissions kind="group" name=g.group_name.clone() permissions can note=permissions_note flash=permissions_flash/>
        {may_delete.then(|| view! {
            <DangerDelete what="group" confirm=for_delete.clone() action=delete error=delete_error
                hidden=vec![("group_name".into(), for_delete.clone())] page=page.clone() open=confirm_delete
                summary="Deletes the group and its memberships."
                consequence="The group and its memberships are deleted; the users stay."/>
        })}
    }
}
