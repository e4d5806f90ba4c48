//! The job queue against a real PostgreSQL: claiming, retries, cancellation,
//! takeover of jobs whose worker died, and the NOTIFY fan-out.
#![cfg(feature = "ssr")]

use std::time::{Duration, Instant};

use evistream::jobs::api::JobStatus;
use evistream::jobs::diagnostic::{self, DiagnosticPayload};
use evistream::jobs::events::{self, JobEvents, Published};
use evistream::jobs::server::{self as jobs, NewJob};
use evistream::jobs::worker::{Registry, WorkerSettings, Workers};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

fn payload(steps: u32, step_ms: u32) -> DiagnosticPayload {
    let mut payload = DiagnosticPayload::new(steps, step_ms).expect("valid payload");
    payload.record_effect = true;
    payload
}

async fn enqueue(pool: &PgPool, payload: &DiagnosticPayload, max_attempts: i32) -> Uuid {
    let mut tx = pool.begin().await.expect("begin");
    let mut job = NewJob::new(diagnostic::KIND, serde_json::json!(payload));
    job.max_attempts = max_attempts;
    let id = jobs::enqueue(&mut tx, job).await.expect("enqueue");
    tx.commit().await.expect("commit");
    id
}

async fn create_effects_table(pool: &PgPool) {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS job_test_effects (job_id uuid PRIMARY KEY, runs integer NOT NULL DEFAULT 1)",
    )
    .execute(pool)
    .await
    .expect("effects table");
}

fn fast_settings(concurrency: usize) -> WorkerSettings {
    let mut settings = WorkerSettings::new(concurrency, Duration::from_secs(2));
    settings.poll_every = Duration::from_millis(50);
    settings.backoff_base = Duration::from_millis(100);
    settings
}

/// Starts a set of workers (as one process would) for the diagnostic kind.
fn start_workers(pool: &PgPool, settings: WorkerSettings, shutdown: &CancellationToken) -> Workers {
    let mut registry = Registry::new();
    diagnostic::register(&mut registry);
    let events = JobEvents::new();
    events::spawn_listener(pool.clone(), events.clone(), shutdown.clone());
    Workers::spawn(
        pool.clone(),
        registry,
        settings,
        events.wake_workers.clone(),
        events.running.clone(),
        shutdown.clone(),
    )
}

async fn status_of(pool: &PgPool, id: Uuid) -> JobStatus {
    jobs::summary(pool, id).await.expect("job").status
}

