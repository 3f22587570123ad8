//! `lanyard bench`, part 5: signed Query API calls. A Rust load generator signs requests with an
//! access key (SigV4, as the aws CLI does) and posts them to the in-process server on loopback:
//! STS GetCallerIdentity alone, then a mixed IAM workload (CreateUser, CreateAccessKey, GetUser,
//! ListUsers pages of 100, GetCallerIdentity, DeleteAccessKey, DeleteUser); prints requests per
//! second per action and overall, p50/p99, and CPU per request.

use super::stats::percentile;
use crate::error::{CommandError, CommandResult};
use lanyard_iam::sigv4;
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
    signed_for(host, key, secret, BODY, "sts")
}

/// One signed Query API request's headers for `body` (also the soak's, see `soak.rs`).
pub(super) fn signed_for(
    host: &str,
    key: &str,
    secret: &str,
    body: &str,
    service: &str,
) -> Result<Vec<(String, String)>, CommandError> {
    let creds = sigv4::ClientCredentials { access_key_id: key, secret, session_token: None };
    sigv4::client_post_headers(host, creds, "us-east-1", service, body.as_bytes(), OffsetDateTime::now_utc())
        .map_err(|h| err("sign", h))
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
    let (before, machine_before) = (cpu(), super::machine_busy());
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
    print_machine_cpu(machine_before, ok as usize, "  ");
    // The root user may hold two keys; each part of the benchmark returns the one it made.
    engine.delete_access_key(owner_of_key, &OwnerRef::Me, &id).await?;
    Ok(())
}

/// The whole machine's CPU per request since `before` (server, PostgreSQL and load generator
/// together): steadier than a rate on a VM whose speed drifts, so changes compare by it.
fn print_machine_cpu(before: Option<f64>, requests: usize, indent: &str) {
    if let (Some(b0), Some(b1), true) = (before, super::machine_busy(), requests > 0) {
        println!(
            "{indent}{:.3} ms CPU per request on the whole machine (with PostgreSQL)",
            1000.0 * (b1 - b0) / requests as f64
        );
    }
}

async fn post(client: &reqwest::Client, url: &str, headers: &[(String, String)]) -> Result<String, CommandError> {
    post_body(client, url, headers, BODY).await
}

pub(super) async fn post_body(
    client: &reqwest::Client,
    url: &str,
    headers: &[(String, String)],
    body: &str,
) -> Result<String, CommandError> {
    let mut req = client.post(url).body(body.to_owned());
    for (n, v) in headers.iter().filter(|(n, _)| n != "host") {
        req = req.header(n.as_str(), v.as_str());
    }
    let res = req.send().await.map_err(|e| err("post", e))?;
    res.text().await.map_err(|e| err("read", e))
}

/// The mixed workload's steps, in the order each client runs them.
const MIXED: [&str; 7] =
    ["CreateUser", "CreateAccessKey", "GetUser", "ListUsers", "GetCallerIdentity", "DeleteAccessKey", "DeleteUser"];

fn between<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    xml.split(&format!("<{tag}>")).nth(1)?.split(&format!("</{tag}>")).next()
}

