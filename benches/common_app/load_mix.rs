//! The load mix a team puts on one server, shared by `benches/load.rs` and
//! `benches/soak.rs`: signed-in sessions, each on its own keep-alive
//! connection over loopback TCP to the real HTTP stack (the server's own
//! accept loop, every middleware), asking for the project list, the project
//! page, a document page, a search, a run's results (the review grid's first
//! page) and a write (renaming the project), with `/healthz` as the same-run
//! reference.
//!
//! A session pauses between requests as a person does (`think`, drawn
//! uniformly from 0 to twice the mean); a mean of zero sends requests back to
//! back, which measures the server's saturation rather than a team's day.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use uuid::Uuid;

/// A whole-number setting of the benchmark from the environment, else `default`.
pub fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The mix: (kind, weight out of 100).
pub const MIX: [(&str, u32); 7] = [
    ("healthz (reference)", 10),
    ("project list", 20),
    ("project page", 15),
    ("document page", 15),
    ("search", 15),
    ("run results", 20),
    ("rename project", 5),
];

/// What one session needs to build its requests.
#[derive(Clone)]
pub struct Targets {
    pub addr: std::net::SocketAddr,
    pub project: Uuid,
    pub documents: Vec<Uuid>,
    pub run: Uuid,
}

/// What a browser says it can decompress (Chromium's, Firefox's): answers
/// are compressed as they are for the team's browsers.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

fn request(kind: &str, targets: &Targets, cookie: &str, n: u64) -> Request<Full<Bytes>> {
    let project = targets.project;
    let host = targets.addr.to_string();
    let form = |path: String, body: String| {
        Request::post(path)
            .header(header::HOST, &host)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT_ENCODING, BROWSER_ENCODINGS)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .expect("request")
    };
    let page = |path: String| {
        Request::get(path)
            .header(header::HOST, &host)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_ENCODING, BROWSER_ENCODINGS)
            .body(Full::new(Bytes::new()))
            .expect("request")
    };
    match kind {
        "healthz (reference)" => page("/healthz".to_owned()),
        "project list" => form(
            "/api/list_projects".to_owned(),
            "sort=activity&page=1".to_owned(),
        ),
        "project page" => page(format!("/projects/{project}")),
        "document page" => {
            let doc = targets.documents[(n as usize) % targets.documents.len()];
            page(format!("/projects/{project}/documents/{doc}"))
        }
        "search" => {
            let words = ["randomised", "patients", "mean", "SD", "seeded paper"];
            form(
                "/api/search_documents".to_owned(),
                format!(
                    "project_id={project}&query={}",
                    super::encode(words[(n as usize) % words.len()])
                ),
            )
        }
        "run results" => form(
            "/api/review_grid".to_owned(),
            format!("run_id={}&level=&filter=all&sort=name&page=1", targets.run),
        ),
        _ => form(
            "/api/update_project".to_owned(),
            format!("id={project}&name=Load+test+{}&description=", n % 1000),
        ),
    }
}

/// Per kind: latencies and errors.
#[derive(Default)]
pub struct Tally {
    pub samples: Vec<Duration>,
    pub errors: u64,
    pub first_error: Option<String>,
    /// Body bytes as sent (compressed when the server compressed them).
    pub wire_bytes: u64,
    /// The `Content-Encoding` of the last answer ("-" for none).
    pub encoding: Option<String>,
}

pub type Tallies = BTreeMap<&'static str, Tally>;

/// A small LCG: every session its own, repeatable sequence.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

async fn connect(
    addr: std::net::SocketAddr,
) -> hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    sender
}

