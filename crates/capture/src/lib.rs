//! Website capture: full-page screenshots of a URL at a given width, in a
//! real headless Chromium that reaches the network only through an egress
//! filter. See docs/adr/011-website-capture.md.
//!
//! A [`Capturer`] keeps one warm browser for this process, gives each
//! capture a fresh browser context (cookies, storage and cache of their
//! own) and its own proxy, replaces the browser after a number of captures
//! or when it crashes, and closes it when it has been idle a while.

mod browser;
mod cdp;
pub mod egress;
mod page;
mod stitch;

pub use browser::{find as find_chromium, find_program, remove_stale_profiles, PROFILE_PREFIX};
pub use egress::{Budget, Network, Policy, Refusal, SystemNetwork};
pub use page::TILE_CSS;

use browser::Browser;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Semaphore};
use tokio_util::sync::CancellationToken;

/// Narrowest and widest widths a page can be captured at.
pub const MIN_WIDTH: u32 = 320;
pub const MAX_WIDTH: u32 = 2560;
/// Widths up to this are captured as a phone: touch, a mobile user agent,
/// and twice the pixels per CSS px.
pub const MOBILE_UP_TO: u32 = 600;

/// How a page is shown: viewport and pixel density for a width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Device {
    pub width: u32,
    pub viewport_height: u32,
    pub scale: f64,
    pub mobile: bool,
}

impl Device {
    /// A phone (390 × 844 at 2×, an iPhone 12-class screen) up to
    /// [`MOBILE_UP_TO`]; a 16:10 desktop window above.
    pub fn for_width(width: u32) -> Device {
        if width <= MOBILE_UP_TO {
            Device {
                width,
                viewport_height: width * 844 / 390,
                scale: 2.0,
                mobile: true,
            }
        } else {
            Device {
                width,
                viewport_height: (width * 10 / 16).clamp(600, 1600),
                scale: 1.0,
                mobile: false,
            }
        }
    }
}

/// Where a capture is in its work, as shown on its card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Loading,
    Capturing,
}

/// A finished capture.
pub struct Shot {
    /// The whole page (up to the height limit) as one PNG.
    pub png: Vec<u8>,
    /// Pixel size of `png`.
    pub width: u32,
    pub height: u32,
    pub css_width: u32,
    /// The page's full height in CSS px, before any cut.
    pub page_height: u32,
    /// The page was taller than the limit and was cut there.
    pub truncated: bool,
    /// The document's `<title>` (may be empty).
    pub title: String,
    /// Where the page ended up after redirects.
    pub final_url: String,
    pub status: u16,
    pub repeated_tiles: u32,
}

/// Why a capture did not produce a picture, in words for the person who
/// asked for it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    #[error("the address is not allowed: {0}")]
    NotAllowed(Refusal),
    #[error("the page did not load in {0} s")]
    Timeout(u64),
    #[error("the page answered {status}{}", if text.is_empty() { String::new() } else { format!(" ({text})") })]
    Status { status: u16, text: String },
    #[error("{0}")]
    Unreachable(String),
    #[error(
        "website capture needs Chromium: install the chromium package or set CRITBOARD_CHROMIUM"
    )]
    NoBrowser,
    #[error("the browser could not be started: {0}")]
    Launch(String),
    #[error("the browser stopped during the capture; try again")]
    BrowserCrashed,
    #[error("the capture took longer than {0} s and was stopped")]
    TooSlow(u64),
    #[error("the capture failed: {0}")]
    Browser(String),
    #[error("Critboard is shutting down")]
    ShuttingDown,
}

#[derive(Clone)]
pub struct Settings {
    /// The browser binary; `None` looks for Chromium on PATH.
    pub chromium: Option<PathBuf>,
    /// Where browser profiles are made (and removed).
    pub workdir: PathBuf,
    pub policy: Policy,
    /// Captures at once in this process.
    pub workers: usize,
    /// For the page to load.
    pub load_timeout: Duration,
    /// Once the document is parsed, how long to wait for the rest of it
    /// (an image that never arrives must not cost the whole timeout).
    pub subresource_wait: Duration,
    /// For the whole capture, load to last tile.
    pub capture_timeout: Duration,
    /// Tallest capture in CSS px; taller pages are cut.
    pub max_height: u32,
    /// Largest picture side and pixel count (the upload limits).
    pub max_side: u32,
    pub max_pixels: u64,
    /// Captures per browser process before it is replaced.
    pub recycle_after: u32,
    /// An unused browser is closed after this.
    pub idle_close: Duration,
    pub budget: Budget,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            chromium: None,
            workdir: std::env::temp_dir(),
            policy: Policy::default(),
            workers: 1,
            load_timeout: Duration::from_secs(30),
            subresource_wait: Duration::from_secs(10),
            capture_timeout: Duration::from_secs(90),
            max_height: 20_000,
            max_side: 32_768,
            max_pixels: 100_000_000,
            recycle_after: 25,
            idle_close: Duration::from_secs(60),
            budget: Budget::default(),
        }
    }
}

