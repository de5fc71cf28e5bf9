//! One capture in one throw-away browser context: emulate the device,
//! load the page through the capture's proxy, let it settle, then shoot it
//! in tiles beyond the viewport (the viewport is never stretched to the
//! page's height, which would resize `100vh` sections) and stitch them.

use crate::browser::Browser;
use crate::cdp::{Cdp, CdpError, Event};
use crate::egress::Egress;
use crate::stitch::Stitcher;
use crate::{Device, Failure, Shot, Stage};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

const SETTLE_JS: &str = include_str!("js/settle.js");
const CONSENT_JS: &str = include_str!("js/consent.js");
/// Tallest tile, in CSS px: well under the 16,384 px texture limit that
/// makes Chromium repeat content in single tall shots.
pub const TILE_CSS: u32 = 4096;
const CALL: Duration = Duration::from_secs(10);
const SHOT: Duration = Duration::from_secs(30);
/// The lazy-load pass: scroll steps and the time they may take.
const SETTLE_STEPS: u32 = 60;
const SETTLE_STEP_MS: u64 = 150;
const SETTLE_BUDGET: Duration = Duration::from_secs(15);

/// What the page's events have told us so far.
#[derive(Debug, Default, Clone)]
struct Loading {
    dom_ready: bool,
    loaded: bool,
    /// The main document's last answer: status, text, URL.
    answer: Option<(u16, String, String)>,
    /// The main document failed at the network level.
    failed: Option<String>,
    /// URLs the main frame tried to load (with redirects).
    documents: Vec<String>,
}

pub struct Job<'a> {
    pub browser: &'a Browser,
    pub egress: &'a Egress,
    pub url: &'a url::Url,
    pub device: Device,
    pub max_css_height: u32,
    pub load_timeout: Duration,
    pub subresource_wait: Duration,
    pub progress: &'a mpsc::UnboundedSender<Stage>,
}

#[derive(Deserialize)]
struct ContextId {
    #[serde(rename = "browserContextId")]
    id: String,
}

/// Creates the capture's context, runs it under `limit`, and disposes of
/// the context whatever happened.
pub async fn capture(job: Job<'_>, limit: Duration) -> Result<Shot, Failure> {
    let cdp = &job.browser.cdp;
    let ContextId { id: context } = cdp
        .call(
            None,
            "Target.createBrowserContext",
            json!({
                "disposeOnDetach": true,
                "proxyServer": job.egress.url(),
                // Loopback is exempt from proxies unless this says otherwise.
                "proxyBypassList": "<-loopback>",
            }),
            CALL,
        )
        .await
        .map_err(browser_failure)?;
    let outcome = match tokio::time::timeout(limit, run(&job, &context)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Failure::TooSlow(limit.as_secs())),
    };
    let disposed = cdp
        .call::<Value>(
            None,
            "Target.disposeBrowserContext",
            json!({ "browserContextId": context }),
            CALL,
        )
        .await;
    if let Err(e) = disposed {
        if !cdp.is_closed() {
            tracing::warn!(error = %e, "could not dispose of a capture's browser context");
        }
        // A context that cannot be disposed of taints its browser.
        return Err(outcome.err().unwrap_or(Failure::BrowserCrashed));
    }
    outcome
}

fn browser_failure(e: CdpError) -> Failure {
    match e {
        CdpError::Closed => Failure::BrowserCrashed,
        other => Failure::Browser(other.to_string()),
    }
}

#[derive(Deserialize)]
struct Target {
    #[serde(rename = "targetId")]
    id: String,
}

#[derive(Deserialize)]
struct Session {
    #[serde(rename = "sessionId")]
    id: String,
}

