//! Converts every PDF of the shared corpus in an isolated child process and
//! checks the outcome each file's kind (from `papers/MANIFEST.tsv`) implies,
//! a few fidelity facts, and that limits end a child with a readable reason.
#![cfg(feature = "ssr")]

use std::path::{Path, PathBuf};

use evistream::documents::isolation::{ChildLimits, convert_in_child, inspect_in_child};
use evistream::documents::pdf_text::{ConversionFailure, ConvertedDocument, ocr_available};

#[path = "common/corpus.rs"]
mod corpus;
use corpus::corpus_dir;
#[path = "common/damaged.rs"]
mod damaged;

fn papers() -> PathBuf {
    corpus_dir().join("papers")
}

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_evistream"))
}

/// The outcome a MANIFEST kind implies.
#[derive(Debug)]
enum Expect {
    Text {
        pages: Option<u32>,
    },
    Failure(ConversionFailure),
    Scan,
    /// Damaged files: whatever can be read, or a reasoned Corrupted.
    Recovered,
}

fn expectation(file: &str, kind: &str, pages: &str) -> Expect {
    if kind.contains("user password required") {
        Expect::Failure(ConversionFailure::PasswordProtected)
    } else if kind.contains("not a PDF") {
        Expect::Failure(ConversionFailure::NotPdf)
    } else if kind.contains("empty file") {
        Expect::Failure(ConversionFailure::Empty)
    } else if kind.contains("1000 pages") {
        Expect::Failure(ConversionFailure::TooManyPages {
            pages: 1000,
            limit: 500,
        })
    } else if kind.contains("no text layer") {
        Expect::Scan
    } else if kind.contains("truncated") || kind.contains("corrupted") {
        Expect::Recovered
    } else {
        assert!(
            !file.starts_with("hostile_") || kind.contains("empty user password"),
            "{file}: no expectation for kind {kind:?}"
        );
        Expect::Text {
            pages: pages.parse().ok(),
        }
    }
}

