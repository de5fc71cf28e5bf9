//! Background work run by the job queue: website captures, thumbnails,
//! deleting stored files, and the hourly clean-up of uploads that never
//! completed.

use crate::state::AppState;
use critboard_files::probe;
use critboard_files::thumbs::{self, Thumb};
use critboard_files::{ImageKind, StorageError};
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::queries::assets::{NewPage, NewThumbnail};
use critboard_store::queries::captures::Captured;
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub const THUMBNAILS: &str = "thumbnails";
pub const DELETE_OBJECTS: &str = "delete-objects";
pub const CLEANUP_UPLOADS: &str = "cleanup-uploads";
pub const CAPTURE: &str = "capture";
pub const RENDER_DECK: &str = "render-deck";
pub const RETENTION: &str = "retention";
/// Uploads not completed within this time are deleted.
pub const UPLOAD_TTL_HOURS: i64 = 24;

#[derive(Serialize, Deserialize)]
pub struct ThumbnailJob {
    pub version_id: Uuid,
}

pub fn thumbnail_job(version_id: Uuid) -> NewJob {
    NewJob::now(
        THUMBNAILS,
        serde_json::to_value(ThumbnailJob { version_id }).unwrap_or_default(),
    )
    .unique(format!("{THUMBNAILS}:{version_id}"))
}

#[derive(Serialize, Deserialize)]
pub struct CaptureJob {
    pub version_id: Uuid,
}

/// Captures a version's page; `attempt` tells a retry of a failed
/// capture from the first try (each gets its own job).
pub fn capture_job(version_id: Uuid, attempt: Option<Uuid>) -> NewJob {
    let key = match attempt {
        Some(a) => format!("{CAPTURE}:{version_id}:{a}"),
        None => format!("{CAPTURE}:{version_id}"),
    };
    NewJob::now(
        CAPTURE,
        serde_json::to_value(CaptureJob { version_id }).unwrap_or_default(),
    )
    .unique(key)
}

#[derive(Serialize, Deserialize)]
pub struct DeckJob {
    pub version_id: Uuid,
}

pub fn deck_job(version_id: Uuid) -> NewJob {
    NewJob::now(
        RENDER_DECK,
        serde_json::to_value(DeckJob { version_id }).unwrap_or_default(),
    )
    .unique(format!("{RENDER_DECK}:{version_id}"))
}

/// The job row that deletes these stored objects (after the rows that
/// named them are gone, in the same transaction).
pub fn delete_objects_job(
    state: &AppState,
    keys: Vec<String>,
) -> critboard_store::entities::job::ActiveModel {
    let payload = serde_json::to_value(DeleteObjectsJob { keys }).unwrap_or_default();
    NewJob::now(DELETE_OBJECTS, payload).into_active_model(state.store.now())
}

#[derive(Serialize, Deserialize)]
pub struct DeleteObjectsJob {
    pub keys: Vec<String>,
}

/// The capture worker pool's one handler (captures have their own pool
/// so that a slow page never delays thumbnails and e-mail).
pub fn capture_handlers(state: &AppState) -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(Capture(state.clone()))]
}

/// The deck pool's one handler (a 300-page deck never delays thumbnails).
pub fn deck_handlers(state: &AppState) -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(RenderDeck(state.clone()))]
}

pub fn handlers(state: &AppState) -> Vec<Arc<dyn Handler>> {
    vec![
        Arc::new(Thumbnails(state.clone())),
        Arc::new(DeleteObjects(state.clone())),
        Arc::new(CleanupUploads(state.clone())),
        Arc::new(Retention(state.clone())),
        Arc::new(crate::changes::Changes(state.clone())),
        Arc::new(crate::record::Export(state.clone())),
        Arc::new(crate::mail::SendEmail(state.clone())),
        Arc::new(crate::mail::digest::Digest(state.clone())),
        Arc::new(crate::mail::reminders::DueReminders(state.clone())),
        Arc::new(crate::mail::guest_replies::GuestReplies(state.clone())),
    ]
}

fn payload<T: for<'de> Deserialize<'de>>(job: &Job) -> Result<T, JobError> {
    serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent(format!("bad payload: {e}")))
}

pub(crate) fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

struct Thumbnails(AppState);

impl Handler for Thumbnails {
    fn kind(&self) -> &'static str {
        THUMBNAILS
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let ThumbnailJob { version_id } = payload(job)?;
            let done = make_thumbnails(&self.0, version_id).await;
            settle_when_giving_up(
                &self.0,
                job,
                version_id,
                done,
                "its thumbnails could not be made",
            )
            .await
        })
    }
}