async fn run(job: &Job<'_>, context: &str) -> Result<Shot, Failure> {
    let cdp = &job.browser.cdp;
    cdp.call::<Value>(
        None,
        "Browser.setDownloadBehavior",
        json!({ "behavior": "deny", "browserContextId": context }),
        CALL,
    )
    .await
    .map_err(browser_failure)?;
    let Target { id: target } = cdp
        .call(
            None,
            "Target.createTarget",
            json!({ "url": "about:blank", "browserContextId": context }),
            CALL,
        )
        .await
        .map_err(browser_failure)?;
    let Session { id: session } = cdp
        .call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
            CALL,
        )
        .await
        .map_err(browser_failure)?;
    let events = cdp.events(&session);
    let result = in_page(job, &session, events).await;
    cdp.forget(&session);
    result
}

async fn in_page(
    job: &Job<'_>,
    session: &str,
    events: mpsc::UnboundedReceiver<Event>,
) -> Result<Shot, Failure> {
    let cdp = &job.browser.cdp;
    let call = |method: &'static str, params: Value| async move {
        cdp.call::<Value>(Some(session), method, params, CALL)
            .await
            .map_err(browser_failure)
    };
    call("Page.enable", json!({})).await?;
    call("Network.enable", json!({})).await?;
    let frame = main_frame(cdp, session).await?;
    let d = job.device;
    call(
        "Emulation.setDeviceMetricsOverride",
        json!({
            "width": d.width, "height": d.viewport_height,
            "deviceScaleFactor": d.scale, "mobile": d.mobile,
        }),
    )
    .await?;
    let agent = user_agent(&job.browser.version, d.mobile);
    let platform = if d.mobile { "Android" } else { "Linux x86_64" };
    call(
        "Emulation.setUserAgentOverride",
        json!({ "userAgent": agent, "acceptLanguage": "en-US,en", "platform": platform }),
    )
    .await?;
    if d.mobile {
        call(
            "Emulation.setTouchEmulationEnabled",
            json!({ "enabled": true, "maxTouchPoints": 5 }),
        )
        .await?;
    }
    call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": CONSENT_JS }),
    )
    .await?;

    let (state_tx, mut state) = watch::channel(Loading::default());
    let watcher = tokio::spawn(watch_page(
        cdp.clone(),
        session.to_owned(),
        frame.clone(),
        events,
        state_tx,
    ));
    let _stop_watching = AbortOnDrop(watcher);

    let _ = job.progress.send(Stage::Loading);
    #[derive(Deserialize)]
    struct Navigated {
        #[serde(rename = "errorText")]
        error: Option<String>,
    }
    let navigated: Navigated = cdp
        .call(
            Some(session),
            "Page.navigate",
            json!({ "url": job.url.as_str() }),
            job.load_timeout,
        )
        .await
        .map_err(|e| match e {
            CdpError::Timeout(_) => Failure::Timeout(job.load_timeout.as_secs()),
            other => browser_failure(other),
        })?;
    if let Some(error) = navigated.error {
        return Err(explain(job, &state.borrow(), &error));
    }
    wait_for_load(job, &mut state).await?;

    #[derive(Deserialize, Default)]
    struct Settled {
        title: String,
        height: u32,
        url: String,
    }
    let opts = json!({
        "maxSteps": SETTLE_STEPS,
        "stepMs": SETTLE_STEP_MS,
        "budgetMs": SETTLE_BUDGET.as_millis() as u64,
        "maxHeight": job.max_css_height,
    });
    let settled: Settled = evaluate(cdp, session, &format!("({SETTLE_JS})({opts})"))
        .await
        .unwrap_or_default();

    let _ = job.progress.send(Stage::Capturing);
    let layout = layout(cdp, session).await?;
    // A phone shows a page without a mobile layout (980 px wide, say)
    // zoomed out to fit; so does the capture.
    let zoom = if d.mobile && layout.width > d.width as f64 + 1.0 {
        d.width as f64 / layout.width
    } else {
        1.0
    };
    let clip_width = d.width as f64 / zoom;
    let page_height = ((layout.height.max(settled.height as f64) * zoom).ceil() as u32).max(1);
    let css_height = page_height.min(job.max_css_height);
    let px = |css: u32| (css as f64 * d.scale).round() as u32;
    let (width_px, height_px) = (px(d.width), px(css_height));
    let mut stitcher = Some(Stitcher::new(width_px, height_px).map_err(Failure::Browser)?);
    let mut y = 0;
    while y < css_height {
        let tile = TILE_CSS.min(css_height - y);
        let clip = Clip {
            y: y as f64 / zoom,
            width: clip_width,
            height: tile as f64 / zoom,
            scale: zoom,
        };
        let data = screenshot(cdp, session, clip).await?;
        // Rows by position, so rounding never drifts across tiles.
        let rows = px(y + tile) - px(y);
        let mut s = stitcher.take().ok_or(Failure::BrowserCrashed)?;
        let s = tokio::task::spawn_blocking(move || s.push(&data, rows).map(|()| s))
            .await
            .map_err(|e| Failure::Browser(e.to_string()))?
            .map_err(Failure::Browser)?;
        stitcher = Some(s);
        y += tile;
    }
    let stitched = stitcher.take().ok_or(Failure::BrowserCrashed)?;
    let repeated_tiles = stitched.repeated_tiles;
    let png = tokio::task::spawn_blocking(move || stitched.finish())
        .await
        .map_err(|e| Failure::Browser(e.to_string()))?
        .map_err(Failure::Browser)?;
    if repeated_tiles > 0 {
        tracing::warn!(url = %job.url, repeated_tiles, "capture has identical consecutive tiles");
    }
    let answer = state.borrow().answer.clone();
    let (status, final_url) = match answer {
        Some((status, _, url)) => (status, url),
        None => (0, settled.url.clone()),
    };
    Ok(Shot {
        png,
        width: width_px,
        height: height_px,
        css_width: d.width,
        page_height,
        truncated: page_height > css_height,
        title: settled.title,
        final_url: if settled.url.is_empty() {
            final_url
        } else {
            settled.url
        },
        status,
        repeated_tiles,
    })
}

