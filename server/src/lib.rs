//! Lanyard's server: configuration, the axum router with sessions and security middleware around
//! the Leptos console, and the command-line subcommands.

pub mod auth_basic;
pub mod bench;
pub mod commands;
pub mod config;
pub mod error;
pub mod health;
pub mod listener;
pub mod mailer;
pub mod master_key;
pub mod metrics;
pub mod middleware;
pub mod query_api;
pub mod router;
pub mod sessions;
pub mod setup;
pub mod state;
pub mod static_files;
pub mod telemetry;
