//! Runs PDF parsing in a child process with memory, CPU and wall-clock limits.
//!
//! A PDF is untrusted input handed to a large parser: a crafted or merely huge
//! file can allocate without bound, loop, or crash it. The parent therefore
//! starts its own binary with the hidden `pdf-child` subcommand, which lowers its
//! own `RLIMIT_AS` and `RLIMIT_CPU`, converts, and writes one JSON line
//! ([`ChildOutput`]) to stdout. Whatever happens to the child — a limit, a crash,
//! a hang — the parent turns into a [`ConversionFailure`] with a readable reason.

use std::io::Write;
use std::path::Path;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;

use super::pdf_text::{
    self, ConversionFailure, ConvertedDocument, PdfInspection, convert_pdf, inspect_pdf,
};

/// Limits for one child process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildLimits {
    /// Address space (`RLIMIT_AS`), so it includes the binary and thread stacks.
    pub memory_mb: u64,
    pub cpu_seconds: u64,
    pub wall_seconds: u64,
    pub max_pages: u32,
}

impl Default for ChildLimits {
    fn default() -> Self {
        Self {
            memory_mb: 2048,
            cpu_seconds: 120,
            // Above the CPU limit, so a busy child is stopped by the CPU limit and
            // the wall clock only catches a child that waits (OCR tools, a stuck read).
            wall_seconds: 180,
            max_pages: 500,
        }
    }
}

/// What the child measured about itself, plus the parent's wall time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildStats {
    pub peak_rss_kb: u64,
    pub cpu_ms: u64,
    pub wall_ms: u64,
}

/// What the child was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum ChildMode {
    Inspect,
    Convert,
}

impl ChildMode {
    fn as_arg(self) -> &'static str {
        match self {
            Self::Inspect => "inspect",
            Self::Convert => "convert",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChildPayload {
    Inspection(PdfInspection),
    Document(ConvertedDocument),
}

/// The one line the child writes to stdout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChildOutput {
    pub result: Result<ChildPayload, ConversionFailure>,
    pub peak_rss_kb: u64,
    pub cpu_ms: u64,
}

/// Arguments of the hidden `pdf-child` subcommand.
#[derive(Debug, Clone)]
pub struct ChildArgs {
    pub mode: ChildMode,
    pub max_pages: u32,
    pub memory_mb: u64,
    pub cpu_seconds: u64,
    pub path: std::path::PathBuf,
}

/// The child's whole life: limit itself, convert, report. Synchronous; it runs
/// before any server state exists and needs no configuration.
pub fn child_main(args: &ChildArgs) -> ExitCode {
    if let Err(err) = apply_limits(args.memory_mb, args.cpu_seconds) {
        // Running without the limits would defeat the point of the child.
        eprintln!("pdf-child: cannot set resource limits: {err}");
        return ExitCode::from(3);
    }
    match super::confine::confine(&args.path, &super::confine::child_temp_dir()) {
        Ok(super::confine::Confinement::Full) => {}
        Ok(other) => {
            eprintln!("pdf-child: confinement {other:?} (this kernel lacks Landlock features)")
        }
        Err(err) => {
            // Refuse to parse untrusted bytes with a sandbox that failed to build.
            eprintln!("pdf-child: cannot confine itself: {err}");
            return ExitCode::from(3);
        }
    }
    let result = std::panic::catch_unwind(|| run_child(args)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(ConversionFailure::Corrupted {
            detail: format!("the PDF reader failed: {detail}"),
        })
    });
    let (peak_rss_kb, cpu_ms) = self_usage();
    let output = ChildOutput {
        result,
        peak_rss_kb,
        cpu_ms,
    };
    let line = match serde_json::to_string(&output) {
        Ok(line) => line,
        Err(err) => {
            eprintln!("pdf-child: cannot encode the result: {err}");
            return ExitCode::from(4);
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(5);
    }
    ExitCode::SUCCESS
}

fn apply_limits(memory_mb: u64, cpu_seconds: u64) -> std::io::Result<()> {
    let bytes = memory_mb.saturating_mul(1024 * 1024);
    rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)?;
    // SIGXCPU at the soft limit; the hard limit one second later is SIGKILL, in
    // case SIGXCPU is ignored.
    rlimit::setrlimit(
        rlimit::Resource::CPU,
        cpu_seconds,
        cpu_seconds.saturating_add(1),
    )?;
    // No file the child or its OCR helpers write may outgrow this (a page
    // image is a few tens of MB); past it the write fails with EFBIG.
    rlimit::setrlimit(
        rlimit::Resource::FSIZE,
        MAX_CHILD_FILE_BYTES,
        MAX_CHILD_FILE_BYTES,
    )?;
    Ok(())
}

