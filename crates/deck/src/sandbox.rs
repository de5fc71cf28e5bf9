//! The parent's side: starts the worker with limits, reads its report,
//! and turns the ways it can end (refusal, memory exhausted, too slow,
//! crash) into a `Refusal` or an `Error`.

use crate::office::{Converter, Slides};
use crate::{Error, Message, Outline, Refusal, INPUT};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio::time::{timeout_at, Instant};

#[derive(Clone, Debug)]
pub struct Limits {
    /// More pages than this are refused (`CRITBOARD_MAX_PDF_PAGES`).
    pub max_pages: usize,
    /// The worker's address space: a 2.3 KB nested-compression bomb that
    /// would take 1–2 GB stops here, while real decks need under 300 MB.
    pub memory_bytes: u64,
    /// Opening and checking a file, whatever its size.
    pub open_timeout: Duration,
    /// Added to the rendering deadline for each page.
    pub page_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 300,
            memory_bytes: 1 << 30,
            open_timeout: Duration::from_secs(30),
            page_timeout: Duration::from_secs(10),
        }
    }
}

/// No page PNG is larger than this (RLIMIT_FSIZE): 1600×4800 RGBA
/// uncompressed is 31 MB.
const MAX_FILE_BYTES: u64 = 64 << 20;
/// The worker's CPU time, a backstop behind the wall clock.
const MAX_CPU_SECONDS: u64 = 15 * 60;

/// What a confined process may use besides its time.
#[derive(Clone, Copy)]
struct Caps {
    memory: u64,
    file_bytes: u64,
    open_files: u64,
}

#[derive(Clone, Debug)]
pub struct Sandbox {
    exe: PathBuf,
    limits: Limits,
    converter: Option<Converter>,
}

impl Sandbox {
    /// `exe` is the Critboard binary (it has the `pdf-worker` subcommand).
    pub fn new(exe: PathBuf, limits: Limits) -> Self {
        Sandbox {
            exe,
            limits,
            converter: None,
        }
    }

