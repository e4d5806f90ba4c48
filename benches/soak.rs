//! Soak: the load mix of `bench/load` for `SOAK_SECONDS` (600) while
//! extraction runs follow one another without pause and their worker process
//! is SIGKILLed and restarted every `SOAK_KILL_EVERY_SECS` (60). Reports the
//! load's errors and latencies, the work lost or done twice (both must be 0),
//! and the server's memory over time (must be flat).
//!
//! The server (router, every middleware, the accept loop) runs in this
//! process with no job workers of its own, so every run's job is taken by the
//! `evistream worker` process beside it, as in a deployment with a separate
//! worker. The runs use the offline extractor over 50 seeded documents and a
//! 30-field form. A killed worker's job is taken over by its successor once
//! its heartbeat is `EVISTREAM_JOB_STALE_SECS` (10 here) old.
//!   ./bench/soak            (DATABASE_URL=… to use a running PostgreSQL)

#[path = "common_app/mod.rs"]
mod common_app;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common_app::load_mix::{self, Targets, setting};
use common_app::{App, Database};
use sqlx::PgPool;
use uuid::Uuid;

/// Resident memory of a process in MiB (`VmRSS` of /proc/<pid>/status).
fn rss_mib(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn spawn_worker(url: &str, files: &std::path::Path, log: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_evistream"))
        .arg("worker")
        .env("DATABASE_URL", url)
        .env("EVISTREAM_STORAGE_DIR", files)
        .env("EVISTREAM_JOB_STALE_SECS", "10")
        .env("EVISTREAM_WORKER_CONCURRENCY", "2")
        .env("EVISTREAM_LOG_FORMAT", "pretty")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .expect("worker log"),
        )
        .spawn()
        .expect("start a worker process")
}

