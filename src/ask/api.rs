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
    /// "passages": extractive, no written answer.
    pub mode: String,
    pub passages: Vec<Passage>,
}

impl Answer {
    pub fn found(&self) -> bool {
        !self.passages.is_empty()
    }
}

/// Asks `question` of the project's documents (`document_ids`:
/// comma-separated ids, empty = all); keeps and returns the answer.
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