    /// Slides other than PDFs are converted with this LibreOffice.
    pub fn with_converter(mut self, converter: Option<Converter>) -> Self {
        self.converter = converter;
        self
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn converter(&self) -> Option<&Converter> {
        self.converter.as_ref()
    }

    /// Converts `dir/input.<ext>` to `dir/input.pdf` with LibreOffice,
    /// confined as the PDF worker is (more memory: it maps much it never
    /// touches). Its profile and temporary files stay in `dir`.
    pub async fn convert(&self, dir: &Path, slides: Slides) -> Result<(), Error> {
        let dir = &absolute(dir)?;
        let converter = self.converter.as_ref().ok_or(Refusal::NoConverter)?;
        let worker = |e: std::io::Error| Error::Worker(format!("LibreOffice: {e}"));
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(worker)?;
        // Its own binary confines itself (Landlock) and becomes LibreOffice.
        let mut command = Command::new(&self.exe);
        command
            .arg("pdf-worker")
            .arg("exec")
            .arg(dir)
            .arg(&converter.soffice)
            .args(["--headless", "--norestore", "--nologo", "--nolockcheck"])
            .arg(format!(
                "-env:UserInstallation=file://{}",
                url_path(&dir.join("profile"))
            ))
            // Impress's own import filter: a file that is really a text
            // document or a spreadsheet is not handed to Writer or Calc.
            .arg(format!("--infilter={}", slides.filter()))
            .args(["--convert-to", "pdf", "--outdir", "."])
            .arg(slides.input())
            .env_clear()
            .env("HOME", dir)
            .env("TMPDIR", &tmp)
            .env("PATH", "/usr/bin:/bin")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        let caps = Caps {
            memory: converter.memory_bytes,
            file_bytes: 512 << 20,
            open_files: 512,
        };
        // SAFETY: only async-signal-safe system calls between fork and exec.
        unsafe {
            command.pre_exec(move || confine(caps));
        }
        let mut child = command.spawn().map_err(worker)?;
        // LibreOffice forks, and a cancelled job drops this future: the
        // whole group goes, whichever way this ends.
        let _group = KillGroup(child.id().unwrap_or_default() as i32);
        let said = child.stderr.take().map(|mut stderr| {
            tokio::spawn(async move {
                let mut text = Vec::new();
                let _ = (&mut stderr).take(64 << 10).read_to_end(&mut text).await;
                String::from_utf8_lossy(&text).into_owned()
            })
        });
        let Ok(status) = tokio::time::timeout(converter.timeout, child.wait()).await else {
            return Err(Refusal::ConversionTooSlow {
                seconds: converter.timeout.as_secs(),
            }
            .into());
        };
        let status = status.map_err(worker)?;
        drop(_group);
        let said = match said {
            Some(task) => task.await.unwrap_or_default(),
            None => String::new(),
        };
        let pdf = std::fs::File::open(dir.join(INPUT)).and_then(|mut f| {
            let mut head = [0u8; 1024];
            let n = std::io::Read::read(&mut f, &mut head)?;
            Ok(crate::sniff(&head[..n]))
        });
        // A converter stopped half-way (by a limit) may leave half a PDF.
        match pdf {
            Ok(true) if status.success() => Ok(()),
            _ => {
                tracing::info!(%status, stderr = %said.trim_end(), "LibreOffice made no PDF");
                Err(Refusal::NotConvertible.into())
            }
        }
    }

    /// Opens `dir/input.pdf` and reports its pages, rendering nothing.
    pub async fn check(&self, dir: &Path) -> Result<Outline, Error> {
        self.run(dir, "check", |_, _| {}).await
    }

    /// Renders every page of `dir/input.pdf` to `dir/page-NNNN.png`;
    /// `progress(done, pages)` follows along.
    pub async fn render(
        &self,
        dir: &Path,
        progress: impl FnMut(usize, usize),
    ) -> Result<Outline, Error> {
        self.run(dir, "render", progress).await
    }

    async fn run(
        &self,
        dir: &Path,
        mode: &str,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Outline, Error> {
        let worker = |e: std::io::Error| Error::Worker(e.to_string());
        let dir = &absolute(dir)?;
        let mut command = Command::new(&self.exe);
        command
            .arg("pdf-worker")
            .arg(mode)
            .arg(dir)
            .arg(self.limits.max_pages.to_string())
            .env_clear()
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        let memory = self.limits.memory_bytes;
        let caps = Caps {
            memory,
            file_bytes: MAX_FILE_BYTES,
            open_files: 32,
        };
        // SAFETY: only async-signal-safe system calls between fork and exec.
        unsafe {
            command.pre_exec(move || confine(caps));
        }
        let mut child = command.spawn().map_err(worker)?;
        let pid = child.id().unwrap_or_default() as i32;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| Error::Worker("no stdout".into()))?;
        let mut stderr = child
            .stderr
            .take()
            .ok_or_else(|| Error::Worker("no stderr".into()))?;
        let errors = tokio::spawn(async move {
            let mut text = Vec::new();
            let _ = (&mut stderr).take(64 << 10).read_to_end(&mut text).await;
            String::from_utf8_lossy(&text).into_owned()
        });
        let started = Instant::now();
        let mut deadline = started + self.limits.open_timeout;
        let mut lines = BufReader::new(stdout).lines();
        let mut outline = None;
        let mut refusal = None;
        let mut rendered = 0;
        loop {
            let line = match timeout_at(deadline, lines.next_line()).await {
                Ok(line) => line.map_err(worker)?,
                Err(_) => {
                    // SAFETY: kill(2) on the worker's own process group.
                    unsafe { libc::kill(-pid, libc::SIGKILL) };
                    let _ = child.wait().await;
                    let stage = if outline.is_some() { "render" } else { "open" };
                    return Err(Refusal::TooSlow {
                        seconds: (deadline - started).as_secs(),
                        stage: stage.into(),
                    }
                    .into());
                }
            };
            let Some(line) = line else { break };
            match serde_json::from_str::<Message>(&line) {
                Ok(Message::Outline(o)) => {
                    if let Err(refused) = o.check(self.limits.max_pages) {
                        // SAFETY: kill(2) on the worker's own process group.
                        unsafe { libc::kill(-pid, libc::SIGKILL) };
                        let _ = child.wait().await;
                        return Err(refused.into());
                    }
                    deadline += self.limits.page_timeout * o.pages.len() as u32;
                    progress(0, o.pages.len());
                    outline = Some(o);
                }
                Ok(Message::Page(n)) => {
                    rendered = n;
                    progress(n, outline.as_ref().map_or(0, |o| o.pages.len()));
                }
                Ok(Message::Refused(r)) => refusal = Some(r),
                Err(e) => tracing::warn!(error = %e, "the PDF worker said something unexpected"),
            }
        }
        let status = child.wait().await.map_err(worker)?;
        let said = errors.await.unwrap_or_default();
        if let Some(refusal) = refusal {
            return Err(refusal.into());
        }
        if let Some(signal) = status.signal() {
            tracing::info!(signal, stderr = %said.trim_end(), "the PDF worker was stopped");
            let mb = memory >> 20;
            return Err(match signal {
                libc::SIGXCPU | libc::SIGKILL => Refusal::TooSlow {
                    seconds: MAX_CPU_SECONDS,
                    stage: "render".into(),
                },
                _ if said.contains("memory allocation") || said.contains("capacity overflow") => {
                    Refusal::TooMuchMemory { mb }
                }
                _ if outline.is_some() => Refusal::Unrenderable { page: rendered + 1 },
                _ => Refusal::Damaged,
            }
            .into());
        }
        if !status.success() {
            return Err(Error::Worker(format!("{status}: {}", said.trim_end())));
        }
        let outline = outline.ok_or_else(|| Error::Worker("it ended without an answer".into()))?;
        if mode == "render" && rendered != outline.pages.len() {
            return Err(Error::Worker(format!(
                "it rendered {rendered} of {} pages",
                outline.pages.len()
            )));
        }
        Ok(outline)
    }
}

/// Runs in the child between fork and exec: limits, no network, and death
/// with the parent.
fn confine(caps: Caps) -> std::io::Result<()> {
    let limit = |resource, soft: u64, hard: u64| {
        let l = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: setrlimit with a valid struct.
        if unsafe { libc::setrlimit(resource, &l) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    };
    limit(libc::RLIMIT_AS, caps.memory, caps.memory)?;
    limit(libc::RLIMIT_CPU, MAX_CPU_SECONDS, MAX_CPU_SECONDS + 5)?;
    limit(libc::RLIMIT_FSIZE, caps.file_bytes, caps.file_bytes)?;
    limit(libc::RLIMIT_NOFILE, caps.open_files, caps.open_files)?;
    limit(libc::RLIMIT_CORE, 0, 0)?;
    // SAFETY: prctl and unshare take no pointers here.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        // A network namespace of its own has no interfaces but a downed
        // loopback. Root can make one; others need a user namespace, which
        // some systems forbid: then the worker (which opens no sockets)
        // runs without, as documented in docs/security.md. LibreOffice's
        // own pipes are Unix sockets, which need no network.
        if libc::unshare(libc::CLONE_NEWNET) != 0 {
            libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET);
        }
    }
    Ok(())
}

/// The worker runs in its folder and is told where that is: a relative
/// data folder (the default `./critboard-data`) would point elsewhere.
fn absolute(dir: &Path) -> Result<PathBuf, Error> {
    std::path::absolute(dir).map_err(|e| Error::Worker(format!("{}: {e}", dir.display())))
}

/// Kills a process group when dropped.
struct KillGroup(i32);

impl Drop for KillGroup {
    fn drop(&mut self) {
        if self.0 > 0 {
            // SAFETY: kill(2) on a process group this sandbox started.
            unsafe { libc::kill(-self.0, libc::SIGKILL) };
        }
    }
}

/// A path as the path part of a `file://` URL (LibreOffice reads its
/// profile location only as a URL).
fn url_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn profile_paths_are_escaped_for_their_url() {
        assert_eq!(
            super::url_path(std::path::Path::new("/srv/my data/pdf-1%/profile")),
            "/srv/my%20data/pdf-1%25/profile"
        );
    }
}
