//! One Chromium process: started headless with a throw-away profile, in a
//! process group of its own so that it and every helper it forks can be
//! killed at once, and driven over its DevTools pipe.

use crate::cdp::Cdp;
use serde::Deserialize;
use serde_json::json;
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::unix::pipe;
use tokio::process::{Child, Command};

/// Names tried on PATH when no browser is configured, in this order.
pub const CANDIDATES: [&str; 5] = [
    "chromium",
    "chromium-headless-shell",
    "google-chrome",
    "chromium-browser",
    "google-chrome-stable",
];

/// Prefix of every profile folder, so that leftovers of a crashed
/// Critboard can be recognised and removed.
pub const PROFILE_PREFIX: &str = "critboard-chromium-";

/// The browser to use: the configured one when it is executable, else the
/// first candidate on PATH.
pub fn find(configured: Option<&Path>) -> Option<PathBuf> {
    find_program(configured, &CANDIDATES)
}

/// A program to run: `configured` (a path, or a name looked up on PATH)
/// when set, else the first of `names` on PATH; `None` when not executable.
pub fn find_program(configured: Option<&Path>, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = configured {
        if path.components().count() > 1 {
            // Absolute: programs are started in folders of their own.
            return executable(path)
                .then(|| std::path::absolute(path).unwrap_or_else(|_| path.to_owned()));
        }
        return on_path(&path.to_string_lossy());
    }
    names.iter().find_map(|name| on_path(name))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| executable(p))
}

fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot prepare the browser: {0}")]
    Io(#[from] io::Error),
    #[error("the browser did not start: {0}")]
    Start(String),
}

/// Lines Chromium wrote to stderr lately, for the message when it fails.
type Tail = Arc<Mutex<VecDeque<String>>>;

pub struct Browser {
    pub cdp: Cdp,
    child: Child,
    pgid: i32,
    profile: Option<tempfile::TempDir>,
    /// Chromium's TMPDIR: short, because its singleton socket lives there
    /// and a Unix socket path may not exceed 107 bytes (a data folder deep
    /// in the file system would make the profile's own path too long).
    scratch: Option<tempfile::TempDir>,
    stderr: Tail,
    pub version: String,
}

#[derive(Deserialize)]
struct Version {
    product: String,
    #[serde(rename = "userAgent")]
    user_agent: String,
}

/// How long a new browser may take to answer its first command.
const START_TIMEOUT: Duration = Duration::from_secs(30);

