//! `lanyard bench`, part 5: signed Query API calls. A Rust load generator signs STS
//! GetCallerIdentity requests with an access key (SigV4, as the aws CLI does) and posts them to the
//! in-process server on loopback; prints requests per second and CPU per request.

use crate::commands::{CommandError, CommandResult};
use lanyard_iam::sigv4::{self, SignedRequest};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::Engine;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

fn err(what: &str, e: impl std::fmt::Display) -> CommandError {
    CommandError::Usage(format!("bench: {what}: {e}"))
}

/// One signed request's headers (the signature covers host, content type and date).
fn signed_headers(host: &str, key: &str, secret: &str) -> Result<Vec<(String, String)>, CommandError> {
    let amz_date = sigv4::format_amz_date(OffsetDateTime::now_utc());
    let mut headers = vec![
        ("host".to_owned(), host.to_owned()),
        ("content-type".to_owned(), "application/x-www-form-urlencoded; charset=utf-8".to_owned()),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    let names: Vec<String> = headers.iter().map(|(n, _)| n.clone()).collect();
    let req = SignedRequest { method: "POST", path: "/", query: "", headers: &headers, body: BODY.as_bytes() };
    let auth = sigv4::sign(&req, key, secret, &amz_date, "us-east-1", "sts", &names).map_err(|h| err("sign", h))?;
    headers.push(("authorization".to_owned(), auth));
    Ok(headers)
}

pub async fn api_figures(
    engine: &Engine,
    owner_of_key: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    clients: usize,
    seconds: u64,
    cpu: impl Fn() -> Option<(f64, u64)>,
) -> CommandResult {
    let key = engine.create_access_key(owner_of_key, &OwnerRef::Me).await?;
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.expose().to_owned());
    let host = base.trim_start_matches("http://").to_owned();
    let url = format!("{base}/");
    // One check that it works at all, so the figure below is not a rate of errors.
    let probe = post(client, &url, &signed_headers(&host, &id, &secret)?).await?;
    if !probe.contains("<GetCallerIdentityResult>") {
        return Err(err("GetCallerIdentity", probe));
    }
    let deadline = Instant::now() + Duration::from_secs(seconds.max(1));
    let started = Instant::now();
    let before = cpu();
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (client, url, host, id, secret) = (client.clone(), url.clone(), host.clone(), id.clone(), secret.clone());
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            while Instant::now() < deadline {
                let done = match signed_headers(&host, &id, &secret) {
                    Ok(h) => post(&client, &url, &h).await.is_ok_and(|b| b.contains("<Arn>")),
                    Err(_) => false,
                };
                if done {
                    ok += 1;
                } else {
                    failed += 1;
                }
            }
            (ok, failed)
        }));
    }
    let (mut ok, mut failed) = (0u64, 0u64);
    for t in tasks {
        let (o, f) = t.await.map_err(|e| err("api load", e))?;
        ok += o;
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "  signed GetCallerIdentity (SigV4)      {:7.0} /s  ({clients} clients, {ok} ok, {failed} failed in {elapsed:.1} s)",
        ok as f64 / elapsed
    );
    if let (Some((c0, _)), Some((c1, _)), true) = (before, cpu(), ok > 0) {
        println!(
            "  {:.3} ms CPU per signed request in this process (server, and the client signing each request)",
            1000.0 * (c1 - c0) / ok as f64
        );
    }
    Ok(())
}

async fn post(client: &reqwest::Client, url: &str, headers: &[(String, String)]) -> Result<String, CommandError> {
    let mut req = client.post(url).body(BODY);
    for (n, v) in headers.iter().filter(|(n, _)| n != "host") {
        req = req.header(n.as_str(), v.as_str());
    }
    let res = req.send().await.map_err(|e| err("post", e))?;
    res.text().await.map_err(|e| err("read", e))
}
