//! The mock under load and abuse, measured (issue 29's figures): run with
//! `cargo run -p cozmox-mock --example load` (the dev profile, as a user's
//! tests build it). Deliberately session-only (sessions are in every
//! document this project generates from), like the other benchmarks.
//!
//! 1. 2,000 concurrent creates: none lost, ids unique; the wall time.
//! 2. 500 connections that send a request head and never its body, while
//!    another client asks for one session 300 times: that client's latency
//!    (p50, p99, max); the idle ones get `408` after the body timeout.
//! 3. A 1,000-item page of large sessions (~10 kB each, 40 messages), built
//!    while another client asks for one session: the page's time and size,
//!    and the other requests' latency meanwhile.
//! 4. The item cap reached (100,000 minimal sessions seeded): the peak
//!    resident memory of the process before and after.

use std::time::{Duration, Instant};

use cozmox_mock::MockServer;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn describe(mut latencies: Vec<Duration>) -> String {
    let slowest = latencies
        .iter()
        .enumerate()
        .max_by_key(|(_, l)| **l)
        .map_or(0, |(i, _)| i);
    latencies.sort();
    format!(
        "n {}, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (request {slowest})",
        latencies.len(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    )
}

/// The process's peak and current resident memory (`VmHWM`, `VmRSS`), in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Ask for one session `n` times, one after the other; the latencies.
async fn probe(http: reqwest::Client, url: String, key: String, n: usize) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        let ok = http
            .get(&url)
            .bearer_auth(&key)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            out.push(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let server = MockServer::start().await?;
    let (url, key) = (server.url().to_string(), server.api_key().to_string());
    let http = reqwest::Client::new();

    // 1. 2,000 concurrent creates.
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..2000 {
        let (http, url, key) = (http.clone(), url.clone(), key.clone());
        tasks.spawn(async move {
            let response = http
                .post(format!("{url}/session"))
                .bearer_auth(key)
                .json(&json!({"name": format!("load-{i}")}))
                .send()
                .await?;
            let status = response.status().as_u16();
            let body: Value = response.json().await?;
            Ok::<_, Error>((status, body["id"].as_str().unwrap_or_default().to_string()))
        });
    }
    let mut created = std::collections::HashSet::new();
    let mut failed = 0;
    while let Some(done) = tasks.join_next().await {
        match done? {
            Ok((201, id)) => {
                created.insert(id);
            }
            _ => failed += 1,
        }
    }
    let held = server.count("sessions").unwrap_or_default();
    println!(
        "2,000 concurrent creates: {} answered 201 with distinct ids, {failed} failed, the server holds {held}; {:.2} s",
        created.len(),
        start.elapsed().as_secs_f64()
    );
    // Its ~1,000 pooled connections would hold the server's connection
    // slots until they idle out: closed, as a test's client is when dropped.
    drop(http);
    let http = reqwest::Client::new();
    let one = created.iter().next().cloned().unwrap_or_default();
    let one_url = format!("{url}/session/{one}");

    // 2. 500 connections that never send their body.
    let address = url.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..500 {
        let mut stream = tokio::net::TcpStream::connect(&address).await?;
        stream
            .write_all(
                format!(
                    "POST /session HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\n\
                     Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                )
                .as_bytes(),
            )
            .await?;
        idle.push(stream);
    }
    let latencies = probe(http.clone(), one_url.clone(), key.clone(), 300).await;
    println!(
        "500 connections holding a request without its body: another client's GET {}",
        describe(latencies)
    );
    let mut timed_out = 0;
    for mut stream in idle {
        let mut head = [0u8; 12];
        let read =
            tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut head)).await;
        if matches!(read, Ok(Ok(_))) && head.ends_with(b"408") {
            timed_out += 1;
        }
    }
    println!("  then {timed_out} of them answered 408 (the body timeout)");

    // 3. A 1,000-item page of large sessions.
    let message = "x".repeat(200);
    let big: Vec<Value> = (0..1000)
        .map(|i| {
            json!({
                "name": format!("big-{i}"),
                "messages": (0..40).map(|_| json!({"role": "user", "message": message})).collect::<Vec<_>>(),
            })
        })
        .collect();
    server.seed("sessions", big)?;
    let probing = tokio::spawn(probe(http.clone(), one_url.clone(), key.clone(), 100));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut pages = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let page = http
            .get(format!("{url}/session?limit=1000&page=3"))
            .bearer_auth(&key)
            .send()
            .await?
            .bytes()
            .await?;
        pages.push((start.elapsed(), page.len()));
    }
    let latencies = probing.await?;
    for (took, size) in &pages {
        println!(
            "a 1,000-item page of large sessions: {:.1} MB in {:.0} ms",
            *size as f64 / 1e6,
            took.as_secs_f64() * 1e3
        );
    }
    println!("  another client's GET meanwhile: {}", describe(latencies));

    // 4. The item cap reached.
    let (peak_before, rss_before) = memory();
    let start = Instant::now();
    let room = cozmox_mock::MAX_ITEMS - server.count("sessions").unwrap_or_default();
    for chunk in 0..room.div_ceil(10_000) {
        let n = 10_000.min(room - chunk * 10_000);
        server.seed("sessions", (0..n).map(|_| json!({})))?;
    }
    let (peak_after, rss_after) = memory();
    let refused = http
        .post(format!("{url}/session"))
        .bearer_auth(&key)
        .json(&json!({}))
        .send()
        .await?
        .status();
    println!(
        "the item cap ({} sessions, seeded in {:.1} s): resident {rss_before:.0} → {rss_after:.0} MiB, peak {peak_before:.0} → {peak_after:.0} MiB; one more create answers {refused}",
        server.count("sessions").unwrap_or_default(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
