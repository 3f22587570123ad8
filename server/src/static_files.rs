//! The console's built files under `/pkg`: served precompressed when the build left `.br`/`.gz`
//! next to them (`cargo leptos build --release --precompress`), and cached by browsers for good
//! when their names carry a content hash (cargo-leptos `hash-files`), revalidated otherwise.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// The name of the file cargo-leptos writes next to the server's executable with the hashes it
/// put into the file names.
pub const HASH_FILE: &str = "hash.txt";

/// Whether this executable was built with hashed file names (its `hash.txt` is beside it).
pub fn hashed_build() -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(HASH_FILE).exists())).unwrap_or(false)
}

/// `lanyard.Ab3…xY.wasm`: a middle segment of at least 16 URL-safe base64 characters.
fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 3
        && parts[1].len() >= 16
        && parts[1].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let immutable = is_hashed_name(req.uri().path());
    let mut res = next.run(req).await;
    let value = if !res.status().is_success() {
        "no-store"
    } else if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// The `/pkg` service over `<site_root>/pkg`.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(site_root: &str) -> Router<S> {
    let dir = ServeDir::new(format!("{}/pkg", site_root.trim_end_matches('/'))).precompressed_br().precompressed_gzip();
    Router::new().fallback_service(dir).layer(axum::middleware::from_fn(cache_headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashed_names_are_cached_for_good() {
        assert!(is_hashed_name("/pkg/lanyard.k2Xq8vG0bW1nZp3rT5yU7a.wasm"));
        assert!(is_hashed_name("/pkg/lanyard.k2Xq8vG0bW1nZp3r-_yU7a.js"));
        assert!(!is_hashed_name("/pkg/lanyard.wasm"));
        assert!(!is_hashed_name("/pkg/lanyard_bg.wasm.d.ts"));
        assert!(!is_hashed_name("/pkg/lanyard.short.css"));
    }
}
