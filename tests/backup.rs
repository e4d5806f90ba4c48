//! `evistream backup` and `evistream restore` (system::backup) against real
//! PostgreSQL databases, pg_dump/pg_restore and local storage folders: a
//! populated instance comes back equal row for row and byte for byte, and a
//! damaged backup or a non-empty target is refused with nothing changed.
#![cfg(feature = "ssr")]

mod common;
#[path = "common/s3.rs"]
mod s3;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use evistream::auth::types::{Role, SignedInUser};
use evistream::config::Secret;
use evistream::platform::storage::Storage;
use evistream::system::backup;
use sha2::Digest;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use uuid::Uuid;

const PASSWORD: &str = "backup test password";

/// The URL of `database` on the server the tests use (DATABASE_URL's).
fn database_url(database: &str) -> String {
    let server = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the tests");
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server.as_str(), String::new()),
    };
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |at| authority_start + at);
    format!("{}/{database}{query}", &base[..authority_end])
}

fn url_of(pool: &PgPool) -> Secret {
    Secret::new(database_url(
        pool.connect_options()
            .get_database()
            .expect("a test database has a name"),
    ))
}

/// A blank database (as `createdb` makes it) beside the test's own; dropped
/// by [`Blank::drop_now`].
struct Blank {
    name: String,
    url: Secret,
    pool: PgPool,
}

impl Blank {
    async fn create(admin: &PgPool) -> Self {
        let name = format!("evistream_restore_{}", Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin)
            .await
            .expect("create the restore target");
        let url = Secret::new(database_url(&name));
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect(url.expose())
            .await
            .expect("connect to the restore target");
        Blank { name, url, pool }
    }

    async fn drop_now(self, admin: &PgPool) {
        self.pool.close().await;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(admin)
        .await
        .expect("drop the restore target");
    }
}

