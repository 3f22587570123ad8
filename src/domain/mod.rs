//! Validated newtypes for everything IAM names: a value of one of these types obeys AWS's rules,
//! so code holding one never re-checks it. All of this compiles for wasm as well.

mod access_key;
mod account_alias;
mod account_id;
mod arn;
mod credential;
pub mod csv;
mod email;
mod event;
mod group_name;
mod iam_action;
mod iam_path;
mod ip_range;
mod mfa;
mod newtype;
mod password;
mod password_policy;
mod policy_name;
mod principal;
mod tag;
mod unique_id;
mod user_column;
mod user_name;

pub use access_key::{AccessKeyId, AccessKeyStatus, MAX_ACCESS_KEYS};
pub use account_alias::AccountAlias;
pub use account_id::AccountId;
pub use arn::{group_arn, root_arn, user_arn};
pub use credential::{
    CertificateId, CredentialService, ServiceCredentialId, SshKeyEncoding, SshPublicKeyId, MAX_CERTIFICATE_BODY,
    MAX_SERVICE_CREDENTIALS_PER_SERVICE, MAX_SIGNING_CERTIFICATES, MAX_SSH_KEY_BODY, MAX_SSH_PUBLIC_KEYS,
};
pub use email::Email;
pub use event::{EventName, SignInStep};
pub use group_name::{GroupName, MAX_GROUPS_PER_USER};
pub use iam_action::{EntityKind, IamAction, Service};
pub use iam_path::IamPath;
pub use ip_range::{canonical_ip, parse_ip, IpRange};
pub use mfa::{mfa_arn, mfa_serial, MfaCode, MfaDeviceName, MAX_MFA_DEVICES};
pub use password::{root_password_violations, Password, PasswordRule, SYMBOLS};
pub use password_policy::{
    password_expires_at, password_rules, password_violations, rule_met, PasswordPolicy, PasswordPolicyInput,
};
pub use policy_name::{
    policy_arn, PolicyName, MAX_ATTACHED_POLICIES, MAX_GROUP_INLINE_CHARS, MAX_POLICY_VERSIONS, MAX_USER_INLINE_CHARS,
};
pub use principal::{AccountRef, Principal, PrincipalKind};
pub use tag::{Tag, MAX_TAGS_PER_USER};
pub use unique_id::{UniqueId, UniqueIdKind};
pub use user_column::{UserColumn, UserHygiene};
pub use user_name::{UserName, MAX_USERS_PER_BATCH};
