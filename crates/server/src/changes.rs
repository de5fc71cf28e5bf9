//! The `changes` job: what changed between two versions of an asset (one
//! page of them), worked out once both are ready and kept (issue 19 §1).

use crate::state::AppState;
use crate::work::retry;
use critboard_files::diff::{self, Options};
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::entities::version_change;
use critboard_store::queries::changes::{Picture, Shown};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const CHANGES: &str = "changes";

/// Originals are compared (lossless, at full size) up to this many pixels
/// each: a 1440 × 20,000 capture fits; bigger ones use the viewer size.
pub const ORIGINAL_MAX_PIXELS: i64 = 30_000_000;

#[derive(Serialize, Deserialize)]
pub struct ChangesJob {
    pub version_id: Uuid,
    pub against_id: Uuid,
    pub page: i32,
}

/// Keyed by the pair and page: asking again while it waits adds nothing.
pub fn changes_job(version_id: Uuid, against_id: Uuid, page: i32) -> NewJob {
    let job = ChangesJob {
        version_id,
        against_id,
        page,
    };
    NewJob::now(CHANGES, serde_json::to_value(job).unwrap_or_default())
        .unique(format!("{CHANGES}:{against_id}:{version_id}:{page}"))
}

/// Once a picture's or capture's new version is ready, what changed from
/// the version before is worked out ahead of anyone asking, so the board
/// can say it. Decks' pages are worked out when a page is compared.
pub async fn after_ready(state: &AppState, version_id: Uuid) {
    let enqueue = async {
        let Some(v) = state.store.version(version_id).await? else {
            return Ok(());
        };
        if v.page_count != 1 {
            return Ok(());
        }
        if let Some(before) = state.store.version_before(&v).await? {
            if before.page_count == 1 {
                state.queue.enqueue(changes_job(v.id, before.id, 1)).await?;
            }
        }
        Ok::<(), critboard_store::StoreError>(())
    };
    // Asking for the changes later enqueues them too: nothing is lost.
    if let Err(e) = enqueue.await {
        tracing::warn!(error = %e, %version_id, "what changed was not queued");
    }
}

pub struct Changes(pub AppState);

impl Handler for Changes {
    fn kind(&self) -> &'static str {
        CHANGES
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let ChangesJob {
                version_id,
                against_id,
                page,
            } = serde_json::from_str(&job.payload)
                .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let done = work_out(&self.0, version_id, against_id, page).await;
            // The job's key is spent once it ends: a pair it gives up on must
            // say so, or asking again would answer "queued" for ever.
            let last =
                matches!(done, Err(JobError::Permanent(_))) || job.attempts >= job.max_attempts;
            match done {
                Err(e) if last => {
                    tracing::warn!(error = %e, %version_id, %against_id, "versions could not be compared");
                    let mut row = unworked(&self.0, version_id, against_id, page);
                    row.failure = Some(e.to_string());
                    self.0.store.save_version_change(row).await.map_err(retry)?;
                    Ok(())
                }
                done => done,
            }
        })
    }
}

/// Both pictures compared the same way: the originals when both are PNGs
/// small enough (captures: lossless, so an inserted section aligns row
/// for row), else what the viewer shows. JPEG thumbnails of a page shifted
/// by a few rows differ everywhere, which is why originals come first.
fn pair(new: Shown, old: Shown) -> (Picture, Picture) {
    let lossless = |p: &Picture| {
        p.content_type == "image/png"
            && i64::from(p.width) * i64::from(p.height) <= ORIGINAL_MAX_PIXELS
    };
    match (new.original, old.original) {
        (Some(n), Some(o)) if lossless(&n) && lossless(&o) => (n, o),
        _ => (new.view, old.view),
    }
}

async fn read(state: &AppState, key: &str) -> Result<Vec<u8>, JobError> {
    let size = state
        .storage
        .size(key)
        .await
        .map_err(retry)?
        .ok_or_else(|| JobError::Permanent(format!("{key} is not stored")))?;
    Ok(state
        .storage
        .read_range(key, 0..size)
        .await
        .map_err(retry)?
        .to_vec())
}

/// A pair's row before anything is known of it.
fn unworked(
    state: &AppState,
    version_id: Uuid,
    against_id: Uuid,
    page: i32,
) -> version_change::Model {
    version_change::Model {
        version_id,
        against_id,
        page,
        changed_percent: None,
        width: 0,
        height: 0,
        regions: "[]".into(),
        removed: "[]".into(),
        picture_key: None,
        failure: None,
        created_at: state.store.now(),
    }
}

async fn work_out(
    state: &AppState,
    version_id: Uuid,
    against_id: Uuid,
    page: i32,
) -> Result<(), JobError> {
    let store = &state.store;
    if store
        .version_change(version_id, against_id, page)
        .await
        .map_err(retry)?
        .is_some()
    {
        return Ok(());
    }
    let (Some(new), Some(old)) = (
        store.shown_picture(version_id, page).await.map_err(retry)?,
        store.shown_picture(against_id, page).await.map_err(retry)?,
    ) else {
        // Asked for only when both are ready; a page one of them lacks.
        return Err(JobError::Permanent(
            "a picture to compare is missing".into(),
        ));
    };
    let (new, old) = pair(new, old);
    let (new_bytes, old_bytes) = (
        read(state, &new.object_key).await?,
        read(state, &old.object_key).await?,
    );
    let max_pixels = state.limits.max_pixels;
    let started = std::time::Instant::now();
    let done = tokio::task::spawn_blocking(move || {
        diff::compare_files(&old_bytes, &new_bytes, max_pixels, Options::default())
    })
    .await
    .map_err(retry)?;
    metrics::histogram!("critboard_changes_seconds").record(started.elapsed().as_secs_f64());
    let mut row = unworked(state, version_id, against_id, page);
    (row.width, row.height) = (new.width, new.height);
    match done {
        Ok((d, png)) => {
            // A key of its own per run: a run that loses the race deletes
            // only its own picture.
            let key = format!(
                "d/{version_id}/{against_id}-{page}-{}.png",
                critboard_store::new_id()
            );
            state.storage.put(&key, png).await.map_err(retry)?;
            row.changed_percent = Some((d.changed_percent * 100.0).round() / 100.0);
            row.width = d.width as i32;
            row.height = d.height as i32;
            row.regions = serde_json::to_string(&d.regions).unwrap_or_else(|_| "[]".into());
            row.removed = serde_json::to_string(&d.removed).unwrap_or_else(|_| "[]".into());
            row.picture_key = Some(key.clone());
            if !store.save_version_change(row).await.map_err(retry)? {
                let _ = state.storage.delete(&key).await;
            }
        }
        // The pictures themselves cannot be compared: told as a failure.
        Err(e) => return Err(JobError::Permanent(e.to_string())),
    }
    Ok(())
}
