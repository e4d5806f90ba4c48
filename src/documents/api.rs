//! Document types shared with the browser, and the document server functions.
//! Uploads and file downloads are plain routes (`routes.rs`): they stream bytes.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Where the browser sends a PDF: `POST` the raw bytes, `?name=` the file name.
pub fn upload_path(project: Uuid) -> String {
    format!("/api/projects/{project}/documents")
}

/// Marks the start and end of a matched term in a search snippet; the UI
/// turns them into `<mark>` elements (snippets are text, never HTML).
pub const HIT_START: char = '\u{2}';
pub const HIT_END: char = '\u{3}';

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: Uuid,
    pub project_id: Uuid,
    pub original_name: String,
    /// pending, processing, ready or failed.
    pub status: String,
    pub failure_reason: Option<String>,
    pub page_count: Option<i32>,
    pub title: Option<String>,
    pub year: Option<i32>,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPage {
    pub number: i32,
    pub markdown: String,
}

/// How many pages of text one document view carries. A paper fits in one;
/// a 400-page report is shown a window at a time, so neither the answer nor
/// the server-rendered page grows with the document.
pub const PAGES_PER_VIEW: i32 = 20;

/// The first page of the window of [`PAGES_PER_VIEW`] pages that holds `page`
/// (windows are 1–20, 21–40, …, so links to a page stay stable).
pub fn page_window_start(page: i32) -> i32 {
    ((page.max(1) - 1) / PAGES_PER_VIEW) * PAGES_PER_VIEW + 1
}

/// How many documents one page of a project's list carries.
pub const DOCUMENTS_PER_PAGE: u32 = 100;

/// One page of a project's documents, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentList {
    pub documents: Vec<DocumentSummary>,
    /// All of the project's documents, on every page.
    pub total: i64,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl DocumentList {
    pub fn page_count(&self) -> u32 {
        (self.total.max(1) as u32).div_ceil(self.page_size.max(1))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDetail {
    pub document: DocumentSummary,
    pub project_name: String,
    pub authors: Vec<String>,
    pub doi: Option<String>,
    pub sha256: String,
    /// Pages whose text could not be read (a damaged file): the document is
    /// ready with the rest. Empty for a document read whole.
    pub unreadable_pages: Vec<i32>,
    pub ocr_used: bool,
    pub conversion_ms: Option<i32>,
    /// The window of pages asked for (at most [`PAGES_PER_VIEW`]).
    pub pages: Vec<DocumentPage>,
    /// How many pages of text are stored in all.
    pub stored_pages: i32,
    pub can_edit: bool,
    /// A short-lived same-origin link that shows the PDF in the browser.
    pub view_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub document_id: Uuid,
    pub document_name: String,
    pub title: Option<String>,
    pub page_number: i32,
    /// Where the passage lies on its page: character offsets into the page's
    /// markdown, so the document page can mark it.
    pub char_start: i32,
    pub char_end: i32,
    /// Text with matches between `HIT_START` and `HIT_END`.
    pub snippet: String,
    pub rank: f32,
}

/// The answer to a search: the best passages, how many matched in all, or
/// what is wrong with the query (an expected outcome, so data, not an error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchResults {
    /// The best passages, best first (at most the search's limit).
    pub hits: Vec<SearchHit>,
    /// Every matching passage, not only those returned.
    pub passages: i64,
    /// The documents holding a matching passage.
    pub documents: i64,
    /// Set when the query cannot be searched; says what is wrong, as a sentence.
    pub problem: Option<String>,
}

/// One document's passages among the results, in the order of its best one.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchGroup {
    pub document_id: Uuid,
    pub label: String,
    pub document_name: String,
    pub hits: Vec<SearchHit>,
}

