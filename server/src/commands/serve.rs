//! `lanyard serve`: migrates, then serves the console until Ctrl-C or SIGTERM.

use super::{engine, CommandError, CommandResult, Workload};
use crate::config::Config;
use crate::{router, sessions};

pub async fn serve(config: &Config) -> CommandResult {
    let engine = engine(config, Workload::Serving).await?;
    match crate::mailer::Mailer::from_config(&config.smtp).map_err(CommandError::Usage)? {
        Some(mailer) => crate::mailer::spawn_delivery(engine.clone(), mailer),
        None => tracing::info!("no SMTP host set: mail stays in the outbox (`lanyard outbox` prints it)"),
    }
    if let Some(addr) = config.metrics_listen {
        crate::metrics::serve(addr, engine.clone()).await?;
    }
    spawn_counter_compaction(engine.clone());
    spawn_event_pruning(engine.clone(), config.event_retention_days);
    let store = sessions::store(engine.pool());
    sessions::spawn_expired_cleanup(store.clone());
    let app = router::build(config, engine, store);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(listen = %config.listen, public_url = %config.public_url, "Lanyard console listening");
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let signalled = stopping.clone();
    let header_timeout = std::time::Duration::from_millis(config.client_timeout_ms.max(1));
    let server = crate::listener::serve(listener, app, header_timeout, async move {
        shutdown_signal().await;
        signalled.notify_one();
    });
    // On SIGTERM new connections are refused and requests in flight finish; a request that
    // would not finish (a client that never reads) holds the exit back at most DRAIN_LIMIT.
    tokio::select! {
        served = server => served?,
        () = async {
            stopping.notified().await;
            tokio::time::sleep(DRAIN_LIMIT).await;
        } => tracing::warn!(limit_secs = DRAIN_LIMIT.as_secs(), "requests still in flight at the drain limit; exiting"),
    }
    Ok(())
}

/// How long a stopping server waits for its requests in flight (the request timeout is 30 s by
/// default, but an orchestrator's grace period is often 30 s too: finish before it kills).
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Deletes events past the retention every hour (every replica may: deletes of the same rows
/// simply find them gone).
fn spawn_event_pruning(engine: lanyard_iam::Engine, retention_days: i64) {
    if retention_days <= 0 {
        return;
    }
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match engine.prune_events(time::Duration::days(retention_days)).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, retention_days, "old events pruned"),
                Err(e) => tracing::warn!(error = %e, "event pruning failed"),
            }
        }
    });
}

/// Folds the per-path user counters' shards every minute, so reads of the path tree stay at one
/// row per path however many connections wrote (every replica may run it: rows in use are skipped).
fn spawn_counter_compaction(engine: lanyard_iam::Engine) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            match engine.compact_path_counters().await {
                Ok(0) => {}
                Ok(folded) => tracing::debug!(folded, "user path counters compacted"),
                Err(e) => tracing::warn!(error = %e, "user path counter compaction failed"),
            }
        }
    });
}
