//! Server-only helpers for server functions: the console's state, the session, plain-form posts.

mod capabilities;
mod console_state;
mod form_post;
mod session;

pub use capabilities::{console_capabilities, entity_capabilities};
pub use console_state::{client_addr, ClientAddr, ConsoleState};
pub use form_post::{finish, is_plain_form_post, keep_enrolment_ticket, take_enrolment_ticket, take_flash};
pub use session::{
    begin_mfa_session, current_principal, current_session, password_changed_in_session, pending_mfa, request_host,
    request_session, request_user_agent, session_store_failed, sign_in_session, signed_in, signin_page_of_session,
    PendingMfa, PrincipalMemo, SessionPrincipal, ABSOLUTE_SESSION_SECS,
};
