//! Print the JSON Schema schemars derives from the generated types.
//!
//! ```text
//! cargo run --features schemars --example schema -- <Component>
//! cargo run --features schemars --example schema -- --all
//! ```
//!
//! With a component name (in the spec, `CreateSessionDTO`, or in Rust,
//! `CreateSessionDto`), prints that type's schema; with `--all`, one JSON
//! object mapping every component to its schema. Exits 2 on an unknown name.

use std::io::Write as _;
use std::process::ExitCode;

use cozmox_models::with_component;
use serde_json::Value;

fn schema_of<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name] = args.as_slice() else {
        eprintln!("usage: schema <Component | --all>");
        return ExitCode::from(2);
    };
    let out = if name == "--all" {
        let names: &[&str] = with_component!(@names);
        let all: serde_json::Map<String, Value> = names
            .iter()
            .filter_map(|n| Some((n.to_string(), with_component!(*n, schema_of())?)))
            .collect();
        Value::Object(all)
    } else {
        match with_component!(name.as_str(), schema_of()) {
            Some(schema) => schema,
            None => {
                eprintln!("no component is called {name:?}");
                return ExitCode::from(2);
            }
        }
    };
    match serde_json::to_string_pretty(&out) {
        // A closed pipe (`| head`) is not an error of ours.
        Ok(text) => {
            let _ = writeln!(std::io::stdout(), "{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
