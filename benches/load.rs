//! A team's load on one small server: `LOAD_SESSIONS` (100) signed-in
//! sessions for `LOAD_SECONDS` (60) over loopback TCP to the real HTTP stack,
//! in the mix of `common_app/load_mix.rs` (project list, project page,
//! document page, search, a run's results, renaming the project), with
//! `/healthz` as the same-run reference. Prints p50 / p95 / p99 and errors per
//! kind of request, twice:
//! - at a team's pace: each session pauses `LOAD_THINK_MS` (1000 ms on
//!   average) between requests, as people reading a page do;
//! - at saturation: the same sessions back to back, no pause, which shows the
//!   server's ceiling (requests per second) and how latency grows past it.
//!
//! Seeded: one project of 50 ready documents (10 pages each), a finished run
//! with 50 × 30 values.
//!   ./bench/load            (DATABASE_URL=… to use a running PostgreSQL)

#[path = "common_app/mod.rs"]
mod common_app;

use std::time::{Duration, Instant};

use common_app::load_mix::{self, Targets, setting};
use common_app::{App, Database};
use uuid::Uuid;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let sessions = setting("LOAD_SESSIONS", 100);
        let seconds = setting("LOAD_SECONDS", 60);
        let think = Duration::from_millis(setting("LOAD_THINK_MS", 1000));
        let db = Database::create("load").await;
        let app = App::start(db.pool.clone(), None, 1).await;
        let (run, _) = app.seed_run(50, 30).await;
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
            documents,
            run,
        };
        let pool_size = app.pool.options().get_max_connections();
        for (label, pause) in [("a team's pace", think), ("saturation", Duration::ZERO)] {
            println!(
                "\n{sessions} sessions for {seconds} s at {label} (pause {} ms on average) over loopback to http://{addr} (pool: {pool_size} connections)",
                pause.as_millis()
            );
            let until = Instant::now() + Duration::from_secs(seconds);
            let tallies = load_mix::run(&targets, cookies.clone(), until, pause).await;
            load_mix::print_table(tallies, seconds as f64);
        }
        shutdown.cancel();
        app.stop().await;
        db.drop_now().await;
    });
}
