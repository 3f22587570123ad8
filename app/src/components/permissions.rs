//! The `Permissions` card of a user's or group's page: attached managed policies (`Detach`),
//! `Attach policy` from the managed ones, inline policies with their documents (`Delete`), and
//! `Create inline policy`. Only the controls the viewer may use are shown.

use crate::api::{policy_page, AttachPolicy, DeleteInlinePolicy, DetachPolicy, PutInlinePolicy};
use crate::components::{form_error, FormAlert, KeyWarnings, TextArea, TextField};
use crate::dto::{Can, EntityCapability, Flash, PermissionsDto};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn Permissions(
    /// `user` or `group`.
    #[prop(into)]
    kind: String,
    #[prop(into)] name: String,
    permissions: PermissionsDto,
    /// What the viewer may do to the user or group.
    can: Can<EntityCapability>,
    note: Option<String>,
    flash: Option<Flash>,
) -> impl IntoView {
    use EntityCapability as E;
    let may = |what| can.allows(what);
    if !may(E::ListPolicies) && !may(E::ListInline) {
        return ().into_any();
    }
    let (may_attach, may_detach, may_put, may_delete) =
        (may(E::Attach), may(E::Detach), may(E::PutInline), may(E::DeleteInline));
    let attach = ServerAction::<AttachPolicy>::new();
    let detach = ServerAction::<DetachPolicy>::new();
    let put = ServerAction::<PutInlinePolicy>::new();
    let delete = ServerAction::<DeleteInlinePolicy>::new();
    let flash_for = |form: &str| flash.clone().filter(|f| f.form == form);
    let inline_flash = flash_for("inline-policy");
    let (typed_name, typed_doc) = (
        inline_flash.as_ref().and_then(|x| x.value("policy_name")),
        inline_flash.as_ref().and_then(|x| x.value("policy_document")),
    );
    let attach_error = form_error(flash_for("permissions"), "permissions");
    let put_error = form_error(flash_for("inline-policy"), "inline-policy");
    let hidden = {
        let (kind, name) = (kind.clone(), name.clone());
        move || {
            view! {
                <input type="hidden" name="kind" value=kind.clone()/>
                <input type="hidden" name="name" value=name.clone()/>
            }
        }
    };
    let attached_rows = permissions
        .attached
        .iter()
        .map(|(policy, arn)| {
            let arn = arn.clone();
            let hidden = hidden.clone();
            view! {
                <tr>
                    <td><a href=policy_page(&arn)>{policy.clone()}</a></td>
                    <td>"Attached directly"</td>
                    <td class="actions">
                        {may_detach.then(|| view! {
                            <ActionForm action=detach attr:class="inline">
                                {hidden()}
                                <input type="hidden" name="policy_arn" value=arn.clone()/>
                                <button type="submit" class="secondary">"Detach"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let inline_rows = permissions
        .inline
        .iter()
        .map(|(policy, document)| {
            let hidden = hidden.clone();
            let policy = policy.clone();
            view! {
                <tr>
                    <td>{policy.clone()}</td>
                    <td><pre class="policy-document">{document.clone()}</pre></td>
                    <td class="actions">
                        {may_delete.then(|| view! {
                            <ActionForm action=delete attr:class="inline">
                                {hidden()}
                                <input type="hidden" name="policy_name" value=policy.clone()/>
                                <button type="submit" class="secondary">"Delete"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let options = permissions
        .attachable
        .iter()
        .map(|(policy, arn)| view! { <option value=arn.clone()>{policy.clone()}</option> })
        .collect_view();
    let can_attach_any = may_attach && !permissions.attachable.is_empty();
    let no_policies = permissions.attached.is_empty() && permissions.inline.is_empty();
    view! {
        <section class="card narrow-form" id="permissions">
            <h2>"Permissions policies"</h2>
            {note.map(|n| view! { <p class="once" role="status">{n}</p> })}
            {no_policies.then(|| view! { <p data-testid="no-policies">"No policies. Without one, nothing is allowed."</p> })}
            {(!permissions.attached.is_empty()).then(|| view! {
                <table class="list" data-testid="attached-policies">
                    <thead><tr><th>"Policy name"</th><th>"Attached"</th><th></th></tr></thead>
                    <tbody>{attached_rows}</tbody>
                </table>
            })}
            <KeyWarnings warnings=permissions.warnings.clone()/>
            {(!permissions.inline.is_empty()).then(|| view! {
                <table class="list" data-testid="inline-policies">
                    <thead><tr><th>"Inline policy"</th><th>"Document"</th><th></th></tr></thead>
                    <tbody>{inline_rows}</tbody>
                </table>
            })}
            {can_attach_any.then({ let hidden = hidden.clone(); move || view! {
                <FormAlert error=attach_error/>
                <ActionForm action=attach>
                    {hidden()}
                    <div class="field">
                        <label for="policy_arn">"Policy"</label>
                        // Nothing preselected: an administrator must choose (AdministratorAccess,
                        // first in the list, used to be attached by a hurried click).
                        <select id="policy_arn" name="policy_arn" required>
                            <option value="" selected disabled>"Choose a policy"</option>
                            {options}
                        </select>
                    </div>
                    <button type="submit" class="secondary">"Attach policy"</button>
                </ActionForm>
            }})}
            {may_put.then(|| view! {
                <details open=put_error.get_untracked().is_some()>
                    <summary>"Create inline policy"</summary>
                    <FormAlert error=put_error/>
                    <ActionForm action=put>
                        {hidden()}
                        <TextField id="policy_name" label="Policy name" field="policyName" error=put_error
                            value=typed_name/>
                        <TextArea id="policy_document" label="Policy document" field="policyDocument" error=put_error
                            value=typed_doc hint="JSON, as IAM writes it: Version, Statement with Effect, Action, Resource."/>
                        <button type="submit" class="secondary">"Create inline policy"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
    .into_any()
}

/// What the address says just happened to the card (`?attached=…` and friends).
pub fn permissions_note(q: &leptos_router::params::ParamsMap) -> Option<String> {
    q.get("attached")
        .map(|p| format!("{p} has been attached."))
        .or_else(|| q.get("detached").map(|p| format!("{p} has been detached.")))
        .or_else(|| q.get("inline").map(|p| format!("The inline policy {p} has been saved.")))
        .or_else(|| q.get("inline-deleted").map(|p| format!("The inline policy {p} has been deleted.")))
}
