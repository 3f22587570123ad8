//! `lanyard bench`, part 6b: the policy simulator's worst case (issue 29). SimulateCustomPolicy
//! requests built to be as costly as the work budget admits — wildcard patterns that made the old
//! backtracking matcher take pattern × text steps, against 2,040-character ARNs — are signed and
//! posted one at a time (CPU and wall time per request), then four clients keep posting them
//! while `/healthz` is asked every 20 ms (its p50/p99/max). Prints figures, asserts nothing.

use super::api::{post_body, signed_for};
use super::stats::percentile;
use crate::error::{CommandError, CommandResult};
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::usecases::policy_simulator::SIMULATION_BUDGET;
use lanyard_iam::Engine;
use std::time::{Duration, Instant};

fn err(what: &str, e: impl std::fmt::Display) -> CommandError {
    CommandError::Usage(format!("bench: simulator: {what}: {e}"))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A SimulateCustomPolicy body: 10 statements of `bait` resources, as many actions on one long
/// resource as the work budget admits (the costliest request the server still evaluates).
fn worst_body(bait: &str) -> Result<(String, usize), CommandError> {
    let statements: Vec<String> =
        (0..10).map(|i| format!(r#"{{"Sid":"s{i}","Effect":"Allow","Action":"iam:*","Resource":"{bait}"}}"#)).collect();
    let policy = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    let doc = lanyard_iam::policy::parse_policy(&policy).map_err(|e| err("bait policy", e))?;
    let resource = format!("arn:{}", "a".repeat(2040));
    let per_evaluation = lanyard_iam::policy::match_cost(&doc, resource.len()).max(1);
    // As many as the coarse estimate admits: the time limit then decides.
    let evaluations = usize::try_from(SIMULATION_BUDGET / per_evaluation).unwrap_or(1).clamp(1, 1000);
    let mut body = format!(
        "Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1={}&ResourceArns.member.1={}",
        enc(&policy),
        enc(&resource)
    );
    for i in 1..=evaluations {
        body.push_str(&format!("&ActionNames.member.{i}=iam%3AAction{i}"));
    }
    Ok((body, evaluations))
}

pub async fn simulator_figures(
    engine: &Engine,
    root: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    cpu: impl Fn() -> Option<(f64, u64)>,
) -> CommandResult {
    let key = engine.create_access_key(root, &OwnerRef::Me).await?;
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.expose().to_owned());
    let host = base.trim_start_matches("http://").to_owned();
    let url = format!("{base}/");
    let ascii_bait = format!("arn:*{}*b", "a?".repeat(1000));
    // Distinct non-ASCII units: the matcher's masks grow with them.
    let unicode_bait =
        format!("arn:*{}?*b", (0..1000u32).filter_map(|i| char::from_u32(0x4E00 + i)).collect::<String>());
    println!("  policy simulator, the costliest SimulateCustomPolicy the budget admits (10 bait statements, 2,040-char ARN):");
    let mut heaviest = String::new();
    for (label, bait) in [("ASCII `arn:*a?a?…*b`", ascii_bait), ("1,000 distinct CJK units", unicode_bait)] {
        let (body, evaluations) = worst_body(&bait)?;
        let headers = signed_for(&host, &id, &secret, &body, "iam")?;
        let probe = post_body(client, &url, &headers, &body).await?;
        let answer = if probe.contains("<EvalDecision>") {
            "answered"
        } else if probe.contains("<Code>LimitExceeded</Code>") {
            "refused at the time limit"
        } else {
            return Err(err("probe", probe.chars().take(300).collect::<String>()));
        };
        let mut wall = Vec::new();
        let before = cpu();
        let n = 10;
        for _ in 0..n {
            let headers = signed_for(&host, &id, &secret, &body, "iam")?;
            let t = Instant::now();
            post_body(client, &url, &headers, &body).await?;
            wall.push(t.elapsed());
        }
        wall.sort();
        let cpu_ms = match (before, cpu()) {
            (Some((c0, _)), Some((c1, _))) => format!("{:.1} ms", 1000.0 * (c1 - c0) / n as f64),
            _ => "n/a".into(),
        };
        println!(
            "    {label}: {evaluations} evaluations, {} KB request, {answer}: CPU {cpu_ms} per request (server and client), wall p50 {} / max {}",
            body.len() / 1024,
            super::ms(percentile(&wall, 0.5)),
            super::ms(percentile(&wall, 1.0)),
        );
        if body.len() > heaviest.len() {
            heaviest = body;
        }
    }
    // Over the estimate's budget (the same bait, 10 times the evaluations the estimate admits, in
    // an admissible count of actions and resources): refused before any evaluation.
    let (body, evaluations) = worst_body(&format!("arn:*{}*b", "a?".repeat(1000)))?;
    let extra: String = (2..=10).map(|i| format!("&ResourceArns.member.{i}=arn%3Ax{i}")).collect();
    let over = body + &extra;
    let headers = signed_for(&host, &id, &secret, &over, "iam")?;
    let t = Instant::now();
    let answer = post_body(client, &url, &headers, &over).await?;
    let code = answer.split("<Code>").nth(1).and_then(|c| c.split("</Code>").next()).unwrap_or("none (answered)");
    println!(
        "    {} evaluations, beyond the estimate's budget: {code} in {}",
        evaluations * 10,
        super::ms(t.elapsed())
    );

    // Health checks while four clients keep posting the heaviest simulation.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (client, url, host, id, secret, body) =
            (client.clone(), url.clone(), host.clone(), id.clone(), secret.clone(), heaviest.clone());
        tasks.push(tokio::spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                if let Ok(h) = signed_for(&host, &id, &secret, &body, "iam") {
                    if post_body(&client, &url, &h, &body).await.is_ok() {
                        done += 1;
                    }
                }
            }
            done
        }));
    }
    let mut health = Vec::new();
    let health_url = format!("{base}/healthz");
    while Instant::now() < deadline {
        let t = Instant::now();
        client.get(&health_url).send().await.map_err(|e| err("healthz", e))?;
        health.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut simulations = 0;
    for t in tasks {
        simulations += t.await.map_err(|e| err("client", e))?;
    }
    health.sort();
    println!(
        "    /healthz while 4 clients post them ({simulations} simulations in 5 s): p50 {} / p99 {} / max {} over {} checks",
        super::ms(percentile(&health, 0.5)),
        super::ms(percentile(&health, 0.99)),
        super::ms(percentile(&health, 1.0)),
        health.len()
    );
    Ok(())
}
