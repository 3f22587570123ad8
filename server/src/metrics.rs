//! Prometheus metrics on their own listen address (`--metrics-listen`, off by default): sign-ins
//! by step and result (counted by the engine), API requests by action and error code, request
//! latency histograms by kind of route, the argon2 queue and the database pool. The exposition
//! is the `metrics-exporter-prometheus` crate's; this module only installs it, samples the
//! gauges and serves `GET /metrics`.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use lanyard_iam::Engine;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Latency buckets in seconds: from a cached signature check to an argon2 hash under load.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Installs the process-wide recorder and serves it on `addr`; samples the gauges every 5 s.
pub async fn serve(addr: SocketAddr, engine: Engine) -> Result<(), crate::error::CommandError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
        .and_then(|b| b.install_recorder())
        .map_err(|e| crate::error::CommandError::Usage(format!("metrics: {e}")))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(listen = %addr, "metrics listening (GET /metrics)");
    let sampler = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            sample(&engine);
            sampler.run_upkeep();
        }
    });
    let app = Router::new().route("/metrics", get(render)).with_state(handle);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "metrics listener stopped");
        }
    });
    Ok(())
}

async fn render(State(handle): State<PrometheusHandle>) -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

/// The gauges: what the pool and the password hasher are doing right now.
fn sample(engine: &Engine) {
    let pool = engine.pool();
    let idle = pool.num_idle() as f64;
    metrics::gauge!("lanyard_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("lanyard_db_pool_connections", "state" => "in_use").set(f64::from(pool.size()) - idle);
    metrics::gauge!("lanyard_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    let (waiting, running) = engine.hasher().load();
    metrics::gauge!("lanyard_argon2_queue_depth").set(waiting as f64);
    metrics::gauge!("lanyard_argon2_running").set(running as f64);
}

/// Which part of Lanyard a request went to, as the latency histogram labels it.
fn route_kind(req: &Request) -> &'static str {
    let path = req.uri().path();
    if path == "/" && req.method() == axum::http::Method::POST {
        "api"
    } else if path.starts_with("/api/") {
        "server_function"
    } else if path.starts_with("/pkg/") {
        "static"
    } else if path.starts_with("/healthz") || path.starts_with("/readyz") || path.starts_with("/auth/") {
        "probe"
    } else {
        "page"
    }
}

/// Times every request: `lanyard_http_request_duration_seconds{kind, status}`.
pub async fn track_latency(req: Request, next: Next) -> Response {
    let kind = route_kind(&req);
    let start = Instant::now();
    let response = next.run(req).await;
    let status = match response.status().as_u16() {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::histogram!("lanyard_http_request_duration_seconds", "kind" => kind, "status" => status)
        .record(start.elapsed().as_secs_f64());
    response
}

/// One API request's outcome: `lanyard_api_requests_total{action, code}` (`code` is `OK` or
/// IAM's error code).
pub fn count_api_request(action: &str, code: &str) {
    metrics::counter!("lanyard_api_requests_total", "action" => action.to_owned(), "code" => code.to_owned())
        .increment(1);
}
