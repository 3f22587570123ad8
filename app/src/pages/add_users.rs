//! `/console/users/new`: Add users, as the AWS console's user creation goes. Step 1 names up to 10
//! users with a shared path, console access and an access key (`Create user` creates them at once);
//! `Next` goes on to permissions (`?step=permissions`), tags, a review, and `Create users`. Each
//! step is a form posting to `add_users_step`, which keeps the draft in the session and redirects
//! to the next step's page.

use super::add_users_review::{AddedUsers, Review};
use crate::api::{load_add_users, take_added_users, AddUsersStep, CancelAddUsers, CreateGroup};
use crate::components::{form_error, ConsolePage, FormAlert, PasswordInput, Place, TagEditor, TextField, Width, USERS};
use crate::dto::{AddUsersDraftDto, AddUsersDto, Flash, PermissionsMode};
use crate::error::AppError;
use lanyard_iam::domain::MAX_USERS_PER_BATCH;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The steps, in order, with the heading each shows.
const STEPS: [(&str, &str); 4] = [
    ("details", "Specify user details"),
    ("permissions", "Set permissions"),
    ("tags", "Add tags"),
    ("review", "Review and create"),
];

/// What a step's page loads: the draft and choices, or (after `Create users`) what was created.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Loaded {
    Step(Box<AddUsersDto>),
    Done(Vec<crate::dto::AddedUserDto>),
}

#[component]
pub fn AddUsersPage() -> impl IntoView {
    let query = use_query_map();
    let step = move || query.read().get("step").unwrap_or_else(|| "details".into());
    let action = ServerAction::<AddUsersStep>::new();
    let data = Resource::new_blocking(
        move || {
            let q = query.read();
            (step() == "done", q.get("copy_q"))
        },
        |(done, copy_q)| async move {
            match done {
                true => take_added_users().await.map(Loaded::Done),
                false => load_add_users(copy_q).await.map(|d| Loaded::Step(Box::new(d))),
            }
        },
    );
    let title = Signal::derive(move || match step().as_str() {
        "done" => "Users created".to_owned(),
        _ => "Add users".to_owned(),
    });
    view! {
        <ConsolePage title place=Place::Under(&[USERS]) width=Width::Narrow load=move || async move { data.await }
            render=move |signed, loaded| {
                let error = form_error(signed.flash.clone(), "add-users");
                match loaded {
                    Loaded::Done(users) => {
                        let mailed = query.read_untracked().get("mailed");
                        view! { <AddedUsers users mailed flash=signed.flash/> }.into_any()
                    }
                    Loaded::Step(d) => {
                        let q = query.read_untracked();
                        let search = Search { copy_q: q.get("copy_q"), policy_q: q.get("policy_q") };
                        view! { <Steps step=step() data=*d search action error flash=signed.flash/> }.into_any()
                    }
                }
            }/>
    }
}

/// The step indicator and the current step's form.
/// What the permissions step's lists were narrowed to.
#[derive(Clone, Default)]
struct Search {
    copy_q: Option<String>,
    policy_q: Option<String>,
}

#[component]
fn Steps(
    step: String,
    data: AddUsersDto,
    search: Search,
    action: ServerAction<AddUsersStep>,
    error: Signal<Option<AppError>>,
    flash: Option<Flash>,
) -> impl IntoView {
    let index = STEPS.iter().position(|(s, _)| *s == step).unwrap_or(0);
    let (step, heading) = STEPS[index];
    let progress = STEPS
        .iter()
        .enumerate()
        .map(|(i, (_, label))| {
            let current = (i == index).then_some("step");
            view! { <li aria-current=current>{format!("Step {}: {label}", i + 1)}</li> }
        })
        .collect_view();
    let draft = data.draft.clone();
    let data_groups_hidden = !data.may_create_group;
    let body = match step {
        "permissions" => view! { <PermissionsStep data search/> }.into_any(),
        "tags" => view! { <TagEditor initial=draft.tags.clone() error=error/> }.into_any(),
        "review" => view! { <Review draft=draft.clone() error/> }.into_any(),
        _ => view! { <DetailsStep draft=draft.clone() error/> }.into_any(),
    };
    let cancel = ServerAction::<CancelAddUsers>::new();
    let may_create_group = !data_groups_hidden && step == "permissions";
    let new_group = may_create_group.then(|| view! { <NewGroup flash=flash.clone()/> });
    view! {
        <ol class="steps" aria-label="Steps">{progress}</ol>
        <FormAlert error=error/>
        <ActionForm action=action attr:class="card" attr:aria-labelledby="step-heading">
            <h2 id="step-heading">{heading}</h2>
            <input type="hidden" name="step" value=step/>
            {body}
            <StepButtons step/>
        </ActionForm>
        {new_group}
        <ActionForm action=cancel attr:class="cancel-form">
            <button type="submit" class="secondary">"Cancel"</button>
        </ActionForm>
    }
}

