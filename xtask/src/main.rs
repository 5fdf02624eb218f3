//! `cargo xtask`: the Cozmox SDK's generator commands. Parses the command
//! line and dispatches to [`xtask::commands`]; see the README.

use std::process::ExitCode;

use clap::Parser;
use xtask::commands::{Command, locate_root};

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
    let command = Cli::parse().command;
    // The workspace is read when the command runs, not compiled in: a clone
    // moved with its `target/` works on itself, not on the old place.
    match locate_root() {
        Ok(root) => command.run(&root),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
