//! A team's load on one small server: `LOAD_SESSIONS` (100) signed-in
//! sessions, each on its own keep-alive connection over loopback TCP to the
//! real HTTP stack (the server's own accept loop, every middleware), send
//! requests back to back for `LOAD_SECONDS` (60) in a realistic mix: the
//! project list, the project page, a document page, a search, a run's results
//! (the review grid's first page) and a write (renaming the project). `/healthz`
//! is measured in the same run as the reference. Prints p50 / p95 / p99 and
//! errors per kind of request.
//! Seeded: one project of 50 ready documents (10 pages each), a finished run
//! with 50 × 30 values.
//!   ./bench/load            (DATABASE_URL=… to use a running PostgreSQL)

#[path = "common_app/mod.rs"]
mod common_app;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use common_app::{App, Database};
use http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use uuid::Uuid;

/// The mix: (kind, weight out of 100).
const MIX: [(&str, u32); 7] = [
    ("healthz (reference)", 10),
    ("project list", 20),
    ("project page", 15),
    ("document page", 15),
    ("search", 15),
    ("run results", 20),
    ("rename project", 5),
];

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What one session needs to build its requests.
#[derive(Clone)]
struct Targets {
    host: String,
    project: Uuid,
    documents: Vec<Uuid>,
    run: Uuid,
}

fn request(kind: &str, targets: &Targets, cookie: &str, n: u64) -> Request<Full<Bytes>> {
    let project = targets.project;
    let form = |path: String, body: String| {
        Request::post(path)
            .header(header::HOST, &targets.host)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .expect("request")
    };
    let page = |path: String| {
        Request::get(path)
            .header(header::HOST, &targets.host)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT, "text/html")
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
                    common_app::encode(words[(n as usize) % words.len()])
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
struct Tally {
    samples: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

async fn session(
    addr: std::net::SocketAddr,
    targets: Targets,
    cookie: String,
    seed: u64,
    until: Instant,
) -> BTreeMap<&'static str, Tally> {
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let connect = || async {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        sender
    };
    let mut sender = connect().await;
    // A small LCG: every session its own, repeatable sequence.
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut n = 0u64;
    while Instant::now() < until {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut pick = ((state >> 33) % 100) as u32;
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
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            if status.is_success() {
                Ok(())
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
        if let Err(err) = outcome {
            tally.errors += 1;
            tally.first_error.get_or_insert(err);
            // The server closed the connection: a browser opens another.
            if sender.is_closed() {
                sender = connect().await;
            }
        }
    }
    tallies
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sessions = setting("LOAD_SESSIONS", 100);
        let seconds = setting("LOAD_SECONDS", 60);
        let db = Database::create("load").await;
        let app = App::start(db.pool.clone(), None, 1).await;
        let (run, _) = app.seed_run(50, 30).await;
        let documents: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM documents WHERE project_id = $1")
                .bind(app.project)
                .fetch_all(&app.pool)
                .await
                .expect("documents");
        let mut cookies = Vec::new();
        for _ in 0..sessions {
            cookies.push(app.new_session().await);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listen");
        let addr = listener.local_addr().expect("address");
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(evistream::server::listen::serve(
            listener,
            app.router.clone(),
            Duration::from_secs(10),
            shutdown.clone(),
        ));
        let targets = Targets {
            host: addr.to_string(),
            project: app.project,
            documents,
            run,
        };
        println!(
            "{sessions} sessions for {seconds} s over loopback to http://{addr} (pool: {} connections)",
            app.pool.options().get_max_connections()
        );
        let until = Instant::now() + Duration::from_secs(seconds);
        let handles: Vec<_> = cookies
            .into_iter()
            .enumerate()
            .map(|(i, cookie)| {
                tokio::spawn(session(addr, targets.clone(), cookie, i as u64, until))
            })
            .collect();
        let mut all: BTreeMap<&'static str, Tally> = BTreeMap::new();
        for handle in handles {
            for (kind, tally) in handle.await.expect("session") {
                let total = all.entry(kind).or_default();
                total.samples.extend(tally.samples);
                total.errors += tally.errors;
                if total.first_error.is_none() {
                    total.first_error = tally.first_error;
                }
            }
        }
        shutdown.cancel();
        println!(
            "{:<22} {:>8} {:>7} {:>9} {:>9} {:>9} {:>8}",
            "kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "p95/ref"
        );
        let reference = all
            .get("healthz (reference)")
            .map(|t| {
                let mut s = t.samples.clone();
                s.sort_unstable();
                percentile(&s, 0.95)
            })
            .unwrap_or(0.0);
        let mut total = 0;
        for (kind, mut tally) in all {
            tally.samples.sort_unstable();
            total += tally.samples.len();
            let p95 = percentile(&tally.samples, 0.95);
            println!(
                "{kind:<22} {:>8} {:>7} {:>9.2} {:>9.2} {:>9.2} {:>7.1}×",
                tally.samples.len(),
                tally.errors,
                percentile(&tally.samples, 0.5),
                p95,
                percentile(&tally.samples, 0.99),
                p95 / reference.max(1e-9)
            );
            if let Some(err) = tally.first_error {
                println!("    first error: {err}");
            }
        }
        println!(
            "{total} requests in {seconds} s: {:.0} per second",
            total as f64 / seconds as f64
        );
        app.stop().await;
        db.drop_now().await;
    });
}
