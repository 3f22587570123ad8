//! The cards for SSH public keys, HTTPS git (service-specific) credentials and X.509 signing
//! certificates, on a user's page and on My security credentials: upload or generate, the list
//! with `Activate` / `Deactivate` and `Delete` (one form for all three kinds), and a new service
//! password shown once.

use crate::api::{
    DeleteCredential, IssueServicePassword, SetCredentialStatus, UploadSigningCertificate, UploadSshPublicKey,
};
use crate::components::{form_error, CopyButton, FormAlert, TextArea};
use crate::dto::{CredentialKind, CredentialRowDto, Flash, NewServicePasswordDto};
use lanyard_iam::domain::{
    CredentialService, MAX_SERVICE_CREDENTIALS_PER_SERVICE, MAX_SIGNING_CERTIFICATES, MAX_SSH_PUBLIC_KEYS,
};
use leptos::form::ActionForm;
use leptos::prelude::*;

fn owner_input(user_name: &Option<String>) -> impl IntoView {
    user_name.clone().map(|name| view! { <input type="hidden" name="user_name" value=name/> })
}

fn note_text(kind: CredentialKind, note: Option<String>) -> Option<&'static str> {
    match (kind, note?.as_str()) {
        (CredentialKind::SshKey, "uploaded") => Some("The SSH public key has been uploaded."),
        (CredentialKind::Certificate, "uploaded") => Some("The signing certificate has been uploaded."),
        (_, "deleted") => Some("Deleted."),
        (_, "inactive") => Some("Now inactive: it is refused from the next use on."),
        (_, "active") => Some("Active again."),
        _ => None,
    }
}