async fn wait_for(pool: &PgPool, id: Uuid, wanted: JobStatus, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let status = status_of(pool, id).await;
        if status == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "job {id} is {status:?}, expected {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn count_where(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn concurrent_workers_never_run_a_job_twice(pool: PgPool) {
    create_effects_table(&pool).await;
    let mut ids = Vec::new();
    for _ in 0..60 {
        ids.push(enqueue(&pool, &payload(1, 10), 3).await);
    }
    let shutdown = CancellationToken::new();
    // Two sets of workers, as two processes would run them.
    let first = start_workers(&pool, fast_settings(6), &shutdown);
    let second = start_workers(&pool, fast_settings(6), &shutdown);
    for id in &ids {
        wait_for(&pool, *id, JobStatus::Succeeded, Duration::from_secs(60)).await;
    }
    shutdown.cancel();
    first.stop(Duration::from_secs(5)).await;
    second.stop(Duration::from_secs(5)).await;

    assert_eq!(
        count_where(&pool, "SELECT count(*) FROM job_test_effects").await,
        60
    );
    assert_eq!(
        count_where(
            &pool,
            "SELECT count(*) FROM job_test_effects WHERE runs > 1"
        )
        .await,
        0,
        "some job ran more than once"
    );
    assert_eq!(
        count_where(&pool, "SELECT count(*) FROM jobs WHERE attempts <> 1").await,
        0,
        "some job was claimed more than once"
    );
    let holders = count_where(
        &pool,
        "SELECT count(DISTINCT split_part(locked_by, ':', 3)) FROM jobs",
    )
    .await;
    assert_eq!(holders, 0, "finished jobs keep no lock");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn failed_attempts_are_retried_with_backoff(pool: PgPool) {
    create_effects_table(&pool).await;
    let mut failing = payload(1, 1);
    failing.fail_attempts_before = 3;
    let id = enqueue(&pool, &failing, 5).await;
    let shutdown = CancellationToken::new();
    let workers = start_workers(&pool, fast_settings(2), &shutdown);
    wait_for(&pool, id, JobStatus::Succeeded, Duration::from_secs(30)).await;
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;

    let job = jobs::summary(&pool, id).await.expect("job");
    assert_eq!(job.attempts, 3);
    // The retry waits grow: base 100 ms, then 200 ms (each ±25 %).
    let retries: Vec<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
        "SELECT at FROM job_events WHERE job_id = $1 AND message LIKE '%retrying in%' ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .expect("log");
    assert_eq!(retries.len(), 2, "two failed attempts were logged");
    let finished: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT at FROM job_events WHERE job_id = $1 AND message LIKE 'succeeded%'",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .expect("success line");
    let first_wait = (retries[1] - retries[0]).num_milliseconds();
    let second_wait = (finished - retries[1]).num_milliseconds();
    assert!(first_wait >= 75, "first retry came after {first_wait} ms");
    assert!(
        second_wait >= 150,
        "second retry came after {second_wait} ms"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_job_that_keeps_failing_ends_failed_with_its_last_error(pool: PgPool) {
    let mut failing = payload(1, 1);
    failing.fail_attempts_before = 100;
    failing.record_effect = false;
    let id = enqueue(&pool, &failing, 3).await;
    let shutdown = CancellationToken::new();
    let workers = start_workers(&pool, fast_settings(1), &shutdown);
    wait_for(&pool, id, JobStatus::Failed, Duration::from_secs(30)).await;
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;

    let job = jobs::summary(&pool, id).await.expect("job");
    assert_eq!(job.attempts, 3);
    assert_eq!(job.error.as_deref(), Some("failing attempt 3 on purpose"));
    assert!(job.finished_at.is_some());
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn cancelling_a_running_job_keeps_what_it_finished(pool: PgPool) {
    let mut slow = payload(200, 20);
    slow.record_effect = false;
    let id = enqueue(&pool, &slow, 3).await;
    let shutdown = CancellationToken::new();
    let workers = start_workers(&pool, fast_settings(1), &shutdown);

    let deadline = Instant::now() + Duration::from_secs(20);
    while jobs::summary(&pool, id).await.expect("job").progress < 5 {
        assert!(Instant::now() < deadline, "the job made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    jobs::request_cancel(&pool, id).await.expect("cancel");
    wait_for(&pool, id, JobStatus::Cancelled, Duration::from_secs(10)).await;
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;

    let job = jobs::summary(&pool, id).await.expect("job");
    assert!(
        job.progress >= 5 && job.progress < 100,
        "progress {}",
        job.progress
    );
    assert!(job.done.unwrap_or(0) > 0);
    assert!(
        jobs::request_cancel(&pool, id).await.is_err(),
        "a finished job cannot be cancelled"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn cancelling_a_queued_job_stops_it_before_it_starts(pool: PgPool) {
    let id = enqueue(&pool, &payload(1, 1), 3).await;
    let job = jobs::request_cancel(&pool, id).await.expect("cancel");
    assert_eq!(job.status, JobStatus::Cancelled);
    assert!(job.started_at.is_none());

    let retried = jobs::retry(&pool, id).await.expect("retry");
    assert_eq!(retried.status, JobStatus::Queued);
    assert!(
        jobs::retry(&pool, id).await.is_err(),
        "a queued job cannot be retried"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_job_whose_worker_died_is_taken_over(pool: PgPool) {
    create_effects_table(&pool).await;
    let id = enqueue(&pool, &payload(1, 1), 3).await;
    // As if a worker claimed it and then its process died an hour ago.
    sqlx::query(
        "UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'dead-host:1:gone',
                heartbeat_at = now() - interval '1 hour', started_at = now() - interval '1 hour'
         WHERE id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .expect("fake a dead worker");
    // A job with a fresh heartbeat must be left alone.
    let alive = enqueue(&pool, &payload(1, 1), 3).await;
    sqlx::query(
        "UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'live-host:1:busy', heartbeat_at = now() WHERE id = $1",
    )
    .bind(alive)
    .execute(&pool)
    .await
    .expect("fake a live worker");

    let shutdown = CancellationToken::new();
    let workers = start_workers(&pool, fast_settings(2), &shutdown);
    wait_for(&pool, id, JobStatus::Succeeded, Duration::from_secs(20)).await;
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;

    assert_eq!(jobs::summary(&pool, id).await.expect("job").attempts, 2);
    let held: String = sqlx::query_scalar("SELECT locked_by FROM jobs WHERE id = $1")
        .bind(alive)
        .fetch_one(&pool)
        .await
        .expect("live job");
    assert_eq!(held, "live-host:1:busy");
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn state_changes_are_published_to_listeners(pool: PgPool) {
    let events = JobEvents::new();
    let mut receiver = events.sender.subscribe();
    let shutdown = CancellationToken::new();
    events::spawn_listener(pool.clone(), events.clone(), shutdown.clone());
    // The listener announces itself with a resync once it listens.
    let first = tokio::time::timeout(Duration::from_secs(10), receiver.recv())
        .await
        .expect("listener started")
        .expect("open channel");
    assert!(matches!(first, Published::Resync));

    let id = enqueue(&pool, &payload(1, 1), 3).await;
    let update = tokio::time::timeout(Duration::from_secs(10), receiver.recv())
        .await
        .expect("an update arrives")
        .expect("open channel");
    match update {
        Published::Update(update) => {
            assert_eq!(update.id, id);
            assert_eq!(update.status, JobStatus::Queued);
            assert!(update.sent_at_us > 0);
        }
        Published::Resync => panic!("expected an update"),
    }
    shutdown.cancel();
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn invalid_payloads_fail_without_retrying(pool: PgPool) {
    let mut tx = pool.begin().await.expect("begin");
    let id = jobs::enqueue(
        &mut tx,
        NewJob::new(diagnostic::KIND, serde_json::json!({ "steps": "many" })),
    )
    .await
    .expect("enqueue");
    tx.commit().await.expect("commit");
    let shutdown = CancellationToken::new();
    let workers = start_workers(&pool, fast_settings(1), &shutdown);
    wait_for(&pool, id, JobStatus::Failed, Duration::from_secs(10)).await;
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;
    let job = jobs::summary(&pool, id).await.expect("job");
    assert_eq!(job.attempts, 1);
    assert!(
        job.error
            .unwrap_or_default()
            .contains("payload is not valid")
    );
}

/// One project's batch must not make another project's work wait behind all
/// of it: with a single worker, the second project's jobs are interleaved
/// with the first project's batch instead of running after it.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_batch_in_one_project_does_not_starve_another(pool: PgPool) {
    create_effects_table(&pool).await;
    let owner: Uuid = sqlx::query_scalar(
        "INSERT INTO users (email, password_hash) VALUES ('fair@example.org', 'x') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .expect("user");
    let mut projects = Vec::new();
    for name in ["batch", "single"] {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO projects (owner_id, name) VALUES ($1, $2) RETURNING id",
        )
        .bind(owner)
        .bind(name)
        .fetch_one(&pool)
        .await
        .expect("project");
        projects.push(id);
    }
    let (batch, single) = (projects[0], projects[1]);
    let mut ids = Vec::new();
    for project in [batch, batch, batch, batch, single, single] {
        let mut tx = pool.begin().await.expect("begin");
        let mut job = NewJob::new(diagnostic::KIND, serde_json::json!(payload(1, 20)));
        job.owner_id = Some(owner);
        job.project_id = Some(project);
        ids.push(jobs::enqueue(&mut tx, job).await.expect("enqueue"));
        tx.commit().await.expect("commit");
    }
    let shutdown = CancellationToken::new();
    let workers = start_workers(&pool, fast_settings(1), &shutdown);
    for id in &ids {
        wait_for(&pool, *id, JobStatus::Succeeded, Duration::from_secs(30)).await;
    }
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;

    let order: Vec<Uuid> =
        sqlx::query_scalar("SELECT project_id FROM jobs ORDER BY started_at, id")
            .fetch_all(&pool)
            .await
            .expect("order");
    let first_single = order.iter().position(|p| *p == single).expect("ran");
    let last_single = order.iter().rposition(|p| *p == single).expect("ran");
    let last_batch = order.iter().rposition(|p| *p == batch).expect("ran");
    assert_eq!(
        first_single, 1,
        "the other project's first job waited behind the batch: {order:?}"
    );
    assert!(
        last_single < last_batch,
        "the other project's jobs all ran after the batch: {order:?}"
    );
}
