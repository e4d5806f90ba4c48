//! The workers: Tokio tasks that claim jobs from PostgreSQL, run the handler
//! registered for the job's kind, heartbeat while it runs, and record the
//! outcome. Any number of processes may run workers against one database.
//!
//! Guarantees: a job runs in at most one worker at a time (claims use
//! `FOR UPDATE SKIP LOCKED`, and every write of a run is conditional on still
//! holding the job); a job whose worker died is claimed again once its
//! heartbeat is older than `stale_after`; failures are retried with
//! exponential backoff and jitter up to `max_attempts`. Because a run can be
//! cut off at any point and redone, handlers must be safe to run twice.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use sqlx::PgPool;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// How a handler run ended, when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// A failure worth another attempt (network, timeout, busy service).
    Retry(String),
    /// A failure no retry will fix (bad input, unreadable file).
    Fail(String),
    /// The job saw a cancellation request and stopped.
    Cancelled,
}

pub type JobResult = Result<(), JobError>;
pub type JobFuture = Pin<Box<dyn Future<Output = JobResult> + Send>>;
type Handler = Arc<dyn Fn(JobContext) -> JobFuture + Send + Sync>;
type EndedHook =
    Arc<dyn Fn(EndedJob) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// A job that ended for good without its handler having dealt with the end:
/// cancelled while still queued, or taken over after its last attempt's
/// worker died. The kind's `on_ended` hook gets it, so whatever the job was
/// working on (a document "pending") is not left waiting forever.
#[derive(Debug, Clone)]
pub struct EndedJob {
    pub id: Uuid,
    pub payload: serde_json::Value,
    /// Cancelled while queued (otherwise: failed, its worker gone).
    pub cancelled: bool,
    pub pool: PgPool,
}

impl EndedJob {
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(self.payload.clone())
            .map_err(|err| format!("the job's payload is not valid: {err}"))
    }
}

/// One job kind's contract with the engine: its handler, how many of its
/// jobs one process runs at once, and what happens when one of its jobs ends
/// for good without the handler (see [`EndedJob`]). The engine names no kind:
/// features register theirs (`server::wiring::registry` wires them).
#[derive(Clone)]
pub struct JobKind {
    handler: Handler,
    max_running: Option<usize>,
    on_ended: Option<EndedHook>,
}

impl JobKind {
    pub fn new<F, Fut>(handler: F) -> Self
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        JobKind {
            handler: Arc::new(move |ctx| Box::pin(handler(ctx))),
            max_running: None,
            on_ended: None,
        }
    }

    /// At most `limit` jobs of this kind run at once in one process, so a
    /// large batch of one kind leaves workers for the others.
    pub fn max_running(mut self, limit: usize) -> Self {
        self.max_running = Some(limit.max(1));
        self
    }

    pub fn on_ended<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(EndedJob) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.on_ended = Some(Arc::new(move |job| Box::pin(hook(job))));
        self
    }
}

/// Job kinds by name.
#[derive(Default, Clone)]
pub struct Registry {
    kinds: HashMap<String, JobKind>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a kind with only a handler (no limit, nothing to do when a
    /// job ends unhandled).
    pub fn register<F, Fut>(&mut self, kind: &str, handler: F)
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.add(kind, JobKind::new(handler));
    }

    pub fn add(&mut self, kind: &str, contract: JobKind) {
        self.kinds.insert(kind.to_owned(), contract);
    }

    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self.kinds.keys().cloned().collect();
        kinds.sort();
        kinds
    }
}

/// Jobs of each kind running in this process, for `JobKind::max_running`.
#[derive(Default)]
struct RunningCounts {
    by_kind: Mutex<HashMap<String, usize>>,
}

impl RunningCounts {
    /// The kinds a free worker may claim now.
    fn claimable(&self, registry: &Registry) -> Vec<String> {
        let counts = self
            .by_kind
            .lock()
            .map(|counts| counts.clone())
            .unwrap_or_default();
        let mut kinds: Vec<String> = registry
            .kinds
            .iter()
            .filter(|(kind, contract)| {
                contract
                    .max_running
                    .is_none_or(|limit| counts.get(*kind).copied().unwrap_or(0) < limit)
            })
            .map(|(kind, _)| kind.clone())
            .collect();
        kinds.sort();
        kinds
    }