struct Capture(AppState);

impl Handler for Capture {
    fn kind(&self) -> &'static str {
        CAPTURE
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let CaptureJob { version_id } = payload(job)?;
            let done = capture_version(&self.0, version_id).await;
            let why = "the capture was interrupted too often; try again";
            settle_when_giving_up(&self.0, job, version_id, done, why).await
        })
    }
}

struct RenderDeck(AppState);

impl Handler for RenderDeck {
    fn kind(&self) -> &'static str {
        RENDER_DECK
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let DeckJob { version_id } = payload(job)?;
            let done = render_deck(&self.0, version_id).await;
            let why = "its pages could not be rendered; upload it again";
            settle_when_giving_up(&self.0, job, version_id, done, why).await
        })
    }
}

/// A job about to be given up (its last attempt failed, or it cannot
/// succeed) fails its version, so that no card waits for it for ever and
/// the person can try again.
async fn settle_when_giving_up(
    state: &AppState,
    job: &Job,
    version_id: Uuid,
    done: Result<(), JobError>,
    why: &str,
) -> Result<(), JobError> {
    let Err(error) = done else {
        return Ok(());
    };
    let last = matches!(error, JobError::Permanent(_)) || job.attempts >= job.max_attempts;
    if last {
        tracing::warn!(%version_id, error = %error, "giving up on a version's job");
        state
            .store
            .fail_version(version_id, why)
            .await
            .map_err(retry)?;
    }
    Err(error)
}

/// Captures a version's page, stores the picture after the checks an
/// upload gets, and makes its thumbnails. Every outcome settles the
/// version (ready or failed with the reason), except a shutdown, after
/// which the job runs again.
async fn capture_version(state: &AppState, version_id: Uuid) -> Result<(), JobError> {
    use critboard_capture::{Failure, Stage};
    use critboard_domain::VersionState;
    let store = &state.store;
    let Some(v) = store.version(version_id).await.map_err(retry)? else {
        return Ok(()); // deleted meanwhile
    };
    match v.state {
        VersionState::Queued | VersionState::Loading | VersionState::Capturing => {}
        // Captured and stored, but the thumbnails failed last time.
        VersionState::Processing => return make_thumbnails(state, version_id).await,
        VersionState::Ready | VersionState::Failed => return Ok(()),
    }
    let Some(a) = store.asset(v.asset_id).await.map_err(retry)? else {
        return Ok(());
    };
    let fail = |reason: String| async move {
        metrics::counter!("critboard_captures_total", "outcome" => "failed").increment(1);
        store.fail_version(version_id, &reason).await.map_err(retry)
    };
    let Some(url) = a
        .source_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
    else {
        return fail("the page's address is not valid".into()).await;
    };
    let width = a.capture_width.unwrap_or(1440).max(1) as u32;
    let started = std::time::Instant::now();
    let (tx, mut stages) = tokio::sync::mpsc::unbounded_channel();
    let shoot = async move {
        let shot = state.capturer.capture(&url, width, &tx).await;
        drop(tx);
        shot
    };
    let follow = async {
        while let Some(stage) = stages.recv().await {
            let s = match stage {
                Stage::Loading => VersionState::Loading,
                Stage::Capturing => VersionState::Capturing,
            };
            if let Err(e) = store.capture_stage(version_id, s).await {
                tracing::warn!(error = %e, "could not record a capture's progress");
            }
        }
    };
    let (shot, ()) = tokio::join!(shoot, follow);
    let shot = match shot {
        Ok(shot) => shot,
        Err(Failure::ShuttingDown) => return Err(JobError::Retry("Critboard stopped".into())),
        Err(failure) => return fail(failure.to_string()).await,
    };
    metrics::histogram!("critboard_capture_seconds").record(started.elapsed().as_secs_f64());
    // The same checks as an upload: a PNG within the picture limits.
    let size = shot.png.len() as u64;
    let tail = &shot.png[shot.png.len().saturating_sub(probe::TAIL_BYTES as usize)..];
    let head = &shot.png[..shot.png.len().min(probe::HEAD_BYTES as usize)];
    let probed = match probe::probe(head, tail, size, state.limits) {
        Ok(p) => p,
        Err(refused) => return fail(format!("the captured picture was refused: {refused}")).await,
    };
    if let Err(e) = state.storage.put(&v.object_key, shot.png).await {
        tracing::warn!(error = %e, "could not store a capture");
        return fail("the capture could not be stored; try again".into()).await;
    }
    let captured = Captured {
        bytes: size as i64,
        width: probed.width as i32,
        height: probed.height as i32,
        content_type: probed.kind.mime(),
        captured_at: store.now(),
        final_url: shot.final_url,
        page_height: shot.page_height as i32,
        truncated: shot.truncated,
        page_title: shot.title,
    };
    let kept = match store.store_capture(version_id, captured).await {
        Ok(kept) => kept,
        Err(critboard_store::StoreError::NotFound) => false,
        Err(e) => return Err(retry(e)),
    };
    if !kept {
        // Deleted (or settled) while it was captured: its clean-up ran
        // before the file existed, so the file goes now.
        if let Err(e) = state.storage.delete(&v.object_key).await {
            tracing::warn!(error = %e, key = %v.object_key, "could not delete an unused capture");
        }
        return Ok(());
    }
    metrics::counter!("critboard_captures_total", "outcome" => "captured").increment(1);
    make_thumbnails(state, version_id).await
}

