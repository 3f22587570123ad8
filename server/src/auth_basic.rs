//! `GET /auth/basic`: what a reverse proxy asks before it lets a client through (nginx's
//! `auth_request`). The client's `Authorization: Basic` header must name an active
//! service-specific credential of an existing user, for the service in `?service=` (HTTPS git,
//! `codecommit.amazonaws.com`, when absent). 204 with the user in `X-Lanyard-User` and
//! `X-Lanyard-Account`; 401 with a Basic challenge otherwise; 503 while the database is away.
//! Attempts are throttled like console sign-in, per service user name and per client address.

use crate::state::ServerState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use base64::Engine as _;
use lanyard_app::ssr::ClientAddr;
use lanyard_iam::domain::{CredentialService, Password};
use lanyard_iam::usecases::service_credentials::ServiceCaller;
use lanyard_iam::IamError;
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr};

#[derive(Deserialize)]
pub struct AuthQuery {
    service: Option<String>,
}

/// `user:password` from an `Authorization: Basic …` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, Password)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), Password::new(password)))
}

fn challenge() -> Response {
    let mut res = (StatusCode::UNAUTHORIZED, "Unauthorized\n").into_response();
    res.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"Lanyard\", charset=\"UTF-8\""));
    res
}

fn allowed(caller: ServiceCaller) -> Response {
    let mut res = StatusCode::NO_CONTENT.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&caller.user_name) {
        headers.insert("x-lanyard-user", v);
    }
    if let Ok(v) = HeaderValue::from_str(caller.account_id.as_str()) {
        headers.insert("x-lanyard-account", v);
    }
    res
}

pub async fn check(
    State(state): State<ServerState>,
    client: Option<Extension<ClientAddr>>,
    Query(query): Query<AuthQuery>,
    headers: HeaderMap,
) -> Response {
    let service = match query.service.as_deref().map(CredentialService::parse).transpose() {
        Ok(s) => s.unwrap_or(CredentialService::CodeCommit),
        Err(e) => return (StatusCode::BAD_REQUEST, e.public_message()).into_response(),
    };
    let Some((user, password)) = basic_credentials(&headers) else {
        return challenge();
    };
    let source = client.map(|Extension(ClientAddr(ip))| ip).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    match state.engine.check_service_password(service, &user, &password, source).await {
        Ok(Ok(caller)) => allowed(caller),
        Ok(Err(_)) => challenge(),
        Err(e @ IamError::Unavailable(_)) => (StatusCode::SERVICE_UNAVAILABLE, e.public_message()).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "service password check failed");
            (StatusCode::INTERNAL_SERVER_ERROR, e.public_message()).into_response()
        }
    }
}
