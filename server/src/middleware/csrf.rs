//! Refuses state-changing requests that a browser sent from another origin (cross-site request
//! forgery), on every route: server functions, form targets and the future API alike.
//!
//! Browsers send `Origin` on every POST; it must be this very origin (scheme and host with port),
//! not merely the same site — `evil.signin.localhost` and `demo.signin.localhost` are the same
//! site, and SameSite cookies alone would not stop one from posting to the other. Requests without
//! `Origin` and `Sec-Fetch-Site` come from non-browser clients (the aws CLI); such a request that
//! carries a cookie is refused, since no browser sends one like it.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(Clone, Debug)]
pub struct CsrfConfig {
    /// `http` or `https`: the scheme browsers use to reach the console.
    pub scheme: String,
    /// The configured public origin, accepted too (a proxy may rewrite `Host`).
    pub public_origin: String,
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

/// Why a request is refused, or `None` when it may proceed.
pub fn refusal(cfg: &CsrfConfig, method: &Method, headers: &HeaderMap) -> Option<&'static str> {
    if is_safe(method) {
        return None;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("null");
        let own = format!("{}://{}", cfg.scheme, host);
        return if !host.is_empty() && origin.eq_ignore_ascii_case(&own)
            || origin.eq_ignore_ascii_case(&cfg.public_origin)
        {
            None
        } else {
            Some("origin does not match")
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin") => None,
        Some(_) => Some("sec-fetch-site is not same-origin"),
        None if headers.contains_key(header::COOKIE) => Some("a cookie without origin or fetch metadata"),
        None => None,
    }
}

pub async fn csrf_guard(State(cfg): State<CsrfConfig>, req: Request, next: Next) -> Response {
    if let Some(reason) = refusal(&cfg, req.method(), req.headers()) {
        tracing::warn!(path = %req.uri().path(), reason, "cross-site request refused");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn cfg() -> CsrfConfig {
        CsrfConfig { scheme: "http".into(), public_origin: "http://localhost:3000".into() }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn same_origin_posts_pass_and_cross_origin_posts_are_refused() {
        let ok = headers(&[("host", "demo.signin.localhost:3000"), ("origin", "http://demo.signin.localhost:3000")]);
        assert_eq!(refusal(&cfg(), &Method::POST, &ok), None);
        let sibling =
            headers(&[("host", "demo.signin.localhost:3000"), ("origin", "http://evil.signin.localhost:3000")]);
        assert!(refusal(&cfg(), &Method::POST, &sibling).is_some(), "same site is not same origin");
        let evil = headers(&[("host", "localhost:3000"), ("origin", "https://evil.example")]);
        assert!(refusal(&cfg(), &Method::POST, &evil).is_some());
        let null = headers(&[("host", "localhost:3000"), ("origin", "null")]);
        assert!(refusal(&cfg(), &Method::POST, &null).is_some());
        let scheme = headers(&[("host", "localhost:3000"), ("origin", "https://localhost:3000")]);
        assert!(refusal(&cfg(), &Method::POST, &scheme).is_some(), "scheme must match too");
    }

    #[test]
    fn fetch_metadata_without_origin_is_checked() {
        let cross = headers(&[("host", "localhost:3000"), ("sec-fetch-site", "cross-site")]);
        assert!(refusal(&cfg(), &Method::POST, &cross).is_some());
        let same = headers(&[("host", "localhost:3000"), ("sec-fetch-site", "same-origin")]);
        assert_eq!(refusal(&cfg(), &Method::POST, &same), None);
    }

    #[test]
    fn safe_methods_and_non_browser_clients_pass() {
        let evil = headers(&[("host", "localhost:3000"), ("origin", "https://evil.example")]);
        assert_eq!(refusal(&cfg(), &Method::GET, &evil), None);
        assert_eq!(refusal(&cfg(), &Method::POST, &headers(&[("host", "localhost:3000")])), None);
    }

    /// Attack: a cookie-bearing POST with neither `Origin` nor `Sec-Fetch-Site` went through.
    #[test]
    fn cookie_bearing_posts_need_an_origin() {
        let bare = headers(&[("host", "localhost:3000"), ("cookie", "lanyard_session=abc")]);
        assert!(refusal(&cfg(), &Method::POST, &bare).is_some());
        let with_origin = headers(&[
            ("host", "localhost:3000"),
            ("cookie", "lanyard_session=abc"),
            ("origin", "http://localhost:3000"),
        ]);
        assert_eq!(refusal(&cfg(), &Method::POST, &with_origin), None);
    }
}
