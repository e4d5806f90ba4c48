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
use evistream::forms::model::{FieldDef, FieldType, FormDefinition};
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

/// A form of 30 number fields, a finished run over 1,000 ready documents and
/// a value for every document and field (a third of them needing review).
async fn seed(app: &App) -> (Uuid, i64) {
    let pool = &app.pool;
    let form = FormDefinition {
        name: "Bench".into(),
        description: String::new(),
        fields: (0..FIELDS)
            .map(|i| {
                FieldDef::new(
                    &format!("field_{i}"),
                    &format!("Field {i}"),
                    FieldType::Number,
                )
            })
            .collect(),
    };
    let plan = evistream::forms::plan::deterministic_plan(&form);
    let form_id: Uuid = sqlx::query_scalar(
        "INSERT INTO forms (project_id, name) VALUES ($1, 'Bench') RETURNING id",
    )
    .bind(app.project)
    .fetch_one(pool)
    .await
    .expect("form");
    let version: Uuid = sqlx::query_scalar(
        "INSERT INTO form_versions (form_id, version, definition, plan_status, plan) VALUES ($1, 1, $2, 'active', $3) RETURNING id",
    )
    .bind(form_id)
    .bind(serde_json::to_value(&form).expect("json"))
    .bind(serde_json::to_value(&plan).expect("json"))
    .fetch_one(pool)
    .await
    .expect("version");
    let run: Uuid = sqlx::query_scalar(
        "INSERT INTO extraction_runs (project_id, form_version_id, extractor, status) VALUES ($1, $2, 'offline', 'succeeded') RETURNING id",
    )
    .bind(app.project)
    .bind(version)
    .fetch_one(pool)
    .await
    .expect("run");
    sqlx::query(
        r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes, status, page_count)
           SELECT $1, 'paper-' || lpad(i::text, 4, '0') || '.pdf', 'bench/' || i, md5(i::text), 1000, 'ready', 10
           FROM generate_series(1, $2) i"#,
    )
    .bind(app.project)
    .bind(DOCUMENTS)
    .execute(pool)
    .await
    .expect("documents");
    sqlx::query(
        r#"INSERT INTO document_pages (document_id, page_number, markdown)
           SELECT d.id, p, 'Page ' || p || ' of a seeded paper: 120 patients were randomised; the mean was 4.5 (SD 1.2).'
           FROM documents d, generate_series(1, 10) p WHERE d.project_id = $1"#,
    )
    .bind(app.project)
    .execute(pool)
    .await
    .expect("pages");
    sqlx::query("INSERT INTO run_documents (run_id, document_id) SELECT $1, id FROM documents WHERE project_id = $2")
        .bind(run)
        .bind(app.project)
        .execute(pool)
        .await
        .expect("run documents");
    sqlx::query(
        r#"INSERT INTO extracted_values (run_id, document_id, form_version_id, step_key, field_path, value,
               not_reported, quote, page, char_start, char_end, grounded, supported, confidence, extractor, text_version)
           SELECT $1, d.id, $2, 'step_1', 'field_' || f, to_jsonb(120), false,
                  '120 patients were randomised', 1 + f % 10, 38, 66,
                  f % 3 <> 0, f % 3 <> 0, 0.9, 'offline', 0
           FROM documents d, generate_series(0, $3 - 1) f WHERE d.project_id = $4"#,
    )
    .bind(run)
    .bind(version)
    .bind(FIELDS as i32)
    .bind(app.project)
    .execute(pool)
    .await
    .expect("values");
    sqlx::query("ANALYZE").execute(pool).await.expect("analyze");
    let value: i64 = sqlx::query_scalar("SELECT max(id) FROM extracted_values WHERE run_id = $1")
        .bind(run)
        .fetch_one(pool)
        .await
        .expect("a value");
    (run, value)
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
        let (run, value) = seed(&app).await;
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
