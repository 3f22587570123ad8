//! The `lanyard` binary: parses the command line and hands over to the chosen command.

use clap::Parser;

/// mimalloc instead of glibc's allocator: requests allocate many small short-lived buffers
/// (headers, XML, rows), which glibc served with locks and chunk consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = lanyard_server::config::Cli::parse();
    lanyard_server::telemetry::init();
    match lanyard_server::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lanyard: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
