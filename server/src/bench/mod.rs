//! `lanyard bench`: prints figures, asserts nothing. It starts the console in-process on a
//! loopback port against the configured database, creates a throwaway account, and measures
//!
//! 1. the raw argon2id verification rate of this machine (one thread per core, no server);
//! 2. end-to-end password sign-ins per second over HTTP (`POST /api/sign_in`), compared with (1);
//! 3. p50/p99 latency of a cheap signed-in page (`GET /console`, 20 per second, as people
//!    clicking around would), idle and while (2) saturates the CPU;
//! 4. with `--users N` (default 1,000,000) seeded into the account over `--paths` paths: the
//!    seeding time, and p50/p99 of full server-rendered users pages (first page, a path prefix,
//!    a name search, newest first) and of a path-tree level, one request at a time;
//! 5. signed STS GetCallerIdentity calls per second (SigV4 with an access key, see `api.rs`);
//! 6. one IAM policy decision over 10 policies of 10 statements (`policy.rs`), and the policy
//!    simulator's costliest admitted request with `/healthz` latency while it runs (`simulator.rs`);
//! 7. the credential report of those users: generation time, and peak memory while it is made
//!    and while the console streams it (`report.rs`);
//! 8. with `--events N` (default 10,000,000) seeded over 400 days: the event history's first page
//!    for each filter, the whole page, and the export's rate (`events.rs`);
//! 9. with `--soak SECONDS`, instead of all of the above: a fixed mixed rate held that long, with
//!    p50/p99 and memory per minute (`soak.rs`).
//!
//! The load generator shares the machine with the server, as it would on a small host.

use crate::config::{BenchArgs, Config};
use crate::error::{CommandError, CommandResult};
use crate::setup::{engine, Workload};
use crate::{router, sessions};
use stats::percentile;
mod api;
mod events;
mod policy;
mod report;
mod simulator;
mod soak;
mod stats;

use lanyard_iam::domain::Password;
use lanyard_iam::usecases::accounts::NewAccount;
use lanyard_iam::usecases::users::NewUser;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Bench-Passw0rd!";

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// This process's (user + system CPU seconds, minor page faults), from /proc (Linux only).
fn process_usage() -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the command name: state is field 3, minflt 10, utime 14, stime 15 (1-based, man 5 proc).
    let minflt: u64 = fields.get(7)?.parse().ok()?;
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let ticks = 100.0; // USER_HZ on Linux
    Some(((utime + stime) / ticks, minflt))
}

/// CPU seconds the whole machine has been busy (every process: the server, PostgreSQL, the
/// load generator), from the first line of /proc/stat (Linux only).
fn machine_busy() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<f64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|t| t.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
    let idle = ticks.get(3)? + ticks.get(4).unwrap_or(&0.0);
    Some((ticks.iter().take(8).sum::<f64>() - idle) / 100.0)
}

fn bench_err(what: &str, e: impl std::fmt::Display) -> CommandError {
    CommandError::Usage(format!("bench: {what}: {e}"))
}

/// One signed-in GET of a page that must contain `must_contain`; returns how long it took.
async fn timed_get(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
    must_contain: &str,
) -> Result<Duration, CommandError> {
    let t = Instant::now();
    let res = client
        .get(url)
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .map_err(|e| bench_err("page", e))?;
    let status = res.status();
    let body = res.text().await.map_err(|e| bench_err("page body", e))?;
    if !status.is_success() || !body.contains(must_contain) {
        return Err(bench_err("page", format!("{url}: unexpected response {status}")));
    }
    Ok(t.elapsed())
}

/// GETs of `url` with `cookie`, one every `every`, until `deadline`; returns the sorted latencies.
async fn page_latencies(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
    every: Duration,
    deadline: Instant,
) -> Result<Vec<Duration>, CommandError> {
    let mut out = Vec::new();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while Instant::now() < deadline {
        tick.tick().await;
        out.push(timed_get(client, url, cookie, "arn:aws:iam").await?);
    }
    out.sort();
    Ok(out)
}

/// `n` GETs of `url` one after another (after a few to warm caches); returns the sorted latencies.
async fn sequential_latencies(
    client: &reqwest::Client,
    url: &str,
    cookie: &str,
    n: usize,
    must_contain: &str,
) -> Result<Vec<Duration>, CommandError> {
    for _ in 0..5 {
        timed_get(client, url, cookie, must_contain).await?;
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(timed_get(client, url, cookie, must_contain).await?);
    }
    out.sort();
    Ok(out)
}

