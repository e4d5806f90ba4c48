//! `evistream restore`: a backup into an empty instance. Everything is
//! checked before anything changes; see the module comment of `backup`.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use sqlx::PgPool;

use crate::config::Secret;
use crate::platform::storage::Storage;

use super::manifest::{DUMP, Manifest, inside, verify};
use super::pg_tools::{Connection, PgTool};
use super::{connect, human_size, known_migration_level, migration_level, server_version};

/// What a finished restore loaded, for the operator.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub from: PathBuf,
    pub migration_level: i64,
    pub files: usize,
    pub file_bytes: u64,
    pub database_bytes: u64,
    pub elapsed: Duration,
}

impl fmt::Display for RestoreReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "restored {}: database dump {}, {} stored file(s) {}, migration level {}, in {:.1} s",
            self.from.display(),
            human_size(self.database_bytes),
            self.files,
            human_size(self.file_bytes),
            self.migration_level,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Loads the backup in `from` into the instance of `database_url` and
/// `storage`, which must be empty: a blank database (no tables, functions or
/// schemas of its own, as `createdb` makes it) and a storage holding none of
/// the backup's files. Refuses, changing nothing, when the instance is not
/// empty or the backup is incomplete or damaged.
pub async fn restore(
    database_url: &Secret,
    storage: &Storage,
    from: &Path,
) -> anyhow::Result<RestoreReport> {
    let started = Instant::now();
    let manifest = Manifest::read(from).await?;
    let known = known_migration_level();
    if manifest.migration_level > known {
        bail!(
            "the backup's database is at migration {}, which this eviStream ({}) does not know \
             (its newest is {known}): restore it with eviStream {} or newer",
            manifest.migration_level,
            env!("CARGO_PKG_VERSION"),
            manifest.app_version
        );
    }
    let pg_restore = PgTool::find("pg_restore").await?;
    if pg_restore.version.major < manifest.postgres.pg_dump.major {
        bail!(
            "the dump was made by pg_dump {}, which {pg_restore} cannot read: install the \
             PostgreSQL {} client programs or newer",
            manifest.postgres.pg_dump,
            manifest.postgres.pg_dump.major
        );
    }
    check_contents(from, &manifest).await?;
    let mut list = pg_restore.offline_command();
    list.arg("--list").arg(from.join(DUMP));
    pg_restore
        .run(list, "reading the dump's table of contents")
        .await
        .context("the database dump is damaged; nothing was changed")?;

    let pool = connect(database_url).await?;
    let result = restore_into(&pool, database_url, storage, from, &manifest, &pg_restore).await;
    pool.close().await;
    result?;
    Ok(RestoreReport {
        from: from.to_path_buf(),
        migration_level: manifest.migration_level,
        files: manifest.files.len(),
        file_bytes: manifest.files.iter().map(|file| file.size).sum(),
        database_bytes: manifest.database.size,
        elapsed: started.elapsed(),
    })
}

