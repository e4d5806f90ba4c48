//! What compressing an answer costs, through the app's own compression layer
//! (tower-http's `CompressionLayer` with its defaults, as `server::http` uses
//! it: brotli 4, gzip 6), beside brotli 11 (the brotli codec's own default,
//! which tower-http deliberately avoids) and gzip 1.
//!
//! The answers are realistic rather than seeded: a review grid's first page
//! (50 documents × 30 fields, `review::api::GridRow` serialised as the server
//! function does) whose values are phrases of the rct-dev trial reports, and a
//! document page's HTML of one report's text. Prints bytes and time per answer
//! for each setting, with the uncompressed answer through the same layer as
//! the same-run reference.
//!   ./bench/compression

#[path = "common_app/mod.rs"]
mod common_app;

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use evistream::review::api::{GridCell, GridRow};
use evistream::review::model::CellState;
use http::{Request, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;

/// The words of the rct-dev reports' text, in order.
fn corpus_words() -> Vec<String> {
    let folder = common_app::corpus_dir().join("rct-dev/articles/txt");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|err| panic!("{}: {err}", folder.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|text| {
            text.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A grid page's rows: every cell a phrase of 2 to 12 words from the reports.
fn grid_json(words: &[String]) -> String {
    let rows: Vec<GridRow> = (0..50usize)
        .map(|document| GridRow {
            document_id: uuid::Uuid::new_v4(),
            document_name: format!("trial-report-{document:03}.pdf"),
            entry: Vec::new(),
            failed_steps: 0,
            verified_unreviewed: 30,
            cells: (0..30usize)
                .map(|field| {
                    let start = (document * 7919 + field * 104_729) % (words.len() - 12);
                    let length = 2 + (document + field) % 11;
                    GridCell::Value {
                        value_id: (document * 30 + field) as i64,
                        text: words[start..start + length].join(" "),
                        state: CellState::Verified,
                        confidence: 0.9,
                        needs_review: field % 3 == 0,
                        matches: true,
                    }
                })
                .collect(),
        })
        .collect();
    serde_json::to_string(&rows).expect("json")
}

/// A document page: one report's text as escaped paragraphs.
fn document_html(words: &[String]) -> String {
    let mut html = String::from("<!DOCTYPE html><html><body><main>");
    for (line, chunk) in words[..6_000.min(words.len())].chunks(12).enumerate() {
        let text = chunk.join(" ").replace('&', "&amp;").replace('<', "&lt;");
        html.push_str(&format!(
            "<p class=\"passage\" data-page=\"{}\">{text}</p>",
            line / 40 + 1
        ));
    }
    html.push_str("</main></body></html>");
    html
}

/// Bytes sent and median time per answer for `body` through a router with
/// `layer`, asked with `accept_encoding`.
async fn measure(
    body: &'static str,
    layer: CompressionLayer,
    accept_encoding: &str,
    rounds: usize,
) -> (usize, Duration) {
    let router = Router::new()
        .route(
            "/",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }),
        )
        .layer(layer);
    let mut times = Vec::with_capacity(rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let response = router
            .clone()
            .oneshot(
                Request::get("/")
                    .header(header::ACCEPT_ENCODING, accept_encoding)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .len();
        times.push(started.elapsed());
    }
    times.sort_unstable();
    (bytes, times[rounds / 2])
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let words = corpus_words();
    assert!(words.len() > 1_000, "the rct-dev texts were not found");
    let answers: [(&str, &'static str); 2] = [
        (
            "review grid, 50 × 30",
            Box::leak(grid_json(&words).into_boxed_str()),
        ),
        (
            "document page HTML",
            Box::leak(document_html(&words).into_boxed_str()),
        ),
    ];
    let app = CompressionLayer::new;
    let at = |level| CompressionLayer::new().quality(level);
    println!(
        "{:<22} {:<28} {:>10} {:>10} {:>9}",
        "answer", "setting", "bytes", "ms", "× ref"
    );
    for (name, body) in answers {
        let (raw, reference) = measure(body, app(), "identity", 41).await;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<22} {:<28} {raw:>10} {:>10.3} {:>8.1}×",
            "none (reference)",
            ms(reference),
            1.0
        );
        for (setting, layer, encoding, rounds) in [
            ("br 4 (the app)", app(), "br", 41),
            ("gzip 6 (the app)", app(), "gzip", 41),
            ("br 11", at(CompressionLevel::Best), "br", 5),
            ("gzip 1", at(CompressionLevel::Fastest), "gzip", 41),
        ] {
            let (bytes, time) = measure(body, layer, encoding, rounds).await;
            println!(
                "{name:<22} {setting:<28} {bytes:>10} {:>10.3} {:>8.1}×",
                ms(time),
                time.as_secs_f64() / reference.as_secs_f64().max(1e-9)
            );
        }
    }
}
