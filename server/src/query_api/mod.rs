//! The AWS Query API on `POST /` of the console's address, where the stock `aws` CLI, boto3 and
//! Terraform send it: SigV4 is checked by the engine first, the service comes from the credential
//! scope, then the `Action` is looked up in one declarative table ([`actions::handler`], an exhaustive match) and its
//! handler — decode parameters, call the engine, write XML — runs as the caller's [`Actor`].
//! Every answer carries `x-amzn-RequestId`; every error is AWS's `ErrorResponse`.

mod access_keys;
mod account;
mod actions;
mod authorization_details;
mod credential_report;
mod credentials;
mod groups;
mod mfa;
mod params;
mod policies;
mod simulation;
mod sts;
mod users;
mod xml;

pub use actions::{actions, find, handler, ActionSpec};

use crate::state::ServerState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use lanyard_app::ssr::ClientAddr;
use lanyard_iam::domain::{IamAction, Service};
use lanyard_iam::sigv4::SignedRequest;
use lanyard_iam::usecases::actor::{Origin, RequestFacts};
use lanyard_iam::usecases::api_auth::ApiCaller;
use lanyard_iam::usecases::events::{random_uuid, Event, EventError, Outcome};
use lanyard_iam::{Actor, Engine, IamError, MfaContext};
use params::Params;
use time::OffsetDateTime;
use xml::Xml;

/// What a handler gets: the engine, the caller as an [`Actor`], who signed, and the parameters.
pub struct Call<'a> {
    pub engine: &'a Engine,
    pub actor: Actor,
    pub caller: &'a ApiCaller,
    pub params: Params,
}

/// A handler's answer: the `<…Result>` body, or none for actions whose response has no result.
pub type Reply = Option<Xml>;

/// The API's error: an engine error and the service whose namespace the answer uses. Mapped to
/// AWS's XML here, once, so no handler formats an error.
pub struct ApiError {
    pub error: IamError,
    pub service: Service,
    pub request_id: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self.error {
            IamError::Internal(cause) => tracing::error!(%cause, request_id = %self.request_id, "API request failed"),
            IamError::Unavailable(cause) => tracing::warn!(%cause, request_id = %self.request_id, "API unavailable"),
            _ => {}
        }
        let status = StatusCode::from_u16(self.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        xml_response(status, xml::error_body(&self.error, self.service, &self.request_id), &self.request_id)
    }
}

fn xml_response(status: StatusCode, body: String, request_id: &str) -> Response {
    let mut res = (status, [(header::CONTENT_TYPE, "text/xml")], body).into_response();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        res.headers_mut().insert("x-amzn-requestid", v);
    }
    res
}

fn version_of(service: Service) -> &'static str {
    match service {
        Service::Iam => "2010-05-08",
        Service::Sts => "2011-06-15",
    }
}

fn scope_service(caller: &ApiCaller) -> Service {
    if caller.service == "sts" {
        Service::Sts
    } else {
        Service::Iam
    }
}

