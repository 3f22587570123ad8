//! server_fn sends a plain (no-JavaScript) form post that failed back to its page with the error in
//! the URL (`?__path=…&__err=<base64>`). Lanyard keeps that error in the session instead (see
//! `lanyard_app::ssr::finish`), so those parameters are removed from the redirect: otherwise anyone
//! could mail a link that shows a message of their choosing inside the sign-in page.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// `Location` without server_fn's `__path` and `__err` query parameters.
pub fn strip_error_params(location: &str) -> String {
    let Some((path, query)) = location.split_once('?') else {
        return location.to_owned();
    };
    let kept: Vec<&str> =
        query.split('&').filter(|p| !p.starts_with("__path=") && !p.starts_with("__err=") && !p.is_empty()).collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

pub async fn clean_form_redirects(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status().is_redirection() {
        if let Some(loc) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) {
            if loc.contains("__err=") || loc.contains("__path=") {
                if let Ok(v) = HeaderValue::from_str(&strip_error_params(loc)) {
                    res.headers_mut().insert(header::LOCATION, v);
                }
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::strip_error_params;

    #[test]
    fn removes_only_server_fn_error_parameters() {
        assert_eq!(strip_error_params("/signin/demo?__path=%2Fapi%2Fsign_in&__err=eyJj"), "/signin/demo");
        assert_eq!(strip_error_params("/users?path=%2Feng%2F&__err=x"), "/users?path=%2Feng%2F");
        assert_eq!(strip_error_params("/console"), "/console");
    }
}
