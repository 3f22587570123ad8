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

/// A redirect target kept only when it stays on this origin: leptos_axum sends a failed plain
/// post back to its `Referer`, which must not become a way to send a browser elsewhere. An
/// absolute URL of another origin becomes `/console`.
pub fn same_origin_location(location: &str, own_origin: &str) -> String {
    if location.starts_with('/') && !location.starts_with("//") && !location.starts_with("/\\") {
        return location.to_owned();
    }
    match location.strip_prefix(own_origin) {
        Some(rest) if rest.starts_with('/') && !rest.starts_with("//") => rest.to_owned(),
        Some("") => "/".to_owned(),
        _ => "/console".to_owned(),
    }
}

pub async fn clean_form_redirects(req: Request, next: Next) -> Response {
    let scheme = if req.headers().get("x-forwarded-proto").is_some_and(|v| v == "https") { "https" } else { "http" };
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
    let own_origin = format!("{scheme}://{host}");
    let mut res = next.run(req).await;
    if res.status().is_redirection() {
        if let Some(loc) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) {
            let cleaned = same_origin_location(&strip_error_params(loc), &own_origin);
            if cleaned != loc {
                if let Ok(v) = HeaderValue::from_str(&cleaned) {
                    res.headers_mut().insert(header::LOCATION, v);
                }
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::{same_origin_location, strip_error_params};

    /// Attack: a failed no-JavaScript post redirected to whatever `Referer` said.
    #[test]
    fn redirects_stay_on_this_origin() {
        let own = "http://localhost:3000";
        assert_eq!(same_origin_location("http://localhost:3000/console/users/new", own), "/console/users/new");
        assert_eq!(same_origin_location("/signin/demo", own), "/signin/demo");
        assert_eq!(same_origin_location("https://evil.example/phish", own), "/console");
        assert_eq!(same_origin_location("http://localhost:3000.evil.example/x", own), "/console");
        assert_eq!(same_origin_location("//evil.example/x", own), "/console");
        assert_eq!(same_origin_location("/\\evil.example", own), "/console");
    }

    #[test]
    fn removes_only_server_fn_error_parameters() {
        assert_eq!(strip_error_params("/signin/demo?__path=%2Fapi%2Fsign_in&__err=eyJj"), "/signin/demo");
        assert_eq!(strip_error_params("/users?path=%2Feng%2F&__err=x"), "/users?path=%2Feng%2F");
        assert_eq!(strip_error_params("/console"), "/console");
    }
}
