//! Request middleware: the client's address, cross-site request refusal, security headers.

pub mod client_addr;
pub mod csrf;
pub mod security_headers;