fn non_space(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

fn full_text(doc: &ConvertedDocument) -> String {
    doc.pages
        .iter()
        .map(|page| page.markdown.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Most pages of a paper hold a real amount of text (figure-only pages exist).
fn check_text(file: &str, doc: &ConvertedDocument, pages: Option<u32>) -> Result<(), String> {
    if let Some(pages) = pages
        && doc.metadata.page_count != pages
    {
        return Err(format!(
            "{file}: {} pages, the manifest says {pages}",
            doc.metadata.page_count
        ));
    }
    if !doc.unreadable_pages.is_empty() {
        return Err(format!(
            "{file}: pages {:?} called unreadable",
            doc.unreadable_pages
        ));
    }
    let numbers: Vec<u32> = doc.pages.iter().map(|page| page.number).collect();
    let expected: Vec<u32> = (1..=u32::try_from(numbers.len()).unwrap_or(0)).collect();
    if numbers != expected {
        return Err(format!("{file}: page numbers {numbers:?}"));
    }
    let texty = doc
        .pages
        .iter()
        .filter(|page| non_space(&page.markdown) >= 200)
        .count();
    if texty * 10 < doc.pages.len() * 7 && !(doc.pages.len() == 1 && texty == 0) {
        return Err(format!(
            "{file}: only {texty} of {} pages have text",
            doc.pages.len()
        ));
    }
    let text = full_text(doc);
    if doc.pages.len() > 1 && non_space(&text) < 1000 {
        return Err(format!("{file}: only {} characters", non_space(&text)));
    }
    if text.contains(['\u{FB00}', '\u{FB01}', '\u{FB02}', '\u{FB03}', '\u{FB04}']) {
        return Err(format!("{file}: ligature characters left in the text"));
    }
    Ok(())
}

#[tokio::test]
async fn every_corpus_file_gets_the_outcome_its_kind_implies() {
    let dir = papers();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let ocr = ocr_available();
    assert!(
        ocr || std::env::var_os("EVISTREAM_REQUIRE_OCR").is_none(),
        "EVISTREAM_REQUIRE_OCR is set but tesseract/pdftoppm are missing"
    );
    let limits = ChildLimits::default();
    let mut problems = Vec::new();
    let mut seen = 0;
    for row in manifest.lines().skip(1) {
        let fields: Vec<&str> = row.split('\t').collect();
        let (Some(file), Some(pages), Some(kind)) = (fields.first(), fields.get(4), fields.get(6))
        else {
            continue;
        };
        seen += 1;
        let path = dir.join(file);
        let outcome = convert_in_child(exe(), &path, &limits).await;
        let expect = expectation(file, kind, pages);
        let verdict = match (&expect, &outcome) {
            (Expect::Text { pages }, Ok((doc, _))) => check_text(file, doc, *pages),
            (Expect::Failure(want), Err(got)) if want == got => Ok(()),
            // With OCR, the drawing with three words (the JBIG2 file) still has
            // too little text; the scanned text page must be read.
            (Expect::Scan, Err(ConversionFailure::NoTextLayer { pages: 1 }))
                if !ocr || *file != "docling_ocr_test.pdf" =>
            {
                Ok(())
            }
            (Expect::Scan, Ok((doc, _))) if ocr && doc.ocr_used => {
                let text = full_text(doc);
                if text.contains("Docling") {
                    Ok(())
                } else {
                    Err(format!("{file}: OCR text {text:?}"))
                }
            }
            (Expect::Recovered, Ok((doc, _))) => check_text(file, doc, None),
            (Expect::Recovered, Err(ConversionFailure::Corrupted { detail }))
                if !detail.is_empty() =>
            {
                Ok(())
            }
            _ => Err(format!(
                "{file}: expected {expect:?}, got {:?}",
                outcome.as_ref().map(|(doc, _)| doc.pages.len())
            )),
        };
        if let Err(problem) = verdict {
            problems.push(problem);
        }
    }
    let on_disk = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "pdf"))
        .count();
    assert_eq!(seen, on_disk, "every PDF of the corpus is in the manifest");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn convert(file: &str) -> ConvertedDocument {
    convert_in_child(exe(), &papers().join(file), &ChildLimits::default())
        .await
        .unwrap_or_else(|failure| panic!("{file}: {}", failure.reason()))
        .0
}

#[tokio::test]
async fn text_keeps_symbols_joins_hyphens_and_drops_running_heads() {
    let rct = convert("robotreviewer_example.pdf").await;
    let text = full_text(&rct);
    // Printed in the trial report: "≥" in eligibility criteria, "−" in CIs.
    assert!(text.contains('≥'), "≥ lost");
    assert!(text.contains('−'), "− lost");
    assert!(text.contains("randomised controlled trial"));
    // The BMJ footer is on every page; it must not survive on most of them.
    let footers = rct
        .pages
        .iter()
        .filter(|page| page.markdown.contains("BMJ 2015;350:h"))
        .count();
    assert!(footers <= 2, "running footer left on {footers} pages");
    assert_eq!(rct.metadata.doi.as_deref(), Some("10.1136/bmj.h2145"));
    assert_eq!(rct.metadata.year, Some(2015));
    assert!(
        rct.metadata
            .title
            .as_deref()
            .is_some_and(|title| title.starts_with("Physical activity for smoking cessation")),
        "{:?}",
        rct.metadata.title
    );
    assert!(rct.metadata.authors.iter().any(|a| a == "Michael Ussher"));

    let specter = full_text(&convert("s2orc_acl207.pdf").await);
    // "cita-" / "tions" at a line end in the PDF.
    assert!(
        specter.contains("pretrained on citations"),
        "hyphen not joined"
    );

    let hyphen = full_text(&convert("grobid_dehyphenisation1.pdf").await);
    assert!(hyphen.contains("dehypenisation"), "{hyphen}");

    // The owner-encrypted copy reads exactly like the original.
    let encrypted = convert("hostile_owner_encrypted_rct.pdf").await;
    assert_eq!(full_text(&encrypted), text);
}

#[tokio::test]
async fn inspection_is_cheap_and_classifies() {
    let limits = ChildLimits::default();
    let huge = inspect_in_child(exe(), &papers().join("hostile_huge_1000p.pdf"), &limits)
        .await
        .expect("inspect");
    assert_eq!(huge.page_count, Some(1000));
    assert!(!huge.encrypted);
    let owner = inspect_in_child(
        exe(),
        &papers().join("hostile_owner_encrypted_rct.pdf"),
        &limits,
    )
    .await
    .expect("inspect");
    assert!(owner.encrypted);
    assert_eq!(
        inspect_in_child(exe(), &papers().join("pdfminer_rc4-40.pdf"), &limits).await,
        Err(ConversionFailure::PasswordProtected)
    );
}

#[tokio::test]
async fn limits_end_the_child_with_a_readable_reason() {
    let huge = papers().join("hostile_huge_1000p.pdf");
    let base = ChildLimits {
        max_pages: 2000,
        ..ChildLimits::default()
    };

    let wall = ChildLimits {
        wall_seconds: 1,
        ..base.clone()
    };
    let started = std::time::Instant::now();
    let failure = convert_in_child(exe(), &huge, &wall)
        .await
        .err()
        .map(|failure| failure.reason());
    assert_eq!(
        failure.as_deref(),
        Some("limit reached: took longer than 1 s")
    );
    assert!(started.elapsed().as_secs() < 5, "the child was not stopped");

    let cpu = ChildLimits {
        cpu_seconds: 1,
        ..base.clone()
    };
    let failure = convert_in_child(exe(), &huge, &cpu)
        .await
        .err()
        .map(|failure| failure.reason());
    assert_eq!(
        failure.as_deref(),
        Some("limit reached: exceeded its CPU time limit of 1 s")
    );

    let memory = ChildLimits {
        memory_mb: 48,
        ..base
    };
    let failure = convert_in_child(exe(), &huge, &memory)
        .await
        .err()
        .map(|failure| failure.reason());
    assert_eq!(
        failure.as_deref(),
        Some("limit reached: exceeded its memory limit of 48 MB")
    );
}

/// The PDF child (and every program it starts) reads its input and its own
/// temporary folder, and nothing of the server's: not another stored file,
/// not a `.env`, not the parent's `/proc/<pid>/environ`; and it opens no
/// TCP connection (here: to the PostgreSQL port the tests use).
#[test]
fn the_child_is_confined_to_its_input_and_temporary_folder() {
    let outside = tempfile::tempdir().expect("temp dir");
    let input = outside.path().join("input.pdf");
    std::fs::write(&input, b"%PDF-1.4\n").expect("input");
    let stored = outside.path().join("files");
    std::fs::create_dir(&stored).expect("stored files");
    let other_pdf = stored.join("someone-elses.pdf");
    std::fs::write(&other_pdf, b"%PDF-1.4 secret\n").expect("stored pdf");
    let env_file = outside.path().join(".env");
    std::fs::write(&env_file, b"DATABASE_URL=postgres://secret\n").expect(".env");
    let child_temp = tempfile::tempdir().expect("child temp dir");
    let parent_environ = PathBuf::from(format!("/proc/{}/environ", std::process::id()));

    let output = std::process::Command::new(exe())
        .arg("confinement-probe")
        .arg(&input)
        .args([&input, &other_pdf, &env_file, &stored, &parent_environ])
        .env_clear()
        .env("TMPDIR", child_temp.path())
        .output()
        .expect("the probe runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.first(), Some(&"confinement full"), "{report}");
    assert!(
        lines.contains(&format!("read {}", input.display()).as_str()),
        "{report}"
    );
    for secret in [&other_pdf, &env_file, &stored, &parent_environ] {
        assert!(
            lines.contains(&format!("denied {}", secret.display()).as_str()),
            "{} readable: {report}",
            secret.display()
        );
    }
    assert!(
        lines
            .contains(&format!("wrote {}", child_temp.path().join("probe.txt").display()).as_str()),
        "{report}"
    );
    assert!(lines.contains(&"denied tcp"), "{report}");
}

/// Converts `bytes` (written to a temporary file) in a child.
async fn convert_bytes(bytes: &[u8]) -> Result<ConvertedDocument, ConversionFailure> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("made.pdf");
    std::fs::write(&path, bytes).expect("write the PDF");
    convert_in_child(exe(), &path, &ChildLimits::default())
        .await
        .map(|(doc, _)| doc)
}

fn page_text(doc: &ConvertedDocument, number: u32) -> &str {
    doc.pages
        .iter()
        .find(|page| page.number == number)
        .map_or("", |page| page.markdown.as_str())
}

/// A paper cut to a seventh of its bytes holds pages 1–4 whole; the rest of
/// its pages are in the page tree but their content is gone. It is read as
/// far as it goes, and says which pages could not be read.
#[tokio::test]
async fn a_truncated_paper_keeps_what_it_holds_and_names_the_pages_it_lost() {
    let bytes = damaged::truncated_to_a_seventh(&papers().join("robotreviewer_example.pdf"));
    let doc = convert_bytes(&bytes)
        .await
        .unwrap_or_else(|failure| panic!("{}", failure.reason()));
    assert_eq!(doc.metadata.page_count, 10);
    assert_eq!(doc.unreadable_pages, (5..=10).collect::<Vec<u32>>());
    for number in 1..=4 {
        assert!(
            non_space(page_text(&doc, number)) >= 200,
            "page {number}: {:?}",
            page_text(&doc, number)
        );
    }
    assert!(full_text(&doc).contains("randomised controlled trial"));
}

/// A page tree that points back at itself still holds its three pages of
/// text: they are read, once each, and nothing is called missing.
#[tokio::test]
async fn a_page_tree_cycle_is_read_once_not_called_a_scan() {
    let doc = convert_bytes(&damaged::page_tree_cycle())
        .await
        .unwrap_or_else(|failure| panic!("{}", failure.reason()));
    let numbers: Vec<u32> = doc.pages.iter().map(|page| page.number).collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    for number in 1..=3 {
        assert!(
            page_text(&doc, number).contains(&damaged::sentence(number)),
            "page {number}: {:?}",
            page_text(&doc, number)
        );
    }
    assert!(
        doc.unreadable_pages.is_empty(),
        "{:?}",
        doc.unreadable_pages
    );
}

/// A root `/Count` above the pages the tree holds is pages the file says
/// it has and does not give: they are named as unreadable. One below is an
/// understatement: every page is read and nothing is missing.
#[tokio::test]
async fn a_page_count_that_lies_is_neither_a_scan_nor_silent() {
    let over = convert_bytes(&damaged::lying_count(40))
        .await
        .unwrap_or_else(|failure| panic!("{}", failure.reason()));
    assert_eq!(over.metadata.page_count, 40);
    assert_eq!(over.unreadable_pages, (4..=40).collect::<Vec<u32>>());
    for number in 1..=3 {
        assert!(page_text(&over, number).contains(&damaged::sentence(number)));
    }
    let under = convert_bytes(&damaged::lying_count(1))
        .await
        .unwrap_or_else(|failure| panic!("{}", failure.reason()));
    assert_eq!(under.pages.len(), 3);
    assert!(page_text(&under, 3).contains(&damaged::sentence(3)));
    assert!(under.unreadable_pages.is_empty());
    // A count no file of this size could hold is a lie, not 2 billion
    // missing pages.
    let absurd = convert_bytes(&damaged::lying_count(2_000_000_000))
        .await
        .unwrap_or_else(|failure| panic!("{}", failure.reason()));
    assert_eq!(absurd.pages.len(), 3);
    assert!(absurd.unreadable_pages.is_empty());
}

/// Page 3's content lies at the end of a 100,000-long chain of references:
/// the reader does not follow it (nor crash), pages 1 and 2 are read, and
/// page 3 is named as unreadable rather than left silently empty.
#[tokio::test]
async fn a_reference_chain_costs_its_page_and_says_so() {
    let doc = convert_bytes(&damaged::reference_chain(100_000))
        .await
        .unwrap_or_else(|failure| panic!("{}", failure.reason()));
    assert!(page_text(&doc, 1).contains(&damaged::sentence(1)));
    assert!(page_text(&doc, 2).contains(&damaged::sentence(2)));
    assert_eq!(doc.unreadable_pages, vec![3]);
}

/// Reasons name what went wrong: a file none of whose pages can be read is
/// damaged, not "no text layer".
#[tokio::test]
async fn a_file_whose_pages_all_lost_their_content_is_damaged_not_a_scan() {
    // The first 3% of the paper: the page tree and the first page objects,
    // none of the content streams.
    let mut bytes = std::fs::read(papers().join("robotreviewer_example.pdf")).expect("paper");
    bytes.truncate(bytes.len() * 3 / 100);
    let outcome = convert_bytes(&bytes).await;
    assert_eq!(
        outcome.map(|doc| doc.pages.len()),
        Err(ConversionFailure::Corrupted {
            detail: "the content of pages 1–10 could not be read".to_owned()
        })
    );
}

/// Names of the PDF children's temporary folders now in the system's.
fn child_folders() -> std::collections::HashSet<PathBuf> {
    std::fs::read_dir(std::env::temp_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(|name| name.starts_with("evistream-child-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Page images anywhere under `dir`.
fn images_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .map(|path| {
            if path.is_dir() {
                images_under(&path)
            } else {
                usize::from(
                    path.extension()
                        .is_some_and(|ext| ext == "png" || ext == "ppm"),
                )
            }
        })
        .sum()
}

/// OCR renders and reads one page at a time: the child's temporary folder
/// never holds more than one page image (it held all of them before), and
/// the corpus scan is still read.
#[tokio::test]
async fn ocr_reads_one_page_at_a_time() {
    if !ocr_available() {
        assert!(
            std::env::var_os("EVISTREAM_REQUIRE_OCR").is_none(),
            "EVISTREAM_REQUIRE_OCR is set but tesseract/pdftoppm are missing"
        );
        return;
    }
    let scan = convert("docling_ocr_test.pdf").await;
    assert!(scan.ocr_used);
    assert!(full_text(&scan).contains("Docling"), "{}", full_text(&scan));

    let before = child_folders();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        tokio::task::spawn_blocking(move || {
            // The most page images seen at once in any new child's folder.
            let mut most = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                for folder in child_folders().difference(&before) {
                    most = most.max(images_under(folder));
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            most
        })
    };
    let pages = 6;
    let outcome = convert_bytes(&damaged::image_pages(pages)).await;
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let most = watcher.await.expect("watcher");
    // Stripes hold no text: every page was rendered and read, none had any.
    assert_eq!(outcome, Err(ConversionFailure::NoTextLayer { pages }));
    assert_eq!(most, 1, "page images at once in the child's folder");
}
