//! Documents end to end below the browser: the upload route and its checks,
//! conversion by real workers in isolated children, search, signed links,
//! deletion of stored files, and every file of the corpus.
#![cfg(feature = "ssr")]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use evistream::auth::types::{Role, SignedInUser};
use evistream::documents::api::DocumentSummary;
use evistream::documents::server::{self as documents, DocumentServices};
use evistream::jobs::events::{self, JobEvents};
use evistream::jobs::worker::{Registry, WorkerSettings, Workers};
use evistream::platform::storage::Storage;
use evistream::server::state::AppState;
use http::{Request, StatusCode, header};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use uuid::Uuid;

const PASSWORD: &str = "documents password 1";

pub struct Env {
    pub app: Router,
    pub state: AppState,
    pub cookie: String,
    pub user: SignedInUser,
    pub project: Uuid,
    shutdown: CancellationToken,
    workers: Option<Workers>,
}

impl Env {
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(workers) = self.workers.take() {
            workers.stop(Duration::from_secs(5)).await;
        }
    }
}

/// An app over `services`, a signed-in owner with one project, and workers
/// running the document jobs.
pub async fn env(pool: PgPool, services: DocumentServices) -> Env {
    let mut state = common::state(pool.clone());
    state.documents = services;
    let app = evistream::server::http::router(state.clone());
    let email = format!("owner-{}@example.org", Uuid::new_v4().simple());
    let id = common::create_account(&pool, &email, PASSWORD, Role::User).await;
    let cookie = common::signed_in_cookie(&app, &email, PASSWORD).await;
    let project = evistream::projects::server::create(&pool, id, "Docs", "")
        .await
        .expect("project");
    let shutdown = CancellationToken::new();
    let mut registry = Registry::new();
    documents::register(&mut registry, &state.documents);
    let job_events = JobEvents::new();
    events::spawn_listener(pool.clone(), job_events.clone(), shutdown.clone());
    let workers = Workers::spawn(
        pool,
        registry,
        WorkerSettings::new(2, Duration::from_secs(30)),
        job_events.wake_workers.clone(),
        job_events.running.clone(),
        shutdown.clone(),
    );
    Env {
        app,
        state,
        cookie,
        user: SignedInUser {
            id,
            email,
            role: Role::User,
        },
        project,
        shutdown,
        workers: Some(workers),
    }
}

pub fn local_services(root: &Path) -> DocumentServices {
    common::documents(Storage::local(root))
}

/// POSTs `bytes` as file `name` to the upload route; status and JSON body.
pub async fn upload(env: &Env, name: &str, bytes: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let request = Request::post(format!(
        "/api/projects/{}/documents?name={}",
        env.project,
        name.replace(' ', "%20")
    ))
    .header(header::COOKIE, &env.cookie)
    .header(header::CONTENT_TYPE, "application/pdf")
    .header(header::CONTENT_LENGTH, bytes.len())
    .body(Body::from(bytes))
    .expect("request");
    let response = env.app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = common::body_text(response).await;
    let json = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
    (status, json)
}

