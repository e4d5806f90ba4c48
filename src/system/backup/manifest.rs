//! The manifest of a backup folder: what the backup holds, each file with its
//! size and SHA-256, and what made it. It is written last, so a folder
//! without one is an incomplete backup by construction.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::pg_tools::PgVersion;

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The database dump's file name (pg_dump custom format).
pub const DUMP: &str = "database.dump";
/// The folder holding stored files, each at its storage key.
pub const FILES: &str = "files";

/// What `format` says, so another JSON file is not taken for a manifest.
pub const FORMAT: &str = "evistream.backup";
/// Raised when the layout or the manifest changes in a way older restores
/// cannot read.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub created_at: DateTime<Utc>,
    /// The eviStream version that made the backup.
    pub app_version: String,
    /// The newest migration applied to the database when it was dumped.
    pub migration_level: i64,
    pub postgres: PostgresVersions,
    /// Where the files came from (`Storage::describe`), for the operator.
    pub source_storage: String,
    /// The database dump.
    pub database: FileEntry,
    /// Every stored file the database points at, under `files/<storage key>`.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostgresVersions {
    pub server: PgVersion,
    /// `pg_restore` must be at least this new to read the dump.
    pub pg_dump: PgVersion,
}

/// One file of the backup, by its path relative to the backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

impl FileEntry {
    /// The storage key of a stored file (`files/<key>` → `<key>`).
    pub fn storage_key(&self) -> Option<&str> {
        self.path
            .strip_prefix(FILES)
            .and_then(|rest| rest.strip_prefix('/'))
    }
}

/// The path of a stored file inside the backup folder.
pub fn stored_file_path(key: &str) -> String {
    format!("{FILES}/{key}")
}

impl Manifest {
    /// Reads and checks the manifest of the backup in `dir`; every way it can
    /// be missing or wrong ends here with a message saying which.
    pub async fn read(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(MANIFEST);
        let text = match tokio::fs::read(&path).await {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => bail!(
                "{} has no {MANIFEST}: it is not a complete backup (a backup writes its \
                 manifest last, so one that was cut off has none)",
                dir.display()
            ),
            Err(err) => {
                return Err(err).with_context(|| format!("reading {}", path.display()));
            }
        };
        let manifest: Manifest = serde_json::from_slice(&text).with_context(|| {
            format!(
                "{} is damaged (not a readable backup manifest)",
                path.display()
            )
        })?;
        manifest
            .check()
            .with_context(|| format!("{} is damaged", path.display()))?;
        Ok(manifest)
    }

    /// The manifest's own consistency: its format, and paths that stay inside
    /// the backup folder and name each file once.
    fn check(&self) -> anyhow::Result<()> {
        if self.format != FORMAT {
            bail!(
                "its format is {:?}, not an eviStream backup ({FORMAT:?})",
                self.format
            );
        }
        if self.format_version != FORMAT_VERSION {
            bail!(
                "it is backup format version {}; this eviStream ({}) reads version {FORMAT_VERSION}",
                self.format_version,
                env!("CARGO_PKG_VERSION")
            );
        }
        if self.database.path != DUMP {
            bail!(
                "the database dump is listed as {:?}, not {DUMP:?}",
                self.database.path
            );
        }
        let mut seen = HashSet::new();
        for entry in std::iter::once(&self.database).chain(&self.files) {
            if !is_sha256(&entry.sha256) {
                bail!(
                    "the checksum of {} is not a SHA-256 ({:?})",
                    entry.path,
                    entry.sha256
                );
            }
            if !seen.insert(entry.path.as_str()) {
                bail!("{} is listed twice", entry.path);
            }
        }
        for entry in &self.files {
            let key_is_safe = entry.storage_key().is_some_and(is_storage_key);
            if !key_is_safe {
                bail!(
                    "{:?} is not a stored file's path (files/<storage key>)",
                    entry.path
                );
            }
        }
        Ok(())
    }

    /// Writes the manifest into `dir` through a temporary name, on disk before
    /// it is renamed, so a manifest is whole or absent.
    pub async fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_vec_pretty(self).context("encoding the manifest")?;
        let partial = dir.join(format!("{MANIFEST}.partial"));
        let mut file = tokio::fs::File::create(&partial)
            .await
            .with_context(|| format!("creating {}", partial.display()))?;
        file.write_all(&text)
            .await
            .with_context(|| format!("writing {}", partial.display()))?;
        file.sync_all()
            .await
            .with_context(|| format!("writing {}", partial.display()))?;
        tokio::fs::rename(&partial, dir.join(MANIFEST))
            .await
            .with_context(|| format!("renaming {} into place", partial.display()))?;
        sync_folder(dir).await
    }
}

