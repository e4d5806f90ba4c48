//! Ask types shared with the browser, and the ask server functions.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Longest question accepted.
pub const MAX_QUESTION_CHARS: usize = 1000;

/// A passage of a paper that answers (part of) the question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub document_id: Uuid,
    pub document_name: String,
    pub page: i32,
    /// The chunk of the document (`document_chunks.chunk_index`) it comes from.
    pub chunk: i32,
    /// The passage with the question's words between
    /// `documents::api::HIT_START` and `HIT_END`.
    pub text: String,
    /// Share of the question's search terms the passage holds (0–1).
    pub coverage: f32,
    pub rank: f32,
}

/// A citation of a written answer, found in the paper by the same grounding
/// as extracted values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The number the answer's text uses: `[n]`.
    pub n: u32,
    pub document_id: Uuid,
    pub document_name: String,
    /// The page the quote was found on (which may differ from the page the
    /// model named).
    pub page: i32,
    pub quote: String,
}

/// A citation the model gave that is not in the paper: removed, and shown so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedCitation {
    pub n: u32,
    pub quote: String,
    pub reason: String,
}

/// The model's written answer. Its `text` refers to citations as `[n]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WrittenAnswer {
    pub text: String,
    pub citations: Vec<Citation>,
    pub removed: Vec<RemovedCitation>,
}

/// Where a written answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    /// The model is writing it (follow [`answer_events_path`]).
    Answering,
    Answered,
    Failed,
}

impl AnswerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::Answering => "answering",
            AnswerStatus::Answered => "answered",
            AnswerStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "answering" => Ok(AnswerStatus::Answering),
            "answered" => Ok(AnswerStatus::Answered),
            "failed" => Ok(AnswerStatus::Failed),
            other => Err(AppError::Internal {
                reference: format!("unknown answer status {other}"),
            }),
        }
    }
}

/// How the question was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerMode {
    /// Extractive: the best passages, no written answer.
    Passages,
    /// Written by the language model from the passages, citations checked.
    Llm,
}

impl AnswerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerMode::Passages => "passages",
            AnswerMode::Llm => "llm",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "passages" => Ok(AnswerMode::Passages),
            "llm" => Ok(AnswerMode::Llm),
            other => Err(AppError::Internal {
                reference: format!("unknown answer mode {other}"),
            }),
        }
    }
}

/// A question and its answer, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub id: Uuid,
    pub project_id: Uuid,
    pub question: String,
    pub asked_by: Option<String>,
    pub asked_at: DateTime<Utc>,
    /// Empty: the whole project.
    pub documents: Vec<Uuid>,
    pub mode: AnswerMode,
    pub status: AnswerStatus,
    /// The passages retrieved (the whole answer in passages mode; what the
    /// model was given otherwise).
    pub passages: Vec<Passage>,
    pub written: Option<WrittenAnswer>,
    pub error: Option<String>,
    pub model: String,
    pub tokens_in: i32,
    pub tokens_out: i32,
    pub cost_usd: f64,
}

impl Answer {
    pub fn found(&self) -> bool {
        !self.passages.is_empty()
    }
}

/// The event stream of an answer being written: `text` events carry pieces
/// of the answer (JSON strings), `done` the finished [`Answer`].
pub fn answer_events_path(question: Uuid) -> String {
    format!("/api/questions/{question}/events")
}

/// The route of [`answer_events_path`].
pub const ANSWER_EVENTS_ROUTE: &str = "/api/questions/{id}/events";

/// Asks `question` of the project's documents (`document_ids`:
/// comma-separated ids, empty = all); keeps and returns the answer. With a
/// language model configured the answer is `answering` when returned and is
/// written meanwhile: follow [`answer_events_path`].
#[server(prefix = "/api", endpoint = "ask_question")]
pub async fn ask_question(
    project_id: Uuid,
    question: String,
    document_ids: String,
) -> Result<Answer, AppError> {
    crate::error::respond(async {
        super::server::ask_for_caller(project_id, &question, &document_ids).await
    })
    .await
}

/// The questions asked in a project, newest first (at most 100).
#[server(prefix = "/api", endpoint = "list_questions")]
pub async fn list_questions(project_id: Uuid) -> Result<Vec<Answer>, AppError> {
    crate::error::respond(async { super::server::list_for_caller(project_id).await }).await
}
