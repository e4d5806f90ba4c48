//! `evistream backup`: a consistent copy of a running instance. See the
//! module comment of `backup` for the order of the steps and why it is safe.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::config::Secret;
use crate::platform::storage::Storage;

use super::manifest::{
    self, DUMP, FORMAT_VERSION, FileEntry, Manifest, PostgresVersions, copy_hashing, hash_file,
    inside, stored_file_path, sync_folder,
};
use super::pg_tools::{Connection, PgTool};
use super::{
    StoredDocument, connect, human_size, migration_level, server_version, stored_documents,
};

/// How many snapshots a backup tries before it gives up on documents being
/// deleted under it (each retry costs a listing, not a dump).
const SNAPSHOT_ATTEMPTS: u32 = 5;

/// What a finished backup holds, for the operator.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub dir: PathBuf,
    pub migration_level: i64,
    pub database_bytes: u64,
    pub files: usize,
    pub file_bytes: u64,
    /// Stored files whose bytes differ from the digest taken at upload: they
    /// are backed up as they are, and named here so someone looks at them.
    pub damaged_in_storage: Vec<String>,
    pub elapsed: Duration,
}

impl fmt::Display for BackupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "backup written to {}: database dump {}, {} stored file(s) {}, migration level {}, in {:.1} s",
            self.dir.display(),
            human_size(self.database_bytes),
            self.files,
            human_size(self.file_bytes),
            self.migration_level,
            self.elapsed.as_secs_f64()
        )?;
        for key in &self.damaged_in_storage {
            write!(
                f,
                "\nwarning: the stored file {key} differs from the file that was uploaded (SHA-256); it was backed up as it is"
            )?;
        }
        Ok(())
    }
}

/// Writes a backup of the instance (`database_url` and `storage`) into `to`,
/// which must be new or empty. The app may keep running meanwhile.
pub async fn backup(
    database_url: &Secret,
    storage: &Storage,
    to: &Path,
) -> anyhow::Result<BackupReport> {
    let started = Instant::now();
    let pg_dump = PgTool::find("pg_dump").await?;
    let pg_restore = PgTool::find("pg_restore").await?;
    let pool = connect(database_url).await?;
    let tools = Tools {
        pg_dump,
        pg_restore,
    };
    let result = backup_from(&pool, database_url, storage, to, &tools).await;
    pool.close().await;
    let mut report = result?;
    report.elapsed = started.elapsed();
    Ok(report)
}

struct Tools {
    pg_dump: PgTool,
    pg_restore: PgTool,
}

async fn backup_from(
    pool: &PgPool,
    database_url: &Secret,
    storage: &Storage,
    to: &Path,
    tools: &Tools,
) -> anyhow::Result<BackupReport> {
    let server = server_version(pool).await?;
    if tools.pg_dump.version.major < server.major {
        bail!(
            "{} is older than the database server (PostgreSQL {server}); a dump must be made \
             by a pg_dump at least as new as the server: install the PostgreSQL {} client \
             programs (Debian/Ubuntu: postgresql-client-{})",
            tools.pg_dump,
            server.major,
            server.major
        );
    }
    start_in_empty_folder(to).await?;

    let mut copied = BTreeMap::new();
    let snapshot = snapshot_with_files(pool, storage, to, &mut copied).await?;
    let dump_path = to.join(DUMP);
    let mut dump = tools
        .pg_dump
        .command(&Connection::from_url(database_url.expose()));
    dump.arg("--format=custom")
        .arg(format!("--snapshot={}", snapshot.id))
        .arg("--file")
        .arg(&dump_path);
    tools.pg_dump.run(dump, "dumping the database").await?;
    // Read-only: ending it changes nothing, it only lets the snapshot go.
    snapshot
        .transaction
        .rollback()
        .await
        .context("ending the snapshot transaction")?;

    let mut files = Vec::with_capacity(snapshot.documents.len());
    let mut damaged_in_storage = Vec::new();
    for document in &snapshot.documents {
        let entry = copied
            .remove(&document.key)
            .with_context(|| format!("the copy of {} went missing", document.key))?;
        if entry.sha256 != document.sha256 {
            damaged_in_storage.push(document.key.clone());
        }
        files.push(entry);
    }
    // Documents deleted before the snapshot are not in it; neither are their files.
    for entry in copied.into_values() {
        if let Some(path) = inside(to, &entry.path) {
            tokio::fs::remove_file(&path)
                .await
                .with_context(|| format!("removing {}", path.display()))?;
        }
    }

    // The archive must be readable before the manifest vouches for it.
    let mut list = tools.pg_restore.offline_command();
    list.arg("--list").arg(&dump_path);
    tools
        .pg_restore
        .run(list, "reading back the dump's table of contents")
        .await?;
    let (dump_size, dump_sha256) = hash_file(&dump_path)
        .await
        .with_context(|| format!("reading {}", dump_path.display()))?;
    sync_folder(to).await?;

    let manifest = Manifest {
        format: manifest::FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        created_at: chrono::Utc::now(),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        migration_level: snapshot.migration_level,
        postgres: PostgresVersions {
            server,
            pg_dump: tools.pg_dump.version,
        },
        source_storage: storage.describe(),
        database: FileEntry {
            path: DUMP.to_owned(),
            size: dump_size,
            sha256: dump_sha256,
        },
        files,
    };
    manifest.write(to).await?;
    Ok(BackupReport {
        dir: to.to_path_buf(),
        migration_level: snapshot.migration_level,
        database_bytes: dump_size,
        files: manifest.files.len(),
        file_bytes: manifest.files.iter().map(|file| file.size).sum(),
        damaged_in_storage,
        elapsed: Duration::ZERO,
    })
}

