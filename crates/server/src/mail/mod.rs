//! Outgoing e-mail: the transport (SMTP, or .eml files in the data folder),
//! the send job, digests, and the messages themselves.
//! See docs/adr/008-email.md.

pub mod digest;
pub mod guest_replies;
pub mod reminders;
pub mod templates;

use crate::config::Config;
use crate::state::AppState;
use critboard_jobs::{Handler, Job, JobError, NewJob};
use critboard_store::entities::{email, job};
use critboard_store::queries::mail::{NewEmail, NewToken};
use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use uuid::Uuid;

pub const SEND_EMAIL: &str = "send-email";
/// Messages one send job has in flight at once. lettre writes the end of
/// each message as its own small packet, which waits for the server's
/// delayed ACK (about 40 ms on Linux), so throughput comes from sending
/// over several connections at once.
const SEND_CONCURRENCY: usize = 16;
/// SMTP connections kept open per node.
const SMTP_POOL: u32 = 16;
/// Send attempts before giving up: with backoff capped at 10 minutes this
/// keeps trying for about a week, so an SMTP outage loses nothing.
const SEND_ATTEMPTS: i32 = 1_000;

enum Transport {
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends queued e-mails.
#[derive(Clone)]
pub struct Mailer {
    transport: std::sync::Arc<Transport>,
    from: Mailbox,
    /// For Message-IDs: the public host.
    host: String,
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let transport = match config.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("CRITBOARD_SMTP_URL: {e}"))?
                    .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(SMTP_POOL))
                    .build(),
            ),
            None => Transport::Files(config.outbox_dir()),
        };
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("CRITBOARD_MAIL_FROM: {e}"))?;
        let host = config
            .public_url()
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split(['/', ':'])
            .next()
            .unwrap_or("localhost")
            .to_owned();
        Ok(Mailer {
            transport: std::sync::Arc::new(transport),
            from,
            host,
        })
    }

    /// The message of an outbox row. Its Message-ID is derived from the
    /// row, so a resend after a crash is recognisably the same message.
    pub fn message(&self, e: &email::Model) -> Result<Message, String> {
        let to: Mailbox = e
            .to_address
            .parse()
            .map_err(|e| format!("bad address: {e}"))?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(e.subject.clone())
            .message_id(Some(format!("<{}@{}>", e.id.simple(), self.host)));
        if let Some(url) = &e.unsubscribe_url {
            b = b
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        b.multipart(MultiPart::alternative_plain_html(
            e.text_body.clone(),
            e.html_body.clone(),
        ))
        .map_err(|e| e.to_string())
    }

    pub async fn send(&self, e: &email::Model) -> Result<(), JobError> {
        let sent = self.deliver(e).await;
        let outcome = if sent.is_ok() { "sent" } else { "failed" };
        metrics::counter!("critboard_emails_total", "outcome" => outcome).increment(1);
        sent
    }

    async fn deliver(&self, e: &email::Model) -> Result<(), JobError> {
        let message = self.message(e).map_err(JobError::Permanent)?;
        match &*self.transport {
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(retry)?;
                // Written aside, then renamed: whoever watches the folder
                // never sees half a message.
                let path = dir.join(format!("{}.eml", e.id));
                let partial = dir.join(format!("{}.eml.tmp", e.id));
                tokio::fs::write(&partial, message.formatted())
                    .await
                    .map_err(retry)?;
                tokio::fs::rename(&partial, &path).await.map_err(retry)?;
                tracing::info!(to = %e.to_address, subject = %e.subject, path = %path.display(), "e-mail written");
            }
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|err| {
                    if err.is_permanent() {
                        JobError::Permanent(err.to_string())
                    } else {
                        retry(err)
                    }
                })?;
                tracing::info!(to = %e.to_address, subject = %e.subject, "e-mail sent");
            }
        }
        Ok(())
    }
}

