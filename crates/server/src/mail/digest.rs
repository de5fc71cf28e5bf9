//! Digests: the notifications nobody has read or been e-mailed yet, one
//! e-mail per person, grouped by board. Each rhythm runs once per period
//! across all nodes (a job with a unique key per period).

use super::send_job;
use super::templates::{self, DigestBoard, DigestLine};
use crate::links::Links;
use crate::state::AppState;
use critboard_domain::events::CommentNews;
use critboard_domain::{BoardEvent, EmailFrequency, ReviewStatus};
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::queries::events::StoredEvent;
use critboard_store::queries::mail::{DigestItem, NewEmail};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
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
    schedule_for(state, state.store.now()).await;
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
            let boards = group(state, items);
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
            let now = state.store.now();
            state
                .store
                .queue_emails(batch, |ids| send_job(ids, now))
                .await?;
            state.queue.wake();
        }
        if (people.len() as u64) < BATCH {
            break;
        }
    }
    Ok(queued)
}

/// A person's items as boards of lines, boards in order of first news.
fn group(state: &AppState, items: Vec<DigestItem>) -> Vec<DigestBoard> {
    let links = state.links();
    let mut boards: Vec<(Uuid, DigestBoard)> = Vec::new();
    for i in items {
        let Some(stored) = i.event() else { continue };
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
        b.lines
            .push(line(&stored, i.mention != 0, &links, &board_link));
    }
    boards.into_iter().map(|(_, b)| b).collect()
}

/// The picture's title as a line names it.
fn titled(title: &str) -> &str {
    if title.is_empty() {
        "a picture"
    } else {
        title
    }
}

/// What one event says in a digest, with a link to the exact picture and
/// thread.
fn line(e: &StoredEvent, mention: bool, links: &Links, board_link: &str) -> DigestLine {
    use BoardEvent::*;
    let who = &e.actor_name;
    let text = match &e.event {
        AssetAdded(v) => format!("{who} added {}", titled(&v.title)),
        AssetRenamed(a) => format!(
            "{who} renamed {} to {}",
            titled(&a.previous_title),
            titled(&a.title)
        ),
        AssetMoved(a) => format!("{who} moved {}", titled(&a.title)),
        AssetDeleted(a) if a.open_threads > 0 => format!(
            "{who} deleted {} with {} open thread{}",
            titled(&a.title),
            a.open_threads,
            if a.open_threads == 1 { "" } else { "s" }
        ),
        AssetDeleted(a) => format!("{who} deleted {}", titled(&a.title)),
        VersionAdded(v) => format!(
            "{who} uploaded version {} of {}",
            v.number,
            titled(&v.title)
        ),
        VersionReady(v) => format!("Version {} of {} is ready", v.number, titled(&v.title)),
        VersionFailed(f) => format!(
            "Version {} of {} could not be read: {}",
            f.version.number,
            titled(&f.version.title),
            f.failure
        ),
        CaptureRequested(c) if c.version.number == 1 => {
            format!("{who} added a capture of {}", c.url)
        }
        CaptureRequested(c) => format!(
            "{who} asked for version {} of {}",
            c.version.number,
            titled(&c.version.title)
        ),
        CaptureProgress(c) => format!(
            "Version {} of {} is {}",
            c.version.number,
            titled(&c.version.title),
            c.state
        ),
        RenderProgress(r) => format!(
            "Version {} of {} has {} of {} pages ready",
            r.version.number,
            titled(&r.version.title),
            r.page,
            r.pages
        ),
        ExportProgress(x) => format!("A review record is {} ({} of {})", x.state, x.done, x.total),
        ChangesReady(c) => format!(
            "What changed in version {} of {} is worked out",
            c.version.number,
            titled(&c.version.title)
        ),
        ReviewChanged(r) => format!(
            "{who} set {} (version {}) to {}",
            titled(&r.version.title),
            r.version.number,
            status_words(r.status)
        ),
        ReviewSubmitted(r) => {
            let mut parts = Vec::new();
            for (n, one, many) in [
                (r.threads, "new thread", "new threads"),
                (r.replies, "reply", "replies"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {}", if n == 1 { one } else { many }));
                }
            }
            for d in &r.decisions {
                parts.push(format!(
                    "{} (version {}) {}",
                    titled(&d.version.title),
                    d.version.number,
                    status_words(d.status)
                ));
            }
            let mut line = format!("{who} submitted a review");
            if !parts.is_empty() {
                line = format!("{line}: {}", parts.join(", "));
            }
            if let Some(summary) = &r.excerpt {
                line = format!("{line}. \u{201c}{summary}\u{201d}");
            }
            line
        }
        ThreadOpened(c) => format!("{who} pinned #{} on {}", c.number, titled(&c.title)),
        CommentAdded(c) => format!("{who} replied in #{} on {}", c.number, titled(&c.title)),
        CommentEdited(c) => format!(
            "{who} edited a comment in #{} on {}",
            c.number,
            titled(&c.title)
        ),
        CommentDeleted(c) => format!(
            "{who} deleted a comment in #{} on {}",
            c.number,
            titled(&c.title)
        ),
        ThreadResolved(t) => format!("{who} resolved #{} on {}", t.number, titled(&t.title)),
        ThreadReopened(t) => format!("{who} reopened #{} on {}", t.number, titled(&t.title)),
        MemberAdded(m) if m.invitation => {
            format!("{who} accepted the invitation and joined as {}", m.role)
        }
        MemberAdded(m) => format!("{who} added {} to the board as {}", named(&m.name), m.role),
        MemberRoleChanged(m) => format!("{who} made {} {} of the board", named(&m.name), m.role),
        MemberRemoved(m) => format!("{who} removed {} from the board", named(&m.name)),
        ShareLinkCreated(l) => match l.role {
            Some(role) => format!("{who} created a share link for {role}s"),
            None => format!("{who} created a share link"),
        },
        ShareLinkRevoked(_) => format!("{who} revoked a share link"),
        GuestJoined(_) => format!("{who} opened the board as a guest"),
    };
    // Marks drawn with a comment are named: the e-mail cannot show them.
    let text = match &e.event {
        ThreadOpened(CommentNews {
            drawing: Some(d), ..
        })
        | CommentAdded(CommentNews {
            drawing: Some(d), ..
        }) => format!("{text}, drawing {d}"),
        _ => text,
    };
    let quote = match &e.event {
        ThreadOpened(c) | CommentAdded(c) => c.excerpt.clone(),
        _ => None,
    };
    let link = match (&e.event, e.event.asset_id()) {
        // A deleted picture has no page left to open.
        (AssetDeleted(_), _) | (_, None) => board_link.to_owned(),
        (_, Some(a)) => links.asset(a, e.event.thread_id(), None),
    };
    DigestLine {
        text,
        quote,
        link,
        mention,
    }
}

