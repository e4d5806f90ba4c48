//! SQL of the `documents`, `document_pages` and `document_chunks` tables, by
//! idea: this module holds the feature's services, the job kinds it
//! registers, the authorisation preamble of its server functions and the
//! reading of documents; `ingest` the upload pipeline (checks, storage,
//! queueing), `conversion` the conversion job, `search`, `links` (file and
//! download links), `deletion` and `activity`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::api::{
    ActivityItem, DocumentDetail, DocumentList, DocumentPage, DocumentSummary, HIT_END, HIT_START,
    PAGES_PER_VIEW, SearchHit, SearchResults,
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

mod activity;
mod conversion;
mod deletion;
mod ingest;
mod links;
mod search;

pub use activity::*;
pub use conversion::*;
pub use deletion::*;
pub use ingest::*;
pub use links::*;
pub use search::*;

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

/// One page of a project's documents, newest first, with the total.
pub async fn list_page(
    pool: &PgPool,
    project: Uuid,
    page: u32,
    page_size: u32,
) -> Result<DocumentList, AppError> {
    let page = page.max(1);
    let offset = i64::from(page - 1) * i64::from(page_size);
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM documents WHERE project_id = $1"#,
        project
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"SELECT id, project_id, original_name, status, failure_reason, page_count, title,
                  year, size_bytes, created_at AS "created_at: DateTime<Utc>"
           FROM documents WHERE project_id = $1 ORDER BY created_at DESC, original_name, id
           LIMIT $2 OFFSET $3"#,
        project,
        i64::from(page_size),
        offset
    )
    .fetch_all(pool)
    .await?;
    Ok(DocumentList {
        documents: rows.into_iter().map(Into::into).collect(),
        total,
        page,
        page_size,
    })
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
    first_page: i32,
) -> Result<DocumentDetail, AppError> {
    let pool = &state.db;
    let document = summary(pool, id).await?;
    let extra = sqlx::query!(
        r#"SELECT d.authors, d.doi, d.sha256, d.unreadable_pages, d.ocr_used, d.conversion_ms, d.storage_key,
                  p.name AS project_name
           FROM documents d JOIN projects p ON p.id = d.project_id WHERE d.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    let pages = sqlx::query_as!(
        DocumentPage,
        r#"SELECT page_number AS number, markdown FROM document_pages
           WHERE document_id = $1 AND page_number >= $2 ORDER BY page_number LIMIT $3"#,
        id,
        first_page,
        i64::from(PAGES_PER_VIEW)
    )
    .fetch_all(pool)
    .await?;
    let stored_pages = sqlx::query_scalar!(
        r#"SELECT count(*)::int AS "n!" FROM document_pages WHERE document_id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    let view_url = file_link(state, services, user, id, true)?;
    Ok(DocumentDetail {
        document,
        project_name: extra.project_name,
        authors: extra.authors,
        doi: extra.doi,
        sha256: extra.sha256,
        unreadable_pages: extra.unreadable_pages,
        ocr_used: extra.ocr_used,
        conversion_ms: extra.conversion_ms,
        pages,
        stored_pages,
        can_edit,
        view_url,
    })
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
