//! Written answers: the language model answers from the retrieved passages,
//! the answer streams to the page as it is generated, and every citation the
//! model gives is looked for in the paper by the same grounding as extracted
//! values. A citation whose quote is not in the paper is removed, and the
//! answer says so.
//!
//! The model is asked to write the answer with `[n]` markers and then, after a
//! line `CITATIONS:`, one JSON object per citation. Only the text before that
//! line is streamed to readers; the citations are checked once the model has
//! finished.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::api::{Answer, AnswerStatus, Citation, RemovedCitation, WrittenAnswer};
use crate::auth::authz::Action;
use crate::error::AppError;
use crate::extraction::grounding;
use crate::extraction::llm::LlmClient;
use crate::platform::Platform;
use crate::spending::server::{Purpose, Reservation};

/// The line that separates the answer from its citations.
const CITATIONS_MARKER: &str = "CITATIONS:";
/// How long a reader waits for an answer written by another process.
const POLL_EVERY: Duration = Duration::from_millis(500);
const POLL_FOR_AT_MOST: Duration = Duration::from_secs(15 * 60);
/// How long a question waits for room in a budget held by calls in flight.
const BUSY_WAIT: Duration = Duration::from_secs(20);
/// Paper text given to the model, at most (characters).
const MAX_CONTEXT_CHARS: usize = 48_000;

const SYSTEM_PROMPT: &str = "You answer questions about research papers for a systematic \
review team, using only the numbered passages given. Write a short answer in plain sentences. \
After each statement, cite the passage it comes from as [n], numbering citations 1, 2, 3 in the \
order you first use them. Then write a line with only CITATIONS: and below it one JSON object per \
line for each citation: {\"n\": 1, \"doc\": \"D2\", \"page\": 4, \"quote\": \"words copied exactly from \
the passage\"}. A quote is a short passage (one sentence or less) copied character for character; \
every quote is checked against the paper and removed if it is not there. If the passages do not \
answer the question, write only: Not found in these documents.";

/// The model client for questions and the answers being written now.
#[derive(Clone, Default)]
pub struct AskServices {
    pub llm: Option<LlmClient>,
    pub live: LiveAnswers,
}

impl AskServices {
    pub fn new(llm: Option<LlmClient>) -> Self {
        Self {
            llm,
            live: LiveAnswers::default(),
        }
    }
}

/// This feature's services inside a server function (provided as Leptos
/// context by the wiring beside the platform).
pub fn services() -> Result<AskServices, AppError> {
    leptos::prelude::use_context::<AskServices>()
        .ok_or_else(|| AppError::internal("the ask services are missing from the Leptos context"))
}

/// What a reader of an answer being written receives.
#[derive(Debug, Clone)]
enum LiveEvent {
    Text(String),
    Done,
}

struct Live {
    sender: broadcast::Sender<LiveEvent>,
    /// The text so far, for a reader who arrives late.
    text: String,
}

/// The answers this process is writing, by question.
#[derive(Clone, Default)]
pub struct LiveAnswers(Arc<Mutex<HashMap<Uuid, Live>>>);

impl LiveAnswers {
    fn open(&self, question: Uuid) {
        let (sender, _) = broadcast::channel(256);
        if let Ok(mut live) = self.0.lock() {
            live.insert(
                question,
                Live {
                    sender,
                    text: String::new(),
                },
            );
        }
    }

    fn push(&self, question: Uuid, piece: &str) {
        if let Ok(mut live) = self.0.lock()
            && let Some(entry) = live.get_mut(&question)
        {
            entry.text.push_str(piece);
            let _ = entry.sender.send(LiveEvent::Text(piece.to_owned()));
        }
    }

    fn close(&self, question: Uuid) {
        if let Ok(mut live) = self.0.lock()
            && let Some(entry) = live.remove(&question)
        {
            let _ = entry.sender.send(LiveEvent::Done);
        }
    }

    /// The text so far and the pieces to come, if this process writes it.
    fn follow(&self, question: Uuid) -> Option<(String, broadcast::Receiver<LiveEvent>)> {
        let live = self.0.lock().ok()?;
        let entry = live.get(&question)?;
        Some((entry.text.clone(), entry.sender.subscribe()))
    }
}