fn run_child(args: &ChildArgs) -> Result<ChildPayload, ConversionFailure> {
    let bytes = std::fs::read(&args.path).map_err(|err| {
        // Under RLIMIT_AS a large read fails with ENOMEM rather than aborting.
        if err.kind() == std::io::ErrorKind::OutOfMemory {
            memory_limit(args.memory_mb)
        } else {
            ConversionFailure::Corrupted {
                detail: format!("the file could not be read: {err}"),
            }
        }
    })?;
    match args.mode {
        ChildMode::Inspect => inspect_pdf(&bytes).map(ChildPayload::Inspection),
        ChildMode::Convert => match convert_pdf(&bytes, args.max_pages) {
            Err(failure) if pdf_text::worth_ocr(&failure) && pdf_text::ocr_available() => {
                let pages = match &failure {
                    ConversionFailure::NoTextLayer { pages } => *pages,
                    _ => inspect_pdf(&bytes)
                        .ok()
                        .and_then(|inspection| inspection.page_count)
                        .unwrap_or(1),
                };
                drop(bytes);
                match pdf_text::ocr_pdf(&args.path, args.max_pages.min(pages.max(1))) {
                    // OCR found nothing either: the first reason says more.
                    Err(ConversionFailure::NoTextLayer { .. }) => Err(failure),
                    other => other.map(ChildPayload::Document),
                }
            }
            other => other.map(ChildPayload::Document),
        },
    }
}

/// Peak resident set (`VmHWM`) and user+system CPU time of this process, from
/// procfs: the `rlimit` crate has no getrusage, and `unsafe` is forbidden here.
fn self_usage() -> (u64, u64) {
    let peak_rss_kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0);
    let cpu_ms = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the parenthesised command name; utime and stime are
            // the 14th and 15th fields, the 12th and 13th after it.
            let after = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = after.split_whitespace().collect();
            let utime: u64 = fields.get(11)?.parse().ok()?;
            let stime: u64 = fields.get(12)?.parse().ok()?;
            // Clock ticks are 100 per second on every Linux configuration in use
            // (USER_HZ); reading sysconf would need libc.
            Some((utime + stime) * 10)
        })
        .unwrap_or(0);
    (peak_rss_kb, cpu_ms)
}

/// Converts `pdf` in a child process of `exe` (normally
/// `std::env::current_exe()`; tests pass the built `evistream` binary).
pub async fn convert_in_child(
    exe: &Path,
    pdf: &Path,
    limits: &ChildLimits,
) -> Result<(ConvertedDocument, ChildStats), ConversionFailure> {
    match run_in_child(exe, pdf, limits, ChildMode::Convert).await? {
        (ChildPayload::Document(document), stats) => Ok((document, stats)),
        (ChildPayload::Inspection(_), _) => Err(unexpected_payload()),
    }
}

/// Inspects `pdf` (signature, encryption, page count) in a child process.
pub async fn inspect_in_child(
    exe: &Path,
    pdf: &Path,
    limits: &ChildLimits,
) -> Result<PdfInspection, ConversionFailure> {
    match run_in_child(exe, pdf, limits, ChildMode::Inspect).await? {
        (ChildPayload::Inspection(inspection), _) => Ok(inspection),
        (ChildPayload::Document(_), _) => Err(unexpected_payload()),
    }
}

fn unexpected_payload() -> ConversionFailure {
    ConversionFailure::Corrupted {
        detail: "the PDF reader answered a different question".to_owned(),
    }
}

/// How much of the child's stderr goes into a reason.
const STDERR_TAIL_CHARS: usize = 300;
/// Output beyond this is not a well-behaved child's; stop reading (a 500-page
/// document is a few MB of JSON).
const MAX_STDOUT_BYTES: u64 = 64 * 1024 * 1024;

