//! PDF to page-anchored Markdown, built on the `unpdf` engine.
//!
//! Everything here is pure and synchronous except [`ocr_pdf`], which runs
//! `pdftoppm` and `tesseract`. Parsing untrusted PDFs can still exhaust memory or
//! CPU, so the server never calls these functions itself: `isolation` runs them in
//! a child process with resource limits, and the types below cross that process
//! boundary as JSON.
//!
//! unpdf already orders two-column pages column by column, detects tables and
//! headings, joins most hyphenated line ends and expands ligatures. What is added
//! here is what it cannot know page by page: running headers and footers repeated
//! across the document, metadata that is missing or wrong in the PDF's info
//! dictionary, and the judgement that a document whose pages hold no text is a
//! scan rather than a successful conversion.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};
use unpdf::model::{Block, Document, Page};
use unpdf::{
    ErrorMode, PageMarkerStyle, PageSelection, PageStreamOptions, ParseOptions, PdfParser,
    RenderOptions,
};

/// A converted PDF: Markdown per page plus what could be learnt about the paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertedDocument {
    pub pages: Vec<ConvertedPage>,
    pub metadata: DocumentMetadata,
    /// The text came from OCR of rendered pages, not from the PDF's text layer.
    pub ocr_used: bool,
    /// 1-based numbers of the pages whose text could not be read, in order:
    /// their content is missing or damaged (a truncated file), a page the
    /// file declares is not in its page tree, or OCR could not render them.
    /// Their text is empty or partial; the rest of the document is read.
    #[serde(default)]
    pub unreadable_pages: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvertedPage {
    /// 1-based page number in the PDF.
    pub number: u32,
    pub markdown: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentMetadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub doi: Option<String>,
    /// Pages in the PDF (the converted ones may be fewer when some could not be read).
    pub page_count: u32,
}

/// What [`inspect_pdf`] learns without converting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfInspection {
    pub page_count: Option<u32>,
    /// Encrypted but readable with the empty user password (publishers do this to
    /// restrict printing or copying). Files that need a password are
    /// [`ConversionFailure::PasswordProtected`] instead.
    pub encrypted: bool,
}

/// Why a PDF could not be turned into text. Each has a reason meant for the
/// person who uploaded the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.reason())]
pub enum ConversionFailure {
    Empty,
    NotPdf,
    PasswordProtected,
    TooManyPages { pages: u32, limit: u32 },
    NoTextLayer { pages: u32 },
    Corrupted { detail: String },
    Limit { detail: String },
}

impl ConversionFailure {
    pub fn reason(&self) -> String {
        match self {
            Self::Empty => "empty file".to_owned(),
            Self::NotPdf => "not a PDF: the file does not start with %PDF-".to_owned(),
            Self::PasswordProtected => {
                "password-protected: the PDF needs a password to open".to_owned()
            }
            Self::TooManyPages { pages, limit } => {
                format!("too many pages: {pages} pages, the limit is {limit}")
            }
            Self::NoTextLayer { pages } => {
                let noun = if *pages == 1 { "page" } else { "pages" };
                format!("no text layer — needs OCR ({pages} {noun} of images without text)")
            }
            Self::Corrupted { detail } => format!("corrupted: {detail}"),
            Self::Limit { detail } => format!("limit reached: {detail}"),
        }
    }
}

/// Non-space characters a page must average for the document to count as text.
/// A scan yields nothing or a few stray glyphs; the shortest real page in the
/// corpus (a one-sentence test file) has 35.
const MIN_CHARS_PER_PAGE: usize = 20;

/// The PDF header may follow a little junk (the spec allows it within the first
/// 1024 bytes, and readers accept it there).
const SIGNATURE_WINDOW: usize = 1024;

fn check_signature(bytes: &[u8]) -> Result<(), ConversionFailure> {
    if bytes.is_empty() {
        return Err(ConversionFailure::Empty);
    }
    let window = &bytes[..bytes.len().min(SIGNATURE_WINDOW)];
    if window.windows(5).any(|w| w == b"%PDF-") {
        Ok(())
    } else {
        Err(ConversionFailure::NotPdf)
    }
}

fn classify(err: &unpdf::Error) -> ConversionFailure {
    use unpdf::Error as E;
    match err {
        E::Encrypted | E::InvalidPassword => ConversionFailure::PasswordProtected,
        E::UnknownFormat => ConversionFailure::NotPdf,
        other => ConversionFailure::Corrupted {
            detail: other.to_string(),
        },
    }
}

