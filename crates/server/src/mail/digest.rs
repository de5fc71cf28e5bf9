//! Digests: the notifications nobody has read or been e-mailed yet, one
//! e-mail per person, grouped by board. Each rhythm runs once per period
//! across all nodes (a job with a unique key per period).

use super::send_job;
use super::templates::{self, DigestBoard, DigestLine};
use crate::links::Links;
use crate::state::AppState;
use critboard_domain::discussion::{excerpt, EXCERPT_MAX};
use critboard_domain::EmailFrequency;
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::queries::mail::{DigestItem, NewEmail};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use uuid::Uuid;

pub const DIGEST: &str = "digest";
/// People handled per transaction.
const BATCH: u64 = 200;
/// Lines shown per board; the rest are counted.
const LINES_PER_BOARD: usize = 20;

#[derive(Serialize, Deserialize)]
struct DigestJob {
    frequency: EmailFrequency,
}

/// The period of each rhythm; "immediate" is checked every minute.
fn period(f: EmailFrequency) -> Option<Duration> {
    match f {
        EmailFrequency::Immediate => Some(Duration::from_secs(60)),
        EmailFrequency::Hourly => Some(Duration::from_secs(3600)),
        EmailFrequency::Daily => Some(Duration::from_secs(86_400)),
        EmailFrequency::Off => None,
    }
}

/// Queues this period's digest job of every rhythm (every node calls this;
/// the unique key per period keeps it to one job, even across restarts).
pub async fn schedule(state: &AppState) {
    schedule_for(state, critboard_store::now()).await;
}

/// Queues the digest jobs of the periods that contain `at`.
pub async fn schedule_for(state: &AppState, at: chrono::DateTime<chrono::Utc>) {
    for f in [
        EmailFrequency::Immediate,
        EmailFrequency::Hourly,
        EmailFrequency::Daily,
    ] {
        let Some(p) = period(f) else { continue };
        let bucket = at.timestamp() / p.as_secs() as i64;
        let job = NewJob::now(
            DIGEST,
            serde_json::to_value(DigestJob { frequency: f }).unwrap_or_default(),
        )
        .unique(format!("{DIGEST}:{}:{bucket}", f.as_str()));
        if let Err(e) = state.queue.enqueue(job).await {
            tracing::warn!(error = %e, "could not schedule a digest");
        }
    }
}

/// A digest run of `frequency` now, outside its schedule (`critboard admin
/// send-digests`): run by a server, with its own settings and links. Runs
/// may overlap; what one queues is marked e-mailed, so nothing goes twice.
pub fn now_job(frequency: EmailFrequency) -> NewJob {
    NewJob::now(
        DIGEST,
        serde_json::to_value(DigestJob { frequency }).unwrap_or_default(),
    )
    .unique(format!(
        "{DIGEST}:{}:now:{}",
        frequency.as_str(),
        critboard_store::new_id()
    ))
}

pub struct Digest(pub AppState);

impl Handler for Digest {
    fn kind(&self) -> &'static str {
        DIGEST
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let DigestJob { frequency } = serde_json::from_str(&job.payload)
                .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            run(&self.0, frequency)
                .await
                .map(|_| ())
                .map_err(|e| JobError::Retry(e.to_string()))
        })
    }
}

/// Queues the digests of everyone with this rhythm; returns how many.
/// Safe to run again: what was queued is marked e-mailed in the same
/// transaction, so a rerun only picks up the rest.
pub async fn run(state: &AppState, frequency: EmailFrequency) -> critboard_store::Result<usize> {
    if period(frequency).is_none() {
        return Ok(0); // "off": no notification e-mail at all
    }
    let mut after = None;
    let mut queued = 0;
    loop {
        let people = state
            .store
            .digest_recipients(frequency.as_str(), after, BATCH)
            .await?;
        let Some(last) = people.last() else { break };
        after = Some(last.id);
        let ids: Vec<Uuid> = people.iter().map(|u| u.id).collect();
        let items = state.store.digest_items(&ids).await?;
        let (assets, comments) = referenced(&items);
        let (titles, texts) = state.store.digest_context(assets, comments).await?;
        let mut by_user: HashMap<Uuid, Vec<DigestItem>> = HashMap::new();
        for i in items {
            by_user.entry(i.user_id).or_default().push(i);
        }
        let mut batch = Vec::new();
        for u in &people {
            let Some(items) = by_user.remove(&u.id) else {
                continue; // only notifications of boards they no longer see
            };
            let events: Vec<Uuid> = items.iter().map(|i| i.event_id).collect();
            let boards = group(state, items, &titles, &texts);
            let unsubscribe = super::unsubscribe_link(state, u.id);
            let r = templates::digest(
                &u.display_name,
                &boards,
                &state.links().notification_settings(),
                &unsubscribe,
            );
            batch.push((
                NewEmail {
                    user_id: Some(u.id),
                    to_address: u.email.clone(),
                    kind: "digest",
                    subject: r.subject,
                    text_body: r.text,
                    html_body: r.html,
                    unsubscribe_url: Some(unsubscribe),
                },
                events,
            ));
        }
        queued += batch.len();
        if !batch.is_empty() {
            state.store.queue_emails(batch, send_job).await?;
            state.queue.wake();
        }
        if (people.len() as u64) < BATCH {
            break;
        }
    }
    Ok(queued)
}

