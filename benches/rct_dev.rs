//! RCT dev-set score through the app's real path (run with `./bench/rct-dev`).
//!
//! The 20 rct-dev PDFs are uploaded through the upload route and converted by
//! the workers' isolated children; a form is created from the
//! `outcome_results` preset, its plan activated, and an offline run started
//! over HTTP with seeded entries; the values are read back with `run_values`,
//! exactly what a user (or a script) gets. They are scored against the
//! human gold of `rct-dev/gold` with the rules of
//! `src/extraction/offline/devscore.rs.txt` (which scores the extractor
//! directly, without conversion, storage or grounding in between):
//!
//! - seeded entries: every ICO of `ico_gold.csv`, plus every row of
//!   `numeric_results.csv` whose intervention/comparator/outcome wording is
//!   not one of them (Yun et al. often reword or split the prompt's outcome;
//!   without these, most numeric rows would have no entry to be scored on).
//!   A gold row belongs to the entry with the same PMCID and the same three
//!   texts;
//! - per field (group size, events, mean, SD per arm, outcome type, direction
//!   of effect): answered, correct, precision of the answered, recall of the
//!   gold values, and "not reported" agreement where the gold is empty.
//!   Numbers are correct within 0.5 % relative or 0.01 absolute; directions
//!   are compared with `ei_label_majority` ("significantly increase" read as
//!   "significantly increased");
//! - the same split by where the quote came from: a table row (a `|` or a
//!   double space in it) or a sentence;
//! - how often a direction's quote covers ≥ 50 % of the words of one of the
//!   doctors' evidence texts (`ei_annotations.csv`) for that prompt;
//! - precision per confidence bucket;
//! - the first table again counting only verified values (grounded and
//!   supported, or derived with grounded inputs) as answered: what trusting
//!   the badge is worth.
//!
//! Figures are printed, never asserted.

#[path = "common_app/mod.rs"]
mod common_app;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use evistream::extraction::api::ExtractedValue;
use serde_json::Value;

use common_app::{App, Database, corpus_dir};

const NUMERIC: [&str; 8] = [
    "intervention_group_size",
    "comparator_group_size",
    "intervention_events",
    "comparator_events",
    "intervention_mean",
    "intervention_sd",
    "comparator_mean",
    "comparator_sd",
];
const DIRECTION: &str = "direction_of_effect";

/// One seeded entry of one trial and the gold it is scored against.
#[derive(Debug, Clone)]
struct Entry {
    intervention: String,
    comparator: String,
    outcome: String,
    /// The Evidence Inference prompt when the entry is an `ico_gold.csv` ICO.
    prompt: Option<String>,
    /// Normalised `ei_label_majority`; empty when the doctors gave none.
    label: String,
    /// The `numeric_results.csv` row with the same texts, column → cell.
    numeric: Option<BTreeMap<String, String>>,
}

fn read_csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = corpus_dir().join("rct-dev/gold").join(name);
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let headers = reader.headers().expect("headers").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, c)| (h.to_owned(), c.to_owned()))
                .collect()
        })
        .collect()
}

fn norm_direction(s: &str) -> String {
    let s = s.trim().to_lowercase();
    if s.starts_with("significantly increase") {
        "significantly increased".into()
    } else if s.starts_with("significantly decrease") {
        "significantly decreased".into()
    } else {
        s
    }
}

/// Entries per PMCID, in the order they are seeded.
fn entries() -> BTreeMap<String, Vec<Entry>> {
    let mut by_trial: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for row in read_csv("ico_gold.csv") {
        by_trial
            .entry(row["pmcid"].clone())
            .or_default()
            .push(Entry {
                intervention: row["intervention"].clone(),
                comparator: row["comparator"].clone(),
                outcome: row["outcome"].clone(),
                prompt: Some(row["prompt_id"].clone()),
                label: norm_direction(&row["ei_label_majority"]),
                numeric: None,
            });
    }
    for row in read_csv("numeric_results.csv") {
        let trial = by_trial.entry(row["pmcid"].clone()).or_default();
        let same = trial.iter_mut().find(|e| {
            e.numeric.is_none()
                && e.intervention == row["intervention"]
                && e.comparator == row["comparator"]
                && e.outcome == row["outcome"]
        });
        match same {
            Some(entry) => entry.numeric = Some(row),
            None => trial.push(Entry {
                intervention: row["intervention"].clone(),
                comparator: row["comparator"].clone(),
                outcome: row["outcome"].clone(),
                prompt: None,
                label: String::new(),
                numeric: Some(row),
            }),
        }
    }
    by_trial
}

fn seeds_csv(entries: &BTreeMap<String, Vec<Entry>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["document", "intervention", "comparator", "outcome"])
        .expect("csv");
    for (pmcid, trial) in entries {
        for e in trial {
            writer
                .write_record([
                    format!("{pmcid}.pdf").as_str(),
                    &e.intervention,
                    &e.comparator,
                    &e.outcome,
                ])
                .expect("csv");
        }
    }
    String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.01 || (a - b).abs() <= 0.005 * b.abs()
}

fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether the quote holds at least half the words of one evidence text.
fn overlaps(quote: &str, evidence: &[String]) -> bool {
    let quote = words(quote);
    evidence.iter().any(|e| {
        let e = words(e);
        !e.is_empty() && e.iter().filter(|w| quote.contains(*w)).count() * 2 >= e.len()
    })
}

#[derive(Default, Clone, Copy)]
struct Tally {
    gold: usize,
    gold_empty: usize,
    answered: usize,
    correct: usize,
    nr_agree: usize,
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "   -".to_owned()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

fn print_fields(title: &str, tallies: &BTreeMap<String, Tally>) {
    println!("\n{title}");
    println!(
        "{:<26} {:>5} {:>5} {:>5} {:>6} {:>6} {:>10}",
        "field", "gold", "ans", "ok", "prec", "recall", "NR agree"
    );
    let mut total = Tally::default();
    for (k, t) in tallies {
        println!(
            "{k:<26} {:>5} {:>5} {:>5} {:>6} {:>6} {:>4}/{:<5}",
            t.gold,
            t.answered,
            t.correct,
            ratio(t.correct, t.answered),
            ratio(t.correct, t.gold),
            t.nr_agree,
            t.gold_empty
        );
        total.gold += t.gold;
        total.gold_empty += t.gold_empty;
        total.answered += t.answered;
        total.correct += t.correct;
        total.nr_agree += t.nr_agree;
    }
    println!(
        "{:<26} {:>5} {:>5} {:>5} {:>6} {:>6} {:>4}/{:<5}",
        "all",
        total.gold,
        total.answered,
        total.correct,
        ratio(total.correct, total.answered),
        ratio(total.correct, total.gold),
        total.nr_agree,
        total.gold_empty
    );
}

/// A value as scored: answered (by the extractor's word, and verified by
/// eviStream's), correct, where its quote came from, its confidence.
struct Scored {
    field: String,
    gold_has: bool,
    answered: bool,
    verified: bool,
    correct: bool,
    table: bool,
    confidence: f32,
}

fn score_value(field: &str, v: &ExtractedValue, gold: Option<&str>) -> Scored {
    let gold = gold.map(str::trim).filter(|g| !g.is_empty());
    let answered = !v.not_reported && v.value.as_ref().is_some_and(|x| !x.is_null());
    let correct = answered
        && match (v.value.as_ref(), gold) {
            (Some(Value::Number(a)), Some(g)) => g
                .parse::<f64>()
                .ok()
                .zip(a.as_f64())
                .is_some_and(|(g, a)| close(a, g)),
            (Some(Value::String(a)), Some(g)) => {
                if field == DIRECTION {
                    norm_direction(a) == g
                } else {
                    a.trim().eq_ignore_ascii_case(g)
                }
            }
            _ => false,
        };
    let quote = v.quote.as_deref().unwrap_or("");
    Scored {
        field: field.to_owned(),
        gold_has: gold.is_some(),
        answered,
        verified: answered && matches!(v.state(), "verified" | "derived"),
        correct,
        table: quote.contains('|') || quote.contains("  "),
        confidence: v.confidence,
    }
}

fn kind(field: &str) -> &str {
    if field == DIRECTION || field == "outcome_type" {
        field
    } else {
        field.split_once('_').map_or(field, |(_, k)| k)
    }
}

#[tokio::main]
async fn main() {
    let database = Database::create("rct_dev").await;
    let app = App::start(database.pool.clone(), None, 4).await;
    let entries = entries();
    let evidence: BTreeMap<(String, String), Vec<String>> = read_csv("ei_annotations.csv")
        .into_iter()
        .fold(BTreeMap::new(), |mut map, row| {
            map.entry((row["pmcid"].clone(), row["prompt_id"].clone()))
                .or_insert_with(Vec::new)
                .push(row["evidence_text"].clone());
            map
        });

    // Upload and convert, as a user does.
    let dir = corpus_dir().join("rct-dev/articles/pdf");
    let started = Instant::now();
    let mut documents = Vec::new();
    for pmcid in entries.keys() {
        let bytes = std::fs::read(dir.join(format!("{pmcid}.pdf"))).expect("an rct-dev PDF");
        documents.push(app.upload(&format!("{pmcid}.pdf"), bytes).await);
    }
    app.wait_ready(&documents).await;
    let conversion = started.elapsed().as_secs_f64();

    let version = app.active_form(Some("outcome_results"), None).await;
    let started = Instant::now();
    let run = app
        .start_run(version, "offline", &seeds_csv(&entries))
        .await;
    let detail = app.wait_run(run, Duration::from_millis(100)).await;
    let run_secs = started.elapsed().as_secs_f64();
    let values = app.values(run).await;
    println!(
        "{} trials uploaded and converted in {conversion:.1} s; offline run {} in {run_secs:.1} s: {} entries seeded, {} values read through run_values",
        documents.len(),
        detail["run"]["status"],
        entries.values().map(Vec::len).sum::<usize>(),
        values.len()
    );

    let by_path: BTreeMap<(String, String), &ExtractedValue> = values
        .iter()
        .map(|v| {
            let pmcid = v.document_name.trim_end_matches(".pdf").to_owned();
            ((pmcid, v.field_path.clone()), v)
        })
        .collect();
    let mut scored: Vec<Scored> = Vec::new();
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    // (direction answers with evidence texts, of which overlapping; the same for correct ones)
    let mut overlap = (0usize, 0usize, 0usize, 0usize);
    let mut missing = 0usize;
    for (pmcid, trial) in &entries {
        for (i, e) in trial.iter().enumerate() {
            let mut fields: Vec<&str> = Vec::new();
            if e.numeric.is_some() {
                fields.extend(NUMERIC);
                fields.push("outcome_type");
            }
            if !e.label.is_empty() {
                fields.push(DIRECTION);
            }
            for field in fields {
                let Some(v) = by_path.get(&(pmcid.clone(), format!("comparisons[{i}].{field}")))
                else {
                    missing += 1;
                    continue;
                };
                let gold = if field == DIRECTION {
                    Some(e.label.as_str())
                } else {
                    e.numeric
                        .as_ref()
                        .and_then(|n| n.get(field))
                        .map(String::as_str)
                };
                let s = score_value(field, v, gold);
                *states.entry(v.state()).or_default() += 1;
                if field == DIRECTION && s.answered {
                    let texts = e
                        .prompt
                        .as_ref()
                        .and_then(|p| evidence.get(&(pmcid.clone(), p.clone())));
                    if let Some(texts) = texts {
                        let hit = overlaps(v.quote.as_deref().unwrap_or(""), texts);
                        overlap.0 += 1;
                        overlap.1 += usize::from(hit);
                        if s.correct {
                            overlap.2 += 1;
                            overlap.3 += usize::from(hit);
                        }
                    }
                }
                scored.push(s);
            }
        }
    }
    if missing > 0 {
        println!("warning: {missing} scored fields had no stored value");
    }
    let states: Vec<String> = states.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("states of the scored values: {}", states.join(", "));

    for (title, trusted) in [
        (
            "Per field: every answered value counts (the extractor's word)",
            false,
        ),
        (
            "Per field: only VERIFIED values count as answered (grounded and supported, or derived with grounded inputs)",
            true,
        ),
    ] {
        let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
        for s in &scored {
            let t = tallies.entry(s.field.clone()).or_default();
            let answered = if trusted { s.verified } else { s.answered };
            t.gold += usize::from(s.gold_has);
            t.gold_empty += usize::from(!s.gold_has);
            if answered {
                t.answered += 1;
                t.correct += usize::from(s.correct);
            } else {
                t.nr_agree += usize::from(!s.gold_has);
            }
        }
        print_fields(title, &tallies);
    }

    println!("\nBy where the quote came from (answered values; verified in brackets)");
    println!(
        "{:<20} {:<9} {:>5} {:>5} {:>6}   {:>5} {:>5} {:>6}",
        "kind", "source", "ans", "ok", "prec", "[ans", "ok", "prec]"
    );
    let mut sources: BTreeMap<(String, &str), [usize; 4]> = BTreeMap::new();
    for s in scored.iter().filter(|s| s.answered) {
        let source = if s.table { "table" } else { "sentence" };
        let t = sources
            .entry((kind(&s.field).to_owned(), source))
            .or_default();
        t[0] += 1;
        t[1] += usize::from(s.correct);
        if s.verified {
            t[2] += 1;
            t[3] += usize::from(s.correct);
        }
    }
    for ((k, source), t) in &sources {
        println!(
            "{k:<20} {source:<9} {:>5} {:>5} {:>6}   {:>5} {:>5} {:>6}",
            t[0],
            t[1],
            ratio(t[1], t[0]),
            t[2],
            t[3],
            ratio(t[3], t[2])
        );
    }

    println!(
        "\nDirection quotes covering ≥ 50 % of the words of a doctors' evidence text: {}/{} answered ({}), {}/{} correct ({})",
        overlap.1,
        overlap.0,
        ratio(overlap.1, overlap.0),
        overlap.3,
        overlap.2,
        ratio(overlap.3, overlap.2)
    );

    println!("\nConfidence buckets (numbers and direction, answered values)");
    println!(
        "{:<12} {:>5} {:>5} {:>6} {:>9}",
        "confidence", "ans", "ok", "prec", "verified"
    );
    let bounds = [0.0f32, 0.4, 0.6, 0.8, 1.01];
    for w in bounds.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let in_bucket: Vec<&Scored> = scored
            .iter()
            .filter(|s| s.answered && s.field != "outcome_type")
            .filter(|s| s.confidence >= lo && s.confidence < hi)
            .collect();
        let correct = in_bucket.iter().filter(|s| s.correct).count();
        println!(
            "[{lo:.1}, {:.1}{} {:>5} {:>5} {:>6} {:>9}",
            hi.min(1.0),
            if hi > 1.0 { "]" } else { ")" },
            in_bucket.len(),
            correct,
            ratio(correct, in_bucket.len()),
            in_bucket.iter().filter(|s| s.verified).count()
        );
    }

    app.stop().await;
    database.drop_now().await;
}