    fn change(&self, kind: &str, up: bool) {
        if let Ok(mut counts) = self.by_kind.lock() {
            let count = counts.entry(kind.to_owned()).or_insert(0);
            *count = if up {
                *count + 1
            } else {
                count.saturating_sub(1)
            };
        }
    }
}

/// Timing of the worker protocol.
#[derive(Debug, Clone, Copy)]
pub struct WorkerSettings {
    pub concurrency: usize,
    /// A running job whose heartbeat is older than this is taken over.
    pub stale_after: Duration,
    /// How often a running job's heartbeat is written.
    pub heartbeat_every: Duration,
    /// How often idle workers look for due jobs without being woken.
    pub poll_every: Duration,
    /// First retry delay; doubles with each attempt.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl WorkerSettings {
    pub fn new(concurrency: usize, stale_after: Duration) -> Self {
        WorkerSettings {
            concurrency,
            stale_after,
            heartbeat_every: (stale_after / 4)
                .clamp(Duration::from_millis(200), Duration::from_secs(10)),
            poll_every: Duration::from_secs(1),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(600),
        }
    }
}

/// Delay before attempt `attempts + 1`: base · 2^(attempts-1), capped, with
/// ±25 % jitter so that jobs failing together do not retry together.
pub fn backoff(settings: &WorkerSettings, attempts: i32, jitter_unit: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 20) as u32;
    let raw = settings
        .backoff_base
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(settings.backoff_max);
    let factor = 0.75 + 0.5 * jitter_unit.clamp(0.0, 1.0);
    raw.mul_f64(factor)
}

/// Running jobs of this process, so a cancellation notice reaches them at once.
#[derive(Default, Clone)]
pub struct RunningJobs {
    tokens: Arc<Mutex<HashMap<Uuid, CancellationToken>>>,
}

impl RunningJobs {
    pub fn cancel(&self, id: Uuid) {
        if let Ok(tokens) = self.tokens.lock()
            && let Some(token) = tokens.get(&id)
        {
            token.cancel();
        }
    }

    fn insert(&self, id: Uuid, token: CancellationToken) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.insert(id, token);
        }
    }

    fn remove(&self, id: Uuid) {
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.remove(&id);
        }
    }
}

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// What a handler gets: its job, the database, progress reporting and the
/// cancellation signal.
#[derive(Clone)]
pub struct JobContext {
    pub job: ClaimedJob,
    pub db: PgPool,
    worker_id: Arc<str>,
    cancel: CancellationToken,
}