fn open(bytes: &[u8]) -> Result<PdfParser, ConversionFailure> {
    check_signature(bytes)?;
    // Sequential: the worker pool runs several children at once, and one core per
    // child keeps the CPU limit meaningful and throughput predictable.
    let options = ParseOptions::new().lenient().sequential();
    PdfParser::from_bytes_with_options(bytes, options).map_err(|err| classify(&err))
}

/// Reads the signature, the encryption and the page count without converting.
pub fn inspect_pdf(bytes: &[u8]) -> Result<PdfInspection, ConversionFailure> {
    let parser = open(bytes)?;
    let pages = parser.page_count();
    Ok(PdfInspection {
        page_count: (pages > 0).then_some(pages),
        encrypted: parser.is_encrypted(),
    })
}

/// Converts a PDF of at most `max_pages` pages to Markdown per page.
///
/// A damaged file is read as far as it can be: pages whose content is
/// missing or cannot be decoded are kept empty (or partial) and listed in
/// [`ConvertedDocument::unreadable_pages`]; a file none of whose pages can be
/// read is [`ConversionFailure::Corrupted`], and only a file whose readable
/// pages are images without text is [`ConversionFailure::NoTextLayer`].
pub fn convert_pdf(bytes: &[u8], max_pages: u32) -> Result<ConvertedDocument, ConversionFailure> {
    let parser = open(bytes)?;
    let page_count = parser.page_count();
    if page_count == 0 {
        return Err(ConversionFailure::Corrupted {
            detail: "the page tree is broken: no page of the PDF could be found".to_owned(),
        });
    }
    if page_count > max_pages {
        return Err(ConversionFailure::TooManyPages {
            pages: page_count,
            limit: max_pages,
        });
    }
    let doc = parser.parse().map_err(|err| classify(&err))?;
    let markdown = unpdf::render::to_markdown(
        &doc,
        &RenderOptions::new().with_page_markers(PageMarkerStyle::Comment),
    )
    .map_err(|err| classify(&err))?;
    let numbers: Vec<u32> = doc.pages.iter().map(|page| page.number).collect();
    let texts = split_pages(&markdown, &numbers)
        .into_iter()
        .map(|text| join_hyphenated_lines(&expand_ligatures(&text)))
        .collect::<Vec<_>>();

    if texts.is_empty() {
        return Err(ConversionFailure::Corrupted {
            detail: format!(
                "no page of the PDF could be read ({})",
                page_phrase(&(1..=page_count).collect::<Vec<_>>())
            ),
        });
    }
    let lost = lost_pages(&parser, &doc, &texts, page_count, max_pages);
    // The pages the judgement of a text layer rests on: those that were read.
    let read: Vec<(&Page, &String)> = doc
        .pages
        .iter()
        .zip(&texts)
        .filter(|(page, _)| !lost.contains(&page.number))
        .collect();
    if read.is_empty() {
        return Err(ConversionFailure::Corrupted {
            detail: format!("the content of {} could not be read", page_phrase(&lost)),
        });
    }
    let read_texts: Vec<String> = read.iter().map(|(_, text)| (*text).clone()).collect();
    let scan_pages = read
        .iter()
        .filter(|(page, text)| {
            page.image_op_count > 0 && non_space_chars(text) < MIN_CHARS_PER_PAGE
        })
        .count();
    if lacks_text_layer(&read_texts, scan_pages) {
        // Pages that show text (text operators) from which no characters
        // came are not images: their fonts do not say which characters
        // they draw.
        let shown_not_read = read
            .iter()
            .filter(|(page, text)| {
                page.text_op_count > 0
                    && page.image_op_count == 0
                    && non_space_chars(text) < MIN_CHARS_PER_PAGE
            })
            .count();
        if shown_not_read * 2 > read.len() {
            return Err(ConversionFailure::Corrupted {
                detail: UNDECODABLE_TEXT.to_owned(),
            });
        }
        return Err(ConversionFailure::NoTextLayer { pages: page_count });
    }

    // Metadata is read before running heads are removed: the DOI and the journal
    // year often sit in exactly those lines.
    let mut metadata = metadata_for(&doc, &texts, page_count);
    metadata.page_count = metadata.page_count.max(lost.last().copied().unwrap_or(0));
    let texts = remove_running_lines(&texts);
    Ok(ConvertedDocument {
        pages: numbers
            .into_iter()
            .zip(texts)
            .map(|(number, markdown)| ConvertedPage {
                number,
                markdown: tidy_blank_lines(&markdown),
            })
            .collect(),
        metadata,
        ocr_used: false,
        unreadable_pages: lost,
    })
}