/// The backup's problems with `entry`, if any: missing, another size (a
/// truncated copy), or another checksum (damaged).
pub async fn verify(dir: &Path, entry: &FileEntry) -> Option<String> {
    let path = dir.join(&entry.path);
    let size = match tokio::fs::metadata(&path).await {
        Ok(meta) => meta.len(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Some(format!("{} is missing", entry.path));
        }
        Err(err) => return Some(format!("{} cannot be read: {err}", entry.path)),
    };
    if size != entry.size {
        return Some(format!(
            "{} has {size} bytes where the manifest says {}: it is truncated or damaged",
            entry.path, entry.size
        ));
    }
    match hash_file(&path).await {
        Ok((_, digest)) if digest == entry.sha256 => None,
        Ok(_) => Some(format!(
            "{} does not match its SHA-256 in the manifest: it is damaged",
            entry.path
        )),
        Err(err) => Some(format!("{} cannot be read: {err}", entry.path)),
    }
}

/// Copies `reader` into a new file at `target` (and its folders), on disk
/// when this returns; the size and SHA-256 of what was copied.
pub async fn copy_hashing(
    mut reader: impl AsyncRead + Unpin,
    target: &Path,
) -> std::io::Result<(u64, String)> {
    if let Some(parent) = target.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let mut file = tokio::fs::File::create(target).await?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = reader.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        file.write_all(&buffer[..read]).await?;
        size += read as u64;
    }
    file.sync_all().await?;
    Ok((size, hex(&hasher.finalize())))
}

/// The size and SHA-256 of the file at `path`.
pub async fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        size += read as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Makes the folder's entries (new files, a rename) durable.
pub async fn sync_folder(dir: &Path) -> anyhow::Result<()> {
    let folder = tokio::fs::File::open(dir)
        .await
        .with_context(|| format!("opening {}", dir.display()))?;
    folder
        .sync_all()
        .await
        .with_context(|| format!("syncing {}", dir.display()))
}

/// The local path of `relative` (a manifest path) inside `dir`; `None` for
/// anything that could leave the folder.
pub fn inside(dir: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    path.components()
        .all(|part| matches!(part, Component::Normal(_)))
        .then(|| dir.join(path))
}

/// The storage layer's key rule (app-generated keys only), checked again
/// here because a manifest is read from outside.
fn is_storage_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let digest = "a".repeat(64);
        Manifest {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            created_at: Utc::now(),
            app_version: "0.1.0".to_owned(),
            migration_level: 20261129000011,
            postgres: PostgresVersions {
                server: PgVersion {
                    major: 15,
                    minor: 20,
                },
                pg_dump: PgVersion {
                    major: 15,
                    minor: 20,
                },
            },
            source_storage: "local directory .data/files".to_owned(),
            database: FileEntry {
                path: DUMP.to_owned(),
                size: 10,
                sha256: digest.clone(),
            },
            files: vec![FileEntry {
                path: stored_file_path("projects/p/f.pdf"),
                size: 3,
                sha256: digest,
            }],
        }
    }

    #[test]
    fn a_well_formed_manifest_passes_and_names_its_keys() {
        let manifest = manifest();
        assert!(manifest.check().is_ok());
        assert_eq!(manifest.files[0].storage_key(), Some("projects/p/f.pdf"));
    }

    #[test]
    fn paths_leaving_the_folder_or_listed_twice_are_refused() {
        for bad in [
            "files/../../etc/passwd",
            "/etc/passwd",
            "other/x.pdf",
            "files/",
        ] {
            let mut manifest = manifest();
            manifest.files[0].path = bad.to_owned();
            assert!(manifest.check().is_err(), "{bad:?} should be refused");
        }
        let mut twice = manifest();
        twice.files.push(twice.files[0].clone());
        assert!(twice.check().is_err());
        let mut bad_digest = manifest();
        bad_digest.database.sha256 = "XYZ".to_owned();
        assert!(bad_digest.check().is_err());
        assert!(inside(Path::new("/b"), "files/../x").is_none());
        assert_eq!(
            inside(Path::new("/b"), "files/a.pdf"),
            Some(PathBuf::from("/b/files/a.pdf"))
        );
    }

    #[test]
    fn another_format_or_version_is_named() {
        let mut other = manifest();
        other.format = "something.else".to_owned();
        assert!(
            format!("{:#}", other.check().expect_err("another format"))
                .contains("not an eviStream backup")
        );
        let mut newer = manifest();
        newer.format_version = FORMAT_VERSION + 1;
        assert!(
            format!("{:#}", newer.check().expect_err("a newer version")).contains("format version")
        );
    }
}
