//! The credential report in the console: when the current one was made, and `Download report`
//! (`GET /api/credential_report`), which generates a report when there is none younger than
//! four hours and streams the CSV chunk by chunk from the database.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, StreamingText, TextStream};

/// When the account's current report was generated (`None`: none, or it expired).
#[server(endpoint = "load_credential_report")]
pub async fn load_credential_report() -> Result<Option<String>, AppError> {
    use crate::api::user_detail::format_time;
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::IamError;

    let principal = signed_in().await?;
    match ConsoleState::get()?.engine.get_credential_report(&principal).await {
        Ok(report) => Ok(Some(format_time(report.generated_at))),
        Err(IamError::CredentialReport(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[server(endpoint = "credential_report", input = GetUrl, output = StreamingText)]
pub async fn download_credential_report() -> Result<TextStream<AppError>, AppError> {
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::usecases::credential_report::ReportState;
    use lanyard_iam::IamError;

    let principal = signed_in().await?;
    let engine = ConsoleState::get()?.engine.clone();
    let report = match engine.get_credential_report(&principal).await {
        Ok(report) => report,
        Err(IamError::CredentialReport(_)) => {
            // Generate one and wait for it (a second at most for most accounts).
            for _ in 0..100 {
                if engine.generate_credential_report(&principal).await? == ReportState::Complete {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            engine.get_credential_report(&principal).await?
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            axum::http::header::CONTENT_DISPOSITION,
            axum::http::HeaderValue::from_static("attachment; filename=\"credential_report.csv\""),
        );
    }
    let chunks = futures_util::stream::unfold(Some(0), move |next| {
        let (engine, report) = (engine.clone(), report.clone());
        async move {
            let seq = next?;
            match engine.credential_report_chunk(&report, seq).await {
                // The report is ASCII: the chunk becomes the text without a copy.
                Ok(Some(chunk)) => {
                    let text =
                        String::from_utf8(chunk).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    Some((Ok(text), Some(seq + 1)))
                }
                Ok(None) => None,
                Err(e) => Some((Err(AppError::from(e)), None)),
            }
        }
    });
    Ok(TextStream::new(chunks))
}
