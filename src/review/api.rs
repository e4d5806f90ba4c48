//! Review types shared with the browser, and the review server functions.
//! Viewers read everything here; editors and owners change values.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{CellState, GridColumn, GridLevel, ReviewStatus};
use crate::error::AppError;
use crate::forms::model::FieldDef;

/// Documents per grid page.
pub const GRID_PAGE_SIZE: i64 = 50;

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GridCell {
    /// No value stored (the step failed, or the extractor gave none).
    Empty,
    Value {
        value_id: i64,
        text: String,
        state: CellState,
        confidence: f32,
        needs_review: bool,
        /// Matches the grid's filter.
        matches: bool,
    },
    /// A repeating sub-form inside the level: how many entries, how many of
    /// their values need review; opens that level.
    Entries { count: usize, needs_review: usize },
}

/// A row: a document, or one entry of a repeating sub-form of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRow {
    pub document_id: Uuid,
    pub document_name: String,
    /// Entry indexes at a sub-form level (empty at the top level).
    pub entry: Vec<usize>,
    pub failed_steps: i64,
    /// Verified values of the document not reviewed yet (for "accept all").
    pub verified_unreviewed: i64,
    pub cells: Vec<GridCell>,
}

/// How far review has got.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewProgress {
    pub values: i64,
    pub reviewed: i64,
    pub needs_review: i64,
    pub documents: i64,
    /// Documents all of whose values are reviewed.
    pub documents_reviewed: i64,
    /// (reviewer, values reviewed), most first.
    pub reviewers: Vec<(String, i64)>,
}

/// A page of the results grid of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridPage {
    pub run_id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub form_name: String,
    pub form_version: i32,
    pub run_finished: bool,
    pub job_id: Option<Uuid>,
    pub levels: Vec<GridLevel>,
    pub level: String,
    pub columns: Vec<GridColumn>,
    pub rows: Vec<GridRow>,
    /// Documents matching the filter (rows are paged by document).
    pub total_documents: i64,
    pub page: i64,
    pub page_size: i64,
    pub progress: ReviewProgress,
    pub can_review: bool,
}

/// A value as it stood at one time: the extractor's, or after a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueVersion {
    pub value: Option<serde_json::Value>,
    pub not_reported: bool,
    pub quote: Option<String>,
    pub page: Option<i32>,
}

/// One change in a cell's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEvent {
    pub revision: i32,
    pub action: String,
    pub reviewer: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    pub old: ValueVersion,
    pub new: ValueVersion,
}

/// Everything the review pane shows of one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellDetail {
    pub value_id: i64,
    pub run_id: Uuid,
    pub document_id: Uuid,
    pub document_name: String,
    pub field_path: String,
    pub field: FieldDef,
    /// As the extractor gave it; never changed.
    pub original: ValueVersion,
    /// As reviewed (the original when nobody has reviewed it).
    pub current: ValueVersion,
    pub state: CellState,
    pub grounded: bool,
    pub supported: bool,
    pub confidence: f32,
    pub derivation: Option<serde_json::Value>,
    pub stale: bool,
    pub review: Option<ReviewStatus>,
    /// Send it back with a change: a change made on an older revision is refused.
    pub revision: i32,
    pub history: Vec<ReviewEvent>,
    pub page_count: i32,
    /// The page to open: the evidence page, or for a value without a found
    /// quote the first page where the value itself appears.
    pub view_page: Option<i32>,
    /// The view page was found by searching for the value, not by its quote.
    pub found_by_search: bool,
    /// The text to mark on the view page (the quote, or the searched value).
    pub highlight_text: Option<String>,
    /// The converted text of the view page, and the marked byte range in it.
    pub page_text: Option<String>,
    pub highlight: Option<(i32, i32)>,
    /// Same-origin link to the PDF, for the viewer.
    pub pdf_url: String,
    pub can_review: bool,
}

/// A page of the grid of run `run_id` at `level` ("" = one row per document,
/// or a repeating sub-form's key such as `comparisons[]`), with `filter` and
/// `sort` (see `model::GridFilter` / `GridSort`), optionally one document.
#[server(prefix = "/api", endpoint = "review_grid")]
pub async fn review_grid(
    run_id: Uuid,
    level: String,
    filter: String,
    sort: String,
    page: i64,
    document_id: Option<Uuid>,
) -> Result<GridPage, AppError> {
    crate::error::respond(async {
        super::server::grid_for_caller(super::server::GridQuery {
            run: run_id,
            level,
            filter: &filter,
            sort: &sort,
            page: page.max(1),
            document: document_id,
        })
        .await
    })
    .await
}

/// One value with its evidence, history and where to open the paper.
#[server(prefix = "/api", endpoint = "review_cell")]
pub async fn review_cell(value_id: i64) -> Result<CellDetail, AppError> {
    crate::error::respond(async { super::server::cell_for_caller(value_id).await }).await
}

/// A reviewer's change to one value: `action` is accept, correct (with
/// `value` as typed), not_reported, or quote (with `quote` on `page`, a
/// passage chosen in the paper). `revision` is the one the reviewer saw: if
/// the value changed since, nothing is changed and the answer says so.
#[server(prefix = "/api", endpoint = "review_value")]
pub async fn review_value(
    value_id: i64,
    revision: i32,
    action: String,
    value: String,
    quote: String,
    page: Option<i32>,
    reason: String,
) -> Result<CellDetail, AppError> {
    crate::error::respond(async {
        super::server::change_for_caller(super::server::Change {
            value_id,
            revision,
            action: &action,
            value: &value,
            quote: &quote,
            page,
            reason: &reason,
        })
        .await?;
        super::server::cell_for_caller(value_id).await
    })
    .await
}

/// Accepts every verified, not yet reviewed value of one document of a run;
/// `expected` is the count the reviewer confirmed. Returns how many were accepted.
#[server(prefix = "/api", endpoint = "accept_verified")]
pub async fn accept_verified(
    run_id: Uuid,
    document_id: Uuid,
    expected: i64,
) -> Result<i64, AppError> {
    crate::error::respond(async {
        super::server::accept_verified_for_caller(run_id, document_id, expected).await
    })
    .await
}
