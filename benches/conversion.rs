//! PDF conversion benchmark (run with `./bench/conversion`). Prints, next to
//! poppler's `pdftotext` run in the same process on the same files:
//! - text fidelity, as the order score: the share of reference words recovered
//!   in order (LCS of lower-cased word sequences / reference words), on the four
//!   corpus papers with reference texts and on the 20 trial reports of `rct-dev`
//!   against the text of their JATS XML;
//! - throughput in pages per second through `convert_in_child` (a child process
//!   per document, as in production), with one worker and with N concurrent
//!   workers (N = `EVISTREAM_WORKER_CONCURRENCY`, default 2), and in pages per
//!   CPU-second, for each kind of PDF: the corpus papers and the rct-dev trial
//!   reports;
//! - the peak resident memory of a conversion child on the 1000-page file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use evistream::documents::isolation::{ChildLimits, convert_in_child};
use evistream::documents::pdf_text::ConvertedDocument;
use tokio::sync::Mutex;

#[path = "../tests/common/corpus.rs"]
mod corpus;
use corpus::corpus_dir;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_evistream"))
}

/// Lower-cased alphanumeric words; Markdown syntax and punctuation separate them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Length of the longest common subsequence, bit-parallel (Hyyrö 2004): one
/// pass over `b` with `a` held as bit vectors, O(|a|·|b| / 64).
fn lcs_len(a: &[u32], b: &[u32]) -> usize {
    let blocks = a.len().div_ceil(64);
    if blocks == 0 {
        return 0;
    }
    let mut matches: HashMap<u32, Vec<u64>> = HashMap::new();
    for (i, symbol) in a.iter().enumerate() {
        matches.entry(*symbol).or_insert_with(|| vec![0; blocks])[i / 64] |= 1 << (i % 64);
    }
    let mut v = vec![u64::MAX; blocks];
    for symbol in b {
        let Some(pm) = matches.get(symbol) else {
            continue;
        };
        // V = (V + (V & PM)) | (V & !PM), the addition carrying across blocks.
        let mut carry = 0u64;
        for (word, pm) in v.iter_mut().zip(pm) {
            let u = *word & pm;
            let (sum, c1) = word.overflowing_add(u);
            let (sum, c2) = sum.overflowing_add(carry);
            carry = u64::from(c1 || c2);
            *word = sum | (*word & !pm);
        }
    }
    let mut zeros = 0;
    for (index, word) in v.iter().enumerate() {
        let bits = (a.len() - index * 64).min(64);
        let mask = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        zeros += (!word & mask).count_ones() as usize;
    }
    zeros
}

/// Share of the reference's words found, in order, in `text`.
fn order_score(reference: &[String], text: &str) -> f64 {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let candidate = words(text);
    let mut a = Vec::with_capacity(reference.len());
    for word in reference {
        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        a.push(*ids.entry(word.as_str()).or_insert(next));
    }
    let mut b = Vec::with_capacity(candidate.len());
    for word in &candidate {
        // Words absent from the reference can never match; skip interning them.
        if let Some(known) = ids.get(word.as_str()) {
            b.push(*known);
        }
    }
    if reference.is_empty() {
        return 0.0;
    }
    lcs_len(&a, &b) as f64 / reference.len() as f64
}

