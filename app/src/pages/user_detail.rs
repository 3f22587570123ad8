//! `/console/users/<user-name>`: one user's identifiers and credential summary, tags, the sign-in
//! lock, the user's groups, rename/move (IAM's UpdateUser: the UserId stays) and `Delete user` (confirmed by typing
//! the name; `?delete` shows the confirmation, so it works without JavaScript).

use crate::api::{
    load_access_keys, load_mfa_devices, load_other_credentials, load_permissions, load_user, load_user_groups,
    load_user_password_rules, start_mfa_enrolment, take_generated_password, take_new_access_key, typed_tags,
    ClearSignInLock, DeleteUser, DisableConsoleAccess, SetConsoleAccess, UpdateUser, UpdateUserTags,
};
use crate::components::{
    credential_notes, form_error, permissions_note, AccessKeys, Boundary, Checklist, ConsolePage, CopyButton,
    CredentialControls, DangerDelete, FormAlert, MfaDevices, MfaStep, OtherCredentialCards, PasswordInput, Permissions,
    Place, TagEditor, TextField, USERS,
};
use crate::dto::{
    AccessKeyDto, EntityCapability, Flash, GroupDto, MfaDeviceDto, MfaEnrolmentDto, NewAccessKeyDto,
    OtherCredentialsDto, PermissionsDto, UserDetailDto,
};
use crate::error::AppError;
use lanyard_iam::domain::PasswordRule;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/console/users/<user-name>`.
#[component]
pub fn UserDetailPage() -> impl IntoView {
    let params = use_params_map();
    view! { <UserPage name=Signal::derive(move || params.read().get("name").unwrap_or_default())/> }
}

/// The page of a user literally named `new` (see `api::user_page`).
#[component]
pub fn NamedNewUserPage() -> impl IntoView {
    view! { <UserPage name=Signal::derive(|| "new".to_owned())/> }
}

#[component]
fn UserPage(name: Signal<String>) -> impl IntoView {
    let query = use_query_map();
    let user = Resource::new_blocking(move || name.get(), load_user);
    let generated = Resource::new_blocking(move || name.get(), take_generated_password);
    let rules = Resource::new_blocking(|| (), |_| load_user_password_rules());
    let devices = Resource::new_blocking(move || Some(name.get()), load_mfa_devices);
    let assign = move || query.read().get("mfa").as_deref() == Some("assign");
    let enrolment = Resource::new_blocking(move || (Some(name.get()), assign()), |(n, a)| start_mfa_enrolment(n, a));
    let keys = Resource::new_blocking(move || Some(name.get()), load_access_keys);
    let groups = Resource::new_blocking(move || name.get(), load_user_groups);
    let new_key = Resource::new_blocking(move || Some(name.get()), take_new_access_key);
    let others = Resource::new_blocking(move || Some(name.get()), load_other_credentials);
    let permissions = Resource::new_blocking(move || name.get(), |n| load_permissions("user".into(), n));
    // Cards the viewer may not list are left out; any other failure fails the page.
    let load = move || async move {
        let keys = match (keys.await, new_key.await) {
            (Ok(keys), Ok(new_key)) => Some((keys, new_key)),
            (Err(e), _) | (_, Err(e)) => e.unless_denied()?,
        };
        let mfa = match (devices.await, enrolment.await) {
            (Ok(devices), Ok(enrolment)) => Some((devices, enrolment)),
            (Err(e), _) | (_, Err(e)) => e.unless_denied()?,
        };
        Ok(UserPageData {
            user: user.await?,
            // A session store that cannot be read fails the page: the password stays kept.
            generated: generated.await?,
            rules: rules.await.unwrap_or_default(),
            keys,
            mfa,
            others: others.await.map(Some).or_else(AppError::unless_denied)?.unwrap_or_default(),
            groups: groups.await.map(Some).or_else(AppError::unless_denied)?,
            permissions: permissions.await.map(Some).or_else(AppError::unless_denied)?.unwrap_or_default(),
        })
    };
    view! {
        <ConsolePage title=name place=Place::Under(&[USERS]) load render=move |signed, data: UserPageData| {
            let q = query.read_untracked();
            let keys = data.keys.map(|(keys, new_key)| KeysCard {
                keys,
                new_key,
                query: KeysQuery {
                    confirm_delete: (q.get("keys").as_deref() == Some("delete")).then(|| q.get("key")).flatten(),
                    note: q.get("keys"),
                },
            });
            let mfa = data.mfa.map(|(devices, enrolment)| MfaCard {
                devices,
                enrolment,
                step: MfaStep::from_query(q.get("mfa"), q.get("device")),
                note: q.get("mfa"),
            });
            view! {
                <UserDetail user=data.user flash=signed.flash confirm_delete=q.get("delete").is_some()
                    manage_console=q.get("console").as_deref() == Some("manage") generated=data.generated
                    rules=data.rules mfa keys others=data.others notes=credential_notes(&q) groups=data.groups
                    permissions=data.permissions
                    permissions_note=permissions_note(&q)
                    events=signed.principal.can.allows(crate::dto::ConsoleCapability::Events)/>
            }
        }/>
    }
}

/// Everything a user's page loads, the cards the viewer may not list left out (`None`).
struct UserPageData {
    user: UserDetailDto,
    generated: Option<String>,
    rules: Vec<PasswordRule>,
    keys: Option<(Vec<AccessKeyDto>, Option<NewAccessKeyDto>)>,
    mfa: Option<(Vec<MfaDeviceDto>, Option<MfaEnrolmentDto>)>,
    others: OtherCredentialsDto,
    groups: Option<Vec<GroupDto>>,
    permissions: PermissionsDto,
}

/// What the address asks of the access keys card.
pub(crate) struct KeysQuery {
    pub confirm_delete: Option<String>,
    pub note: Option<String>,
}

/// What the access keys card of a user's page needs, loaded with the page.
struct KeysCard {
    keys: Vec<AccessKeyDto>,
    new_key: Option<NewAccessKeyDto>,
    query: KeysQuery,
}

/// What the MFA card of a user's page needs, loaded with the page.
struct MfaCard {
    devices: Vec<MfaDeviceDto>,
    enrolment: Option<MfaEnrolmentDto>,
    step: MfaStep,
    note: Option<String>,
}

#[component]
fn UserDetail(
    user: UserDetailDto,
    flash: Option<Flash>,
    confirm_delete: bool,
    manage_console: bool,
    generated: Option<String>,
    rules: Vec<PasswordRule>,
    mfa: Option<MfaCard>,
    keys: Option<KeysCard>,
    others: OtherCredentialsDto,
    notes: [Option<String>; 3],
    groups: Option<Vec<GroupDto>>,
    permissions: PermissionsDto,
    permissions_note: Option<String>,
    /// Whether the viewer may read the event history (the summary then links to it).
    events: bool,
) -> impl IntoView {
    use EntityCapability as E;
    let may = |what| user.can.allows(what);
    let can = user.can.clone();
    let permissions_flash = flash.clone().filter(|f| f.form == "permissions" || f.form == "inline-policy");
    // Any managed policy can be a boundary: the attached ones and those that could be attached.
    let boundary_choices: Vec<(String, String)> =
        permissions.attached.iter().chain(permissions.attachable.iter()).cloned().collect();
    let flash_for = |form: &str| flash.clone().filter(|f| f.form == form);
    let mfa_flash = flash.clone().filter(|f| f.form.starts_with("mfa-"));
    let keys_flash = flash_for("access-keys");
    view! {
        <Summary user=user.clone() events/>
        {may(E::ConsoleAccess).then(|| view! {
            <ConsoleAccess user_name=user.user_name.clone() enabled=user.console_access open=manage_console
                generated rules flash=flash_for("console-access")/>
        })}
        {mfa.map(|mfa| view! {
            <MfaDevices user_name=Some(user.user_name.clone()) devices=mfa.devices step=mfa.step
                enrolment=mfa.enrolment note=mfa.note flash=mfa_flash read_only=!may(E::ChangeMfa)/>
        })}
        {keys.map(|keys| view! {
            <AccessKeys user_name=Some(user.user_name.clone()) keys=keys.keys new_key=keys.new_key root_self=false
                confirm_delete=keys.query.confirm_delete note=keys.query.note flash=keys_flash read_only=!may(E::ChangeKeys)/>
        })}
        <OtherCredentialCards user_name=Some(user.user_name.clone()) data=others notes flash=flash.clone()
            controls=CredentialControls {
                ssh_keys: may(E::ChangeSshKeys),
                certificates: may(E::ChangeCertificates),
                service_credentials: may(E::ChangeServiceCredentials),
            }/>
        {groups.map(|groups| view! { <UserGroups groups/> })}
        {(may(E::ListPolicies) || user.permissions_boundary.is_some()).then(|| view! {
            <Boundary user_name=user.user_name.clone() boundary=user.permissions_boundary.clone()
                policies=boundary_choices.clone() may_set=may(E::SetBoundary) may_remove=may(E::RemoveBoundary)
                flash=flash_for("permissions-boundary")/>
        })}
        <Permissions kind="user" name=user.user_name.clone() permissions can note=permissions_note flash=permissions_flash/>
        {may(E::Unlock).then(|| view! {
            <SignInLock user_name=user.user_name.clone() lock=user.sign_in_lock.clone() flash=flash_for("sign-in-lock")/>
        })}
        {may(E::Tag).then(|| view! { <Tags user_name=user.user_name.clone() tags=user.tags.clone() flash=flash_for("user-tags")/> })}
        {may(E::Update).then(|| view! { <RenameMove user=user.clone() flash=flash_for("update-user")/> })}
        {may(E::Delete).then(|| view! {
            <Delete user_name=user.user_name.clone() confirm=confirm_delete flash=flash_for("delete-user")/>
        })}
    }
}

#[component]
fn Summary(user: UserDetailDto, events: bool) -> impl IntoView {
    let activity = events.then(|| {
        let name = crate::api::encode(&user.user_name);
        let (about, by) = (format!("/console/events?resource={name}"), format!("/console/events?user={name}"));
        view! {
            <dt>"Activity"</dt>
            <dd><a href=about data-testid="events-about-user">"Events about this user"</a>" · "<a href=by>"Events by this user"</a></dd>
        }
    });
    view! {
        <section class="card">
            <h2>"Summary"</h2>
            <dl class="facts">
                <dt>"ARN"</dt><dd><code data-testid="user-arn">{user.arn}</code></dd>
                <dt>"User ID"</dt><dd><code data-testid="user-id">{user.user_id}</code></dd>
                <dt>"Path"</dt><dd><code>{user.path}</code></dd>
                <dt>"Created"</dt><dd>{user.created}</dd>
                <dt>"Console access"</dt><dd>{if user.console_access { "Enabled" } else { "Disabled" }}</dd>
                <dt>"Console password last used"</dt><dd>{user.password_last_used}</dd>
                {activity}
            </dl>
        </section>
    }
}

/// `Manage console access`: the form opens at `?console=manage` (a GET, so no script is needed).
#[component]
fn ConsoleAccess(
    user_name: String,
    enabled: bool,
    open: bool,
    generated: Option<String>,
    rules: Vec<PasswordRule>,
    flash: Option<Flash>,
) -> impl IntoView {
    let apply = ServerAction::<SetConsoleAccess>::new();
    let disable = ServerAction::<DisableConsoleAccess>::new();
    let open = open || flash.is_some();
    let error = form_error(flash, "console-access");
    let page = crate::api::user_page(&user_name);
    let who = user_name.clone();
    let (for_rules, for_disable) = (user_name.clone(), user_name.clone());
    let shown_once = generated.map(move |password| {
        view! {
            <div class="once" role="status">
                <p>"Console password for " <strong>{who}</strong> " — shown only this once:"</p>
                <p><code data-testid="generated-password">{password.clone()}</code>" "<CopyButton value=password/></p>
            </div>
        }
    });
    view! {
        <section class="card narrow-form" id="console-access">
            <h2>"Console access"</h2>
            {shown_once}
            <p data-testid="console-access">{if enabled { "Enabled: the user can sign in to the console with a password." } else { "Disabled: the user cannot sign in to the console." }}</p>
            {if open {
                view! {
                    <FormAlert error=error/>
                    <ActionForm action=apply>
                        <input type="hidden" name="user_name" value=user_name.clone()/>
                        <fieldset class="plain">
                            <legend>"Console password"</legend>
                            <label class="choice"><input type="radio" name="password_kind" value="autogenerated" checked=true/>" Autogenerated password"</label>
                            <label class="choice"><input type="radio" name="password_kind" value="custom"/>" Custom password"</label>
                        </fieldset>
                        <PasswordInput id="custom_password" name="custom_password" label="Custom password"
                            autocomplete="new-password" field="password" error=error
                            checklist=Checklist { rules, identities: vec![for_rules] }/>
                        <label class="choice"><input type="checkbox" name="reset_required" value="on" checked=true/>" User must create a new password at next sign-in"</label>
                        <button type="submit" class="primary">"Apply"</button>
                    </ActionForm>
                    {enabled.then(|| view! {
                        <ActionForm action=disable attr:class="inline">
                            <input type="hidden" name="user_name" value=for_disable/>
                            <button type="submit" class="secondary">"Disable console access"</button>
                        </ActionForm>
                    })}
                    <p><a href=page.clone()>"Cancel"</a></p>
                }
                .into_any()
            } else {
                view! {
                    <form method="get" action=format!("{page}#console-access")>
                        <input type="hidden" name="console" value="manage"/>
                        <button type="submit" class="secondary">"Manage console access"</button>
                    </form>
                }
                .into_any()
            }}
        </section>
    }
}

/// The groups the user is in (IAM's ListGroupsForUser); membership is managed on a group's page.
#[component]
fn UserGroups(groups: Vec<GroupDto>) -> impl IntoView {
    let empty = groups.is_empty();
    let items = groups
        .into_iter()
        .map(|g| view! { <li><a href=crate::api::group_page(&g.group_name)>{g.group_name.clone()}</a>" "<code>{g.path}</code></li> })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Groups"</h2>
            {if empty {
                view! { <p data-testid="user-groups">"Not in any group."</p> }.into_any()
            } else {
                view! { <ul data-testid="user-groups">{items}</ul> }.into_any()
            }}
            <p class="hint">"Add the user to a group on the group's page ("<a href="/console/groups">"Groups"</a>")."</p>
        </section>
    }
}

#[component]
fn SignInLock(user_name: String, lock: Option<String>, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<ClearSignInLock>::new();
    let error = form_error(flash, "sign-in-lock");
    view! {
        <section class="card">
            <h2>"Sign-in lock"</h2>
            <FormAlert error=error/>
            {match lock {
                None => view! { <p class="lock-state" data-testid="sign-in-lock">"No failed sign-ins."</p> }.into_any(),
                Some(state) => view! {
                    <p class="lock-state" data-testid="sign-in-lock">{state}</p>
                    <ActionForm action=action>
                        <input type="hidden" name="user_name" value=user_name/>
                        <button type="submit" class="secondary">"Clear sign-in lock"</button>
                    </ActionForm>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn Tags(user_name: String, tags: Vec<(String, String)>, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<UpdateUserTags>::new();
    // After a failed plain post, the rows as typed; otherwise the saved tags.
    let initial = flash.as_ref().map(|f| typed_tags(&f.values)).unwrap_or_else(|| tags.clone());
    let error = form_error(flash, "user-tags");
    let rows = tags.iter().map(|(k, v)| view! { <tr><td>{k.clone()}</td><td>{v.clone()}</td></tr> }).collect_view();
    view! {
        <section class="card narrow-form">
            <h2>{format!("Tags ({})", tags.len())}</h2>
            {if tags.is_empty() {
                view! { <p class="hint">"No tags."</p> }.into_any()
            } else {
                view! {
                    <table class="tags-table" data-testid="user-tags">
                        <thead><tr><th scope="col">"Key"</th><th scope="col">"Value"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            <FormAlert error=error/>
            <ActionForm action=action>
                <input type="hidden" name="user_name" value=user_name/>
                <TagEditor initial=initial error=error/>
                <button type="submit" class="secondary">"Save tags"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn RenameMove(user: UserDetailDto, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<UpdateUser>::new();
    let typed = |f: &str| flash.as_ref().and_then(|x| x.value(f));
    let new_name = typed("new_user_name").unwrap_or_else(|| user.user_name.clone());
    let new_path = typed("new_path").unwrap_or_else(|| user.path.clone());
    let error = form_error(flash, "update-user");
    view! {
        <section class="card narrow-form">
            <h2>"Rename or move"</h2>
            <FormAlert error=error/>
            <ActionForm action=action>
                <input type="hidden" name="user_name" value=user.user_name.clone()/>
                <TextField id="new_user_name" label="New user name" field="newUserName" error=error value=Some(new_name)/>
                <TextField id="new_path" label="New path" field="newPath" error=error value=Some(new_path)/>
                <button type="submit" class="secondary">"Save changes"</button>
            </ActionForm>
        </section>
    }
}

/// `Delete user`: the user with their console password, tags and everything else they own.
#[component]
fn Delete(user_name: String, confirm: bool, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<DeleteUser>::new();
    let error = form_error(flash, "delete-user");
    view! {
        <DangerDelete what="user" confirm=user_name.clone() action error hidden=vec![("user_name".into(), user_name.clone())]
            page=crate::api::user_page(&user_name) open=confirm
            summary="Removes the user and everything the user owns."
            consequence="Deleting the user also removes the console password, tags and every other credential of the user. This cannot be undone."/>
    }
}
