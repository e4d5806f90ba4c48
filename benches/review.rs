//! Review and export benchmark at 1,000 documents × 30 fields (seeded rows):
//! server time of the results grid's first page and of one value's detail,
//! each as a ratio to `system_status` (a server function doing one
//! `SELECT 1`-like round trip) measured in the same run; then full CSV and
//! Excel exports through the export route: time to first byte, total time,
//! the process's peak RSS growth while exporting, and the CSV's time as a
//! ratio to `COPY … TO STDOUT` of the same rows.
//!   ./bench/review            (DATABASE_URL=… to use a running PostgreSQL)

#[path = "common_app/mod.rs"]
mod common_app;

use std::time::{Duration, Instant};

use axum::body::Body;
use common_app::{App, Database};
use futures::StreamExt;
use http::{Request, header};
use tower::ServiceExt;
use uuid::Uuid;

const DOCUMENTS: i64 = 1_000;
const FIELDS: usize = 30;
const ROUNDS: usize = 40;

fn median_ms(mut samples: Vec<Duration>) -> f64 {
    samples.sort_unstable();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

async fn time(app: &App, name: &str, body: &str) -> f64 {
    // One warm-up call, then the median of ROUNDS.
    app.call_ok(name, body).await;
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        app.call_ok(name, body).await;
        samples.push(started.elapsed());
    }
    median_ms(samples)
}

/// The process's resident memory in KiB (Linux).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// Downloads `path` through the router, reading the body as a stream:
/// (time to first byte, total time, bytes, peak RSS growth in MiB).
async fn download(app: &App, path: &str) -> (Duration, Duration, usize, f64) {
    let before = rss_kib();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let started = Instant::now();
    let request = Request::get(path)
        .header(header::COOKIE, &app.cookie)
        .header(header::HOST, "evistream.bench")
        .body(Body::empty())
        .expect("request");
    let response = app
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), 200, "{path}");
    let mut body = response.into_body().into_data_stream();
    let mut first = None;
    let mut bytes = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("body chunk");
        first.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
    }
    let total = started.elapsed();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.await;
    let grown = peak
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_sub(before);
    (first.unwrap_or(total), total, bytes, grown as f64 / 1024.0)
}

/// `COPY (the same rows) TO STDOUT` as CSV: (time, bytes).
async fn copy_out(app: &App, run: Uuid) -> (Duration, usize) {
    let mut connection = app.pool.acquire().await.expect("connection");
    let started = Instant::now();
    let mut stream = connection
        .copy_out_raw(&format!(
            "COPY (SELECT d.original_name, e.field_path, e.value, e.not_reported, e.quote, e.page, e.confidence \
             FROM extracted_values e JOIN documents d ON d.id = e.document_id \
             WHERE e.run_id = '{run}' ORDER BY d.original_name, e.id) TO STDOUT WITH (FORMAT csv)"
        ))
        .await
        .expect("copy out");
    let mut bytes = 0;
    while let Some(chunk) = stream.next().await {
        bytes += chunk.expect("copy chunk").len();
    }
    (started.elapsed(), bytes)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = Database::create("review").await;
        let app = App::start(db.pool.clone(), None, 1).await;
        let started = Instant::now();
        let (run, value) = app.seed_run(DOCUMENTS, FIELDS).await;
        println!(
            "seeded {DOCUMENTS} documents × {FIELDS} fields ({} values) in {:.1} s",
            DOCUMENTS * FIELDS as i64,
            started.elapsed().as_secs_f64()
        );
        let reference = time(&app, "system_status", "").await;
        println!("reference: system_status            {reference:7.2} ms (median of {ROUNDS})");
        let cases = [
            (
                "grid, first page (50 documents)",
                "review_grid",
                format!("run_id={run}&level=&filter=all&sort=name&page=1"),
            ),
            (
                "grid, needs review, most first",
                "review_grid",
                format!("run_id={run}&level=&filter=needs_review&sort=needs_review&page=1"),
            ),
            (
                "grid, last page",
                "review_grid",
                format!("run_id={run}&level=&filter=all&sort=name&page=20"),
            ),
            (
                "one value's detail",
                "review_cell",
                format!("value_id={value}"),
            ),
        ];
        for (label, name, body) in cases {
            let ms = time(&app, name, &body).await;
            println!(
                "{label:<36} {ms:7.2} ms  = {:5.1}× the reference",
                ms / reference
            );
        }

        let (copy_time, copy_bytes) = copy_out(&app, run).await;
        println!(
            "reference: COPY … TO STDOUT (csv)     {:7.1} ms, {:.1} MB",
            copy_time.as_secs_f64() * 1000.0,
            copy_bytes as f64 / 1e6
        );
        for (label, query) in [
            ("CSV export, wide", "format=csv_wide"),
            ("CSV export, long + quote/page/status", "format=csv_long&quote=true&page=true&status=true"),
            ("Excel export + quote/page", "format=xlsx&quote=true&page=true"),
        ] {
            let (first, total, bytes, grown) =
                download(&app, &format!("/api/runs/{run}/export?{query}")).await;
            println!(
                "{label:<36} first byte {:7.1} ms, all {:7.1} ms ({:4.1}× COPY), {:.1} MB, peak RSS +{grown:.1} MiB",
                first.as_secs_f64() * 1000.0,
                total.as_secs_f64() * 1000.0,
                total.as_secs_f64() / copy_time.as_secs_f64(),
                bytes as f64 / 1e6,
            );
        }
        app.stop().await;
        db.drop_now().await;
    });
}