/// Why a document whose pages show text with fonts that map to no
/// characters is [`ConversionFailure::Corrupted`]. OCR may still read such
/// pages (they render), so the child tries it as for a scan.
pub const UNDECODABLE_TEXT: &str =
    "the text of its pages could not be decoded (its fonts do not say which characters they draw)";

/// Whether OCR may read what the text layer could not: a scan, or text
/// drawn with fonts that map to no characters.
pub fn worth_ocr(failure: &ConversionFailure) -> bool {
    match failure {
        ConversionFailure::NoTextLayer { .. } => true,
        ConversionFailure::Corrupted { detail } => detail == UNDECODABLE_TEXT,
        _ => false,
    }
}

/// The pages of the document whose content could not be read, in order:
/// pages the parser gave up on, pages with content streams that could not be
/// decoded, empty pages whose content is missing (found by reading the page
/// again strictly: an intact blank page passes), and pages the file declares
/// (root `/Count`) beyond those its page tree holds, when the declaration is
/// plausible (at most `max_pages`; a larger one is taken for a lie).
fn lost_pages(
    parser: &PdfParser,
    doc: &Document,
    texts: &[String],
    page_count: u32,
    max_pages: u32,
) -> Vec<u32> {
    let parsed: HashSet<u32> = doc.pages.iter().map(|page| page.number).collect();
    let mut lost: Vec<u32> = (1..=page_count)
        .filter(|number| !parsed.contains(number))
        .collect();
    for (page, text) in doc.pages.iter().zip(texts) {
        let damaged = page.undecodable_content_streams > 0
            || (non_space_chars(text) == 0
                && page.image_op_count == 0
                && !page_reads_strictly(parser, page.number));
        if damaged {
            lost.push(page.number);
        }
    }
    if let Some(declared) = doc.extraction_quality.declared_page_count
        && declared > page_count
        && declared <= max_pages
    {
        lost.extend(page_count + 1..=declared);
    }
    lost.sort_unstable();
    lost.dedup();
    lost
}

/// Whether page `number` reads without an error in strict mode: lenient
/// parsing turns a missing or broken content stream into an empty page.
fn page_reads_strictly(parser: &PdfParser, number: u32) -> bool {
    let options = PageStreamOptions {
        error_mode: ErrorMode::Strict,
        pages: PageSelection::Pages(vec![number]),
        parallel: false,
        ..PageStreamOptions::default()
    };
    let mut failed = false;
    let outcome = parser.for_each_page(options, |event| {
        if matches!(event, unpdf::ParseEvent::PageFailed { .. }) {
            failed = true;
        }
        std::ops::ControlFlow::Continue(())
    });
    outcome.is_ok() && !failed
}

/// "page 3", "pages 5–10", "pages 2, 5–7 and 9".
pub fn page_phrase(pages: &[u32]) -> String {
    let noun = if pages.len() == 1 { "page" } else { "pages" };
    match crate::text::page_list(pages.iter().map(|&page| i64::from(page))) {
        None => "no page".to_owned(),
        Some(listed) => format!("{noun} {listed}"),
    }
}

/// A document is a scan when its pages average almost no text, or when most of
/// its pages are images without text (a scanned paper with a typeset cover page
/// would otherwise pass on the cover page's text alone).
fn lacks_text_layer(texts: &[String], scan_pages: usize) -> bool {
    let total: usize = texts.iter().map(|text| non_space_chars(text)).sum();
    total < MIN_CHARS_PER_PAGE * texts.len() || scan_pages * 2 > texts.len()
}

fn non_space_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Splits Markdown rendered with page comments into one string per page in
/// `numbers`. unpdf's cleanup can glue a marker to the end of the previous line,
/// so markers are found anywhere, not only on lines of their own; only the next
/// expected one counts, so a page whose text happens to contain such a comment
/// cannot shift the pages that follow.
fn split_pages(markdown: &str, numbers: &[u32]) -> Vec<String> {
    // (start of the marker, end of the marker) for each page, found in order.
    let mut cursor = 0;
    let spans: Vec<Option<(usize, usize)>> = numbers
        .iter()
        .map(|number| {
            let marker = format!("<!-- page {number} -->");
            let at = cursor + markdown[cursor..].find(&marker)?;
            cursor = at + marker.len();
            Some((at, cursor))
        })
        .collect();
    spans
        .iter()
        .enumerate()
        .map(|(index, span)| {
            // A page whose marker is missing keeps its number with no text.
            let Some((_, text_start)) = span else {
                return String::new();
            };
            let text_end = spans[index + 1..]
                .iter()
                .find_map(|next| next.map(|(at, _)| at))
                .unwrap_or(markdown.len());
            markdown[*text_start..text_end].to_owned()
        })
        .collect()
}

