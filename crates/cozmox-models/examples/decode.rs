//! Decode a JSON document as one of the API's components, or as the success
//! body of one of its operations, the way the SDK would decode a response.
//!
//! ```text
//! cargo run --example decode -- [--debug] <Component> <file.json | ->
//! cargo run --example decode -- [--debug] --operation <operationId> <file.json | ->
//! ```
//!
//! Prints the re-encoded JSON on stdout (with `--debug`, the decoded value's
//! `Debug` instead, which shows the union members chosen) and the places
//! that hold data the spec does not describe on stderr, and exits 0; on a
//! decode error prints the JSON path and what was wrong there, and exits 1.
//! `<Component>` is the name in the spec (`CreateSessionDTO`) or in Rust
//! (`CreateSessionDto`); `<operationId>` as in the spec
//! (`SessionController_findOne`).

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use cozmox_models::{DecodeError, Drift, UnknownData, decode, with_component, with_operation};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn run<T: DeserializeOwned + Serialize + Drift + std::fmt::Debug>(
    json: &[u8],
    debug: bool,
) -> Result<(String, Vec<UnknownData>), DecodeError> {
    let value: T = decode(json)?;
    let text = if debug {
        format!("{value:?}")
    } else {
        serde_json::to_string_pretty(&value).unwrap_or_else(|e| format!("<{e}>"))
    };
    Ok((text, value.unknown_data()))
}

const USAGE: &str = "usage: decode [--debug] <Component> <file.json | ->\n       decode [--debug] --operation <operationId> <file.json | ->";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let debug = args.first().is_some_and(|a| a == "--debug");
    if debug {
        args.remove(0);
    }
    let (operation, name, file) = match args.as_slice() {
        [flag, id, file] if flag == "--operation" => (true, id, file),
        [component, file] => (false, component, file),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut bytes = Vec::new();
    let read = if file == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(file).map(|b| bytes = b)
    };
    if let Err(e) = read {
        eprintln!("cannot read {file}: {e}");
        return ExitCode::from(2);
    }
    let decoded = if operation {
        with_operation!(name.as_str(), run(&bytes, debug))
    } else {
        with_component!(name.as_str(), run(&bytes, debug))
    };
    match decoded {
        None => {
            let (names, what): (&[&str], _) = if operation {
                (
                    with_operation!(@names),
                    "operation with a JSON success body",
                )
            } else {
                (with_component!(@names), "component")
            };
            eprintln!(
                "no {what} is called {name:?}; there are {}: {} …",
                names.len(),
                names.iter().take(8).copied().collect::<Vec<_>>().join(", ")
            );
            ExitCode::from(2)
        }
        Some(Ok((text, unknown))) => {
            // A closed pipe (`| head`) is not an error of ours.
            let _ = writeln!(std::io::stdout(), "{text}");
            let mut stderr = std::io::stderr();
            for u in unknown {
                let _ = writeln!(stderr, "unknown: {u}");
            }
            ExitCode::SUCCESS
        }
        Some(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