fn retry(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

#[derive(Serialize, Deserialize)]
struct SendJob {
    email_ids: Vec<Uuid>,
}

/// The job row that sends these outbox e-mails (a digest run queues one
/// per page of people, so one worker sends a page over one connection).
pub fn send_job(ids: &[Uuid], now: chrono::DateTime<chrono::Utc>) -> job::ActiveModel {
    let first = ids.first().copied().unwrap_or_default();
    let mut job = NewJob::now(
        SEND_EMAIL,
        serde_json::to_value(SendJob {
            email_ids: ids.to_vec(),
        })
        .unwrap_or_default(),
    )
    .unique(format!("{SEND_EMAIL}:{first}"));
    job.max_attempts = SEND_ATTEMPTS;
    job.into_active_model(now)
}

/// Queues one e-mail (verification, reset, invitation…) and wakes workers.
pub async fn queue(state: &AppState, email: NewEmail) -> critboard_store::Result<Uuid> {
    let ids = state
        .store
        .queue_emails(vec![(email, Vec::new())], |ids| {
            send_job(ids, state.store.now())
        })
        .await?;
    state.queue.wake();
    Ok(ids[0])
}

/// Queues an e-mail carrying a single-use token, stored together.
pub async fn queue_with_token(
    state: &AppState,
    token: NewToken<'_>,
    email: NewEmail,
) -> critboard_store::Result<critboard_store::entities::email_token::Model> {
    let t = state
        .store
        .queue_token_email(token, email, |ids| send_job(ids, state.store.now()))
        .await?;
    state.queue.wake();
    Ok(t)
}

pub struct SendEmail(pub AppState);

impl Handler for SendEmail {
    fn kind(&self) -> &'static str {
        SEND_EMAIL
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let SendJob { email_ids } = serde_json::from_str(&job.payload)
                .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
            let state = &self.0;
            // Sent ones are skipped, so a retry sends only the rest; rows of
            // deleted users are gone.
            let emails = state.store.unsent_emails(email_ids).await.map_err(retry)?;
            let failed = std::sync::Mutex::new(None);
            futures_util::stream::iter(emails)
                .for_each_concurrent(SEND_CONCURRENCY, |e| {
                    let failed = &failed;
                    async move {
                        let outcome = match state.mailer.send(&e).await {
                            Ok(()) => state.store.mark_email_sent(e.id).await.map_err(retry),
                            Err(err) => Err(err),
                        };
                        match outcome {
                            Ok(()) => {}
                            // One bad address must not hold back the others.
                            Err(JobError::Permanent(why)) => {
                                tracing::warn!(to = %e.to_address, error = %why, "e-mail refused for good");
                            }
                            // The server is away: a retry sends what is left.
                            Err(err) => {
                                *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(err);
                            }
                        }
                    }
                })
                .await;
            match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
                Some(err) => Err(err),
                None => Ok(()),
            }
        })
    }
}

/// Hex digits of the HMAC in an unsubscribe token.
const UNSUBSCRIBE_MAC_LEN: usize = 32;

/// The one-click unsubscribe address of a person: their id and an HMAC of
/// it, so it needs no storage and cannot be forged for someone else.
pub fn unsubscribe_link(state: &AppState, user_id: Uuid) -> String {
    let id = user_id.simple().to_string();
    let mac = state.signer.sign(&["unsubscribe", &id]);
    state
        .links()
        .unsubscribe(&format!("{id}{}", &mac[..UNSUBSCRIBE_MAC_LEN]))
}

/// The one-click unsubscribe address of a guest's reply e-mail: "g", their
/// guest session and an HMAC, like a person's.
pub fn guest_unsubscribe_link(state: &AppState, guest_id: Uuid) -> String {
    let id = guest_id.simple().to_string();
    let mac = state.signer.sign(&["unsubscribe-guest", &id]);
    state
        .links()
        .unsubscribe(&format!("g{id}{}", &mac[..UNSUBSCRIBE_MAC_LEN]))
}

/// Whom an unsubscribe link stops e-mailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscriber {
    User(Uuid),
    Guest(Uuid),
}

/// Who an unsubscribe token names, if it is genuine.
pub fn unsubscriber(state: &AppState, token: &str) -> Option<Unsubscriber> {
    let (purpose, token, make): (&str, &str, fn(Uuid) -> Unsubscriber) =
        match token.strip_prefix('g') {
            Some(rest) => ("unsubscribe-guest", rest, Unsubscriber::Guest),
            None => ("unsubscribe", token, Unsubscriber::User),
        };
    let (id, mac) = token.split_at_checked(32)?;
    let expected = state.signer.sign(&[purpose, id]);
    let genuine = mac.len() == UNSUBSCRIBE_MAC_LEN
        && crate::secrets::constant_time_eq(mac, &expected[..UNSUBSCRIBE_MAC_LEN]);
    genuine
        .then(|| Uuid::parse_str(id).ok().map(make))
        .flatten()
}

/// How long an e-mail verification link works.
pub const VERIFY_HOURS: i64 = 48;

/// Sends someone a link proving their address (the only e-mail an
/// unverified address gets).
pub async fn send_verification(
    state: &AppState,
    user: &critboard_store::entities::user::Model,
) -> critboard_store::Result<()> {
    let secret = crate::secrets::random_secret("cbv_");
    let link = state.links().verify_email(&secret);
    let r = templates::action(
        &user.display_name,
        "Please confirm that this is your e-mail address, so Critboard can send you notifications.",
        "Confirm my address",
        &link,
        &format!("The link works for {VERIFY_HOURS} hours. If you did not sign up for Critboard, ignore this e-mail."),
        "Confirm your e-mail address for Critboard",
    );
    queue_with_token(
        state,
        NewToken {
            kind: "verify",
            token_hash: crate::secrets::secret_digest(&secret),
            user_id: Some(user.id),
            workspace_id: None,
            email: &user.email,
            payload: serde_json::json!({}),
            created_by: None,
            expires_at: state.store.now() + chrono::Duration::hours(VERIFY_HOURS),
        },
        NewEmail {
            user_id: Some(user.id),
            to_address: user.email.clone(),
            kind: "verify",
            subject: r.subject,
            text_body: r.text,
            html_body: r.html,
            unsubscribe_url: None,
        },
    )
    .await?;
    Ok(())
}
