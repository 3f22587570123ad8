//! The credential report at scale: generation time for every seeded user, and the server's
//! resident memory sampled while it is made and while the console streams the CSV download, so
//! "memory stays flat" is a measured figure (peak RSS over the RSS before).

use super::{bench_err, ms};
use crate::error::CommandResult;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// This process's resident set, in KiB (Linux only).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// Samples RSS every 20 ms until dropped; `peak` holds the highest reading.
struct RssSampler {
    peak: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl RssSampler {
    fn start() -> Self {
        let peak = Arc::new(AtomicU64::new(rss_kib()));
        let p = peak.clone();
        let task = tokio::spawn(async move {
            loop {
                p.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        RssSampler { peak, task }
    }

    fn stop(self) -> u64 {
        self.task.abort();
        self.peak.load(Ordering::Relaxed).max(rss_kib())
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

pub async fn credential_report_figures(
    engine: &lanyard_iam::Engine,
    root: &lanyard_iam::Actor,
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    users: u64,
) -> CommandResult {
    let before = rss_kib();
    let sampler = RssSampler::start();
    let t = Instant::now();
    let bytes = engine.write_credential_report(root.account_id()).await?;
    let took = t.elapsed();
    let peak = sampler.stop();
    println!(
        "  credential report, {users} users: generated in {} ({:.1} MB of CSV); RSS {:.0} MiB before, peak {:.0} MiB (+{:.1} MiB)",
        ms(took),
        bytes as f64 / 1e6,
        mib(before),
        mib(peak),
        mib(peak.saturating_sub(before))
    );

    let before = rss_kib();
    let sampler = RssSampler::start();
    let t = Instant::now();
    let mut res = client
        .get(format!("{base}/api/credential_report"))
        .header("cookie", cookie)
        .send()
        .await
        .map_err(|e| bench_err("report download", e))?;
    if !res.status().is_success() {
        return Err(bench_err("report download", res.status()));
    }
    let mut received = 0usize;
    while let Some(chunk) = res.chunk().await.map_err(|e| bench_err("report download", e))? {
        received += chunk.len();
    }
    let took = t.elapsed();
    let peak = sampler.stop();
    println!(
        "  credential report download (console, streamed): {:.1} MB in {}; RSS {:.0} MiB before, peak {:.0} MiB (+{:.1} MiB)",
        received as f64 / 1e6,
        ms(took),
        mib(before),
        mib(peak),
        mib(peak.saturating_sub(before))
    );
    Ok(())
}
