//! SQL of the `documents`, `document_pages` and `document_chunks` tables, the
//! upload pipeline (checks, storage, queueing), the conversion job, search and
//! the deletion of stored files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::api::{
    ActivityItem, DocumentDetail, DocumentPage, DocumentSummary, HIT_END, HIT_START, SearchHit,
    SearchResults,
};
use super::isolation::{self, ChildLimits};
use super::pdf_text::{ConversionFailure, ConvertedDocument};
use crate::auth::authz::{Action, Relation};
use crate::auth::types::SignedInUser;
use crate::config::Config;
use crate::error::AppError;
use crate::jobs::server::{NewJob, enqueue};
use crate::jobs::worker::{JobContext, JobError, JobKind, JobResult, Lease, Registry};
use crate::platform::Platform;
use crate::platform::storage::{self, Storage};

pub const CONVERT_KIND: &str = "documents.convert";
pub const DELETE_FILES_KIND: &str = "storage.delete_files";

/// What the upload pipeline and the conversion job need besides the database.
#[derive(Clone)]
pub struct DocumentServices {
    pub storage: Storage,
    /// The binary whose `pdf-child` subcommand parses PDFs (normally this one).
    pub child_exe: PathBuf,
    pub limits: ChildLimits,
    pub max_upload_bytes: u64,
    pub download_link_ttl: Duration,
    /// Bounds the inspection children that uploads start at once, so many
    /// parallel uploads cannot crowd the web host.
    pub inspections: std::sync::Arc<tokio::sync::Semaphore>,
    /// Conversions one process runs at once: half its workers (at least
    /// one), so other kinds of job are never starved by a batch of uploads.
    pub max_concurrent_conversions: usize,
    /// Uploads in flight per user in this process.
    pub uploads: UploadSlots,
}

/// Counts each user's uploads in flight, so one user cannot hold every
/// connection and temp file of the server (`EVISTREAM_MAX_UPLOADS_PER_USER`).
#[derive(Clone)]
pub struct UploadSlots {
    limit: usize,
    in_flight: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<Uuid, usize>>>,
}

/// One upload's slot, given back when dropped.
pub struct UploadSlot {
    slots: UploadSlots,
    user: Uuid,
}

impl UploadSlots {
    pub fn new(limit: usize) -> Self {
        UploadSlots {
            limit: limit.max(1),
            in_flight: Default::default(),
        }
    }

    pub fn acquire(&self, user: Uuid) -> Result<UploadSlot, AppError> {
        let mut in_flight = self
            .in_flight
            .lock()
            .map_err(|_| AppError::internal("upload slots lock poisoned"))?;
        let count = in_flight.entry(user).or_insert(0);
        if *count >= self.limit {
            return Err(AppError::Busy {
                message: format!(
                    "You are already uploading {} files; wait for one to finish.",
                    self.limit
                ),
                retry_after_secs: 5,
            });
        }
        *count += 1;
        Ok(UploadSlot {
            slots: self.clone(),
            user,
        })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        if let Ok(mut in_flight) = self.slots.in_flight.lock()
            && let Some(count) = in_flight.get_mut(&self.user)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                in_flight.remove(&self.user);
            }
        }
    }
}

impl DocumentServices {
    pub fn new(config: &Config, storage: Storage, child_exe: PathBuf) -> Self {
        DocumentServices {
            storage,
            child_exe,
            limits: ChildLimits {
                memory_mb: config.conversion_memory_mb,
                cpu_seconds: config.conversion_cpu_secs,
                wall_seconds: config.conversion_timeout_secs,
                max_pages: config.max_pages,
            },
            max_upload_bytes: config.max_upload_bytes,
            download_link_ttl: config.download_link_ttl,
            inspections: std::sync::Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            )),
            max_concurrent_conversions: (config.worker_concurrency / 2).max(1),
            uploads: UploadSlots::new(config.max_uploads_per_user),
        }
    }
}

pub fn register(registry: &mut Registry, services: &DocumentServices) {
    let convert_services = services.clone();
    registry.add(
        CONVERT_KIND,
        JobKind::new(move |ctx| {
            let services = convert_services.clone();
            async move { run_conversion(ctx, services).await }
        })
        // A batch of uploads leaves workers for deletions, plans and runs.
        .max_running(services.max_concurrent_conversions)
        .on_ended(|ended| async move {
            let payload: ConvertPayload = ended.payload()?;
            let reason = if ended.cancelled {
                "conversion cancelled"
            } else {
                "could not be converted: the conversion stopped responding"
            };
            mark_failed(&ended.pool, payload.document_id, ended.id, reason, None)
                .await
                .map_err(|err| err.to_string())
        }),
    );
    let storage = services.storage.clone();
    registry.register(DELETE_FILES_KIND, move |ctx| {
        let storage = storage.clone();
        async move { run_file_deletion(ctx, storage).await }
    });
}

// ---------------------------------------------------------------- callers

/// The state and caller of a server function about project `project`, once
/// `action` is allowed there.
pub async fn caller_for_project(
    project: Uuid,
    action: Action,
) -> Result<(Platform, SignedInUser), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    crate::projects::server::authorize(&state.db, &user, project, action).await?;
    Ok((state, user))
}

/// The same for document `id`, decided on its project; also the caller's
/// relation to that project.
pub async fn caller_for_document(
    id: Uuid,
    action: Action,
) -> Result<(Platform, SignedInUser, Relation), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let project = project_of(&state.db, id).await?;
    // A document in a project the caller may not see is "document not
    // found", exactly like a document that does not exist.
    let relation = crate::projects::server::authorize(&state.db, &user, project, action)
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::not_found("document"),
            other => other,
        })?;
    Ok((state, user, relation))
}