/// Groups hits by document, keeping the rank order of each document's best
/// passage and, inside a document, the order of its passages by page.
pub fn group_hits(hits: Vec<SearchHit>) -> Vec<SearchGroup> {
    let mut groups: Vec<SearchGroup> = Vec::new();
    for hit in hits {
        match groups.iter_mut().find(|g| g.document_id == hit.document_id) {
            Some(group) => group.hits.push(hit),
            None => groups.push(SearchGroup {
                document_id: hit.document_id,
                label: hit
                    .title
                    .clone()
                    .unwrap_or_else(|| hit.document_name.clone()),
                document_name: hit.document_name.clone(),
                hits: vec![hit],
            }),
        }
    }
    for group in &mut groups {
        group
            .hits
            .sort_by_key(|hit| (hit.page_number, hit.char_start));
    }
    groups
}

/// "12 passages in 4 documents", with the shown part when not all are shown.
pub fn search_summary(results: &SearchResults) -> String {
    fn count(n: i64, one: &str, many: &str) -> String {
        format!("{n} {}", if n == 1 { one } else { many })
    }
    let total = format!(
        "{} in {}",
        count(results.passages, "passage", "passages"),
        count(results.documents, "document", "documents")
    );
    let shown = results.hits.len() as i64;
    if shown < results.passages {
        format!("{total} (the best {shown} shown)")
    } else {
        total
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub at: DateTime<Utc>,
    pub text: String,
    /// Where the item leads (a document or a job), if anywhere.
    pub href: Option<String>,
}

/// One page (1-based, the first when not given) of a project's documents.
#[server(prefix = "/api", endpoint = "list_documents")]
pub async fn list_documents(project_id: Uuid, page: Option<u32>) -> Result<DocumentList, AppError> {
    let result = async {
        let (state, _user) =
            super::server::caller_for_project(project_id, crate::auth::authz::Action::View).await?;
        super::server::list_page(&state.db, project_id, page.unwrap_or(1), DOCUMENTS_PER_PAGE).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// A document with the window of [`PAGES_PER_VIEW`] pages of text that holds
/// `page` (the first window when not given).
#[server(prefix = "/api", endpoint = "get_document")]
pub async fn get_document(id: Uuid, page: Option<i32>) -> Result<DocumentDetail, AppError> {
    let result = async {
        let (state, user, relation) =
            super::server::caller_for_document(id, crate::auth::authz::Action::View).await?;
        let can_edit = crate::auth::authz::decide(
            user.role,
            relation,
            crate::auth::authz::Action::EditContent,
        )
        .is_ok();
        let first_page = page_window_start(page.unwrap_or(1));
        super::server::detail(
            &state,
            &super::server::services()?,
            user.id,
            id,
            can_edit,
            first_page,
        )
        .await
    }
    .await;
    crate::error::with_http_status(result)
}

/// A short-lived link that downloads the original PDF (an S3 presigned URL,
/// or a link the app signs for local storage).
#[server(prefix = "/api", endpoint = "document_download_link")]
pub async fn document_download_link(id: Uuid) -> Result<String, AppError> {
    let result = async {
        let (state, user, _) =
            super::server::caller_for_document(id, crate::auth::authz::Action::View).await?;
        super::server::download_link(&state, &super::server::services()?, user.id, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "delete_document")]
pub async fn delete_document(id: Uuid) -> Result<(), AppError> {
    let result = async {
        let (state, user, _) =
            super::server::caller_for_document(id, crate::auth::authz::Action::EditContent).await?;
        super::server::delete(&state.db, &user, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Converts the document again (after a failure, or with a newer converter).
#[server(prefix = "/api", endpoint = "reconvert_document")]
pub async fn reconvert_document(id: Uuid) -> Result<(), AppError> {
    let result = async {
        let (state, user, _) =
            super::server::caller_for_document(id, crate::auth::authz::Action::EditContent).await?;
        super::server::reconvert(&state.db, &user, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Full-text search over a project's converted documents. Words are all
/// required; `"a phrase"` matches words in order; `word*` matches prefixes.
#[server(prefix = "/api", endpoint = "search_documents")]
pub async fn search_documents(project_id: Uuid, query: String) -> Result<SearchResults, AppError> {
    let result = async {
        let (state, _user) =
            super::server::caller_for_project(project_id, crate::auth::authz::Action::View).await?;
        super::server::search(&state.db, project_id, &query, 30).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// What happened lately in a project: uploads, conversions, jobs.
#[server(prefix = "/api", endpoint = "project_activity")]
pub async fn project_activity(project_id: Uuid) -> Result<Vec<ActivityItem>, AppError> {
    let result = async {
        let (state, _user) =
            super::server::caller_for_project(project_id, crate::auth::authz::Action::View).await?;
        super::server::activity(&state.db, project_id, 15).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// A message as a sentence: a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?', '…']) {
        out.push('.');
    }
    out
}

/// What the document page says about pages that could not be read: "Pages
/// 5–10 could not be read …"; `None` when every page was read.
pub fn unreadable_pages_notice(pages: &[i32]) -> Option<String> {
    let listed = crate::text::page_list(pages.iter().map(|&page| i64::from(page)))?;
    let (noun, their, them) = if pages.len() == 1 {
        ("Page", "its", "it")
    } else {
        ("Pages", "their", "them")
    };
    Some(format!(
        "{noun} {listed} could not be read: the file is damaged there, so {their} text is \
         missing from search and extraction. Replace the file with an intact copy to read {them}."
    ))
}

/// Why a document failed, as sentences a user can act on. The stored reason
/// is the converter's short form ("password-protected: …"); this says what
/// happened and what can be done.
pub fn failure_explanation(reason: &str) -> String {
    let reason = reason.trim();
    let (kind, detail) = match reason.split_once(": ") {
        Some((kind, detail)) => (kind, detail.trim()),
        None => (reason, ""),
    };
    let with_detail = |lead: &str| {
        if detail.is_empty() {
            format!("{lead}.")
        } else {
            format!("{lead}: {}", detail.trim_end_matches('.')) + "."
        }
    };
    match kind {
        "password-protected" => "The file could not be read: it is password-protected (the PDF needs a password to open). \
             Save a copy without the password and replace the file."
            .to_owned(),
        "corrupted" => format!(
            "{} Replace it with an intact copy.",
            with_detail("The file could not be read because it is damaged")
        ),
        "limit reached" => format!(
            "{} A simpler or smaller copy may convert.",
            with_detail("The file could not be converted within the server's limits")
        ),
        "could not be converted" => with_detail("The file could not be converted"),
        "empty file" => "The file is empty: it has no bytes. Replace it with the PDF itself.".to_owned(),
        "not a PDF" => "The file is not a PDF. Replace it with a PDF.".to_owned(),
        "too many pages" => format!(
            "{} Split the PDF and upload the parts.",
            with_detail("The file has too many pages")
        ),
        "conversion cancelled" => {
            "The conversion was cancelled before it finished. Convert it again.".to_owned()
        }
        _ if reason.starts_with("no text layer") => {
            let pages = reason
                .split_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .map(|pages| format!(" ({pages})"))
                .unwrap_or_default();
            format!(
                "The file holds pictures of text but no text{pages}, and it could not be read by OCR. \
                 Replace it with a PDF that holds text."
            )
        }
        _ => sentence(&format!("The file could not be converted: {reason}")),
    }
}

/// Whether converting the same file again would fail the same way (the file
/// itself is the problem), as opposed to a limit, a crash or a cancellation.
pub fn failure_is_permanent(reason: &str) -> bool {
    [
        "password-protected",
        "corrupted",
        "empty file",
        "not a PDF",
        "too many pages",
        "no text layer",
    ]
    .iter()
    .any(|kind| reason.trim_start().starts_with(kind))
}

/// What is wrong with a search query that cannot be searched as written, as
/// a sentence; `None` when it can be.
pub fn search_problem(query: &str) -> Option<String> {
    if query.chars().count() > MAX_QUERY_CHARS {
        return Some(format!(
            "The search is too long: it may have at most {MAX_QUERY_CHARS} characters."
        ));
    }
    if query.matches('"').count() % 2 == 1 {
        let opened = query
            .rfind('"')
            .map(|at| query[at + 1..].trim())
            .unwrap_or_default();
        let quoted = if opened.is_empty() {
            "The quotation mark at the end".to_owned()
        } else {
            let shown: String = opened.chars().take(40).collect();
            format!("The quote before \u{201c}{shown}\u{201d}")
        };
        return Some(format!(
            "{quoted} is not closed. Add a closing quotation mark (\") to search for the phrase, \
             or remove the opening one to search for the words."
        ));
    }
    None
}

/// The most characters a search may have.
pub const MAX_QUERY_CHARS: usize = 500;

/// The search text as a PostgreSQL `to_tsquery` expression, or `None` when
/// nothing searchable is left. Only letters and digits reach the query, so no
/// input can make it malformed.
pub fn search_expression(query: &str) -> Option<String> {
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
    let mut terms = Vec::new();
    for (index, part) in query.split('"').enumerate() {
        if index % 2 == 1 {
            // Inside quotes: a phrase.
            let phrase = words(part);
            if !phrase.is_empty() {
                terms.push(format!("({})", phrase.join(" <-> ")));
            }
            continue;
        }
        for token in part.split_whitespace() {
            let prefix = token.ends_with('*');
            let token_words = words(token);
            match token_words.as_slice() {
                [] => {}
                [word] if prefix => terms.push(format!("{word}:*")),
                [word] => terms.push(word.clone()),
                // "covid-19" and the like: the words in order.
                many => terms.push(format!("({})", many.join(" <-> "))),
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_pages_are_named_in_ranges() {
        assert_eq!(unreadable_pages_notice(&[]), None);
        let notice = |pages: &[i32]| unreadable_pages_notice(pages).unwrap_or_default();
        assert!(notice(&[5, 6, 7, 8, 9, 10]).starts_with("Pages 5–10 could not be read: "));
        assert!(notice(&[3]).starts_with("Page 3 could not be read: "));
        assert!(notice(&[3]).contains("so its text is missing from search"));
        assert!(notice(&[3]).ends_with("to read it."));
        assert!(notice(&[4, 5]).ends_with("to read them."));
        assert!(notice(&[2, 5, 6, 9]).starts_with("Pages 2, 5–6 and 9 could not be read"));
    }

    fn hit(document: u128, title: Option<&str>, page: i32, start: i32) -> SearchHit {
        SearchHit {
            document_id: Uuid::from_u128(document),
            document_name: format!("file{document}.pdf"),
            title: title.map(str::to_owned),
            page_number: page,
            char_start: start,
            char_end: start + 100,
            snippet: String::new(),
            rank: 0.5,
        }
    }

    #[test]
    fn hits_group_by_document_in_rank_order_of_their_best_passage() {
        let groups = group_hits(vec![
            hit(2, Some("Vitamin D trial"), 5, 0),
            hit(1, None, 3, 0),
            hit(2, Some("Vitamin D trial"), 1, 400),
            hit(2, Some("Vitamin D trial"), 1, 10),
        ]);
        let shape: Vec<(String, Vec<(i32, i32)>)> = groups
            .iter()
            .map(|g| {
                (
                    g.label.clone(),
                    g.hits
                        .iter()
                        .map(|h| (h.page_number, h.char_start))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (
                    "Vitamin D trial".to_owned(),
                    vec![(1, 10), (1, 400), (5, 0)]
                ),
                ("file1.pdf".to_owned(), vec![(3, 0)]),
            ]
        );
    }

    #[test]
    fn the_summary_counts_passages_and_documents() {
        let mut results = SearchResults {
            hits: vec![hit(1, None, 1, 0)],
            passages: 1,
            documents: 1,
            problem: None,
        };
        assert_eq!(search_summary(&results), "1 passage in 1 document");
        results.passages = 12;
        results.documents = 4;
        assert_eq!(
            search_summary(&results),
            "12 passages in 4 documents (the best 1 shown)"
        );
    }

    #[test]
    fn an_unclosed_quote_is_a_problem_that_names_the_quote() {
        let problem = search_problem("\"vitamin d").expect("an unclosed quote is a problem");
        assert!(problem.starts_with("The quote before \u{201c}vitamin d\u{201d} is not closed."));
        assert!(
            search_problem("smoking\"")
                .is_some_and(|p| p.starts_with("The quotation mark at the end"))
        );
        assert_eq!(search_problem("\"vitamin d\" dose*"), None);
        assert_eq!(search_problem("plain words"), None);
        assert!(search_problem(&"a".repeat(MAX_QUERY_CHARS + 1)).is_some());
    }

    #[test]
    fn failure_reasons_become_sentences_that_say_what_to_do() {
        assert_eq!(
            failure_explanation("password-protected: the PDF needs a password to open"),
            "The file could not be read: it is password-protected (the PDF needs a password to open). \
             Save a copy without the password and replace the file."
        );
        assert_eq!(
            failure_explanation("corrupted: no cross-reference table"),
            "The file could not be read because it is damaged: no cross-reference table. \
             Replace it with an intact copy."
        );
        assert_eq!(
            failure_explanation("no text layer — needs OCR (2 pages of images without text)"),
            "The file holds pictures of text but no text (2 pages of images without text), \
             and it could not be read by OCR. Replace it with a PDF that holds text."
        );
        assert_eq!(
            failure_explanation("conversion cancelled"),
            "The conversion was cancelled before it finished. Convert it again."
        );
        assert_eq!(
            failure_explanation("something new happened"),
            "The file could not be converted: something new happened."
        );
        for reason in [
            "limit reached: the wall-clock limit of 60 s",
            "could not be converted: x",
        ] {
            let text = failure_explanation(reason);
            assert!(
                text.starts_with("The file could not be converted"),
                "{text}"
            );
            assert!(text.ends_with('.'), "{text}");
        }
    }

    #[test]
    fn only_a_file_that_cannot_be_read_is_not_offered_another_conversion() {
        assert!(failure_is_permanent(
            "password-protected: the PDF needs a password to open"
        ));
        assert!(failure_is_permanent("corrupted: bad xref"));
        assert!(!failure_is_permanent(
            "limit reached: the time limit of 60 s"
        ));
        assert!(!failure_is_permanent("conversion cancelled"));
        assert!(!failure_is_permanent("could not be converted: worker lost"));
    }

    #[test]
    fn sentences_start_with_a_capital_and_end_with_a_stop() {
        assert_eq!(
            sentence("the upload failed (HTTP 500)"),
            "The upload failed (HTTP 500)."
        );
        assert_eq!(sentence("already done."), "Already done.");
        assert_eq!(sentence(" "), "");
    }

    #[test]
    fn search_text_becomes_a_safe_tsquery() {
        assert_eq!(search_expression("  "), None);
        assert_eq!(search_expression("!&|:*()'"), None);
        assert_eq!(
            search_expression("smoking cessation"),
            Some("smoking & cessation".into())
        );
        assert_eq!(
            search_expression("\"nicotine patch\" random*"),
            Some("(nicotine <-> patch) & random:*".into())
        );
        assert_eq!(
            search_expression("COVID-19 x'); DROP"),
            Some("(covid <-> 19) & x & drop".into())
        );
        // An unclosed quote is reported by `search_problem` before this
        // runs; here it would still make a phrase of the words.
        assert_eq!(
            search_expression("\"vitamin d"),
            Some("(vitamin <-> d)".into())
        );
    }
}