/// The only environment a child gets: it needs to find programs (OCR) and
/// temporary space, never the app's secrets (database URL, keys, cloud
/// credentials), which a parser exploit could otherwise read.
const CHILD_ENVIRONMENT: &[&str] = &["PATH", "LANG", "LC_ALL", "TMPDIR", "TESSDATA_PREFIX"];

/// Ends the child and anything it started (pdftoppm, tesseract): the child
/// leads its own process group, so the group is killed as a whole.
async fn kill_group(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        kill_process_group(pid);
    }
    let _ = child.start_kill();
    let _ = child.wait().await;
}

fn kill_process_group(leader: u32) {
    if let Ok(pid) = i32::try_from(leader) {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

/// Kills the child's whole process group when dropped before the child was
/// waited for: a cancelled conversion (its future dropped) must not leave
/// pdftoppm or tesseract running, which `kill_on_drop` alone would (it
/// signals only the child).
struct GroupGuard {
    leader: Option<u32>,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(leader) = self.leader {
            kill_process_group(leader);
        }
    }
}
const MAX_STDERR_BYTES: u64 = 64 * 1024;
/// The largest file a child (or a program it starts) may write.
const MAX_CHILD_FILE_BYTES: u64 = 512 * 1024 * 1024;

async fn run_in_child(
    exe: &Path,
    pdf: &Path,
    limits: &ChildLimits,
    mode: ChildMode,
) -> Result<(ChildPayload, ChildStats), ConversionFailure> {
    let started = Instant::now();
    // The child's own temporary folder, the only place it may write (see
    // `confine`); removed with everything in it however the child ends
    // (a wall-clock kill leaves no page images behind).
    let temp = tempfile::Builder::new()
        .prefix("evistream-child-")
        .tempdir()
        .map_err(|err| ConversionFailure::Limit {
            detail: format!("no temporary folder for the PDF reader: {err}"),
        })?;
    let mut command = tokio::process::Command::new(exe);
    command.env_clear();
    for name in CHILD_ENVIRONMENT {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command.env("TMPDIR", temp.path());
    let mut child = command
        .process_group(0)
        .arg("pdf-child")
        .args(["--mode", mode.as_arg()])
        .args(["--max-pages", &limits.max_pages.to_string()])
        .args(["--memory-mb", &limits.memory_mb.to_string()])
        .args(["--cpu-seconds", &limits.cpu_seconds.to_string()])
        .arg("--")
        .arg(pdf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|err| ConversionFailure::Limit {
            detail: format!("the PDF reader could not be started: {err}"),
        })?;
    let mut group = GroupGuard { leader: child.id() };
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(ConversionFailure::Limit {
            detail: "the PDF reader's output could not be captured".to_owned(),
        });
    };
    let mut stdout = stdout.take(MAX_STDOUT_BYTES);
    let mut stderr = stderr.take(MAX_STDERR_BYTES);
    let run = async {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let (read_out, read_err, status) = tokio::join!(
            stdout.read_to_end(&mut out),
            stderr.read_to_end(&mut err),
            child.wait()
        );
        // A failed read leaves a short buffer, which the parse below reports.
        let _ = (read_out, read_err);
        (status, out, err)
    };
    let wall = Duration::from_secs(limits.wall_seconds);
    let Ok((status, out, err)) = tokio::time::timeout(wall, run).await else {
        // Dropping `run` dropped the borrow of the child; kill it (and its
        // helpers) now rather than leave it to kill_on_drop.
        kill_group(&mut child).await;
        group.leader = None;
        return Err(ConversionFailure::Limit {
            detail: format!("took longer than {} s", limits.wall_seconds),
        });
    };
    // Waited for: the child waits for its helpers, so the group is gone, and
    // its id may be reused: never signal it again.
    group.leader = None;
    let wall_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let status = status.map_err(|err| ConversionFailure::Limit {
        detail: format!("the PDF reader could not be waited for: {err}"),
    })?;
    let stderr_tail = tail(&String::from_utf8_lossy(&err), STDERR_TAIL_CHARS);

    if let Some(line) = out
        .split(|b| *b == b'\n')
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))
        && status.success()
    {
        let output: ChildOutput =
            serde_json::from_slice(line).map_err(|err| ConversionFailure::Corrupted {
                detail: format!("the PDF reader's answer could not be read ({err}); {stderr_tail}"),
            })?;
        let stats = ChildStats {
            peak_rss_kb: output.peak_rss_kb,
            cpu_ms: output.cpu_ms,
            wall_ms,
        };
        return output.result.map(|payload| (payload, stats));
    }
    Err(classify_exit(status, &stderr_tail, limits, wall_ms))
}

