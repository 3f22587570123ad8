//! What server functions hand to pages: plain data, no secrets, no hashes.

pub use crate::capability::{Can, ConsoleCapability, EntityCapability, PolicyCapability};
use lanyard_iam::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalDto {
    pub arn: String,
    pub is_root: bool,
    /// The email for root, the user name for IAM users.
    pub display_name: String,
    pub account_id: String,
    /// Days until the console password expires, shown as a banner in the last 15 days.
    #[serde(default)]
    pub password_expires_in_days: Option<i64>,
    /// What the console may offer (see `ssr::console_capabilities`).
    #[serde(default)]
    pub can: Can<ConsoleCapability>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDto {
    pub account_id: String,
    pub alias: Option<String>,
    /// Where this account's IAM users sign in (`http://<alias-or-id>.signin.<domain>:<port>/console`).
    pub signin_url: String,
}

/// An error kept in the session across a redirect, for forms posted without JavaScript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub form: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
    /// What was typed into the form's non-secret fields, to fill them in again. Never a password.
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

impl Flash {
    /// The value that was typed into `field` when the form failed, if kept.
    pub fn value(&self, field: &str) -> Option<String> {
        self.values.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone())
    }
}

/// Everything a page needs to know about the request it renders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageContext {
    pub principal: Option<PrincipalDto>,
    /// The signed-in principal's account.
    pub account: Option<AccountDto>,
    /// The account named by the host (`demo.signin.localhost`) or the `/signin/<account>` path,
    /// exactly as given: whether it exists is not revealed before sign-in.
    pub signin_account: Option<String>,
    pub root_signin_url: String,
    pub flash: Option<Flash>,
    /// Signed in, but a new password must be chosen before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Navigate {
    /// Where the browser goes next (a full page load: the session changed).
    pub to: String,
}

/// One row of the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRowDto {
    pub user_name: String,
    pub path: String,
    pub arn: String,
    /// `2026-11-22 14:03 UTC`
    pub created: String,
    /// `Never` before the first console sign-in.
    pub password_last_used: String,
    /// `None`, or `Virtual` with the number of devices when more than one.
    pub mfa: String,
    /// How many SSH public keys and signing certificates the user has.
    pub ssh_keys: i64,
    pub certificates: i64,
    /// The boundary policy's name, or `None`.
    pub boundary: String,
    /// The user's groups by name, or `None`.
    pub groups: String,
    /// The later of the last console sign-in and the last access-key use, or `Never`.
    pub last_activity: String,
    /// Days since the console password was set (`None` without console access).
    pub password_age: String,
    /// Days since the oldest active access key was created (`None` without one).
    pub key_age: String,
    /// Whether that key is older than 90 days (the column warns).
    pub key_age_warn: bool,
    pub key_last_used: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathNodeDto {
    pub path: String,
    pub user_count: u64,
    pub has_children: bool,
}

/// The users list page's data: one page of users and one level of the path tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPageDto {
    pub users: Vec<UserRowDto>,
    pub next_marker: Option<String>,
    pub total: u64,
    pub total_is_lower_bound: bool,
    /// The tree level shown: the filter path if it is a whole path (`/eng/`), else `/`.
    pub tree_path: String,
    pub tree_direct_users: u64,
    pub tree_children: Vec<PathNodeDto>,
    /// The columns the signed-in principal chose to see.
    pub columns: Vec<lanyard_iam::domain::UserColumn>,
}

/// One user's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetailDto {
    pub user_name: String,
    pub user_id: String,
    pub path: String,
    pub arn: String,
    pub created: String,
    pub password_last_used: String,
    pub console_access: bool,
    pub tags: Vec<(String, String)>,
    /// Failed sign-ins counted against the user, described for people; `None` when there are none.
    pub sign_in_lock: Option<String>,
    /// The ARN of the user's permissions boundary.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// What the viewer may do to this user (see `ssr::entity_capabilities`).
    #[serde(default)]
    pub can: Can<EntityCapability>,
}

