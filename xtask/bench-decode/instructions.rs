//! One contender on one input, a given number of times: run under
//! `valgrind --tool=callgrind` by `cargo xtask bench-decode --instructions`,
//! twice with different counts, so that the difference is the instructions
//! of that many operations, free of setup and of the machine's load.
//!
//! Usage: `instructions INPUT decode|encode CONTENDER COUNT`, with the inputs
//! of `../data/` and the contenders of the criterion bench.

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn run<T: DeserializeOwned + Serialize>(bytes: &[u8], op: &str, contender: &str, count: usize) {
    match (op, contender) {
        ("decode", "value") => {
            for _ in 0..count {
                drop(black_box(
                    serde_json::from_slice::<Value>(black_box(bytes)).unwrap(),
                ));
            }
        }
        ("decode", "cozmox-decode") => {
            for _ in 0..count {
                drop(black_box(
                    cozmox_models::decode::<T>(black_box(bytes)).unwrap(),
                ));
            }
        }
        ("decode", _) => {
            for _ in 0..count {
                drop(black_box(
                    serde_json::from_slice::<T>(black_box(bytes)).unwrap(),
                ));
            }
        }
        ("encode", "value") => encode(&serde_json::from_slice::<Value>(bytes).unwrap(), count),
        ("encode", _) => encode(&serde_json::from_slice::<T>(bytes).unwrap(), count),
        _ => panic!("unknown operation {op}"),
    }
}

fn encode<T: Serialize>(value: &T, count: usize) {
    let mut buf = Vec::with_capacity(4 << 20);
    for _ in 0..count {
        buf.clear();
        serde_json::to_writer(&mut buf, black_box(value)).unwrap();
        black_box(&buf);
    }
}

fn main() -> ExitCode {
    use baseline::types as plain;
    use cozmox_models as ours;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, op, contender, count] = args.as_slice() else {
        eprintln!("usage: instructions INPUT decode|encode CONTENDER COUNT");
        return ExitCode::from(2);
    };
    let Ok(count) = count.parse::<usize>() else {
        eprintln!("COUNT is a number");
        return ExitCode::from(2);
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../data/{input}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match (input.starts_with("page"), contender.as_str()) {
        (false, "progenitor") => run::<plain::Session>(&bytes, op, contender, count),
        (true, "progenitor") => {
            run::<plain::SessionPaginatedResponse>(&bytes, op, contender, count)
        }
        (false, _) => run::<ours::Session>(&bytes, op, contender, count),
        (true, _) => run::<ours::SessionPaginatedResponse>(&bytes, op, contender, count),
    }
    ExitCode::SUCCESS
}
