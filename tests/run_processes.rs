//! Real processes over an extraction run: an `evistream worker` process is
//! SIGKILLed mid-run and a second one finishes the run; a private PostgreSQL
//! cluster is restarted mid-run under a worker process. Either way the run
//! succeeds with exactly one result per document and step, and every value
//! stored once.
//!
//! The documents are synthetic (inserted as converted: pages and chunks), the
//! form is ten integer fields that the deterministic plan splits into two
//! steps, and the model is a scripted OpenAI-compatible server that answers
//! every request after 300 ms with a quote of the synthetic page, so a run
//! takes several seconds and can be cut in the middle.
#![cfg(feature = "ssr")]
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use evistream::auth::types::Role;
use evistream::forms::model::{FieldDef, FieldType, FormDefinition};
use evistream::forms::plan::{ExtractionPlan, deterministic_plan};
use http::header;
use serde_json::{Map, Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tower::ServiceExt;
use uuid::Uuid;

const PASSWORD: &str = "run processes password 1";
const DOCUMENTS: usize = 10;
/// First words of the field keys: all different, so each field is its own
/// family and the plan packs the ten into two steps of five.
const STEMS: [&str; 10] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
];
const ANSWER_DELAY: Duration = Duration::from_millis(300);

// ------------------------------------------------------------ form and paper

fn form() -> FormDefinition {
    FormDefinition {
        name: "Counts".to_owned(),
        description: String::new(),
        fields: STEMS
            .iter()
            .map(|stem| {
                FieldDef::new(
                    &format!("{stem}_count"),
                    &format!("Number in the {stem} group"),
                    FieldType::Integer,
                )
            })
            .collect(),
    }
}

/// The number the synthetic paper states for field `key`.
fn number_of(key: &str) -> i64 {
    let stem = key.split('_').next().unwrap_or(key);
    let index = STEMS.iter().position(|s| *s == stem).unwrap();
    11 + index as i64
}

fn sentence_of(key: &str) -> String {
    let stem = key.split('_').next().unwrap_or(key);
    format!("The {stem} group enrolled {} participants.", number_of(key))
}

fn page_text(document: usize) -> String {
    let sentences: Vec<String> = form().fields.iter().map(|f| sentence_of(&f.key)).collect();
    format!(
        "# Synthetic trial report {document}\n\nThis report describes a randomised trial. {}\n",
        sentences.join(" ")
    )
}

// ------------------------------------------------------------ scripted model

#[derive(Clone)]
struct Script {
    /// Step key → the field keys it asks for.
    steps: Arc<HashMap<String, Vec<String>>>,
    requests: Arc<AtomicUsize>,
    /// Requests naming no step of the plan (answered 400).
    unknown: Arc<AtomicUsize>,
}

fn completion(content: &Value) -> String {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "scripted",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content.to_string()}}],
        "usage": {"prompt_tokens": 500, "completion_tokens": 50, "total_tokens": 550}
    })
    .to_string()
}

/// Answers after [`ANSWER_DELAY`]: every field of the step named by
/// `response_format.json_schema.name`, quoted from the synthetic page.
async fn chat(State(script): State<Script>, body: Bytes) -> Response {
    script.requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(ANSWER_DELAY).await;
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let fields = request["response_format"]["json_schema"]["name"]
        .as_str()
        .and_then(|name| script.steps.get(name));
    let Some(fields) = fields else {
        script.unknown.fetch_add(1, Ordering::SeqCst);
        return (
            http::StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"error\":{\"message\":\"the request names no step of the plan\"}}",
        )
            .into_response();
    };
    let answer: Map<String, Value> = fields
        .iter()
        .map(|key| {
            (
                key.clone(),
                json!({
                    "value": number_of(key),
                    "not_reported": false,
                    "evidence": {"quote": sentence_of(key), "page": 1},
                    "confidence": 0.9,
                }),
            )
        })
        .collect();
    (
        http::StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        completion(&Value::Object(answer)),
    )
        .into_response()
}