/// This feature's services inside a server function (provided as Leptos
/// context by the wiring beside the platform).
pub fn services() -> Result<DocumentServices, AppError> {
    leptos::prelude::use_context::<DocumentServices>().ok_or_else(|| {
        AppError::internal("the document services are missing from the Leptos context")
    })
}

// ---------------------------------------------------------------- reading

struct SummaryRow {
    id: Uuid,
    project_id: Uuid,
    original_name: String,
    status: String,
    failure_reason: Option<String>,
    page_count: Option<i32>,
    title: Option<String>,
    year: Option<i32>,
    size_bytes: i64,
    created_at: DateTime<Utc>,
}

impl From<SummaryRow> for DocumentSummary {
    fn from(row: SummaryRow) -> Self {
        DocumentSummary {
            id: row.id,
            project_id: row.project_id,
            original_name: row.original_name,
            status: row.status,
            failure_reason: row.failure_reason,
            page_count: row.page_count,
            title: row.title,
            year: row.year,
            size_bytes: row.size_bytes,
            created_at: row.created_at,
        }
    }
}

pub async fn list(pool: &PgPool, project: Uuid) -> Result<Vec<DocumentSummary>, AppError> {
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT id, project_id, original_name, status, failure_reason, page_count, title,
                  year, size_bytes, created_at AS "created_at: DateTime<Utc>"
           FROM documents WHERE project_id = $1 ORDER BY created_at DESC, original_name"#,
        project
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn summary(db: impl sqlx::PgExecutor<'_>, id: Uuid) -> Result<DocumentSummary, AppError> {
    let row = sqlx::query_as!(
        SummaryRow,
        r#"SELECT id, project_id, original_name, status, failure_reason, page_count, title,
                  year, size_bytes, created_at AS "created_at: DateTime<Utc>"
           FROM documents WHERE id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("document"))?;
    Ok(row.into())
}

/// The project a document belongs to ("document not found" when there is none).
pub async fn project_of(pool: &PgPool, id: Uuid) -> Result<Uuid, AppError> {
    sqlx::query_scalar!("SELECT project_id FROM documents WHERE id = $1", id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found("document"))
}

pub async fn detail(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
    can_edit: bool,
) -> Result<DocumentDetail, AppError> {
    let pool = &state.db;
    let document = summary(pool, id).await?;
    let extra = sqlx::query!(
        r#"SELECT d.authors, d.doi, d.sha256, d.ocr_used, d.conversion_ms, d.storage_key,
                  p.name AS project_name
           FROM documents d JOIN projects p ON p.id = d.project_id WHERE d.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    let pages = sqlx::query_as!(
        DocumentPage,
        r#"SELECT page_number AS number, markdown FROM document_pages
           WHERE document_id = $1 ORDER BY page_number"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let view_url = file_link(state, services, user, id, true)?;
    Ok(DocumentDetail {
        document,
        project_name: extra.project_name,
        authors: extra.authors,
        doi: extra.doi,
        sha256: extra.sha256,
        ocr_used: extra.ocr_used,
        conversion_ms: extra.conversion_ms,
        pages,
        can_edit,
        view_url,
    })
}

// ---------------------------------------------------------------- file links

/// The claims of a link to a stored file that the app serves itself. They
/// name no storage key or file name: the route looks both up, and checks
/// that the user the link was made for may still read the document.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileClaims {
    /// Always `auth::tokens::FILE_LINK_AUDIENCE`, so no API token passes as a
    /// file link (and no file link as an API token).
    pub aud: String,
    /// The user the link was made for.
    pub sub: Uuid,
    pub doc: Uuid,
    pub inline: bool,
    pub exp: i64,
}

pub const FILE_ROUTE_PREFIX: &str = "/files/";

fn file_link(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
    inline: bool,
) -> Result<String, AppError> {
    let ttl = services.download_link_ttl.as_secs() as i64;
    let claims = FileClaims {
        aud: crate::auth::tokens::FILE_LINK_AUDIENCE.to_owned(),
        sub: user,
        doc: id,
        inline,
        exp: Utc::now().timestamp() + ttl,
    };
    let token = crate::auth::tokens::sign_file_link(&state.token_keys, &claims)?;
    Ok(format!("{FILE_ROUTE_PREFIX}{token}"))
}

/// Where a file link's document is stored and its file name, when `user` is
/// still an active account that may read the document (owner, member, or
/// admin); `None` for a deleted document or a user who lost access.
pub async fn file_for_link(
    pool: &PgPool,
    user: Uuid,
    id: Uuid,
) -> Result<Option<(String, String)>, AppError> {
    let row = sqlx::query!(
        r#"SELECT d.storage_key, d.original_name
           FROM documents d
           JOIN projects p ON p.id = d.project_id
           JOIN users u ON u.id = $2 AND u.is_active
           WHERE d.id = $1
             AND (p.owner_id = u.id OR u.role = 'admin'
                  OR EXISTS (SELECT 1 FROM project_members m
                             WHERE m.project_id = p.id AND m.user_id = u.id))"#,
        id,
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| (row.storage_key, row.original_name)))
}

/// A download link: S3 presigned when files live in S3 (the bucket serves
/// it, so it stays valid for its short life whatever happens meanwhile), else
/// signed by the app and checked again when used.
pub async fn download_link(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
) -> Result<String, AppError> {
    let row = sqlx::query!(
        "SELECT storage_key, original_name FROM documents WHERE id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::not_found("document"))?;
    let storage = &services.storage;
    match storage
        .presigned_download(
            &row.storage_key,
            &row.original_name,
            services.download_link_ttl,
        )
        .await?
    {
        Some(url) => Ok(url),
        None => file_link(state, services, user, id, false),
    }
}

/// A same-origin link for viewing the PDF in the app (the review pane's
/// pdf.js fetches it, which a presigned S3 link would not allow).
pub fn view_link(
    state: &Platform,
    services: &DocumentServices,
    user: Uuid,
    id: Uuid,
) -> Result<String, AppError> {
    file_link(state, services, user, id, true)
}

// ---------------------------------------------------------------- upload

/// An upload received into a temporary file, with its digest.
pub struct ReceivedFile {
    pub file: tempfile::TempPath,
    pub sha256: String,
    pub size: u64,
    /// The first bytes, for the signature check.
    pub head: Vec<u8>,
}

/// Writes `chunks` to a temporary file, hashing as it goes and refusing more
/// than `max_bytes` (without reading further).
pub async fn receive<S, E>(mut chunks: S, max_bytes: u64) -> Result<ReceivedFile, AppError>
where
    S: futures::Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    use futures::StreamExt;
    let temp = tempfile::NamedTempFile::new()
        .map_err(|err| AppError::internal(format!("creating a temporary file: {err}")))?
        .into_temp_path();
    let mut file = tokio::fs::File::create(&temp)
        .await
        .map_err(|err| AppError::internal(format!("opening a temporary file: {err}")))?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|err| {
            let err = err.to_string();
            // The router's body timeout (EVISTREAM_BODY_TIMEOUT_SECS).
            if err.contains("timeout") || err.contains("timed out") {
                AppError::TimedOut("The upload stopped sending data; please try again.".to_owned())
            } else {
                AppError::invalid("file", format!("the upload was interrupted: {err}"))
            }
        })?;
        size += chunk.len() as u64;
        if size > max_bytes {
            return Err(too_large(max_bytes));
        }
        if head.len() < 1024 {
            let wanted = (1024 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
        }
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|err| AppError::internal(format!("writing a temporary file: {err}")))?;
    }
    file.flush()
        .await
        .map_err(|err| AppError::internal(format!("writing a temporary file: {err}")))?;
    Ok(ReceivedFile {
        file: temp,
        sha256: hex(&hasher.finalize()),
        size,
        head,
    })
}

