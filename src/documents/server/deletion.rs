//! Deleting documents and their stored files (the `storage.delete_files` job).

use super::*;

pub(super) async fn queue_file_deletion(
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
pub(super) struct DeleteFilesPayload {
    pub(super) keys: Vec<String>,
}

pub(super) async fn run_file_deletion(ctx: JobContext, storage: Storage) -> JobResult {
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

/// Stored files older than `min_age` that no document names: what a crash
/// between storing an upload and committing its row leaves behind. Removes
/// them and says how many. The age keeps uploads still in flight safe.
pub async fn sweep_orphan_files(
    pool: &PgPool,
    storage: &Storage,
    min_age: Duration,
) -> Result<usize, AppError> {
    let keys = storage.keys_older_than("projects", min_age).await?;
    let mut removed = 0;
    for chunk in keys.chunks(1000) {
        let named: std::collections::HashSet<String> = sqlx::query_scalar!(
            "SELECT storage_key FROM documents WHERE storage_key = ANY($1)",
            chunk
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
        for key in chunk.iter().filter(|key| !named.contains(*key)) {
            storage.delete(key).await?;
            tracing::info!(storage.key = %key, "removed a stored file that no document names");
            removed += 1;
        }
    }
    Ok(removed)
}
