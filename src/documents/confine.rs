//! Confinement of the PDF child: whatever a malicious PDF makes the parser
//! (or the OCR helpers pdftoppm and tesseract, which inherit it) do, the
//! process can read only its input file, the system's programs and
//! libraries, and its own temporary folder, and it cannot open a TCP
//! connection. Not the app's `.env`, not `/proc/<server>/environ` (database
//! URL, S3 keys), not the stored PDFs of other documents.
//!
//! Landlock rather than a dedicated user: it needs no privileges and no
//! setup by the operator, it binds root as well (the container runs as
//! root), and its rules are inherited by every program the child starts.
//! On a kernel without Landlock the child runs unconfined and says so on
//! stderr (the parent logs it); everything else (limits, empty environment,
//! process group) still holds.

use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, RulesetStatus, make_bitflags,
};

/// The newest Landlock ABI this code was written and tested against; older
/// kernels get what they support (best effort), newer ones this much.
const ABI_TARGET: ABI = ABI::V5;

/// System folders the child may read and run programs from (the OCR
/// helpers, their libraries and language data).
const SYSTEM_READ: &[&str] = &[
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/etc/alternatives",
];

/// Single system files the child may read (the dynamic loader's cache, fonts
/// configuration and time zone that poppler and tesseract load).
const SYSTEM_FILES: &[&str] = &["/etc/ld.so.cache", "/etc/localtime"];

/// How the confinement went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confinement {
    /// Every rule is enforced by the kernel.
    Full,
    /// The kernel enforces part of the rules (an older Landlock ABI).
    Partial,
    /// The kernel has no Landlock: the child is not confined.
    None,
}

/// The folder the child may write: its own temporary folder (the parent
/// creates one per child and passes it as `TMPDIR`).
pub fn child_temp_dir() -> PathBuf {
    std::env::temp_dir()
}

/// Restricts this process and every process it starts from now on.
pub fn confine(input: &Path, temp: &Path) -> Result<Confinement, String> {
    let all = AccessFs::from_all(ABI_TARGET);
    let read = AccessFs::from_read(ABI_TARGET);
    let file_read = make_bitflags!(AccessFs::{ReadFile});
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(all)
        .map_err(|err| format!("landlock (file access): {err}"))?
        .handle_access(AccessNet::from_all(ABI_TARGET))
        .map_err(|err| format!("landlock (network): {err}"))?
        .create()
        .map_err(|err| format!("landlock: {err}"))?;
    let mut rules = vec![
        (input.to_path_buf(), make_bitflags!(AccessFs::{ReadFile})),
        (temp.to_path_buf(), all),
        // Programs started with null stdio open /dev/null.
        (
            PathBuf::from("/dev/null"),
            make_bitflags!(AccessFs::{ReadFile | WriteFile}),
        ),
    ];
    for folder in SYSTEM_READ {
        rules.push((PathBuf::from(folder), read));
    }
    for file in SYSTEM_FILES {
        rules.push((PathBuf::from(file), file_read));
    }
    // The child reads its own peak memory and CPU time from /proc/self.
    if let Ok(own) = std::fs::canonicalize("/proc/self") {
        rules.push((own, read));
    }
    for (path, access) in rules {
        if !path.exists() {
            continue;
        }
        let fd = PathFd::new(&path).map_err(|err| format!("{}: {err}", path.display()))?;
        (&mut ruleset)
            .add_rule(PathBeneath::new(fd, access))
            .map_err(|err| format!("landlock rule for {}: {err}", path.display()))?;
    }
    let status = ruleset
        .restrict_self()
        .map_err(|err| format!("landlock: {err}"))?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => Confinement::Full,
        RulesetStatus::PartiallyEnforced => Confinement::Partial,
        RulesetStatus::NotEnforced => Confinement::None,
    })
}

/// `evistream confinement-probe <input> <path>…`: confines itself as a PDF
/// child would (input file, `TMPDIR`), then tries to read each path and
/// prints one line per path, `read <path>` or `denied <path>`, after a
/// first line with the confinement (`confinement full|partial|none`). The
/// tests use it to show what the child can and cannot reach.
pub fn probe_main(input: &Path, paths: &[PathBuf]) -> std::process::ExitCode {
    let confinement = match confine(input, &child_temp_dir()) {
        Ok(confinement) => confinement,
        Err(err) => {
            eprintln!("confinement-probe: {err}");
            return std::process::ExitCode::from(3);
        }
    };
    println!(
        "confinement {}",
        match confinement {
            Confinement::Full => "full",
            Confinement::Partial => "partial",
            Confinement::None => "none",
        }
    );
    for path in paths {
        let outcome = if path.is_dir() {
            std::fs::read_dir(path).map(|_| ())
        } else {
            std::fs::read(path).map(|_| ())
        };
        match outcome {
            Ok(()) => println!("read {}", path.display()),
            Err(_) => println!("denied {}", path.display()),
        }
    }
    let written = std::fs::write(child_temp_dir().join("probe.txt"), b"ok");
    println!(
        "{} {}",
        if written.is_ok() { "wrote" } else { "denied" },
        child_temp_dir().join("probe.txt").display()
    );
    let connected = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], 5432)),
        std::time::Duration::from_secs(2),
    );
    println!(
        "{} tcp",
        if connected.is_ok() {
            "connected"
        } else {
            "denied"
        }
    );
    std::process::ExitCode::SUCCESS
}