impl JobContext {
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_value(self.job.payload.clone())
            .map_err(|err| JobError::Fail(format!("the job's payload is not valid: {err}")))
    }

    /// True once someone asked this job to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Resolves when someone asks this job to stop (for `tokio::select!`).
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await
    }

    /// Between steps: `Err(Cancelled)` when the job should stop now.
    pub fn checkpoint(&self) -> JobResult {
        if self.is_cancelled() {
            Err(JobError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Records progress (`done` of `total`, and a short message). Also renews
    /// the heartbeat and picks up a cancellation request.
    pub async fn progress(&self, done: i32, total: i32, message: &str) -> JobResult {
        let percent = if total > 0 {
            (i64::from(done.clamp(0, total)) * 100 / i64::from(total)) as i16
        } else {
            0
        };
        let row = sqlx::query!(
            r#"UPDATE jobs SET progress = $3, done_count = $4, total_count = $5,
                   progress_message = $6, heartbeat_at = now(), updated_at = now()
               WHERE id = $1 AND locked_by = $2 AND status = 'running'
               RETURNING cancel_requested"#,
            self.job.id,
            &*self.worker_id,
            percent,
            done,
            total,
            message,
        )
        .fetch_optional(&self.db)
        .await
        .map_err(|err| JobError::Retry(format!("recording progress: {err}")))?;
        match row {
            None => {
                // Another worker holds the job now (ours was presumed dead).
                self.cancel.cancel();
                Err(JobError::Cancelled)
            }
            Some(row) if row.cancel_requested => {
                self.cancel.cancel();
                Ok(())
            }
            Some(_) => Ok(()),
        }
    }

    /// This run's hold on the job. A write that a superseded run (taken
    /// over when its heartbeat went stale) must not make checks it in SQL
    /// with [`Lease::HOLDS`].
    pub fn lease(&self) -> Lease {
        Lease {
            job: self.job.id,
            worker: self.worker_id.to_string(),
            attempt: self.job.attempts,
        }
    }

    /// Adds a line to the job's log of steps.
    pub async fn log(&self, message: &str) {
        if let Err(err) = super::queue::log(&self.db, self.job.id, "info", message).await {
            tracing::warn!(job.id = %self.job.id, error = %err, "could not write the job log");
        }
    }
}

/// One attempt's hold on a job: the job id alone is not enough, because a
/// run that was taken over and its successor share it.
#[derive(Debug, Clone)]
pub struct Lease {
    pub job: Uuid,
    pub worker: String,
    pub attempt: i32,
}

/// The workers of one process.
pub struct Workers {
    handles: Vec<tokio::task::JoinHandle<()>>,
    pool: PgPool,
    worker_id: Arc<str>,
}

impl Workers {
    /// Starts `settings.concurrency` worker tasks. They stop claiming when
    /// `shutdown` is cancelled and finish the job they are running.
    pub fn spawn(
        pool: PgPool,
        registry: Registry,
        settings: WorkerSettings,
        wake: Arc<Notify>,
        running: RunningJobs,
        shutdown: CancellationToken,
    ) -> Workers {
        let worker_id: Arc<str> = format!(
            "{}:{}:{}",
            hostname(),
            std::process::id(),
            &Uuid::new_v4().simple().to_string()[..8]
        )
        .into();
        let registry = Arc::new(registry);
        let kinds = registry.kinds();
        let counts = Arc::new(RunningCounts::default());
        tracing::info!(worker.id = %worker_id, concurrency = settings.concurrency, kinds = ?kinds, "workers started");
        let handles = (0..settings.concurrency)
            .map(|slot| {
                let task = WorkerTask {
                    pool: pool.clone(),
                    registry: registry.clone(),
                    kinds: kinds.clone(),
                    counts: counts.clone(),
                    settings,
                    wake: wake.clone(),
                    running: running.clone(),
                    shutdown: shutdown.clone(),
                    worker_id: worker_id.clone(),
                };
                tokio::spawn(async move { task.run(slot).await })
            })
            .collect();
        Workers {
            handles,
            pool,
            worker_id,
        }
    }

    /// Waits up to `grace` for running jobs to finish, then gives the jobs
    /// still held back to the queue so another process picks them up at once.
    pub async fn stop(self, grace: Duration) {
        let abort_handles: Vec<_> = self.handles.iter().map(|h| h.abort_handle()).collect();
        if tokio::time::timeout(grace, futures::future::join_all(self.handles))
            .await
            .is_err()
        {
            for handle in abort_handles {
                handle.abort();
            }
            match release_held(&self.pool, &self.worker_id).await {
                Ok(released) => tracing::warn!(
                    released,
                    "grace period over; unfinished jobs returned to the queue"
                ),
                Err(err) => {
                    tracing::error!(error = %err, "could not return unfinished jobs to the queue; they will be taken over when their heartbeat goes stale")
                }
            }
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned())
}

/// Requeues every job this worker set holds, without counting the attempt.
async fn release_held(pool: &PgPool, worker_id: &str) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        r#"UPDATE jobs SET status = 'queued', locked_by = NULL, heartbeat_at = NULL,
               attempts = greatest(attempts - 1, 0), run_after = now(), updated_at = now()
           WHERE locked_by = $1 AND status = 'running'"#,
        worker_id
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}

struct WorkerTask {
    pool: PgPool,
    registry: Arc<Registry>,
    /// Every kind this process runs (for the end-of-job hooks).
    kinds: Vec<String>,
    counts: Arc<RunningCounts>,
    settings: WorkerSettings,
    wake: Arc<Notify>,
    running: RunningJobs,
    shutdown: CancellationToken,
    worker_id: Arc<str>,
}

impl WorkerTask {
    async fn run(&self, slot: usize) {
        while !self.shutdown.is_cancelled() {
            // Register interest before looking, so a wake-up between an empty
            // claim and the wait is not lost.
            let woken = self.wake.notified();
            if slot == 0 {
                // One worker per process settles jobs that ended unhandled.
                while let Ok(true) = self.settle_one_ended().await {}
            }
            match self.claim().await {
                Ok(Some(job)) => {
                    self.execute(job).await;
                    continue;
                }
                Ok(None) => {}
                Err(err) => {
                    tracing::warn!(worker.slot = slot, error = %err, "could not claim a job; retrying");
                }
            }
            tokio::select! {
                _ = woken => {}
                _ = tokio::time::sleep(self.settings.poll_every) => {}
                _ = self.shutdown.cancelled() => {}
            }
        }
    }

    /// Runs the `on_ended` hook of one job that ended for good without its
    /// handler; true when there was one. The job stays marked until its hook
    /// succeeds (a failing hook is tried again on a later pass).
    async fn settle_one_ended(&self) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query!(
            r#"SELECT id, kind, payload, status FROM jobs
               WHERE end_unsettled AND kind = ANY($1)
               ORDER BY finished_at LIMIT 1
               FOR UPDATE SKIP LOCKED"#,
            &self.kinds
        )
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let hook = self
            .registry
            .kinds
            .get(&row.kind)
            .and_then(|contract| contract.on_ended.clone());
        if let Some(hook) = hook {
            let ended = EndedJob {
                id: row.id,
                payload: row.payload,
                cancelled: row.status == "cancelled",
                pool: self.pool.clone(),
            };
            if let Err(err) = hook(ended).await {
                tracing::warn!(job.id = %row.id, job.kind = %row.kind, error = %err, "settling a job that ended unhandled failed; trying again later");
                return Ok(false);
            }
        }
        sqlx::query!(
            "UPDATE jobs SET end_unsettled = false WHERE id = $1",
            row.id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Claims the next due job of a kind with room to run, or a running job
    /// whose worker went silent.
    ///
    /// Fair between projects: the job comes from the project (or, outside any
    /// project, the owner) with the least work running or finished in the
    /// last minute, and only then the oldest. A 500-file batch in one project
    /// therefore does not make another project's single conversion wait for
    /// all 500: each freed worker takes the less-served project's job first.
    async fn claim(&self) -> Result<Option<ClaimedJob>, sqlx::Error> {
        let kinds = self.counts.claimable(&self.registry);
        if kinds.is_empty() {
            return Ok(None);
        }
        let stale_secs = self.settings.stale_after.as_secs_f64();
        let row = sqlx::query!(
            r#"WITH served AS (
                   SELECT coalesce(project_id, owner_id) AS party, count(*) AS recent
                   FROM jobs
                   WHERE status = 'running'
                      OR (status IN ('succeeded', 'failed', 'cancelled')
                          AND finished_at > now() - interval '1 minute')
                   GROUP BY 1)
               UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
                   heartbeat_at = now(), started_at = coalesce(started_at, now()),
                   updated_at = now()
               WHERE id = (
                   SELECT job.id FROM jobs job
                   LEFT JOIN served ON served.party = coalesce(job.project_id, job.owner_id)
                   WHERE job.kind = ANY($2)
                     AND ((job.status = 'queued' AND job.run_after <= now())
                       OR (job.status = 'running'
                           AND job.heartbeat_at < now() - make_interval(secs => $3::float8)))
                   ORDER BY coalesce(served.recent, 0), job.run_after, job.created_at
                   LIMIT 1
                   FOR UPDATE OF job SKIP LOCKED)
               RETURNING id, kind, payload, attempts, max_attempts"#,
            &*self.worker_id,
            &kinds,
            stale_secs,
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| ClaimedJob {
            id: row.id,
            kind: row.kind,
            payload: row.payload,
            attempts: row.attempts,
            max_attempts: row.max_attempts,
        }))
    }

    #[tracing::instrument(skip_all, fields(job.id = %job.id, job.kind = %job.kind, job.attempt = job.attempts))]
    async fn execute(&self, job: ClaimedJob) {
        let started = Instant::now();
        let Some(handler) = self
            .registry
            .kinds
            .get(&job.kind)
            .map(|contract| contract.handler.clone())
        else {
            return;
        };
        if job.attempts > job.max_attempts {
            // Taken over after its last attempt died with its process: the
            // handler never saw the end, so the kind's hook settles it.
            if let Err(err) = self
                .finish_unhandled(
                    &job,
                    "the worker running the last attempt stopped responding",
                )
                .await
            {
                tracing::error!(error = %err, "could not mark the job failed");
            }
            return;
        }
        self.counts.change(&job.kind, true);
        let outcome = self.run_handler(&job, handler).await;
        self.counts.change(&job.kind, false);
        self.record(&job, outcome, started).await;
    }

    async fn run_handler(&self, job: &ClaimedJob, handler: Handler) -> JobResult {
        let cancel = CancellationToken::new();
        self.running.insert(job.id, cancel.clone());
        let ctx = JobContext {
            job: job.clone(),
            db: self.pool.clone(),
            worker_id: self.worker_id.clone(),
            cancel: cancel.clone(),
        };
        let heartbeat = tokio::spawn(heartbeat(
            self.pool.clone(),
            job.id,
            self.worker_id.clone(),
            self.settings.heartbeat_every,
            cancel.clone(),
        ));
        // The handler runs in its own task so that a panic is caught as a
        // failed attempt instead of taking the worker down.
        let outcome = match tokio::spawn(handler(ctx)).await {
            Ok(result) => result,
            Err(err) if err.is_panic() => {
                Err(JobError::Retry("the job handler panicked".to_owned()))
            }
            Err(err) => Err(JobError::Retry(format!("the job task ended: {err}"))),
        };
        heartbeat.abort();
        self.running.remove(job.id);
        outcome
    }

    async fn record(&self, job: &ClaimedJob, outcome: JobResult, started: Instant) {
        let job = job.clone();
        let kind = job.kind.clone();
        let label = match &outcome {
            Ok(()) => "succeeded",
            Err(JobError::Cancelled) => "cancelled",
            Err(JobError::Retry(_)) if job.attempts < job.max_attempts => "retried",
            Err(_) => "failed",
        };
        metrics::histogram!("job_duration_seconds", "kind" => kind.clone(), "outcome" => label)
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("jobs_finished_total", "kind" => kind, "outcome" => label).increment(1);

        let recorded = match outcome {
            Ok(()) => self.finish(&job, "succeeded", None).await,
            Err(JobError::Cancelled) => self.finish(&job, "cancelled", None).await,
            Err(JobError::Fail(message)) => self.finish(&job, "failed", Some(&message)).await,
            Err(JobError::Retry(message)) if job.attempts < job.max_attempts => {
                self.requeue(&job, &message).await
            }
            Err(JobError::Retry(message)) => self.finish(&job, "failed", Some(&message)).await,
        };
        if let Err(err) = recorded {
            tracing::error!(error = %err, "could not record the job's outcome; it will be taken over when its heartbeat goes stale");
        }
    }

    async fn finish(
        &self,
        job: &ClaimedJob,
        status: &str,
        error: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let updated = sqlx::query!(
            r#"UPDATE jobs SET status = $3, last_error = coalesce($4, last_error),
                   progress = CASE WHEN $3 = 'succeeded' THEN 100 ELSE progress END,
                   locked_by = NULL, finished_at = now(), updated_at = now()
               WHERE id = $1 AND locked_by = $2 AND status = 'running'"#,
            job.id,
            &*self.worker_id,
            status,
            error,
        )
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            tracing::warn!(
                "the job was taken over by another worker; this run's outcome is dropped"
            );
            return Ok(());
        }
        let line = match error {
            Some(error) => format!("{status} after attempt {}: {error}", job.attempts),
            None => format!("{status} after attempt {}", job.attempts),
        };
        let level = if status == "failed" { "error" } else { "info" };
        let _ = super::queue::log(&self.pool, job.id, level, &line).await;
        tracing::info!(status, error, "job finished");
        Ok(())
    }

    /// Fails a job whose handler will never run again, and marks it for
    /// its kind's `on_ended` hook.
    async fn finish_unhandled(&self, job: &ClaimedJob, error: &str) -> Result<(), sqlx::Error> {
        let updated = sqlx::query!(
            r#"UPDATE jobs SET status = 'failed', last_error = $3, end_unsettled = true,
                   locked_by = NULL, finished_at = now(), updated_at = now()
               WHERE id = $1 AND locked_by = $2 AND status = 'running'"#,
            job.id,
            &*self.worker_id,
            error,
        )
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() > 0 {
            let line = format!("failed after attempt {}: {error}", job.attempts - 1);
            let _ = super::queue::log(&self.pool, job.id, "error", &line).await;
            tracing::info!(error, "job failed without its handler");
        }
        Ok(())
    }

    async fn requeue(&self, job: &ClaimedJob, error: &str) -> Result<(), sqlx::Error> {
        let delay = backoff(&self.settings, job.attempts, jitter());
        metrics::counter!("job_retries_total", "kind" => job.kind.clone()).increment(1);
        let updated = sqlx::query!(
            r#"UPDATE jobs SET status = 'queued', last_error = $3, locked_by = NULL,
                   heartbeat_at = NULL, run_after = now() + make_interval(secs => $4),
                   updated_at = now()
               WHERE id = $1 AND locked_by = $2 AND status = 'running'"#,
            job.id,
            &*self.worker_id,
            error,
            delay.as_secs_f64(),
        )
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() > 0 {
            let line = format!(
                "attempt {} of {} failed: {error}; retrying in {:.1} s",
                job.attempts,
                job.max_attempts,
                delay.as_secs_f64()
            );
            let _ = super::queue::log(&self.pool, job.id, "warn", &line).await;
            tracing::warn!(error, retry_in = ?delay, "job attempt failed; retrying later");
        }
        Ok(())
    }
}