impl Settings {
    /// The tallest capture at `device`, in CSS px: the configured limit,
    /// lowered so that the picture passes the upload limits.
    pub fn max_css_height(&self, device: Device) -> u32 {
        let by_side = (self.max_side as f64 / device.scale).floor();
        let px_width = (device.width as f64 * device.scale).max(1.0);
        let by_pixels = (self.max_pixels as f64 / px_width / device.scale).floor();
        (self.max_height as f64)
            .min(by_side)
            .min(by_pixels)
            .max(1.0) as u32
    }
}

/// Processes (Chromium and every helper it forked) whose command line
/// names a browser profile under `workdir`: for tests and operators. Read
/// from /proc, so empty on systems without it.
pub fn browser_processes(workdir: &std::path::Path) -> Vec<u32> {
    let needle = workdir.join(PROFILE_PREFIX).to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
            // Zombies have an empty command line; they are gone once reaped.
            String::from_utf8_lossy(&cmd)
                .contains(&needle)
                .then_some(pid)
        })
        .collect()
}

/// A browser in use by captures.
struct Pooled {
    browser: Browser,
    uses: AtomicU32,
    broken: AtomicBool,
}

struct Inner {
    settings: Settings,
    binary: Option<PathBuf>,
    network: Arc<dyn Network>,
    slots: Semaphore,
    current: tokio::sync::Mutex<Option<Arc<Pooled>>>,
    /// Browsers replaced while captures still used them.
    retired: Mutex<Vec<Arc<Pooled>>>,
    last_used: Mutex<Instant>,
    generation: AtomicU64,
    launches: AtomicU32,
    stopping: CancellationToken,
}

#[derive(Clone)]
pub struct Capturer(Arc<Inner>);

impl Capturer {
    pub fn new(settings: Settings) -> Capturer {
        Capturer::with_network(settings, Arc::new(SystemNetwork))
    }

    /// With `network` standing in for name resolution and connections.
    pub fn with_network(settings: Settings, network: Arc<dyn Network>) -> Capturer {
        let binary = browser::find(settings.chromium.as_deref());
        remove_stale_profiles(&settings.workdir);
        Capturer(Arc::new(Inner {
            slots: Semaphore::new(settings.workers.max(1)),
            binary,
            network,
            settings,
            current: tokio::sync::Mutex::new(None),
            retired: Mutex::default(),
            last_used: Mutex::new(Instant::now()),
            generation: AtomicU64::new(0),
            launches: AtomicU32::new(0),
            stopping: CancellationToken::new(),
        }))
    }

