//! The wiring of features to the platform that is not a route: the job kinds
//! this binary runs and the periodic clean-ups. Only `server/` and `app/`
//! know every feature.

use sqlx::PgPool;

use crate::config::Config;
use crate::documents::server::DocumentServices;
use crate::extraction::run_job::ExtractionServices;
use crate::platform::jobs::worker::Registry;
use crate::platform::storage::Storage;

/// How old a stored file with no document row must be before the sweep
/// removes it: far longer than any upload takes to commit its row.
const ORPHAN_MIN_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Every job kind this binary can run: each feature registers its own.
pub fn registry(
    config: &Config,
    documents: &DocumentServices,
    extraction: &ExtractionServices,
) -> Registry {
    let mut registry = Registry::new();
    crate::documents::server::register(&mut registry, documents);
    crate::forms::server::register(&mut registry);
    crate::extraction::run_job::register(&mut registry, extraction);
    if config.diagnostic_jobs {
        crate::jobs::diagnostic::register(&mut registry);
    }
    registry
}

/// Every hour: deletes finished jobs older than `retention` (their logs go
/// with them), sign-in attempts older than a day, and stored files that no
/// document names (left by a crash between storing and committing), once
/// they are an hour old.
pub fn spawn_pruning(pool: PgPool, storage: Storage, retention: std::time::Duration) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match crate::platform::jobs::queue::prune_finished(&pool, retention).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "pruned finished jobs"),
                Err(err) => tracing::warn!(error = %err, "could not prune finished jobs"),
            }
            if let Err(err) = crate::auth::server::prune_sign_in_attempts(&pool).await {
                tracing::warn!(error = %err, "could not prune sign-in attempts");
            }
            match crate::documents::server::sweep_orphan_files(&pool, &storage, ORPHAN_MIN_AGE)
                .await
            {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "removed stored files no document names"),
                Err(err) => tracing::warn!(error = %err, "could not sweep orphaned stored files"),
            }
        }
    });
}
