//! Server functions, each with a stable endpoint under `/api/`. They stay thin: read the session,
//! make one engine call, return a DTO.

mod access_keys;
mod account_settings;
mod add_users;
mod console_access;
mod credential_report;
mod events;
mod groups;
mod mfa;
mod other_credentials;
mod page_context;
mod passwords;
mod policies;
mod sign_in;
mod user_actions;
pub(crate) mod user_detail;
mod users;

pub use access_keys::*;
pub use account_settings::*;
pub use add_users::*;
pub use console_access::*;
pub use credential_report::*;
pub use events::*;
pub use groups::*;
pub use mfa::*;
pub use other_credentials::*;
pub use page_context::*;
pub use passwords::*;
pub use policies::*;
pub use sign_in::*;
pub use user_actions::*;
pub use user_detail::*;
pub use users::*;