/// Reads from memory instead (the demo project's generated files).
pub async fn receive_bytes(bytes: &[u8], max_bytes: u64) -> Result<ReceivedFile, AppError> {
    let chunk: Result<axum::body::Bytes, std::convert::Infallible> =
        Ok(axum::body::Bytes::copy_from_slice(bytes));
    receive(futures::stream::iter([chunk]), max_bytes).await
}

fn too_large(max_bytes: u64) -> AppError {
    AppError::invalid(
        "file",
        format!(
            "The file is too large: the limit is {} MB.",
            max_bytes.div_ceil(1024 * 1024)
        ),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file name as metadata: trimmed, no path, no control characters, bounded.
pub fn clean_file_name(raw: &str) -> Result<String, AppError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let name: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(255)
        .collect::<String>()
        .trim()
        .to_owned();
    if name.is_empty() {
        return Err(AppError::invalid("name", "The file needs a name."));
    }
    Ok(name)
}

/// Checks a received file, stores it under a generated key and queues its
/// conversion. Nothing is stored when a check fails; a file already in the
/// project is reported, not stored twice.
pub async fn ingest(
    pool: &PgPool,
    services: &DocumentServices,
    project: Uuid,
    user: &SignedInUser,
    original_name: &str,
    received: ReceivedFile,
) -> Result<DocumentSummary, AppError> {
    let name = clean_file_name(original_name)?;
    let key = check_and_store(pool, services, project, None, &name, &received).await?;
    let stored = insert_and_queue(pool, project, user, &name, &key, &received).await;
    if stored.is_err() {
        remove_refused(services, &key).await;
    }
    stored
}

/// Puts a new file in the place of a document whose conversion failed: the
/// same checks as an upload, then, in one transaction, the row takes the new
/// file (its old text and metadata cleared), its conversion is queued and the
/// old file's removal is queued as every deletion's is.
pub async fn replace_file(
    pool: &PgPool,
    services: &DocumentServices,
    project: Uuid,
    user: &SignedInUser,
    document: Uuid,
    original_name: &str,
    received: ReceivedFile,
) -> Result<DocumentSummary, AppError> {
    let name = clean_file_name(original_name)?;
    // Refuse early what the transaction would refuse, before storing anything.
    replaceable(pool, project, document, &received).await?;
    let key = check_and_store(pool, services, project, Some(document), &name, &received).await?;
    let replaced = swap_file_and_queue(pool, project, user, document, &name, &key, &received).await;
    if replaced.is_err() {
        remove_refused(services, &key).await;
    }
    replaced
}

async fn remove_refused(services: &DocumentServices, key: &str) {
    if let Err(err) = services.storage.delete(key).await {
        tracing::warn!(key = %key, error = %err, "could not remove the file of a refused upload");
    }
}

/// Whether `document` of `project` may take `received` in its place: it
/// exists there, its conversion failed, and the new file is another file.
async fn replaceable(
    db: impl sqlx::PgExecutor<'_>,
    project: Uuid,
    document: Uuid,
    received: &ReceivedFile,
) -> Result<String, AppError> {
    let row = sqlx::query!(
        "SELECT status, sha256, storage_key FROM documents WHERE id = $1 AND project_id = $2",
        document,
        project
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::not_found("document"))?;
    if row.status != "failed" {
        return Err(AppError::Conflict(
            "Only a document whose conversion failed can have its file replaced.".to_owned(),
        ));
    }
    if row.sha256 == received.sha256 {
        return Err(AppError::invalid(
            "file",
            "This is the same file that failed; it would fail the same way. Choose another copy of the PDF.",
        ));
    }
    Ok(row.storage_key)
}

/// The checks every new file passes, then the file stored under a new key
/// (returned). `replacing` is the document the file will replace, which the
/// duplicate check leaves out.
async fn check_and_store(
    pool: &PgPool,
    services: &DocumentServices,
    project: Uuid,
    replacing: Option<Uuid>,
    name: &str,
    received: &ReceivedFile,
) -> Result<String, AppError> {
    if received.size == 0 {
        return Err(AppError::invalid("file", EMPTY_FILE));
    }
    if !has_pdf_signature(&received.head) {
        return Err(AppError::invalid("file", NOT_A_PDF));
    }
    if let Some(existing) = sqlx::query_scalar!(
        r#"SELECT original_name FROM documents
           WHERE project_id = $1 AND sha256 = $2 AND id IS DISTINCT FROM $3"#,
        project,
        received.sha256,
        replacing
    )
    .fetch_optional(pool)
    .await?
    {
        return Err(duplicate(&existing));
    }
    // The page count needs a parse, which happens in the isolated child. The
    // uploader is waiting, so inspection gets a short leash; a file it cannot
    // finish is stored and the conversion (with the full limits) says why.
    let inspection_limits = ChildLimits {
        cpu_seconds: services.limits.cpu_seconds.min(INSPECTION_SECONDS),
        wall_seconds: services.limits.wall_seconds.min(INSPECTION_SECONDS),
        ..services.limits.clone()
    };
    let permit = services
        .inspections
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable("the server is shutting down".to_owned()))?;
    let inspection =
        isolation::inspect_in_child(&services.child_exe, &received.file, &inspection_limits).await;
    drop(permit);
    match inspection {
        Ok(inspection) => {
            if let Some(pages) = inspection.page_count
                && pages > services.limits.max_pages
            {
                return Err(refusal(&ConversionFailure::TooManyPages {
                    pages,
                    limit: services.limits.max_pages,
                }));
            }
        }
        Err(
            failure @ (ConversionFailure::NotPdf
            | ConversionFailure::Empty
            | ConversionFailure::TooManyPages { .. }),
        ) => {
            return Err(refusal(&failure));
        }
        // Encrypted, damaged, or too hard to inspect: stored, and the
        // conversion records what can (or cannot) be read.
        Err(other) => {
            tracing::info!(project = %project, file = %name, reason = %other.reason(), "upload inspection found a problem; conversion will report it");
        }
    }

    let key = storage::new_document_key(project);
    services.storage.put_file(&key, &received.file).await?;
    Ok(key)
}

