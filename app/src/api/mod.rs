//! Server functions, each with a stable endpoint under `/api/`. They stay thin: read the session,
//! make one engine call, return a DTO.

mod create_user;
mod page_context;
mod sign_in;
mod user_actions;
mod user_detail;
mod users;

pub use create_user::*;
pub use page_context::*;
pub use sign_in::*;
pub use user_actions::*;
pub use user_detail::*;
pub use users::*;
