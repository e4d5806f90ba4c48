//! SQL of the `jobs` and `job_events` tables.

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::api::{JobDetail, JobLogLine, JobStatus, JobSummary};
use crate::auth::authz::{Action, Relation, decide};
use crate::auth::types::{Role, SignedInUser};
use crate::error::AppError;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub max_attempts: i32,
    pub owner_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: serde_json::Value) -> Self {
        NewJob {
            kind,
            payload,
            max_attempts: 5,
            owner_id: None,
            project_id: None,
        }
    }
}

/// Enqueues a job inside the caller's transaction, so the job exists exactly
/// when the write that causes it commits.
pub async fn enqueue(tx: &mut Transaction<'_, Postgres>, job: NewJob) -> Result<Uuid, AppError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO jobs (kind, payload, max_attempts, owner_id, project_id)
           VALUES ($1, $2, $3, $4, $5) RETURNING id"#,
        job.kind,
        job.payload,
        job.max_attempts,
        job.owner_id,
        job.project_id,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The columns of a job row the list and the workers need.
struct JobRow {
    id: Uuid,
    kind: String,
    status: String,
    progress: i16,
    progress_message: Option<String>,
    done_count: Option<i32>,
    total_count: Option<i32>,
    attempts: i32,
    max_attempts: i32,
    cancel_requested: bool,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
}

impl JobRow {
    fn into_summary(self) -> JobSummary {
        JobSummary {
            id: self.id,
            kind: self.kind,
            // The CHECK constraint admits only known statuses.
            status: JobStatus::parse(&self.status).unwrap_or(JobStatus::Failed),
            progress: self.progress.clamp(0, 100) as u8,
            message: self.progress_message,
            done: self.done_count,
            total: self.total_count,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            cancel_requested: self.cancel_requested,
            error: self.last_error,
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
        }
    }
}

/// The newest jobs `viewer` may see: their own, those of projects they own or
/// are a member of, and every job for an admin.
pub async fn list_visible(
    pool: &PgPool,
    viewer: &SignedInUser,
    limit: i64,
) -> Result<Vec<JobSummary>, AppError> {
    let rows = sqlx::query_as!(
        JobRow,
        r#"SELECT id, kind, status, progress, progress_message, done_count, total_count,
                  attempts, max_attempts, cancel_requested, last_error,
                  created_at AS "created_at: DateTime<Utc>",
                  started_at AS "started_at: DateTime<Utc>",
                  finished_at AS "finished_at: DateTime<Utc>"
           FROM jobs j
           WHERE $2 OR j.owner_id = $1
              OR EXISTS (SELECT 1 FROM projects p WHERE p.id = j.project_id AND p.owner_id = $1)
              OR EXISTS (SELECT 1 FROM project_members m
                         WHERE m.project_id = j.project_id AND m.user_id = $1)
           ORDER BY created_at DESC, id LIMIT $3"#,
        viewer.id,
        viewer.role == Role::Admin,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(JobRow::into_summary).collect())
}

/// Checks that `viewer` may do `action` (View, or Run for cancel/retry) on a
/// job. A job they may not see is "not found".
pub async fn authorize(
    pool: &PgPool,
    viewer: &SignedInUser,
    id: Uuid,
    action: Action,
) -> Result<(), AppError> {
    let row = sqlx::query!(
        r#"SELECT j.owner_id, j.project_id, p.owner_id AS "project_owner?",
                  m.role AS "member_role?"
           FROM jobs j
           LEFT JOIN projects p ON p.id = j.project_id
           LEFT JOIN project_members m ON m.project_id = j.project_id AND m.user_id = $2
           WHERE j.id = $1"#,
        id,
        viewer.id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("job"))?;
    let relation = if row.project_owner == Some(viewer.id) {
        Relation::Owner
    } else if let Some(role) = &row.member_role {
        Relation::parse_member_role(role)
    } else if row.project_id.is_none() && row.owner_id == Some(viewer.id) {
        // A job outside any project belongs to the user who started it.
        Relation::Owner
    } else {
        Relation::None
    };
    decide(viewer.role, relation, action).map_err(|err| match err {
        AppError::NotFound(_) => AppError::not_found("job"),
        other => other,
    })
}

pub async fn summary(pool: &PgPool, id: Uuid) -> Result<JobSummary, AppError> {
    let row = sqlx::query_as!(
        JobRow,
        r#"SELECT id, kind, status, progress, progress_message, done_count, total_count,
                  attempts, max_attempts, cancel_requested, last_error,
                  created_at AS "created_at: DateTime<Utc>",
                  started_at AS "started_at: DateTime<Utc>",
                  finished_at AS "finished_at: DateTime<Utc>"
           FROM jobs WHERE id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("job"))?;
    Ok(row.into_summary())
}

pub async fn detail(pool: &PgPool, id: Uuid) -> Result<JobDetail, AppError> {
    let job = summary(pool, id).await?;
    let log = sqlx::query_as!(
        JobLogLine,
        r#"SELECT at AS "at: DateTime<Utc>", level, message FROM job_events WHERE job_id = $1 ORDER BY id"#,
        id
    )
    .fetch_all(pool)
    .await?;
    Ok(JobDetail { job, log })
}

pub async fn request_cancel(pool: &PgPool, id: Uuid) -> Result<JobSummary, AppError> {
    let mut tx = pool.begin().await?;
    let status = sqlx::query_scalar!("SELECT status FROM jobs WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found("job"))?;
    match JobStatus::parse(&status) {
        Some(JobStatus::Queued) => {
            sqlx::query!(
                r#"UPDATE jobs SET status = 'cancelled', cancel_requested = true,
                       finished_at = now(), updated_at = now() WHERE id = $1"#,
                id
            )
            .execute(&mut *tx)
            .await?;
            log_in(&mut tx, id, "info", "cancelled before it started").await?;
        }
        Some(JobStatus::Running) => {
            sqlx::query!(
                "UPDATE jobs SET cancel_requested = true, updated_at = now() WHERE id = $1",
                id
            )
            .execute(&mut *tx)
            .await?;
            log_in(&mut tx, id, "info", "cancellation requested").await?;
        }
        _ => {
            return Err(AppError::Conflict(format!(
                "the job has already {status}; there is nothing to cancel"
            )));
        }
    }
    tx.commit().await?;
    summary(pool, id).await
}

pub async fn retry(pool: &PgPool, id: Uuid) -> Result<JobSummary, AppError> {
    let updated = sqlx::query!(
        r#"UPDATE jobs SET status = 'queued', attempts = 0, run_after = now(),
               cancel_requested = false, last_error = NULL, finished_at = NULL,
               progress = 0, progress_message = NULL, updated_at = now()
           WHERE id = $1 AND status IN ('failed', 'cancelled')"#,
        id
    )
    .execute(pool)
    .await?;
    if updated.rows_affected() == 0 {
        let current = summary(pool, id).await?;
        return Err(AppError::Conflict(format!(
            "only failed or cancelled jobs can be retried; this one is {}",
            current.status.as_str()
        )));
    }
    log(pool, id, "info", "queued again by a user").await?;
    summary(pool, id).await
}

pub async fn log(pool: &PgPool, id: Uuid, level: &str, message: &str) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO job_events (job_id, level, message) VALUES ($1, $2, $3)",
        id,
        level,
        message
    )
    .execute(pool)
    .await?;
    Ok(())
}

async fn log_in(
    tx: &mut Transaction<'_, Postgres>,
    id: Uuid,
    level: &str,
    message: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO job_events (job_id, level, message) VALUES ($1, $2, $3)",
        id,
        level,
        message
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queue depth by kind and status, for /metrics.
pub async fn depth(pool: &PgPool) -> Result<Vec<(String, String, i64)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT kind, status, count(*) AS "count!" FROM jobs
           WHERE status IN ('queued', 'running') GROUP BY kind, status"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.kind, row.status, row.count))
        .collect())
}

/// Projects whose job events `viewer` receives.
pub async fn visible_project_ids(pool: &PgPool, viewer: Uuid) -> Result<Vec<Uuid>, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM projects WHERE owner_id = $1
           UNION SELECT project_id FROM project_members WHERE user_id = $1"#,
        viewer
    )
    .fetch_all(pool)
    .await?;
    Ok(ids)
}
