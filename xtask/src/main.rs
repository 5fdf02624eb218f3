//! `cargo xtask`: the Cozmox SDK's generator commands. Parses the command
//! line and dispatches to [`xtask::commands`]; see the README.

use std::process::ExitCode;

use clap::Parser;
use xtask::commands::{Command, project_root};

/// See `mimalloc` in `xtask/Cargo.toml`: the pipeline is allocation-bound.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Generate and check the Cozmox SDK")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    Cli::parse().command.run(&project_root())
}
