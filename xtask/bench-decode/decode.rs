//! Decode and encode throughput, side by side on the same bytes:
//! `serde_json::Value`, the cozmox models (`serde_json::from_slice`, and
//! `cozmox_models::decode`, whose errors name the JSON path) and plain
//! progenitor's types for the same schemas.
//!
//! Written into a scratch workspace and run by `cargo xtask bench-decode`
//! (source: `xtask/bench-decode/decode.rs`); the inputs are the JSON files in
//! `../data/`, written by the same command. A contender that cannot decode an
//! input is not timed on it: the reason goes to `../notes.txt` and the
//! summary shows it.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn input(name: &str) -> Vec<u8> {
    let path = work_dir().join("data").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Decode with the path of the first error, so a failure says where.
fn check<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
}

/// The decode and encode groups of one input; `Ours` and `Plain` are the
/// cozmox and plain progenitor types of the same schema.
fn bench_input<Ours, Plain>(c: &mut Criterion, name: &str, notes: &mut String)
where
    Ours: DeserializeOwned + Serialize,
    Plain: DeserializeOwned + Serialize,
{
    let bytes = input(&format!("{name}.json"));
    let value: Value = check(&bytes).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    let ours: Ours = check(&bytes).unwrap_or_else(|e| panic!("cozmox cannot decode {name}: {e}"));
    let plain: Option<Plain> = match check(&bytes) {
        Ok(plain) => Some(plain),
        Err(e) => {
            let _ = writeln!(notes, "{name}\tprogenitor\t{e}");
            eprintln!("plain progenitor cannot decode {name} ({e}); not timed");
            None
        }
    };
    let len = bytes.len() as u64;
    // Milliseconds per iteration: criterion's linear sampling would take
    // minutes to collect its samples.
    let sampling = if len > 256 * 1024 {
        SamplingMode::Flat
    } else {
        SamplingMode::Auto
    };

    let mut g = c.benchmark_group(format!("decode/{name}"));
    g.throughput(Throughput::Bytes(len)).sampling_mode(sampling);
    g.bench_function("value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).unwrap())
    });
    g.bench_function("cozmox", |b| {
        b.iter(|| serde_json::from_slice::<Ours>(black_box(&bytes)).unwrap())
    });
    g.bench_function("cozmox-decode", |b| {
        b.iter(|| cozmox_models::decode::<Ours>(black_box(&bytes)).unwrap())
    });
    if plain.is_some() {
        g.bench_function("progenitor", |b| {
            b.iter(|| serde_json::from_slice::<Plain>(black_box(&bytes)).unwrap())
        });
    }
    g.finish();

    // Encoding writes into a reused buffer; throughput counts the input's
    // bytes, so that every figure of an input compares as time.
    let mut g = c.benchmark_group(format!("encode/{name}"));
    g.throughput(Throughput::Bytes(len)).sampling_mode(sampling);
    let mut buf = Vec::with_capacity(bytes.len() * 2);
    g.bench_function("value", |b| {
        b.iter(|| {
            buf.clear();
            serde_json::to_writer(&mut buf, black_box(&value)).unwrap();
        })
    });
    g.bench_function("cozmox", |b| {
        b.iter(|| {
            buf.clear();
            serde_json::to_writer(&mut buf, black_box(&ours)).unwrap();
        })
    });
    if let Some(plain) = &plain {
        g.bench_function("progenitor", |b| {
            b.iter(|| {
                buf.clear();
                serde_json::to_writer(&mut buf, black_box(plain)).unwrap();
            })
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    use baseline::types as plain;
    use cozmox_models as ours;
    let mut notes = String::new();
    bench_input::<ours::Session, plain::Session>(c, "session-seed", &mut notes);
    bench_input::<ours::Session, plain::Session>(c, "session-valid", &mut notes);
    type OursPage = ours::SessionPaginatedResponse;
    type PlainPage = plain::SessionPaginatedResponse;
    bench_input::<OursPage, PlainPage>(c, "page-100", &mut notes);
    let path = work_dir().join("notes.txt");
    std::fs::write(&path, notes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

criterion_group!(decode, benches);
criterion_main!(decode);
