//! `/console/policies` (managed policies, AWS's and the account's, and `Create policy`) and
//! `/console/policies/view?arn=…` (one policy: its document, versions, what it is attached to,
//! `Save changes` as a new default version, and `Delete policy` confirmed by name).

use crate::api::{
    group_page, load_policies, load_policy, policy_page, user_page, CreatePolicy, DeletePolicy, DeletePolicyVersion,
    EditPolicy, SetDefaultPolicyVersion,
};
use crate::components::{
    form_error, ConsolePage, DangerDelete, FormAlert, KeyWarnings, Place, TextArea, TextField, POLICIES,
};
use crate::dto::{ConsoleCapability, Flash, PolicyCapability, PolicyDetailDto, PolicyDto};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let query = use_query_map();
    let policies = Resource::new_blocking(|| (), |_| load_policies());
    view! {
        <ConsolePage title="Policies" load=move || async move { policies.await }
            render=move |signed, policies| {
                let deleted = query.read_untracked().get("deleted").is_some();
                let can = &signed.principal.can;
                let (may_create, may_simulate) =
                    (can.allows(ConsoleCapability::CreatePolicy), can.allows(ConsoleCapability::Simulate));
                view! { <PolicyList policies deleted may_create may_simulate flash=signed.flash/> }
            }/>
    }
}