/// Renders, stores and records a version's thumbnails. Safe to run again:
/// a version that is no longer processing is left alone, and the store
/// records thumbnails only while it is (see `finish_version`).
async fn make_thumbnails(state: &AppState, version_id: Uuid) -> Result<(), JobError> {
    let store = &state.store;
    let Some(version) = store.version(version_id).await.map_err(retry)? else {
        return Ok(()); // deleted meanwhile
    };
    if version.state != critboard_domain::VersionState::Processing {
        return Ok(());
    }
    let kind = ImageKind::from_mime(&version.content_type)
        .ok_or_else(|| JobError::Permanent(format!("unknown type {}", version.content_type)))?;
    // Pictures in S3 are copied to a temporary file to be decoded.
    let (path, temporary) = match state.storage.local_path(&version.object_key) {
        Some(path) => (path, None),
        None => {
            let dir = state.config.data_dir.join("tmp");
            std::fs::create_dir_all(&dir).map_err(retry)?;
            let path = dir.join(format!("{version_id}.download"));
            state
                .storage
                .download(&version.object_key, &path)
                .await
                .map_err(retry)?;
            (path.clone(), Some(TempFile(path)))
        }
    };
    let limits = state.limits;
    let rendered = tokio::task::spawn_blocking(move || -> Result<(String, Vec<Thumb>), String> {
        let sha = file_sha256(&path).map_err(|e| e.to_string())?;
        let thumbs = thumbs::render(&path, kind, limits).map_err(|e| e.to_string())?;
        Ok((sha, thumbs))
    })
    .await
    .map_err(retry)?;
    drop(temporary);
    let (sha, thumbs) = match rendered {
        Ok(done) => done,
        Err(reason) => {
            // The bytes passed the header checks but do not decode.
            store
                .fail_version(
                    version_id,
                    &format!("the picture cannot be decoded: {reason}"),
                )
                .await
                .map_err(retry)?;
            return Ok(());
        }
    };
    let mut rows = Vec::new();
    for t in thumbs {
        let key = format!("t/{version_id}/{}.{}", t.size, t.extension());
        let bytes = t.data.len() as i64;
        state.storage.put(&key, t.data).await.map_err(retry)?;
        rows.push(NewThumbnail {
            size: t.size,
            object_key: key,
            content_type: t.content_type,
            width: t.width as i32,
            height: t.height as i32,
            bytes,
        });
    }
    if store
        .finish_version(version_id, sha, rows, Vec::new())
        .await
        .map_err(retry)?
    {
        metrics::counter!("critboard_thumbnails_rendered_total").increment(1);
        crate::changes::after_ready(state, version_id).await;
    }
    Ok(())
}

/// Puts a version's file in a fresh folder as the PDF worker's input:
/// a copy (the worker must not reach the store) or a download from S3.
pub async fn worker_folder(
    state: &AppState,
    object_key: &str,
    name: &str,
) -> Result<tempfile::TempDir, String> {
    let root = state.config.data_dir.join("tmp");
    std::fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let dir = tempfile::Builder::new()
        .prefix("pdf-")
        .tempdir_in(&root)
        .map_err(|e| e.to_string())?;
    let input = dir.path().join(name);
    match state.storage.local_path(object_key) {
        Some(path) => tokio::fs::copy(&path, &input)
            .await
            .map(drop)
            .map_err(|e| e.to_string())?,
        None => state
            .storage
            .download(object_key, &input)
            .await
            .map_err(|e| e.to_string())?,
    }
    Ok(dir)
}