/// Ends the page watcher when the capture ends, however it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn main_frame(cdp: &Cdp, session: &str) -> Result<String, Failure> {
    let tree: Value = cdp
        .call(Some(session), "Page.getFrameTree", json!({}), CALL)
        .await
        .map_err(browser_failure)?;
    tree["frameTree"]["frame"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Failure::Browser("the page has no frame".into()))
}

/// A normal browser's user agent (sites serve some headless browsers
/// differently), desktop or Android phone, of the running version.
fn user_agent(product: &str, mobile: bool) -> String {
    let major = product
        .split('/')
        .nth(1)
        .and_then(|v| v.split('.').next())
        .unwrap_or("120");
    if mobile {
        format!("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Mobile Safari/537.36")
    } else {
        format!("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36")
    }
}

/// Follows the page's events: load progress and the main document's
/// answer; dismisses dialogs (a waiting `alert()` would stall the page).
async fn watch_page(
    cdp: Cdp,
    session: String,
    frame: String,
    mut events: mpsc::UnboundedReceiver<Event>,
    state: watch::Sender<Loading>,
) {
    while let Some(Event { method, params }) = events.recv().await {
        let p = &params;
        let main = p["frameId"].as_str() == Some(frame.as_str());
        match method.as_str() {
            "Page.domContentEventFired" => state.send_modify(|s| s.dom_ready = true),
            "Page.loadEventFired" => state.send_modify(|s| s.loaded = true),
            "Network.requestWillBeSent" if main && p["type"] == "Document" => {
                if let Some(url) = p["request"]["url"].as_str() {
                    let url = url.to_owned();
                    state.send_modify(|s| {
                        // A new document: earlier answers were redirects.
                        s.documents.push(url);
                        s.failed = None;
                    });
                }
            }
            "Network.responseReceived" if main && p["type"] == "Document" => {
                let r = &p["response"];
                let status = r["status"].as_u64().unwrap_or(0) as u16;
                let text = r["statusText"].as_str().unwrap_or_default().to_owned();
                let url = r["url"].as_str().unwrap_or_default().to_owned();
                state.send_modify(|s| s.answer = Some((status, text, url)));
            }
            "Network.loadingFailed" if p["type"] == "Document" => {
                let error = p["errorText"].as_str().unwrap_or("failed").to_owned();
                let cancelled = p["canceled"].as_bool().unwrap_or(false);
                if !cancelled {
                    state.send_modify(|s| {
                        if s.answer.is_none() {
                            s.failed = Some(error)
                        }
                    });
                }
            }
            "Page.javascriptDialogOpening" => {
                let cdp = cdp.clone();
                let session = session.clone();
                tokio::spawn(async move {
                    let _ = cdp
                        .call::<Value>(
                            Some(&session),
                            "Page.handleJavaScriptDialog",
                            json!({ "accept": false }),
                            CALL,
                        )
                        .await;
                });
            }
            _ => {}
        }
    }
}

