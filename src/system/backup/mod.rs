//! Backup and restore of a whole instance (`evistream backup`, `evistream
//! restore`): the database and every stored file it points at.
//!
//! A backup folder holds
//! - `database.dump`: `pg_dump` custom format, one consistent snapshot;
//! - `files/<storage key>`: the file of every document in that snapshot;
//! - `manifest.json`, written last: format version, when, the app version,
//!   the migration level, and each file's path, size and SHA-256. A folder
//!   without a manifest is an incomplete backup by construction.
//!
//! A backup is taken while the app keeps running. Files are copied first,
//! then a snapshot is exported and held open, the files of documents that
//! arrived in between are copied, and only then does pg_dump dump that
//! snapshot. A stored file never changes under its key and is removed only
//! after its document's row is deleted, so every copy made before the
//! snapshot is the file the snapshot's row points at; a file that vanished
//! before its copy belongs to a document deleted since, and a newer snapshot
//! is taken (a listing, not a dump, is repeated).
//!
//! A restore checks everything before it changes anything (the manifest,
//! every size and checksum, the dump's table of contents, the tools, that the
//! target database is blank and the target storage holds none of the files),
//! then stores the files and loads the dump in one transaction; if the load
//! fails, the files it stored are removed again.
//!
//! Errors are `anyhow` with context, as in the other commands of
//! `server::cli`: they are read by the operator at a terminal, who needs the
//! detail that `AppError` keeps from web clients.

mod make;
mod manifest;
mod pg_tools;
mod restore;

use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use uuid::Uuid;

use crate::config::Secret;

pub use make::{BackupReport, backup};
pub use manifest::{FORMAT_VERSION, MANIFEST};
use pg_tools::PgVersion;
pub use restore::{RestoreReport, restore};

/// A document's stored file, as the database records it.
#[derive(Debug, Clone)]
struct StoredDocument {
    id: Uuid,
    name: String,
    key: String,
    sha256: String,
}

// The queries of this module are checked at run time: they read PostgreSQL's
// catalog and sqlx's bookkeeping, and databases at whatever migration level
// a backup or a restore target happens to be.

async fn stored_documents<'e>(
    executor: impl sqlx::PgExecutor<'e>,
) -> anyhow::Result<Vec<StoredDocument>> {
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT id, original_name, storage_key, sha256 FROM documents ORDER BY storage_key",
    )
    .fetch_all(executor)
    .await
    .context("listing the documents' stored files")?;
    Ok(rows
        .into_iter()
        .map(|(id, name, key, sha256)| StoredDocument {
            id,
            name,
            key,
            sha256,
        })
        .collect())
}

/// The newest migration applied to the database; `None` without sqlx's
/// bookkeeping table (a database eviStream never migrated).
async fn migration_level<'e>(executor: impl sqlx::PgExecutor<'e>) -> anyhow::Result<Option<i64>> {
    let level = sqlx::query_scalar::<_, Option<i64>>(
        "SELECT max(version) FROM _sqlx_migrations WHERE success",
    )
    .fetch_one(executor)
    .await;
    match level {
        Ok(level) => Ok(level),
        Err(sqlx::Error::Database(err)) if err.code().as_deref() == Some("42P01") => Ok(None),
        Err(err) => Err(err).context("reading the migration level"),
    }
}

/// The newest migration this binary knows.
fn known_migration_level() -> i64 {
    crate::db::MIGRATOR
        .iter()
        .filter(|migration| !migration.migration_type.is_down_migration())
        .map(|migration| migration.version)
        .max()
        .unwrap_or(0)
}

async fn server_version(pool: &PgPool) -> anyhow::Result<PgVersion> {
    let number: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::integer")
        .fetch_one(pool)
        .await
        .context("asking the database server for its version")?;
    Ok(PgVersion::from_server_number(number))
}

/// A small pool of its own: a backup or restore is one operator command, not
/// a server, and must fail at once with where it tried to connect.
async fn connect(database_url: &Secret) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = database_url
        .expose()
        .parse()
        .context("DATABASE_URL is not a valid PostgreSQL URL")?;
    let place = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("")
    );
    PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options.application_name("evistream-backup"))
        .await
        .with_context(|| format!("cannot connect to the database at {place}"))
}

/// Bytes for people: "812 KB", "1.4 GB".
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(812_345), "812 KB");
        assert_eq!(human_size(1_400_000_000), "1.4 GB");
    }

    #[test]
    fn this_binary_knows_a_migration_level() {
        assert!(known_migration_level() >= 20261129000011);
    }
}