/// Renders a deck's pages in the worker, stores each page at viewer size
/// with its grid thumbnail, and makes the version ready with its pages in
/// one transaction. A file the worker refuses fails the version with the
/// reason; nothing it made is kept.
async fn render_deck(state: &AppState, version_id: Uuid) -> Result<(), JobError> {
    use critboard_deck::Error;
    let store = &state.store;
    let Some(version) = store.version(version_id).await.map_err(retry)? else {
        return Ok(()); // deleted meanwhile
    };
    if version.state != critboard_domain::VersionState::Processing {
        return Ok(());
    }
    // Slides are converted to the PDF the worker reads; the original stays
    // the version's file.
    let slides = critboard_deck::Slides::from_mime(&version.content_type);
    let input = slides.map_or_else(|| critboard_deck::INPUT.to_owned(), |s| s.input());
    let dir = worker_folder(state, &version.object_key, &input)
        .await
        .map_err(retry)?;
    let started = std::time::Instant::now();
    let converted = match slides {
        Some(slides) => state.decks.convert(dir.path(), slides).await,
        None => Ok(()),
    };
    let (tx, mut progress) = tokio::sync::mpsc::unbounded_channel();
    let render = async move {
        let done = match converted {
            Ok(()) => {
                state
                    .decks
                    .render(dir.path(), |n, pages| {
                        let _ = tx.send((n, pages));
                    })
                    .await
            }
            Err(e) => Err(e),
        };
        (done, dir)
    };
    // Every few seconds at most: a 300-page deck is not 300 events.
    let follow = async {
        let mut told = std::time::Instant::now();
        while let Some((n, pages)) = progress.recv().await {
            if n > 0 && n < pages && told.elapsed() >= Duration::from_secs(2) {
                told = std::time::Instant::now();
                if let Err(e) = store
                    .render_progress(version_id, n as i32, pages as i32)
                    .await
                {
                    tracing::warn!(error = %e, "could not record a deck's progress");
                }
            }
        }
    };
    let ((done, dir), ()) = tokio::join!(render, follow);
    let outline = match done {
        Ok(outline) => outline,
        Err(Error::Refused(refusal)) => {
            metrics::counter!("critboard_decks_total", "outcome" => "refused").increment(1);
            // What is said of the PDF is said of the slides' conversion.
            let why = match (slides, &refusal) {
                (Some(_), r) if r.is_of_the_pdf() => format!("the slides as a PDF: {r}"),
                _ => refusal.to_string(),
            };
            store.fail_version(version_id, &why).await.map_err(retry)?;
            return Ok(());
        }
        Err(e @ Error::Worker(_)) => return Err(retry(e)),
    };
    let sha = {
        let input = dir.path().join(&input);
        tokio::task::spawn_blocking(move || file_sha256(&input))
            .await
            .map_err(retry)?
            .map_err(retry)?
    };
    let mut stored = Vec::new();
    let pages = store_pages(state, version_id, dir.path(), &outline, &mut stored).await;
    let pages = match pages {
        Ok(pages) => pages,
        Err(e) => {
            forget_objects(state, &stored).await;
            return Err(e);
        }
    };
    let cover = pages.first().map(|p| {
        [&p.grid, &p.view].map(|t| NewThumbnail {
            size: t.size,
            object_key: t.object_key.clone(),
            content_type: t.content_type,
            width: t.width,
            height: t.height,
            bytes: t.bytes,
        })
    });
    let finished = store
        .finish_version(
            version_id,
            sha,
            cover.into_iter().flatten().collect(),
            pages,
        )
        .await;
    match finished {
        Ok(true) => {
            metrics::counter!("critboard_decks_total", "outcome" => "rendered").increment(1);
            metrics::histogram!("critboard_deck_seconds").record(started.elapsed().as_secs_f64());
            Ok(())
        }
        // Deleted or settled meanwhile: its pages have no row to be found by.
        Ok(false) => {
            forget_objects(state, &stored).await;
            Ok(())
        }
        Err(e) => {
            forget_objects(state, &stored).await;
            Err(retry(e))
        }
    }
}

