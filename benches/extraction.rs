//! Extraction benchmark (run with `./bench/extraction`). Prints:
//! - run throughput: 50 ready documents × a 4-step form through the real run
//!   job (workers, grounding, storage) against an in-process OpenAI-compatible
//!   server that answers every request after a fixed 200 ms, at 8 steps in
//!   flight; the wall time is printed against the ideal 50 × 4 × 0.2 s ÷ 8,
//!   so the figure is the run machinery's overhead. The same run with the
//!   offline extractor, in absolute time;
//! - grounding throughput: quotes per second of `grounding::Paper::ground`
//!   over a 30-page converted paper (verbatim, perturbed and invented
//!   sentences), next to a plain `str::contains` over the same text;
//! - the offline extractor's seconds per document over the 20 rct-dev trials
//!   (the outcome-results comparisons step with the gold ICOs seeded), next to
//!   the in-process conversion time of the same PDFs.
//!
//! Figures are printed, never asserted: they depend on the machine.

#[path = "common_app/mod.rs"]
mod common_app;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use evistream::documents::pdf_text::convert_pdf;
use evistream::extraction::extractor::Extractor;
use evistream::extraction::grounding::{PageText as GroundingPage, Paper};
use evistream::extraction::llm::{LlmClient, LlmSettings};
use evistream::extraction::offline::{OfflineInput, PageText, extract_step};
use evistream::forms::model::FieldType;
use evistream::forms::plan;
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;

use common_app::{App, Database, LlmEndpoint, corpus_dir};

const DOCUMENTS: usize = 50;
const STEPS: usize = 4;
const CONCURRENCY: usize = 8;
const LATENCY: Duration = Duration::from_millis(200);
const PAGES_PER_DOCUMENT: usize = 8;
const GROUNDING_QUOTES: usize = 1000;
const GROUNDING_PAGES: usize = 30;

// ------------------------------------------------------------ (a) throughput

/// Four non-repeating sub-forms of two whole numbers each: the deterministic
/// plan gives one step per top-level sub-form, so four steps.
const SUBFORMS: [&str; STEPS] = ["baseline", "dosing", "followup", "safety"];

fn field_keys() -> Vec<String> {
    SUBFORMS
        .iter()
        .flat_map(|s| [format!("{s}_first"), format!("{s}_second")])
        .collect()
}

fn form_json() -> String {
    let fields: Vec<Value> = SUBFORMS
        .iter()
        .map(|s| {
            json!({
                "key": s, "label": format!("{s} counts"), "type": "subform", "repeating": false,
                "fields": [
                    {"key": format!("{s}_first"), "label": format!("First {s} count"), "type": "integer"},
                    {"key": format!("{s}_second"), "label": format!("Second {s} count"), "type": "integer"},
                ]
            })
        })
        .collect();
    json!({"format": "evistream.form", "version": 1,
           "form": {"name": "Throughput", "fields": fields}})
    .to_string()
}

/// The number a synthetic paper states for `key`, and the sentence stating it.
fn fact(key: &str) -> (i64, String) {
    let index = field_keys().iter().position(|k| k == key).unwrap_or(0) as i64;
    let value = 11 + index * 7;
    (
        value,
        format!(
            "The recorded {} came to {value} participants overall.",
            key.replace('_', " ")
        ),
    )
}

/// A synthetic paper: filler prose on every page, the facts on page 3.
fn synthetic_pages(seed: usize) -> Vec<String> {
    let filler = [
        "Participants were recruited from outpatient clinics over two years.",
        "Randomisation used sealed opaque envelopes prepared by a statistician.",
        "Outcomes were assessed by investigators blind to allocation.",
        "Adverse events were recorded at every visit and coded centrally.",
        "The analysis followed the intention-to-treat principle throughout.",
        "Missing data were handled by multiple imputation with twenty sets.",
    ];
    (1..=PAGES_PER_DOCUMENT)
        .map(|page| {
            let mut text = format!("## Section {page} of trial report {seed}\n\n");
            for i in 0..40 {
                text.push_str(filler[(i + page + seed) % filler.len()]);
                text.push(' ');
            }
            if page == 3 {
                text.push_str("\n\n");
                for key in field_keys() {
                    text.push_str(&fact(&key).1);
                    text.push(' ');
                }
            }
            text
        })
        .collect()
}