/// Starts the scripted server in this runtime; (base URL, script).
async fn scripted_server(plan: &ExtractionPlan) -> (String, Script) {
    let script = Script {
        steps: Arc::new(
            plan.steps
                .iter()
                .map(|s| (s.key.clone(), s.field_keys.clone()))
                .collect(),
        ),
        requests: Arc::new(AtomicUsize::new(0)),
        unknown: Arc::new(AtomicUsize::new(0)),
    };
    let app = Router::new()
        .route("/v1/chat/completions", axum::routing::post(chat))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, script)
}

// ------------------------------------------------------------ the run

/// Inserts an account, a project, [`DOCUMENTS`] converted documents and the
/// form with its active plan, then starts an `openai` run through the
/// `start_run` server function. Returns the run id.
async fn start_run(pool: &PgPool, llm_url: &str, plan: &ExtractionPlan) -> Uuid {
    let mut state = common::state(pool.clone());
    let url = llm_url.to_owned();
    state.platform.config = Arc::new(
        evistream::config::Config::from_lookup(&move |key| match key {
            "DATABASE_URL" => Some("postgres://unused/evistream".to_owned()),
            "EVISTREAM_LLM_BASE_URL" => Some(url.clone()),
            "EVISTREAM_LLM_MODEL" => Some("scripted".to_owned()),
            _ => None,
        })
        .unwrap(),
    );
    let app = evistream::server::http::router(state);
    let email = format!("runner-{}@example.org", Uuid::new_v4().simple());
    let user = common::create_account(pool, &email, PASSWORD, Role::User).await;
    let cookie = common::signed_in_cookie(&app, &email, PASSWORD).await;
    let project = evistream::projects::server::create(pool, user, "Killed runs", "")
        .await
        .unwrap();

    for index in 0..DOCUMENTS {
        let text = page_text(index);
        let document: Uuid = sqlx::query_scalar(
            "INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes,
                                    status, page_count, title, uploaded_by)
             VALUES ($1, $2, $3, $4, $5, 'ready', 1, $6, $7) RETURNING id",
        )
        .bind(project)
        .bind(format!("report-{index:02}.pdf"))
        .bind(format!("projects/{project}/{}.pdf", Uuid::new_v4()))
        .bind(format!("{:064x}", index + 1))
        .bind(text.len() as i64)
        .bind(format!("Synthetic trial report {index}"))
        .bind(user)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO document_pages (document_id, page_number, markdown) VALUES ($1, 1, $2)",
        )
        .bind(document)
        .bind(&text)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO document_chunks (document_id, chunk_index, project_id, page_number,
                                          char_start, char_end, content)
             VALUES ($1, 0, $2, 1, 0, $3, $4)",
        )
        .bind(document)
        .bind(project)
        .bind(text.len() as i32)
        .bind(&text)
        .execute(pool)
        .await
        .unwrap();
    }

    let form_id: Uuid = sqlx::query_scalar(
        "INSERT INTO forms (project_id, name, created_by) VALUES ($1, 'Counts', $2) RETURNING id",
    )
    .bind(project)
    .bind(user)
    .fetch_one(pool)
    .await
    .unwrap();
    let version: Uuid = sqlx::query_scalar(
        "INSERT INTO form_versions (form_id, version, definition, plan_status, plan, created_by)
         VALUES ($1, 1, $2, 'active', $3, $4) RETURNING id",
    )
    .bind(form_id)
    .bind(serde_json::to_value(form()).unwrap())
    .bind(serde_json::to_value(plan).unwrap())
    .bind(user)
    .fetch_one(pool)
    .await
    .unwrap();

    let request = common::form_request(
        "/api/start_run",
        &format!(
            "project_id={project}&form_version_id={version}&extractor=openai&document_ids=&seeds_csv="
        ),
        Some(&cookie),
    );
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let body = common::body_text(response).await;
    assert_eq!(status, http::StatusCode::OK, "start_run: {body}");
    let run: Value = serde_json::from_str(&body).unwrap();
    Uuid::parse_str(run.as_str().unwrap()).unwrap()
}