/// Derives each rendered page's viewer picture and grid thumbnail and puts
/// them in storage; `stored` collects the keys written, for clean-up.
async fn store_pages(
    state: &AppState,
    version_id: Uuid,
    dir: &std::path::Path,
    outline: &critboard_deck::Outline,
    stored: &mut Vec<String>,
) -> Result<Vec<NewPage>, JobError> {
    let mut pages = Vec::with_capacity(outline.pages.len());
    for (i, size) in outline.pages.iter().enumerate() {
        let n = i + 1;
        let path = dir.join(critboard_deck::page_file(n));
        let limits = state.limits;
        let thumbs =
            tokio::task::spawn_blocking(move || thumbs::render(&path, ImageKind::Png, limits))
                .await
                .map_err(retry)?
                .map_err(|e| JobError::Permanent(format!("page {n} cannot be read back: {e}")))?;
        let mut view = None;
        let mut grid = None;
        for t in thumbs {
            let key = format!("p/{version_id}/{n}-{}.jpg", t.size);
            let row = NewThumbnail {
                size: t.size,
                object_key: key.clone(),
                content_type: Thumb::CONTENT_TYPE,
                width: t.width as i32,
                height: t.height as i32,
                bytes: t.data.len() as i64,
            };
            state.storage.put(&key, t.data).await.map_err(retry)?;
            stored.push(key);
            match row.size {
                "grid" => grid = Some(row),
                _ => view = Some(row),
            }
        }
        let (Some(view), Some(grid)) = (view, grid) else {
            return Err(JobError::Permanent(format!("page {n} has no thumbnails")));
        };
        pages.push(NewPage {
            number: n as i32,
            width_pt: f64::from(size.width_pt),
            height_pt: f64::from(size.height_pt),
            view,
            grid,
        });
    }
    Ok(pages)
}

/// Removes objects that no row will ever name.
async fn forget_objects(state: &AppState, keys: &[String]) {
    for key in keys {
        if let Err(e) = state.storage.delete(key).await {
            tracing::warn!(error = %e, %key, "could not delete an unused page");
        }
    }
}

/// Deleted when dropped, whatever happens to the job.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn file_sha256(path: &std::path::Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

struct DeleteObjects(AppState);

impl Handler for DeleteObjects {
    fn kind(&self) -> &'static str {
        DELETE_OBJECTS
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let DeleteObjectsJob { keys } = payload(job)?;
            for key in keys {
                self.0.storage.delete(&key).await.map_err(retry)?;
            }
            Ok(())
        })
    }
}

struct CleanupUploads(AppState);

impl Handler for CleanupUploads {
    fn kind(&self) -> &'static str {
        CLEANUP_UPLOADS
    }

    fn run<'a>(&'a self, _job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let cutoff = self.0.store.now() - chrono::Duration::hours(UPLOAD_TTL_HOURS);
            loop {
                let stale = self
                    .0
                    .store
                    .stale_uploads(cutoff, 200)
                    .await
                    .map_err(retry)?;
                if stale.is_empty() {
                    return Ok(());
                }
                for upload in stale {
                    match self.0.storage.delete(&upload.object_key).await {
                        Ok(()) | Err(StorageError::NotFound) => {}
                        Err(e) => return Err(retry(e)),
                    }
                    self.0.store.delete_upload(upload.id).await.map_err(retry)?;
                }
            }
        })
    }
}

/// Asks for the periodic jobs; called every minute by every node, the queue's
/// unique keys make each run once per period.
pub async fn schedule(state: &AppState) {
    if let Err(e) =
        critboard_jobs::schedule_periodic(&state.queue, CLEANUP_UPLOADS, Duration::from_secs(3600))
            .await
    {
        tracing::warn!(error = %e, "could not schedule the upload clean-up");
    }
    if let Err(e) =
        critboard_jobs::schedule_periodic(&state.queue, RETENTION, Duration::from_secs(86_400))
            .await
    {
        tracing::warn!(error = %e, "could not schedule retention");
    }
}

/// Once a day: deletes finished jobs, sent e-mails, spent or expired
/// tokens, expired sessions and old idempotency keys, in bounded batches.
struct Retention(AppState);

impl Handler for Retention {
    fn kind(&self) -> &'static str {
        RETENTION
    }

    fn run<'a>(&'a self, _job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let store = &self.0.store;
            let pruned = store.prune(store.now()).await.map_err(retry)?;
            tracing::info!(?pruned, "retention");
            Ok(())
        })
    }
}