/// A number in [0, 1) that differs between calls, for jitter. Not for secrets.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mixed = (u64::from(nanos) ^ u64::from(Uuid::new_v4().as_u128() as u32))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 11) as f64 / (1u64 << 53) as f64
}

/// Renews the job's heartbeat until aborted; cancels the run when the job was
/// taken over or a cancellation was requested.
async fn heartbeat(
    pool: PgPool,
    id: Uuid,
    worker_id: Arc<str>,
    every: Duration,
    cancel: CancellationToken,
) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tick.tick().await;
        let row = sqlx::query_scalar!(
            r#"UPDATE jobs SET heartbeat_at = now()
               WHERE id = $1 AND locked_by = $2 AND status = 'running'
               RETURNING cancel_requested"#,
            id,
            &*worker_id
        )
        .fetch_optional(&pool)
        .await;
        match row {
            Ok(Some(false)) => {}
            Ok(Some(true)) | Ok(None) => cancel.cancel(),
            Err(err) => tracing::warn!(job.id = %id, error = %err, "heartbeat failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let settings = WorkerSettings::new(1, Duration::from_secs(30));
        let mid = |attempts| backoff(&settings, attempts, 0.5);
        assert_eq!(mid(1), Duration::from_secs(2));
        assert_eq!(mid(2), Duration::from_secs(4));
        assert_eq!(mid(3), Duration::from_secs(8));
        assert_eq!(mid(30), Duration::from_secs(600));
        assert_eq!(backoff(&settings, 1, 0.0), Duration::from_millis(1500));
        assert_eq!(backoff(&settings, 1, 1.0), Duration::from_millis(2500));
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