/// Fills every table of a migrated database: accounts, a signed-in session,
/// an API token, the demo project with its three PDFs stored through the real
/// upload path, pages and chunks, a form with a version and plan, a run with
/// its steps and values, a review, a gold standard, an evaluation, a question
/// and job logs. Rows the app writes through request handlers are inserted
/// as those handlers would leave them.
async fn populate(pool: &PgPool, storage: Storage) {
    let mut state = common::state(pool.clone());
    state.documents = common::documents(storage);
    let app = evistream::server::http::router(state.clone());
    let owner_email = "owner@example.org";
    let owner = common::create_account(pool, owner_email, PASSWORD, Role::Admin).await;
    let reviewer = common::create_account(pool, "reviewer@example.org", PASSWORD, Role::User).await;
    // A session row, a sign-in attempt and an audit line, as a real sign-in writes them.
    common::signed_in_cookie(&app, owner_email, PASSWORD).await;
    evistream::auth::tokens::TokenKeys::load(pool, None)
        .await
        .expect("the instance's token key");
    let user = SignedInUser {
        id: owner,
        email: owner_email.to_owned(),
        role: Role::Admin,
    };
    let project =
        evistream::demo::server::create_demo_project(&state.platform, &state.documents, &user)
            .await
            .expect("the demo project with its stored PDFs");
    let documents: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM documents WHERE project_id = $1 ORDER BY original_name")
            .bind(project)
            .fetch_all(pool)
            .await
            .expect("documents");
    assert_eq!(documents.len(), 3, "the demo project holds three PDFs");
    let document = documents[0];

    let exec = |sql: &'static str| sqlx::query(sql);
    exec("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'editor')")
        .bind(project)
        .bind(reviewer)
        .execute(pool)
        .await
        .expect("member");
    exec(
        "UPDATE documents SET status = 'ready', page_count = 1, title = original_name,
                authors = ARRAY['A. Author', 'B. Author'], year = 2021, text_version = 1
          WHERE project_id = $1",
    )
    .bind(project)
    .execute(pool)
    .await
    .expect("converted documents");
    exec(
        "INSERT INTO document_pages (document_id, page_number, markdown)
         SELECT id, 1, '# ' || original_name || E'\n\nWe randomised 120 patients (60 per arm).'
           FROM documents WHERE project_id = $1",
    )
    .bind(project)
    .execute(pool)
    .await
    .expect("pages");
    exec(
        "INSERT INTO document_chunks (document_id, chunk_index, project_id, page_number, char_start, char_end, content)
         SELECT id, 0, project_id, 1, 0, 42, 'We randomised 120 patients (60 per arm).'
           FROM documents WHERE project_id = $1",
    )
    .bind(project)
    .execute(pool)
    .await
    .expect("chunks");
    let form: Uuid = sqlx::query_scalar(
        "INSERT INTO forms (project_id, name, description, created_by)
         VALUES ($1, 'Study characteristics', 'Who, how many, how long', $2) RETURNING id",
    )
    .bind(project)
    .bind(owner)
    .fetch_one(pool)
    .await
    .expect("form");
    let version: Uuid = sqlx::query_scalar(
        r#"INSERT INTO form_versions (form_id, version, definition, change_summary, plan_status, plan, created_by)
           VALUES ($1, 1, '{"fields": [{"key": "sample_size", "type": "integer"}]}',
                   ARRAY['added sample_size'], 'active', '{"steps": [{"key": "study"}]}', $2)
           RETURNING id"#,
    )
    .bind(form)
    .bind(owner)
    .fetch_one(pool)
    .await
    .expect("form version");
    let run: Uuid = sqlx::query_scalar(
        "INSERT INTO extraction_runs (project_id, form_version_id, extractor, status, created_by, started_at, finished_at)
         VALUES ($1, $2, 'offline', 'succeeded', $3, now(), now()) RETURNING id",
    )
    .bind(project)
    .bind(version)
    .bind(owner)
    .fetch_one(pool)
    .await
    .expect("run");
    exec(
        r#"INSERT INTO run_documents (run_id, document_id, seeds)
           SELECT $1, id, '{"arms": [{"name": "placebo"}]}' FROM documents WHERE project_id = $2"#,
    )
    .bind(run)
    .bind(project)
    .execute(pool)
    .await
    .expect("run documents");
    exec(
        r#"INSERT INTO run_steps (run_id, document_id, step_key, status, raw_answer, context_chunks, tokens_in, tokens_out, cost_usd, duration_ms)
           VALUES ($1, $2, 'study', 'done', '{"sample_size": {"value": 120}}', '{0}', 812, 64, 0.0012, 35)"#,
    )
    .bind(run)
    .bind(document)
    .execute(pool)
    .await
    .expect("run step");
    let value: i64 = sqlx::query_scalar(
        "INSERT INTO extracted_values (run_id, document_id, form_version_id, step_key, field_path, value,
                not_reported, quote, page, char_start, char_end, grounded, supported, confidence,
                extractor, text_version, review_status, reviewed_value, reviewed_not_reported,
                reviewed_by, reviewed_at, revision)
         VALUES ($1, $2, $3, 'study', 'sample_size', '120', false, 'We randomised 120 patients', 1, 0, 26,
                 true, true, 0.9, 'offline', 1, 'corrected', '121', false, $4, now(), 1)
         RETURNING id",
    )
    .bind(run)
    .bind(document)
    .bind(version)
    .bind(reviewer)
    .fetch_one(pool)
    .await
    .expect("extracted value");
    exec(
        "INSERT INTO value_reviews (value_id, run_id, document_id, revision, action, old_value, old_not_reported,
                old_quote, old_page, new_value, new_not_reported, new_quote, new_page, reason, reviewer_id, reviewer_email)
         VALUES ($1, $2, $3, 1, 'correct', '120', false, 'We randomised 120 patients', 1, '121', false,
                 'We randomised 120 patients', 1, 'the table says 121', $4, 'reviewer@example.org')",
    )
    .bind(value)
    .bind(run)
    .bind(document)
    .bind(reviewer)
    .execute(pool)
    .await
    .expect("value review");
    let gold: Uuid = sqlx::query_scalar(
        r#"INSERT INTO gold_standards (project_id, form_id, name, source, source_run_id, standard, value_count, created_by)
           VALUES ($1, $2, 'Reviewed run', 'run', $3, '{"documents": {"a.pdf": {"sample_size": 121}}}', 1, $4)
           RETURNING id"#,
    )
    .bind(project)
    .bind(form)
    .bind(run)
    .bind(owner)
    .fetch_one(pool)
    .await
    .expect("gold standard");
    exec(
        r#"INSERT INTO evaluations (project_id, run_id, gold_standard_id, reviewed, settings, result, accuracy, verified_accuracy, created_by)
           VALUES ($1, $2, $3, true, '{"tolerance": 0}', '{"fields": [{"path": "sample_size", "correct": 1}]}', 0.75, 1.0, $4)"#,
    )
    .bind(project)
    .bind(run)
    .bind(gold)
    .bind(owner)
    .execute(pool)
    .await
    .expect("evaluation");
    let question: Uuid = sqlx::query_scalar(
        r#"INSERT INTO questions (project_id, asked_by, question, document_ids, mode, answer)
           VALUES ($1, $2, 'How many patients were randomised?', ARRAY[$3]::uuid[], 'passages',
                   '[{"page": 1, "text": "We randomised 120 patients"}]')
           RETURNING id"#,
    )
    .bind(project)
    .bind(reviewer)
    .bind(document)
    .fetch_one(pool)
    .await
    .expect("question");
    exec("INSERT INTO job_events (job_id, level, message) SELECT id, 'warn', 'waiting for a worker: ü ☃' FROM jobs")
        .execute(pool)
        .await
        .expect("job log");
    exec(
        "INSERT INTO api_tokens (user_id, name, expires_at, scope)
         VALUES ($1, 'nightly export', now() + interval '30 days', 'read_only')",
    )
    .bind(owner)
    .execute(pool)
    .await
    .expect("api token");
    exec("INSERT INTO sign_in_attempts (email, client_addr, succeeded) VALUES ('owner@example.org', '192.0.2.1', false)")
        .execute(pool)
        .await
        .expect("failed sign-in");

    // Budgets, what the model cost, and a budget alert.
    exec("UPDATE projects SET monthly_budget_usd = 25 WHERE id = $1")
        .bind(project)
        .execute(pool)
        .await
        .expect("project budget");
    exec("UPDATE instance_settings SET monthly_budget_usd = 100")
        .execute(pool)
        .await
        .expect("instance budget");
    exec(
        "INSERT INTO llm_usage (project_id, run_id, question_id, user_id, purpose, model, tokens_in, tokens_out, cost_usd, reserved)
         VALUES ($1, $2, $3, $4, 'extraction', 'gpt-4o-mini', 812, 64, 0.0012, false)",
    )
    .bind(project)
    .bind(run)
    .bind(question)
    .bind(owner)
    .execute(pool)
    .await
    .expect("llm usage");
    exec("INSERT INTO budget_alerts (scope, month, threshold) VALUES ('instance', date_trunc('month', now())::date, 50)")
        .execute(pool)
        .await
        .expect("budget alert");
}