/// Waits until the page has loaded, or has at least been parsed and had
/// `subresource_wait` more; fails on a network error or an error status.
async fn wait_for_load(job: &Job<'_>, state: &mut watch::Receiver<Loading>) -> Result<(), Failure> {
    let deadline = tokio::time::Instant::now() + job.load_timeout;
    let parsed = tokio::time::timeout_at(
        deadline,
        state.wait_for(|s| s.dom_ready || s.loaded || s.failed.is_some()),
    )
    .await
    .map(|seen| seen.map(|_| ()));
    // The page's events ended before it loaded: the browser (or the tab)
    // went away, which is not the site being slow.
    let gone = || {
        if job.browser.cdp.is_closed() {
            Failure::BrowserCrashed
        } else {
            Failure::Browser("the page was closed while it loaded".into())
        }
    };
    match parsed {
        Ok(Ok(_)) => {}
        Ok(Err(_)) => return Err(gone()),
        Err(_) if job.browser.cdp.is_closed() => return Err(Failure::BrowserCrashed),
        Err(_) => return Err(Failure::Timeout(job.load_timeout.as_secs())),
    }
    let rest = deadline.min(tokio::time::Instant::now() + job.subresource_wait);
    let _ = tokio::time::timeout_at(rest, state.wait_for(|s| s.loaded || s.failed.is_some()))
        .await
        .map(|seen| seen.is_ok());
    let now = state.borrow().clone();
    if let Some(error) = &now.failed {
        return Err(explain(job, &now, error));
    }
    if let Some((status, text, _)) = &now.answer {
        if *status >= 400 {
            if let Some(verdict) = proxy_verdict(job, &now) {
                return Err(verdict);
            }
            return Err(Failure::Status {
                status: *status,
                text: text.clone(),
            });
        }
    }
    Ok(())
}

/// Hosts of the main frame's documents (the page and its redirects).
fn document_hosts(job: &Job<'_>, state: &Loading) -> Vec<String> {
    std::iter::once(job.url.as_str().to_owned())
        .chain(state.documents.iter().cloned())
        .filter_map(|u| url::Url::parse(&u).ok())
        .filter_map(|u| u.host_str().map(bare_host))
        .collect()
}

fn bare_host(h: &str) -> String {
    h.trim_matches(['[', ']']).to_ascii_lowercase()
}

/// What the proxy knows about the main document: it refused it, or could
/// not reach its site. Chromium shows either as the proxy's error page
/// (plain http) or a failed tunnel (https).
fn proxy_verdict(job: &Job<'_>, state: &Loading) -> Option<Failure> {
    let hosts = document_hosts(job, state);
    if let Some(b) = job
        .egress
        .blocked()
        .into_iter()
        .rev()
        .find(|b| hosts.contains(&bare_host(&b.host)))
    {
        return Some(Failure::NotAllowed(b.reason));
    }
    let failed = job
        .egress
        .failed()
        .into_iter()
        .rev()
        .find(|f| hosts.contains(&bare_host(&f.host)))?;
    let e = failed.error.to_ascii_lowercase();
    Some(Failure::Unreachable(
        if e.contains("refused") {
            "the site refused the connection"
        } else if e.contains("did not answer") || e.contains("timed out") {
            "the site did not answer"
        } else {
            "the site could not be reached"
        }
        .into(),
    ))
}

