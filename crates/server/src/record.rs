//! The `export` job: gathers a board's (or one asset's) review record from
//! the store, lays it out as a PDF or CSV (`critboard-record`), stores it
//! and tells the requester's stream how far it is (issue 19 §3).

use crate::state::AppState;
use crate::work::retry;
use chrono::{DateTime, Utc};
use critboard_domain::{AssetKind, ReviewStatus, ThreadState};
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_record::{
    AssetRecord, CommentRecord, DecisionRecord, LinkRecord, PageRecord, Picture, Record,
    ThreadRecord,
};
use critboard_store::entities::{asset, export, thread, version};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const EXPORT: &str = "export";

/// How often progress is told while pictures are laid out.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

#[derive(Serialize, Deserialize)]
pub struct ExportJob {
    pub export_id: Uuid,
}

pub fn export_job(export_id: Uuid) -> NewJob {
    NewJob::now(
        EXPORT,
        serde_json::to_value(ExportJob { export_id }).unwrap_or_default(),
    )
    .unique(format!("{EXPORT}:{export_id}"))
}

pub struct Export(pub AppState);

impl Handler for Export {
    fn kind(&self) -> &'static str {
        EXPORT
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let ExportJob { export_id } = serde_json::from_str(&job.payload)
                .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let state = &self.0;
            let Some(x) = state.store.export(export_id).await.map_err(retry)? else {
                return Ok(()); // its board was deleted
            };
            if x.state == "ready" || x.state == "failed" {
                return Ok(());
            }
            match make(state, &x).await {
                Ok(()) => Ok(()),
                Err(JobError::Permanent(why)) => {
                    state
                        .store
                        .export_state(&x, "failed", (0, 0), None, Some(&why))
                        .await
                        .map_err(retry)?;
                    Ok(())
                }
                // The last try failed too: the requester is told, rather
                // than left watching "working" for ever.
                Err(e) if job.attempts >= job.max_attempts => {
                    tracing::warn!(%export_id, error = %e, "giving up on a review record");
                    let why = "the record could not be made; try again";
                    state
                        .store
                        .export_state(&x, "failed", (0, 0), None, Some(why))
                        .await
                        .map_err(retry)?;
                    Err(e)
                }
                Err(e) => Err(e),
            }
        })
    }
}

pub fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y %H:%M UTC").to_string()
}

fn status_words(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Approved => "Approved",
        ReviewStatus::ChangesRequested => "Changes requested",
        ReviewStatus::InReview => "In review",
    }
}

fn kind_words(k: AssetKind) -> &'static str {
    match k {
        AssetKind::Picture => "Picture",
        AssetKind::Capture => "Website",
        AssetKind::Deck => "Deck",
    }
}

async fn read(state: &AppState, key: &str) -> Option<Vec<u8>> {
    let size = state.storage.size(key).await.ok()??;
    let bytes = state.storage.read_range(key, 0..size).await.ok()?;
    Some(bytes.to_vec())
}

