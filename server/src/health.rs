//! `/healthz` (the process answers) and `/readyz` (and its database does).

use axum::extract::State;
use axum::http::StatusCode;
use sqlx::PgPool;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(pool): State<PgPool>) -> (StatusCode, &'static str) {
    match sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(&pool).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            // Counts as a connection failure too: the pool then checks older connections.
            lanyard_iam::store::record_if_unavailable(&e);
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
