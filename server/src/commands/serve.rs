//! `lanyard serve`: migrates, then serves the console until Ctrl-C or SIGTERM.

use super::{engine, CommandError, CommandResult, Workload};
use crate::config::Config;
use crate::{router, sessions};
use std::net::SocketAddr;

pub async fn serve(config: &Config) -> CommandResult {
    let engine = engine(config, Workload::Serving).await?;
    match crate::mailer::Mailer::from_config(&config.smtp).map_err(CommandError::Usage)? {
        Some(mailer) => crate::mailer::spawn_delivery(engine.clone(), mailer),
        None => tracing::info!("no SMTP host set: mail stays in the outbox (`lanyard outbox` prints it)"),
    }
    let store = sessions::store(engine.pool());
    sessions::spawn_expired_cleanup(store.clone());
    let app = router::build(config, engine, store);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(listen = %config.listen, public_url = %config.public_url, "Lanyard console listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

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
