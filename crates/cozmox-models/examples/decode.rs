//! Decode a JSON document as one of the API's components, the way the SDK
//! would decode a response.
//!
//! ```text
//! cargo run --example decode -- <Component> <file.json | ->
//! ```
//!
//! Prints the re-encoded JSON on stdout and the places that hold data the
//! spec does not describe on stderr, and exits 0; on a decode error prints
//! the JSON path and what was wrong there, and exits 1. `<Component>` is the
//! name in the spec (`CreateSessionDTO`) or in Rust (`CreateSessionDto`).

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use cozmox_models::{DecodeError, Drift, UnknownData, decode, with_component};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn run<T: DeserializeOwned + Serialize + Drift>(
    json: &[u8],
) -> Result<(String, Vec<UnknownData>), DecodeError> {
    let value: T = decode(json)?;
    let text = serde_json::to_string_pretty(&value).unwrap_or_else(|e| format!("<{e}>"));
    Ok((text, value.unknown_data()))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [component, file] = args.as_slice() else {
        eprintln!("usage: decode <Component> <file.json | ->");
        return ExitCode::from(2);
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
    match with_component!(component.as_str(), run(&bytes)) {
        None => {
            let names: &[&str] = with_component!(@names);
            eprintln!(
                "no component is called {component:?}; there are {}: {} …",
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
