//! Errors, grouped like Sentry does it, built in: every 5xx answer, every
//! panic in a request or a job, and every job that fails for good is
//! counted under a fingerprint (error kind, code location, route or job
//! kind) with its release and latest request ids. Instance admins read them
//! at /admin/errors, or with `critboard admin errors`.

use crate::state::AppState;
use critboard_jobs::{Failure, OnFailure};
use critboard_store::queries::errors::{NewError, Recorded};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::sync::Arc;

/// This binary: its version and the commit it was built from.
pub const RELEASE: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("CRITBOARD_COMMIT"));

/// What identifies "the same error": its kind, code location, method and
/// route or job kind; never the message, which carries ids and values.
pub fn fingerprint(e: &NewError) -> String {
    let key = [
        e.kind.as_str(),
        &e.location,
        &e.method,
        &e.route,
        &e.job_kind,
    ]
    .join("\n");
    let digest = Sha256::digest(key.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Records a failure (its kind, place, message and request id; the rest
/// is filled in here) without delaying the caller; failures to record are
/// logged (the database may be what failed).
pub fn record(state: &AppState, mut new: NewError) {
    let state = state.clone();
    new.fingerprint = fingerprint(&new);
    new.message = redact(&new.message);
    new.release = RELEASE.into();
    tokio::spawn(async move {
        match state.store.record_error(&new).await {
            Ok(Recorded::New(_) | Recorded::Reopened(_)) => {
                metrics::counter!("critboard_error_groups_opened_total").increment(1);
            }
            Ok(Recorded::Counted(_)) => {}
            Err(e) => tracing::warn!(error = %e, "could not record an error"),
        }
        if let Some(sentry) = &state.sentry {
            sentry.send(&new);
        }
    });
}

/// Tells the error groups of jobs that panicked or failed for good.
pub fn job_failures(state: &AppState) -> OnFailure {
    let state = state.clone();
    Arc::new(move |f: &Failure| {
        if !f.panicked && !f.gave_up {
            return;
        }
        record(
            &state,
            NewError {
                kind: if f.panicked { "panic" } else { "job-failed" }.into(),
                location: if f.panicked {
                    take_panic_location()
                } else {
                    String::new()
                },
                job_kind: f.job.kind.clone(),
                message: format!("job {}: {}", f.job.id, f.error),
                ..Default::default()
            },
        );
    })
}

thread_local! {
    /// Where the latest panic on this thread happened: read right after
    /// the panic is caught, on the same thread.
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Notes each panic's location for [`take_panic_location`], then runs the
/// hook that was there (which prints it).
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Some(at) = info.location() {
                let place = format!("{}:{}", at.file(), at.line());
                PANIC_AT.with(|p| *p.borrow_mut() = Some(place));
            }
            previous(info);
        }));
    });
}

/// The location of the panic just caught on this thread, if noted.
pub fn take_panic_location() -> String {
    PANIC_AT.with(|p| p.borrow_mut().take()).unwrap_or_default()
}

/// Hides secrets a message may carry: URL passwords, bearer tokens, values
/// of keys that sound secret, and long opaque tokens.
pub fn redact(message: &str) -> String {
    const SECRET_KEYS: [&str; 8] = [
        "password", "passwd", "secret", "token", "apikey", "api_key", "cookie", "dsn",
    ];
    let mut out = String::with_capacity(message.len());
    let mut hide_next = false;
    for word in message.split_inclusive(char::is_whitespace) {
        let (body, space) = match word.char_indices().last() {
            Some((i, c)) if c.is_whitespace() => (&word[..i], &word[i..]),
            _ => (word, ""),
        };
        let lower = body.to_ascii_lowercase();
        let redacted = if hide_next && !body.is_empty() {
            hide_next = false;
            "[redacted]".to_owned()
        } else if lower == "bearer" || lower == "basic" {
            hide_next = true;
            body.to_owned()
        } else {
            redact_word(body, &lower, &SECRET_KEYS)
        };
        out.push_str(&redacted);
        out.push_str(space);
    }
    out
}