/// Figures of the users pages with `args.users` users in the account.
async fn directory_figures(
    engine: &lanyard_iam::Engine,
    root: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    args: &BenchArgs,
) -> CommandResult {
    let started = Instant::now();
    let seeded = engine.seed_users(root.account_id(), args.users, args.paths).await?;
    let seed_secs = started.elapsed().as_secs_f64();
    // Fresh statistics, as autovacuum would gather them shortly after a bulk load.
    sqlx::query("ANALYZE users").execute(engine.pool()).await.map_err(|e| bench_err("analyze", e))?;
    sqlx::query("ANALYZE user_paths").execute(engine.pool()).await.map_err(|e| bench_err("analyze", e))?;
    println!(
        "  seeded {seeded} users over {} paths in {seed_secs:.1} s ({:.0} users/s)",
        args.paths,
        seeded as f64 / seed_secs
    );
    let pages = [
        ("first page, all users (with the root tree level)", "/console/users", "dept-00/"),
        ("path prefix /dept-07/", "/console/users?path=%2Fdept-07%2F", "/dept-07/team-"),
        ("path prefix /dept-07/team-00107/", "/console/users?path=%2Fdept-07%2Fteam-00107%2F", "team-00107"),
        ("name search 0042", "/console/users?q=0042", "0042"),
        ("newest first", "/console/users?sort=created&order=desc", "user-"),
    ];
    for (what, path, must_contain) in pages {
        let lat = sequential_latencies(client, &format!("{base}{path}"), cookie, args.requests, must_contain).await?;
        println!(
            "  GET {what:<50} p50 {}  p99 {}  (n={})",
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.99)),
            lat.len()
        );
    }
    api::list_users_figures(engine, root, client, base, args.requests, seeded).await?;
    let mut tree = Vec::with_capacity(args.requests);
    for _ in 0..args.requests {
        let t = Instant::now();
        engine.list_path_level(root, "/").await?;
        tree.push(t.elapsed());
    }
    tree.sort();
    println!(
        "  path tree level / (engine call, {} paths)                p50 {}  p99 {}  (n={})",
        args.paths,
        ms(percentile(&tree, 0.5)),
        ms(percentile(&tree, 0.99)),
        tree.len()
    );
    report::credential_report_figures(engine, root, client, base, cookie, seeded).await?;
    Ok(())
}

