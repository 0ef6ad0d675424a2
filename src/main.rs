use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    walletdesk::cli::run(walletdesk::cli::Cli::parse())
}