fn redact_word(word: &str, lower: &str, secret_keys: &[&str]) -> String {
    // scheme://user:password@host
    if let (Some(scheme), Some(at)) = (word.find("://"), word.rfind('@')) {
        let creds = &word[scheme + 3..at];
        if at > scheme {
            if let Some(colon) = creds.find(':') {
                return format!(
                    "{}{}:[redacted]{}",
                    &word[..scheme + 3],
                    &creds[..colon],
                    redact_word(&word[at..], &word[at..].to_ascii_lowercase(), secret_keys)
                );
            }
        }
    }
    // key=value, key:value, "key":"value" (and query strings of them)
    for sep in ['=', ':'] {
        if let Some(i) = word.find(sep) {
            let key = lower[..i].trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
            let key = key.rsplit(['&', '?', ',', '{']).next().unwrap_or(key);
            if !key.is_empty() && secret_keys.iter().any(|s| key.contains(s)) {
                let rest = &word[i + 1..];
                let end = rest.find(['&', ',', '}']).unwrap_or(rest.len());
                let tail = &rest[end..];
                return format!(
                    "{}{sep}[redacted]{}",
                    &word[..i],
                    redact_word(tail, &tail.to_ascii_lowercase(), secret_keys)
                );
            }
        }
    }
    let token = word.trim_matches(|c: char| "\"'(),;.[]{}<>".contains(c));
    let opaque = token.len() >= 32
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+/=".contains(c))
        && token.chars().any(|c| c.is_ascii_digit())
        && token.chars().any(|c| c.is_ascii_alphabetic())
        && !is_uuid(token);
    if opaque {
        return word.replacen(token, "[redacted]", 1);
    }
    word.to_owned()
}

/// Ids are not secrets, and they are what an operator searches for.
fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_their_secrets_but_keep_their_sense() {
        let cases = [
            (
                "cannot connect to postgres://app:hunter2@db:5432/critboard",
                "cannot connect to postgres://app:[redacted]@db:5432/critboard",
            ),
            (
                "header Authorization: Bearer abc.def.ghi was refused",
                "header Authorization: Bearer [redacted] was refused",
            ),
            (
                "GET /x?token=s3cr3t&page=2 failed",
                "GET /x?token=[redacted]&page=2 failed",
            ),
            (
                r#"body {"password":"violet-otter","name":"Ada"}"#,
                r#"body {"password":[redacted],"name":"Ada"}"#,
            ),
            (
                "session 7Qe9xK2mP4vL8nR1tY6uW3zA5bC0dF2gH4jK6mN8 expired",
                "session [redacted] expired",
            ),
            (
                "board 0191d3a2-7c4e-7b1a-9f00-123456789abc not found",
                "board 0191d3a2-7c4e-7b1a-9f00-123456789abc not found",
            ),
            (
                "disk full while writing objects/ab/cd",
                "disk full while writing objects/ab/cd",
            ),
        ];
        for (given, expected) in cases {
            assert_eq!(redact(given), expected, "{given}");
        }
    }

    #[test]
    fn fingerprints_ignore_the_message_but_not_the_place() {
        let a = NewError {
            kind: "internal".into(),
            location: "src/http/boards.rs:71".into(),
            route: "/api/v1/boards/{id}".into(),
            method: "GET".into(),
            message: "row 1".into(),
            ..Default::default()
        };
        let same = NewError {
            message: "row 2".into(),
            request_id: "r2".into(),
            ..a.clone()
        };
        let elsewhere = NewError {
            location: "src/http/boards.rs:90".into(),
            ..a.clone()
        };
        assert_eq!(fingerprint(&a), fingerprint(&same));
        assert_ne!(fingerprint(&a), fingerprint(&elsewhere));
        assert_eq!(fingerprint(&a).len(), 32);
    }
}
