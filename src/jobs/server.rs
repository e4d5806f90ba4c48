//! SQL of the `jobs` and `job_events` tables.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{JobDetail, JobLogLine, JobStatus, JobSummary};
use crate::auth::authz::{Action, Relation, decide};
use crate::auth::types::{Role, SignedInUser};
use crate::error::AppError;
use crate::platform::jobs::queue::log_in;
pub use crate::platform::jobs::queue::{NewJob, enqueue, log};

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
    title: Option<String>,
    link: Option<String>,
    project_id: Option<Uuid>,
    project_name: Option<String>,
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
            label: self.title,
            link: self.link,
            project: self.project_id.zip(self.project_name),
        }
    }
}

/// The newest jobs `viewer` may see: those of projects they own or are a
/// member of, their own jobs outside any project, and every job for an admin.
/// The same rule as `authorize` and the event stream's audience: a user who
/// loses access to a project stops seeing its jobs, even those they started.
pub async fn list_visible(
    pool: &PgPool,
    viewer: &SignedInUser,
    limit: i64,
) -> Result<Vec<JobSummary>, AppError> {
    let rows = sqlx::query_as!(
        JobRow,
        r#"SELECT j.id, j.kind, j.status, j.progress, j.progress_message, j.done_count,
                  j.total_count, j.attempts, j.max_attempts, j.cancel_requested, j.last_error,
                  j.created_at AS "created_at: DateTime<Utc>",
                  j.started_at AS "started_at: DateTime<Utc>",
                  j.finished_at AS "finished_at: DateTime<Utc>",
                  j.title, j.link, j.project_id, p.name AS "project_name?"
           FROM jobs j LEFT JOIN projects p ON p.id = j.project_id
           WHERE $2 OR (j.project_id IS NULL AND j.owner_id = $1)
              OR EXISTS (SELECT 1 FROM projects p WHERE p.id = j.project_id AND p.owner_id = $1)
              OR EXISTS (SELECT 1 FROM project_members m
                         WHERE m.project_id = j.project_id AND m.user_id = $1)
           ORDER BY j.created_at DESC, j.id LIMIT $3"#,
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
    let row = sqlx::query!("SELECT owner_id, project_id FROM jobs WHERE id = $1", id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found("job"))?;
    let relation = match row.project_id {
        // The caller's relation to the job's project decides, by the one rule
        // every feature uses.
        Some(project) => crate::projects::server::relation(pool, viewer.id, project).await?,
        // A job outside any project belongs to the user who started it.
        None if row.owner_id == Some(viewer.id) => Relation::Owner,
        None => Relation::None,
    };
    decide(viewer.role, relation, action).map_err(|err| match err {
        AppError::NotFound(_) => AppError::not_found("job"),
        other => other,
    })
}

pub async fn summary(pool: &PgPool, id: Uuid) -> Result<JobSummary, AppError> {
    let row = sqlx::query_as!(
        JobRow,
        r#"SELECT j.id, j.kind, j.status, j.progress, j.progress_message, j.done_count,
                  j.total_count, j.attempts, j.max_attempts, j.cancel_requested, j.last_error,
                  j.created_at AS "created_at: DateTime<Utc>",
                  j.started_at AS "started_at: DateTime<Utc>",
                  j.finished_at AS "finished_at: DateTime<Utc>",
                  j.title, j.link, j.project_id, p.name AS "project_name?"
           FROM jobs j LEFT JOIN projects p ON p.id = j.project_id
           WHERE j.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("job"))?;
    Ok(row.into_summary())
}

/// The most lines of a job's log a detail shows.
pub const JOB_LOG_LINES: i64 = 1_000;

pub async fn detail(pool: &PgPool, id: Uuid) -> Result<JobDetail, AppError> {
    let job = summary(pool, id).await?;
    // The newest lines when a log is long (a run over hundreds of documents).
    let mut log = sqlx::query_as!(
        JobLogLine,
        r#"SELECT at AS "at: DateTime<Utc>", level, message FROM job_events
           WHERE job_id = $1 ORDER BY id DESC LIMIT $2"#,
        id,
        JOB_LOG_LINES
    )
    .fetch_all(pool)
    .await?;
    log.reverse();
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
            // Its handler never runs: the kind's end-of-job hook settles
            // what it was for (a worker picks the mark up).
            sqlx::query!(
                r#"UPDATE jobs SET status = 'cancelled', cancel_requested = true,
                       end_unsettled = true, finished_at = now(), updated_at = now()
                   WHERE id = $1"#,
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
               end_unsettled = false, progress = 0, progress_message = NULL,
               updated_at = now()
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