/// Every file the manifest lists is there, whole and unchanged; all problems
/// are reported together.
async fn check_contents(from: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for entry in std::iter::once(&manifest.database).chain(&manifest.files) {
        if let Some(problem) = verify(from, entry).await {
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let shown = problems.len().min(20);
    bail!(
        "the backup in {} is damaged ({} problem(s)); nothing was changed:\n  - {}{}",
        from.display(),
        problems.len(),
        problems[..shown].join("\n  - "),
        if problems.len() > shown {
            "\n  - …"
        } else {
            ""
        }
    )
}

async fn restore_into(
    pool: &PgPool,
    database_url: &Secret,
    storage: &Storage,
    from: &Path,
    manifest: &Manifest,
    pg_restore: &PgTool,
) -> anyhow::Result<()> {
    let server = server_version(pool).await?;
    if server.major < manifest.postgres.server.major {
        bail!(
            "the backup comes from PostgreSQL {}; this database server is {server}: restore \
             into PostgreSQL {} or newer",
            manifest.postgres.server,
            manifest.postgres.server.major
        );
    }
    ensure_blank_database(pool).await?;
    ensure_storage_lacks_the_files(storage, manifest).await?;

    // From here on the instance changes. Files first: removing them again is
    // simple, whereas the database load is one transaction that either
    // commits whole or leaves the database as blank as it was.
    let mut stored: Vec<&str> = Vec::with_capacity(manifest.files.len());
    for entry in &manifest.files {
        let (Some(key), Some(source)) = (entry.storage_key(), inside(from, &entry.path)) else {
            remove_stored(storage, &stored).await;
            bail!("{} is not a stored file's path", entry.path);
        };
        if let Err(err) = storage.put_file(key, &source).await {
            remove_stored(storage, &stored).await;
            bail!(
                "storing {key} in {} failed: {err}; the files stored before it were removed \
                 and the database was not touched",
                storage.describe()
            );
        }
        stored.push(key);
    }

    let mut load = pg_restore.command(&Connection::from_url(database_url.expose()));
    load.arg("--single-transaction")
        .arg("--exit-on-error")
        // Objects belong to the role restoring them (the app's own role),
        // and the source's grants may name roles this server lacks.
        .arg("--no-owner")
        .arg("--no-acl")
        .arg(from.join(DUMP));
    if let Err(err) = pg_restore.run(load, "loading the database").await {
        remove_stored(storage, &stored).await;
        return Err(err.context(
            "the database load was rolled back and the files stored before it were removed: \
             the instance is empty again",
        ));
    }

    // The restored database must point at exactly the restored files.
    let level = migration_level(pool).await?;
    if level != Some(manifest.migration_level) {
        bail!(
            "the database was restored, but its migration level is {level:?} where the \
             manifest says {}",
            manifest.migration_level
        );
    }
    let keys: BTreeSet<String> = sqlx::query_scalar("SELECT storage_key FROM documents")
        .fetch_all(pool)
        .await
        .context("listing the restored documents' stored files")?
        .into_iter()
        .collect();
    let restored: BTreeSet<String> = stored.iter().map(|key| (*key).to_owned()).collect();
    if keys != restored {
        let unmatched: Vec<&String> = keys.symmetric_difference(&restored).take(5).collect();
        return Err(anyhow!(
            "the database was restored, but its documents and the backup's files differ \
             (e.g. {unmatched:?}); the backup was not made by `evistream backup` as it is"
        ));
    }
    tracing::info!(
        files = stored.len(),
        migration_level = manifest.migration_level,
        "restore finished"
    );
    Ok(())
}

/// A restore loads schema and rows together (the dump carries both, and the
/// migration bookkeeping that says which schema it is), so the database must
/// be blank: no tables, views, sequences, functions or schemas of its own.
/// Objects of extensions do not count. A database an eviStream process has
/// started on is not blank: starting migrates it.
async fn ensure_blank_database(pool: &PgPool) -> anyhow::Result<()> {
    let objects: Vec<String> = sqlx::query_scalar(
        r#"SELECT what FROM (
               SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view '
                                     WHEN 'S' THEN 'sequence ' WHEN 'f' THEN 'foreign table '
                                     ELSE 'table ' END || n.nspname || '.' || c.relname AS what
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\_%'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                   WHERE d.classid = 'pg_class'::regclass
                                     AND d.objid = c.oid AND d.deptype = 'e')
               UNION ALL
               SELECT 'function ' || p.oid::regprocedure::text
                 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\_%'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                   WHERE d.classid = 'pg_proc'::regclass
                                     AND d.objid = p.oid AND d.deptype = 'e')
               UNION ALL
               SELECT 'schema ' || n.nspname
                 FROM pg_namespace n
                WHERE n.nspname NOT IN ('public', 'pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg\_%'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                   WHERE d.classid = 'pg_namespace'::regclass
                                     AND d.objid = n.oid AND d.deptype = 'e')
           ) found ORDER BY what NOT LIKE 'table %', what"#,
    )
    .fetch_all(pool)
    .await
    .context("looking for existing tables in the target database")?;
    if objects.is_empty() {
        return Ok(());
    }
    // Said to help the operator judge what would be lost; not part of the rule.
    let accounts: Option<i64> = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(pool)
        .await
        .ok();
    let accounts = match accounts {
        Some(0) => {
            " It holds no accounts (an eviStream process started on it and migrated it).".to_owned()
        }
        Some(count) => format!(" It holds {count} account(s)."),
        None => String::new(),
    };
    let shown: Vec<&str> = objects.iter().take(5).map(String::as_str).collect();
    bail!(
        "the target database is not empty: it has {} object(s) of its own ({}{}).{accounts} \
         A restore loads the backup's schema and rows together, so it needs a blank database, \
         as createdb makes it, before any eviStream process has started on it. Create a new \
         database and point DATABASE_URL at it. Nothing was changed.",
        objects.len(),
        shown.join(", "),
        if objects.len() > shown.len() {
            ", …"
        } else {
            ""
        }
    )
}

/// The storage must hold none of the backup's files: a restore never
/// overwrites a stored file.
async fn ensure_storage_lacks_the_files(
    storage: &Storage,
    manifest: &Manifest,
) -> anyhow::Result<()> {
    let mut present = Vec::new();
    for key in manifest
        .files
        .iter()
        .filter_map(|entry| entry.storage_key())
    {
        let exists = storage
            .exists(key)
            .await
            .with_context(|| format!("looking up {key} in {}", storage.describe()))?;
        if exists {
            present.push(key);
        }
    }
    if present.is_empty() {
        return Ok(());
    }
    bail!(
        "the target storage ({}) is not empty: it already holds {} of the backup's {} file(s) \
         (e.g. {}). Restore into a new folder or bucket. Nothing was changed.",
        storage.describe(),
        present.len(),
        manifest.files.len(),
        present[0]
    )
}

/// Undoes the files a failed restore stored; what cannot be removed is logged.
async fn remove_stored(storage: &Storage, keys: &[&str]) {
    for key in keys {
        if let Err(err) = storage.delete(key).await {
            tracing::warn!(key = %key, error = %err, "could not remove a file of the failed restore");
        }
    }
}
