//! Landlock: what a worker may touch once started. It runs in the worker
//! itself (a fresh, single-threaded process), never between fork and exec
//! in the server, and is inherited by whatever the worker executes.
//!
//! The PDF worker keeps only its own folder. LibreOffice also reads the
//! system's programs, libraries, fonts and configuration, but not the data
//! folder, the database, other uploads or other processes' files, and opens
//! no TCP or UDP socket even where no network namespace could be made.

use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr,
    RulesetStatus, Scope, ABI,
};
use std::path::{Path, PathBuf};

/// The newest rights this build knows; older kernels enforce what they can.
const ABI_KNOWN: ABI = ABI::V6;

/// System folders a converter reads (those absent are skipped). Not /opt,
/// /srv or /var/lib, where data folders live; a LibreOffice installed
/// there is added by `converter_reads`.
const SYSTEM: [&str; 10] = [
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/bin",
    "/sbin",
    "/etc",
    "/var/cache/fontconfig",
    "/var/lib/fontconfig",
    // Debian links LibreOffice's shared extension cache here.
    "/var/spool/libreoffice",
];

/// Allows everything in `dir` and reading (and running) `read` (and with
/// `pipes`, making and removing sockets in /tmp); denies every other file,
/// all TCP/UDP, signals to processes outside, and abstract sockets outside.
/// Returns how much the kernel enforced.
pub fn restrict(dir: &Path, read: &[PathBuf], pipes: bool) -> Result<RulesetStatus, String> {
    let abi = ABI_KNOWN;
    let fail = |e: landlock::RulesetError| format!("cannot confine the worker: {e}");
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .map_err(fail)?
        .handle_access(AccessNet::from_all(abi))
        .map_err(fail)?
        .scope(Scope::from_all(abi))
        .map_err(fail)?
        .create()
        .map_err(fail)?
        .add_rules(path_beneath_rules(read, AccessFs::from_read(abi)))
        .map_err(fail)?
        // Devices like /dev/null and /dev/urandom, read and written.
        .add_rules(path_beneath_rules(
            ["/dev"],
            AccessFs::ReadFile | AccessFs::WriteFile | AccessFs::ReadDir,
        ))
        .map_err(fail)?
        .add_rules(path_beneath_rules([dir], AccessFs::from_all(abi)))
        .map_err(fail)?
        // LibreOffice's single-instance pipe is a socket it makes in /tmp
        // whatever TMPDIR says, and removes when done: that, and no more.
        .add_rules(path_beneath_rules(
            pipes.then_some("/tmp"),
            AccessFs::MakeSock | AccessFs::RemoveFile,
        ))
        .map_err(fail)?
        .restrict_self()
        .map_err(fail)?;
    Ok(status.ruleset)
}

/// What a converter may read: the system folders, and the folder of the
/// program itself when it lives elsewhere (a LibreOffice unpacked in /srv).
pub fn converter_reads(program: &Path) -> Vec<PathBuf> {
    let mut read: Vec<PathBuf> = SYSTEM.iter().map(PathBuf::from).collect();
    if let Some(home) = program
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().and_then(Path::parent).map(Path::to_owned))
    {
        read.push(home);
    }
    read
}