/// The rows of any of the three cards, each with its status and delete buttons.
#[component]
fn CredentialRows(
    user_name: Option<String>,
    rows: Vec<CredentialRowDto>,
    read_only: bool,
    heading: &'static str,
) -> impl IntoView {
    let status = ServerAction::<SetCredentialStatus>::new();
    let delete = ServerAction::<DeleteCredential>::new();
    let body = rows
        .into_iter()
        .map(|r| {
            let (next, label) = if r.status == "Active" { ("Inactive", "Deactivate") } else { ("Active", "Activate") };
            let kind = r.kind.form_value();
            let buttons = (!read_only).then(|| {
                let (owner_a, owner_b) = (owner_input(&user_name), owner_input(&user_name));
                let (id_a, id_b) = (r.id.clone(), r.id.clone());
                view! {
                    <ActionForm action=status attr:class="inline">
                        {owner_a}
                        <input type="hidden" name="credential_kind" value=kind/>
                        <input type="hidden" name="id" value=id_a/>
                        <input type="hidden" name="status" value=next/>
                        <button type="submit" class="secondary">{label}</button>
                    </ActionForm>
                    <ActionForm action=delete attr:class="inline">
                        {owner_b}
                        <input type="hidden" name="credential_kind" value=kind/>
                        <input type="hidden" name="id" value=id_b/>
                        <button type="submit" class="secondary">"Delete"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td><code>{r.id.clone()}</code></td>
                    <td><code data-testid="credential-label">{r.label.clone()}</code><br/><span class="hint">{r.detail.clone()}</span></td>
                    <td>{r.status.clone()}</td>
                    <td>{r.created.clone()}</td>
                    <td class="actions">{buttons}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="list">
            <thead><tr><th>"ID"</th><th>{heading}</th><th>"Status"</th><th>"Created"</th><th></th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

/// The pasted text and the upload button (SSH keys and certificates are both pasted text), for
/// inside an `ActionForm`; the text goes through [`TextArea`] like every textarea.
fn upload_fields(
    user_name: &Option<String>,
    field: &'static str,
    api_field: &'static str,
    label: &'static str,
    error: Signal<Option<crate::error::AppError>>,
    button: &'static str,
) -> impl IntoView {
    view! {
        {owner_input(user_name)}
        <TextArea id=field label=label field=api_field error value=None/>
        <button type="submit" class="secondary">{button}</button>
    }
}

#[component]
pub fn SshKeys(
    user_name: Option<String>,
    keys: Vec<CredentialRowDto>,
    note: Option<String>,
    flash: Option<Flash>,
    #[prop(optional)] read_only: bool,
) -> impl IntoView {
    let upload = ServerAction::<UploadSshPublicKey>::new();
    let error = form_error(flash, CredentialKind::SshKey.card());
    let full = keys.len() >= MAX_SSH_PUBLIC_KEYS;
    view! {
        <section class="card" id="ssh-keys">
            <h2>"SSH public keys"</h2>
            <p class="hint">{format!("For git over SSH and servers whose sshd asks Lanyard (AuthorizedKeysCommand). ssh-rsa of at least 2048 bits or ssh-ed25519, in OpenSSH or PEM encoding; at most {MAX_SSH_PUBLIC_KEYS}.")}</p>
            {note_text(CredentialKind::SshKey, note).map(|t| view! { <p class="once" role="status">{t}</p> })}
            <FormAlert error=error/>
            <CredentialRows user_name=user_name.clone() rows=keys read_only heading="Fingerprint"/>
            {(!read_only && !full).then(|| view! {
                <ActionForm action=upload>
                    {upload_fields(&user_name, "public_key", "sSHPublicKeyBody", "SSH public key", error, "Upload SSH public key")}
                </ActionForm>
            })}
        </section>
    }
}

#[component]
pub fn SigningCertificates(
    user_name: Option<String>,
    certificates: Vec<CredentialRowDto>,
    note: Option<String>,
    flash: Option<Flash>,
    #[prop(optional)] read_only: bool,
) -> impl IntoView {
    let upload = ServerAction::<UploadSigningCertificate>::new();
    let error = form_error(flash, CredentialKind::Certificate.card());
    let full = certificates.len() >= MAX_SIGNING_CERTIFICATES;
    view! {
        <section class="card" id="certificates">
            <h2>"X.509 signing certificates"</h2>
            <p class="hint">{format!("For services that check requests signed with the certificate's private key. A PEM certificate within its validity period; at most {MAX_SIGNING_CERTIFICATES}.")}</p>
            {note_text(CredentialKind::Certificate, note).map(|t| view! { <p class="once" role="status">{t}</p> })}
            <FormAlert error=error/>
            <CredentialRows user_name=user_name.clone() rows=certificates read_only heading="Validity"/>
            {(!read_only && !full).then(|| view! {
                <ActionForm action=upload>
                    {upload_fields(&user_name, "certificate", "certificateBody", "Certificate body", error, "Upload certificate")}
                </ActionForm>
            })}
        </section>
    }
}

#[component]
pub fn ServiceCredentials(
    user_name: Option<String>,
    credentials: Vec<CredentialRowDto>,
    new_password: Option<NewServicePasswordDto>,
    note: Option<String>,
    flash: Option<Flash>,
    #[prop(optional)] read_only: bool,
) -> impl IntoView {
    let issue = ServerAction::<IssueServicePassword>::new();
    let error = form_error(flash, CredentialKind::ServiceCredential.card());
    let shown_once = new_password.map(|p| {
        view! {
            <div class="once" role="status">
                <p><strong>"Credentials generated."</strong>" This is the only time the password can be viewed. Store it now; a lost password can only be reset."</p>
                <dl class="facts">
                    <dt>"User name"</dt>
                    <dd><code data-testid="service-user-name">{p.service_user_name.clone()}</code>" "<CopyButton value=p.service_user_name.clone()/></dd>
                    <dt>"Password"</dt>
                    <dd><code data-testid="service-password">{p.password.clone()}</code>" "<CopyButton value=p.password.clone()/></dd>
                </dl>
            </div>
        }
    });
    let generate = (!read_only).then(|| {
        CredentialService::ALL
            .into_iter()
            .filter(|s| {
                credentials.iter().filter(|c| c.detail == s.as_str()).count() < MAX_SERVICE_CREDENTIALS_PER_SERVICE
            })
            .map(|s| {
                let owner = owner_input(&user_name);
                view! {
                    <ActionForm action=issue attr:class="inline">
                        {owner}
                        <input type="hidden" name="service" value=s.as_str()/>
                        <input type="hidden" name="credential_id" value=""/>
                        <button type="submit" class="secondary">{format!("Generate {}", s.label())}</button>
                    </ActionForm>
                }
            })
            .collect_view()
    });
    let resets = (!read_only && !credentials.is_empty()).then(|| {
        credentials
            .iter()
            .map(|c| {
                let owner = owner_input(&user_name);
                let (service, id, label) = (c.detail.clone(), c.id.clone(), format!("Reset password of {}", c.label));
                view! {
                    <ActionForm action=issue attr:class="inline">
                        {owner}
                        <input type="hidden" name="service" value=service/>
                        <input type="hidden" name="credential_id" value=id/>
                        <button type="submit" class="secondary">{label}</button>
                    </ActionForm>
                }
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section class="card" id="service-credentials">
            <h2>"HTTPS Git credentials and other service-specific credentials"</h2>
            <p class="hint">"A user name and password for one service: HTTPS git behind a proxy that asks Lanyard (/auth/basic), or Cassandra. The password is shown once; at most two per service."</p>
            {note_text(CredentialKind::ServiceCredential, note).map(|t| view! { <p class="once" role="status">{t}</p> })}
            {shown_once}
            <FormAlert error=error/>
            <CredentialRows user_name=user_name.clone() rows=credentials read_only heading="User name"/>
            // Forms may not sit inside a <p>: the parser would close it and hydration would not match.
            <div class="actions">{generate}</div>
            <div class="actions">{resets}</div>
        </section>
    }
}

/// Which of the three cards offer changes (the viewer's policies allow them); all of them on
/// one's own page, where the engine decides each request.
#[derive(Clone, Copy, Debug)]
pub struct CredentialControls {
    pub ssh_keys: bool,
    pub certificates: bool,
    pub service_credentials: bool,
}

impl Default for CredentialControls {
    fn default() -> Self {
        CredentialControls { ssh_keys: true, certificates: true, service_credentials: true }
    }
}

/// The three cards together, as both pages show them; a list the viewer may not read is no card.
#[component]
pub fn OtherCredentialCards(
    user_name: Option<String>,
    data: crate::dto::OtherCredentialsDto,
    /// The address's `?ssh-keys=…`, `?certificates=…`, `?service-credentials=…` notes.
    notes: [Option<String>; 3],
    flash: Option<Flash>,
    #[prop(optional)] controls: CredentialControls,
) -> impl IntoView {
    let flash_for = |kind: CredentialKind| flash.clone().filter(|f| f.form == kind.card());
    let [ssh_note, cert_note, service_note] = notes;
    view! {
        {data.ssh_keys.map(|keys| view! {
            <SshKeys user_name=user_name.clone() keys note=ssh_note flash=flash_for(CredentialKind::SshKey)
                read_only=!controls.ssh_keys/>
        })}
        {data.service_credentials.map(|credentials| view! {
            <ServiceCredentials user_name=user_name.clone() credentials new_password=data.new_password note=service_note
                flash=flash_for(CredentialKind::ServiceCredential) read_only=!controls.service_credentials/>
        })}
        {data.certificates.map(|certificates| view! {
            <SigningCertificates user_name=user_name.clone() certificates note=cert_note
                flash=flash_for(CredentialKind::Certificate) read_only=!controls.certificates/>
        })}
    }
}

/// The notes [`OtherCredentialCards`] takes, from the page's query.
pub fn credential_notes(query: &leptos_router::params::ParamsMap) -> [Option<String>; 3] {
    [CredentialKind::SshKey, CredentialKind::Certificate, CredentialKind::ServiceCredential]
        .map(|k| query.get(k.card()))
}
