//! Evaluation types shared with the browser, and the evaluation server
//! functions. Editors and owners create gold standards and evaluate; every
//! member reads stored evaluations.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::mapping::ColumnSuggestion;
use super::metrics::Evaluation;
use super::standard::GoldProblem;
use crate::error::AppError;

/// Largest gold-standard CSV accepted (a few thousand rows fit easily).
pub const MAX_GOLD_CSV_BYTES: usize = 5 * 1024 * 1024;

/// What a CSV looks like before it is saved: its columns, the suggested
/// mapping, and the fields it can be mapped to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldPreview {
    pub headers: Vec<String>,
    pub suggestions: Vec<ColumnSuggestion>,
    /// (pattern, label) of every leaf field of the run's form.
    pub fields: Vec<(String, String)>,
    pub rows: usize,
}

/// The outcome of saving a gold standard: its id, or every problem (and
/// nothing saved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldSaved {
    pub id: Option<Uuid>,
    pub problems: Vec<GoldProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldSummary {
    pub id: Uuid,
    pub name: String,
    pub form_id: Uuid,
    pub form_name: String,
    /// csv or run.
    pub source: String,
    pub documents: usize,
    pub values: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSummary {
    pub id: Uuid,
    pub project_id: Uuid,
    pub run_id: Uuid,
    /// "Form v2 · offline · 2026-11-29 10:04".
    pub run_label: String,
    pub gold_name: String,
    pub reviewed: bool,
    pub accuracy: Option<f64>,
    pub verified_accuracy: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationDetail {
    pub summary: EvaluationSummary,
    pub project_name: String,
    pub result: Evaluation,
    /// Names of the documents the differences mention.
    pub documents: Vec<(Uuid, String)>,
    /// The run's quote of a difference, by (document, run path).
    pub quotes: Vec<(Uuid, String, String)>,
    pub can_evaluate: bool,
}

/// Reads a gold-standard CSV for run `run_id`'s form and suggests a mapping.
#[server(prefix = "/api", endpoint = "preview_gold")]
pub async fn preview_gold(run_id: Uuid, csv: String) -> Result<GoldPreview, AppError> {
    crate::error::respond(async { super::server::preview_for_caller(run_id, &csv).await }).await
}

/// Saves a gold standard read from `csv` with `mapping` (JSON of
/// `mapping::GoldMapping`); every problem is listed and nothing is saved if
/// there is one.
#[server(prefix = "/api", endpoint = "save_gold")]
pub async fn save_gold(
    run_id: Uuid,
    name: String,
    csv: String,
    mapping: String,
) -> Result<GoldSaved, AppError> {
    crate::error::respond(async {
        super::server::save_csv_for_caller(run_id, &name, &csv, &mapping).await
    })
    .await
}

/// Makes the reviewed values of run `run_id` a gold standard for its form.
#[server(prefix = "/api", endpoint = "gold_from_run")]
pub async fn gold_from_run(run_id: Uuid, name: String) -> Result<Uuid, AppError> {
    crate::error::respond(async { super::server::gold_from_run_for_caller(run_id, &name).await })
        .await
}

#[server(prefix = "/api", endpoint = "list_gold")]
pub async fn list_gold(project_id: Uuid) -> Result<Vec<GoldSummary>, AppError> {
    crate::error::respond(async { super::server::list_gold_for_caller(project_id).await }).await
}

/// Scores run `run_id` against gold standard `gold_id` (its values as
/// reviewed, or as extracted) and stores the result; returns its id.
#[server(prefix = "/api", endpoint = "evaluate_run")]
pub async fn evaluate_run(run_id: Uuid, gold_id: Uuid, reviewed: bool) -> Result<Uuid, AppError> {
    crate::error::respond(async {
        super::server::evaluate_for_caller(run_id, gold_id, reviewed).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "list_evaluations")]
pub async fn list_evaluations(project_id: Uuid) -> Result<Vec<EvaluationSummary>, AppError> {
    crate::error::respond(async { super::server::list_for_caller(project_id).await }).await
}

#[server(prefix = "/api", endpoint = "get_evaluation")]
pub async fn get_evaluation(id: Uuid) -> Result<EvaluationDetail, AppError> {
    crate::error::respond(async { super::server::detail_for_caller(id).await }).await
}