/// Inserts ready documents with their pages and chunks, as a finished
/// conversion leaves them (one chunk per page is enough for ranking).
async fn insert_documents(pool: &PgPool, project: Uuid, owner: Uuid) {
    for d in 0..DOCUMENTS {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes,
                                    status, page_count, uploaded_by)
             VALUES ($1, $2, $3, $4, 1000, 'ready', $5, $6) RETURNING id",
        )
        .bind(project)
        .bind(format!("synthetic-{d:02}.pdf"))
        .bind(format!("projects/{project}/{}.pdf", Uuid::new_v4()))
        .bind(format!("{d:064}"))
        .bind(PAGES_PER_DOCUMENT as i32)
        .bind(owner)
        .fetch_one(pool)
        .await
        .expect("insert a document");
        for (i, text) in synthetic_pages(d).iter().enumerate() {
            let page = i as i32 + 1;
            sqlx::query(
                "INSERT INTO document_pages (document_id, page_number, markdown) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(page)
            .bind(text)
            .execute(pool)
            .await
            .expect("insert a page");
            sqlx::query(
                "INSERT INTO document_chunks (document_id, chunk_index, project_id, page_number,
                                              char_start, char_end, content)
                 VALUES ($1, $2, $3, $4, 0, $5, $6)",
            )
            .bind(id)
            .bind(i as i32)
            .bind(project)
            .bind(page)
            .bind(text.len() as i32)
            .bind(text)
            .execute(pool)
            .await
            .expect("insert a chunk");
        }
    }
}

/// A valid answer to whatever step the request's JSON Schema describes: every
/// field answered with its fact, quoted from page 3.
fn answer_for(key: &str, schema: &Value) -> Value {
    let properties = schema["properties"].as_object();
    match properties {
        Some(p) if p.contains_key("not_reported") => {
            let (value, sentence) = fact(key);
            json!({"value": value, "not_reported": false,
                   "evidence": {"quote": sentence, "page": 3}, "confidence": 0.9})
        }
        Some(p) => Value::Object(
            p.iter()
                .map(|(k, s)| (k.clone(), answer_for(k, s)))
                .collect(),
        ),
        None => Value::Null,
    }
}

#[derive(Clone)]
struct Scripted {
    requests: Arc<AtomicUsize>,
}

async fn chat(
    axum::extract::State(script): axum::extract::State<Scripted>,
    axum::Json(request): axum::Json<Value>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    script.requests.fetch_add(1, Ordering::Relaxed);
    let content = answer_for("", &request["response_format"]["json_schema"]["schema"]);
    tokio::time::sleep(LATENCY).await;
    let body = json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "scripted",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content.to_string()}}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 50, "total_tokens": 1050}
    });
    (
        [(http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn scripted_server() -> (String, Scripted) {
    let script = Scripted {
        requests: Arc::new(AtomicUsize::new(0)),
    };
    let app = Router::new()
        .route("/v1/chat/completions", axum::routing::post(chat))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, script)
}

/// Runs the form over every document; returns (seconds from the start
/// request to the finished run seen by the poller, seconds the job's run
/// took by the database clock, the run's detail).
async fn timed_run(app: &App, version: Uuid, extractor: &str) -> (f64, f64, Value) {
    let started = Instant::now();
    let run = app.start_run(version, extractor, "").await;
    let detail = app.wait_run(run, Duration::from_millis(10)).await;
    let wall = started.elapsed().as_secs_f64();
    let job: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM finished_at - started_at)::float8 FROM extraction_runs WHERE id = $1",
    )
    .bind(run)
    .fetch_one(&app.pool)
    .await
    .expect("run times");
    (wall, job, detail)
}

async fn run_throughput() {
    let database = Database::create("extraction").await;
    let (url, script) = scripted_server().await;
    let mut settings = LlmSettings::new(&url, "scripted");
    settings.concurrency = CONCURRENCY;
    settings.request_timeout = Duration::from_secs(30);
    let client = LlmClient::new(settings).expect("client");
    let llm = LlmEndpoint {
        base_url: url,
        model: "scripted".to_owned(),
        extractor: Extractor::OpenAi {
            client,
            context_tokens: 24_000,
        },
    };
    let app = App::start(database.pool.clone(), Some(llm), CONCURRENCY).await;
    insert_documents(&app.pool, app.project, app.owner).await;
    let version = app.active_form(None, Some(&form_json())).await;

    let (wall, job, detail) = timed_run(&app, version, "openai").await;
    let ideal = (DOCUMENTS * STEPS) as f64 * LATENCY.as_secs_f64() / CONCURRENCY as f64;
    let counts = &detail["run"]["counts"];
    println!("(a) run throughput: {DOCUMENTS} documents × {STEPS} steps, {CONCURRENCY} in flight");
    println!(
        "    openai (scripted, {} ms per request): {wall:.2} s start→finished ({:.3}× the ideal {ideal:.2} s); job {job:.2} s ({:.3}× ideal); status {}, {} requests, {} values, {} verified",
        LATENCY.as_millis(),
        wall / ideal,
        job / ideal,
        detail["run"]["status"],
        script.requests.load(Ordering::Relaxed),
        counts["values"],
        counts["verified"],
    );
    let (wall, job, detail) = timed_run(&app, version, "offline").await;
    println!(
        "    offline: {wall:.2} s start→finished, job {job:.2} s ({:.1} ms per step); status {}, {} values",
        job * 1000.0 / (DOCUMENTS * STEPS) as f64,
        detail["run"]["status"],
        detail["run"]["counts"]["values"],
    );
    app.stop().await;
    database.drop_now().await;
}

