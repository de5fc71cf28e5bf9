//! Replies e-mailed to guests who left a confirmed address: every minute,
//! one e-mail per guest with the replies in their threads since the last
//! one. The guest's `emailed_until` moves in the transaction that queues
//! the e-mail, so overlapping runs on several nodes send each reply once.

use super::send_job;
use super::templates::{self, DigestLine};
use crate::state::AppState;
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::queries::guest_mail::GuestReply;
use critboard_store::queries::mail::NewEmail;
use futures_util::future::BoxFuture;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const GUEST_REPLIES: &str = "guest-replies";
/// Replies read per run; the rest wait for the next minute.
const BATCH: u64 = 500;
/// The first words of a reply an e-mail quotes.
const QUOTE_CHARS: usize = 280;

/// Queues this minute's run (every node calls this each minute; the unique
/// key per minute keeps it to one job).
pub async fn schedule(state: &AppState) {
    let minute = state.store.now().timestamp() / 60;
    let job = NewJob::now(GUEST_REPLIES, serde_json::Value::Null)
        .unique(format!("{GUEST_REPLIES}:{minute}"));
    if let Err(e) = state.queue.enqueue(job).await {
        tracing::warn!(error = %e, "could not schedule guest replies");
    }
}

/// How soon after a reply in a guest's thread the guest hears of it.
const SOON_SECS: i64 = 5;

/// A reply landed in a thread a guest started: e-mail it within seconds
/// rather than at the next minute (replies close together share a run).
pub async fn soon(state: &AppState) {
    let now = state.store.now();
    let bucket = now.timestamp() / SOON_SECS;
    let mut job = NewJob::now(GUEST_REPLIES, serde_json::Value::Null)
        .unique(format!("{GUEST_REPLIES}:soon:{bucket}"));
    job.run_at = Some(now + chrono::Duration::seconds(SOON_SECS));
    if let Err(e) = state.queue.enqueue(job).await {
        tracing::warn!(error = %e, "could not schedule guest replies");
    }
}

pub struct GuestReplies(pub AppState);

impl Handler for GuestReplies {
    fn kind(&self) -> &'static str {
        GUEST_REPLIES
    }

    fn run<'a>(&'a self, _job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            run(&self.0)
                .await
                .map(|_| ())
                .map_err(|e| JobError::Retry(e.to_string()))
        })
    }
}

/// E-mails every guest their new replies; returns how many e-mails.
pub async fn run(state: &AppState) -> critboard_store::Result<usize> {
    let mut by_guest: BTreeMap<Uuid, Vec<GuestReply>> = BTreeMap::new();
    for r in state.store.guest_replies(BATCH).await? {
        by_guest.entry(r.guest_id).or_default().push(r);
    }
    let links = state.links();
    let mut queued = 0;
    for (guest, replies) in by_guest {
        let Some(first) = replies.first() else {
            continue;
        };
        let until = replies
            .iter()
            .map(|r| r.created_at)
            .max()
            .unwrap_or(first.created_at);
        let lines: Vec<DigestLine> = replies
            .iter()
            .map(|r| DigestLine {
                text: format!("{} replied in #{} on “{}”", r.author, r.number, r.title),
                quote: Some(r.body.chars().take(QUOTE_CHARS).collect()),
                link: links.asset(
                    r.asset_id,
                    Some(r.thread_id),
                    (r.page > 1).then_some(r.page as u32),
                ),
                mention: false,
            })
            .collect();
        let board_link = links.share(&crate::http::share_link_token(state, first.link_id));
        let unsubscribe = super::guest_unsubscribe_link(state, guest);
        let r = templates::guest_replies(
            &first.guest_name,
            &first.board_name,
            &board_link,
            &lines,
            &unsubscribe,
        );
        let email = NewEmail {
            user_id: None,
            to_address: first.email.clone(),
            kind: "guest-replies",
            subject: r.subject,
            text_body: r.text,
            html_body: r.html,
            unsubscribe_url: Some(unsubscribe),
        };
        let now = state.store.now();
        if state
            .store
            .queue_guest_email(guest, until, email, |ids| send_job(ids, now))
            .await?
        {
            queued += 1;
        }
    }
    if queued > 0 {
        state.queue.wake();
    }
    Ok(queued)
}
