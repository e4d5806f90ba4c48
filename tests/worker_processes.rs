//! Real processes: two `evistream worker` processes share a queue of 200 jobs;
//! one is killed with SIGKILL mid-run. Every job must still succeed, and its
//! side effect must exist exactly once.
#![cfg(feature = "ssr")]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use evistream::jobs::diagnostic::{self, DiagnosticPayload};
use evistream::jobs::server::{self as jobs, NewJob};
use sqlx::PgPool;

mod common;
use common::database_url;

fn spawn_worker(url: &str, concurrency: &str, grace_secs: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_evistream"))
        .arg("worker")
        .env("DATABASE_URL", url)
        .env("EVISTREAM_WORKER_CONCURRENCY", concurrency)
        .env("EVISTREAM_JOB_STALE_SECS", "2")
        .env("EVISTREAM_DIAGNOSTIC_JOBS", "true")
        .env("EVISTREAM_SHUTDOWN_GRACE_SECS", grace_secs)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a worker process")
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Kills the process on drop, so a failing assertion leaves nothing behind.
struct Reaper(Vec<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn no_job_is_lost_when_a_worker_process_is_killed(pool: PgPool) {
    sqlx::query(
        "CREATE TABLE job_test_effects (job_id uuid PRIMARY KEY, runs integer NOT NULL DEFAULT 1)",
    )
    .execute(&pool)
    .await
    .expect("effects table");
    let mut tx = pool.begin().await.expect("begin");
    for _ in 0..200 {
        let mut payload = DiagnosticPayload::new(2, 15).expect("payload");
        payload.record_effect = true;
        jobs::enqueue(
            &mut tx,
            NewJob::new(diagnostic::KIND, serde_json::json!(payload)),
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");

    let url = database_url(&pool);
    let mut workers = Reaper(vec![
        spawn_worker(&url, "4", "5"),
        spawn_worker(&url, "4", "5"),
    ]);

    // Kill one process while jobs are running in both.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = count(
            &pool,
            "SELECT count(*) FROM jobs WHERE status = 'succeeded'",
        )
        .await;
        let victims = count(
            &pool,
            "SELECT count(DISTINCT locked_by) FROM jobs WHERE status = 'running'",
        )
        .await;
        if done >= 40 && victims >= 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "workers made no progress ({done} done)"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let victim_pid = workers.0[0].id();
    // Freeze it first, so the jobs it holds cannot finish between counting
    // them and the kill (statements already sent get a moment to land).
    let stopped = std::process::Command::new("kill")
        .args(["-STOP", &victim_pid.to_string()])
        .status()
        .expect("kill -STOP");
    assert!(stopped.success());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let held_by_victim = count(
        &pool,
        &format!("SELECT count(*) FROM jobs WHERE status = 'running' AND locked_by LIKE '%:{victim_pid}:%'"),
    )
    .await;
    workers.0[0].kill().expect("SIGKILL the first worker");
    workers.0[0].wait().expect("reaped");

    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let done = count(
            &pool,
            "SELECT count(*) FROM jobs WHERE status = 'succeeded'",
        )
        .await;
        if done == 200 {
            break;
        }
        let bad = count(
            &pool,
            "SELECT count(*) FROM jobs WHERE status IN ('failed', 'cancelled')",
        )
        .await;
        assert_eq!(bad, 0, "a job failed or was cancelled");
        assert!(
            Instant::now() < deadline,
            "only {done} of 200 jobs finished"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert_eq!(
        count(&pool, "SELECT count(*) FROM job_test_effects").await,
        200
    );
    // Jobs the killed process held were taken over and counted a second attempt.
    let retaken = count(&pool, "SELECT count(*) FROM jobs WHERE attempts > 1").await;
    assert!(
        retaken >= held_by_victim && held_by_victim > 0,
        "{held_by_victim} jobs were held by the killed worker, {retaken} retaken"
    );
    eprintln!(
        "killed worker held {held_by_victim} jobs; {retaken} jobs needed a second attempt; all 200 succeeded once"
    );
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn sigterm_finishes_short_jobs_and_returns_long_ones_to_the_queue(pool: PgPool) {
    let enqueue = |steps: u32, step_ms: u32| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.expect("begin");
            let payload = DiagnosticPayload::new(steps, step_ms).expect("payload");
            let id = jobs::enqueue(
                &mut tx,
                NewJob::new(diagnostic::KIND, serde_json::json!(payload)),
            )
            .await
            .expect("enqueue");
            tx.commit().await.expect("commit");
            id
        }
    };
    let short = enqueue(1, 1500).await;
    let long = enqueue(600, 100).await;
    let url = database_url(&pool);
    let mut child = spawn_worker(&url, "2", "3");
    let pid = child.id();
    let mut reaper = Reaper(Vec::new());

    let deadline = Instant::now() + Duration::from_secs(30);
    while count(&pool, "SELECT count(*) FROM jobs WHERE status = 'running'").await < 2 {
        assert!(
            Instant::now() < deadline,
            "the worker did not start both jobs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        if started.elapsed() > Duration::from_secs(20) {
            reaper.0.push(child);
            panic!("the worker did not stop after SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "worker exited with {exit:?}");

    let short = jobs::summary(&pool, short).await.expect("short job");
    assert_eq!(
        short.status,
        evistream::jobs::api::JobStatus::Succeeded,
        "the short job finished within the grace period"
    );
    let long = jobs::summary(&pool, long).await.expect("long job");
    assert_eq!(
        long.status,
        evistream::jobs::api::JobStatus::Queued,
        "the long job went back to the queue"
    );
    assert_eq!(
        long.attempts, 0,
        "a released run does not count as an attempt"
    );
    let holder: Option<String> = sqlx::query_scalar("SELECT locked_by FROM jobs WHERE id = $1")
        .bind(long.id)
        .fetch_one(&pool)
        .await
        .expect("lock");
    assert_eq!(holder, None);
}