pub async fn run(config: &Config, args: BenchArgs) -> CommandResult {
    let engine = engine(config, Workload::Batch).await?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);

    // A throwaway account with one IAM user.
    let tag: String = {
        use rand::Rng;
        rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(8)
            .map(char::from)
            .collect::<String>()
            .to_lowercase()
    };
    let alias = format!("bench-{tag}");
    let email = format!("bench-{tag}@example.com");
    let account = engine
        .create_account(NewAccount {
            email: email.clone(),
            alias: Some(alias.clone()),
            password: Password::new(PASSWORD),
        })
        .await?;
    let root = lanyard_iam::Actor::root(account.account_id.clone(), email.clone());
    // One user per client: parallel sign-ins of a single user would (rightly) trip its throttle,
    // which counts attempts in flight.
    for i in 0..args.clients.max(1) {
        let user = NewUser {
            user_name: format!("bench-{i}"),
            path: None,
            password: Some(Password::new(PASSWORD)),
            password_reset_required: false,
            ..Default::default()
        };
        engine.create_user(&root, user).await?;
    }

    // The console, in-process on a loopback port.
    let store = sessions::store(engine.pool());
    let app = router::build(config, engine.clone(), store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().map_err(|e| bench_err("client", e))?;

    let sign_in = |client: reqwest::Client, body: String, url: String| async move {
        client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
    };
    let root_body = format!("kind=root&email={email}&password={PASSWORD}");
    let res = sign_in(client.clone(), root_body, format!("{base}/api/sign_in"))
        .await
        .map_err(|e| bench_err("root sign-in", e))?;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().filter(|c| c.starts_with("lanyard_session=")).map(str::to_owned))
        .ok_or_else(|| bench_err("root sign-in", format!("no session cookie (status {})", res.status())))?;
    let page_url = format!("{base}/console");
    if args.soak > 0 {
        let target = soak::SoakTarget {
            engine: &engine,
            root: &root,
            client: &client,
            base: &base,
            cookie: &cookie,
            alias: &alias,
            users: args.clients,
            password: PASSWORD,
        };
        return soak::soak(target, args.soak).await;
    }

    // 3a. The cheap page, idle.
    let pace = Duration::from_millis(50);
    let idle = page_latencies(&client, &page_url, &cookie, pace, Instant::now() + Duration::from_secs(5)).await?;

    // 1 + 2 + 3b, in rounds: the raw rate right before each storm, so both see the same machine
    // (a shared VM's speed drifts by ±10% from minute to minute).
    let rounds = args.rounds.max(1);
    let storm_for = Duration::from_secs(args.seconds.max(1));
    let mut ratios = Vec::new();
    let mut busy = Vec::new();
    let (mut total_ok, mut total_failed, mut total_secs, mut raw_sum) = (0u64, 0u64, 0.0f64, 0.0f64);
    let mut cpu_line = String::new();
    println!("Lanyard benchmark — {cores} cores, argon2id m=19456 KiB t=2 p=1, in-process server on {addr}");
    for round in 1..=rounds {
        let hasher = engine.hasher().clone();
        let raw = tokio::task::spawn_blocking(move || hasher.raw_verify_rate(Duration::from_secs(3), cores))
            .await
            .map_err(|e| bench_err("raw hashing", e))?;
        let deadline = Instant::now() + storm_for;
        let started = Instant::now();
        let usage_before = process_usage();
        let mut storm = Vec::new();
        for i in 0..args.clients.max(1) {
            let body = format!("kind=iam&account={alias}&user_name=bench-{i}&password={PASSWORD}");
            let (client, url) = (client.clone(), format!("{base}/api/sign_in"));
            storm.push(tokio::spawn(async move {
                let (mut ok, mut failed) = (0u64, 0u64);
                while Instant::now() < deadline {
                    match sign_in(client.clone(), body.clone(), url.clone()).await {
                        Ok(r) if r.status().is_success() => ok += 1,
                        _ => failed += 1,
                    }
                }
                (ok, failed)
            }));
        }
        busy.extend(page_latencies(&client, &page_url, &cookie, pace, deadline).await?);
        let (mut ok, mut failed) = (0u64, 0u64);
        for t in storm {
            let (o, f) = t.await.map_err(|e| bench_err("storm", e))?;
            ok += o;
            failed += f;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let rate = ok as f64 / elapsed;
        if let (Some((c0, f0)), Some((c1, f1))) = (usage_before, process_usage()) {
            if ok > 0 {
                cpu_line = format!(
                    "{:.1} ms CPU and {} page faults per sign-in in this process (server and client)",
                    1000.0 * (c1 - c0) / ok as f64,
                    (f1 - f0) / ok
                );
            }
        }
        println!(
            "  round {round}: raw argon2id {raw:6.1}/s | sign-ins {rate:6.1}/s ({} clients, {ok} ok, {failed} failed) = {:.0}% of raw",
            args.clients,
            100.0 * rate / raw
        );
        ratios.push(rate / raw);
        total_ok += ok;
        total_failed += failed;
        total_secs += elapsed;
        raw_sum += raw;
    }
    ratios.sort_by(|a, b| a.total_cmp(b));
    busy.sort();
    let raw = raw_sum / rounds as f64;
    let rate = total_ok as f64 / total_secs;
    println!("  raw argon2id verifications            {raw:6.1} /s  (mean of the rounds, {cores} threads, no server)");
    println!(
        "  end-to-end password sign-ins          {rate:6.1} /s  ({total_ok} ok, {total_failed} failed in {total_secs:.0} s); median round {:.0}% of raw",
        100.0 * ratios[ratios.len() / 2]
    );
    println!("  {cpu_line}");
    println!(
        "  GET /console signed in, idle          p50 {}  p99 {}  (n={})",
        ms(percentile(&idle, 0.5)),
        ms(percentile(&idle, 0.99)),
        idle.len()
    );
    println!(
        "  GET /console during the sign-in storm p50 {}  p99 {}  (n={})",
        ms(percentile(&busy, 0.5)),
        ms(percentile(&busy, 0.99)),
        busy.len()
    );
    policy::policy_figures()?;
    if args.api_seconds > 0 {
        simulator::simulator_figures(&engine, &root, &client, &base, process_usage).await?;
        api::api_figures(&engine, &root, &client, &base, args.api_clients, args.api_seconds, process_usage).await?;
        api::mixed_figures(&engine, &root, &client, &base, args.mixed_clients, args.api_seconds, process_usage).await?;
    }
    if args.users > 0 {
        directory_figures(&engine, &root, &client, &base, &cookie, &args).await?;
    }
    if args.events > 0 {
        events::event_figures(&engine, &root, &client, &base, &cookie, args.events, args.requests.min(100)).await?;
    }
    Ok(())
}
