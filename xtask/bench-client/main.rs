//! Client overhead: `GET /session/{id}` against a local server, through
//! `cozmox_client` (typed decode into the models' `Session`, auth, retry
//! policy, tracing span) vs. a bare `reqwest` call decoding the same bytes
//! into `serde_json::Value` (the baseline), side by side in one run;
//! and a third side, the bare call decoding into the same `Session` as the
//! client, so that what the client itself adds is told apart from the
//! difference between decoding into `Value` and into `Session`.
//!
//! Written into a scratch workspace and run by `cargo xtask bench-client`
//! (source: `xtask/bench-client/main.rs`). The server is a loopback
//! HTTP/1.1 keep-alive server on one thread of its own answering every request with
//! the same bytes (`../data/session.json`, written by the same command).
//! Each side keeps one client, so one pooled connection, for the whole run;
//! the sides take turns in blocks of requests, the order rotating from round
//! to round, so that drift in the machine's load hits all alike. Every
//! request is timed on its own (send to decoded body).
//!
//! Arguments: `ROUNDS REQUESTS_PER_BLOCK WARMUP`. Prints one tab-separated
//! line per side: `side  count  min_ns  p50_ns  p90_ns  mean_ns  connections`.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const ID: &str = "bench-session";
const API_KEY: &str = "sk-bench";

/// Answer every request on `stream` with `response` until the client closes.
async fn serve(stream: TcpStream, response: Arc<[u8]>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    loop {
        // The request head, up to the empty line.
        let mut content_length = 0usize;
        let mut first = true;
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if first {
                first = false;
            } else if line == "\r\n" || line == "\n" {
                break;
            } else if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        if content_length > 0 {
            let mut body = vec![0; content_length];
            reader.read_exact(&mut body).await?;
        }
        writer.write_all(&response).await?;
    }
}

/// Start the server on a thread of its own, every connection served by that
/// one thread (so no side gets a server thread of its own, scheduled
/// differently); returns its base URL and the count of connections it
/// accepted.
fn start_server(body: &[u8]) -> Result<(String, Arc<AtomicUsize>)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let url = format!("http://{}", listener.local_addr()?);
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let response: Arc<[u8]> = response.into();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = TcpListener::from_std(listener) else {
                return;
            };
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve(stream, response.clone()));
            }
        })
    });
    Ok((url, connections))
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Client,
    ReqwestValue,
    ReqwestSession,
}

const SIDES: [(Side, &str); 3] = [
    (Side::Client, "cozmox-client"),
    (Side::ReqwestValue, "reqwest+Value"),
    (Side::ReqwestSession, "reqwest+Session"),
];

struct Sides {
    client: cozmox_client::Client,
    reqwest: reqwest::Client,
    url: String,
}

impl Sides {
    /// One request on `side`; returns the nanoseconds it took.
    async fn once(&self, side: Side) -> Result<u64> {
        let start = Instant::now();
        match side {
            Side::Client => {
                let session = self.client.sessions().get(ID).await?;
                black_box(session);
            }
            Side::ReqwestValue | Side::ReqwestSession => {
                let bytes = self
                    .reqwest
                    .get(&self.url)
                    .bearer_auth(API_KEY)
                    .send()
                    .await?
                    .bytes()
                    .await?;
                if side == Side::ReqwestValue {
                    let value: serde_json::Value = serde_json::from_slice(&bytes)?;
                    black_box(value);
                } else {
                    let session: cozmox_models::Session = serde_json::from_slice(&bytes)?;
                    black_box(session);
                }
            }
        }
        Ok(start.elapsed().as_nanos() as u64)
    }
}

fn stats(name: &str, mut ns: Vec<u64>, connections: usize) -> String {
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q).round() as usize];
    let mean = ns.iter().sum::<u64>() / ns.len() as u64;
    format!(
        "{name}\t{}\t{}\t{}\t{}\t{mean}\t{connections}",
        ns.len(),
        ns[0],
        at(0.5),
        at(0.9)
    )
}

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<()> {
    let rounds = arg(1, 200).max(1);
    let block = arg(2, 100).max(1);
    let warmup = arg(3, 2000);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/session.json");
    let body = std::fs::read(&data).map_err(|e| format!("cannot read {}: {e}", data.display()))?;

    let (base, connections) = start_server(&body)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let sides = Sides {
            client: cozmox_client::Client::builder()
                .api_key(API_KEY)
                .base_url(&base)
                .build()?,
            reqwest: reqwest::Client::new(),
            url: format!("{base}/session/{ID}"),
        };

        // Both sides read the same thing.
        let session = sides.client.sessions().get(ID).await?;
        let value: serde_json::Value = serde_json::from_slice(&body)?;
        if value.get("id").and_then(|v| v.as_str()) != Some(session.id.as_str()) {
            return Err("the client decoded another session than the bytes served".into());
        }

        for _ in 0..warmup {
            for (side, _) in SIDES {
                sides.once(side).await?;
            }
        }
        let mut times: [Vec<u64>; 3] = Default::default();
        for round in 0..rounds {
            for k in 0..SIDES.len() {
                let i = (round + k) % SIDES.len();
                for _ in 0..block {
                    times[i].push(sides.once(SIDES[i].0).await?);
                }
            }
        }
        let opened = connections.load(Ordering::Relaxed);
        for ((_, name), ns) in SIDES.into_iter().zip(times) {
            println!("{}", stats(name, ns, opened));
        }
        Ok(())
    })
}