fn named(name: &str) -> &str {
    if name.is_empty() {
        "someone"
    } else {
        name
    }
}

fn status_words(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::Approved => "approved",
        ReviewStatus::ChangesRequested => "changes requested",
        ReviewStatus::InReview => "in review",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_the_marks_drawn_with_a_comment() {
        let news = |drawing: Option<&str>| CommentNews {
            asset_id: Some(Uuid::nil()),
            thread_id: Uuid::nil(),
            number: 3,
            page: None,
            comment_id: Uuid::nil(),
            title: "Home".into(),
            excerpt: Some("Move it".into()),
            mentions: vec![],
            drawing: drawing.map(str::to_owned),
        };
        let event = |e| StoredEvent {
            id: Uuid::nil(),
            board_id: Uuid::nil(),
            actor_id: None,
            actor_name: "Ada".into(),
            created_at: chrono::Utc::now(),
            event: e,
        };
        let links = Links::new("https://c.example");
        let drawn = line(
            &event(BoardEvent::ThreadOpened(news(Some("2 arrows")))),
            false,
            &links,
            "b",
        );
        assert_eq!(drawn.text, "Ada pinned #3 on Home, drawing 2 arrows");
        let plain = line(
            &event(BoardEvent::CommentAdded(news(None))),
            false,
            &links,
            "b",
        );
        assert_eq!(plain.text, "Ada replied in #3 on Home");
        let review = BoardEvent::ReviewSubmitted(critboard_domain::events::ReviewSubmitted {
            review_id: Uuid::nil(),
            threads: 2,
            replies: 1,
            asset_ids: vec![Uuid::nil()],
            decisions: vec![critboard_domain::events::ReviewNews {
                version: critboard_domain::events::VersionNews {
                    asset_id: Uuid::nil(),
                    version_id: Uuid::nil(),
                    number: 2,
                    title: "Home".into(),
                },
                status: ReviewStatus::Approved,
            }],
            excerpt: Some("Ship it".into()),
            mentions: vec![],
        });
        assert_eq!(
            line(&event(review), false, &links, "b").text,
            "Ada submitted a review: 2 new threads, 1 reply, Home (version 2) approved. \u{201c}Ship it\u{201d}"
        );
    }
}
