//! Lanyard's IAM engine: validated domain types (compiled for wasm too) and, behind the `server`
//! feature, the Postgres store, password hashing and the use cases every front end calls.
//!
//! The console's server functions and the later IAM Query API go through the same [`Engine`]
//! calls, so validation, quotas, throttling and permission checks live in exactly one place.

pub mod domain;
pub mod error;

pub use error::{CredentialFault, FieldError, IamError, ReportFault};

#[cfg(feature = "server")]
pub mod crypto;
#[cfg(feature = "server")]
mod engine;
#[cfg(feature = "server")]
pub mod policy;
#[cfg(feature = "server")]
pub mod sigv4;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
pub mod usecases;
#[cfg(feature = "server")]
pub use engine::{Engine, EngineConfig, ReadEvents, AWS_PUBLIC_REGIONS};
#[cfg(feature = "server")]
pub use usecases::actor::{Actor, MfaContext};
