//! The AWS Query API on `POST /` of the console's address, where the stock `aws` CLI and boto3
//! send it: SigV4 is checked by the engine first, then the `Action` is dispatched. Answers and
//! errors are AWS's XML. Today: STS GetCallerIdentity.

use crate::router::ServerState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use lanyard_iam::sigv4::SignedRequest;
use lanyard_iam::usecases::api_auth::ApiCaller;
use lanyard_iam::IamError;
use rand::Rng;
use time::OffsetDateTime;

const STS_XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

fn request_id() -> String {
    let b: [u8; 16] = rand::thread_rng().gen();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

fn xml(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/xml")], body).into_response()
}

fn error_response(e: &IamError, request_id: &str) -> Response {
    if let IamError::Internal(cause) = e {
        tracing::error!(%cause, request_id, "API request failed");
    }
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = if status.is_server_error() { "Receiver" } else { "Sender" };
    xml(
        status,
        format!(
            "<ErrorResponse xmlns=\"{STS_XMLNS}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
            e.code(),
            escape(&e.public_message())
        ),
    )
}

fn get_caller_identity(caller: &ApiCaller, request_id: &str) -> Response {
    xml(
        StatusCode::OK,
        format!(
            "<GetCallerIdentityResponse xmlns=\"{STS_XMLNS}\"><GetCallerIdentityResult><Arn>{}</Arn><UserId>{}</UserId><Account>{}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>",
            escape(&caller.principal.arn()),
            escape(&caller.user_id),
            caller.principal.account_id()
        ),
    )
}

pub async fn handle(
    State(state): State<ServerState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = request_id();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let req = SignedRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or_default(),
        headers: &headers,
        body: &body,
    };
    let caller = match state.engine.authenticate_request(&req, OffsetDateTime::now_utc()).await {
        Ok(caller) => caller,
        Err(e) => return error_response(&e, &request_id),
    };
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let param = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    match param("Action") {
        Some("GetCallerIdentity") if caller.service != "sts" => {
            let e = IamError::RequestAuth {
                code: "SignatureDoesNotMatch",
                message: "Credential should be scoped to correct service: 'sts'.".into(),
            };
            error_response(&e, &request_id)
        }
        Some("GetCallerIdentity") => get_caller_identity(&caller, &request_id),
        other => {
            let e = IamError::InvalidAction(format!(
                "Could not find operation {} for version {}",
                other.unwrap_or("(none)"),
                param("Version").unwrap_or("(none)")
            ));
            error_response(&e, &request_id)
        }
    }
}