/// Every table outside PostgreSQL's own schemas, as `schema.table`.
async fn tables(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
          ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .expect("tables")
}

/// Per table: its row count and an MD5 over all its rows in a fixed order;
/// per sequence: where it stands.
async fn fingerprint(pool: &PgPool) -> BTreeMap<String, (i64, String)> {
    let mut found = BTreeMap::new();
    for table in tables(pool).await {
        let row: (i64, Option<String>) = sqlx::query_as(&format!(
            "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {table} t"
        ))
        .fetch_one(pool)
        .await
        .expect("fingerprint");
        found.insert(table, (row.0, row.1.unwrap_or_default()));
    }
    let sequences: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences",
    )
    .fetch_all(pool)
    .await
    .expect("sequences");
    for (sequence, last) in sequences {
        found.insert(
            format!("sequence {sequence}"),
            (last.unwrap_or(0), String::new()),
        );
    }
    found
}

/// Every file under `root` by its relative path, with its bytes.
fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read a stored file");
                let relative = path.strip_prefix(root).expect("under root").to_path_buf();
                found.insert(relative, bytes);
            }
        }
    }
    found
}

/// Backs up `pool` and `storage` (filled by [`populate`]) into `dir`: every
/// one of the three demo files is copied and none is found damaged.
async fn back_up_the_demo(pool: &PgPool, storage: &Storage, dir: &Path) {
    let report = backup::backup(&url_of(pool), storage, dir)
        .await
        .expect("backup");
    eprintln!("{report}");
    assert_eq!(report.files, 3);
    assert!(report.damaged_in_storage.is_empty(), "{report}");
}