/// Names of people by id (deleted accounts read as "A former member").
async fn names(state: &AppState, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>, JobError> {
    let users = state.store.users_by_ids(ids).await.map_err(retry)?;
    Ok(users.into_iter().map(|u| (u.id, u.display_name)).collect())
}

async fn gather(state: &AppState, x: &export::Model) -> Result<Record, JobError> {
    let store = &state.store;
    let board = store
        .board_name(x.board_id)
        .await
        .map_err(retry)?
        .ok_or_else(|| JobError::Permanent("the board is gone".into()))?;
    let assets: Vec<asset::Model> = match x.asset_id {
        Some(id) => store.asset(id).await.map_err(retry)?.into_iter().collect(),
        None => store
            .assets_of(x.board_id, None, 10_000)
            .await
            .map_err(retry)?,
    };
    let mut out = Vec::with_capacity(assets.len());
    for a in &assets {
        out.push(asset_record(state, a).await?);
    }
    let links = store.share_links(x.board_id).await.map_err(retry)?;
    let guests = store
        .link_guests(links.iter().map(|l| l.id).collect())
        .await
        .map_err(retry)?;
    let now = store.now();
    let share_links = links
        .iter()
        .map(|l| LinkRecord {
            label: l.label.clone(),
            role: format!("{:?}", l.role).to_lowercase(),
            created_at: when(l.created_at),
            state: match (l.revoked_at, l.expires_at) {
                (Some(at), _) => format!("Revoked {}", when(at)),
                (None, Some(at)) if at <= now => format!("Expired {}", when(at)),
                (None, Some(at)) => format!("Expires {}", when(at)),
                (None, None) => "Active".into(),
            },
            guests: guests
                .iter()
                .filter(|g| g.link_id == l.id)
                .map(|g| format!("{}, {}", g.display_name, when(g.created_at)))
                .collect(),
        })
        .collect();
    let title = match (x.asset_id, assets.first()) {
        (Some(_), Some(a)) => format!("{board}: {}", a.title),
        _ => board,
    };
    Ok(Record {
        title,
        scope: if x.asset_id.is_some() {
            "Picture"
        } else {
            "Board"
        }
        .into(),
        made_at: when(now),
        assets: out,
        share_links,
    })
}

/// An asset's pages to show: every version's pictures (a deck's pages)
/// that have threads, and the current version's first in any case;
/// newest version first.
async fn asset_record(state: &AppState, a: &asset::Model) -> Result<AssetRecord, JobError> {
    let store = &state.store;
    let mut versions: Vec<version::Model> = store.versions_of(a.id).await.map_err(retry)?;
    versions.sort_by_key(|v| std::cmp::Reverse(v.number));
    let mut pages = Vec::new();
    let mut decisions = Vec::new();
    for v in &versions {
        let threads: Vec<thread::Model> =
            store.threads_of_version(v.id, None).await.map_err(retry)?;
        let comments = store
            .comments_of(threads.iter().map(|t| t.id).collect())
            .await
            .map_err(retry)?;
        let mut people: Vec<Uuid> = comments.iter().filter_map(|c| c.author_id).collect();
        people.extend(threads.iter().filter_map(|t| t.resolved_by));
        let people = names(state, people).await?;
        let mut by_page: BTreeMap<i32, Vec<ThreadRecord>> = BTreeMap::new();
        if Some(v.id) == a.current_version_id {
            by_page.entry(1).or_default();
        }
        for t in &threads {
            let resolution = match (t.state, t.resolved_at) {
                (ThreadState::Resolved, Some(at)) => Some(match t.resolved_by {
                    Some(id) => format!(
                        "Resolved by {}, {}",
                        people.get(&id).map_or("a former member", String::as_str),
                        when(at)
                    ),
                    None => format!("Resolved {}", when(at)),
                }),
                _ => None,
            };
            by_page.entry(t.page).or_default().push(ThreadRecord {
                number: t.number,
                x: t.x,
                y: t.y,
                w: t.w,
                h: t.h,
                resolved: t.state == ThreadState::Resolved,
                resolution,
                comments: comments
                    .iter()
                    .filter(|c| c.thread_id == t.id && c.deleted_at.is_none())
                    .map(|c| CommentRecord {
                        author: match (c.author_id, &c.guest_name) {
                            (Some(id), _) => people
                                .get(&id)
                                .cloned()
                                .unwrap_or_else(|| "A former member".into()),
                            (None, Some(name)) => format!("{name} (guest)"),
                            (None, None) => "Someone".into(),
                        },
                        at: when(c.created_at),
                        body: c.body.clone(),
                        edited: c.edited_at.is_some(),
                    })
                    .collect(),
            });
        }
        for (page, threads) in by_page {
            let picture = match store.shown_picture(v.id, page).await.map_err(retry)? {
                Some(shown) => read(state, &shown.view.object_key)
                    .await
                    .map(|bytes| Picture {
                        bytes,
                        width: shown.view.width.max(1) as u32,
                        height: shown.view.height.max(1) as u32,
                    }),
                None => None,
            };
            pages.push(PageRecord {
                version: v.number,
                page,
                picture,
                threads,
            });
        }
        let mut made = store.decisions_of(v.id, 1000).await.map_err(retry)?;
        made.reverse();
        decisions.extend(made.into_iter().map(|d| DecisionRecord {
            version: v.number,
            status: status_words(d.status).into(),
            who: if d.role.is_empty() {
                d.name
            } else {
                format!("{} ({})", d.name, d.role)
            },
            at: when(d.created_at),
        }));
    }
    decisions.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(AssetRecord {
        title: a.title.clone(),
        kind: kind_words(a.kind).into(),
        status: status_words(a.review_status).into(),
        pages,
        decisions,
    })
}

async fn make(state: &AppState, x: &export::Model) -> Result<(), JobError> {
    let record = gather(state, x).await?;
    let total = record.pages() as i32;
    state
        .store
        .export_state(x, "working", (0, total), None, None)
        .await
        .map_err(retry)?;
    let format = x.format.clone();
    // Progress from the layout thread, told at most once a second.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<i32>();
    let made = tokio::task::spawn_blocking(move || {
        let mut last = Instant::now();
        let mut tell = |done: usize, _total: usize| {
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                let _ = tx.send(done as i32);
            }
        };
        if format == "csv" {
            critboard_record::csv(&record)
        } else {
            critboard_record::pdf(&record, &mut tell)
        }
    });
    tokio::pin!(made);
    let bytes = loop {
        tokio::select! {
            done = &mut made => break done.map_err(retry)?,
            Some(done) = rx.recv() => {
                let _ = state.store.export_state(x, "working", (done, total), None, None).await;
            }
        }
    }
    .map_err(|e| JobError::Permanent(e.to_string()))?;
    let key = format!("x/{}/{}.{}", x.board_id, x.id, x.format);
    let size = bytes.len() as i64;
    state.storage.put(&key, bytes).await.map_err(retry)?;
    let kept = state
        .store
        .export_state(x, "ready", (total, total), Some((&key, size)), None)
        .await
        .map_err(retry)?;
    if !kept {
        let _ = state.storage.delete(&key).await;
    }
    metrics::counter!("critboard_exports_total", "format" => x.format.clone()).increment(1);
    Ok(())
}