impl Browser {
    /// Starts `binary` with its profile (and its HOME, so nothing is
    /// written elsewhere) in a new folder under `workdir`.
    pub async fn launch(binary: &Path, workdir: &Path) -> Result<Browser, LaunchError> {
        std::fs::create_dir_all(workdir)?;
        let profile = tempfile::Builder::new()
            .prefix(&format!("{PROFILE_PREFIX}{}-", std::process::id()))
            .tempdir_in(workdir)?;
        let dir = profile.path();
        let scratch = tempfile::Builder::new()
            .prefix(&format!("{PROFILE_PREFIX}{}-", std::process::id()))
            .tempdir_in(std::env::temp_dir())?;
        let (cmd_read, cmd_write) = pipe_pair()?;
        let (out_read, out_write) = pipe_pair()?;
        // Above 10 so that moving them to 3 and 4 never lands on itself
        // (dup2 onto the same number would keep close-on-exec).
        let child_in = dup_above(&cmd_read, 10)?;
        let child_out = dup_above(&out_write, 10)?;
        drop((cmd_read, out_write));
        let (fd_in, fd_out) = (child_in.as_raw_fd(), child_out.as_raw_fd());

        let mut command = Command::new(binary);
        command
            .args(flags(dir))
            .env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
            )
            .env("HOME", dir)
            .env("XDG_CONFIG_HOME", dir.join(".config"))
            .env("XDG_CACHE_HOME", dir.join(".cache"))
            .env("TMPDIR", scratch.path())
            .env("LANG", "C.UTF-8")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        // SAFETY: between fork and exec only async-signal-safe calls are
        // made (dup2), on descriptors that stay open until after spawn.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(fd_in, 3) < 0 || libc::dup2(fd_out, 4) < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn()?;
        drop((child_in, child_out));
        let pgid = child.id().map(|id| id as i32).unwrap_or(0);
        let stderr: Tail = Arc::default();
        if let Some(err) = child.stderr.take() {
            tokio::spawn(keep_tail(err, stderr.clone()));
        }
        let cdp = Cdp::start(
            pipe::Receiver::from_owned_fd(out_read)?,
            pipe::Sender::from_owned_fd(cmd_write)?,
        );
        let mut browser = Browser {
            cdp,
            child,
            pgid,
            profile: Some(profile),
            scratch: Some(scratch),
            stderr,
            version: String::new(),
        };
        match browser
            .cdp
            .call::<Version>(None, "Browser.getVersion", json!({}), START_TIMEOUT)
            .await
        {
            Ok(v) => {
                tracing::debug!(product = %v.product, ua = %v.user_agent, "browser started");
                browser.version = v.product;
                Ok(browser)
            }
            Err(e) => {
                let tail = browser.stderr_tail();
                browser.shutdown().await;
                Err(LaunchError::Start(if tail.is_empty() {
                    e.to_string()
                } else {
                    format!("{e}: {tail}")
                }))
            }
        }
    }

    /// The last lines the browser wrote to stderr.
    pub fn stderr_tail(&self) -> String {
        self.stderr
            .lock()
            .map(|t| t.iter().cloned().collect::<Vec<_>>().join(" | "))
            .unwrap_or_default()
    }

    /// Kills the browser and its helpers, waits for them, then deletes
    /// the profile.
    pub async fn shutdown(&mut self) {
        self.kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        // Helpers are reparented when the browser dies; give them a moment
        // to go before their profile is removed under them.
        for _ in 0..100 {
            if !self.group_alive() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if let Some(s) = self.scratch.take() {
            let _ = s.close();
        }
        if let Some(p) = self.profile.take() {
            let path = p.path().to_owned();
            match p.close() {
                // Already gone with the folder it was in (Critboard's data
                // folder removed while stopping).
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "could not remove a browser profile")
                }
                Ok(()) => {}
            }
        }
    }

    pub(crate) fn kill(&self) {
        if self.pgid > 0 {
            // SAFETY: plain syscall; a negative pid names our own group.
            unsafe {
                libc::kill(-self.pgid, libc::SIGKILL);
            }
        }
    }

    fn group_alive(&self) -> bool {
        // SAFETY: signal 0 only checks that some process of the group exists.
        self.pgid > 0 && unsafe { libc::kill(-self.pgid, 0) } == 0
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The async `shutdown` is the tidy way; this is the backstop (a
        // task aborted mid-capture, Critboard stopping).
        self.kill();
    }
}

fn flags(profile: &Path) -> Vec<String> {
    let mut f: Vec<String> = [
        "--headless",
        "--remote-debugging-pipe",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-client-side-phishing-detection",
        "--disable-domain-reliability",
        "--disable-breakpad",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--hide-scrollbars",
        "--mute-audio",
        "--block-new-web-contents",
        "--deny-permission-prompts",
        "--disable-notifications",
        "--no-pings",
        "--disable-quic",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,Translate,MediaRouter,OptimizationHints,AutofillServerCommunication,InterestFeedContentSuggestions",
        // Traffic outside a capture's own context goes to a port nobody
        // listens on; Chromium itself resolves no names (the capture's
        // proxy does).
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--lang=en-US",
        "--accept-lang=en-US,en",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    f.push(format!("--user-data-dir={}", profile.display()));
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Chromium refuses to start its sandbox as root. Run Critboard as
        // an ordinary user to keep it (docs/security.md).
        f.push("--no-sandbox".into());
    }
    f.push("about:blank".into());
    f
}

fn pipe_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills both descriptors on success; we own them after.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fresh descriptors, owned by nothing else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn dup_above(fd: &OwnedFd, min: i32) -> io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor we then own.
    let n = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, min) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    Ok(unsafe { OwnedFd::from_raw_fd(n) })
}

async fn keep_tail(stderr: tokio::process::ChildStderr, tail: Tail) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::trace!(target: "chromium", "{line}");
        if let Ok(mut t) = tail.lock() {
            if t.len() == 8 {
                t.pop_front();
            }
            t.push_back(line.chars().take(300).collect());
        }
    }
}

/// Removes profile folders left in `workdir` by Critboard processes that
/// are gone (killed before they could clean up).
pub fn remove_stale_profiles(workdir: &Path) {
    for dir in [workdir.to_owned(), std::env::temp_dir()] {
        remove_stale_in(&dir);
    }
}

fn remove_stale_in(workdir: &Path) {
    let Ok(entries) = std::fs::read_dir(workdir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(PROFILE_PREFIX) else {
            continue;
        };
        let pid: i32 = rest
            .split('-')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        // SAFETY: signal 0 only asks whether the process exists.
        let alive = pid > 0 && unsafe { libc::kill(pid, 0) } == 0;
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
