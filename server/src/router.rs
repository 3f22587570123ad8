//! The axum router: health checks, the Leptos console (pages and server functions) and its static
//! files, the Query API on `POST /`, wrapped — outermost first — in security headers, cross-site refusal, the client's
//! address and the session.

use crate::config::Config;
use crate::middleware::client_addr::{client_addr, TrustedProxies};
use crate::middleware::csrf::{csrf_guard, CsrfConfig};
use crate::middleware::form_redirects::clean_form_redirects;
use crate::middleware::security_headers::{page_csp, security_headers, HeaderConfig};
pub use crate::state::ServerState;
use crate::state::Shared;
use crate::{health, sessions};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use lanyard_app::ssr::{ConsoleState, PrincipalMemo};
use lanyard_app::{shell, App};
use lanyard_iam::Engine;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("lanyard")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .hash_files(crate::static_files::hashed_build())
        .build()
}

/// Puts this response's nonce into its Content-Security-Policy (pages only: server functions
/// have no nonce and keep the restrictive default).
fn set_page_csp() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce)) {
            res.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

pub fn build(config: &Config, engine: Engine, session_store: sessions::ConsoleSessionStore) -> Router {
    let console = ConsoleState { engine: engine.clone(), hosts: config.hosts() };
    let state = ServerState::new(Shared {
        leptos_options: leptos_options(config),
        engine: engine.clone(),
        secure_transport: config.public_is_https(),
    });
    let context = move || {
        provide_context(console.clone());
        provide_context(PrincipalMemo::default());
        set_page_csp();
    };
    let routes = generate_route_list(App);
    let shell_options = state.leptos_options.clone();
    let csrf = CsrfConfig {
        scheme: if config.public_is_https() { "https".into() } else { "http".into() },
        public_origin: config.public_url.trim_end_matches('/').to_owned(),
    };
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // For a reverse proxy's auth_request in front of HTTPS git and the like.
        .route("/auth/basic", get(crate::auth_basic::check))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(shell_options.clone()))
        // The Query API (aws CLI, boto3) posts to the root of the same address.
        .route("/", post(crate::query_api::handle))
        .nest("/pkg", crate::static_files::pkg_router(&config.site_root))
        .fallback(file_and_error_handler_with_context::<ServerState, _>(context, shell))
        .layer(from_fn_with_state(state.clone(), crate::query_api::get_form))
        .layer(sessions::layer(config, session_store))
        .layer(from_fn(sessions::store_failures_are_unavailable))
        .layer(from_fn_with_state(TrustedProxies(Arc::new(config.trusted_proxies.clone())), client_addr))
        .layer(from_fn(clean_form_redirects))
        .layer(from_fn(crate::middleware::request_limits::limit_requests))
        .layer(from_fn_with_state(csrf, csrf_guard))
        // A slow client cannot hold a connection by trickling its body, and no request runs
        // longer than the request timeout (its transaction, if any, is rolled back).
        .layer(RequestBodyTimeoutLayer::new(Duration::from_millis(config.client_timeout_ms.max(1))))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_millis(config.request_timeout_ms.max(1)),
        ))
        .layer(from_fn_with_state(HeaderConfig { https: config.public_is_https() }, security_headers))
        .layer(from_fn(crate::metrics::track_latency))
        .with_state(state)
}
