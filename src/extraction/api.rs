//! Run types shared with the browser, and the run server functions.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    /// Every step of every document finished.
    Succeeded,
    /// Finished, with failed steps listed (they can be retried).
    Partial,
    Failed,
    Cancelled,
    /// Stopped because a spending budget was reached; resumable once raised.
    BudgetReached,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::BudgetReached => "budget_reached",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        Ok(match raw {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "partial" => RunStatus::Partial,
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            "budget_reached" => RunStatus::BudgetReached,
            other => {
                return Err(AppError::Internal {
                    reference: format!("unknown run status {other}"),
                });
            }
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Queued => "Queued",
            RunStatus::Running => "Running",
            RunStatus::Succeeded => "Finished",
            RunStatus::Partial => "Finished with failures",
            RunStatus::Failed => "Failed",
            RunStatus::Cancelled => "Cancelled",
            RunStatus::BudgetReached => "Stopped: budget reached",
        }
    }

    pub fn is_finished(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// Which extractor a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtractorKind {
    /// Built in: deterministic, no network.
    Offline,
    /// The configured OpenAI-compatible endpoint.
    Openai,
}

impl ExtractorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtractorKind::Offline => "offline",
            ExtractorKind::Openai => "openai",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "" | "offline" => Ok(ExtractorKind::Offline),
            "openai" => Ok(ExtractorKind::Openai),
            _ => Err(AppError::invalid(
                "extractor",
                "The extractor is offline or openai",
            )),
        }
    }
}

/// Counts of a run's values and work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunCounts {
    pub documents: i64,
    pub steps_total: i64,
    pub steps_done: i64,
    pub steps_failed: i64,
    pub values: i64,
    /// Grounded and supported: shown as verified.
    pub verified: i64,
    pub grounded: i64,
    pub unsupported: i64,
    pub ungrounded: i64,
    pub not_reported: i64,
    pub derived: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: Uuid,
    pub project_id: Uuid,
    pub form_id: Uuid,
    pub form_name: String,
    pub form_version: i32,
    pub extractor: ExtractorKind,
    pub model: String,
    pub status: RunStatus,
    pub job_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub counts: RunCounts,
}

/// One document of a run: its progress and its failures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDocument {
    pub document_id: Uuid,
    pub name: String,
    pub steps_done: i64,
    pub steps_failed: i64,
    pub values: i64,
    pub verified: i64,
    /// "step: reason" per failed step.
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDetail {
    pub run: RunSummary,
    pub project_name: String,
    pub steps_per_document: i64,
    pub documents: Vec<RunDocument>,
    pub can_run: bool,
}

/// One stored value, as the run page and scripts read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedValue {
    pub document_id: Uuid,
    pub document_name: String,
    pub field_path: String,
    pub value: Option<serde_json::Value>,
    pub not_reported: bool,
    pub quote: Option<String>,
    pub page: Option<i32>,
    pub char_start: Option<i32>,
    pub char_end: Option<i32>,
    pub grounded: bool,
    pub supported: bool,
    pub seeded: bool,
    pub confidence: f32,
    pub derivation: Option<serde_json::Value>,
    /// The document was converted again since: the quote may have moved.
    pub stale: bool,
}

impl ExtractedValue {
    /// What eviStream decided about the value (never the model's word).
    pub fn state(&self) -> &'static str {
        if self.not_reported {
            "not reported"
        } else if self.stale {
            "stale"
        } else if self.derivation.is_some() {
            if self.grounded && self.supported {
                "derived"
            } else {
                "ungrounded"
            }
        } else if self.seeded {
            "seeded"
        } else if !self.grounded {
            "ungrounded"
        } else if !self.supported {
            "unsupported"
        } else {
            "verified"
        }
    }
}

/// An active form version that can be run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnableForm {
    pub version_id: Uuid,
    pub form_name: String,
    pub version: i32,
}

/// What the start-run panel needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSetup {
    pub forms: Vec<RunnableForm>,
    pub ready_documents: i64,
    /// The ready documents to choose from (id, file name), at most 1,000.
    pub documents: Vec<(Uuid, String)>,
    /// The model of the configured endpoint, if one is configured.
    pub llm_model: Option<String>,
}

#[server(prefix = "/api", endpoint = "list_runs")]
pub async fn list_runs(project_id: Uuid) -> Result<Vec<RunSummary>, AppError> {
    crate::error::respond(async {
        let (state, _) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::View,
        )
        .await?;
        super::runs::list(&state.db, project_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "run_options")]
pub async fn run_options(project_id: Uuid) -> Result<RunSetup, AppError> {
    crate::error::respond(async {
        let (state, _) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::View,
        )
        .await?;
        super::runs::options(&state, project_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "get_run")]
pub async fn get_run(id: Uuid) -> Result<RunDetail, AppError> {
    crate::error::respond(async { super::runs::detail_for_caller(id).await }).await
}

/// Starts a run of an active form version over `document_ids` (comma-separated
/// ids; empty = every ready document of the project), with optional seeded
/// entries (`seeds_csv`, see the README). Returns the run's id.
#[server(prefix = "/api", endpoint = "start_run")]
pub async fn start_run(
    project_id: Uuid,
    form_version_id: Uuid,
    extractor: String,
    document_ids: String,
    seeds_csv: String,
) -> Result<Uuid, AppError> {
    crate::error::respond(async {
        let (state, user) = crate::projects::server::caller_for_project(
            project_id,
            crate::auth::authz::Action::Run,
        )
        .await?;
        let extractor = ExtractorKind::parse(&extractor)?;
        super::runs::start(
            &state,
            &user,
            super::runs::NewRun {
                project: project_id,
                form_version: form_version_id,
                extractor,
                documents: &document_ids,
                seeds_csv: &seeds_csv,
            },
        )
        .await
    })
    .await
}

/// Asks a run to stop; what finished is kept.
#[server(prefix = "/api", endpoint = "cancel_run")]
pub async fn cancel_run(id: Uuid) -> Result<(), AppError> {
    crate::error::respond(async { super::runs::cancel_for_caller(id).await }).await
}

/// Runs the failed steps of a finished run again.
#[server(prefix = "/api", endpoint = "retry_run_failures")]
pub async fn retry_run_failures(id: Uuid) -> Result<(), AppError> {
    crate::error::respond(async { super::runs::retry_for_caller(id).await }).await
}

/// The values of a run (of one document when `document_id` is set), at most
/// `limit` (≤ 5,000) from `offset`, in document and field order.
#[server(prefix = "/api", endpoint = "run_values")]
pub async fn run_values(
    id: Uuid,
    document_id: Option<Uuid>,
    offset: i64,
    limit: i64,
) -> Result<Vec<ExtractedValue>, AppError> {
    crate::error::respond(async {
        super::runs::values_for_caller(id, document_id, offset.max(0), limit.clamp(1, 5000)).await
    })
    .await
}