/// What the page for changing one's own password needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPasswordDto {
    pub may_change: bool,
    pub rules: Vec<lanyard_iam::domain::PasswordRule>,
    /// The user name (IAM users), which the default rules forbid as a password.
    pub identities: Vec<String>,
}

/// A virtual MFA device as pages show it (never its seed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaDeviceDto {
    pub name: String,
    pub serial_number: String,
    pub enabled: String,
    pub last_used: String,
}

/// The enrolment screen: the QR code, the Base32 secret behind `Show secret key`, and the sealed
/// ticket the form sends back (the server stores nothing until the codes prove the device).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaEnrolmentDto {
    pub qr_data_uri: String,
    pub secret: String,
    pub ticket: String,
}

impl std::fmt::Debug for MfaEnrolmentDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaEnrolmentDto([redacted])")
    }
}

/// An access key as pages show it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKeyDto {
    pub access_key_id: String,
    pub status: String,
    pub created: String,
    /// `N/A` before first use, else the date, service and region.
    pub last_used: String,
    /// Older than 90 days: the page suggests rotating it.
    pub age_days: i64,
}

/// A key just created: the only time its secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccessKeyDto {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for NewAccessKeyDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccessKeyDto").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// An IAM group as lists and its page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDto {
    pub group_name: String,
    pub group_id: String,
    pub path: String,
    pub arn: String,
    pub created: String,
}

/// A group's page: the group and its members' names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetailDto {
    pub group: GroupDto,
    pub members: Vec<String>,
    /// What the viewer may do to this group (see `ssr::entity_capabilities`).
    #[serde(default)]
    pub can: Can<EntityCapability>,
}

/// A managed policy as the policies list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDto {
    pub policy_name: String,
    pub arn: String,
    pub path: String,
    pub aws_managed: bool,
    pub description: String,
    pub default_version_id: String,
    pub attachment_count: i64,
    pub updated: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersionDto {
    pub version_id: String,
    pub is_default: bool,
    pub document: String,
    pub created: String,
}

/// One policy's page: the policy, its versions (the default's document first shown), and the users
/// and groups it is attached to (`(kind, name)`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDetailDto {
    pub policy: PolicyDto,
    pub versions: Vec<PolicyVersionDto>,
    pub attached_to: Vec<(String, String)>,
    /// Customer-managed policies only.
    pub can: Can<PolicyCapability>,
    /// Condition keys of the default version that Lanyard never supplies (as AWS's validator warns).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A user's or group's permissions card: attached managed policies `(name, arn)`, inline policies
/// `(name, document)`, and the managed policies that could be attached.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionsDto {
    pub attached: Vec<(String, String)>,
    pub inline: Vec<(String, String)>,
    pub attachable: Vec<(String, String)>,
    /// Condition keys of the inline policies that Lanyard never supplies (`inline-name: …`).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One line of the policy simulator's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationRowDto {
    pub action: String,
    pub resource: String,
    /// `allowed`, `explicitly denied` or `implicitly denied`.
    pub decision: String,
    /// `AdministratorAccess · Statement[0]` or `inline:x · Sid NoDeletes`; empty when nothing applied.
    pub deciding: String,
    /// The permissions boundary's own verdict, `allows` or `denies`; `None` without a boundary.
    pub boundary: Option<String>,
}

/// A simulation: each action's row, the request context it was decided in, and warnings about
/// condition keys Lanyard never supplies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulationDto {
    pub rows: Vec<SimulationRowDto>,
    /// `(key, values joined by ", ")`, sorted by key.
    pub context: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// Where Add users' permissions come from (one choice, as in the AWS console).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PermissionsMode {
    #[default]
    None,
    Groups,
    Copy,
    Policies,
}

/// What Add users has collected so far. The custom password stays on the server: the page only
/// learns whether one was typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddUsersDraftDto {
    pub user_names: Vec<String>,
    pub path: String,
    pub console_access: bool,
    pub custom_password: bool,
    pub custom_password_typed: bool,
    pub reset_required: bool,
    pub access_key: bool,
    pub mode: PermissionsMode,
    pub groups: Vec<String>,
    pub copy_from: Option<String>,
    pub policies: Vec<String>,
    /// A managed policy's ARN to set as each user's permissions boundary.
    #[serde(default)]
    pub boundary: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// One group Add users offers, with the names of its attached policies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoiceDto {
    pub group_name: String,
    pub policies: Vec<String>,
}

