//! `lanyard bench --soak SECONDS`: a fixed mixed rate — signed-in console pages, password
//! sign-ins and signed API calls (reads and user create/delete pairs) — held for the whole time,
//! open loop (a slow answer does not slow the rate). Prints, per minute (per 10 s when shorter),
//! requests, errors, p50/p99 and the process's resident memory, then the first and last RSS: memory
//! should stay flat and p99 stable.

use super::api::{post_body, signed_for};
use super::stats::percentile;
use super::{bench_err, ms};
use crate::error::CommandResult;
use lanyard_iam::usecases::credential_owner::OwnerRef;
use lanyard_iam::Engine;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests per second of each kind.
const PAGES_PER_SEC: u64 = 20;
const SIGN_INS_PER_SEC: u64 = 4;
const API_PER_SEC: u64 = 60;

/// This process's resident memory in MiB (Linux).
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[derive(Clone, Copy)]
struct Sample {
    at: Duration,
    took: Duration,
    ok: bool,
}

type Samples = Arc<Mutex<Vec<Sample>>>;

/// What the soak signs in with and reads.
pub struct SoakTarget<'a> {
    pub engine: &'a Engine,
    pub root: &'a lanyard_iam::Actor,
    pub client: &'a reqwest::Client,
    pub base: &'a str,
    pub cookie: &'a str,
    pub alias: &'a str,
    pub users: usize,
    pub password: &'a str,
}

/// Calls `make` every `1/per_sec` seconds until `deadline`, each call in its own task.
fn drive<F, Fut>(
    per_sec: u64,
    started: Instant,
    deadline: Instant,
    samples: Samples,
    make: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / per_sec.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut n = 0u64;
        let mut inflight = Vec::new();
        while Instant::now() < deadline {
            tick.tick().await;
            n += 1;
            let (fut, samples) = (make(n), samples.clone());
            inflight.push(tokio::spawn(async move {
                let t = Instant::now();
                let ok = fut.await;
                let sample = Sample { at: t - started, took: t.elapsed(), ok };
                if let Ok(mut s) = samples.lock() {
                    s.push(sample);
                }
            }));
            inflight.retain(|h: &tokio::task::JoinHandle<()>| !h.is_finished());
        }
        for h in inflight {
            let _ = h.await;
        }
    })
}

pub async fn soak(t: SoakTarget<'_>, seconds: u64) -> CommandResult {
    let key = t.engine.create_access_key(t.root, &OwnerRef::Me).await?;
    let (id, secret) = (key.key.access_key_id.clone(), key.secret.expose().to_owned());
    let host = t.base.trim_start_matches("http://").to_owned();
    let samples: Samples = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds.max(1));
    let rss_start = rss_mib().unwrap_or(0.0);
    let slice = if seconds >= 120 { 60 } else { 10 };
    println!(
        "Soak for {seconds} s at {PAGES_PER_SEC} pages/s, {SIGN_INS_PER_SEC} sign-ins/s and {API_PER_SEC} API calls/s \
         (open loop); RSS at start {rss_start:.1} MiB"
    );

    let (client, page) = (t.client.clone(), format!("{}/console/users", t.base));
    let cookie = t.cookie.to_owned();
    let pages = drive(PAGES_PER_SEC, started, deadline, samples.clone(), move |_| {
        let (client, page, cookie) = (client.clone(), page.clone(), cookie.clone());
        async move {
            match client.get(&page).header("cookie", cookie).header("accept", "text/html").send().await {
                Ok(r) if r.status().is_success() => r.text().await.is_ok_and(|b| b.contains("arn:aws:iam")),
                _ => false,
            }
        }
    });
    let (client, url) = (t.client.clone(), format!("{}/api/sign_in", t.base));
    let (alias, users, password) = (t.alias.to_owned(), t.users.max(1) as u64, t.password.to_owned());
    let sign_ins = drive(SIGN_INS_PER_SEC, started, deadline, samples.clone(), move |n| {
        let body = format!("kind=iam&account={alias}&user_name=bench-{}&password={password}", n % users);
        let (client, url) = (client.clone(), url.clone());
        async move {
            let req = client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(body);
            matches!(req.send().await, Ok(r) if r.status().is_success())
        }
    });
    let (client, url) = (t.client.clone(), format!("{}/", t.base));
    let api = drive(API_PER_SEC, started, deadline, samples.clone(), move |n| {
        // Reads, and a user created then deleted in one sample (so the table does not grow).
        let calls: Vec<(String, &'static str)> = match n % 3 {
            0 => vec![("Action=GetCallerIdentity&Version=2011-06-15".to_owned(), "sts")],
            1 => vec![("Action=ListUsers&Version=2010-05-08&MaxItems=100".to_owned(), "iam")],
            _ => vec![
                (format!("Action=CreateUser&Version=2010-05-08&UserName=soak-{n}&Path=%2Fsoak%2F"), "iam"),
                (format!("Action=DeleteUser&Version=2010-05-08&UserName=soak-{n}"), "iam"),
            ],
        };
        let (client, url, host, id, secret) = (client.clone(), url.clone(), host.clone(), id.clone(), secret.clone());
        async move {
            for (body, service) in calls {
                let Ok(headers) = signed_for(&host, &id, &secret, &body, service) else {
                    return false;
                };
                let answered = post_body(&client, &url, &headers, &body).await;
                if !answered.is_ok_and(|b| b.contains("<ResponseMetadata>") && !b.contains("<ErrorResponse")) {
                    return false;
                }
            }
            true
        }
    });

    // One line per slice, printed as each ends.
    let mut printed = 0u64;
    let mut rss_end = rss_start;
    while Instant::now() < deadline + Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let elapsed = started.elapsed().as_secs();
        while (printed + 1) * slice <= elapsed.min(seconds.max(1)) {
            let (from, to) = (Duration::from_secs(printed * slice), Duration::from_secs((printed + 1) * slice));
            let mut took: Vec<Duration> = Vec::new();
            let mut errors = 0u64;
            if let Ok(s) = samples.lock() {
                for x in s.iter().filter(|x| x.at >= from && x.at < to) {
                    took.push(x.took);
                    errors += u64::from(!x.ok);
                }
            }
            took.sort();
            rss_end = rss_mib().unwrap_or(rss_end);
            println!(
                "  {:>4}–{:<4} s  {:6} requests  {errors} errors  p50 {}  p99 {}  RSS {rss_end:.1} MiB",
                from.as_secs(),
                to.as_secs(),
                took.len(),
                ms(percentile(&took, 0.5)),
                ms(percentile(&took, 0.99))
            );
            printed += 1;
        }
    }
    for h in [pages, sign_ins, api] {
        h.await.map_err(|e| bench_err("soak", e))?;
    }
    let (total, errors) = samples.lock().map(|s| (s.len(), s.iter().filter(|x| !x.ok).count())).unwrap_or_default();
    println!(
        "  soak: {total} requests, {errors} errors; RSS {rss_start:.1} MiB at start, {:.1} MiB at the end",
        rss_mib().unwrap_or(rss_end)
    );
    Ok(())
}