/// Replaces the typographic ligatures of the Alphabetic Presentation Forms block,
/// which break search ("ﬁnding" does not match "finding").
pub(crate) fn expand_ligatures(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            other => out.push(other),
        }
    }
    out
}

/// Joins a word hyphenated at a line end ("ran-" / "domised" → "randomised").
/// Only when the next line starts with a lower-case letter: "COVID-" / "19" and
/// "Smith-" / "Jones" keep their hyphen. A soft hyphen (U+00AD) always goes.
pub(crate) fn join_hyphenated_lines(text: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut i = 0;
    while i + 1 < lines.len() {
        let trimmed = lines[i].trim_end();
        let stem = trimmed
            .strip_suffix('-')
            .or_else(|| trimmed.strip_suffix('\u{AD}'));
        let next = lines[i + 1].trim_start();
        let joins = stem.is_some_and(|s| s.chars().last().is_some_and(char::is_alphabetic))
            && next.chars().next().is_some_and(char::is_lowercase);
        let (Some(stem), true) = (stem, joins) else {
            i += 1;
            continue;
        };
        // The rest of the broken word moves up; the next line keeps what follows it.
        let (word, rest) = next.split_once(char::is_whitespace).unwrap_or((next, ""));
        let joined = format!("{stem}{word}");
        let rest = rest.trim_start().to_owned();
        lines[i] = joined;
        if rest.is_empty() {
            lines.remove(i + 1);
        } else {
            lines[i + 1] = rest;
        }
        // Same line again: the moved piece may itself end in a break ("ran-", "dom-", "ised").
    }
    lines.join("\n")
}

/// Lines no longer than this can be running heads; body paragraphs are longer.
const RUNNING_LINE_MAX_CHARS: usize = 160;
/// Lines this close to a page's top or bottom are compared even when they hold
/// no words (page numbers).
const EDGE_LINES: usize = 3;

/// The form of a line that running heads share across pages: case, Markdown
/// emphasis and page numbers differ from page to page, the words do not.
fn running_key(line: &str) -> String {
    let mut key = String::with_capacity(line.len());
    let mut in_digits = false;
    for c in line.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                key.push('0');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        if matches!(c, '#' | '*' | '_' | '\\' | '`') {
            continue;
        }
        if c.is_whitespace() {
            if !key.ends_with(' ') {
                key.push(' ');
            }
        } else {
            key.extend(c.to_lowercase());
        }
    }
    key.trim().to_owned()
}

/// Keys of the lines of one page that could be running heads or page numbers.
fn running_candidates(page: &str) -> HashSet<String> {
    let lines: Vec<&str> = page
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let mut keys = HashSet::new();
    for (index, line) in lines.iter().enumerate() {
        // Table rows repeat by design (separator rows, continued tables).
        if line.starts_with('|') || line.chars().count() > RUNNING_LINE_MAX_CHARS {
            continue;
        }
        let key = running_key(line);
        if key.is_empty() {
            continue;
        }
        let at_edge = index < EDGE_LINES || index + EDGE_LINES >= lines.len();
        // Away from the edges only worded lines count: reading order can put a
        // footer mid-page (between columns), but a bare number there is data.
        let worded = key.chars().filter(|c| c.is_alphabetic()).count() >= 6;
        if at_edge || worded {
            keys.insert(key);
        }
    }
    keys
}

