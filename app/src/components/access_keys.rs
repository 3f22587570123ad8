//! The access keys card on a user's page and on My security credentials: `Create access key`
//! (the secret shown once, with `Download .csv file`), the keys with status, age and last use,
//! `Deactivate` / `Activate`, and `Delete` behind a confirmation (`?keys=delete&key=…`).

use crate::api::{mfa_page, CreateAccessKey, DeleteAccessKey, SetAccessKeyStatus};
use crate::components::{form_error, CopyButton, FormAlert};
use crate::dto::{AccessKeyDto, Flash, NewAccessKeyDto};
use lanyard_iam::domain::MAX_ACCESS_KEYS;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Keys older than this are flagged for rotation (AWS's advice).
const ROTATE_AFTER_DAYS: i64 = 90;

fn owner_input(user_name: &Option<String>) -> impl IntoView {
    user_name.clone().map(|name| view! { <input type="hidden" name="user_name" value=name/> })
}

/// The `.csv` AWS's console offers, as a `data:` link (nothing is stored to serve it later).
fn csv_href(key: &NewAccessKeyDto) -> String {
    let csv = format!("Access key ID,Secret access key\n{},{}\n", key.access_key_id, key.secret_access_key);
    format!("data:text/csv;charset=utf-8,{}", crate::api::encode(&csv))
}

#[component]
pub fn AccessKeys(
    /// The user whose keys these are; `None` for the signed-in principal's own.
    user_name: Option<String>,
    keys: Vec<AccessKeyDto>,
    /// Just created: shown this once.
    new_key: Option<NewAccessKeyDto>,
    /// The signed-in root user looking at its own keys (AWS advises against them).
    root_self: bool,
    /// `?keys=delete&key=…` asks to confirm deleting that key.
    confirm_delete: Option<String>,
    /// `deleted` after a deletion.
    note: Option<String>,
    flash: Option<Flash>,
    /// The viewer may list but not change these keys: no buttons.
    #[prop(optional)]
    read_only: bool,
) -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let status = ServerAction::<SetAccessKeyStatus>::new();
    let error = form_error(flash.clone(), "access-keys");
    let page = mfa_page(&user_name);
    let full = keys.len() >= MAX_ACCESS_KEYS;
    let listing = confirm_delete.is_none() && !read_only;
    let shown_once = new_key.map(|k| {
        let href = csv_href(&k);
        let file = format!("{}_accessKeys.csv", k.access_key_id);
        view! {
            <div class="once" role="status">
                <p><strong>"Access key created."</strong>" This is the only time the secret access key can be viewed or downloaded. Store it safely now; a lost secret cannot be recovered, only replaced by a new key."</p>
                <dl class="facts">
                    <dt>"Access key ID"</dt>
                    <dd><code data-testid="access-key-id">{k.access_key_id.clone()}</code>" "<CopyButton value=k.access_key_id.clone()/></dd>
                    <dt>"Secret access key"</dt>
                    <dd><code data-testid="secret-access-key">{k.secret_access_key.clone()}</code>" "<CopyButton value=k.secret_access_key.clone()/></dd>
                </dl>
                <p><a href=href download=file>"Download .csv file"</a></p>
            </div>
        }
    });
    let rows = keys
        .into_iter()
        .map(|k| {
            let page = page.clone();
            let owner = owner_input(&user_name);
            let (id, for_delete) = (k.access_key_id.clone(), k.access_key_id.clone());
            let (next, label) = if k.status == "Active" { ("Inactive", "Deactivate") } else { ("Active", "Activate") };
            let old = (k.age_days > ROTATE_AFTER_DAYS).then(|| {
                view! { <p class="hint warn" data-testid="rotate-key">{format!("{} days old: rotate it (create a new key, switch to it, then deactivate and delete this one).", k.age_days)}</p> }
            });
            view! {
                <tr>
                    <td><code>{k.access_key_id.clone()}</code>{old}</td>
                    <td>{k.status.clone()}</td>
                    <td>{k.created}</td>
                    <td>{k.last_used}</td>
                    <td class="actions">
                        {listing.then(|| view! {
                            <ActionForm action=status attr:class="inline">
                                {owner}
                                <input type="hidden" name="access_key_id" value=id/>
                                <input type="hidden" name="status" value=next/>
                                <button type="submit" class="secondary">{label}</button>
                            </ActionForm>
                            <form method="get" action=format!("{page}#access-keys") class="inline">
                                <input type="hidden" name="keys" value="delete"/>
                                <input type="hidden" name="key" value=for_delete/>
                                <button type="submit" class="secondary">"Delete"</button>
                            </form>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let empty_note = (listing && !full).then(|| {
        let owner = owner_input(&user_name);
        view! {
            <ActionForm action=create>
                {owner}
                <button type="submit" class="secondary">"Create access key"</button>
            </ActionForm>
        }
    });
    let full_note = (listing && full).then(|| {
        view! { <p class="hint">"Two access keys is the maximum. To rotate, deactivate and delete one first."</p> }
    });
    view! {
        <section class="card" id="access-keys">
            <h2>"Access keys"</h2>
            <p class="hint">"Access keys sign requests to Lanyard's API (the aws CLI, SDKs). At most two, so one can replace the other."</p>
            {root_self.then(|| view! {
                <p class="alert alert-warn" data-testid="root-key-warning">"AWS advises against access keys for the root user: they can do anything in the account and cannot be limited. Create an IAM user with only the permissions it needs, and give that user keys instead."</p>
            })}
            {note.and_then(|n| match n.as_str() {
                "deleted" => Some("The access key has been deleted."),
                "inactive" => Some("The access key is now inactive: requests signed with it are refused."),
                "active" => Some("The access key is active again."),
                _ => None,
            }).map(|text| view! { <p class="once" role="status">{text}</p> })}
            {shown_once}
            <FormAlert error=error/>
            <table class="list" data-testid="access-keys">
                <thead><tr><th>"Access key ID"</th><th>"Status"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {confirm_delete.map(|key| view! { <DeleteKey user_name=user_name.clone() key flash/> })}
            {empty_note}
            {full_note}
        </section>
    }
}

#[component]
fn DeleteKey(user_name: Option<String>, key: String, flash: Option<Flash>) -> impl IntoView {
    let action = ServerAction::<DeleteAccessKey>::new();
    let error = form_error(flash, "access-keys");
    let page = mfa_page(&user_name);
    view! {
        <div class="confirm">
            <h3>{format!("Delete access key {key}?")}</h3>
            <p>"Requests signed with it stop working at once, and it cannot be restored. Deactivating it first shows whether anything still uses it."</p>
            <FormAlert error=error/>
            <ActionForm action=action>
                {owner_input(&user_name)}
                <input type="hidden" name="access_key_id" value=key/>
                <button type="submit" class="danger">"Delete"</button>
            </ActionForm>
            <p><a href=format!("{page}#access-keys")>"Cancel"</a></p>
        </div>
    }
}
