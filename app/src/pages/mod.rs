//! One module per page (or family of pages) of the console.

pub mod account_settings;
pub mod add_users;
mod add_users_review;
pub mod console_home;
pub mod credential_report;
pub mod events;
pub mod groups;
pub mod not_found;
pub mod own_password;
pub mod policies;
pub mod policy_simulator;
pub mod root_recovery;
pub mod signin;
pub mod user_detail;
pub mod users;