/// The running text of a JATS article: title, abstract and body with tags
/// stripped. Inline tags join (CO<sub>2</sub> is one word); others separate.
fn jats_text(xml: &str) -> String {
    let section = |open: &str, close: &str| -> String {
        xml.find(open)
            .and_then(|start| {
                let end = start + xml[start..].find(close)?;
                Some(xml[start..end].to_owned())
            })
            .unwrap_or_default()
    };
    let raw = [
        section("<article-title", "</article-title>"),
        section("<abstract", "</abstract>"),
        section("<body", "</body>"),
    ]
    .join("\n");
    const INLINE: [&str; 9] = [
        "italic",
        "bold",
        "sub",
        "sup",
        "sc",
        "underline",
        "xref",
        "ext-link",
        "monospace",
    ];
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.as_str();
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = rest[open + 1..open + close]
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or_default();
        if !INLINE.contains(&tag) {
            out.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x02009;", " ")
        .replace("&#x000a0;", " ")
}

fn full_text(doc: &ConvertedDocument) -> String {
    doc.pages
        .iter()
        .map(|page| page.markdown.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn pdftotext(pdf: &Path) -> String {
    let output = tokio::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .stderr(std::process::Stdio::null())
        .output()
        .await;
    match output {
        Ok(output) => String::from_utf8_lossy(&output.stdout).into_owned(),
        Err(err) => panic!("pdftotext could not run ({err}); install poppler-utils"),
    }
}

async fn ours(pdf: &Path, limits: &ChildLimits) -> ConvertedDocument {
    match convert_in_child(exe(), pdf, limits).await {
        Ok((doc, _)) => doc,
        Err(failure) => panic!("{}: {}", pdf.display(), failure.reason()),
    }
}

struct Fidelity {
    name: String,
    ours: f64,
    reference: f64,
}

async fn fidelity(pairs: &[(PathBuf, String)]) -> Vec<Fidelity> {
    let limits = ChildLimits::default();
    let mut rows = Vec::new();
    for (pdf, reference) in pairs {
        let reference = words(reference);
        let mine = full_text(&ours(pdf, &limits).await);
        let poppler = pdftotext(pdf).await;
        rows.push(Fidelity {
            name: pdf
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            ours: order_score(&reference, &mine),
            reference: order_score(&reference, &poppler),
        });
    }
    rows
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

fn print_fidelity(title: &str, rows: &[Fidelity], per_file: bool) {
    println!("\n{title}");
    println!(
        "{:<44} {:>8} {:>10} {:>8}",
        "file", "evistream", "pdftotext", "ratio"
    );
    if per_file {
        for row in rows {
            println!(
                "{:<44} {:>9.3} {:>10.3} {:>8.3}",
                row.name,
                row.ours,
                row.reference,
                row.ours / row.reference
            );
        }
    }
    let ours = mean(rows.iter().map(|row| row.ours));
    let reference = mean(rows.iter().map(|row| row.reference));
    let worst = rows
        .iter()
        .map(|row| row.ours)
        .fold(f64::INFINITY, f64::min);
    let worst_reference = rows
        .iter()
        .map(|row| row.reference)
        .fold(f64::INFINITY, f64::min);
    println!(
        "{:<44} {:>9.3} {:>10.3} {:>8.3}",
        format!("mean of {}", rows.len()),
        ours,
        reference,
        ours / reference
    );
    println!("{:<44} {:>9.3} {:>10.3}", "worst", worst, worst_reference);
}

/// Runs `job` over `files` with `workers` concurrent tasks; returns seconds.
async fn timed<F, Fut>(files: &[PathBuf], workers: usize, rounds: usize, job: F) -> f64
where
    F: Fn(PathBuf) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let queue: Vec<PathBuf> = (0..rounds).flat_map(|_| files.iter().cloned()).collect();
    let queue = Arc::new(Mutex::new(queue.into_iter()));
    let job = Arc::new(job);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let queue = queue.clone();
        let job = job.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let next = queue.lock().await.next();
                let Some(file) = next else { break };
                job(file).await;
            }
        }));
    }
    for task in tasks {
        if let Err(err) = task.await {
            panic!("a benchmark worker failed: {err}");
        }
    }
    started.elapsed().as_secs_f64()
}

/// Pages per second through `convert_in_child` and through pdftotext on `candidates`
/// (those the child converts), with one and with `workers` concurrent workers, and
/// the children's pages per CPU-second next to pdftotext's.
async fn throughput(kind: &str, candidates: &[PathBuf], workers: usize, rounds: usize) {
    let limits = ChildLimits::default();
    let mut files = Vec::new();
    let mut pages: u64 = 0;
    let mut cpu_ms: u64 = 0;
    for path in candidates {
        // Warms the page cache and counts pages.
        if let Ok((doc, stats)) = convert_in_child(exe(), path, &limits).await {
            pages += u64::from(doc.metadata.page_count);
            cpu_ms += stats.cpu_ms;
            files.push(path.clone());
        }
    }
    let poppler_cpu_s = pdftotext_cpu_seconds(&files).await;
    let total_pages = pages as f64 * rounds as f64;
    println!(
        "\nTHROUGHPUT ({kind}) — {} files, {pages} pages, {rounds} rounds, a child process per document",
        files.len()
    );
    println!(
        "{:<26} {:>14} {:>14} {:>8}",
        "workers", "evistream p/s", "pdftotext p/s", "ratio"
    );
    for n in [1, workers] {
        let ours_s = timed(&files, n, rounds, move |file| async move {
            let limits = ChildLimits::default();
            let _ = convert_in_child(exe(), &file, &limits).await;
        })
        .await;
        let poppler_s = timed(&files, n, rounds, |file| async move {
            let _ = pdftotext(&file).await;
        })
        .await;
        let (ours_rate, poppler_rate) = (total_pages / ours_s, total_pages / poppler_s);
        println!(
            "{:<26} {:>14.1} {:>14.1} {:>8.3}",
            format!("{n} concurrent"),
            ours_rate,
            poppler_rate,
            ours_rate / poppler_rate
        );
    }
    let ours_cpu = pages as f64 / (cpu_ms as f64 / 1000.0);
    let poppler_cpu = pages as f64 / poppler_cpu_s;
    println!(
        "{:<26} {:>14.1} {:>14.1} {:>8.3}",
        "pages per CPU-second",
        ours_cpu,
        poppler_cpu,
        ours_cpu / poppler_cpu
    );
}

