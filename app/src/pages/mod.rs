//! One module per page (or family of pages) of the console.

pub mod console_home;
pub mod create_user;
pub mod not_found;
pub mod signin;
pub mod user_detail;
pub mod users;