fn uuid_at(payload: &Value, key: &str) -> Option<Uuid> {
    payload.get(key)?.as_str()?.parse().ok()
}

fn referenced(items: &[DigestItem]) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut assets = Vec::new();
    let mut comments = Vec::new();
    for i in items {
        let p: Value = serde_json::from_str(&i.payload).unwrap_or_default();
        assets.extend(uuid_at(&p, "asset_id"));
        comments.extend(uuid_at(&p, "comment_id"));
    }
    for v in [&mut assets, &mut comments] {
        v.sort();
        v.dedup();
    }
    (assets, comments)
}

/// A person's items as boards of lines, boards in order of first news.
fn group(
    state: &AppState,
    items: Vec<DigestItem>,
    titles: &HashMap<Uuid, String>,
    texts: &HashMap<Uuid, String>,
) -> Vec<DigestBoard> {
    let links = state.links();
    let mut boards: Vec<(Uuid, DigestBoard)> = Vec::new();
    for i in items {
        let board_link = links.board(i.board_id);
        let idx = match boards.iter().position(|(id, _)| *id == i.board_id) {
            Some(idx) => idx,
            None => {
                boards.push((
                    i.board_id,
                    DigestBoard {
                        name: i.board_name.clone(),
                        link: board_link.clone(),
                        lines: Vec::new(),
                        more: 0,
                    },
                ));
                boards.len() - 1
            }
        };
        let b = &mut boards[idx].1;
        if b.lines.len() >= LINES_PER_BOARD {
            b.more += 1;
            continue;
        }
        b.lines.push(line(&i, &links, &board_link, titles, texts));
    }
    boards.into_iter().map(|(_, b)| b).collect()
}

/// What one event says in a digest, with a link to the exact asset and
/// thread.
fn line(
    i: &DigestItem,
    links: &Links,
    board_link: &str,
    titles: &HashMap<Uuid, String>,
    texts: &HashMap<Uuid, String>,
) -> DigestLine {
    let p: Value = serde_json::from_str(&i.payload).unwrap_or_default();
    let asset = uuid_at(&p, "asset_id");
    let title = asset
        .and_then(|a| titles.get(&a).cloned())
        .or_else(|| p.get("title").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "a picture".into());
    let number = p.get("number").and_then(Value::as_i64).unwrap_or_default();
    let who = &i.actor_name;
    let text_at = |key: &str| p.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
    let member = text_at("name").unwrap_or("someone");
    let role = text_at("role").unwrap_or("viewer");
    let text = match i.kind.as_str() {
        "thread.opened" => format!("{who} pinned #{number} on {title}"),
        "comment.added" => format!("{who} replied in #{number} on {title}"),
        "comment.edited" => format!("{who} edited a comment"),
        "comment.deleted" => format!("{who} deleted a comment"),
        "thread.resolved" => format!("{who} resolved #{number} on {title}"),
        "thread.reopened" => format!("{who} reopened #{number} on {title}"),
        "asset.added" => format!("{who} added {title}"),
        "version.added" => format!("{who} uploaded version {number} of {title}"),
        "review.changed" => {
            let status = match p.get("status").and_then(Value::as_str) {
                Some("approved") => "approved",
                Some("changes_requested") => "changes requested",
                _ => "in review",
            };
            format!("{who} set {title} (version {number}) to {status}")
        }
        "member.added" if p.get("invitation").is_some() => {
            format!("{who} accepted the invitation and joined as {role}")
        }
        "member.added" => format!("{who} added {member} to the board as {role}"),
        "member.role_changed" => format!("{who} made {member} {role} of the board"),
        "member.removed" => format!("{who} removed {member} from the board"),
        "share_link.created" => format!("{who} created a share link for {role}s"),
        "share_link.revoked" => format!("{who} revoked a share link"),
        "guest.joined" => format!("{who} opened the board as a guest"),
        other => format!("{who}: {}", other.replace(['.', '_'], " ")),
    };
    let quote = uuid_at(&p, "comment_id")
        .filter(|_| matches!(i.kind.as_str(), "thread.opened" | "comment.added"))
        .and_then(|c| texts.get(&c))
        .map(|t| excerpt(t, EXCERPT_MAX));
    let link = match asset {
        Some(a) => links.asset(a, uuid_at(&p, "thread_id"), None),
        None => board_link.to_owned(),
    };
    DigestLine {
        text,
        quote,
        link,
        mention: i.mention != 0,
    }
}