#[component]
fn PolicyList(
    policies: Vec<PolicyDto>,
    deleted: bool,
    may_create: bool,
    may_simulate: bool,
    flash: Option<Flash>,
) -> impl IntoView {
    let action = ServerAction::<CreatePolicy>::new();
    let typed = |f: &str| flash.as_ref().filter(|x| x.form == "create-policy").and_then(|x| x.value(f));
    let (name, path, description, document) =
        (typed("policy_name"), typed("path"), typed("description"), typed("policy_document"));
    let error = form_error(flash, "create-policy");
    let rows = policies
        .into_iter()
        .map(|p| {
            view! {
                <tr>
                    <td><a href=policy_page(&p.arn)>{p.policy_name.clone()}</a></td>
                    <td>{if p.aws_managed { "AWS managed" } else { "Customer managed" }}</td>
                    <td>{p.attachment_count}</td>
                    <td>{p.description}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {deleted.then(|| view! { <p class="once" role="status">"The policy has been deleted."</p> })}
        {may_simulate.then(|| view! { <p><a href="/console/policies/simulate">"Policy simulator"</a></p> })}
        <section class="card">
            <table class="list" data-testid="policies">
                <thead><tr><th>"Policy name"</th><th>"Type"</th><th>"Attached entities"</th><th>"Description"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        {may_create.then(|| view! {
            <section class="card narrow-form">
                <h2>"Create policy"</h2>
                <FormAlert error=error/>
                <ActionForm action=action>
                    <TextField id="policy_name" label="Policy name" field="policyName" error=error value=name
                        hint="Up to 128 letters, digits and _+=,.@- ; unique in the account, ignoring case."/>
                    <TextField id="path" label="Path" field="path" error=error value=Some(path.unwrap_or_else(|| "/".into()))/>
                    <TextField id="description" label="Description" field="description" error=error value=description/>
                    <TextArea id="policy_document" label="Policy document" field="policyDocument" error=error value=document
                        hint="JSON, as IAM writes it: Version, Statement with Effect, Action, Resource."/>
                    <button type="submit" class="primary">"Create policy"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let query = use_query_map();
    let arn = move || query.read().get("arn").unwrap_or_default();
    let policy = Resource::new_blocking(arn, load_policy);
    // The policy's name is the ARN's last segment, known before the policy loads.
    let name = Signal::derive(move || arn().rsplit('/').next().unwrap_or_default().to_owned());
    view! {
        <ConsolePage title=name place=Place::Under(&[POLICIES]) load=move || async move { policy.await }
            render=move |signed, policy| {
                let q = query.read_untracked();
                let note = q.get("saved").map(|v| format!("Saved as version {v}, now the default."))
                    .or_else(|| q.get("default").map(|v| format!("Version {v} is now the default.")))
                    .or_else(|| q.get("removed").map(|v| format!("Version {v} has been deleted.")));
                view! { <PolicyDetail policy confirm_delete=q.get("delete").is_some() note flash=signed.flash/> }
            }/>
    }
}

#[component]
fn PolicyDetail(
    policy: PolicyDetailDto,
    confirm_delete: bool,
    note: Option<String>,
    flash: Option<Flash>,
) -> impl IntoView {
    let edit = ServerAction::<EditPolicy>::new();
    let set_default = ServerAction::<SetDefaultPolicyVersion>::new();
    let remove_version = ServerAction::<DeletePolicyVersion>::new();
    let delete = ServerAction::<DeletePolicy>::new();
    let flash_for = |form: &str| flash.clone().filter(|f| f.form == form);
    let typed_document = flash_for("edit-policy").and_then(|f| f.value("policy_document"));
    let edit_error = form_error(flash_for("edit-policy"), "edit-policy");
    let versions_error = form_error(flash_for("policy-versions"), "policy-versions");
    let delete_error = form_error(flash_for("delete-policy"), "delete-policy");
    let (may_edit, may_delete) =
        (policy.can.allows(PolicyCapability::Edit), policy.can.allows(PolicyCapability::Delete));
    let warnings = policy.warnings.clone();
    let p = policy.policy;
    let arn = p.arn.clone();
    let page = policy_page(&arn);
    // Pretty-printed by the server.
    let default_doc = policy.versions.iter().find(|v| v.is_default).map(|v| v.document.clone()).unwrap_or_default();
    let pretty = default_doc;
    let version_rows = policy
        .versions
        .iter()
        .map(|v| {
            let (arn1, arn2) = (arn.clone(), arn.clone());
            let (id1, id2) = (v.version_id.clone(), v.version_id.clone());
            let default = v.is_default;
            view! {
                <tr>
                    <td>{v.version_id.clone()}{default.then_some(" (default)")}</td>
                    <td>{v.created.clone()}</td>
                    <td class="actions">
                        {(may_edit && !default).then(|| view! {
                            <ActionForm action=set_default attr:class="inline">
                                <input type="hidden" name="arn" value=arn1/>
                                <input type="hidden" name="version_id" value=id1/>
                                <button type="submit" class="secondary">"Set as default"</button>
                            </ActionForm>
                            <ActionForm action=remove_version attr:class="inline">
                                <input type="hidden" name="arn" value=arn2/>
                                <input type="hidden" name="version_id" value=id2/>
                                <button type="submit" class="secondary">"Delete version"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let attached_rows = policy
        .attached_to
        .iter()
        .map(|(kind, name)| {
            let href = if kind == "group" { group_page(name) } else { user_page(name) };
            view! { <tr><td><a href=href>{name.clone()}</a></td><td>{if kind == "group" { "Group" } else { "User" }}</td></tr> }
        })
        .collect_view();
    let not_attached = policy.attached_to.is_empty();
    let (for_edit, for_delete) = (arn.clone(), arn.clone());
    view! {
        {note.map(|n| view! { <p class="once" role="status">{n}</p> })}
        <section class="card">
            <h2>"Summary"</h2>
            <dl class="facts">
                <dt>"ARN"</dt><dd><code data-testid="policy-arn">{p.arn.clone()}</code></dd>
                <dt>"Type"</dt><dd>{if p.aws_managed { "AWS managed" } else { "Customer managed" }}</dd>
                <dt>"Description"</dt><dd>{p.description.clone()}</dd>
                <dt>"Default version"</dt><dd>{p.default_version_id.clone()}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>"Policy document"</h2>
            <KeyWarnings warnings/>
            <pre class="policy-document" data-testid="policy-document">{pretty.clone()}</pre>
        </section>
        {may_edit.then(|| view! {
            <section class="card narrow-form">
                <h2>"Edit policy"</h2>
                <FormAlert error=edit_error/>
                <ActionForm action=edit>
                    <input type="hidden" name="arn" value=for_edit/>
                    <TextArea id="policy_document" label="Policy document" field="policyDocument" error=edit_error
                        value=Some(typed_document.unwrap_or(pretty)) hint="Saved as a new version and made the default; at most 5 versions are kept."/>
                    <button type="submit" class="primary">"Save changes"</button>
                </ActionForm>
            </section>
        })}
        <section class="card">
            <h2>"Policy versions"</h2>
            <FormAlert error=versions_error/>
            <table class="list" data-testid="policy-versions">
                <thead><tr><th>"Version"</th><th>"Created"</th><th></th></tr></thead>
                <tbody>{version_rows}</tbody>
            </table>
        </section>
        <section class="card">
            <h2>"Entities attached"</h2>
            {if not_attached {
                view! { <p data-testid="policy-unattached">"Not attached to any user or group."</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="policy-attachments">
                        <thead><tr><th>"Name"</th><th>"Type"</th></tr></thead>
                        <tbody>{attached_rows}</tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        {may_delete.then(|| view! {
            <DangerDelete what="policy" confirm=p.policy_name.clone() action=delete error=delete_error
                hidden=vec![("arn".into(), for_delete.clone())] page=page.clone() page_query=vec![("arn", for_delete.clone())]
                open=confirm_delete summary="Detaches the policy everywhere and deletes it."
                consequence="The policy is detached from every user and group, then deleted with all its versions."/>
        })}
    }
}
