//! The use cases: one `impl Engine` block per area. Each validates its whole input first (so a
//! form can show every broken rule), authorizes, then writes in one transaction.

pub mod access_keys;
pub mod accounts;
pub mod actor;
pub mod add_users;
pub mod api_auth;
pub mod api_reads;
pub mod boundaries;
pub mod credential_owner;
pub mod credential_report;
pub mod event_history;
pub mod events;
pub mod groups;
pub mod login_profiles;
pub mod master_keys;
pub mod mfa;
pub mod outbox;
pub mod password_change;
pub mod password_policy;
pub mod policies;
pub mod policy_simulator;
pub mod preferences;
pub mod principals;
pub mod root_recovery;
pub mod service_credentials;
pub mod session_tokens;
pub mod sign_in;
pub mod sign_in_locks;
pub mod signing_certificates;
pub mod ssh_keys;
pub mod throttle_keys;
pub mod user_deletion;
pub mod user_directory;
pub mod user_tags;
pub mod users;
pub mod virtual_mfa;

/// What a delete does while the entity still has dependents (members, attachments, credentials):
/// IAM's API refuses with DeleteConflict; the console removes them in the same transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dependents {
    Refuse,
    Remove,
}
