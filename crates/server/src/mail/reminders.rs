//! Due-date reminders: a day before a board's review is due, everyone who
//! may decide on it and has not decided on all its pictures gets one
//! e-mail. Once per due date: the board is marked in the transaction that
//! queues the e-mails, so overlapping runs on several nodes send it once.

use super::send_job;
use super::templates;
use crate::state::AppState;
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::queries::mail::{DueBoard, NewEmail};
use futures_util::future::BoxFuture;

pub const DUE_REMINDERS: &str = "due-reminders";
/// How long before the due date reviewers are reminded.
pub const AHEAD: chrono::Duration = chrono::Duration::hours(24);
/// How often due dates are looked at.
const EVERY_SECS: i64 = 600;

/// Queues this period's reminder run (every node calls this each minute;
/// the unique key per period keeps it to one job).
pub async fn schedule(state: &AppState) {
    let bucket = state.store.now().timestamp() / EVERY_SECS;
    let job = NewJob::now(DUE_REMINDERS, serde_json::Value::Null)
        .unique(format!("{DUE_REMINDERS}:{bucket}"));
    if let Err(e) = state.queue.enqueue(job).await {
        tracing::warn!(error = %e, "could not schedule due-date reminders");
    }
}

pub struct DueReminders(pub AppState);

impl Handler for DueReminders {
    fn kind(&self) -> &'static str {
        DUE_REMINDERS
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

/// Sends the reminders of every board due within [`AHEAD`]; returns how
/// many e-mails were queued.
pub async fn run(state: &AppState) -> critboard_store::Result<usize> {
    let now = state.store.now();
    let mut queued = 0;
    for board in state.store.boards_due(now, now + AHEAD).await? {
        let emails: Vec<NewEmail> = state
            .store
            .undecided(&board)
            .await?
            .into_iter()
            .map(|u| {
                let r = reminder(state, &board, &u.display_name, u.waiting);
                NewEmail {
                    user_id: Some(u.id),
                    to_address: u.email,
                    kind: "due-reminder",
                    subject: r.subject,
                    text_body: r.text,
                    html_body: r.html,
                    unsubscribe_url: Some(super::unsubscribe_link(state, u.id)),
                }
            })
            .collect();
        let count = emails.len();
        if state
            .store
            .queue_due_reminders(&board, emails, |ids| send_job(ids, now))
            .await?
        {
            queued += count;
        }
    }
    if queued > 0 {
        state.queue.wake();
    }
    Ok(queued)
}

fn reminder(state: &AppState, board: &DueBoard, name: &str, waiting: i64) -> templates::Rendered {
    let what = if waiting == 1 {
        "1 picture waits".to_owned()
    } else {
        format!("{waiting} pictures wait")
    };
    let due = board.due_at.format("%A %-d %B, %H:%M UTC");
    templates::action(
        name,
        &format!(
            "The review of “{}” is due {due}, and {what} for your decision: approve it or ask for changes.",
            board.name
        ),
        "Open the board",
        &state.links().board(board.id),
        "You get this because you may decide on this board. Mute the board, or turn e-mail off in your settings, to stop these.",
        &format!("Review due {}: {}", board.due_at.format("%-d %B"), board.name),
    )
}
