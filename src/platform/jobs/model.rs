//! The job states and the live update every job publishes, shared with the
//! browser (the Jobs pages and every page that follows a job).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn parse(raw: &str) -> Option<JobStatus> {
        Some(match raw {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "succeeded" => JobStatus::Succeeded,
            "failed" => JobStatus::Failed,
            "cancelled" => JobStatus::Cancelled,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

/// A change of a job's state or progress, as NOTIFY carries it and as the
/// browser receives it over the event stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobUpdate {
    pub id: Uuid,
    pub status: JobStatus,
    pub progress: u8,
    pub message: Option<String>,
    pub done: Option<i32>,
    pub total: Option<i32>,
    #[serde(default)]
    pub cancel_requested: bool,
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    pub project_id: Option<Uuid>,
    /// Microseconds since the epoch when the database sent it (for latency figures).
    #[serde(default)]
    pub sent_at_us: i64,
}
