//! The `lanyard` binary: parses the command line and hands over to the chosen command.

use clap::Parser;

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
