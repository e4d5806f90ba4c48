//! The `documents.convert` job: the isolated child, the pages and chunks it leaves, and failures that end a document for good.

use super::*;

#[derive(Deserialize)]
pub(super) struct ConvertPayload {
    pub(super) document_id: Uuid,
}

pub(super) async fn run_conversion(ctx: JobContext, services: DocumentServices) -> JobResult {
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
pub(super) enum Converted {
    Done,
    /// The PDF cannot be read; the document is marked failed with this reason.
    Unreadable(String),
}

pub(super) async fn convert_document(
    ctx: &JobContext,
    services: &DocumentServices,
    id: Uuid,
) -> Result<Converted, JobError> {
    let retry = |err: AppError| JobError::Retry(err.to_string());
    let job = ctx.job.id;
    let Some(key) = sqlx::query_scalar!(
        r#"UPDATE documents SET status = 'processing', failure_reason = NULL,
               unreadable_pages = '{}', conversion_job = $2, updated_at = now()
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
                "converted {pages} page(s) in {} ms (peak memory {} MB{}){}",
                stats.wall_ms,
                stats.peak_rss_kb / 1024,
                if converted.ocr_used { ", OCR" } else { "" },
                if converted.unreadable_pages.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; {} could not be read",
                        crate::documents::pdf_text::page_phrase(&converted.unreadable_pages)
                    )
                }
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
pub(super) async fn mark_failed(
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
pub(super) const CHUNK_CHARS: usize = 1200;

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

pub(super) async fn save_conversion(
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
    let unreadable: Vec<i32> = converted
        .unreadable_pages
        .iter()
        .map(|&page| i32::try_from(page).unwrap_or(i32::MAX))
        .collect();
    sqlx::query!(
        r#"UPDATE documents SET status = 'ready', failure_reason = NULL, page_count = $2,
               title = $3, authors = $4, year = $5, doi = $6, ocr_used = $7,
               conversion_ms = $8, unreadable_pages = $9, text_version = text_version + 1,
               updated_at = now()
           WHERE id = $1"#,
        id,
        meta.page_count as i32,
        clip(&meta.title, 500),
        &authors,
        meta.year,
        clip(&meta.doi, 200),
        converted.ocr_used,
        wall_ms.min(i32::MAX as u64) as i32,
        &unreadable
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
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