/// Removes running headers and footers: short lines that recur, up to numbers
/// and emphasis, on at least three pages and at least 30% of them. 30% rather than
/// a majority because journals alternate heads between even and odd pages.
pub(crate) fn remove_running_lines(pages: &[String]) -> Vec<String> {
    if pages.len() < 3 {
        return pages.to_vec();
    }
    let per_page: Vec<HashSet<String>> = pages.iter().map(|p| running_candidates(p)).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for keys in &per_page {
        for key in keys {
            *counts.entry(key.as_str()).or_default() += 1;
        }
    }
    let threshold = 3.max((pages.len() * 3).div_ceil(10));
    let running: HashSet<&str> = counts
        .into_iter()
        .filter(|(_, count)| *count >= threshold)
        .map(|(key, _)| key)
        .collect();
    pages
        .iter()
        .zip(&per_page)
        .map(|(page, candidates)| {
            page.lines()
                .filter(|line| {
                    let key = running_key(line.trim());
                    !(candidates.contains(&key) && running.contains(key.as_str()))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// At most one blank line in a row, no blank lines at either end.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_end().to_owned()
}

fn metadata_for(doc: &Document, texts: &[String], page_count: u32) -> DocumentMetadata {
    let first_pages = texts
        .iter()
        .take(2)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let info = &doc.metadata;
    let typeset = doc.pages.first().and_then(typeset_title);
    let title = info
        .title
        .as_deref()
        .map(clean_spaces)
        .filter(|title| plausible_title(title))
        .or_else(|| typeset.as_ref().map(|(_, title)| title.clone()));
    let first_page = texts.first().map(String::as_str).unwrap_or_default();
    let mut authors = info
        .author
        .as_deref()
        .map(|authors| split_authors(authors, first_page))
        .unwrap_or_default();
    if authors.is_empty()
        && let (Some(page), Some((index, _))) = (doc.pages.first(), typeset.as_ref())
    {
        authors = byline_authors(page, *index);
    }
    let year = year_in(first_page).or_else(|| {
        use chrono::Datelike;
        info.created.map(|date| date.year())
    });
    DocumentMetadata {
        title,
        authors,
        year: year.filter(|y| (1900..=2100).contains(y)),
        doi: find_doi(&first_pages),
        page_count,
    }
}

fn clean_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The info dictionary's title is often a file name ("paper.dvi", "Microsoft
/// Word - 02. 206.doc"), a typesetter's job code or blank.
fn plausible_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    let words = title.split_whitespace().count();
    let letters = title.chars().filter(|c| c.is_alphabetic()).count();
    let file_like = [
        ".doc", ".docx", ".dvi", ".pdf", ".tex", ".indd", ".qxd", ".ps", ".txt",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
        || lower.starts_with("microsoft ")
        || lower.starts_with("doi");
    words >= 3 && letters >= 12 && !file_like
}

/// The title as typeset: the first-page heading of the highest level that reads
/// like a title (the PDF gives no font sizes here, but unpdf ranks headings by
/// size). Also returns the index of its block, where the byline follows.
fn typeset_title(page: &Page) -> Option<(usize, String)> {
    let mut best: Option<(u8, usize, String)> = None;
    for (index, block) in page.elements.iter().enumerate() {
        let Block::Paragraph(paragraph) = block else {
            continue;
        };
        let Some(level) = paragraph.style.heading_level else {
            continue;
        };
        let text = clean_spaces(&paragraph.plain_text());
        if !plausible_title(&text) || text.split_whitespace().count() > 40 {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(best_level, _, _)| level < *best_level)
        {
            best = Some((level, index, text));
        }
    }
    best.map(|(_, index, text)| (index, text))
}

/// The byline under the typeset title: "Anna Sundström,1 Michael Rönnlund,2 and
/// Lars-Göran Nilsson4". Taken only when most of its parts read as names.
fn byline_authors(page: &Page, title_index: usize) -> Vec<String> {
    let Some(Block::Paragraph(paragraph)) = page.elements.get(title_index + 1) else {
        return Vec::new();
    };
    let text = paragraph.plain_text();
    let parts: Vec<String> = text
        .split([',', ';', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|part| {
            // Affiliation marks: digits, asterisks, daggers.
            let kept: String = part
                .chars()
                .filter(|c| !c.is_ascii_digit() && !matches!(c, '*' | '†' | '‡' | '§'))
                .collect();
            clean_spaces(&kept)
        })
        .filter(|part| !part.is_empty())
        .collect();
    let is_name = |part: &String| {
        let words: Vec<&str> = part.split_whitespace().collect();
        (2..=5).contains(&words.len())
            && words
                .iter()
                .all(|word| word.chars().next().is_some_and(char::is_uppercase))
    };
    let names: Vec<String> = parts.iter().filter(|part| is_name(part)).cloned().collect();
    if names.is_empty() || names.len() * 10 < parts.len() * 7 {
        return Vec::new();
    }
    names
}

/// Authors from the info dictionary, kept only when their surname is printed on
/// the first page: the field often holds a publisher or a user name instead.
fn split_authors(field: &str, first_page: &str) -> Vec<String> {
    let first_page = first_page.to_lowercase();
    field
        .split([';', ','])
        .flat_map(|part| part.split(" and "))
        .map(clean_spaces)
        .filter(|name| {
            name.split_whitespace().count() >= 2
                && name
                    .split_whitespace()
                    .last()
                    .is_some_and(|surname| first_page.contains(&surname.to_lowercase()))
        })
        .collect()
}

/// The year printed most often on the first page (journal line, copyright,
/// received/accepted dates), the later one on a tie.
fn year_in(text: &str) -> Option<i32> {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let bounded_before = start == 0 || !chars[start - 1].is_alphanumeric();
            let bounded_after = i == chars.len() || !chars[i].is_alphanumeric();
            if i - start == 4 && bounded_before && bounded_after {
                let number: String = chars[start..i].iter().collect();
                if let Ok(year) = number.parse::<i32>()
                    && (1900..=2100).contains(&year)
                {
                    *counts.entry(year).or_default() += 1;
                }
            }
        } else {
            i += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(year, count)| (*count, *year))
        .map(|(year, _)| year)
}

/// The first DOI (`10.NNNN/suffix`) in the text, without the punctuation and
/// Markdown escapes that follow or split it.
pub(crate) fn find_doi(text: &str) -> Option<String> {
    let text = text.replace('\\', "");
    let mut search = 0;
    while let Some(found) = text[search..].find("10.") {
        let start = search + found;
        search = start + 3;
        let preceded_by_digit = text[..start]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_digit() || c == '.');
        if preceded_by_digit {
            continue;
        }
        let rest = &text[start + 3..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if !(4..=9).contains(&digits) || !rest[digits..].starts_with('/') {
            continue;
        }
        let suffix: String = rest[digits + 1..]
            .chars()
            .take_while(|c| {
                !c.is_whitespace() && !matches!(c, '|' | '<' | '>' | '"' | '*' | '[' | ']')
            })
            .collect();
        let mut suffix = suffix.trim_end_matches(['.', ',', ';', ':', '}', '\'']);
        // DOIs may hold parentheses ("S0140-6736(15)60175-1"); only an unbalanced
        // closing one belongs to the sentence around it.
        while suffix.ends_with(')') && suffix.matches(')').count() > suffix.matches('(').count() {
            suffix = suffix[..suffix.len() - 1].trim_end_matches(['.', ',', ';', ':']);
        }
        if suffix.is_empty() {
            continue;
        }
        return Some(format!("10.{}/{}", &rest[..digits], suffix));
    }
    None
}

/// Whether [`ocr_pdf`] can run here: it needs poppler's `pdftoppm` and `tesseract`.
pub fn ocr_available() -> bool {
    ["tesseract", "pdftoppm"].iter().all(|tool| on_path(tool))
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

/// Renders the pages at 200 dpi and reads them with tesseract, one page at a
/// time: each page's image is deleted once read, so the temporary folder
/// never holds more than one page image. Slow (seconds per page), so only for
/// documents [`convert_pdf`] found to have no text layer. A page that cannot
/// be rendered is listed in [`ConvertedDocument::unreadable_pages`].
pub fn ocr_pdf(path: &Path, pages: u32) -> Result<ConvertedDocument, ConversionFailure> {
    let tool_failed = |what: &str, err: std::io::Error| ConversionFailure::Corrupted {
        detail: format!("OCR could not run {what}: {err}"),
    };
    let dir = tempfile::tempdir().map_err(|err| tool_failed("(no temporary directory)", err))?;
    // With -singlefile pdftoppm writes exactly `<prefix>.png`.
    let prefix = dir.path().join("page");
    let image = dir.path().join("page.png");
    let mut read: Vec<(u32, String)> = Vec::new();
    let mut unreadable = Vec::new();
    for number in 1..=pages {
        let page = number.to_string();
        let rendered = Command::new("pdftoppm")
            .args(["-r", "200", "-png", "-singlefile", "-f", &page, "-l", &page])
            .arg(path)
            .arg(&prefix)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|err| tool_failed("pdftoppm", err))?;
        if !rendered.status.success() || !image.is_file() {
            // The parent keeps stderr for its log; the reason stays short.
            eprintln!(
                "pdf-child: page {number} could not be rendered for OCR: {}",
                String::from_utf8_lossy(&rendered.stderr).trim()
            );
            let _ = std::fs::remove_file(&image);
            unreadable.push(number);
            continue;
        }
        let output = Command::new("tesseract")
            .arg(&image)
            .arg("stdout")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        let _ = std::fs::remove_file(&image);
        let output = output.map_err(|err| tool_failed("tesseract", err))?;
        if !output.status.success() {
            unreadable.push(number);
            continue;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        read.push((number, join_hyphenated_lines(&expand_ligatures(&text))));
    }
    if read.is_empty() {
        return Err(if unreadable.is_empty() {
            ConversionFailure::NoTextLayer { pages }
        } else {
            ConversionFailure::Corrupted {
                detail: format!("{} could not be rendered for OCR", page_phrase(&unreadable)),
            }
        });
    }
    let (numbers, texts): (Vec<u32>, Vec<String>) = read.into_iter().unzip();
    if lacks_text_layer(&texts, 0) {
        return Err(ConversionFailure::NoTextLayer { pages });
    }
    let first_pages = texts
        .iter()
        .take(2)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let metadata = DocumentMetadata {
        title: None,
        authors: Vec::new(),
        year: texts.first().and_then(|text| year_in(text)),
        doi: find_doi(&first_pages),
        page_count: pages,
    };
    let texts = remove_running_lines(&texts);
    Ok(ConvertedDocument {
        pages: numbers
            .into_iter()
            .zip(texts)
            .map(|(number, text)| ConvertedPage {
                number,
                markdown: tidy_blank_lines(&text),
            })
            .collect(),
        metadata,
        ocr_used: true,
        unreadable_pages: unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_foreign_bytes_are_classified() {
        assert_eq!(convert_pdf(b"", 10), Err(ConversionFailure::Empty));
        assert_eq!(inspect_pdf(b""), Err(ConversionFailure::Empty));
        assert_eq!(
            convert_pdf(b"PK\x03\x04 a zip file, not a pdf", 10),
            Err(ConversionFailure::NotPdf)
        );
        assert_eq!(
            ConversionFailure::NotPdf.reason(),
            "not a PDF: the file does not start with %PDF-"
        );
        assert_eq!(
            ConversionFailure::TooManyPages {
                pages: 1000,
                limit: 500
            }
            .reason(),
            "too many pages: 1000 pages, the limit is 500"
        );
    }

    #[test]
    fn a_pdf_header_without_a_body_is_corrupted_not_a_panic() {
        let result = convert_pdf(b"%PDF-1.7\n%garbage\nxref\n0 1\ntrailer<<>>\n%%EOF", 10);
        assert!(
            matches!(result, Err(ConversionFailure::Corrupted { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn ligatures_are_expanded() {
        assert_eq!(
            expand_ligatures("ﬁnding ﬂow eﬀect oﬃce baﬄe"),
            "finding flow effect office baffle"
        );
        assert_eq!(expand_ligatures("≥ ± μ × −"), "≥ ± μ × −");
    }

    #[test]
    fn hyphenated_line_ends_are_joined() {
        assert_eq!(
            join_hyphenated_lines("participants were ran-\ndomised to two arms"),
            "participants were randomised\nto two arms"
        );
        assert_eq!(join_hyphenated_lines("a treat-\nment"), "a treatment");
        assert_eq!(
            join_hyphenated_lines("ran-\ndom-\nised trial"),
            "randomised\ntrial"
        );
        assert_eq!(join_hyphenated_lines("soft\u{AD}\nware is"), "software\nis");
    }

    #[test]
    fn meaningful_hyphens_stay() {
        // Capitalised continuation, digits, and a dash alone are not word breaks.
        let text = "during COVID-\n19 and Smith-\nJones said 10 -\nno";
        assert_eq!(join_hyphenated_lines(text), text);
    }

    const WORDS: [&str; 7] = ["zero", "one", "two", "three", "four", "five", "six"];

    #[test]
    fn running_heads_and_page_numbers_are_removed() {
        let pages: Vec<String> = (1..=6)
            .map(|n| {
                let head = if n % 2 == 0 {
                    format!("{} A. Sundström *et al.*", 146 + n)
                } else {
                    format!("*Life events and dementia* {}", 146 + n)
                };
                // Body paragraphs are long lines, each page's its own.
                let body = format!("Body text {} ", WORDS[n]).repeat(12);
                format!("{head}\n\n{body}\n\n{n}")
            })
            .collect();
        let cleaned = remove_running_lines(&pages);
        for (n, page) in cleaned.iter().enumerate() {
            assert!(!page.contains("Sundström"), "page {}: {page}", n + 1);
            assert!(!page.contains("Life events"), "page {}: {page}", n + 1);
            assert!(page.contains("Body text"), "page {}: {page}", n + 1);
            assert!(
                !page.trim_end().ends_with(char::is_numeric),
                "page {}: {page}",
                n + 1
            );
        }
    }

    #[test]
    fn body_lines_and_table_rows_are_not_running_heads() {
        let pages: Vec<String> = (1..=5)
            .map(|n| {
                format!(
                    "Methods page {n}\n\n| --- | --- |\n\nA sentence on {}.\n\nlast",
                    WORDS[n]
                )
            })
            .collect();
        let cleaned = remove_running_lines(&pages);
        assert!(cleaned.iter().all(|page| page.contains("| --- | --- |")));
        // "Methods page N" repeats as a key ("methods page 0"), so it goes: that
        // is the running-head rule working; the sentences stay.
        assert!(cleaned.iter().all(|page| page.contains("A sentence on")));
        assert!(cleaned.iter().all(|page| !page.contains("Methods page")));
        // Two pages are too few to tell a running head from chance.
        let two = vec!["Head\nbody one".to_owned(), "Head\nbody two".to_owned()];
        assert_eq!(remove_running_lines(&two), two);
    }

    #[test]
    fn doi_is_found_and_trimmed() {
        assert_eq!(
            find_doi("view (http://dx. doi. org /10.1136/bmj.h2145) Cite"),
            Some("10.1136/bmj.h2145".to_owned())
        );
        assert_eq!(
            find_doi("doi:10.1155/2010/157939."),
            Some("10.1155/2010/157939".to_owned())
        );
        assert_eq!(find_doi("version 10.12/x and 110.1234/y"), None);
        assert_eq!(
            find_doi("(doi 10.1016/S0140-6736(15)60175-1)."),
            Some("10.1016/S0140-6736(15)60175-1".to_owned())
        );
        assert_eq!(
            find_doi("**10.7717/peerj-cs.118**](http://dx.doi.org/x"),
            Some("10.7717/peerj-cs.118".to_owned())
        );
    }

    #[test]
    fn scans_are_told_from_short_documents() {
        assert!(lacks_text_layer(&[String::new()], 1));
        assert!(lacks_text_layer(&["12 ab".to_owned()], 0));
        let sentence = "We test the dehypenisation of a short text.".to_owned();
        assert!(!lacks_text_layer(std::slice::from_ref(&sentence), 0));
        // One typeset page in front of three scanned ones is still a scan.
        let long = "word ".repeat(200);
        assert!(lacks_text_layer(
            &[long, String::new(), String::new(), String::new()],
            3
        ));
        assert!(!lacks_text_layer(&[sentence.clone(), sentence], 0));
    }

    #[test]
    fn implausible_info_titles_are_rejected() {
        assert!(!plausible_title("Microsoft Word - 02. 206.doc"));
        assert!(!plausible_title("paper.dvi"));
        assert!(!plausible_title("ipg1300180a"));
        assert!(plausible_title(
            "Physical activity for smoking cessation in pregnancy"
        ));
    }

    #[test]
    fn ocr_is_tried_for_scans_and_undecodable_fonts_only() {
        assert!(worth_ocr(&ConversionFailure::NoTextLayer { pages: 2 }));
        assert!(worth_ocr(&ConversionFailure::Corrupted {
            detail: UNDECODABLE_TEXT.to_owned()
        }));
        assert!(!worth_ocr(&ConversionFailure::Corrupted {
            detail: "the content of pages 1–10 could not be read".to_owned()
        }));
        assert!(!worth_ocr(&ConversionFailure::PasswordProtected));
    }

    #[test]
    fn page_lists_read_as_ranges() {
        assert_eq!(page_phrase(&[3]), "page 3");
        assert_eq!(page_phrase(&[5, 6, 7, 8, 9, 10]), "pages 5–10");
        assert_eq!(page_phrase(&[2, 5, 6, 7, 9]), "pages 2, 5–7 and 9");
        assert_eq!(page_phrase(&[]), "no page");
    }

    #[test]
    fn pages_split_on_expected_markers_only() {
        let md =
            "<!-- page 1 -->\n\nfirst <!-- page 3 --> still first (35) <!-- page 2 -->\nsecond\n";
        assert_eq!(
            split_pages(md, &[1, 2]),
            vec!["\n\nfirst <!-- page 3 --> still first (35) ", "\nsecond\n"]
        );
        assert_eq!(split_pages("", &[1, 2]), vec![String::new(), String::new()]);
    }
}