async fn scalar(pool: &PgPool, sql: &str, run: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(run)
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Starts the next run and returns its id, or `None` when the app refused.
async fn start_run(app: &App, version: Uuid) -> Option<Uuid> {
    let body = format!(
        "project_id={}&form_version_id={version}&extractor=offline&document_ids=&seeds_csv=",
        app.project
    );
    let (status, value) = app.call("start_run", &body).await;
    if status != 200 {
        println!("start_run answered {status}: {value}");
        return None;
    }
    value.as_str().and_then(|id| Uuid::parse_str(id).ok())
}

async fn run_status(pool: &PgPool, run: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM extraction_runs WHERE id = $1")
        .bind(run)
        .fetch_one(pool)
        .await
        .expect("run status")
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sessions = setting("SOAK_SESSIONS", 100);
        let seconds = setting("SOAK_SECONDS", 600);
        let kill_every = Duration::from_secs(setting("SOAK_KILL_EVERY_SECS", 60));
        let think = Duration::from_millis(setting("LOAD_THINK_MS", 1000));
        let db = Database::create("soak").await;
        let app = App::start_with_workers(db.pool.clone(), None, 1, 0).await;
        let (finished_run, _) = app.seed_run(50, 30).await;
        let version: Uuid =
            sqlx::query_scalar("SELECT form_version_id FROM extraction_runs WHERE id = $1")
                .bind(finished_run)
                .fetch_one(&app.pool)
                .await
                .expect("form version");
        let plan_steps: i64 = sqlx::query_scalar(
            "SELECT jsonb_array_length(plan->'steps')::bigint FROM form_versions WHERE id = $1",
        )
        .bind(version)
        .fetch_one(&app.pool)
        .await
        .expect("plan steps");
        let documents: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM documents WHERE project_id = $1")
                .bind(app.project)
                .fetch_all(&app.pool)
                .await
                .expect("documents");
        let mut cookies = Vec::new();
        for _ in 0..sessions {
            cookies.push(app.new_session().await);
        }
        let shutdown = tokio_util::sync::CancellationToken::new();
        let addr = load_mix::serve(app.router.clone(), shutdown.clone()).await;
        let targets = Targets {
            addr,
            project: app.project,
            documents: documents.clone(),
            run: finished_run,
        };
        let worker_dir = tempfile::tempdir().expect("worker folder");
        let worker_log = worker_dir.path().join("worker.log");
        let mut worker = spawn_worker(&db.url, worker_dir.path(), &worker_log);
        println!(
            "soak: {sessions} sessions for {seconds} s (pause {} ms on average), runs of {} documents × {plan_steps} steps one after another, the worker process killed every {} s",
            think.as_millis(),
            documents.len(),
            kill_every.as_secs()
        );

        let started = Instant::now();
        let until = started + Duration::from_secs(seconds);
        let load = tokio::spawn({
            let targets = targets.clone();
            let cookies = cookies.clone();
            async move { load_mix::run(&targets, cookies, until, think).await }
        });

        let me = std::process::id().to_string();
        let mut memory: Vec<(u64, f64)> = vec![(0, rss_mib(&me))];
        let mut runs: Vec<Uuid> = Vec::new();
        let mut current = start_run(&app, version).await;
        runs.extend(current);
        let mut kills = 0;
        let mut kills_mid_run = 0;
        let mut next_kill = started + kill_every;
        let mut next_sample = started + Duration::from_secs(30);
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if let Some(run) = current
                && !matches!(run_status(&app.pool, run).await.as_str(), "queued" | "running")
            {
                current = start_run(&app, version).await;
                runs.extend(current);
            }
            if Instant::now() >= next_kill {
                let pid = worker.id().to_string();
                let worker_rss = rss_mib(&pid);
                let mid_run = match current {
                    Some(run) => run_status(&app.pool, run).await == "running",
                    None => false,
                };
                worker.kill().expect("SIGKILL the worker");
                worker.wait().expect("reaped");
                kills += 1;
                kills_mid_run += usize::from(mid_run);
                println!(
                    "[{:>4} s] worker killed ({}; its memory {worker_rss:.0} MiB), another started",
                    started.elapsed().as_secs(),
                    if mid_run { "mid-run" } else { "between runs" }
                );
                worker = spawn_worker(&db.url, worker_dir.path(), &worker_log);
                next_kill += kill_every;
            }
            if Instant::now() >= next_sample {
                memory.push((started.elapsed().as_secs(), rss_mib(&me)));
                next_sample += Duration::from_secs(30);
            }
        }
        let tallies = load.await.expect("load");
        println!("\nload during the soak:");
        let errors = load_mix::print_table(tallies, seconds as f64);

        // The last run finishes with the worker left alive.
        if let Some(run) = current {
            let deadline = Instant::now() + Duration::from_secs(300);
            while matches!(run_status(&app.pool, run).await.as_str(), "queued" | "running")
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let _ = worker.kill();
        let _ = worker.wait();

        let expected_steps = documents.len() as i64 * plan_steps;
        let mut lost = 0;
        let mut duplicated = 0;
        let mut unfinished = 0;
        let mut values_per_run = Vec::new();
        for run in &runs {
            let status = run_status(&app.pool, *run).await;
            if status != "succeeded" {
                unfinished += 1;
                println!("run {run} ended {status}");
            }
            let steps = scalar(&app.pool, "SELECT count(*) FROM run_steps WHERE run_id = $1 AND status = 'done'", *run).await;
            let distinct_steps = scalar(
                &app.pool,
                "SELECT count(*) FROM (SELECT DISTINCT document_id, step_key FROM run_steps WHERE run_id = $1 AND status = 'done') s",
                *run,
            )
            .await;
            let values = scalar(&app.pool, "SELECT count(*) FROM extracted_values WHERE run_id = $1", *run).await;
            let distinct_values = scalar(
                &app.pool,
                "SELECT count(*) FROM (SELECT DISTINCT document_id, field_path FROM extracted_values WHERE run_id = $1) v",
                *run,
            )
            .await;
            lost += (expected_steps - distinct_steps).max(0);
            duplicated += (steps - distinct_steps) + (values - distinct_values);
            values_per_run.push(values);
        }
        let jobs_left: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running') AND kind LIKE 'extraction%'",
        )
        .fetch_one(&app.pool)
        .await
        .expect("jobs left");
        values_per_run.sort_unstable();
        println!("\nwork: {} runs of {expected_steps} steps; {kills} worker kills ({kills_mid_run} mid-run)", runs.len());
        println!(
            "  runs not succeeded: {unfinished}; steps lost: {lost}; steps or values stored twice: {duplicated}; extraction jobs still queued or running: {jobs_left}"
        );
        println!(
            "  values per run: min {} max {} (the same extractor on the same pages: equal unless work was lost)",
            values_per_run.first().copied().unwrap_or(0),
            values_per_run.last().copied().unwrap_or(0)
        );
        println!("\nserver process memory (RSS, MiB) over time:");
        for (at, mib) in &memory {
            println!("  {at:>4} s  {mib:>7.1}");
        }
        if let (Some(first), Some(last)) = (memory.get(1), memory.last()) {
            println!(
                "  growth from {} s to {} s: {:+.1} MiB ({:.2}×)",
                first.0,
                last.0,
                last.1 - first.1,
                last.1 / first.1.max(1e-9)
            );
        }
        println!("\nload errors: {errors}");
        shutdown.cancel();
        app.stop().await;
        db.drop_now().await;
    });
}