/// Reserves the call's share of the budgets and starts writing the answer in
/// the background (it is kept whether or not anyone watches). A refusal by
/// a budget removes the question again and is the caller's error.
pub async fn start(
    state: &Platform,
    live: &LiveAnswers,
    client: LlmClient,
    answer: &Answer,
    user: Uuid,
) -> Result<(), AppError> {
    let pool = state.db.clone();
    let context = context(&pool, answer).await?;
    let prompt = format!(
        "Question: {}\n\nPassages:\n{}",
        answer.question, context.text
    );
    let purpose = Purpose {
        project: answer.project_id,
        run: None,
        question: Some(answer.id),
        user: Some(user),
    };
    let ceiling = client.ceiling_cost(SYSTEM_PROMPT.len() + prompt.len());
    // A question waits a little for calls in flight to leave room, then
    // is refused: its asker is waiting on the page.
    let deadline = std::time::Instant::now() + BUSY_WAIT;
    let reservation =
        match crate::spending::server::reserve(&pool, purpose, client.model(), ceiling, || {
            std::time::Instant::now() > deadline
        })
        .await?
        {
            Ok(reservation) => reservation,
            Err(reached) => {
                sqlx::query!("DELETE FROM questions WHERE id = $1", answer.id)
                    .execute(&pool)
                    .await?;
                return Err(reached.into());
            }
        };
    let live = live.clone();
    live.open(answer.id);
    let question = answer.id;
    let passages = answer.passages.clone();
    tokio::spawn(async move {
        write(
            pool,
            client,
            live,
            question,
            prompt,
            context,
            passages,
            reservation,
        )
        .await;
    });
    Ok(())
}

/// The passages as the model sees them: each under a label of its document
/// ("D1") and its page, in full (the chunk, not the snippet).
struct Context {
    text: String,
    /// Label → (document, name).
    documents: Vec<(String, Uuid, String)>,
}

async fn context(pool: &PgPool, answer: &Answer) -> Result<Context, AppError> {
    let mut documents: Vec<(String, Uuid, String)> = Vec::new();
    let mut text = String::new();
    for passage in &answer.passages {
        let label = match documents
            .iter()
            .find(|(_, id, _)| *id == passage.document_id)
        {
            Some((label, ..)) => label.clone(),
            None => {
                let label = format!("D{}", documents.len() + 1);
                documents.push((
                    label.clone(),
                    passage.document_id,
                    passage.document_name.clone(),
                ));
                label
            }
        };
        let content = sqlx::query_scalar!(
            "SELECT content FROM document_chunks WHERE document_id = $1 AND chunk_index = $2",
            passage.document_id,
            passage.chunk
        )
        .fetch_optional(pool)
        .await?
        .unwrap_or_default();
        if text.len() + content.len() > MAX_CONTEXT_CHARS {
            break;
        }
        text.push_str(&format!(
            "[{label} · {} · page {}]\n{}\n\n",
            passage.document_name,
            passage.page,
            content.trim()
        ));
    }
    Ok(Context { text, documents })
}

#[allow(clippy::too_many_arguments)]
async fn write(
    pool: PgPool,
    client: LlmClient,
    live: LiveAnswers,
    question: Uuid,
    prompt: String,
    context: Context,
    passages: Vec<super::api::Passage>,
    reservation: Reservation,
) {
    let mut shown = 0usize;
    let mut full = String::new();
    let result = client
        .stream_text(SYSTEM_PROMPT, &prompt, |piece| {
            full.push_str(piece);
            // Readers see the answer, never the citation lines: text that
            // could be the start of the marker waits for the next piece.
            let visible = match full.find(CITATIONS_MARKER) {
                Some(at) => at,
                None => safe_prefix(&full, CITATIONS_MARKER.len()),
            };
            if visible > shown {
                live.push(question, &full[shown..visible]);
                shown = visible;
            }
        })
        .await;
    let outcome = match result {
        Ok(streamed) => {
            if let Err(err) = crate::spending::server::settle(
                &pool,
                reservation,
                i64::from(streamed.tokens_in),
                i64::from(streamed.tokens_out),
                streamed.cost_usd,
            )
            .await
            {
                tracing::error!(error = %err, question = %question, "could not record the answer's cost");
            }
            let written = check_citations(&pool, &streamed.text, &context).await;
            match written {
                Ok(written) => {
                    finish(&pool, question, &passages, Some(&written), None, &streamed).await
                }
                Err(err) => Err(err),
            }
        }
        Err(err) => {
            if let Err(db) = crate::spending::server::settle(&pool, reservation, 0, 0, 0.0).await {
                tracing::error!(error = %db, question = %question, "could not release a reservation");
            }
            tracing::warn!(question = %question, error = %err, "the model could not answer a question");
            let empty = crate::extraction::llm::StreamedText {
                text: String::new(),
                tokens_in: 0,
                tokens_out: 0,
                cost_usd: 0.0,
                estimated_usage: true,
            };
            finish(
                &pool,
                question,
                &passages,
                None,
                Some(&err.reason()),
                &empty,
            )
            .await
        }
    };
    if let Err(err) = outcome {
        tracing::error!(error = %err, question = %question, "could not keep a written answer");
        let _ = sqlx::query!(
            "UPDATE questions SET status = 'failed', error = $2 WHERE id = $1",
            question,
            "The answer could not be kept."
        )
        .execute(&pool)
        .await;
    }
    // The row is final before readers hear "done": they read it next.
    live.close(question);
}

