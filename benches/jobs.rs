//! Job queue benchmark (run with `./bench/jobs`). Prints, against a real
//! PostgreSQL and real `evistream worker` / `serve` processes:
//! - enqueue-to-start latency p50/p95 of no-op jobs, with one and two worker
//!   processes;
//! - throughput of no-op jobs (jobs/s) with one and two worker processes;
//! - NOTIFY-to-client latency p50/p95 of progress events, read from the
//!   server-sent-events stream over HTTP.
//!
//! Each is printed next to a reference measured in the same run: the bare round trip of a
//! `pg_notify` to a `LISTEN`ing connection, the floor of both latencies.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use evistream::jobs::api::JobUpdate;
use evistream::jobs::diagnostic::{self, DiagnosticPayload};
use evistream::jobs::server::{self as jobs, NewJob};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{Executor, PgPool};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const LATENCY_JOBS: usize = 200;
const THROUGHPUT_JOBS: usize = 3000;
const CONCURRENCY: &str = "4";

struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
        for child in &mut self.0 {
            let _ = child.wait();
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summarise(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(|a, b| a.total_cmp(b));
    (percentile(&samples, 50.0), percentile(&samples, 95.0))
}

fn spawn(args: &[&str], url: &str, extra: &[(&str, String)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_evistream"));
    command
        .args(args)
        .env("DATABASE_URL", url)
        .env("EVISTREAM_WORKER_CONCURRENCY", CONCURRENCY)
        .env("EVISTREAM_DIAGNOSTIC_JOBS", "true")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    command.spawn().expect("start an evistream process")
}

async fn enqueue(pool: &PgPool, kind: &'static str, payload: serde_json::Value) {
    let mut tx = pool.begin().await.expect("begin");
    jobs::enqueue(&mut tx, NewJob::new(kind, payload))
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
}

async fn wait_all_done(pool: &PgPool, total: i64) {
    loop {
        let done: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'succeeded'")
            .fetch_one(pool)
            .await
            .expect("count");
        if done >= total {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The floor: pg_notify from one connection to a LISTENing one, in ms.
async fn bare_notify_round_trip(pool: &PgPool) -> (f64, f64) {
    let mut listener = PgListener::connect_with(pool).await.expect("listener");
    listener.listen("bench_reference").await.expect("listen");
    let mut samples = Vec::new();
    for i in 0..LATENCY_JOBS {
        let sent = Instant::now();
        sqlx::query("SELECT pg_notify('bench_reference', $1)")
            .bind(i.to_string())
            .execute(pool)
            .await
            .expect("notify");
        listener.recv().await.expect("notification");
        samples.push(sent.elapsed().as_secs_f64() * 1000.0);
    }
    summarise(samples)
}

async fn enqueue_to_start(pool: &PgPool) -> (f64, f64) {
    pool.execute("TRUNCATE jobs CASCADE")
        .await
        .expect("truncate");
    for _ in 0..LATENCY_JOBS {
        enqueue(pool, diagnostic::NOOP_KIND, serde_json::json!({})).await;
        // Spaced out so each job meets idle workers, as a user's action would.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    wait_all_done(pool, LATENCY_JOBS as i64).await;
    let samples: Vec<f64> = sqlx::query_scalar(
        "SELECT (extract(epoch FROM started_at - created_at) * 1000)::float8 FROM jobs",
    )
    .fetch_all(pool)
    .await
    .expect("latencies");
    summarise(samples)
}

async fn throughput(pool: &PgPool) -> f64 {
    pool.execute("TRUNCATE jobs CASCADE")
        .await
        .expect("truncate");
    let mut tx = pool.begin().await.expect("begin");
    for _ in 0..THROUGHPUT_JOBS {
        jobs::enqueue(
            &mut tx,
            NewJob::new(diagnostic::NOOP_KIND, serde_json::json!({})),
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
    let started = Instant::now();
    wait_all_done(pool, THROUGHPUT_JOBS as i64).await;
    THROUGHPUT_JOBS as f64 / started.elapsed().as_secs_f64()
}

/// Waits until workers answer by running one job.
async fn warm_up(pool: &PgPool) {
    pool.execute("TRUNCATE jobs CASCADE")
        .await
        .expect("truncate");
    enqueue(pool, diagnostic::NOOP_KIND, serde_json::json!({})).await;
    tokio::time::timeout(Duration::from_secs(60), wait_all_done(pool, 1))
        .await
        .expect("workers started");
}

async fn notify_to_client(pool: &PgPool, url: &str) -> (f64, f64, usize) {
    let port = {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        socket.local_addr().expect("address").port()
    };
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/target/site");
    let _server = Processes(vec![spawn(
        &["serve"],
        url,
        &[
            ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
            ("LEPTOS_SITE_ROOT", root.to_owned()),
        ],
    )]);
    let connect = || async move {
        loop {
            match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                Ok(stream) => break stream,
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    };
    // The first account of the instance is an admin and sees every job's events.
    let mut signup = connect().await;
    let body = "email=bench%40example.org&password=benchmark+password";
    let request = format!(
        "POST /api/register HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    signup
        .write_all(request.as_bytes())
        .await
        .expect("register");
    let mut answer = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut signup, &mut answer)
        .await
        .expect("answer");
    let cookie = answer
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let mut stream = connect().await;
    let request = format!(
        "GET /api/jobs/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("request");
    let mut lines = BufReader::new(stream).lines();
    // Wait for the stream to be open (its first byte), then start the job.
    lines
        .next_line()
        .await
        .expect("stream")
        .expect("status line");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let steps = 200;
    let payload = DiagnosticPayload::new(steps, 10).expect("payload");
    enqueue(pool, diagnostic::KIND, serde_json::json!(payload)).await;

    let mut samples = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await
        else {
            break;
        };
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let Ok(update) = serde_json::from_str::<JobUpdate>(data.trim()) else {
            continue;
        };
        let now_us = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        if update.done.is_some() {
            samples.push((now_us - update.sent_at_us) as f64 / 1000.0);
        }
        if update.status.is_finished() {
            break;
        }
    }
    let n = samples.len();
    let (p50, p95) = summarise(samples);
    (p50, p95, n)
}

#[tokio::main]
async fn main() {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL: run through ./bench/jobs");
    let server = base
        .rsplit_once('/')
        .map_or(base.as_str(), |(s, _)| s)
        .to_owned();
    let admin = PgPoolOptions::new()
        .connect(&format!("{server}/postgres"))
        .await
        .expect("connect");
    admin
        .execute("DROP DATABASE IF EXISTS evistream_bench_jobs WITH (FORCE)")
        .await
        .expect("drop");
    admin
        .execute("CREATE DATABASE evistream_bench_jobs")
        .await
        .expect("create");
    let url = format!("{server}/evistream_bench_jobs");
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .expect("connect");
    evistream::db::MIGRATOR.run(&pool).await.expect("migrate");

    let (ref_p50, ref_p95) = bare_notify_round_trip(&pool).await;
    println!(
        "reference: bare pg_notify → LISTEN round trip  p50 {ref_p50:.2} ms  p95 {ref_p95:.2} ms"
    );

    let mut rates = Vec::new();
    for processes in [1usize, 2] {
        let workers = Processes(
            (0..processes)
                .map(|_| spawn(&["worker"], &url, &[]))
                .collect(),
        );
        warm_up(&pool).await;
        let (p50, p95) = enqueue_to_start(&pool).await;
        let rate = throughput(&pool).await;
        drop(workers);
        println!(
            "{processes} worker process(es) × {CONCURRENCY} tasks: enqueue→start p50 {p50:.2} ms ({:.1}× ref)  p95 {p95:.2} ms ({:.1}× ref)  throughput {rate:.0} no-op jobs/s",
            p50 / ref_p50,
            p95 / ref_p95
        );
        rates.push(rate);
    }
    println!(
        "throughput, 2 processes / 1 process: {:.2}×",
        rates[1] / rates[0]
    );

    pool.execute("TRUNCATE jobs CASCADE")
        .await
        .expect("truncate");
    let (p50, p95, n) = notify_to_client(&pool, &url).await;
    println!(
        "progress event NOTIFY → SSE client ({n} events): p50 {p50:.2} ms ({:.1}× ref)  p95 {p95:.2} ms ({:.1}× ref)  [database clock to client clock, same machine]",
        p50 / ref_p50,
        p95 / ref_p95
    );
}