// ------------------------------------------------------------- (b) grounding

/// A small deterministic generator (xorshift), so every run grounds the same quotes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Sentences of a page fit to be quoted: prose, 40 to 300 bytes.
fn sentences(text: &str) -> Vec<String> {
    text.split(['\n'])
        .flat_map(|line| line.split(". "))
        .map(str::trim)
        .filter(|s| s.len() >= 40 && s.len() <= 300 && !s.contains('|') && !s.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// One slip: a letter dropped in the middle of a word (still near-exact), or
/// a word replaced (no longer the paper's).
fn perturb(sentence: &str, rng: &mut Rng) -> String {
    let words: Vec<&str> = sentence.split(' ').collect();
    let at = rng.below(words.len());
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    if rng.below(2) == 0 {
        if let Some(word) = out.get_mut(at)
            && word.len() > 3
            && word.is_ascii()
        {
            word.remove(word.len() / 2);
        }
    } else if let Some(word) = out.get_mut(at) {
        *word = "zebrafish".to_owned();
    }
    out.join(" ")
}

fn grounding_throughput(pages: &[PageText], other: &[PageText]) {
    let grounding_pages: Vec<GroundingPage> = pages
        .iter()
        .map(|p| GroundingPage {
            page: p.page,
            text: &p.text,
        })
        .collect();
    let own: Vec<(u32, String)> = pages
        .iter()
        .flat_map(|p| sentences(&p.text).into_iter().map(move |s| (p.page, s)))
        .collect();
    let invented: Vec<String> = other.iter().flat_map(|p| sentences(&p.text)).collect();
    assert!(
        !own.is_empty() && !invented.is_empty(),
        "no sentences to quote"
    );
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // (kind, quote, page hint)
    let quotes: Vec<(&str, String, Option<u32>)> = (0..GROUNDING_QUOTES)
        .map(|i| match i % 10 {
            0..=5 => {
                let (page, s) = &own[rng.below(own.len())];
                ("verbatim", s.clone(), Some(*page))
            }
            6 | 7 => {
                let (page, s) = &own[rng.below(own.len())];
                ("perturbed", perturb(s, &mut rng), Some(*page))
            }
            _ => (
                "invented",
                invented[rng.below(invented.len())].clone(),
                Some(1),
            ),
        })
        .collect();
    // A text value the quote states (its first words), so support is checked too.
    let values: Vec<Value> = quotes
        .iter()
        .map(|(_, q, _)| json!(q.split(' ').take(3).collect::<Vec<_>>().join(" ")))
        .collect();

    let started = Instant::now();
    let paper = Paper::new(&grounding_pages);
    let build = started.elapsed().as_secs_f64();
    let mut grounded: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let started = Instant::now();
    for ((kind, quote, hint), value) in quotes.iter().zip(&values) {
        let g = paper.ground(FieldType::Text, &[], value, quote, *hint);
        let tally = grounded.entry(kind).or_default();
        tally.0 += 1;
        tally.1 += usize::from(g.grounded);
    }
    let ground_secs = started.elapsed().as_secs_f64();

    let joined: String = pages
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let started = Instant::now();
    let mut contained = 0usize;
    for (_, quote, _) in &quotes {
        contained += usize::from(std::hint::black_box(&joined).contains(quote.as_str()));
    }
    let contains_secs = started.elapsed().as_secs_f64();

    let rate = GROUNDING_QUOTES as f64 / ground_secs;
    let reference = GROUNDING_QUOTES as f64 / contains_secs;
    println!(
        "(b) grounding: {} pages, {} KB of text, {GROUNDING_QUOTES} quotes",
        pages.len(),
        joined.len() / 1024
    );
    println!(
        "    Paper::ground {rate:.0} quotes/s (Paper::new once: {:.1} ms); reference str::contains {reference:.0} quotes/s; ground is {:.1}× slower",
        build * 1000.0,
        reference / rate
    );
    let shares: Vec<String> = grounded
        .iter()
        .map(|(kind, (n, g))| format!("{kind} {g}/{n}"))
        .collect();
    println!(
        "    grounded: {}; found by str::contains: {contained}/{GROUNDING_QUOTES}",
        shares.join(", ")
    );
}

// ---------------------------------------------------- (c) offline per document

fn convert(path: &std::path::Path) -> (Vec<PageText>, f64) {
    let bytes = std::fs::read(path).expect("read a PDF");
    let started = Instant::now();
    let converted = convert_pdf(&bytes, 2000).expect("the PDF converts");
    let secs = started.elapsed().as_secs_f64();
    let pages = converted
        .pages
        .into_iter()
        .map(|p| PageText {
            page: p.number,
            text: p.markdown,
        })
        .collect();
    (pages, secs)
}

/// Seeds per PMCID: the gold ICOs of `ico_gold.csv`.
fn gold_icos() -> BTreeMap<String, Vec<BTreeMap<String, Value>>> {
    let path = corpus_dir().join("rct-dev/gold/ico_gold.csv");
    let mut reader = csv::Reader::from_path(path).expect("ico_gold.csv");
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("ico_gold.csv has no {name} column"))
    };
    let (pmcid, i, c, o) = (
        column("pmcid"),
        column("intervention"),
        column("comparator"),
        column("outcome"),
    );
    let mut seeds: BTreeMap<String, Vec<BTreeMap<String, Value>>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a row");
        let cell = |k: usize| json!(record.get(k).unwrap_or(""));
        seeds
            .entry(record.get(pmcid).unwrap_or("").to_owned())
            .or_default()
            .push(BTreeMap::from([
                ("intervention".to_owned(), cell(i)),
                ("comparator".to_owned(), cell(c)),
                ("outcome".to_owned(), cell(o)),
            ]));
    }
    seeds
}