fn classify_exit(
    status: std::process::ExitStatus,
    stderr_tail: &str,
    limits: &ChildLimits,
    wall_ms: u64,
) -> ConversionFailure {
    use std::os::unix::process::ExitStatusExt;
    const SIGABRT: i32 = 6;
    const SIGKILL: i32 = 9;
    const SIGSEGV: i32 = 11;
    const SIGXCPU: i32 = 24;
    let out_of_memory = stderr_tail.contains("memory allocation of")
        || stderr_tail.contains("out of memory")
        || stderr_tail.contains("Cannot allocate memory")
        || stderr_tail.contains("failed to spawn thread");
    let cpu = || ConversionFailure::Limit {
        detail: format!("exceeded its CPU time limit of {} s", limits.cpu_seconds),
    };
    let memory = || memory_limit(limits.memory_mb);
    match status.signal() {
        Some(SIGXCPU) => cpu(),
        // The hard CPU limit kills; so does the kernel's OOM killer, which leaves
        // no message. Having run at least as long as the CPU limit tells them apart.
        Some(SIGKILL) if wall_ms >= limits.cpu_seconds.saturating_mul(1000) => cpu(),
        Some(SIGKILL) => memory(),
        Some(SIGABRT | SIGSEGV) if out_of_memory => memory(),
        Some(signal) => ConversionFailure::Limit {
            detail: format!("the PDF reader crashed (signal {signal}); {stderr_tail}"),
        },
        None if out_of_memory => memory(),
        None => ConversionFailure::Corrupted {
            detail: format!(
                "the PDF reader stopped without an answer (exit status {}); {stderr_tail}",
                status.code().unwrap_or(-1)
            ),
        },
    }
}

fn memory_limit(memory_mb: u64) -> ConversionFailure {
    ConversionFailure::Limit {
        detail: format!("exceeded its memory limit of {memory_mb} MB"),
    }
}

/// The last `max` characters of `text`, on one line.
fn tail(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = flat.chars().count();
    if count <= max {
        return flat;
    }
    let skipped: String = flat.chars().skip(count - max).collect();
    format!("…{skipped}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    fn limits() -> ChildLimits {
        ChildLimits {
            memory_mb: 64,
            cpu_seconds: 5,
            wall_seconds: 10,
            max_pages: 10,
        }
    }

    #[test]
    fn signals_become_readable_limits() {
        let reason = |raw: i32, stderr: &str, wall_ms: u64| {
            classify_exit(ExitStatusExt::from_raw(raw), stderr, &limits(), wall_ms).reason()
        };
        assert_eq!(
            reason(24, "", 5000),
            "limit reached: exceeded its CPU time limit of 5 s"
        );
        assert_eq!(
            reason(9, "", 6000),
            "limit reached: exceeded its CPU time limit of 5 s"
        );
        assert_eq!(
            reason(6, "memory allocation of 1048576 bytes failed", 10),
            "limit reached: exceeded its memory limit of 64 MB"
        );
        assert!(reason(11, "boom", 10).contains("crashed (signal 11)"));
        // Exit status 101 (a panic that escaped) is not a limit.
        let panicked = classify_exit(ExitStatusExt::from_raw(101 << 8), "panicked", &limits(), 10);
        assert!(
            matches!(panicked, ConversionFailure::Corrupted { .. }),
            "{panicked:?}"
        );
    }

    #[test]
    fn the_child_output_round_trips_as_json() {
        let output = ChildOutput {
            result: Err(ConversionFailure::TooManyPages {
                pages: 1000,
                limit: 500,
            }),
            peak_rss_kb: 1,
            cpu_ms: 2,
        };
        let line = serde_json::to_string(&output).unwrap_or_default();
        assert!(!line.contains('\n'));
        let back: Result<ChildOutput, _> = serde_json::from_str(&line);
        assert_eq!(back.ok(), Some(output));
    }

    #[test]
    fn stderr_tail_is_short_and_flat() {
        assert_eq!(tail("a\nb  c", 10), "a b c");
        assert_eq!(tail("0123456789abc", 3), "…abc");
    }
}
