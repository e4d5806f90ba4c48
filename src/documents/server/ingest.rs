//! Upload: an uploaded PDF from its bytes to a stored file, a row and a queued conversion — its checks, the inspection child, duplicates, and putting a new file in place of a failed document's.

use super::*;

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

pub(super) fn too_large(max_bytes: u64) -> AppError {
    AppError::invalid(
        "file",
        format!(
            "The file is too large: the limit is {} MB.",
            max_bytes.div_ceil(1024 * 1024)
        ),
    )
}

pub(super) fn hex(bytes: &[u8]) -> String {
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

pub(super) async fn remove_refused(services: &DocumentServices, key: &str) {
    if let Err(err) = services.storage.delete(key).await {
        tracing::warn!(key = %key, error = %err, "could not remove the file of a refused upload");
    }
}

/// Whether `document` of `project` may take `received` in its place: it
/// exists there, its conversion failed, and the new file is another file.
pub(super) async fn replaceable(
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
pub(super) async fn check_and_store(
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
pub(super) async fn swap_file_and_queue(
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
pub(super) fn refusal(failure: &ConversionFailure) -> AppError {
    let message = match failure {
        ConversionFailure::NotPdf => NOT_A_PDF.to_owned(),
        ConversionFailure::Empty => EMPTY_FILE.to_owned(),
        ConversionFailure::TooManyPages { pages, limit } => {
            format!("The file has too many pages: {pages} pages, the limit is {limit}.")
        }
        other => {
            crate::documents::api::sentence(&format!("The file was refused: {}", other.reason()))
        }
    };
    AppError::invalid("file", message)
}

pub(super) const NOT_A_PDF: &str =
    "The file is not a PDF: it does not start with the %PDF- signature.";
pub(super) const EMPTY_FILE: &str = "The file is empty: it has no bytes.";

/// The most an upload waits for its page count.
pub(super) const INSPECTION_SECONDS: u64 = 20;

pub(super) fn duplicate(existing: &str) -> AppError {
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
pub(super) async fn insert_and_queue(
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
pub(super) async fn queue_conversion(
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