/// The row of `document` takes the stored file `key`, in one transaction
/// with its conversion and the removal of the file it had.
async fn swap_file_and_queue(
    pool: &PgPool,
    project: Uuid,
    user: &SignedInUser,
    document: Uuid,
    name: &str,
    key: &str,
    received: &ReceivedFile,
) -> Result<DocumentSummary, AppError> {
    let mut tx = pool.begin().await?;
    // The row lock makes a second replacement (or a deletion) wait and then
    // see this one's outcome.
    sqlx::query!(
        "SELECT id FROM documents WHERE id = $1 FOR UPDATE",
        document
    )
    .fetch_optional(&mut *tx)
    .await?;
    let old_key = replaceable(&mut *tx, project, document, received).await?;
    sqlx::query!(
        r#"UPDATE documents
           SET original_name = $2, storage_key = $3, sha256 = $4, size_bytes = $5,
               status = 'pending', failure_reason = NULL, page_count = NULL, title = NULL,
               authors = '{}', year = NULL, doi = NULL, ocr_used = false, conversion_ms = NULL,
               text_version = text_version + 1, uploaded_by = $6, updated_at = now()
           WHERE id = $1"#,
        document,
        name,
        key,
        received.sha256,
        received.size as i64,
        user.id
    )
    .execute(&mut *tx)
    .await
    .map_err(|err| match &err {
        sqlx::Error::Database(db) if db.constraint() == Some("documents_project_sha256_key") => {
            duplicate(name)
        }
        _ => err.into(),
    })?;
    // A failed document has no text, but a conversion that failed after an
    // earlier success would have left some: it belongs to the old file.
    sqlx::query!(
        "DELETE FROM document_pages WHERE document_id = $1",
        document
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM document_chunks WHERE document_id = $1",
        document
    )
    .execute(&mut *tx)
    .await?;
    queue_conversion(&mut tx, project, user.id, document).await?;
    queue_file_deletion(&mut tx, user.id, vec![old_key]).await?;
    let summary = summary(&mut *tx, document).await?;
    tx.commit().await?;
    Ok(summary)
}

/// An upload refused for what its inspection found, as a sentence
/// ("The file is not a PDF: …").
fn refusal(failure: &ConversionFailure) -> AppError {
    let message = match failure {
        ConversionFailure::NotPdf => NOT_A_PDF.to_owned(),
        ConversionFailure::Empty => EMPTY_FILE.to_owned(),
        ConversionFailure::TooManyPages { pages, limit } => {
            format!("The file has too many pages: {pages} pages, the limit is {limit}.")
        }
        other => super::api::sentence(&format!("The file was refused: {}", other.reason())),
    };
    AppError::invalid("file", message)
}

