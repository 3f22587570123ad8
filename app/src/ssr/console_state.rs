//! What the server hands the app: the engine and the host settings, provided as context per request.

use crate::error::AppError;
use crate::hosts::HostConfig;
use lanyard_iam::{Engine, IamError};
use leptos::prelude::use_context;
use std::net::IpAddr;

#[derive(Clone, Debug)]
pub struct ConsoleState {
    pub engine: Engine,
    pub hosts: HostConfig,
}

impl ConsoleState {
    /// The state provided to this request; a missing one is a wiring bug, reported as internal.
    pub fn get() -> Result<Self, AppError> {
        use_context::<ConsoleState>().ok_or_else(|| IamError::Internal("ConsoleState not provided".into()).into())
    }
}

/// The client's address as the server determined it (request extension set by the server).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client address of the request being served (see the server's client-address middleware).
pub fn client_addr() -> Result<IpAddr, crate::error::AppError> {
    use lanyard_iam::IamError;
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()
        .ok_or_else(|| IamError::Internal("no request parts".into()))?;
    let ClientAddr(addr) = parts
        .extensions
        .get::<ClientAddr>()
        .copied()
        .ok_or_else(|| IamError::Internal("client address not determined".into()))?;
    Ok(addr)
}