async fn table_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables
          WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(pool)
    .await
    .expect("table count")
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_restored_instance_equals_the_backed_up_one_row_for_row_and_byte_for_byte(pool: PgPool) {
    let source_files = tempfile::tempdir().expect("tempdir");
    let source_storage = Storage::local(source_files.path());
    populate(&pool, source_storage.clone()).await;
    let before = fingerprint(&pool).await;
    let empty: Vec<&String> = before
        .iter()
        .filter(|(name, (rows, _))| !name.starts_with("sequence ") && *rows == 0)
        .map(|(name, _)| name)
        .collect();
    assert!(
        empty.is_empty(),
        "tables without rows are not proven to survive a backup; populate them in tests/backup.rs: {empty:?}"
    );
    let stored = files_under(source_files.path());
    assert_eq!(stored.len(), 3, "the demo PDFs are stored");

    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("nightly");
    back_up_the_demo(&pool, &source_storage, &dir).await;
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(backup::MANIFEST)).expect("manifest"))
            .expect("manifest JSON");
    assert_eq!(manifest["format_version"], backup::FORMAT_VERSION);
    assert_eq!(manifest["app_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["files"].as_array().map(Vec::len), Some(3));
    let level: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .expect("level");
    assert_eq!(manifest["migration_level"], level);

    // Restore into a fresh database and a fresh storage folder.
    let target = Blank::create(&pool).await;
    let target_files = tempfile::tempdir().expect("tempdir");
    let target_storage = Storage::local(target_files.path().join("files"));
    let restored = backup::restore(&target.url, &target_storage, &dir)
        .await
        .expect("restore");
    eprintln!("{restored}");

    let after = fingerprint(&target.pool).await;
    for (table, (rows, digest)) in &before {
        assert_eq!(
            after.get(table),
            Some(&(*rows, digest.clone())),
            "{table} differs after the restore"
        );
    }
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert_eq!(files_under(&target_files.path().join("files")), stored);
    target.drop_now(&pool).await;
}

/// The same round trip with the files in S3 (s3s-fs): the backup reads them
/// from the source bucket and the restore writes them into another one.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn an_s3_instance_is_backed_up_and_restored_into_another_bucket(pool: PgPool) {
    let server = s3::start_s3_server().await;
    let source_storage = server.bucket("evistream-source").await;
    populate(&pool, source_storage.clone()).await;
    let before = fingerprint(&pool).await;
    let stored = server.objects("evistream-source").await;
    assert_eq!(stored.len(), 3, "the demo PDFs are stored in the bucket");

    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("from-s3");
    back_up_the_demo(&pool, &source_storage, &dir).await;

    let target = Blank::create(&pool).await;
    let target_storage = server.bucket("evistream-restored").await;
    backup::restore(&target.url, &target_storage, &dir)
        .await
        .expect("restore");
    assert_eq!(fingerprint(&target.pool).await, before);
    assert_eq!(server.objects("evistream-restored").await, stored);
    // The source bucket is only read.
    assert_eq!(server.objects("evistream-source").await, stored);
    target.drop_now(&pool).await;
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_truncated_dump_is_refused_and_the_target_stays_empty(pool: PgPool) {
    let source_files = tempfile::tempdir().expect("tempdir");
    let source_storage = Storage::local(source_files.path());
    populate(&pool, source_storage.clone()).await;
    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("cut");
    backup::backup(&url_of(&pool), &source_storage, &dir)
        .await
        .expect("backup");
    let dump = dir.join("database.dump");
    let size = std::fs::metadata(&dump).expect("dump").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&dump)
        .and_then(|file| file.set_len(size / 2))
        .expect("cut the dump in half");

    let target = Blank::create(&pool).await;
    let target_files = tempfile::tempdir().expect("tempdir");
    let target_storage = Storage::local(target_files.path());
    let err = backup::restore(&target.url, &target_storage, &dir)
        .await
        .expect_err("a truncated dump is refused");
    let message = format!("{err:#}");
    assert!(
        message.contains("database.dump") && message.contains("truncated"),
        "{message}"
    );
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(
        table_count(&target.pool).await,
        0,
        "the database stays blank"
    );
    assert!(
        files_under(target_files.path()).is_empty(),
        "no file was stored"
    );
    target.drop_now(&pool).await;
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_damaged_or_incomplete_backup_is_refused(pool: PgPool) {
    let source_files = tempfile::tempdir().expect("tempdir");
    let source_storage = Storage::local(source_files.path());
    populate(&pool, source_storage.clone()).await;
    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("b");
    let report = backup::backup(&url_of(&pool), &source_storage, &dir)
        .await
        .expect("backup");
    let target = Blank::create(&pool).await;
    let target_files = tempfile::tempdir().expect("tempdir");
    let target_storage = Storage::local(target_files.path());
    let refusal = |dir: PathBuf| {
        let url = target.url.clone();
        let storage = target_storage.clone();
        async move {
            let err = backup::restore(&url, &storage, &dir)
                .await
                .expect_err("refused");
            format!("{err:#}")
        }
    };

    // A stored file changed by one byte (same size).
    let manifest_text = std::fs::read(dir.join(backup::MANIFEST)).expect("manifest");
    let manifest: serde_json::Value = serde_json::from_slice(&manifest_text).expect("json");
    let first = manifest["files"][0]["path"].as_str().expect("a file path");
    let mut bytes = std::fs::read(dir.join(first)).expect("stored copy");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(dir.join(first), &bytes).expect("damage");
    let message = refusal(dir.clone()).await;
    assert!(
        message.contains(first) && message.contains("SHA-256"),
        "{message}"
    );
    bytes[last] ^= 0x55;
    std::fs::write(dir.join(first), &bytes).expect("repair");

    // A damaged manifest.
    std::fs::write(
        dir.join(backup::MANIFEST),
        &manifest_text[..manifest_text.len() / 2],
    )
    .expect("cut the manifest");
    let message = refusal(dir.clone()).await;
    assert!(message.contains("manifest.json is damaged"), "{message}");

    // No manifest: a backup that was cut off.
    std::fs::remove_file(dir.join(backup::MANIFEST)).expect("remove the manifest");
    let message = refusal(dir.clone()).await;
    assert!(message.contains("not a complete backup"), "{message}");

    assert_eq!(
        table_count(&target.pool).await,
        0,
        "the database stays blank"
    );
    assert!(files_under(target_files.path()).is_empty());
    assert_eq!(report.files, 3);

    // A backup folder must be new or empty: a manifest left there would vouch
    // for files the new backup did not write.
    let err = backup::backup(&url_of(&pool), &source_storage, &dir)
        .await
        .expect_err("an occupied folder is refused");
    assert!(format!("{err:#}").contains("not empty"), "{err:#}");

    // A file the database points at but the storage lost: no backup.
    let key = first.trim_start_matches("files/");
    std::fs::remove_file(source_files.path().join(key)).expect("lose a stored file");
    let err = backup::backup(&url_of(&pool), &source_storage, &backups.path().join("c"))
        .await
        .expect_err("a lost file is no backup");
    let message = format!("{err:#}");
    assert!(
        message.contains(key) && message.contains("missing from"),
        "{message}"
    );
    assert!(!backups.path().join("c").join(backup::MANIFEST).exists());
    target.drop_now(&pool).await;
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_restore_into_a_non_empty_instance_is_refused(pool: PgPool) {
    let source_files = tempfile::tempdir().expect("tempdir");
    let source_storage = Storage::local(source_files.path());
    populate(&pool, source_storage.clone()).await;
    let before = fingerprint(&pool).await;
    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("b");
    backup::backup(&url_of(&pool), &source_storage, &dir)
        .await
        .expect("backup");

    // Into the instance it came from: its database holds the app's tables.
    let fresh_files = tempfile::tempdir().expect("tempdir");
    let err = backup::restore(&url_of(&pool), &Storage::local(fresh_files.path()), &dir)
        .await
        .expect_err("a database with tables is refused");
    let message = format!("{err:#}");
    assert!(
        message.contains("target database is not empty") && message.contains("2 account(s)"),
        "{message}"
    );
    assert_eq!(fingerprint(&pool).await, before, "nothing changed");
    assert!(files_under(fresh_files.path()).is_empty());

    // A blank database, but a storage that already holds the files.
    let target = Blank::create(&pool).await;
    let err = backup::restore(&target.url, &source_storage, &dir)
        .await
        .expect_err("a storage holding the files is refused");
    let message = format!("{err:#}");
    assert!(
        message.contains("target storage") && message.contains("not empty"),
        "{message}"
    );
    assert_eq!(
        table_count(&target.pool).await,
        0,
        "the database stays blank"
    );
    target.drop_now(&pool).await;
}

/// The app keeps running during a backup: documents arrive and go while it
/// is taken, and the restored instance still has the file of every document
/// its database holds.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_backup_taken_while_documents_come_and_go_holds_every_file_it_points_at(pool: PgPool) {
    let source_files = tempfile::tempdir().expect("tempdir");
    let source_storage = Storage::local(source_files.path());
    populate(&pool, source_storage.clone()).await;
    let project: Uuid = sqlx::query_scalar("SELECT id FROM projects LIMIT 1")
        .fetch_one(&pool)
        .await
        .expect("project");

    // Uploads and deletions in the order the app makes them: the file is
    // stored before its row commits, and removed only after its row is gone.
    let stop = tokio_util::sync::CancellationToken::new();
    let churn = {
        let pool = pool.clone();
        let storage = source_storage.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let scratch = tempfile::tempdir().expect("tempdir");
            let mut rounds = 0u32;
            while !stop.is_cancelled() || rounds < 20 {
                rounds += 1;
                let bytes = format!("%PDF-1.4 churn {rounds}").into_bytes();
                let local = scratch.path().join("upload.pdf");
                std::fs::write(&local, &bytes).expect("upload file");
                let key = evistream::platform::storage::new_document_key(project);
                storage.put_file(&key, &local).await.expect("store");
                let digest: String = sha2::Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let id: Uuid = sqlx::query_scalar(
                    "INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(project)
                .bind(format!("churn-{rounds}.pdf"))
                .bind(&key)
                .bind(digest)
                .bind(bytes.len() as i64)
                .fetch_one(&pool)
                .await
                .expect("row");
                if rounds.is_multiple_of(2) {
                    sqlx::query("DELETE FROM documents WHERE id = $1")
                        .bind(id)
                        .execute(&pool)
                        .await
                        .expect("delete row");
                    storage.delete(&key).await.expect("delete file");
                }
                tokio::task::yield_now().await;
            }
            rounds
        })
    };
    let backups = tempfile::tempdir().expect("tempdir");
    let dir = backups.path().join("live");
    let report = backup::backup(&url_of(&pool), &source_storage, &dir)
        .await
        .expect("a backup while the app writes");
    stop.cancel();
    let rounds = churn.await.expect("churn");
    eprintln!("{report} ({rounds} uploads during it)");

    let target = Blank::create(&pool).await;
    let target_files = tempfile::tempdir().expect("tempdir");
    let target_storage = Storage::local(target_files.path());
    backup::restore(&target.url, &target_storage, &dir)
        .await
        .expect("restore");
    let keys: Vec<(String, i64)> = sqlx::query_as("SELECT storage_key, size_bytes FROM documents")
        .fetch_all(&target.pool)
        .await
        .expect("restored documents");
    let files = files_under(target_files.path());
    assert_eq!(files.len(), keys.len(), "one file per document, no more");
    for (key, size) in keys {
        let bytes = files
            .get(Path::new(&key))
            .unwrap_or_else(|| panic!("the file of {key} was restored"));
        assert_eq!(bytes.len() as i64, size, "{key}");
    }
    target.drop_now(&pool).await;
}
