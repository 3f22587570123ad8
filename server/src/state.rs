//! The state every handler of the router shares: the engine, the pool and the Leptos options.

use axum::extract::FromRef;
use lanyard_iam::Engine;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;

#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub engine: Engine,
    /// Whether clients reach the server over TLS (the public URL is https): `aws:SecureTransport`.
    /// Taken from configuration, never from a header the client could set.
    pub secure_transport: bool,
}