/// CPU seconds (user + system) pdftotext spends on `files`, one pass, from the
/// children's rusage as `/proc/self/stat` reports it after they are waited for.
async fn pdftotext_cpu_seconds(files: &[PathBuf]) -> f64 {
    let before = children_cpu_seconds();
    for file in files {
        let _ = pdftotext(file).await;
    }
    children_cpu_seconds() - before
}

/// CPU time of this process's waited-for children (cutime + cstime), in seconds.
fn children_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let Some((_, after)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    // cutime and cstime are the 16th and 17th fields, the 14th and 15th after the
    // command name; in clock ticks of 1/100 s (USER_HZ).
    let ticks = |index: usize| -> f64 {
        fields
            .get(index)
            .and_then(|value| value.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(13) + ticks(14)) / 100.0
}

#[tokio::main]
async fn main() {
    let corpus = corpus_dir();
    let papers = corpus.join("papers");

    // (a) Fidelity.
    let mut with_reference = Vec::new();
    let mut refs: Vec<PathBuf> = std::fs::read_dir(papers.join("reference"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    refs.sort();
    for reference in refs {
        let Some(name) = reference
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".ref.txt"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&reference).unwrap_or_default();
        with_reference.push((papers.join(name), text));
    }
    let articles = corpus.join("rct-dev/articles");
    let mut rct = Vec::new();
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(articles.join("pdf"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    pdfs.sort();
    for pdf in pdfs {
        let Some(stem) = pdf.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let Ok(xml) = std::fs::read_to_string(articles.join(format!("nxml/{stem}.nxml"))) else {
            continue;
        };
        rct.push((pdf.clone(), jats_text(&xml)));
    }
    let started = Instant::now();
    let paper_rows = fidelity(&with_reference).await;
    print_fidelity(
        "ORDER SCORE — corpus papers with reference texts (higher is better)",
        &paper_rows,
        true,
    );
    let rct_rows = fidelity(&rct).await;
    print_fidelity(
        "ORDER SCORE — rct-dev trial reports against their JATS XML",
        &rct_rows,
        true,
    );
    eprintln!(
        "(fidelity measured in {:.1} s)",
        started.elapsed().as_secs_f64()
    );

    // (b) Throughput on two kinds of PDF: the real papers of the corpus (not the
    // hostile files, scans or the 1000-page copy) and the trial reports of
    // rct-dev, which are set word by word and so cost the layout analysis more.
    // Pages are counted from the conversion.
    let manifest = std::fs::read_to_string(papers.join("MANIFEST.tsv")).unwrap_or_default();
    let mut paper_files = Vec::new();
    for row in manifest.lines().skip(1) {
        let fields: Vec<&str> = row.split('\t').collect();
        let (Some(file), Some(kind)) = (fields.first(), fields.get(6)) else {
            continue;
        };
        if file.starts_with("hostile_")
            || file.starts_with("pdfminer_")
            || kind.contains("no text layer")
        {
            continue;
        }
        paper_files.push(papers.join(file));
    }
    let rct_files: Vec<PathBuf> = rct.iter().map(|(pdf, _)| pdf.clone()).collect();
    let workers: usize = std::env::var("EVISTREAM_WORKER_CONCURRENCY")
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(2);
    let rounds = 3;
    for (kind, candidates) in [("papers", paper_files), ("rct-dev", rct_files)] {
        throughput(kind, &candidates, workers, rounds).await;
    }

    // (c) Memory of one child on the 1000-page file.
    let huge = papers.join("hostile_huge_1000p.pdf");
    let big = ChildLimits {
        max_pages: 2000,
        ..ChildLimits::default()
    };
    println!("\nMEMORY — peak RSS of one conversion child");
    for (label, file, limits) in [
        ("hostile_huge_1000p.pdf (1000 p)", huge.clone(), big.clone()),
        (
            "robotreviewer_example.pdf (10 p)",
            papers.join("robotreviewer_example.pdf"),
            ChildLimits::default(),
        ),
    ] {
        match convert_in_child(exe(), &file, &limits).await {
            Ok((doc, stats)) => println!(
                "{label:<34} {:>8.1} MB peak RSS, {:>6.1} s CPU, {:>6.1} s wall, {} pages, {:.1} MB of Markdown",
                stats.peak_rss_kb as f64 / 1024.0,
                stats.cpu_ms as f64 / 1000.0,
                stats.wall_ms as f64 / 1000.0,
                doc.pages.len(),
                full_text(&doc).len() as f64 / 1e6
            ),
            Err(failure) => println!("{label:<34} failed: {}", failure.reason()),
        }
    }
    let started = Instant::now();
    let poppler = pdftotext(&huge).await;
    println!(
        "pdftotext on the 1000-page file: {:.1} s wall, {:.1} MB of text",
        started.elapsed().as_secs_f64(),
        poppler.len() as f64 / 1e6
    );
}
