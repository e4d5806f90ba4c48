//! Offline answers over a 50-document project: the latency of 50 questions
//! (`ask_question` without a language model: retrieval, ranking, keeping the
//! answer), p50 and p95, each as a ratio to a plain full-text search
//! (`search_documents`) of the same words measured in the same run.
//! The project holds the 20 trial reports of the corpus, converted, and
//! copies of them (rows, pages and passages) up to 50 documents.
//!   ./bench/ask            (DATABASE_URL=… to use a running PostgreSQL)

#[path = "common_app/mod.rs"]
mod common_app;

use std::time::{Duration, Instant};

use common_app::{App, Database, corpus_dir, encode};
use uuid::Uuid;

const DOCUMENTS: usize = 50;

/// What reviewers ask of trial reports; each is asked of the whole project
/// and of one document: 50 questions.
const QUESTIONS: [&str; 25] = [
    "How many participants were randomised?",
    "Were the outcome assessors blinded?",
    "What was the primary outcome?",
    "What dose was given in the intervention group?",
    "How long was the follow-up?",
    "What was the mean age of the participants?",
    "In which countries were patients enrolled?",
    "How was the allocation concealed?",
    "Which adverse events were reported?",
    "How many patients dropped out or were lost to follow-up?",
    "Was the analysis by intention to treat?",
    "What did the control group receive?",
    "Who funded the trial?",
    "What were the inclusion criteria?",
    "What were the exclusion criteria?",
    "Was the trial registered, and where?",
    "How was the sample size calculated?",
    "What statistical tests were used?",
    "What was the setting of the study?",
    "How was randomisation done?",
    "Were participants blinded to the treatment?",
    "What was the effect on mortality?",
    "Did quality of life improve?",
    "What proportion of participants were women?",
    "How long did the intervention last?",
];

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort_unstable();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[at].as_secs_f64() * 1000.0
}

/// Copies of converted documents, rows, pages and passages, up to `total`.
async fn top_up(app: &App, originals: &[Uuid], total: usize) {
    for copy in 0..total.saturating_sub(originals.len()) {
        let from = originals[copy % originals.len()];
        let id: Uuid = sqlx::query_scalar(
            r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes,
                                      status, page_count, text_version)
               SELECT project_id, 'copy-' || $2 || '-' || original_name, storage_key || '-copy-' || $2,
                      sha256 || '-copy-' || $2, size_bytes, status, page_count, text_version
               FROM documents WHERE id = $1 RETURNING id"#,
        )
        .bind(from)
        .bind(copy as i32)
        .fetch_one(&app.pool)
        .await
        .expect("copy");
        sqlx::query(
            "INSERT INTO document_pages (document_id, page_number, markdown)
             SELECT $2, page_number, markdown FROM document_pages WHERE document_id = $1",
        )
        .bind(from)
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("pages");
        sqlx::query(
            "INSERT INTO document_chunks (document_id, chunk_index, project_id, page_number, char_start, char_end, content)
             SELECT $2, chunk_index, project_id, page_number, char_start, char_end, content
             FROM document_chunks WHERE document_id = $1",
        )
        .bind(from)
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("chunks");
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = Database::create("ask").await;
        let app = App::start(db.pool.clone(), None, 1).await;
        let started = Instant::now();
        let folder = corpus_dir().join("rct-dev/articles/pdf");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("the rct-dev PDFs")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        files.sort();
        let mut originals = Vec::new();
        for file in &files {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("x.pdf");
            originals.push(app.upload(name, std::fs::read(file).expect("pdf")).await);
        }
        app.wait_ready(&originals).await;
        top_up(&app, &originals, DOCUMENTS).await;
        let (chunks,): (i64,) = sqlx::query_as("SELECT count(*) FROM document_chunks")
            .fetch_one(&app.pool)
            .await
            .expect("count");
        println!(
            "{DOCUMENTS} documents ({} converted, the rest copies), {chunks} passages, ready in {:.1} s",
            originals.len(),
            started.elapsed().as_secs_f64()
        );
        let project = app.project;
        let mut asks = Vec::new();
        let mut searches = Vec::new();
        let mut found = 0;
        // One warm-up of each.
        app.call_ok(
            "ask_question",
            &format!("project_id={project}&question=dose&document_ids="),
        )
        .await;
        app.call_ok("search_documents", &format!("project_id={project}&query=dose"))
            .await;
        for (i, question) in QUESTIONS.iter().cycle().take(2 * QUESTIONS.len()).enumerate() {
            let scope = if i < QUESTIONS.len() {
                String::new()
            } else {
                originals[i % originals.len()].to_string()
            };
            let t = Instant::now();
            let answer = app
                .call_ok(
                    "ask_question",
                    &format!(
                        "project_id={project}&question={}&document_ids={scope}",
                        encode(question)
                    ),
                )
                .await;
            asks.push(t.elapsed());
            if answer["passages"].as_array().is_some_and(|p| !p.is_empty()) {
                found += 1;
            }
            let t = Instant::now();
            app.call_ok(
                "search_documents",
                &format!("project_id={project}&query={}", encode(question)),
            )
            .await;
            searches.push(t.elapsed());
        }
        let (ask50, ask95) = (percentile(&mut asks, 0.5), percentile(&mut asks, 0.95));
        let (s50, s95) = (
            percentile(&mut searches, 0.5),
            percentile(&mut searches, 0.95),
        );
        println!("questions: {} ({found} with passages)", asks.len());
        println!("reference: search_documents  p50 {s50:7.2} ms   p95 {s95:7.2} ms");
        println!(
            "ask (offline answer)         p50 {ask50:7.2} ms   p95 {ask95:7.2} ms   ratio p50 {:.2}×  p95 {:.2}×",
            ask50 / s50.max(1e-9),
            ask95 / s95.max(1e-9)
        );
        app.stop().await;
        db.drop_now().await;
    });
}