async fn finish(
    pool: &PgPool,
    question: Uuid,
    passages: &[super::api::Passage],
    written: Option<&WrittenAnswer>,
    error: Option<&str>,
    streamed: &crate::extraction::llm::StreamedText,
) -> Result<(), AppError> {
    let status = if written.is_some() {
        AnswerStatus::Answered
    } else {
        AnswerStatus::Failed
    };
    sqlx::query!(
        r#"UPDATE questions SET status = $2, answer = $3, error = $4,
                  tokens_in = $5, tokens_out = $6, cost_usd = $7
           WHERE id = $1"#,
        question,
        status.as_str(),
        super::server::stored_json(passages, written)?,
        error,
        i32::try_from(streamed.tokens_in).unwrap_or(i32::MAX),
        i32::try_from(streamed.tokens_out).unwrap_or(i32::MAX),
        streamed.cost_usd
    )
    .execute(pool)
    .await?;
    if let Some(written) = written {
        tracing::info!(question = %question, citations = written.citations.len(),
            removed = written.removed.len(), "question answered");
    }
    Ok(())
}

/// The longest prefix of `text` (on a char boundary) that cannot hold the
/// start of a marker `marker_len` bytes long still to come.
fn safe_prefix(text: &str, marker_len: usize) -> usize {
    let mut at = text.len().saturating_sub(marker_len.saturating_sub(1));
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // Nothing of the marker can start before a 'C'.
    match text[at..].find('C') {
        Some(c) => at + c,
        None => text.len(),
    }
}

#[derive(Debug, Deserialize)]
struct RawCitation {
    n: u32,
    doc: String,
    #[serde(default)]
    page: Option<i64>,
    quote: String,
}

/// Splits the model's text into the answer and the citations it lists.
fn split_answer(text: &str) -> (String, Vec<RawCitation>) {
    let Some(at) = text.find(CITATIONS_MARKER) else {
        return (text.trim().to_owned(), Vec::new());
    };
    let answer = text[..at].trim().to_owned();
    let citations = text[at + CITATIONS_MARKER.len()..]
        .lines()
        .filter_map(|line| {
            let (from, to) = (line.find('{')?, line.rfind('}')?);
            (from < to)
                .then(|| serde_json::from_str::<RawCitation>(&line[from..=to]).ok())
                .flatten()
        })
        .collect();
    (answer, citations)
}

/// Looks for every citation's quote in its paper; keeps those found (at the
/// page where they are), removes the rest with the reason.
async fn check_citations(
    pool: &PgPool,
    text: &str,
    context: &Context,
) -> Result<WrittenAnswer, AppError> {
    let (answer, raw) = split_answer(text);
    let mut pages_of: HashMap<Uuid, Vec<(u32, String)>> = HashMap::new();
    let mut written = WrittenAnswer {
        text: answer,
        citations: Vec::new(),
        removed: Vec::new(),
    };
    for citation in raw {
        let Some((_, document, name)) = context
            .documents
            .iter()
            .find(|(label, ..)| label.eq_ignore_ascii_case(citation.doc.trim()))
        else {
            written.removed.push(RemovedCitation {
                n: citation.n,
                quote: citation.quote,
                reason: format!("it names a document ({}) that was not given", citation.doc),
            });
            continue;
        };
        if !pages_of.contains_key(document) {
            let pages = sqlx::query!(
                "SELECT page_number, markdown FROM document_pages WHERE document_id = $1 ORDER BY page_number",
                document
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|p| (p.page_number.max(1) as u32, p.markdown))
            .collect();
            pages_of.insert(*document, pages);
        }
        let pages: Vec<grounding::PageText> = pages_of
            .get(document)
            .map(|pages| {
                pages
                    .iter()
                    .map(|(page, text)| grounding::PageText { page: *page, text })
                    .collect()
            })
            .unwrap_or_default();
        let hint = citation.page.and_then(|p| u32::try_from(p).ok());
        let quote = citation.quote.trim();
        let found = (quote.chars().count() >= 8)
            .then(|| grounding::locate_quote(&pages, quote, hint))
            .flatten();
        match found {
            Some(located) => written.citations.push(Citation {
                n: citation.n,
                document_id: *document,
                document_name: name.clone(),
                page: i32::try_from(located.page).unwrap_or(i32::MAX),
                quote: quote.to_owned(),
            }),
            None => written.removed.push(RemovedCitation {
                n: citation.n,
                quote: citation.quote,
                reason: format!("its quote is not in {name}"),
            }),
        }
    }
    Ok(written)
}

