//! PostgreSQL's own dump tools, `pg_dump` and `pg_restore`: finding the
//! newest installed copy, and running it against the instance's database
//! without putting the password on a command line.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use tokio::process::Command;

/// Where Debian and Ubuntu install each PostgreSQL version's programs.
const DEBIAN_VERSIONS_DIR: &str = "/usr/lib/postgresql";

/// A PostgreSQL release, as `pg_dump --version` or the server reports it.
/// Since PostgreSQL 10 the first number is the major version, the one that
/// decides what a dump or archive may contain. Written as "15.20".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PgVersion {
    pub major: u32,
    pub minor: u32,
}

impl PgVersion {
    /// Reads the first version-like word of `text`: "pg_dump (PostgreSQL)
    /// 15.20 (Debian 15.20-0+deb12u1)" → 15.20, "17beta1" → 17.0.
    pub fn parse(text: &str) -> Option<Self> {
        let word = text
            .split_whitespace()
            .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))?;
        let mut parts = word.split('.').map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        });
        let major = parts.next().flatten()?;
        let minor = parts.next().flatten().unwrap_or(0);
        Some(PgVersion { major, minor })
    }

    /// From `server_version_num` (e.g. 150020 → 15.20).
    pub fn from_server_number(number: i32) -> Self {
        let number = u32::try_from(number).unwrap_or(0);
        PgVersion {
            major: number / 10_000,
            minor: number % 10_000,
        }
    }
}

impl TryFrom<String> for PgVersion {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        PgVersion::parse(&text).ok_or_else(|| format!("{text:?} is not a PostgreSQL version"))
    }
}

impl From<PgVersion> for String {
    fn from(version: PgVersion) -> Self {
        version.to_string()
    }
}

impl fmt::Display for PgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One installed PostgreSQL program and the release it belongs to.
#[derive(Debug, Clone)]
pub struct PgTool {
    pub name: &'static str,
    pub path: PathBuf,
    pub version: PgVersion,
}

impl PgTool {
    /// The newest `name` found on PATH or under `/usr/lib/postgresql/*/bin`.
    /// The newest, because a dump must be made by a `pg_dump` at least as new
    /// as the server, and `pg_restore` reads archives of older releases only.
    pub async fn find(name: &'static str) -> anyhow::Result<Self> {
        let mut found: Option<PgTool> = None;
        for path in candidates(name) {
            let Some(version) = version_of(&path).await else {
                continue;
            };
            // On a tie the versioned copy wins over PATH: Debian's /usr/bin
            // entries are a wrapper that chooses a version by its own rules.
            let better = found.as_ref().is_none_or(|best| {
                version > best.version
                    || (version == best.version && path.starts_with(DEBIAN_VERSIONS_DIR))
            });
            if better {
                found = Some(PgTool {
                    name,
                    path,
                    version,
                });
            }
        }
        found.with_context(|| {
            format!(
                "{name} was not found on PATH or under {DEBIAN_VERSIONS_DIR}/*/bin: install \
                 the PostgreSQL client programs of the server's version or newer \
                 (Debian/Ubuntu: apt-get install postgresql-client; the official image: \
                 the postgres package) and try again"
            )
        })
    }

    /// A command running this tool against `database`.
    pub fn command(&self, database: &Connection) -> Command {
        let mut command = Command::new(&self.path);
        command
            .arg(format!("--dbname={}", database.url))
            // Never wait for a password typed at a terminal.
            .arg("--no-password")
            .env("PGAPPNAME", "evistream-backup")
            .kill_on_drop(true);
        match &database.password {
            Some(password) => command.env("PGPASSWORD", password),
            None => command.env_remove("PGPASSWORD"),
        };
        command
    }

    /// A command running this tool without a database (e.g. `pg_restore --list`).
    pub fn offline_command(&self) -> Command {
        let mut command = Command::new(&self.path);
        command.kill_on_drop(true);
        command
    }

    /// Runs `command` to its end; a failure carries the tool's own words.
    pub async fn run(&self, mut command: Command, doing: &str) -> anyhow::Result<Vec<u8>> {
        let output = command
            .stdin(std::process::Stdio::null())
            .output()
            .await
            .with_context(|| format!("starting {} for {doing}", self.path.display()))?;
        if output.status.success() {
            return Ok(output.stdout);
        }
        let said = String::from_utf8_lossy(&output.stderr);
        bail!(
            "{} {} failed while {doing} ({}): {}",
            self.name,
            self.version,
            output.status,
            said.trim()
        )
    }
}

impl fmt::Display for PgTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.name,
            self.version,
            self.path.display()
        )
    }
}

/// Every file named `name` on PATH and under the Debian version folders.
fn candidates(name: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join(name))
        .collect();
    if let Ok(versions) = std::fs::read_dir(DEBIAN_VERSIONS_DIR) {
        paths.extend(
            versions
                .flatten()
                .map(|entry| entry.path().join("bin").join(name)),
        );
    }
    paths.retain(|path| path.is_file());
    paths
}

/// What `path --version` says, or `None` when it does not run.
async fn version_of(path: &Path) -> Option<PgVersion> {
    let output = Command::new(path)
        .arg(OsStr::new("--version"))
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    if !output.status.success() {
        return None;
    }
    PgVersion::parse(&String::from_utf8_lossy(&output.stdout))
}

/// How the tools reach the database: the URL without its password (other
/// users of the machine can read a process's arguments) and the password,
/// which goes to the tool in `PGPASSWORD`.
pub struct Connection {
    url: String,
    password: Option<String>,
}

impl Connection {
    pub fn from_url(url: &str) -> Self {
        let (url, password) = split_password(url);
        Connection { url, password }
    }
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, `secret`),
/// the password percent-decoded as libpq would decode it.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return (url.to_owned(), None);
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return (url.to_owned(), None);
    };
    let Some(colon) = authority[..at].find(':') else {
        return (url.to_owned(), None);
    };
    let password = percent_decode(&authority[colon + 1..at]);
    let without = format!(
        "{}{}{}",
        &url[..scheme_end],
        &authority[..colon],
        &url[scheme_end + at..]
    );
    (without, Some(password))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_tool_and_server_answers() {
        assert_eq!(
            PgVersion::parse("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"),
            Some(PgVersion {
                major: 15,
                minor: 20
            })
        );
        assert_eq!(
            PgVersion::parse("pg_restore (PostgreSQL) 17beta1"),
            Some(PgVersion {
                major: 17,
                minor: 0
            })
        );
        assert_eq!(PgVersion::parse("no version here"), None);
        assert_eq!(
            PgVersion::from_server_number(160004),
            PgVersion {
                major: 16,
                minor: 4
            }
        );
        assert!(PgVersion::parse("16.1") > PgVersion::parse("15.20"));
        let version = PgVersion {
            major: 15,
            minor: 20,
        };
        let json = serde_json::to_string(&version).expect("encode");
        assert_eq!(json, "\"15.20\"");
        assert_eq!(
            serde_json::from_str::<PgVersion>(&json).expect("decode"),
            version
        );
    }

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://app:s%40cr%3At@db.example:5432/evistream?sslmode=require"),
            (
                "postgres://app@db.example:5432/evistream?sslmode=require".to_owned(),
                Some("s@cr:t".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/evistream"),
            (
                "postgres://postgres@127.0.0.1:5432/evistream".to_owned(),
                None
            )
        );
        assert_eq!(
            split_password("postgres:///evistream?host=/run/postgresql"),
            (
                "postgres:///evistream?host=/run/postgresql".to_owned(),
                None
            )
        );
    }
}
