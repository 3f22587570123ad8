//! The declarative table of the Query API: each action, and the handler that decodes its
//! parameters, calls the engine and writes its result. The table is an exhaustive `match` over
//! [`IamAction`]: an action added to the engine without a handler here (or a place in the
//! console-only list) does not compile.

use super::{
    access_keys, account, authorization_details, credential_report, credentials, groups, mfa, policies, simulation,
    sts, users, Call, Reply,
};
use futures::future::BoxFuture;
use lanyard_iam::domain::IamAction;
use lanyard_iam::IamError;

pub type Handler = for<'a> fn(&'a Call<'a>) -> BoxFuture<'a, Result<Reply, IamError>>;

pub struct ActionSpec {
    pub action: IamAction,
    pub handler: Handler,
}

macro_rules! table {
    ($($action:ident => $handler:path),* $(,)? ; console only: $($console:ident),* $(,)?) => {
        /// The handler of `action`; `None` for the console's own actions (the API answers
        /// InvalidAction for them, as for any name it does not know).
        pub fn handler(action: IamAction) -> Option<Handler> {
            match action {
                $(IamAction::$action => {
                    let handler: Handler = |call| Box::pin($handler(call));
                    Some(handler)
                })*
                $(IamAction::$console => None,)*
            }
        }
    };
}

/// Every action the API answers, in the engine's declaration order.
pub fn actions() -> impl Iterator<Item = ActionSpec> {
    IamAction::ALL.iter().filter_map(|a| handler(*a).map(|handler| ActionSpec { action: *a, handler }))
}

/// The spec of the action named `name` (`CreateUser`), if the API answers it.
pub fn find(name: &str) -> Option<ActionSpec> {
    IamAction::from_name(name).and_then(|action| handler(action).map(|handler| ActionSpec { action, handler }))
}

