use clap::Parser;
use critboard_server::cli::{self, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match cli::run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("critboard: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