pub async fn handle(
    State(state): State<ServerState>,
    client: Option<Extension<ClientAddr>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = random_uuid();
    let header_pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let req = SignedRequest {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or_default(),
        headers: &header_pairs,
        body: &body,
    };
    let caller = match state.engine.authenticate_request(&req, OffsetDateTime::now_utc()).await {
        Ok(caller) => caller,
        Err(error) => {
            crate::metrics::count_api_request("(unauthenticated)", error.code());
            return ApiError { error, service: Service::Iam, request_id }.into_response();
        }
    };
    let service = scope_service(&caller);
    let fail = |error: IamError| ApiError { error, service, request_id: request_id.clone() }.into_response();
    let params = match Params::parse(&body, uri.query().unwrap_or_default()) {
        Ok(params) => params,
        Err(e) => return fail(e),
    };
    let name = params.get("Action").unwrap_or("(none)").to_owned();
    let version = params.get("Version").unwrap_or("(none)").to_owned();
    let Some(spec) = actions::find(&name) else {
        crate::metrics::count_api_request("(unknown)", "InvalidAction");
        return fail(IamError::InvalidAction(format!("Could not find operation {name} for version {version}")));
    };
    if spec.action.service() != service {
        crate::metrics::count_api_request(spec.action.name(), "SignatureDoesNotMatch");
        return fail(IamError::RequestAuth {
            code: "SignatureDoesNotMatch",
            message: format!("Credential should be scoped to correct service: '{}'.", spec.action.service().prefix()),
        });
    }
    // AWS: temporary credentials from GetSessionToken "cannot call any IAM API operations unless
    // MFA authentication information is included in the request"; STS stays open to them.
    if service == Service::Iam && caller.session.is_some_and(|s| s.mfa_at.is_none()) {
        crate::metrics::count_api_request(spec.action.name(), "InvalidClientTokenId");
        return fail(lanyard_iam::usecases::api_auth::invalid_key());
    }
    if version != version_of(service) {
        crate::metrics::count_api_request(spec.action.name(), "InvalidAction");
        return fail(IamError::InvalidAction(format!("Could not find operation {name} for version {version}")));
    }
    let facts = RequestFacts {
        source_ip: client.map(|Extension(ClientAddr(ip))| ip),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(1024).collect()),
        secure_transport: state.secure_transport,
        requested_region: caller.region.clone(),
        token_issued_at: caller.session.map(|s| s.issued_at),
        origin: Origin::Api,
        request_id: Some(request_id.clone()),
        access_key_id: Some(caller.access_key_id.clone()),
    };
    // Long-term keys carry no MFA key at all; temporary credentials say whether MFA was proven.
    let mfa = match caller.session {
        None => MfaContext::Absent,
        Some(s) => s.mfa_at.map_or(MfaContext::NotPresent, |at| MfaContext::Present { at }),
    };
    let actor = match state.engine.load_actor(caller.principal.clone(), mfa).await {
        Ok(actor) => actor.with_facts(facts),
        Err(e) => return fail(e),
    };
    let call = Call { engine: &state.engine, actor, caller: &caller, params };
    let result = (spec.handler)(&call).await;
    let outcome = if result.is_ok() { Outcome::Succeeded } else { Outcome::Failed };
    crate::metrics::count_api_request(spec.action.name(), result.as_ref().map_or_else(|e| e.code(), |_| "OK"));
    // A change that failed is recorded here (one that succeeded recorded itself); reads only
    // when the setting asks for them, so nothing is built for them otherwise.
    if state.engine.records_request(spec.action, outcome) {
        let mut event = Event::action(spec.action).request(call.params.recorded());
        if let Some(user) = call.params.get("UserName") {
            event = event.about(user.chars().take(128).collect::<String>());
        }
        state.engine.record_request(&call.actor, event, result.as_ref().err().map(EventError::from)).await;
    }
    match result {
        Ok(result) => {
            xml_response(StatusCode::OK, xml::envelope(spec.action, result.as_ref(), &request_id), &request_id)
        }
        Err(e) => fail(e),
    }
}

/// The query-string form (`GET /?Action=…&Version=…`, signed with an `Authorization` header), which
/// some SDKs use for reads: answered like a POST; every other `GET /` goes on to the console.
pub async fn get_form(
    State(state): State<ServerState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_api = req.method() == Method::GET
        && req.uri().path() == "/"
        && req.uri().query().is_some_and(|q| q.split('&').any(|p| p.starts_with("Action=")));
    if !is_api {
        return next.run(req).await;
    }
    let (parts, _) = req.into_parts();
    let client = parts.extensions.get::<ClientAddr>().copied().map(Extension);
    handle(State(state), client, parts.method, parts.uri, parts.headers, Bytes::new()).await
}

/// The action a handler names, for handlers shared by user and group variants.
pub fn action_of(call: &Call<'_>) -> Option<IamAction> {
    call.params.get("Action").and_then(IamAction::from_name)
}
