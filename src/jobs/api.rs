//! Job types shared with the browser, and the server functions of the Jobs pages.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
pub use crate::platform::jobs::model::{JobStatus, JobUpdate};

/// One job as the Jobs list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: Uuid,
    pub kind: String,
    pub status: JobStatus,
    pub progress: u8,
    pub message: Option<String>,
    pub done: Option<i32>,
    pub total: Option<i32>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub cancel_requested: bool,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What the work is, in words, when the feature that queued it said.
    #[serde(default)]
    pub label: Option<String>,
    /// Where the work can be seen (an app path).
    #[serde(default)]
    pub link: Option<String>,
    /// The project the job belongs to: id and name.
    #[serde(default)]
    pub project: Option<(Uuid, String)>,
}

impl JobSummary {
    /// Applies a live update (from the event stream) to this row.
    pub fn apply(&mut self, update: &JobUpdate) {
        self.status = update.status;
        self.progress = update.progress;
        self.message = update.message.clone();
        self.done = update.done;
        self.total = update.total;
        self.cancel_requested = update.cancel_requested;
    }

    /// What the job works on, for people: the title its feature gave it,
    /// else a name for its kind.
    pub fn title(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        match self.kind.as_str() {
            "system.diagnostic" => "Diagnostic job".to_owned(),
            "system.noop" => "No-op job".to_owned(),
            "documents.convert" => "Conversion of a document".to_owned(),
            "storage.delete_files" => "Deleting stored files".to_owned(),
            "forms.plan" => "Extraction plan".to_owned(),
            "extraction.run" => "Extraction run".to_owned(),
            other => other.to_owned(),
        }
    }
}

/// One line of a job's log of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobLogLine {
    pub at: DateTime<Utc>,
    pub level: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub job: JobSummary,
    pub log: Vec<JobLogLine>,
}

/// The path of the server-sent-events stream of job updates.
pub const JOB_EVENTS_PATH: &str = "/api/jobs/events";

/// The newest jobs first.
#[server(prefix = "/api", endpoint = "list_jobs")]
pub async fn list_jobs() -> Result<Vec<JobSummary>, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let viewer = crate::auth::server::require_user().await?;
        super::server::list_visible(&state.db, &viewer, 100).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Authorises the caller for `action` on job `id` and returns the pool.
#[cfg(feature = "ssr")]
async fn authorized(
    id: Uuid,
    action: crate::auth::authz::Action,
) -> Result<sqlx::PgPool, AppError> {
    let state = crate::platform::platform()?;
    let viewer = crate::auth::server::require_user().await?;
    super::server::authorize(&state.db, &viewer, id, action).await?;
    Ok(state.db)
}

#[server(prefix = "/api", endpoint = "get_job")]
pub async fn get_job(id: Uuid) -> Result<JobDetail, AppError> {
    let result = async {
        let db = authorized(id, crate::auth::authz::Action::View).await?;
        super::server::detail(&db, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Asks a job to stop. A queued job is cancelled at once; a running one stops
/// at its next step and keeps what it finished.
#[server(prefix = "/api", endpoint = "cancel_job")]
pub async fn cancel_job(id: Uuid) -> Result<JobSummary, AppError> {
    let result = async {
        let db = authorized(id, crate::auth::authz::Action::Run).await?;
        super::server::request_cancel(&db, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Queues a failed or cancelled job again, with a fresh set of attempts.
#[server(prefix = "/api", endpoint = "retry_job")]
pub async fn retry_job(id: Uuid) -> Result<JobSummary, AppError> {
    let result = async {
        let db = authorized(id, crate::auth::authz::Action::Run).await?;
        super::server::retry(&db, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Whether this server offers the diagnostic job (EVISTREAM_DIAGNOSTIC_JOBS).
#[server(prefix = "/api", endpoint = "diagnostic_jobs_enabled")]
pub async fn diagnostic_jobs_enabled() -> Result<bool, AppError> {
    let state = crate::platform::platform()?;
    Ok(state.config.diagnostic_jobs)
}

/// Starts a diagnostic job: `steps` steps of `step_ms` milliseconds each, with
/// progress after every step. Lets operators check that workers run and that
/// progress reaches the browser.
#[server(prefix = "/api", endpoint = "start_diagnostic_job")]
pub async fn start_diagnostic_job(steps: u32, step_ms: u32) -> Result<Uuid, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        // Global viewers only read; starting work is for users and admins.
        if !state.config.diagnostic_jobs || user.role == crate::auth::types::Role::Viewer {
            return Err(AppError::Forbidden);
        }
        let payload = super::diagnostic::DiagnosticPayload::new(steps, step_ms)?;
        let mut job =
            super::server::NewJob::new(super::diagnostic::KIND, serde_json::json!(payload));
        job.owner_id = Some(user.id);
        let mut tx = state.db.begin().await?;
        let id = super::server::enqueue(&mut tx, job).await?;
        tx.commit().await?;
        Ok(id)
    }
    .await;
    crate::error::with_http_status(result)
}