    /// The browser binary in use; `None`: captures are unavailable.
    pub fn chromium(&self) -> Option<&std::path::Path> {
        self.0.binary.as_deref()
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    pub fn network(&self) -> &dyn Network {
        &*self.0.network
    }

    /// Browser processes started so far (for tests and metrics).
    pub fn launches(&self) -> u32 {
        self.0.launches.load(Ordering::Relaxed)
    }

    /// Checks a URL as the proxy will (before a capture is queued).
    pub async fn check_url(&self, url: &url::Url) -> Result<(), Refusal> {
        egress::check_url(&*self.0.network, self.0.settings.policy, url).await
    }

    /// Captures `url` at `width` CSS px, reporting stages on `progress`.
    pub async fn capture(
        &self,
        url: &url::Url,
        width: u32,
        progress: &mpsc::UnboundedSender<Stage>,
    ) -> Result<Shot, Failure> {
        let inner = &self.0;
        let binary = inner.binary.clone().ok_or(Failure::NoBrowser)?;
        if let Err(r) = self.check_url(url).await {
            return Err(Failure::NotAllowed(r));
        }
        let _slot = tokio::select! {
            _ = inner.stopping.cancelled() => return Err(Failure::ShuttingDown),
            slot = inner.slots.acquire() => slot.map_err(|_| Failure::ShuttingDown)?,
        };
        let pooled = self.browser(&binary).await?;
        let egress = egress::Egress::start(
            inner.network.clone(),
            inner.settings.policy,
            inner.settings.budget,
        )
        .await
        .map_err(|e| Failure::Browser(format!("cannot start the capture proxy: {e}")))?;
        let device = Device::for_width(width.clamp(MIN_WIDTH, MAX_WIDTH));
        let job = page::Job {
            browser: &pooled.browser,
            egress: &egress,
            url,
            device,
            max_css_height: inner.settings.max_css_height(device),
            load_timeout: inner.settings.load_timeout,
            subresource_wait: inner.settings.subresource_wait,
            progress,
        };
        let outcome = tokio::select! {
            _ = inner.stopping.cancelled() => Err(Failure::ShuttingDown),
            o = page::capture(job, inner.settings.capture_timeout) => o,
        };
        if matches!(
            outcome,
            Err(Failure::BrowserCrashed | Failure::ShuttingDown)
        ) || pooled.browser.cdp.is_closed()
        {
            pooled.broken.store(true, Ordering::Relaxed);
        }
        tracing::debug!(
            url = %url, width, requests = egress.requests(), bytes = egress.bytes(),
            ok = outcome.is_ok(), "capture finished"
        );
        drop(egress);
        self.release(pooled).await;
        outcome
    }

    /// The warm browser, or a new one when there is none, it crashed, or
    /// it has served its captures.
    async fn browser(&self, binary: &std::path::Path) -> Result<Arc<Pooled>, Failure> {
        let inner = &self.0;
        let mut current = inner.current.lock().await;
        if let Some(p) = current.as_ref() {
            let worn = p.uses.load(Ordering::Relaxed) >= inner.settings.recycle_after.max(1);
            if !worn && !p.broken.load(Ordering::Relaxed) && !p.browser.cdp.is_closed() {
                p.uses.fetch_add(1, Ordering::Relaxed);
                return Ok(p.clone());
            }
        }
        if let Some(old) = current.take() {
            self.retire(old).await;
        }
        if inner.stopping.is_cancelled() {
            return Err(Failure::ShuttingDown);
        }
        let browser = Browser::launch(binary, &inner.settings.workdir)
            .await
            .map_err(|e| Failure::Launch(e.to_string()))?;
        inner.launches.fetch_add(1, Ordering::Relaxed);
        let p = Arc::new(Pooled {
            browser,
            uses: AtomicU32::new(1),
            broken: AtomicBool::new(false),
        });
        *current = Some(p.clone());
        Ok(p)
    }

    /// Shuts a browser down now if no capture uses it, else when the last
    /// one lets go.
    async fn retire(&self, pooled: Arc<Pooled>) {
        match Arc::try_unwrap(pooled) {
            Ok(mut p) => p.browser.shutdown().await,
            Err(shared) => {
                if let Ok(mut r) = self.0.retired.lock() {
                    r.push(shared);
                }
            }
        }
    }

    async fn release(&self, pooled: Arc<Pooled>) {
        let inner = &self.0;
        if let Ok(mut t) = inner.last_used.lock() {
            *t = Instant::now();
        }
        let broken = pooled.broken.load(Ordering::Relaxed);
        drop(pooled);
        if broken {
            let mut current = inner.current.lock().await;
            if current
                .as_ref()
                .is_some_and(|p| p.broken.load(Ordering::Relaxed))
            {
                if let Some(old) = current.take() {
                    drop(current);
                    self.retire(old).await;
                }
            }
        }
        // Retired browsers whose last capture just ended.
        let done: Vec<Arc<Pooled>> = match inner.retired.lock() {
            Ok(mut r) => {
                let (free, busy) = r.drain(..).partition(|p| Arc::strong_count(p) == 1);
                *r = busy;
                free
            }
            Err(_) => Vec::new(),
        };
        for p in done {
            self.retire(p).await;
        }
        self.close_when_idle();
    }

    /// Closes the warm browser if nothing uses it for `idle_close`.
    fn close_when_idle(&self) {
        let generation = self.0.generation.fetch_add(1, Ordering::Relaxed) + 1;
        let this = self.clone();
        let idle = self.0.settings.idle_close;
        tokio::spawn(async move {
            tokio::select! {
                _ = this.0.stopping.cancelled() => return,
                _ = tokio::time::sleep(idle) => {}
            }
            // A later capture has scheduled its own check.
            if this.0.generation.load(Ordering::Relaxed) != generation {
                return;
            }
            let mut current = this.0.current.lock().await;
            let unused = current.as_ref().is_some_and(|p| Arc::strong_count(p) == 1);
            if unused {
                if let Some(p) = current.take() {
                    drop(current);
                    tracing::debug!("closing the idle capture browser");
                    this.retire(p).await;
                }
            }
        });
    }

    /// Stops captures in flight and closes every browser (Critboard is
    /// stopping).
    pub async fn shutdown(&self) {
        let inner = &self.0;
        inner.stopping.cancel();
        let mut all: Vec<Arc<Pooled>> = inner.current.lock().await.take().into_iter().collect();
        if let Ok(mut r) = inner.retired.lock() {
            all.append(&mut r);
        }
        for p in all {
            match Arc::try_unwrap(p) {
                Ok(mut p) => p.browser.shutdown().await,
                // Still held by a capture that is unwinding: its drop kills it.
                Err(p) => p.browser.kill(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_get_two_pixels_per_css_px_and_desktops_one() {
        let phone = Device::for_width(390);
        assert_eq!(
            (phone.viewport_height, phone.scale, phone.mobile),
            (844, 2.0, true)
        );
        let desk = Device::for_width(1440);
        assert_eq!(
            (desk.viewport_height, desk.scale, desk.mobile),
            (900, 1.0, false)
        );
    }

    #[test]
    fn capture_height_respects_the_picture_limits() {
        let s = Settings::default();
        assert_eq!(s.max_css_height(Device::for_width(1440)), 20_000);
        // 2× phones reach the 32,768 px side limit first.
        assert_eq!(s.max_css_height(Device::for_width(390)), 16_384);
        let tight = Settings {
            max_pixels: 14_400_000,
            ..Settings::default()
        };
        assert_eq!(tight.max_css_height(Device::for_width(1440)), 10_000);
    }
}
