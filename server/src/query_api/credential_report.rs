//! GenerateCredentialReport (STARTED, INPROGRESS or COMPLETE) and GetCredentialReport (the CSV,
//! base64, as IAM answers).

use super::xml::Xml;
use super::{Call, Reply};
use base64::Engine as _;
use lanyard_iam::IamError;

pub async fn generate_credential_report(call: &Call<'_>) -> Result<Reply, IamError> {
    let state = call.engine.generate_credential_report(&call.actor).await?;
    let mut x = Xml::new();
    x.el("State", state.as_str()).el("Description", state.description());
    Ok(Some(x))
}

pub async fn get_credential_report(call: &Call<'_>) -> Result<Reply, IamError> {
    let report = call.engine.get_credential_report(&call.actor).await?;
    let csv = call.engine.credential_report_bytes(&report).await?;
    let mut x = Xml::new();
    x.el("Content", base64::engine::general_purpose::STANDARD.encode(csv))
        .el("ReportFormat", "text/csv")
        .time("GeneratedTime", report.generated_at);
    Ok(Some(x))
}
