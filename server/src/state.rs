//! The state every handler of the router shares: the engine, the pool and the Leptos options.
//! It is one `Arc`: axum clones the state for every handler and middleware a request passes
//! through, and cloning the parts (the Leptos options alone hold a dozen `Arc`s) showed up as
//! several per cent of the API's CPU.

use axum::extract::FromRef;
use lanyard_iam::Engine;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct ServerState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub engine: Engine,
    /// Whether clients reach the server over TLS (the public URL is https): `aws:SecureTransport`.
    /// Taken from configuration, never from a header the client could set.
    pub secure_transport: bool,
}

impl ServerState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl Deref for ServerState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<ServerState> for PgPool {
    fn from_ref(state: &ServerState) -> Self {
        state.engine.pool().clone()
    }
}

impl FromRef<ServerState> for Engine {
    fn from_ref(state: &ServerState) -> Self {
        state.engine.clone()
    }
}