/// Add users' page: the draft and the choices of the permissions step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddUsersDto {
    pub draft: AddUsersDraftDto,
    pub groups: Vec<GroupChoiceDto>,
    /// Users whose permissions can be copied (the first 100 by name matching the search).
    pub users: Vec<String>,
    /// `(name, arn)` of the managed policies that can be attached.
    pub policies: Vec<(String, String)>,
    /// Whether the permissions step offers `Create group`.
    pub may_create_group: bool,
}

/// A user Add users created, with the secrets shown on the final page once (`Debug` hides them).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedUserDto {
    pub user_name: String,
    pub signin_url: String,
    pub password: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for AddedUserDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddedUserDto")
            .field("user_name", &self.user_name)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// The credentials listed on the same cards (SSH keys, signing certificates, service-specific
/// credentials), so one status and one delete form serve all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialKind {
    SshKey,
    Certificate,
    ServiceCredential,
}

impl CredentialKind {
    const ALL: [CredentialKind; 3] =
        [CredentialKind::SshKey, CredentialKind::Certificate, CredentialKind::ServiceCredential];

    /// The value a form posts for it.
    pub fn form_value(self) -> &'static str {
        match self {
            CredentialKind::SshKey => "SshKey",
            CredentialKind::Certificate => "Certificate",
            CredentialKind::ServiceCredential => "ServiceCredential",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, lanyard_iam::IamError> {
        Self::ALL.into_iter().find(|k| k.form_value() == raw).ok_or_else(|| {
            lanyard_iam::IamError::field("credentialKind", "must be SshKey, Certificate or ServiceCredential")
        })
    }

    /// The action that activates or deactivates one.
    pub fn update_action(self) -> lanyard_iam::domain::IamAction {
        use lanyard_iam::domain::IamAction;
        match self {
            CredentialKind::SshKey => IamAction::UpdateSSHPublicKey,
            CredentialKind::Certificate => IamAction::UpdateSigningCertificate,
            CredentialKind::ServiceCredential => IamAction::UpdateServiceSpecificCredential,
        }
    }

    /// The action that deletes one.
    pub fn delete_action(self) -> lanyard_iam::domain::IamAction {
        use lanyard_iam::domain::IamAction;
        match self {
            CredentialKind::SshKey => IamAction::DeleteSSHPublicKey,
            CredentialKind::Certificate => IamAction::DeleteSigningCertificate,
            CredentialKind::ServiceCredential => IamAction::DeleteServiceSpecificCredential,
        }
    }

    /// The card's anchor and the flash's form name.
    pub fn card(self) -> &'static str {
        match self {
            CredentialKind::SshKey => "ssh-keys",
            CredentialKind::Certificate => "certificates",
            CredentialKind::ServiceCredential => "service-credentials",
        }
    }
}

/// One SSH key, certificate or service-specific credential as a card lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRowDto {
    pub kind: CredentialKind,
    pub id: String,
    /// The fingerprint, the service user name, or the certificate's expiry.
    pub label: String,
    /// A second line: the MD5 fingerprint, or the service.
    pub detail: String,
    pub status: String,
    pub created: String,
}

/// A user's SSH keys, signing certificates and service-specific credentials; `None` for a list
/// the viewer may not read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherCredentialsDto {
    pub ssh_keys: Option<Vec<CredentialRowDto>>,
    pub certificates: Option<Vec<CredentialRowDto>>,
    pub service_credentials: Option<Vec<CredentialRowDto>>,
    /// Just created or reset: shown this once.
    pub new_password: Option<NewServicePasswordDto>,
}

/// A service-specific credential's user name and password, shown once. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewServicePasswordDto {
    pub service_user_name: String,
    pub password: String,
}

impl std::fmt::Debug for NewServicePasswordDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewServicePasswordDto")
            .field("service_user_name", &self.service_user_name)
            .finish_non_exhaustive()
    }
}
