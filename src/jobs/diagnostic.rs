//! The diagnostic job: a number of timed steps with progress after each. It
//! lets an operator see that workers run and that progress reaches browsers,
//! and gives the tests and benchmarks a job of known shape. Offered only when
//! `EVISTREAM_DIAGNOSTIC_JOBS=true`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::worker::{JobContext, JobError, JobResult, Registry};
use crate::error::AppError;

pub const KIND: &str = "system.diagnostic";
/// A job that does nothing: measures the queue's own overhead in benchmarks.
pub const NOOP_KIND: &str = "system.noop";

const MAX_STEPS: u32 = 10_000;
const MAX_STEP_MS: u32 = 60_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticPayload {
    pub steps: u32,
    pub step_ms: u32,
    /// Fail every attempt before this one (attempt numbers start at 1), to
    /// exercise retries.
    #[serde(default)]
    pub fail_attempts_before: i32,
    /// Record one row per job in `job_test_effects` (a table the tests
    /// create), counting runs, to prove exactly-once completion.
    #[serde(default)]
    pub record_effect: bool,
}

impl DiagnosticPayload {
    pub fn new(steps: u32, step_ms: u32) -> Result<Self, AppError> {
        if !(1..=MAX_STEPS).contains(&steps) {
            return Err(AppError::invalid(
                "steps",
                format!("steps must be between 1 and {MAX_STEPS}"),
            ));
        }
        if step_ms > MAX_STEP_MS {
            return Err(AppError::invalid(
                "step_ms",
                format!("a step may last at most {MAX_STEP_MS} ms"),
            ));
        }
        Ok(DiagnosticPayload {
            steps,
            step_ms,
            fail_attempts_before: 0,
            record_effect: false,
        })
    }
}

pub fn register(registry: &mut Registry) {
    registry.register(KIND, run);
    registry.register(NOOP_KIND, |_ctx| async { Ok(()) });
}

async fn run(ctx: JobContext) -> JobResult {
    let payload: DiagnosticPayload = ctx.payload()?;
    if ctx.job.attempts < payload.fail_attempts_before {
        return Err(JobError::Retry(format!(
            "failing attempt {} on purpose",
            ctx.job.attempts
        )));
    }
    let total = payload.steps.min(MAX_STEPS) as i32;
    let step = Duration::from_millis(u64::from(payload.step_ms.min(MAX_STEP_MS)));
    ctx.log(&format!(
        "starting {total} steps of {} ms",
        step.as_millis()
    ))
    .await;
    for done in 1..=total {
        tokio::select! {
            _ = tokio::time::sleep(step) => {}
            _ = ctx.cancelled() => {}
        }
        ctx.checkpoint()?;
        ctx.progress(done, total, &format!("step {done} of {total}"))
            .await?;
    }
    if payload.record_effect {
        // Idempotent by design: a second run of the same job bumps `runs`
        // instead of adding a row.
        sqlx::query(
            "INSERT INTO job_test_effects (job_id) VALUES ($1)
             ON CONFLICT (job_id) DO UPDATE SET runs = job_test_effects.runs + 1",
        )
        .bind(ctx.job.id)
        .execute(&ctx.db)
        .await
        .map_err(|err| JobError::Retry(format!("recording the effect: {err}")))?;
    }
    Ok(())
}