/// `Next` first (Enter goes forward), then `Previous`; step 1 also has `Create user`, the review
/// `Create users`.
#[component]
fn StepButtons(step: &'static str) -> impl IntoView {
    let forward = match step {
        "review" => {
            view! { <button type="submit" name="go" value="create" class="primary">"Create users"</button> }.into_any()
        }
        "details" => view! {
            <button type="submit" name="go" value="next" class="primary">"Next"</button>
            <button type="submit" name="go" value="create" class="secondary">"Create user"</button>
        }
        .into_any(),
        _ => view! { <button type="submit" name="go" value="next" class="primary">"Next"</button> }.into_any(),
    };
    let back = (step != "details")
        .then(|| view! { <button type="submit" name="go" value="back" class="secondary">"Previous"</button> });
    view! { <div class="step-buttons">{forward}{back}</div> }
}

/// Step 1: the user names (`Add another user`), the shared path, console access and the key.
#[component]
fn DetailsStep(draft: AddUsersDraftDto, error: Signal<Option<AppError>>) -> impl IntoView {
    let rows = draft.user_names.len();
    let names = draft
        .user_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (id, label, field) = match i {
                0 => ("user_name".to_owned(), "User name".to_owned(), "userName".to_owned()),
                n => (format!("user_name_{n}"), format!("User name {}", n + 1), format!("userName.{n}")),
            };
            view! { <TextField id label field error value=Some(name.clone()) name=format!("user_names[{i}]")/> }
        })
        .collect_view();
    let custom = draft.custom_password;
    let password_hint = if draft.custom_password_typed {
        "A password was typed before; leave the field empty to keep it."
    } else {
        "At least as strict as the account's password policy."
    };
    view! {
        <fieldset class="plain">
            <legend>"Users"</legend>
            {names}
            {(rows < MAX_USERS_PER_BATCH).then(|| view! {
                <button type="submit" name="go" value="add-row" class="secondary small">"Add another user"</button>
            })}
            <p class="hint">"Up to 10 users at once; each name up to 64 letters, digits and _+=,.@- and unique in the account, ignoring case."</p>
        </fieldset>
        <TextField id="path" label="Path" field="path" error=error value=Some(draft.path.clone())
            hint="Organises users, e.g. /engineering/ops/ — starts and ends with /."/>
        <fieldset class="plain">
            <legend>"Console access"</legend>
            <label class="choice"><input type="checkbox" name="console_access" value="on" checked=draft.console_access/>" Provide user access to the console"</label>
            <label class="choice"><input type="radio" name="password_kind" value="autogenerated" checked=!custom/>" Autogenerated password"</label>
            <label class="choice"><input type="radio" name="password_kind" value="custom" checked=custom/>" Custom password"</label>
            <PasswordInput id="custom_password" name="custom_password" label="Custom password"
                autocomplete="new-password" field="password" error=error/>
            <p class="hint">{password_hint}</p>
            <label class="choice"><input type="checkbox" name="reset_required" value="on" checked=draft.reset_required/>" User must create a new password at next sign-in"</label>
        </fieldset>
        <fieldset class="plain">
            <legend>"Programmatic access"</legend>
            <label class="choice"><input type="checkbox" name="access_key" value="on" checked=draft.access_key/>" Create an access key"</label>
            <p class="hint">"Each user gets an access key for the AWS CLI, SDKs and tools; the secret is shown once, on the last page."</p>
        </fieldset>
    }
}