/// Converts the 20 trials (timed, the reference) and extracts the comparisons
/// step of each (timed); returns the report and the converted pages (the
/// grounding part quotes them as sentences that are not in its paper).
fn offline_per_document() -> (String, Vec<Vec<PageText>>) {
    let dir = corpus_dir().join("rct-dev/articles/pdf");
    let mut pdfs: Vec<_> = std::fs::read_dir(&dir)
        .expect("rct-dev PDFs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    let form = evistream::forms::presets::preset_form("outcome_results").expect("preset");
    let plan = plan::deterministic_plan(&form);
    let step = plan
        .steps
        .iter()
        .find(|s| s.field_keys.iter().any(|k| k == "comparisons"))
        .expect("a comparisons step");
    let fields: Vec<_> = plan::step_fields(&form, step)
        .into_iter()
        .cloned()
        .collect();
    let icos = gold_icos();
    let mut conversion = Vec::new();
    let mut extraction = Vec::new();
    let mut entries = 0usize;
    let mut all_pages = Vec::new();
    for pdf in &pdfs {
        let (pages, convert_secs) = convert(pdf);
        let pmcid = pdf.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let mut seeds = BTreeMap::new();
        let document_icos = icos.get(pmcid).cloned().unwrap_or_default();
        entries += document_icos.len();
        seeds.insert("comparisons".to_owned(), document_icos);
        let started = Instant::now();
        let answer = extract_step(&OfflineInput {
            pages: &pages,
            fields: &fields,
            seeded_entries: &seeds,
        });
        std::hint::black_box(answer);
        extraction.push(started.elapsed().as_secs_f64());
        conversion.push(convert_secs);
        all_pages.push(pages);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let max = |v: &[f64]| v.iter().copied().fold(0.0f64, f64::max);
    let report = format!(
        "(c) offline extractor over {} rct-dev trials ({entries} seeded ICOs, comparisons step)\n    extraction {:.3} s/document (max {:.3} s); reference: in-process conversion {:.3} s/document (max {:.3} s); extraction / conversion {:.2}×",
        pdfs.len(),
        mean(&extraction),
        max(&extraction),
        mean(&conversion),
        max(&conversion),
        mean(&extraction) / mean(&conversion)
    );
    (report, all_pages)
}

#[tokio::main]
async fn main() {
    run_throughput().await;

    let (offline_report, trials) = tokio::task::spawn_blocking(offline_per_document)
        .await
        .expect("offline part");

    // A 30-page paper: the first pages of the longest corpus paper, padded
    // with trial reports if it is shorter.
    let (mut pages, _) = convert(&corpus_dir().join("papers/grobid_MullenJSSv18i03.pdf"));
    pages.truncate(GROUNDING_PAGES);
    for trial in &trials {
        if pages.len() >= GROUNDING_PAGES {
            break;
        }
        for page in trial {
            let number = pages.len() as u32 + 1;
            pages.push(PageText {
                page: number,
                text: page.text.clone(),
            });
        }
    }
    pages.truncate(GROUNDING_PAGES);
    let other = trials.first().cloned().unwrap_or_default();
    grounding_throughput(&pages, &other);
    println!("{offline_report}");
}