async fn session(
    targets: Targets,
    cookie: String,
    seed: u64,
    until: Instant,
    think: Duration,
) -> Tallies {
    let mut tallies = Tallies::new();
    let mut sender = connect(targets.addr).await;
    let mut random = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // Sessions start spread over one pause, not all at the same instant.
    if !think.is_zero() {
        let offset = think.mul_f64((random.next() % 1000) as f64 / 1000.0);
        tokio::time::sleep(offset).await;
    }
    let mut n = 0u64;
    while Instant::now() < until {
        let mut pick = (random.next() % 100) as u32;
        let kind = MIX
            .iter()
            .find(|(_, weight)| {
                if pick < *weight {
                    true
                } else {
                    pick -= weight;
                    false
                }
            })
            .map(|(kind, _)| *kind)
            .unwrap_or("project list");
        n += 1;
        let started = Instant::now();
        let outcome = async {
            sender.ready().await.map_err(|e| e.to_string())?;
            let response = sender
                .send_request(request(kind, &targets, &cookie, n))
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let encoding = response
                .headers()
                .get(header::CONTENT_ENCODING)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("-")
                .to_owned();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            if status.is_success() {
                Ok((body.len() as u64, encoding))
            } else {
                Err(format!(
                    "HTTP {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ))
            }
        }
        .await;
        let tally = tallies.entry(kind).or_default();
        tally.samples.push(started.elapsed());
        match outcome {
            Ok((bytes, encoding)) => {
                tally.wire_bytes += bytes;
                tally.encoding = Some(encoding);
            }
            Err(err) => {
                tally.errors += 1;
                tally.first_error.get_or_insert(err);
                // The server closed the connection: a browser opens another.
                if sender.is_closed() {
                    sender = connect(targets.addr).await;
                }
            }
        }
        if !think.is_zero() {
            let pause = think.mul_f64((random.next() % 2000) as f64 / 1000.0);
            tokio::time::sleep(pause).await;
        }
    }
    tallies
}

/// Runs one session per cookie until `until`; the tallies of all of them.
pub async fn run(
    targets: &Targets,
    cookies: Vec<String>,
    until: Instant,
    think: Duration,
) -> Tallies {
    let handles: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(i, cookie)| {
            tokio::spawn(session(targets.clone(), cookie, i as u64 + 1, until, think))
        })
        .collect();
    let mut all = Tallies::new();
    for handle in handles {
        for (kind, tally) in handle.await.expect("session") {
            let total = all.entry(kind).or_default();
            total.samples.extend(tally.samples);
            total.errors += tally.errors;
            total.wire_bytes += tally.wire_bytes;
            if total.encoding.is_none() {
                total.encoding = tally.encoding;
            }
            if total.first_error.is_none() {
                total.first_error = tally.first_error;
            }
        }
    }
    all
}

/// The `p` quantile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

/// Prints p50 / p95 / p99 and errors per kind, with each p95 as a multiple of
/// the same run's `/healthz`; returns the number of errors.
pub fn print_table(mut all: Tallies, seconds: f64) -> u64 {
    println!(
        "{:<22} {:>8} {:>7} {:>9} {:>9} {:>9} {:>8} {:>9} {:>5}",
        "kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "p95/ref", "B/answer", "enc"
    );
    for tally in all.values_mut() {
        tally.samples.sort_unstable();
    }
    let reference = all
        .get("healthz (reference)")
        .map(|t| percentile(&t.samples, 0.95))
        .unwrap_or(0.0);
    let mut total = 0;
    let mut errors = 0;
    for (kind, tally) in all {
        total += tally.samples.len();
        errors += tally.errors;
        let p95 = percentile(&tally.samples, 0.95);
        let answers = (tally.samples.len() as u64)
            .saturating_sub(tally.errors)
            .max(1);
        println!(
            "{kind:<22} {:>8} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>7.1}× {:>9} {:>5}",
            tally.samples.len(),
            tally.errors,
            percentile(&tally.samples, 0.5),
            p95,
            percentile(&tally.samples, 0.99),
            p95 / reference.max(1e-9),
            tally.wire_bytes / answers,
            tally.encoding.as_deref().unwrap_or("-")
        );
        if let Some(err) = tally.first_error {
            println!("    first error: {err}");
        }
    }
    println!(
        "{total} requests in {seconds:.0} s: {:.0} per second, {errors} errors",
        total as f64 / seconds
    );
    errors
}

/// Serves `router` on a loopback port with the server's own accept loop;
/// the address.
pub async fn serve(
    router: axum::Router,
    shutdown: tokio_util::sync::CancellationToken,
) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(evistream::server::listen::serve(
        listener,
        router,
        Duration::from_secs(10),
        shutdown,
    ));
    addr
}