/// Mixed signed IAM workload at `clients` concurrent clients for `seconds`, with the root user's
/// key; ListUsers reads a page of 100 under a path holding 200 users.
pub async fn mixed_figures(
    engine: &Engine,
    root: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    clients: usize,
    seconds: u64,
    cpu: impl Fn() -> Option<(f64, u64)>,
) -> CommandResult {
    for i in 0..200 {
        let user = lanyard_iam::usecases::users::NewUser {
            user_name: format!("listed-{i:03}"),
            path: Some("/bench-list/".into()),
            ..Default::default()
        };
        engine.create_user(root, user).await?;
    }
    let key = engine.create_access_key(root, &OwnerRef::Me).await?;
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.expose().to_owned());
    let host = base.trim_start_matches("http://").to_owned();
    let url = format!("{base}/");
    let deadline = Instant::now() + Duration::from_secs(seconds.max(1));
    let started = Instant::now();
    let (before, machine_before) = (cpu(), super::machine_busy());
    let mut tasks = Vec::new();
    for c in 0..clients.max(1) {
        let (client, url, host, id, secret) = (client.clone(), url.clone(), host.clone(), id.clone(), secret.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); MIXED.len()];
            let mut failed = 0u64;
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let user = format!("mix-{c}-{n}");
                let mut key_id = String::new();
                for (step, action) in MIXED.iter().enumerate() {
                    let (body, service) = match *action {
                        "CreateUser" => {
                            (format!("Action=CreateUser&Version=2010-05-08&UserName={user}&Path=%2Fmix%2F"), "iam")
                        }
                        "CreateAccessKey" => {
                            (format!("Action=CreateAccessKey&Version=2010-05-08&UserName={user}"), "iam")
                        }
                        "GetUser" => (format!("Action=GetUser&Version=2010-05-08&UserName={user}"), "iam"),
                        "ListUsers" => (
                            "Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fbench-list%2F&MaxItems=100".to_owned(),
                            "iam",
                        ),
                        "GetCallerIdentity" => (BODY.to_owned(), "sts"),
                        "DeleteAccessKey" => (
                            format!("Action=DeleteAccessKey&Version=2010-05-08&UserName={user}&AccessKeyId={key_id}"),
                            "iam",
                        ),
                        _ => (format!("Action=DeleteUser&Version=2010-05-08&UserName={user}"), "iam"),
                    };
                    let t = Instant::now();
                    let answer = match signed_for(&host, &id, &secret, &body, service) {
                        Ok(h) => post_body(&client, &url, &h, &body).await.ok(),
                        Err(_) => None,
                    };
                    let ok = answer
                        .as_deref()
                        .is_some_and(|a| a.contains("<ResponseMetadata>") && !a.contains("<ErrorResponse"));
                    if *action == "CreateAccessKey" {
                        key_id =
                            answer.as_deref().and_then(|a| between(a, "AccessKeyId")).unwrap_or_default().to_owned();
                    }
                    if ok {
                        latencies[step].push(t.elapsed());
                    } else {
                        failed += 1;
                    }
                }
            }
            (latencies, failed)
        }));
    }
    let mut all: Vec<Vec<Duration>> = vec![Vec::new(); MIXED.len()];
    let mut failed = 0u64;
    for t in tasks {
        let (l, f) = t.await.map_err(|e| err("mixed load", e))?;
        for (i, v) in l.into_iter().enumerate() {
            all[i].extend(v);
        }
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Milliseconds at quantile `q` of `v`, sorted here (the benchmark's one percentile rule).
    let pct = |v: &mut Vec<Duration>, q: f64| {
        v.sort();
        percentile(v, q).as_secs_f64() * 1000.0
    };
    println!("  mixed signed IAM workload, {clients} clients, {elapsed:.1} s:");
    let mut every: Vec<Duration> = Vec::new();
    for (i, action) in MIXED.iter().enumerate() {
        let n = all[i].len();
        let (p50, p99) = (pct(&mut all[i], 0.5), pct(&mut all[i], 0.99));
        println!("    {action:<18} {:7.0} /s  p50 {p50:6.2} ms  p99 {p99:6.2} ms", n as f64 / elapsed);
        every.extend(all[i].iter().copied());
    }
    let total = every.len();
    let (p50, p99) = (pct(&mut every, 0.5), pct(&mut every, 0.99));
    println!(
        "    {:<18} {:7.0} /s  p50 {p50:6.2} ms  p99 {p99:6.2} ms  ({failed} failed)",
        "all",
        total as f64 / elapsed
    );
    if let (Some((c0, _)), Some((c1, _)), true) = (before, cpu(), total > 0) {
        println!(
            "    {:.3} ms CPU per request in this process (server and the signing client)",
            1000.0 * (c1 - c0) / total as f64
        );
    }
    print_machine_cpu(machine_before, total, "    ");
    // The root user may hold two keys; each part of the benchmark returns the one it made.
    engine.delete_access_key(root, &OwnerRef::Me, &id).await?;
    Ok(())
}

/// Signed ListUsers pages of 100 (MaxItems=100), one request at a time, over the users seeded
/// into the account: the first page, a path prefix, and the page after a marker.
pub async fn list_users_figures(
    engine: &Engine,
    root: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    requests: usize,
    seeded: u64,
) -> CommandResult {
    let key = engine.create_access_key(root, &OwnerRef::Me).await?;
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.expose().to_owned());
    let host = base.trim_start_matches("http://").to_owned();
    let url = format!("{base}/");
    let first = "Action=ListUsers&Version=2010-05-08&MaxItems=100";
    let answer = post_body(client, &url, &signed_for(&host, &id, &secret, first, "iam")?, first).await?;
    let marker = between(&answer, "Marker").ok_or_else(|| err("ListUsers", "no Marker on the first page"))?;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pages = [
        ("first page", first.to_owned()),
        ("PathPrefix /dept-07/", format!("{first}&PathPrefix=%2Fdept-07%2F")),
        ("after a Marker (second page)", format!("{first}&Marker={}", enc(marker))),
    ];
    for (what, body) in pages {
        let mut lat = Vec::with_capacity(requests);
        for _ in 0..requests.max(1) {
            let headers = signed_for(&host, &id, &secret, &body, "iam")?;
            let t = Instant::now();
            let answer = post_body(client, &url, &headers, &body).await?;
            lat.push(t.elapsed());
            if answer.matches("<member>").count() != 100 {
                return Err(err("ListUsers", format!("{what}: not a page of 100")));
            }
        }
        lat.sort();
        println!(
            "  signed ListUsers, 100 of {seeded} users, {what:<30} p50 {:.1} ms  p99 {:.1} ms  (n={})",
            percentile(&lat, 0.5).as_secs_f64() * 1000.0,
            percentile(&lat, 0.99).as_secs_f64() * 1000.0,
            lat.len()
        );
    }
    // The root user may hold two keys; each part of the benchmark returns the one it made.
    engine.delete_access_key(root, &OwnerRef::Me, &id).await?;
    Ok(())
}