table! {
    // Users
    CreateUser => users::create_user,
    GetUser => users::get_user,
    ListUsers => users::list_users,
    UpdateUser => users::update_user,
    DeleteUser => users::delete_user,
    PutUserPermissionsBoundary => users::put_user_permissions_boundary,
    DeleteUserPermissionsBoundary => users::delete_user_permissions_boundary,
    TagUser => users::tag_user,
    UntagUser => users::untag_user,
    ListUserTags => users::list_user_tags,
    // Console passwords
    CreateLoginProfile => users::create_login_profile,
    GetLoginProfile => users::get_login_profile,
    UpdateLoginProfile => users::update_login_profile,
    DeleteLoginProfile => users::delete_login_profile,
    ChangePassword => users::change_password,
    // Access keys
    CreateAccessKey => access_keys::create_access_key,
    ListAccessKeys => access_keys::list_access_keys,
    UpdateAccessKey => access_keys::update_access_key,
    DeleteAccessKey => access_keys::delete_access_key,
    GetAccessKeyLastUsed => access_keys::get_access_key_last_used,
    // SSH public keys, signing certificates, service-specific credentials
    UploadSSHPublicKey => credentials::upload_ssh_public_key,
    GetSSHPublicKey => credentials::get_ssh_public_key,
    ListSSHPublicKeys => credentials::list_ssh_public_keys,
    UpdateSSHPublicKey => credentials::update_ssh_public_key,
    DeleteSSHPublicKey => credentials::delete_ssh_public_key,
    UploadSigningCertificate => credentials::upload_signing_certificate,
    ListSigningCertificates => credentials::list_signing_certificates,
    UpdateSigningCertificate => credentials::update_signing_certificate,
    DeleteSigningCertificate => credentials::delete_signing_certificate,
    CreateServiceSpecificCredential => credentials::create_service_specific_credential,
    ListServiceSpecificCredentials => credentials::list_service_specific_credentials,
    UpdateServiceSpecificCredential => credentials::update_service_specific_credential,
    ResetServiceSpecificCredential => credentials::reset_service_specific_credential,
    DeleteServiceSpecificCredential => credentials::delete_service_specific_credential,
    // The credential report
    GenerateCredentialReport => credential_report::generate_credential_report,
    GetCredentialReport => credential_report::get_credential_report,
    // MFA devices
    CreateVirtualMFADevice => mfa::create_virtual_mfa_device,
    EnableMFADevice => mfa::enable_mfa_device,
    DeactivateMFADevice => mfa::deactivate_mfa_device,
    DeleteVirtualMFADevice => mfa::delete_virtual_mfa_device,
    ListVirtualMFADevices => mfa::list_virtual_mfa_devices,
    ListMFADevices => mfa::list_mfa_devices,
    GetMFADevice => mfa::get_mfa_device,
    ResyncMFADevice => mfa::resync_mfa_device,
    TagMFADevice => mfa::tag_mfa_device,
    UntagMFADevice => mfa::untag_mfa_device,
    ListMFADeviceTags => mfa::list_mfa_device_tags,
    // The account
    GetAccountPasswordPolicy => account::get_password_policy,
    UpdateAccountPasswordPolicy => account::update_password_policy,
    DeleteAccountPasswordPolicy => account::delete_password_policy,
    CreateAccountAlias => account::create_account_alias,
    DeleteAccountAlias => account::delete_account_alias,
    ListAccountAliases => account::list_account_aliases,
    GetAccountSummary => account::get_account_summary,
    GetAccountAuthorizationDetails => authorization_details::get_account_authorization_details,
    // Groups
    CreateGroup => groups::create_group,
    GetGroup => groups::get_group,
    ListGroups => groups::list_groups,
    UpdateGroup => groups::update_group,
    DeleteGroup => groups::delete_group,
    AddUserToGroup => groups::add_user_to_group,
    RemoveUserFromGroup => groups::remove_user_from_group,
    ListGroupsForUser => groups::list_groups_for_user,
    // Managed and inline policies
    CreatePolicy => policies::create_policy,
    GetPolicy => policies::get_policy,
    ListPolicies => policies::list_policies,
    DeletePolicy => policies::delete_policy,
    CreatePolicyVersion => policies::create_policy_version,
    GetPolicyVersion => policies::get_policy_version,
    ListPolicyVersions => policies::list_policy_versions,
    DeletePolicyVersion => policies::delete_policy_version,
    SetDefaultPolicyVersion => policies::set_default_policy_version,
    ListEntitiesForPolicy => policies::list_entities_for_policy,
    TagPolicy => policies::tag_policy,
    UntagPolicy => policies::untag_policy,
    ListPolicyTags => policies::list_policy_tags,
    AttachUserPolicy => policies::attach_policy,
    AttachGroupPolicy => policies::attach_policy,
    DetachUserPolicy => policies::detach_policy,
    DetachGroupPolicy => policies::detach_policy,
    ListAttachedUserPolicies => policies::list_attached_policies,
    ListAttachedGroupPolicies => policies::list_attached_policies,
    PutUserPolicy => policies::put_inline_policy,
    PutGroupPolicy => policies::put_inline_policy,
    GetUserPolicy => policies::get_inline_policy,
    GetGroupPolicy => policies::get_inline_policy,
    ListUserPolicies => policies::list_inline_policies,
    ListGroupPolicies => policies::list_inline_policies,
    DeleteUserPolicy => policies::delete_inline_policy,
    DeleteGroupPolicy => policies::delete_inline_policy,
    // Simulation
    SimulatePrincipalPolicy => simulation::simulate_principal_policy,
    SimulateCustomPolicy => simulation::simulate_custom_policy,
    GetContextKeysForPrincipalPolicy => simulation::get_context_keys_for_principal_policy,
    GetContextKeysForCustomPolicy => simulation::get_context_keys_for_custom_policy,
    // STS
    GetCallerIdentity => sts::get_caller_identity,
    GetAccessKeyInfo => sts::get_access_key_info,
    GetSessionToken => sts::get_session_token;
    // The event history is the console's (AWS's is CloudTrail's LookupEvents, another service).
    console only: ListEvents,
}