/// An exported snapshot, held open for pg_dump, whose documents' files are
/// all copied.
struct Snapshot {
    transaction: Transaction<'static, Postgres>,
    id: String,
    migration_level: i64,
    documents: Vec<StoredDocument>,
}

/// Copies the files of the documents there are now, takes a snapshot, and
/// copies the files of documents that arrived in between. A document of the
/// snapshot whose file is gone was deleted since (the app removes a file
/// only after its row), unless its row is still there: then the file is lost.
/// The first case takes a newer snapshot; the second is an error.
async fn snapshot_with_files(
    pool: &PgPool,
    storage: &Storage,
    to: &Path,
    copied: &mut BTreeMap<String, FileEntry>,
) -> anyhow::Result<Snapshot> {
    for _ in 0..SNAPSHOT_ATTEMPTS {
        copy_new_files(storage, to, copied, stored_documents(pool).await?).await?;

        let mut transaction = pool.begin().await.context("starting the snapshot")?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *transaction)
            .await
            .context("starting the snapshot")?;
        let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *transaction)
            .await
            .context("exporting the snapshot for pg_dump")?;
        let migration_level = migration_level(&mut *transaction).await?.context(
            "the database has no eviStream schema (no _sqlx_migrations table): there is nothing to back up",
        )?;
        let documents = stored_documents(&mut *transaction).await?;
        let missing = copy_new_files(storage, to, copied, documents.iter().cloned()).await?;
        if missing.is_empty() {
            return Ok(Snapshot {
                transaction,
                id,
                migration_level,
                documents,
            });
        }
        let ids: Vec<Uuid> = missing.iter().map(|document| document.id).collect();
        let still_there: Vec<Uuid> =
            sqlx::query_scalar("SELECT id FROM documents WHERE id = ANY($1)")
                .bind(&ids)
                .fetch_all(pool)
                .await
                .context("looking up documents whose files are missing")?;
        let lost: Vec<&StoredDocument> = missing
            .iter()
            .filter(|document| still_there.contains(&document.id))
            .collect();
        if !lost.is_empty() {
            return Err(missing_files_error(storage, to, &lost));
        }
        tracing::info!(
            deleted = missing.len(),
            "documents were deleted while the backup ran; taking a newer snapshot"
        );
        transaction
            .rollback()
            .await
            .context("ending the snapshot transaction")?;
    }
    bail!(
        "documents kept being deleted while the backup ran ({SNAPSHOT_ATTEMPTS} snapshots \
         tried); the backup in {} is incomplete (it has no manifest): run it again into an \
         empty folder",
        to.display()
    )
}

/// Copies the files of `documents` not copied yet; the documents whose file
/// the storage does not have.
async fn copy_new_files(
    storage: &Storage,
    to: &Path,
    copied: &mut BTreeMap<String, FileEntry>,
    documents: impl IntoIterator<Item = StoredDocument>,
) -> anyhow::Result<Vec<StoredDocument>> {
    let mut missing = Vec::new();
    for document in documents {
        if copied.contains_key(&document.key) {
            continue;
        }
        match copy_stored_file(storage, &document.key, to).await? {
            Some(entry) => {
                copied.insert(document.key.clone(), entry);
            }
            None => missing.push(document),
        }
    }
    Ok(missing)
}

fn missing_files_error(storage: &Storage, to: &Path, lost: &[&StoredDocument]) -> anyhow::Error {
    let named: Vec<String> = lost
        .iter()
        .take(10)
        .map(|doc| {
            format!(
                "{} (document {} \u{201c}{}\u{201d})",
                doc.key, doc.id, doc.name
            )
        })
        .collect();
    anyhow!(
        "{} file(s) the database points at are missing from {}: {}{}. Restore them into the \
         storage or delete those documents, then back up again; the backup in {} is \
         incomplete (it has no manifest).",
        lost.len(),
        storage.describe(),
        named.join(", "),
        if lost.len() > named.len() {
            ", …"
        } else {
            ""
        },
        to.display()
    )
}

/// Creates `dir` or accepts it empty. A folder with anything in it is
/// refused: a manifest left from an earlier backup would vouch for files
/// this one did not write.
async fn start_in_empty_folder(dir: &Path) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .with_context(|| format!("creating the backup folder {}", dir.display()))?;
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .with_context(|| format!("reading the backup folder {}", dir.display()))?;
    let occupied = entries
        .next_entry()
        .await
        .with_context(|| format!("reading the backup folder {}", dir.display()))?
        .is_some();
    if occupied {
        bail!(
            "{} is not empty: a backup goes into a new or empty folder",
            dir.display()
        );
    }
    Ok(())
}

/// Copies the stored file `key` to `files/<key>` under `dir`; `None` when
/// the storage does not have it.
async fn copy_stored_file(
    storage: &Storage,
    key: &str,
    dir: &Path,
) -> anyhow::Result<Option<FileEntry>> {
    let path = stored_file_path(key);
    let target = inside(dir, &path)
        .with_context(|| format!("the storage key {key:?} is not a relative path"))?;
    let reader = match storage.open(key).await {
        Ok((reader, _)) => reader,
        Err(err) => {
            // S3 answers a missing object with the same error as an outage
            // when opening it; asking whether it exists tells them apart.
            if let Ok(false) = storage.exists(key).await {
                return Ok(None);
            }
            return Err(anyhow!(
                "reading the stored file {key} from {}: {err}",
                storage.describe()
            ));
        }
    };
    let (size, sha256) = copy_hashing(reader, &target)
        .await
        .with_context(|| format!("copying the stored file {key} to {}", target.display()))?;
    Ok(Some(FileEntry { path, size, sha256 }))
}
