//! Request middleware: the client's address, cross-site request refusal, clean
//! form redirects, request limits and error statuses, security headers.

pub mod client_addr;
pub mod csrf;
pub mod form_redirects;
pub mod request_limits;
pub mod security_headers;