/// A network error of the main document, in words a person understands.
fn explain(job: &Job<'_>, state: &Loading, error: &str) -> Failure {
    if let Some(verdict) = proxy_verdict(job, state) {
        return verdict;
    }
    let code = error.trim_start_matches("net::");
    let why = match code {
        "ERR_NAME_NOT_RESOLVED" => "the site's address could not be found".to_owned(),
        "ERR_CONNECTION_REFUSED" => "the site refused the connection".to_owned(),
        "ERR_CONNECTION_TIMED_OUT" | "ERR_TIMED_OUT" => "the site did not answer".to_owned(),
        "ERR_TOO_MANY_REDIRECTS" => "the page redirects in a loop".to_owned(),
        "ERR_ABORTED" => "the address is a file download or was cancelled, not a page".to_owned(),
        "ERR_BLOCKED_BY_RESPONSE" => "the site refused to be shown".to_owned(),
        "ERR_EMPTY_RESPONSE" | "ERR_CONNECTION_CLOSED" | "ERR_CONNECTION_RESET" => {
            format!("the site closed the connection ({code})")
        }
        c if c.starts_with("ERR_CERT") || c.starts_with("ERR_SSL") => {
            format!("the site's HTTPS certificate is not valid ({c})")
        }
        c => format!("the page could not be loaded ({c})"),
    };
    Failure::Unreachable(why)
}

#[derive(Deserialize)]
struct Evaluated {
    result: Value,
    #[serde(rename = "exceptionDetails")]
    exception: Option<Value>,
}

async fn evaluate<T: for<'de> Deserialize<'de>>(
    cdp: &Cdp,
    session: &str,
    expression: &str,
) -> Option<T> {
    let limit = SETTLE_BUDGET + Duration::from_secs(10);
    let out: Evaluated = cdp
        .call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            limit,
        )
        .await
        .map_err(|e| tracing::debug!(error = %e, "settling the page failed"))
        .ok()?;
    if let Some(e) = out.exception {
        tracing::debug!(exception = %e, "settling the page threw");
        return None;
    }
    serde_json::from_value(out.result["value"].clone()).ok()
}

/// The page's size in its own CSS px: the layout's width and the
/// content's full height.
struct Layout {
    width: f64,
    height: f64,
}

async fn layout(cdp: &Cdp, session: &str) -> Result<Layout, Failure> {
    let m: Value = cdp
        .call(Some(session), "Page.getLayoutMetrics", json!({}), CALL)
        .await
        .map_err(browser_failure)?;
    Ok(Layout {
        width: m["cssLayoutViewport"]["clientWidth"]
            .as_f64()
            .unwrap_or(0.0),
        height: m["cssContentSize"]["height"].as_f64().unwrap_or(0.0),
    })
}

/// A part of the page in its CSS px, drawn at `scale`.
struct Clip {
    y: f64,
    width: f64,
    height: f64,
    scale: f64,
}

async fn screenshot(cdp: &Cdp, session: &str, clip: Clip) -> Result<Vec<u8>, Failure> {
    #[derive(Deserialize)]
    struct Shot {
        data: String,
    }
    let shot: Shot = cdp
        .call(
            Some(session),
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "clip": { "x": 0, "y": clip.y, "width": clip.width, "height": clip.height, "scale": clip.scale },
                "captureBeyondViewport": true,
                "fromSurface": true,
            }),
            SHOT,
        )
        .await
        .map_err(browser_failure)?;
    base64::engine::general_purpose::STANDARD
        .decode(shot.data)
        .map_err(|e| Failure::Browser(format!("a screenshot tile was not base64: {e}")))
}
