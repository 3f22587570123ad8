//! The error every server function returns: the engine's [`IamError`] made serializable, with its
//! IAM code, a message fit for people and the per-field problems for forms. Internal causes are
//! logged on the server and never cross the wire.

use lanyard_iam::{FieldError, IamError};
use serde::{Deserialize, Serialize};
use server_fn_error::*;

mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// IAM's error code (`ValidationError`, `SignInFailed`, …) or `RequestFailed` for transport trouble.
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
    /// The HTTP status IAM gives this error (401 for a failed sign-in, 400 for invalid input…).
    #[serde(default = "internal_status")]
    pub status: u16,
}

fn internal_status() -> u16 {
    500
}

impl AppError {
    /// The caller's policies do not allow what was asked.
    pub fn is_access_denied(&self) -> bool {
        self.code == "AccessDenied"
    }

    /// A card whose data the viewer may not list is no card at all: `None` instead of the error.
    pub fn unless_denied<T>(self) -> Result<Option<T>, AppError> {
        if self.is_access_denied() {
            Ok(None)
        } else {
            Err(self)
        }
    }

    /// The message for one form field, if that field broke a rule.
    pub fn field_message(&self, field: &str) -> Option<String> {
        let msgs: Vec<&str> = self.fields.iter().filter(|f| f.field == field).map(|f| f.message.as_str()).collect();
        (!msgs.is_empty()).then(|| msgs.join("; "))
    }
}

impl From<IamError> for AppError {
    fn from(e: IamError) -> Self {
        #[cfg(feature = "ssr")]
        match &e {
            IamError::Internal(cause) => tracing::error!(%cause, "internal error"),
            IamError::Unavailable(cause) => {
                tracing::warn!(%cause, "service unavailable");
                // A page rendered on the server answers 503 too, not 200 with an alert inside.
                if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                    res.set_status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
                }
            }
            _ => {}
        }
        AppError {
            code: e.code().to_owned(),
            message: e.public_message(),
            fields: e
                .field_errors()
                .iter()
                .map(|f| FieldError::new(&f.field, lanyard_iam::error::clip_echoes(&f.message)))
                .collect(),
            status: e.status(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        tracing::warn!(error = %value, "server function failed outside the engine");
        // Bad input is the caller's fault (400), never the server's.
        let (message, status) = match value {
            ServerFnErrorErr::Request(_) => {
                ("The console could not reach the server. Check your connection and try again.", 503)
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                ("The form was incomplete or malformed. Please fill it in again.", 400)
            }
            _ => ("Something went wrong on our side. Please try again.", 500),
        };
        AppError { code: "RequestFailed".to_owned(), message: message.to_owned(), fields: Vec::new(), status }
    }
}