/// A count, or `None` while the database does not answer (it may be restarting).
async fn try_count(pool: &PgPool, sql: &str, run: Uuid) -> Option<i64> {
    sqlx::query_scalar(sql).bind(run).fetch_one(pool).await.ok()
}

async fn count(pool: &PgPool, sql: &str, run: Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(run)
        .fetch_one(pool)
        .await
        .unwrap()
}

const STEPS_STORED: &str = "SELECT count(*) FROM run_steps WHERE run_id = $1";

/// Waits until at least `at_least` steps are stored; returns how many are.
async fn wait_steps(pool: &PgPool, run: Uuid, at_least: i64, workers: &Workers) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(n) = try_count(pool, STEPS_STORED, run).await
            && n >= at_least
        {
            return n;
        }
        assert!(
            Instant::now() < deadline,
            "the run did not store {at_least} steps within 60 s\n{}",
            workers.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for the run to leave queued/running; returns its status.
async fn wait_run(pool: &PgPool, run: Uuid, workers: &Workers) -> String {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM extraction_runs WHERE id = $1")
                .bind(run)
                .fetch_one(pool)
                .await
                .ok();
        if let Some(status) = &status
            && status != "queued"
            && status != "running"
        {
            return status.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the run did not finish within 120 s (status {status:?})\n{}",
            workers.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The run finished with one done step per document and step, and one
/// verified value per document and field.
async fn assert_complete(pool: &PgPool, run: Uuid, plan: &ExtractionPlan, workers: &Workers) {
    let status = wait_run(pool, run, workers).await;
    let expected_steps = (DOCUMENTS * plan.steps.len()) as i64;
    let failures: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT step_key, error FROM run_steps WHERE run_id = $1 AND status <> 'done'",
    )
    .bind(run)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        status,
        "succeeded",
        "failed steps: {failures:?}\n{}",
        workers.logs()
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(count(pool, STEPS_STORED, run).await, expected_steps);
    // Exactly one row per (document, step) of the plan: none missing, none extra.
    let pairs = count(
        pool,
        "SELECT count(*) FROM (SELECT DISTINCT document_id, step_key FROM run_steps WHERE run_id = $1) p",
        run,
    )
    .await;
    assert_eq!(pairs, expected_steps);
    let per_document: Vec<(Uuid, i64)> = sqlx::query_as(
        "SELECT rd.document_id, count(s.step_key)
         FROM run_documents rd LEFT JOIN run_steps s ON s.run_id = rd.run_id AND s.document_id = rd.document_id
         WHERE rd.run_id = $1 GROUP BY rd.document_id",
    )
    .bind(run)
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(per_document.len(), DOCUMENTS);
    assert!(
        per_document
            .iter()
            .all(|(_, n)| *n == plan.steps.len() as i64),
        "{per_document:?}"
    );
    // Every answer names every field of its step once: one value per document
    // and field, each quoted from the page and stating its number.
    let expected_values = (DOCUMENTS * form().fields.len()) as i64;
    let values = count(
        pool,
        "SELECT count(*) FROM extracted_values WHERE run_id = $1",
        run,
    )
    .await;
    assert_eq!(values, expected_values, "values stored");
    let distinct = count(
        pool,
        "SELECT count(*) FROM (SELECT DISTINCT document_id, field_path FROM extracted_values WHERE run_id = $1) v",
        run,
    )
    .await;
    assert_eq!(distinct, expected_values, "a value is stored twice");
    let verified = count(
        pool,
        "SELECT count(*) FROM extracted_values WHERE run_id = $1 AND grounded AND supported AND NOT not_reported",
        run,
    )
    .await;
    assert_eq!(verified, expected_values, "every value is verified");
    // Each value came from the step that asks for its field.
    let misplaced = count(
        pool,
        "SELECT count(*) FROM extracted_values v
         WHERE v.run_id = $1 AND NOT EXISTS (
             SELECT 1 FROM run_steps s WHERE s.run_id = v.run_id AND s.document_id = v.document_id
                                         AND s.step_key = v.step_key)",
        run,
    )
    .await;
    assert_eq!(misplaced, 0);
}

// ------------------------------------------------------------ processes

/// Worker processes, killed on drop; their stderr goes to files for diagnosis.
struct Workers {
    children: Vec<Child>,
    logs: Vec<PathBuf>,
    dir: tempfile::TempDir,
}

impl Workers {
    fn new() -> Workers {
        Workers {
            children: Vec::new(),
            logs: Vec::new(),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn spawn(&mut self, database_url: &str, llm_url: &str) -> usize {
        let index = self.children.len();
        let log = self.dir.path().join(format!("worker-{index}.log"));
        let storage = self.dir.path().join("files");
        std::fs::create_dir_all(&storage).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_evistream"))
            .arg("worker")
            .env("DATABASE_URL", database_url)
            .env("EVISTREAM_LLM_BASE_URL", llm_url)
            .env("EVISTREAM_LLM_MODEL", "scripted")
            .env("EVISTREAM_LLM_TIMEOUT_SECS", "30")
            .env("EVISTREAM_JOB_STALE_SECS", "2")
            // A worker SIGSTOPped mid-transaction holds its locks until the
            // server ends its idle session; short here, so a takeover waits little.
            .env("EVISTREAM_DB_IDLE_TRANSACTION_SECS", "5")
            .env("EVISTREAM_EXTRACTION_CONCURRENCY", "2")
            .env("EVISTREAM_WORKER_CONCURRENCY", "2")
            .env("EVISTREAM_SHUTDOWN_GRACE_SECS", "5")
            .env("EVISTREAM_STORAGE_DIR", &storage)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start a worker process");
        self.children.push(child);
        self.logs.push(log);
        index
    }

    fn kill(&mut self, index: usize) {
        self.children[index].kill().expect("SIGKILL the worker");
        self.children[index].wait().expect("reaped");
    }

    /// The last lines each worker wrote, for a failure message.
    fn logs(&self) -> String {
        let mut out = String::new();
        for (index, log) in self.logs.iter().enumerate() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(20)..];
            out.push_str(&format!("--- worker {index} ---\n{}\n", tail.join("\n")));
        }
        out
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_run_survives_its_worker_process_being_killed(pool: PgPool) {
    let started = Instant::now();
    let plan = deterministic_plan(&form());
    assert_eq!(plan.steps.len(), 2, "{plan:?}");
    let (llm_url, script) = scripted_server(&plan).await;
    let run = start_run(&pool, &llm_url, &plan).await;
    let total = (DOCUMENTS * plan.steps.len()) as i64;

    let url = common::database_url(&pool);
    let mut workers = Workers::new();
    let first = workers.spawn(&url, &llm_url);
    let before_kill = wait_steps(&pool, run, 4, &workers).await;
    workers.kill(first);
    // Nothing more is written by the dead process.
    let at_kill = count(&pool, STEPS_STORED, run).await;
    assert!(
        at_kill < total,
        "the run finished before the kill ({at_kill} of {total} steps)"
    );
    let holder: Option<String> = sqlx::query_scalar(
        "SELECT j.locked_by FROM jobs j JOIN extraction_runs r ON r.job_id = j.id WHERE r.id = $1",
    )
    .bind(run)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        holder.is_some(),
        "the killed worker held the run's job when it died"
    );

    workers.spawn(&url, &llm_url);
    assert_complete(&pool, run, &plan, &workers).await;

    let attempts: i32 = sqlx::query_scalar(
        "SELECT j.attempts FROM jobs j JOIN extraction_runs r ON r.job_id = j.id WHERE r.id = $1",
    )
    .bind(run)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        attempts >= 2,
        "the second worker took the job over ({attempts} attempts)"
    );
    let requests = script.requests.load(Ordering::SeqCst);
    assert_eq!(script.unknown.load(Ordering::SeqCst), 0);
    assert!(requests >= total as usize, "{requests} requests");
    eprintln!(
        "killed after {before_kill} ({at_kill}) of {total} steps; {requests} model requests; \
         job attempts {attempts}; {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

// ------------------------------------------------------------ private cluster

/// A throwaway PostgreSQL cluster in a temporary directory, stopped on drop.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_root: bool,
    _dir: tempfile::TempDir,
}

fn postgres_bindir() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
                .collect()
        })
        .unwrap_or_default();
    // Highest major version first.
    dirs.sort_by_key(|dir| {
        dir.parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries (initdb, pg_ctl) are missing under /usr/lib/postgresql/*/bin; \
             this test restarts its own cluster and needs them (scripts/test installs them; \
             on Debian: apt-get install postgresql)"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Cluster {
    fn start() -> Cluster {
        let bin = postgres_bindir();
        let as_root = is_root();
        let dir = tempfile::Builder::new()
            .prefix("evistream-pg-")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if as_root {
            // initdb refuses root: the cluster belongs to `postgres`, which must
            // reach the folder.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            let chown = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&data)
                .status()
                .unwrap();
            assert!(chown.success(), "chown of the cluster folder to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            bin,
            data,
            port,
            as_root,
            _dir: dir,
        };
        let initdb = cluster.run(
            "initdb",
            &[
                "-D",
                cluster.data_str(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        );
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let started = cluster.pg_ctl(&["start"]);
        assert!(
            started.status.success(),
            "the private PostgreSQL did not start: {}\n{}",
            String::from_utf8_lossy(&started.stderr),
            cluster.server_log()
        );
        cluster
    }

    fn data_str(&self) -> &str {
        self.data.to_str().unwrap()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The process id of the running postmaster (first line of postmaster.pid).
    fn postmaster_pid(&self) -> String {
        let pid_file = if self.as_root {
            // The data folder is readable by its owner only.
            String::from_utf8_lossy(
                &self
                    .run_plain("cat", &[self.data.join("postmaster.pid").to_str().unwrap()])
                    .stdout,
            )
            .into_owned()
        } else {
            std::fs::read_to_string(self.data.join("postmaster.pid")).unwrap_or_default()
        };
        pid_file.lines().next().unwrap_or_default().to_owned()
    }

    fn server_log(&self) -> String {
        std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default()
    }

    /// Runs a PostgreSQL program as the cluster's owner.
    fn run(&self, program: &str, args: &[&str]) -> std::process::Output {
        self.run_plain(self.bin.join(program).to_str().unwrap(), args)
    }

    /// Runs `exe` as the cluster's owner.
    fn run_plain(&self, exe: &str, args: &[&str]) -> std::process::Output {
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        command
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|err| panic!("running {exe}: {err}"))
    }

    /// `pg_ctl ACTION` with the cluster's options (port, socket folder, log).
    fn pg_ctl(&self, action: &[&str]) -> std::process::Output {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.data_str()
        );
        let log = self.data.join("server.log");
        let mut args = vec![
            "-D",
            self.data_str(),
            "-l",
            log.to_str().unwrap(),
            "-w",
            "-t",
            "60",
            "-o",
            &options,
        ];
        args.extend_from_slice(action);
        self.run("pg_ctl", &args)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", self.data_str(), "-m", "immediate", "-w", "stop"],
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_survives_a_postgresql_restart() {
    let started = Instant::now();
    let cluster = Arc::new(tokio::task::spawn_blocking(Cluster::start).await.unwrap());
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&cluster.url())
        .await
        .unwrap();
    evistream::db::MIGRATOR.run(&pool).await.unwrap();

    let plan = deterministic_plan(&form());
    assert_eq!(plan.steps.len(), 2, "{plan:?}");
    let (llm_url, script) = scripted_server(&plan).await;
    let run = start_run(&pool, &llm_url, &plan).await;
    let total = (DOCUMENTS * plan.steps.len()) as i64;

    let mut workers = Workers::new();
    workers.spawn(&cluster.url(), &llm_url);
    let before = wait_steps(&pool, run, 4, &workers).await;
    assert!(
        before < total,
        "the run finished before the restart ({before} of {total} steps)"
    );
    let postmaster = cluster.postmaster_pid();
    let restarting = Instant::now();
    let restarted = {
        let cluster = cluster.clone();
        tokio::task::spawn_blocking(move || cluster.pg_ctl(&["-m", "fast", "restart"]))
            .await
            .unwrap()
    };
    assert!(
        restarted.status.success(),
        "pg_ctl restart failed: {}\n{}",
        String::from_utf8_lossy(&restarted.stderr),
        cluster.server_log()
    );
    let restart_secs = restarting.elapsed().as_secs_f64();
    let new_postmaster = cluster.postmaster_pid();
    assert!(
        !postmaster.is_empty() && !new_postmaster.is_empty() && postmaster != new_postmaster,
        "the server was restarted (postmaster {postmaster} → {new_postmaster})"
    );
    let after = try_count(&pool, STEPS_STORED, run).await;

    assert_complete(&pool, run, &plan, &workers).await;

    let (attempts, job_log): (i32, Vec<String>) = (
        sqlx::query_scalar(
            "SELECT j.attempts FROM jobs j JOIN extraction_runs r ON r.job_id = j.id WHERE r.id = $1",
        )
        .bind(run)
        .fetch_one(&pool)
        .await
        .unwrap(),
        sqlx::query_scalar(
            "SELECT l.message FROM job_events l JOIN extraction_runs r ON r.job_id = l.job_id
             WHERE r.id = $1 ORDER BY l.id",
        )
        .bind(run)
        .fetch_all(&pool)
        .await
        .unwrap(),
    );
    assert_eq!(script.unknown.load(Ordering::SeqCst), 0);
    eprintln!(
        "restarted PostgreSQL ({restart_secs:.1} s) after {before} of {total} steps ({after:?} right after); \
         {} model requests; job attempts {attempts}; {:.1} s\njob log: {job_log:#?}",
        script.requests.load(Ordering::SeqCst),
        started.elapsed().as_secs_f64()
    );
    pool.close().await;
    drop(workers);
}

/// A worker presumed dead (paused longer than `EVISTREAM_JOB_STALE_SECS`) that
/// resumes after another worker finished the run must leave the run as it is
/// (it once took the takeover for a cancellation and marked the run cancelled).
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_worker_resuming_after_a_takeover_leaves_the_finished_run_alone(pool: PgPool) {
    let plan = deterministic_plan(&form());
    let (llm_url, _script) = scripted_server(&plan).await;
    let run = start_run(&pool, &llm_url, &plan).await;
    let url = common::database_url(&pool);
    let mut workers = Workers::new();
    workers.spawn(&url, &llm_url);
    wait_steps(&pool, run, 4, &workers).await;
    let pid = workers.children[0].id().to_string();
    let stopped = Command::new("kill").args(["-STOP", &pid]).status().unwrap();
    assert!(stopped.success());
    workers.spawn(&url, &llm_url);
    assert_complete(&pool, run, &plan, &workers).await;
    let resumed = Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    assert!(resumed.success());
    // The resumed worker's answers in flight come back, it finds its job taken over.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let status: String = sqlx::query_scalar("SELECT status FROM extraction_runs WHERE id = $1")
        .bind(run)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "succeeded", "{}", workers.logs());
    assert_complete(&pool, run, &plan, &workers).await;
}
