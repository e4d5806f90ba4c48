//! The queue's own SQL: enqueueing inside the caller's transaction, the log
//! of a job's steps, the depth for /metrics, and pruning of finished jobs.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::error::AppError;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub max_attempts: i32,
    pub owner_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    /// What the job works on (e.g. `document:<id>`): at most one job of a
    /// kind per subject is queued or running at a time (a unique index), so
    /// two clicks cannot queue the same work twice.
    pub subject: Option<String>,
    /// What the work is, for people ("Convert “trial.pdf”"), and where it
    /// can be seen (an app path).
    pub title: Option<String>,
    pub link: Option<String>,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: serde_json::Value) -> Self {
        NewJob {
            kind,
            payload,
            max_attempts: 5,
            owner_id: None,
            project_id: None,
            subject: None,
            title: None,
            link: None,
        }
    }
}

/// Enqueues a job inside the caller's transaction, so the job exists exactly
/// when the write that causes it commits.
pub async fn enqueue(tx: &mut Transaction<'_, Postgres>, job: NewJob) -> Result<Uuid, AppError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO jobs (kind, payload, max_attempts, owner_id, project_id, subject, title, link)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"#,
        job.kind,
        job.payload,
        job.max_attempts,
        job.owner_id,
        job.project_id,
        job.subject,
        job.title,
        job.link,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
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

pub async fn log_in(
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

/// Deletes finished jobs (and, by cascade, their logs) that ended longer
/// than `retention` ago; returns how many.
pub async fn prune_finished(
    pool: &PgPool,
    retention: std::time::Duration,
) -> Result<u64, AppError> {
    let deleted = sqlx::query!(
        r#"DELETE FROM jobs
           WHERE status IN ('succeeded', 'failed', 'cancelled') AND NOT end_unsettled
             AND finished_at < now() - make_interval(secs => $1)"#,
        retention.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected())
}