/// Waits until the document is ready or failed (a hang fails the test).
pub async fn converted(pool: &PgPool, id: Uuid, limit: Duration) -> DocumentSummary {
    let started = Instant::now();
    loop {
        let summary = documents::summary(pool, id).await.expect("document");
        if matches!(summary.status.as_str(), "ready" | "failed") {
            return summary;
        }
        assert!(
            started.elapsed() < limit,
            "document {} still {} after {limit:?}",
            summary.original_name,
            summary.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn document_id(body: &serde_json::Value) -> Uuid {
    body["id"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok())
        .unwrap_or_else(|| panic!("no document id in {body}"))
}

async fn stored_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
            continue;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

async fn wait_until_gone(storage: &Storage, key: &str) {
    let started = Instant::now();
    while storage.exists(key).await.expect("storage") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{key} was not deleted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn demo_pdf(index: usize) -> Vec<u8> {
    evistream::demo::reports::demo_trial_reports()
        .into_iter()
        .nth(index)
        .expect("demo pdf")
        .bytes
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn uploads_that_fail_a_check_store_nothing(pool: PgPool) {
    let root = tempfile::tempdir().expect("tempdir");
    let mut services = local_services(root.path());
    services.max_upload_bytes = 64 * 1024;
    let env = env(pool.clone(), services).await;

    let (status, body) = upload(&env, "empty.pdf", Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"].as_str().is_some_and(|e| e.contains("empty")),
        "{body}"
    );

    let (status, body) = upload(&env, "notes.pdf", b"just some text, not a PDF".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("not a PDF")),
        "{body}"
    );

    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(65 * 1024, b' ');
    let (status, body) = upload(&env, "big.pdf", big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("too large")),
        "{body}"
    );

    // Without a session: refused before anything is read.
    let anonymous = Request::post(format!(
        "/api/projects/{}/documents?name=a.pdf",
        env.project
    ))
    .body(Body::from(demo_pdf(0)))
    .expect("request");
    let response = env
        .app
        .clone()
        .oneshot(anonymous)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM documents")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
    assert!(stored_files(root.path()).await.is_empty());
    env.stop().await;
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_pdf_is_stored_converted_and_found_by_search(pool: PgPool) {
    let root = tempfile::tempdir().expect("tempdir");
    let env = env(pool.clone(), local_services(root.path())).await;
    let bytes = demo_pdf(0);

    let (status, body) = upload(&env, "My Trial (final).pdf", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = document_id(&body);
    assert_eq!(body["original_name"], "My Trial (final).pdf");

    // The same content again is reported, not stored twice.
    let (status, body) = upload(&env, "copy.pdf", bytes.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("My Trial (final).pdf"))
    );
    let files = stored_files(root.path()).await;
    assert_eq!(files.len(), 1, "{files:?}");
    let stored_name = files[0].to_string_lossy().to_string();
    assert!(
        !stored_name.contains("Trial"),
        "stored under the user's name: {stored_name}"
    );

    let summary = converted(&pool, id, Duration::from_secs(120)).await;
    assert_eq!(summary.status, "ready", "{:?}", summary.failure_reason);
    assert_eq!(summary.page_count, Some(2));
    assert!(summary.title.is_some(), "no title found");

    // A phrase lands on its page; a prefix finds the same words.
    let phrase = evistream::demo::reports::DEMO_SEARCH_PHRASE;
    let results = documents::search(&pool, env.project, &format!("\"{phrase}\""), 10)
        .await
        .expect("search");
    let hits = &results.hits;
    assert!(!hits.is_empty(), "no hit for {phrase:?}");
    assert_eq!(results.passages, hits.len() as i64);
    assert_eq!(results.documents, 1);
    assert_eq!(results.problem, None);
    // The hit says where its passage lies on the page, and the page's text
    // there holds the phrase.
    let page: String = sqlx::query_scalar(
        "SELECT markdown FROM document_pages WHERE document_id = $1 AND page_number = $2",
    )
    .bind(id)
    .bind(hits[0].page_number)
    .fetch_one(&pool)
    .await
    .expect("page");
    let passage: String = page
        .chars()
        .skip(hits[0].char_start as usize)
        .take((hits[0].char_end - hits[0].char_start) as usize)
        .collect();
    let first = phrase.split_whitespace().next().expect("a word");
    assert!(passage.contains(first), "{passage:?} lacks {first:?}");
    assert_eq!(hits[0].document_id, id);
    assert_eq!(
        hits[0].page_number,
        evistream::demo::reports::DEMO_SEARCH_PAGE as i32
    );
    assert!(
        hits[0]
            .snippet
            .contains(evistream::documents::api::HIT_START)
    );
    let first_word = phrase.split_whitespace().next().expect("a word");
    let prefix = &first_word[..first_word.len().min(4)];
    let prefixed = documents::search(&pool, env.project, &format!("{prefix}*"), 10)
        .await
        .expect("search");
    assert!(prefixed.hits.iter().any(|hit| hit.document_id == id));
    let none = documents::search(&pool, env.project, "\"zebra quantum marmalade\"", 10)
        .await
        .expect("search");
    assert!(none.hits.is_empty());
    assert_eq!((none.passages, none.documents), (0, 0));

    // The count covers every match, not only the passages returned.
    let matching: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM document_chunks WHERE project_id = $1 AND search @@ to_tsquery('english', 'particip:*')",
    )
    .bind(env.project)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert!(
        matching >= 2,
        "the demo paper mentions participants in several passages"
    );
    let limited = documents::search(&pool, env.project, "particip*", 1)
        .await
        .expect("search");
    assert_eq!(limited.hits.len(), 1);
    assert_eq!((limited.passages, limited.documents), (matching, 1));

    // A query that cannot be searched as written says why, and finds nothing.
    let broken = documents::search(&pool, env.project, &format!("\"{first}"), 10)
        .await
        .expect("search");
    assert!(broken.hits.is_empty());
    assert!(
        broken
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("is not closed")),
        "{broken:?}"
    );

    // The signed link serves the stored bytes; a tampered one serves nothing.
    let link = documents::download_link(&env.state.platform, &env.state.documents, env.user.id, id)
        .await
        .expect("link");
    let response = common::get(&env.app, &link).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("attachment"))
    );
    let served = axum::body::to_bytes(response.into_body(), 50 << 20)
        .await
        .expect("body");
    assert_eq!(served.as_ref(), bytes.as_slice());
    let mut tampered = link.clone();
    tampered.pop();
    tampered.push(if link.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(
        common::get(&env.app, &tampered).await.status(),
        StatusCode::NOT_FOUND
    );

    // Converting again replaces the text rather than adding to it.
    documents::reconvert(&pool, &env.user, id)
        .await
        .expect("reconvert");
    let again = converted(&pool, id, Duration::from_secs(120)).await;
    assert_eq!(again.status, "ready");
    let pages: i64 =
        sqlx::query_scalar("SELECT count(*) FROM document_pages WHERE document_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("pages");
    assert_eq!(pages, 2);
    env.stop().await;
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn deleting_a_document_or_project_removes_stored_files(pool: PgPool) {
    let root = tempfile::tempdir().expect("tempdir");
    let env = env(pool.clone(), local_services(root.path())).await;
    let mut keys = Vec::new();
    for index in 0..3 {
        let (status, body) = upload(&env, &format!("t{index}.pdf"), demo_pdf(index)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = document_id(&body);
        converted(&pool, id, Duration::from_secs(120)).await;
        let key: String = sqlx::query_scalar("SELECT storage_key FROM documents WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("key");
        assert!(
            env.state
                .documents
                .storage
                .exists(&key)
                .await
                .expect("exists")
        );
        keys.push((id, key));
    }

    let (first, first_key) = keys.remove(0);
    documents::delete(&pool, &env.user, first)
        .await
        .expect("delete");
    wait_until_gone(&env.state.documents.storage, &first_key).await;
    assert!(documents::summary(&pool, first).await.is_err());
    for (_, key) in &keys {
        assert!(
            env.state
                .documents
                .storage
                .exists(key)
                .await
                .expect("exists")
        );
    }

    evistream::projects::server::delete(&pool, &env.user, env.project, "test")
        .await
        .expect("delete project");
    for (_, key) in &keys {
        wait_until_gone(&env.state.documents.storage, key).await;
    }
    let chunks: i64 = sqlx::query_scalar("SELECT count(*) FROM document_chunks")
        .fetch_one(&pool)
        .await
        .expect("chunks");
    assert_eq!(chunks, 0);
    env.stop().await;
}

#[path = "common/corpus.rs"]
mod corpus;
use corpus::corpus_dir;
#[path = "common/damaged.rs"]
mod damaged;

/// POSTs `bytes` to the upload route as the replacement of `document`'s file.
async fn upload_replacement(
    env: &Env,
    cookie: &str,
    document: Uuid,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let request = Request::post(format!(
        "/api/projects/{}/documents?name={name}&replace={document}",
        env.project
    ))
    .header(header::COOKIE, cookie)
    .header(header::CONTENT_TYPE, "application/pdf")
    .header(header::CONTENT_LENGTH, bytes.len())
    .body(Body::from(bytes))
    .expect("request");
    let response = env.app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = common::body_text(response).await;
    let json = serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body));
    (status, json)
}

async fn storage_key(pool: &PgPool, id: Uuid) -> String {
    sqlx::query_scalar("SELECT storage_key FROM documents WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("key")
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_failed_document_takes_a_new_file_in_its_place(pool: PgPool) {
    let root = tempfile::tempdir().expect("tempdir");
    let env = env(pool.clone(), local_services(root.path())).await;
    let locked = std::fs::read(corpus_dir().join("papers/pdfminer_aes-256.pdf")).expect("corpus");
    let (status, body) = upload(&env, "locked.pdf", locked.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = document_id(&body);
    let failed = converted(&pool, id, Duration::from_secs(120)).await;
    assert_eq!(failed.status, "failed");
    let reason = failed.failure_reason.expect("a reason");
    assert!(reason.contains("password-protected"), "{reason}");
    let explanation = evistream::documents::api::failure_explanation(&reason);
    assert!(explanation.starts_with("The file could not be read: it is password-protected"));
    let old_key = storage_key(&pool, id).await;

    // A viewer may not replace it, nor delete it.
    let viewer_email = format!("viewer-{}@example.org", Uuid::new_v4().simple());
    let viewer = common::create_account(&pool, &viewer_email, PASSWORD, Role::User).await;
    sqlx::query(
        "INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'viewer')",
    )
    .bind(env.project)
    .bind(viewer)
    .execute(&pool)
    .await
    .expect("member");
    let viewer_cookie = common::signed_in_cookie(&env.app, &viewer_email, PASSWORD).await;
    let (status, body) =
        upload_replacement(&env, &viewer_cookie, id, "mine.pdf", demo_pdf(0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let forged = common::form_request(
        "/api/delete_document",
        &format!("id={id}"),
        Some(&viewer_cookie),
    );
    let response = env.app.clone().oneshot(forged).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(storage_key(&pool, id).await, old_key);

    // The same file again would fail the same way: refused, nothing stored.
    let (status, body) = upload_replacement(&env, &env.cookie, id, "locked.pdf", locked).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("same file")),
        "{body}"
    );
    assert_eq!(stored_files(root.path()).await.len(), 1);

    // Another file: the same document, converted again, the old file removed
    // by the deletion job.
    let (status, body) =
        upload_replacement(&env, &env.cookie, id, "unlocked.pdf", demo_pdf(0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(document_id(&body), id);
    assert_eq!(body["original_name"], "unlocked.pdf");
    let new_key = storage_key(&pool, id).await;
    assert_ne!(new_key, old_key);
    wait_until_gone(&env.state.documents.storage, &old_key).await;
    let ready = converted(&pool, id, Duration::from_secs(120)).await;
    assert_eq!(ready.status, "ready", "{:?}", ready.failure_reason);
    assert_eq!(ready.failure_reason, None);
    assert!(
        env.state
            .documents
            .storage
            .exists(&new_key)
            .await
            .expect("exists")
    );
    let files = stored_files(root.path()).await;
    assert_eq!(files.len(), 1, "{files:?}");

    // Only a failed document's file can be replaced.
    let (status, body) = upload_replacement(&env, &env.cookie, id, "other.pdf", demo_pdf(1)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // A document of another project is not found through this one.
    let (status, _) =
        upload_replacement(&env, &env.cookie, Uuid::new_v4(), "other.pdf", demo_pdf(1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(stored_files(root.path()).await.len(), 1);
    env.stop().await;
}

/// A paper cut to a seventh of its bytes ends ready with what it holds, and
/// its document and its page say that pages 5–10 could not be read.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_truncated_paper_is_ready_and_says_which_pages_could_not_be_read(pool: PgPool) {
    let root = tempfile::tempdir().expect("tempdir");
    let env = env(pool.clone(), local_services(root.path())).await;
    let bytes =
        damaged::truncated_to_a_seventh(&corpus_dir().join("papers/robotreviewer_example.pdf"));
    let (status, body) = upload(&env, "cut short.pdf", bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = document_id(&body);
    let doc = converted(&pool, id, Duration::from_secs(120)).await;
    assert_eq!(
        (doc.status.as_str(), doc.page_count),
        ("ready", Some(10)),
        "{:?}",
        doc.failure_reason
    );
    let detail = env
        .app
        .clone()
        .oneshot(common::form_request(
            "/api/get_document",
            &format!("id={id}"),
            Some(&env.cookie),
        ))
        .await
        .expect("infallible");
    assert_eq!(detail.status(), StatusCode::OK);
    let detail: serde_json::Value =
        serde_json::from_str(&common::body_text(detail).await).expect("json");
    assert_eq!(
        detail["unreadable_pages"],
        serde_json::json!([5, 6, 7, 8, 9, 10])
    );
    let page = env
        .app
        .clone()
        .oneshot(
            Request::get(format!("/projects/{}/documents/{id}", env.project))
                .header(header::COOKIE, &env.cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let html = common::body_text(page).await;
    assert!(
        html.contains("Pages 5–10 could not be read"),
        "the document page does not say which pages are missing"
    );
    env.stop().await;
}

/// The one outcome a corpus file must end with here (with OCR installed or
/// not: scripts/test installs it and sets EVISTREAM_REQUIRE_OCR).
#[derive(Debug, Clone, PartialEq)]
enum Expected {
    /// The upload is refused with a 422 whose message holds this.
    Refused(&'static str),
    /// Converted: exactly this many pages, these pages unreadable, and the
    /// text holds `text` when given.
    Ready {
        pages: i32,
        unreadable: Vec<i32>,
        text: Option<&'static str>,
    },
    /// Failed with a reason that starts with this.
    Failed(&'static str),
}

fn expected_outcome(file: &str, pages: &str, kind: &str, ocr: bool) -> Expected {
    let ready = |pages: i32| Expected::Ready {
        pages,
        unreadable: Vec::new(),
        text: None,
    };
    match file {
        "hostile_empty.pdf" => Expected::Refused("empty"),
        "hostile_random_bytes.pdf" => Expected::Refused("not a PDF"),
        "hostile_huge_1000p.pdf" => Expected::Refused("too many pages"),
        "pdfminer_aes-256.pdf" | "pdfminer_rc4-40.pdf" => Expected::Failed("password-protected"),
        // A drawing with three words: too little text, even read by OCR.
        "pdfminer_pdf-with-jbig2.pdf" => Expected::Failed("no text layer"),
        "docling_ocr_test.pdf" if ocr => Expected::Ready {
            pages: 1,
            unreadable: Vec::new(),
            text: Some("Docling"),
        },
        "docling_ocr_test.pdf" => Expected::Failed("no text layer"),
        // Cut at 45% of its bytes, after the last page's content: all ten
        // pages are read.
        "hostile_truncated_rct.pdf" => ready(10),
        // A damaged stream the reader recovers whole (as pdftotext does).
        "pdfminer_zen_of_python_corrupted.pdf" => ready(1),
        _ => {
            // A file the manifest calls hostile, a scan or damaged needs its
            // own line above, not the outcome of an intact paper.
            assert!(
                !(kind.contains("hostile") || kind.contains("no text layer"))
                    || kind.contains("empty user password"),
                "{file}: no expected outcome for kind {kind:?}"
            );
            let pages = pages
                .parse()
                .unwrap_or_else(|_| panic!("{file}: the manifest gives no page count"));
            ready(pages)
        }
    }
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn every_corpus_file_ends_with_the_status_its_kind_implies(pool: PgPool) {
    let papers = corpus_dir().join("papers");
    let manifest = std::fs::read_to_string(papers.join("MANIFEST.tsv")).expect("manifest");
    let root = tempfile::tempdir().expect("tempdir");
    let env = env(pool.clone(), local_services(root.path())).await;
    let ocr = evistream::documents::pdf_text::ocr_available();
    assert!(
        ocr || std::env::var_os("EVISTREAM_REQUIRE_OCR").is_none(),
        "EVISTREAM_REQUIRE_OCR is set but tesseract/pdftoppm are missing"
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in manifest.lines().skip(1) {
        let columns: Vec<&str> = line.split('\t').collect();
        let (file, pages, kind) = (columns[0], columns[4], columns[6]);
        let expected = expected_outcome(file, pages, kind, ocr);
        let bytes = std::fs::read(papers.join(file)).expect("corpus file");
        let (status, body) = upload(&env, file, bytes).await;
        checked += 1;
        let got = if status != StatusCode::CREATED {
            format!("HTTP {status} {body}")
        } else {
            let doc = converted(&pool, document_id(&body), Duration::from_secs(240)).await;
            let (text, unreadable): (String, Vec<i32>) = sqlx::query_as(
                "SELECT coalesce((SELECT string_agg(markdown, E'\\n' ORDER BY page_number)
                                  FROM document_pages WHERE document_id = d.id), ''),
                        d.unreadable_pages
                 FROM documents d WHERE d.id = $1",
            )
            .bind(doc.id)
            .fetch_one(&pool)
            .await
            .expect("text");
            format!(
                "{} {:?} pages {:?} unreadable {unreadable:?}{}{}",
                doc.status,
                doc.failure_reason.clone().unwrap_or_default(),
                doc.page_count,
                // A paper read whole holds text, not a few stray glyphs.
                if text.chars().filter(|c| !c.is_whitespace()).count() < 30 {
                    " with almost no text"
                } else {
                    ""
                },
                match &expected {
                    Expected::Ready {
                        text: Some(needle), ..
                    } if !text.contains(needle) => format!(" without {needle:?}"),
                    _ => String::new(),
                }
            )
        };
        let ok = match &expected {
            Expected::Refused(needle) => {
                status == StatusCode::UNPROCESSABLE_ENTITY
                    && body["error"].as_str().is_some_and(|e| e.contains(needle))
            }
            Expected::Failed(needle) => got.starts_with(&format!("failed \"{needle}")),
            Expected::Ready {
                pages, unreadable, ..
            } => got == format!("ready \"\" pages Some({pages}) unreadable {unreadable:?}"),
        };
        if !ok {
            failures.push(format!("{file} ({kind}): expected {expected:?}, got {got}"));
        }
    }
    assert!(checked >= 35, "only {checked} corpus files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    env.stop().await;
}

#[path = "common/s3.rs"]
mod s3;

/// A plain HTTP/1.1 GET (the presigned link is fetched as a browser would,
/// without the SDK). Returns the status and the body.
async fn http_get(url: &str) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = tokio::net::TcpStream::connect(authority)
        .await
        .expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut body = response[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut decoded = Vec::new();
        let mut rest = body.as_slice();
        while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16)
                .expect("chunk size");
            if size == 0 {
                break;
            }
            let start = line_end + 2;
            decoded.extend_from_slice(&rest[start..start + size]);
            rest = &rest[start + size + 2..];
        }
        body = decoded;
    }
    (status, body)
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn the_s3_path_uploads_converts_presigns_and_deletes(pool: PgPool) {
    let server = s3::start_s3_server().await;
    let storage = server.bucket("evistream-test").await;
    let env = env(pool.clone(), common::documents(storage.clone())).await;
    let bytes = demo_pdf(1);

    let (status, body) = upload(&env, "s3 trial.pdf", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = document_id(&body);
    let key: String = sqlx::query_scalar("SELECT storage_key FROM documents WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("key");
    let stored = server.objects("evistream-test").await;
    assert_eq!(stored.keys().collect::<Vec<_>>(), vec![&key]);

    let summary = converted(&pool, id, Duration::from_secs(120)).await;
    assert_eq!(summary.status, "ready", "{:?}", summary.failure_reason);

    let link = documents::download_link(&env.state.platform, &env.state.documents, env.user.id, id)
        .await
        .expect("link");
    assert!(link.starts_with(&server.endpoint), "{link}");
    assert!(link.contains("X-Amz-Signature"), "{link}");
    let (status, served) = http_get(&link).await;
    assert_eq!(status, 200);
    assert_eq!(served, bytes);
    // A link whose signature is altered is refused by the server.
    let at = link.find("X-Amz-Signature=").expect("signature") + "X-Amz-Signature=".len();
    let mut forged = link.clone();
    let replacement = if &link[at..=at] == "0" { "1" } else { "0" };
    forged.replace_range(at..=at, replacement);
    let (status, _) = http_get(&forged).await;
    assert_eq!(status, 403);

    documents::delete(&pool, &env.user, id)
        .await
        .expect("delete");
    wait_until_gone(&storage, &key).await;
    env.stop().await;
}

#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_document_left_without_a_live_job_can_be_converted_again(pool: PgPool) {
    let owner = common::create_account(&pool, "stuck@example.org", PASSWORD, Role::User).await;
    let user = SignedInUser {
        id: owner,
        email: "stuck@example.org".into(),
        role: Role::User,
    };
    let project = evistream::projects::server::create(&pool, owner, "Stuck", "")
        .await
        .expect("project");
    // 'processing' with no job: its worker died on the last attempt.
    let id: Uuid = sqlx::query_scalar(
        r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes, status)
           VALUES ($1, 'stuck.pdf', 'projects/' || $1 || '/stuck.pdf', 'abc', 10, 'processing')
           RETURNING id"#,
    )
    .bind(project)
    .fetch_one(&pool)
    .await
    .expect("document");
    documents::reconvert(&pool, &user, id)
        .await
        .expect("a stuck document can be converted again");
    assert_eq!(
        documents::summary(&pool, id).await.expect("doc").status,
        "pending"
    );
    // Now a job is queued for it: asking again is a conflict, not a second job.
    let again = documents::reconvert(&pool, &user, id).await;
    assert!(
        matches!(again, Err(evistream::error::AppError::Conflict(_))),
        "{again:?}"
    );
    let jobs: i64 =
        sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'documents.convert'")
            .fetch_one(&pool)
            .await
            .expect("jobs");
    assert_eq!(jobs, 1);
}

/// A conversion cancelled while still queued never runs its handler: the
/// job kind's end-of-job hook fails the document with a reason, and
/// "Convert again" works. Two conversions of one document are never live at
/// once, however the second is asked for.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_conversion_cancelled_while_queued_fails_the_document_and_can_be_redone(pool: PgPool) {
    let root = tempfile::tempdir().expect("temp dir");
    let services = local_services(root.path());
    let owner = common::create_account(&pool, "queue@example.org", PASSWORD, Role::User).await;
    let user = SignedInUser {
        id: owner,
        email: "queue@example.org".into(),
        role: Role::User,
    };
    let project = evistream::projects::server::create(&pool, owner, "Queue", "")
        .await
        .expect("project");
    // No workers yet: the conversion stays queued.
    let received = documents::receive_bytes(&demo_pdf(0), u64::MAX)
        .await
        .expect("received");
    let document = documents::ingest(&pool, &services, project, &user, "trial.pdf", received)
        .await
        .expect("ingested");
    let job_of = |pool: PgPool| async move {
        sqlx::query_scalar::<_, Uuid>("SELECT conversion_job FROM documents WHERE id = $1")
            .bind(document.id)
            .fetch_one(&pool)
            .await
            .expect("conversion job")
    };
    let first = job_of(pool.clone()).await;
    evistream::jobs::server::request_cancel(&pool, first)
        .await
        .expect("cancelled");

    // Two "Convert again" at once: exactly one queues a job.
    let (a, b) = tokio::join!(
        documents::reconvert(&pool, &user, document.id),
        documents::reconvert(&pool, &user, document.id)
    );
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    for result in [a, b] {
        if let Err(err) = result {
            assert!(
                matches!(err, evistream::error::AppError::Conflict(_)),
                "{err:?}"
            );
        }
    }
    let second = job_of(pool.clone()).await;
    assert_ne!(first, second);
    // Retrying the cancelled job beside the live one is refused too.
    let retried = evistream::jobs::server::retry(&pool, first).await;
    assert!(
        matches!(retried, Err(evistream::error::AppError::Conflict(_))),
        "{retried:?}"
    );
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'documents.convert' AND status IN ('queued', 'running')",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(live, 1);
    evistream::jobs::server::request_cancel(&pool, second)
        .await
        .expect("cancelled");

    // Workers settle both cancelled jobs; only the document's own job
    // decides its state.
    let shutdown = CancellationToken::new();
    let mut registry = Registry::new();
    documents::register(&mut registry, &services);
    let job_events = JobEvents::new();
    let workers = Workers::spawn(
        pool.clone(),
        registry,
        WorkerSettings::new(2, Duration::from_secs(30)),
        job_events.wake_workers.clone(),
        job_events.running.clone(),
        shutdown.clone(),
    );
    let failed = converted(&pool, document.id, Duration::from_secs(20)).await;
    assert_eq!(failed.status, "failed");
    assert_eq!(
        failed.failure_reason.as_deref(),
        Some("conversion cancelled")
    );

    documents::reconvert(&pool, &user, document.id)
        .await
        .expect("converted again");
    let ready = converted(&pool, document.id, Duration::from_secs(120)).await;
    assert_eq!(ready.status, "ready", "{:?}", ready.failure_reason);
    shutdown.cancel();
    workers.stop(Duration::from_secs(5)).await;
}

/// A file link names no stored key or file name, and stops working as soon
/// as its user loses access to the project.
#[sqlx::test(migrator = "evistream::db::MIGRATOR")]
async fn a_file_link_is_opaque_and_checked_when_used(pool: PgPool) {
    let root = tempfile::tempdir().expect("temp dir");
    let env = env(pool.clone(), local_services(root.path())).await;
    let (status, body) = upload(&env, "Secret Trial Name.pdf", demo_pdf(1)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = document_id(&body);
    common::create_account(&pool, "reader@example.org", PASSWORD, Role::User).await;
    let reader = common::signed_in_cookie(&env.app, "reader@example.org", PASSWORD).await;
    let shared = env
        .app
        .clone()
        .oneshot(common::form_request(
            "/api/share_project",
            &format!("id={}&email=reader%40example.org&role=viewer", env.project),
            Some(&env.cookie),
        ))
        .await
        .expect("infallible");
    assert_eq!(shared.status(), StatusCode::OK);
    let detail = env
        .app
        .clone()
        .oneshot(common::form_request(
            "/api/get_document",
            &format!("id={id}"),
            Some(&reader),
        ))
        .await
        .expect("infallible");
    assert_eq!(detail.status(), StatusCode::OK);
    let detail: serde_json::Value =
        serde_json::from_str(&common::body_text(detail).await).expect("json");
    let link = detail["view_url"].as_str().expect("view url").to_owned();
    // The link's claims are readable by anyone holding it: nothing internal.
    let claims = link
        .trim_start_matches("/files/")
        .split('.')
        .nth(1)
        .expect("JWT payload");
    let claims = String::from_utf8(base64url(claims)).expect("utf-8");
    let key: String = sqlx::query_scalar("SELECT storage_key FROM documents WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("key");
    assert!(!claims.contains(&key), "{claims}");
    assert!(!claims.contains("Secret"), "{claims}");

    let served = common::get(&env.app, &link).await;
    assert_eq!(served.status(), StatusCode::OK);
    let unshared = env
        .app
        .clone()
        .oneshot(common::form_request(
            "/api/unshare_project",
            &format!("id={}&email=reader%40example.org", env.project),
            Some(&env.cookie),
        ))
        .await
        .expect("infallible");
    assert_eq!(unshared.status(), StatusCode::OK);
    assert_eq!(
        common::get(&env.app, &link).await.status(),
        StatusCode::NOT_FOUND,
        "the link died with the reader's access"
    );
    env.stop().await;
}

/// Decodes unpadded base64url (a JWT segment).
fn base64url(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        other => panic!("not base64url: {other}"),
    };
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes() {
        bits = (bits << 6) | u32::from(value(c));
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