const NOT_A_PDF: &str = "The file is not a PDF: it does not start with the %PDF- signature.";
const EMPTY_FILE: &str = "The file is empty: it has no bytes.";

/// The most an upload waits for its page count.
const INSPECTION_SECONDS: u64 = 20;

fn duplicate(existing: &str) -> AppError {
    AppError::Conflict(format!(
        "This file is already in the project as \u{201c}{existing}\u{201d} (same content)."
    ))
}

/// `%PDF-` within the first 1024 bytes, as PDF readers accept it.
pub fn has_pdf_signature(head: &[u8]) -> bool {
    head.windows(5).any(|window| window == b"%PDF-")
}

/// Writes the row and queues the conversion in one transaction. Everything
/// that can fail happens before the commit, so an error means nothing was
/// written (and the caller removes the stored file).
async fn insert_and_queue(
    pool: &PgPool,
    project: Uuid,
    user: &SignedInUser,
    name: &str,
    key: &str,
    received: &ReceivedFile,
) -> Result<DocumentSummary, AppError> {
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO documents (project_id, original_name, storage_key, sha256, size_bytes, uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (project_id, sha256) DO NOTHING
           RETURNING id"#,
        project,
        name,
        key,
        received.sha256,
        received.size as i64,
        user.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = inserted else {
        // Two uploads of the same file raced; the other one won.
        return Err(duplicate(name));
    };
    queue_conversion(&mut tx, project, user.id, id).await?;
    let document = summary(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(document)
}

/// Queues the conversion of document `id` and makes it the document's
/// conversion, so only that job may record the outcome.
async fn queue_conversion(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    project: Uuid,
    user: Uuid,
    id: Uuid,
) -> Result<Uuid, AppError> {
    let name = sqlx::query_scalar!("SELECT original_name FROM documents WHERE id = $1", id)
        .fetch_one(&mut **tx)
        .await?;
    let job = enqueue(
        tx,
        NewJob {
            max_attempts: 3,
            owner_id: Some(user),
            project_id: Some(project),
            subject: Some(format!("document:{id}")),
            title: Some(format!("Conversion of “{name}”")),
            link: Some(format!("/projects/{project}/documents/{id}")),
            ..NewJob::new(CONVERT_KIND, serde_json::json!({ "document_id": id }))
        },
    )
    .await?;
    sqlx::query!(
        "UPDATE documents SET conversion_job = $2 WHERE id = $1",
        id,
        job
    )
    .execute(&mut **tx)
    .await?;
    Ok(job)
}

pub async fn reconvert(pool: &PgPool, user: &SignedInUser, id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let project = sqlx::query_scalar!(
        r#"UPDATE documents d SET status = 'pending', failure_reason = NULL, updated_at = now()
           WHERE d.id = $1
             AND (d.status IN ('ready', 'failed')
                  -- pending or processing with no job left to finish it
                  -- (cancelled while queued, or its worker died on the last attempt)
                  OR NOT EXISTS (
                      SELECT 1 FROM jobs j
                      WHERE j.kind = 'documents.convert' AND j.status IN ('queued', 'running')
                        AND j.payload->>'document_id' = d.id::text))
           RETURNING project_id"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("The document is being converted already.".to_owned()))?;
    queue_conversion(&mut tx, project, user.id, id).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- deletion

async fn queue_file_deletion(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: Uuid,
    keys: Vec<String>,
) -> Result<(), AppError> {
    if keys.is_empty() {
        return Ok(());
    }
    enqueue(
        tx,
        NewJob {
            max_attempts: 10,
            owner_id: Some(user),
            title: Some(match keys.len() {
                1 => "Deleting a stored file".to_owned(),
                n => format!("Deleting {n} stored files"),
            }),
            ..NewJob::new(DELETE_FILES_KIND, serde_json::json!({ "keys": keys }))
        },
    )
    .await?;
    Ok(())
}

/// Deletes a document's rows now and its stored file in a background job.
pub async fn delete(pool: &PgPool, user: &SignedInUser, id: Uuid) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let key = sqlx::query_scalar!(
        "DELETE FROM documents WHERE id = $1 RETURNING storage_key",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::not_found("document"))?;
    queue_file_deletion(&mut tx, user.id, vec![key]).await?;
    tx.commit().await?;
    Ok(())
}

/// Inside a project's deletion: queues the removal of all its stored files.
pub async fn queue_project_file_deletion(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: Uuid,
    project: Uuid,
) -> Result<(), AppError> {
    // Locking the project first makes a concurrent upload either commit
    // before (its key is collected here) or fail on the foreign key after.
    sqlx::query!("SELECT id FROM projects WHERE id = $1 FOR UPDATE", project)
        .fetch_optional(&mut **tx)
        .await?;
    let keys = sqlx::query_scalar!(
        "SELECT storage_key FROM documents WHERE project_id = $1",
        project
    )
    .fetch_all(&mut **tx)
    .await?;
    queue_file_deletion(tx, user, keys).await
}

#[derive(Deserialize)]
struct DeleteFilesPayload {
    keys: Vec<String>,
}

async fn run_file_deletion(ctx: JobContext, storage: Storage) -> JobResult {
    let payload: DeleteFilesPayload = ctx.payload()?;
    let total = payload.keys.len() as i32;
    for (done, key) in payload.keys.iter().enumerate() {
        // Deleting is idempotent, so a retry after a crash redoes it safely.
        storage
            .delete(key)
            .await
            .map_err(|err| JobError::Retry(err.to_string()))?;
        ctx.progress(done as i32 + 1, total, "deleting stored files")
            .await?;
    }
    ctx.log(&format!("deleted {total} stored file(s)")).await;
    Ok(())
}

// ---------------------------------------------------------------- conversion

#[derive(Deserialize)]
struct ConvertPayload {
    document_id: Uuid,
}

async fn run_conversion(ctx: JobContext, services: DocumentServices) -> JobResult {
    let payload: ConvertPayload = ctx.payload()?;
    let id = payload.document_id;
    let job = ctx.job.id;
    let outcome = match convert_document(&ctx, &services, id).await {
        Ok(Converted::Done) => return Ok(()),
        // The file cannot be read: the document says why already, and for
        // the user this conversion failed (the Jobs page says so too).
        // Retrying would give the same answer.
        Ok(Converted::Unreadable(reason)) => return Err(JobError::Fail(reason)),
        Err(err) => Err(err),
    };
    // Whatever ends this job for good also ends the document's "processing".
    let reason = match &outcome {
        Ok(()) => return Ok(()),
        Err(JobError::Retry(_)) if ctx.job.attempts < ctx.job.max_attempts => return outcome,
        Err(JobError::Retry(detail) | JobError::Fail(detail)) => {
            format!("could not be converted: {detail}")
        }
        Err(JobError::Cancelled) => "conversion cancelled".to_owned(),
    };
    if let Err(err) = mark_failed(&ctx.db, id, job, &reason, Some(&ctx.lease())).await {
        tracing::warn!(document = %id, error = %err, "could not record the end of a conversion");
    }
    outcome
}

/// How a conversion that ran to its end went.
enum Converted {
    Done,
    /// The PDF cannot be read; the document is marked failed with this reason.
    Unreadable(String),
}

async fn convert_document(
    ctx: &JobContext,
    services: &DocumentServices,
    id: Uuid,
) -> Result<Converted, JobError> {
    let retry = |err: AppError| JobError::Retry(err.to_string());
    let job = ctx.job.id;
    let Some(key) = sqlx::query_scalar!(
        r#"UPDATE documents SET status = 'processing', failure_reason = NULL,
               conversion_job = $2, updated_at = now()
           WHERE id = $1 RETURNING storage_key"#,
        id,
        job
    )
    .fetch_optional(&ctx.db)
    .await
    .map_err(|err| JobError::Retry(err.to_string()))?
    else {
        ctx.log("the document was deleted before its conversion")
            .await;
        return Ok(Converted::Done);
    };
    ctx.progress(0, 3, "fetching the file").await?;
    let work = tempfile::NamedTempFile::new()
        .map_err(|err| JobError::Retry(format!("creating a temporary file: {err}")))?
        .into_temp_path();
    services
        .storage
        .fetch_to_file(&key, &work)
        .await
        .map_err(retry)?;
    ctx.progress(1, 3, "reading the PDF").await?;
    let outcome = tokio::select! {
        outcome = isolation::convert_in_child(&services.child_exe, &work, &services.limits) => outcome,
        _ = ctx.cancelled() => return Err(JobError::Cancelled),
    };
    match outcome {
        Ok((converted, stats)) => {
            ctx.progress(2, 3, "indexing the text").await?;
            let pages = converted.pages.len();
            save_conversion(&ctx.db, id, &ctx.lease(), &converted, stats.wall_ms)
                .await
                .map_err(retry)?;
            ctx.log(&format!(
                "converted {pages} page(s) in {} ms (peak memory {} MB{})",
                stats.wall_ms,
                stats.peak_rss_kb / 1024,
                if converted.ocr_used { ", OCR" } else { "" }
            ))
            .await;
            ctx.progress(3, 3, "ready").await?;
            Ok(Converted::Done)
        }
        Err(failure) => {
            let reason = failure.reason();
            tracing::info!(document = %id, reason = %reason, "conversion failed");
            mark_failed(&ctx.db, id, job, &reason, Some(&ctx.lease()))
                .await
                .map_err(retry)?;
            ctx.log(&format!("not converted: {reason}")).await;
            Ok(Converted::Unreadable(reason))
        }
    }
}

/// Records a failure, only while `job` still owns the document (a
/// superseded job — the document was converted again — leaves it alone) and,
/// from a running handler, only while its attempt still holds the job (a run
/// that was taken over leaves it to its successor).
async fn mark_failed(
    pool: &PgPool,
    id: Uuid,
    job: Uuid,
    reason: &str,
    lease: Option<&Lease>,
) -> Result<(), AppError> {
    let (worker, attempt) = lease.map_or((None, None), |lease| {
        (Some(lease.worker.as_str()), Some(lease.attempt))
    });
    sqlx::query!(
        r#"UPDATE documents SET status = 'failed', failure_reason = $3, updated_at = now()
           WHERE id = $1 AND conversion_job = $2 AND status <> 'ready'
             AND ($4::text IS NULL OR EXISTS (
                 SELECT 1 FROM jobs j WHERE j.id = $2 AND j.status = 'running'
                   AND j.locked_by = $4 AND j.attempts = $5))"#,
        id,
        job,
        reason,
        worker,
        attempt
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A passage of a page, with character offsets into the page's markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub page_number: i32,
    pub char_start: i32,
    pub char_end: i32,
    pub content: String,
}

/// Target size of a chunk in characters: a paragraph or a few, enough context
/// for a snippet, small enough that a hit points at a place on the page.
const CHUNK_CHARS: usize = 1200;

/// Splits each page into chunks at paragraph breaks (blank lines), never
/// across pages. A paragraph longer than a chunk is cut at a line or word
/// break.
pub fn chunk_pages(pages: &[(i32, &str)]) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for &(page_number, text) in pages {
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            // Skip leading whitespace so chunks start at text.
            while start < chars.len() && chars[start].is_whitespace() {
                start += 1;
            }
            if start >= chars.len() {
                break;
            }
            let limit = (start + CHUNK_CHARS).min(chars.len());
            let mut end = limit;
            if limit < chars.len() {
                let window = &chars[start..limit];
                let paragraph = (1..window.len())
                    .rev()
                    .find(|&i| window[i] == '\n' && window[i - 1] == '\n');
                let line = window.iter().rposition(|&c| c == '\n');
                let word = window.iter().rposition(|c| c.is_whitespace());
                let cut = paragraph
                    .filter(|&i| i > CHUNK_CHARS / 3)
                    .or(line.filter(|&i| i > CHUNK_CHARS / 3))
                    .or(word.filter(|&i| i > 0));
                if let Some(cut) = cut {
                    end = start + cut;
                }
            }
            let content: String = chars[start..end].iter().collect();
            let trimmed_len = content.trim_end().chars().count();
            if trimmed_len > 0 {
                chunks.push(Chunk {
                    page_number,
                    char_start: start as i32,
                    char_end: (start + trimmed_len) as i32,
                    content: content.trim_end().to_owned(),
                });
            }
            start = end;
        }
    }
    chunks
}

async fn save_conversion(
    pool: &PgPool,
    id: Uuid,
    lease: &Lease,
    converted: &ConvertedDocument,
    wall_ms: u64,
) -> Result<(), AppError> {
    let numbers: Vec<i32> = converted.pages.iter().map(|p| p.number as i32).collect();
    // PostgreSQL text cannot hold NUL; PDFs sometimes produce it.
    let texts: Vec<String> = converted
        .pages
        .iter()
        .map(|p| p.markdown.replace('\0', ""))
        .collect();
    let pages: Vec<(i32, &str)> = numbers
        .iter()
        .copied()
        .zip(texts.iter().map(String::as_str))
        .collect();
    let chunks = chunk_pages(&pages);
    let meta = &converted.metadata;

    let mut tx = pool.begin().await?;
    let job = lease.job;
    let project = sqlx::query_scalar!(
        r#"SELECT d.project_id FROM documents d
           WHERE d.id = $1 AND d.conversion_job = $2
             AND EXISTS (SELECT 1 FROM jobs j WHERE j.id = $2 AND j.status = 'running'
                           AND j.locked_by = $3 AND j.attempts = $4)
           FOR UPDATE OF d"#,
        id,
        job,
        lease.worker,
        lease.attempt
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(project) = project else {
        // Deleted while converting, converted again since, or this attempt
        // was taken over: nothing to save.
        return Ok(());
    };
    // A re-run replaces the previous text whole.
    sqlx::query!("DELETE FROM document_pages WHERE document_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM document_chunks WHERE document_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        r#"INSERT INTO document_pages (document_id, page_number, markdown)
           SELECT $1, * FROM UNNEST($2::int4[], $3::text[])"#,
        id,
        &numbers,
        &texts
    )
    .execute(&mut *tx)
    .await?;
    let indexes: Vec<i32> = (0..chunks.len() as i32).collect();
    let chunk_pages: Vec<i32> = chunks.iter().map(|c| c.page_number).collect();
    let starts: Vec<i32> = chunks.iter().map(|c| c.char_start).collect();
    let ends: Vec<i32> = chunks.iter().map(|c| c.char_end).collect();
    let contents: Vec<String> = chunks.into_iter().map(|c| c.content).collect();
    sqlx::query!(
        r#"INSERT INTO document_chunks
               (document_id, project_id, chunk_index, page_number, char_start, char_end, content)
           SELECT $1, $2, * FROM UNNEST($3::int4[], $4::int4[], $5::int4[], $6::int4[], $7::text[])"#,
        id,
        project,
        &indexes,
        &chunk_pages,
        &starts,
        &ends,
        &contents
    )
    .execute(&mut *tx)
    .await?;
    let clip = |value: &Option<String>, max: usize| {
        value
            .as_deref()
            .map(|v| v.replace('\0', "").chars().take(max).collect::<String>())
    };
    let authors: Vec<String> = meta
        .authors
        .iter()
        .take(100)
        .map(|a| a.replace('\0', "").chars().take(200).collect())
        .collect();
    sqlx::query!(
        r#"UPDATE documents SET status = 'ready', failure_reason = NULL, page_count = $2,
               title = $3, authors = $4, year = $5, doi = $6, ocr_used = $7,
               conversion_ms = $8, text_version = text_version + 1, updated_at = now()
           WHERE id = $1"#,
        id,
        meta.page_count as i32,
        clip(&meta.title, 500),
        &authors,
        meta.year,
        clip(&meta.doi, 200),
        converted.ocr_used,
        wall_ms.min(i32::MAX as u64) as i32
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- search

/// The best `limit` passages of a project matching `query`, with the number
/// of all matching passages and documents, or what is wrong with the query.
pub async fn search(
    pool: &PgPool,
    project: Uuid,
    query: &str,
    limit: i64,
) -> Result<SearchResults, AppError> {
    if let Some(problem) = super::api::search_problem(query) {
        return Ok(SearchResults {
            problem: Some(problem),
            ..SearchResults::default()
        });
    }
    let Some(expression) = super::api::search_expression(query) else {
        return Ok(SearchResults::default());
    };
    let headline = format!(
        "StartSel={HIT_START}, StopSel={HIT_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    // Counting every match and ranking them reads the same rows; the
    // snippets, the costly part, are made only for the passages returned.
    let hits = sqlx::query!(
        r#"WITH q AS (SELECT to_tsquery('english', $2) AS query),
           matches AS (
               SELECT c.document_id, c.chunk_index, ts_rank_cd(c.search, q.query) AS rank
               FROM document_chunks c CROSS JOIN q
               WHERE c.project_id = $1 AND c.search @@ q.query),
           totals AS (
               SELECT count(*) AS passages, count(DISTINCT document_id) AS documents FROM matches),
           best AS (
               SELECT m.* FROM matches m JOIN documents d ON d.id = m.document_id
               ORDER BY m.rank DESC, d.original_name, m.chunk_index
               LIMIT $4)
           SELECT c.document_id, d.original_name, d.title, c.page_number, c.char_start, c.char_end,
                  ts_headline('english', c.content, q.query, $3) AS "snippet!",
                  best.rank AS "rank!",
                  totals.passages AS "passages!", totals.documents AS "documents!"
           FROM best
           JOIN document_chunks c ON c.document_id = best.document_id AND c.chunk_index = best.chunk_index
           JOIN documents d ON d.id = c.document_id
           CROSS JOIN q CROSS JOIN totals
           ORDER BY best.rank DESC, d.original_name, c.chunk_index"#,
        project,
        expression,
        headline,
        limit
    )
    .fetch_all(pool)
    .await?;
    let (passages, documents) = hits
        .first()
        .map_or((0, 0), |hit| (hit.passages, hit.documents));
    Ok(SearchResults {
        hits: hits
            .into_iter()
            .map(|hit| SearchHit {
                document_id: hit.document_id,
                document_name: hit.original_name,
                title: hit.title,
                page_number: hit.page_number,
                char_start: hit.char_start,
                char_end: hit.char_end,
                snippet: hit.snippet,
                rank: hit.rank,
            })
            .collect(),
        passages,
        documents,
        problem: None,
    })
}

// ---------------------------------------------------------------- activity

pub async fn activity(
    pool: &PgPool,
    project: Uuid,
    limit: i64,
) -> Result<Vec<ActivityItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT at AS "at!: DateTime<Utc>", text AS "text!", href FROM (
               SELECT d.created_at AS at, 'Uploaded ' || d.original_name AS text,
                      '/projects/' || d.project_id || '/documents/' || d.id AS href
               FROM documents d WHERE d.project_id = $1
               UNION ALL
               SELECT d.updated_at, CASE d.status
                          WHEN 'ready' THEN 'Converted ' || d.original_name
                          ELSE 'Could not convert ' || d.original_name || ': ' || coalesce(d.failure_reason, '') END,
                      '/projects/' || d.project_id || '/documents/' || d.id
               FROM documents d WHERE d.project_id = $1 AND d.status IN ('ready', 'failed')
               UNION ALL
               SELECT j.created_at, 'Job ' || j.kind || ': ' || j.status, '/jobs/' || j.id
               FROM jobs j WHERE j.project_id = $1 AND j.kind <> 'documents.convert'
           ) items ORDER BY at DESC LIMIT $2"#,
        project,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ActivityItem {
            at: row.at,
            text: row.text,
            href: row.href,
        })
        .collect())
}

/// Used by tests and benchmarks: converts a file already on disk, in the
/// isolated child, exactly as the job does.
pub async fn convert_file(
    services: &DocumentServices,
    path: &Path,
) -> Result<ConvertedDocument, ConversionFailure> {
    isolation::convert_in_child(&services.child_exe, path, &services.limits)
        .await
        .map(|(converted, _)| converted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_found_in_the_first_kilobyte_only_as_given() {
        assert!(has_pdf_signature(b"%PDF-1.7\n"));
        assert!(has_pdf_signature(b"\xef\xbb\xbfjunk %PDF-1.4"));
        assert!(!has_pdf_signature(b"PK\x03\x04 a zip"));
        assert!(!has_pdf_signature(b""));
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\x\\Smith 2020.pdf").ok(),
            Some("Smith 2020.pdf".into())
        );
        assert_eq!(
            clean_file_name("../../etc/passwd").ok(),
            Some("passwd".into())
        );
        assert_eq!(
            clean_file_name("a\u{0}b\nc.pdf").ok(),
            Some("abc.pdf".into())
        );
        assert!(clean_file_name("  ").is_err());
    }

    #[test]
    fn chunks_stay_on_their_page_and_point_at_their_text() {
        let long = "word ".repeat(700);
        let page2 = format!("First paragraph.\n\n{long}\n\nLast line.");
        let pages = [(1, "Title\n\nAbstract text."), (2, page2.as_str())];
        let chunks = chunk_pages(&pages);
        assert!(chunks.len() >= 3, "{chunks:?}");
        for chunk in &chunks {
            let text = pages
                .iter()
                .find(|(n, _)| *n == chunk.page_number)
                .map(|(_, t)| *t)
                .unwrap_or_default();
            let slice: String = text
                .chars()
                .skip(chunk.char_start as usize)
                .take((chunk.char_end - chunk.char_start) as usize)
                .collect();
            assert_eq!(slice, chunk.content);
            assert!(chunk.content.chars().count() <= CHUNK_CHARS);
        }
        assert_eq!(chunks[0].page_number, 1);
        assert!(
            chunks
                .last()
                .is_some_and(|c| c.content.ends_with("Last line."))
        );
    }

    #[test]
    fn blank_pages_give_no_chunks() {
        assert!(chunk_pages(&[(1, "  \n\n "), (2, "")]).is_empty());
    }
}
