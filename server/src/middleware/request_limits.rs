//! Limits and statuses of requests to the console's server functions and the Query API: bodies
//! over the route's limit are refused with 413 before they are read; server functions accept only
//! the encodings browsers and the hydrated app send (a `text/plain` post is no form); and a server
//! function's error answers with the error's own status (server_fn answers 500 for every error).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};

/// Largest body of a server function: a policy document (6,144 characters, escaped) and a form's
/// other fields fit many times over.
pub const SERVER_FN_BODY_LIMIT: usize = 64 * 1024;
/// Largest body of a Query API request (policy documents are URL-encoded there).
pub const API_BODY_LIMIT: usize = 256 * 1024;

fn limit_for(path: &str) -> usize {
    if path == "/" {
        API_BODY_LIMIT
    } else {
        SERVER_FN_BODY_LIMIT
    }
}

fn too_large(limit: usize) -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, format!("Request body too large: at most {limit} bytes.")).into_response()
}

/// The encodings a server function may be posted in.
fn accepted_content_type(value: &str) -> bool {
    let media = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    matches!(media.as_str(), "application/x-www-form-urlencoded" | "application/json" | "multipart/form-data")
}

pub async fn limit_requests(req: Request, next: Next) -> Response {
    let limit = limit_for(req.uri().path());
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    if req.method() == Method::POST && req.uri().path().starts_with("/api/") {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !accepted_content_type(content_type) {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Server functions take application/x-www-form-urlencoded or application/json.",
            )
                .into_response();
        }
    }
    // A body without a length (chunked) is cut off at the limit while it is read.
    let req = req.map(|body| Body::new(Limited::new(body, limit)));
    let res = next.run(req).await;
    with_error_status(res).await
}

/// A server function's error response carries the error's own status (400, 403, 404, 409…).
async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR || !res.headers().contains_key("serverfnerror") {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = Limited::new(body, SERVER_FN_BODY_LIMIT).collect().await.map(|b| b.to_bytes()) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    let status = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("status").and_then(|s| s.as_u64()))
        .and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok())
        .filter(|s| s.is_client_error() || s.is_server_error());
    if let Some(status) = status {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_form_and_json_encodings_are_server_function_input() {
        assert!(accepted_content_type("application/x-www-form-urlencoded"));
        assert!(accepted_content_type("application/x-www-form-urlencoded; charset=UTF-8"));
        assert!(accepted_content_type("Application/JSON"));
        assert!(!accepted_content_type("text/plain"));
        assert!(!accepted_content_type(""));
        assert_eq!(limit_for("/"), API_BODY_LIMIT);
        assert_eq!(limit_for("/api/create_user"), SERVER_FN_BODY_LIMIT);
    }
}