/// `GET /api/questions/{id}/events`: the answer as it is written (`text`
/// events, each a JSON string), then `done` with the kept [`Answer`]. An
/// answer already finished gets `done` at once.
pub async fn events(
    State(state): State<Platform>,
    State(ask): State<AskServices>,
    session: tower_sessions::Session,
    headers: http::HeaderMap,
    Path(question): Path<Uuid>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let user = crate::auth::server::caller_of(&state, &session, &headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let project = sqlx::query_scalar!("SELECT project_id FROM questions WHERE id = $1", question)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("question"))?;
    crate::projects::server::authorize(&state.db, &user, project, Action::View).await?;
    // Subscribe before reading the row: the writer keeps the row final
    // before it says "done", so nothing falls between the two.
    let following = ask.live.follow(question);
    let pool = state.db.clone();
    let shutdown = state.shutdown.clone();
    let (mut sender, receiver) = futures::channel::mpsc::channel::<Result<Event, Infallible>>(64);
    tokio::spawn(async move {
        use futures::SinkExt;
        let text_event = |piece: &str| {
            Event::default()
                .event("text")
                .data(serde_json::to_string(piece).unwrap_or_default())
        };
        match following {
            Some((so_far, mut live)) => {
                if !so_far.is_empty() && sender.send(Ok(text_event(&so_far))).await.is_err() {
                    return;
                }
                loop {
                    let event = tokio::select! {
                        _ = shutdown.cancelled() => break,
                        event = live.recv() => event,
                    };
                    match event {
                        Ok(LiveEvent::Text(piece)) => {
                            // The reader left: stop forwarding.
                            if sender.send(Ok(text_event(&piece))).await.is_err() {
                                return;
                            }
                        }
                        // Done, or the writer is gone: the row says the rest.
                        Ok(LiveEvent::Done) | Err(broadcast::error::RecvError::Closed) => break,
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    }
                }
            }
            None => {
                // Written by another process (or finished): wait on the row.
                let started = tokio::time::Instant::now();
                while started.elapsed() < POLL_FOR_AT_MOST && !shutdown.is_cancelled() {
                    match super::server::load(&pool, question).await {
                        Ok(Some(answer)) if answer.status != AnswerStatus::Answering => break,
                        Ok(Some(_)) => tokio::time::sleep(POLL_EVERY).await,
                        _ => break,
                    }
                }
            }
        }
        match super::server::load(&pool, question).await {
            Ok(Some(answer)) => {
                let done = Event::default()
                    .event("done")
                    .data(serde_json::to_string(&answer).unwrap_or_default());
                let _ = sender.send(Ok(done)).await;
            }
            Ok(None) => {}
            Err(err) => {
                tracing::warn!(error = %err, question = %question, "answer stream could not read the answer")
            }
        }
    });
    Ok(Sse::new(receiver).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_citation_lines_are_split_from_the_answer() {
        let text = "Outcome assessors were blinded [1]; the dose was 20 mg [2].\n\nCITATIONS:\n\
                    {\"n\": 1, \"doc\": \"D1\", \"page\": 3, \"quote\": \"assessors were blinded\"}\n\
                    - {\"n\": 2, \"doc\": \"D2\", \"quote\": \"20 mg daily\"}\nnot json\n";
        let (answer, citations) = split_answer(text);
        assert_eq!(
            answer,
            "Outcome assessors were blinded [1]; the dose was 20 mg [2]."
        );
        assert_eq!(citations.len(), 2);
        assert_eq!(citations[0].page, Some(3));
        assert_eq!(citations[1].doc, "D2");
        assert_eq!(citations[1].page, None);
        let (plain, none) = split_answer("Not found in these documents.");
        assert_eq!(plain, "Not found in these documents.");
        assert!(none.is_empty());
    }

    #[test]
    fn streaming_holds_back_what_may_be_the_marker() {
        // A 'C' near the end may start the marker: it waits.
        let text = "The dose was 20 mg. CITA";
        assert_eq!(
            &text[..safe_prefix(text, CITATIONS_MARKER.len())],
            "The dose was 20 mg. "
        );
        // Text with no 'C' near the end goes out whole.
        let text = "The dose was 20 mg daily in both arms";
        assert_eq!(safe_prefix(text, CITATIONS_MARKER.len()), text.len());
        // Multi-byte characters are never cut.
        let text = "Dosis était élevée — très";
        let at = safe_prefix(text, CITATIONS_MARKER.len());
        assert!(text.is_char_boundary(at));
    }
}