/// Step 2: one way to give permissions, as the AWS console offers them.
#[component]
fn PermissionsStep(data: AddUsersDto, search: Search) -> impl IntoView {
    let d = data.draft;
    // Chosen entries the search hides are carried along, so saving the step keeps them.
    let wanted = search.policy_q.clone().unwrap_or_default().trim().to_lowercase();
    let shown = |name: &str| name.to_lowercase().contains(&wanted);
    let kept_policies = d
        .policies
        .iter()
        .filter(|arn| !data.policies.iter().any(|(name, a)| a == *arn && shown(name)))
        .enumerate()
        .map(|(i, arn)| view! { <input type="hidden" name=format!("policies[{}]", 1000 + i) value=arn.clone()/> })
        .collect_view();
    let kept_copy = d
        .copy_from
        .clone()
        .filter(|c| !data.users.contains(c))
        .map(|c| view! {
            <li><input type="radio" id="copy-kept" name="copy_from" value=c.clone() checked=true/>" "<label for="copy-kept">{c.clone()}</label></li>
        });
    let mode = |m: PermissionsMode| d.mode == m;
    let groups = data
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let id = format!("group-{i}");
            let policies = if g.policies.is_empty() { "No policies".to_owned() } else { g.policies.join(", ") };
            let checked = d.groups.iter().any(|x| x.eq_ignore_ascii_case(&g.group_name));
            view! {
                <tr>
                    <td><input type="checkbox" id=id.clone() name=format!("groups[{i}]") value=g.group_name.clone() checked=checked/></td>
                    <td><label for=id>{g.group_name.clone()}</label></td>
                    <td>{policies}</td>
                </tr>
            }
        })
        .collect_view();
    let users = data
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let id = format!("copy-{i}");
            let checked = d.copy_from.as_deref() == Some(u.as_str());
            view! {
                <li><input type="radio" id=id.clone() name="copy_from" value=u.clone() checked=checked/>" "<label for=id>{u.clone()}</label></li>
            }
        })
        .collect_view();
    let policies = data
        .policies
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| shown(name))
        .map(|(i, (name, arn))| {
            let id = format!("policy-{i}");
            let checked = d.policies.contains(arn);
            view! {
                <li><input type="checkbox" id=id.clone() name=format!("policies[{i}]") value=arn.clone() checked=checked/>" "<label for=id>{name.clone()}</label></li>
            }
        })
        .collect_view();
    let no_groups = data.groups.is_empty();
    let boundaries = data
        .policies
        .iter()
        .map(|(name, arn)| {
            let selected = d.boundary.as_deref() == Some(arn.as_str());
            view! { <option value=arn.clone() selected=selected>{name.clone()}</option> }
        })
        .collect_view();
    view! {
        <fieldset class="plain">
            <legend>"Permissions options"</legend>
            <label class="choice"><input type="radio" name="permissions" value="groups" checked=mode(PermissionsMode::Groups)/>" Add user to group"</label>
            <label class="choice"><input type="radio" name="permissions" value="copy" checked=mode(PermissionsMode::Copy)/>" Copy permissions"</label>
            <label class="choice"><input type="radio" name="permissions" value="policies" checked=mode(PermissionsMode::Policies)/>" Attach policies directly"</label>
            <label class="choice"><input type="radio" name="permissions" value="none" checked=mode(PermissionsMode::None)/>" No permissions for now"</label>
        </fieldset>
        <section class="choices" aria-labelledby="groups-heading">
            <h3 id="groups-heading">"User groups"</h3>
            {if no_groups {
                view! { <p class="hint">"No groups yet. Create one under User groups."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="group-choices">
                        <thead><tr><th><span class="sr-only">"Add"</span></th><th>"Group name"</th><th>"Attached policies"</th></tr></thead>
                        <tbody>{groups}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <section class="choices" aria-labelledby="copy-heading">
            <h3 id="copy-heading">"Copy permissions from a user"</h3>
            <p class="hint">"Their groups, attached managed policies, inline policies and permissions boundary."</p>
            {search_row("copy_q", "Search users", search.copy_q.clone())}
            // The chosen user stays a choice (the radios exclude each other) when the search hides them.
            <ul class="choice-list">{kept_copy}{users}</ul>
        </section>
        <section class="choices" aria-labelledby="policies-heading">
            <h3 id="policies-heading">"Permissions policies"</h3>
            {search_row("policy_q", "Search policies", search.policy_q.clone())}
            <ul class="choice-list">{policies}</ul>
            {kept_policies}
        </section>
        <div class="field">
            <label for="boundary">"Permissions boundary"</label>
            <select id="boundary" name="boundary">
                <option value="" selected=d.boundary.is_none()>"None (copying a user takes theirs)"</option>
                {boundaries}
            </select>
            <p class="hint">"A managed policy that caps what the users' own policies can grant."</p>
        </div>
    }
}

/// A search field of the permissions step: its `Search` saves the step, then narrows the list.
fn search_row(id: &'static str, label: &'static str, value: Option<String>) -> impl IntoView {
    view! {
        <div class="search-row">
            <label for=id>{label}</label>
            <input id=id name=id type="search" value=value/>
            <button type="submit" name="go" value="search" class="secondary small">"Search"</button>
        </div>
    }
}

/// `Create group` beside the permissions step: the new group is created, chosen, and the step shown again.
#[component]
fn NewGroup(flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<CreateGroup>::new();
    let error = form_error(flash, "create-group");
    view! {
        <section class="card" aria-labelledby="new-group-heading">
            <h2 id="new-group-heading">"Create group"</h2>
            <FormAlert error=error/>
            <ActionForm action=action>
                <input type="hidden" name="then" value="add-users"/>
                <TextField id="group_name" label="Group name" field="groupName" error=error value=None
                    hint="Up to 128 letters, digits and _+=,.@- ; attach policies to it on its page."/>
                <button type="submit" class="secondary">"Create group"</button>
            </ActionForm>
        </section>
    }
}
