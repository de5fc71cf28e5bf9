//! The Chrome DevTools Protocol over `--remote-debugging-pipe`: JSON
//! messages separated by NUL bytes on two pipes (Chromium reads fd 3 and
//! writes fd 4). No port is opened, so no other local process can drive
//! the browser, and Chromium exits by itself when the pipes close.
//!
//! Only the handful of commands a capture needs are used; their answers
//! are read into small structs where the fields matter.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::pipe;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// A message Chromium sent without being asked.
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum CdpError {
    #[error("the browser closed")]
    Closed,
    #[error("{method} failed: {message}")]
    Protocol { method: String, message: String },
    #[error("the browser did not answer {0} in time")]
    Timeout(String),
    #[error("{method}: unexpected answer: {error}")]
    Decode { method: String, error: String },
}

type Reply = Result<Value, String>;

struct Inner {
    outgoing: mpsc::UnboundedSender<Vec<u8>>,
    next_id: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<Reply>>>,
    /// Event listeners by session id ("" for the browser itself).
    listeners: Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>,
    closed: CancellationToken,
}

/// One browser's DevTools connection. Cheap to clone.
#[derive(Clone)]
pub struct Cdp(Arc<Inner>);

/// Largest message accepted from the browser (screenshot tiles are the
/// big ones: a 4096 px tall PNG of a 2× page is a few tens of MB).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

impl Cdp {
    pub fn start(from_browser: pipe::Receiver, to_browser: pipe::Sender) -> Cdp {
        let (outgoing, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            outgoing,
            next_id: AtomicU64::new(1),
            pending: Mutex::default(),
            listeners: Mutex::default(),
            closed: CancellationToken::new(),
        });
        tokio::spawn(write_loop(to_browser, rx, inner.closed.clone()));
        tokio::spawn(read_loop(from_browser, inner.clone()));
        Cdp(inner)
    }

    /// Sends `method` (to a page when `session` is given) and waits at
    /// most `limit` for its answer.
    pub async fn call<T: DeserializeOwned>(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        limit: Duration,
    ) -> Result<T, CdpError> {
        if self.0.closed.is_cancelled() {
            return Err(CdpError::Closed);
        }
        let id = self.0.next_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            message["sessionId"] = Value::String(s.to_owned());
        }
        let (tx, rx) = oneshot::channel();
        if let Ok(mut p) = self.0.pending.lock() {
            p.insert(id, tx);
        }
        let bytes = serde_json::to_vec(&message).map_err(|e| CdpError::Decode {
            method: method.to_owned(),
            error: e.to_string(),
        })?;
        if self.0.outgoing.send(bytes).is_err() {
            return Err(CdpError::Closed);
        }
        let reply = match tokio::time::timeout(limit, rx).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => return Err(CdpError::Closed),
            Err(_) => {
                if let Ok(mut p) = self.0.pending.lock() {
                    p.remove(&id);
                }
                return Err(CdpError::Timeout(method.to_owned()));
            }
        };
        let value = reply.map_err(|message| CdpError::Protocol {
            method: method.to_owned(),
            message,
        })?;
        serde_json::from_value(value).map_err(|e| CdpError::Decode {
            method: method.to_owned(),
            error: e.to_string(),
        })
    }

    /// Events of one session, from now on, until [`Cdp::forget`].
    pub fn events(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut l) = self.0.listeners.lock() {
            l.insert(session.to_owned(), tx);
        }
        rx
    }

    pub fn forget(&self, session: &str) {
        if let Ok(mut l) = self.0.listeners.lock() {
            l.remove(session);
        }
    }

    pub fn is_closed(&self) -> bool {
        self.0.closed.is_cancelled()
    }
}

async fn write_loop(
    mut pipe: pipe::Sender,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    closed: CancellationToken,
) {
    while let Some(mut message) = rx.recv().await {
        message.push(0);
        let written = tokio::select! {
            _ = closed.cancelled() => return,
            w = pipe.write_all(&message) => w,
        };
        if written.is_err() {
            closed.cancel();
            return;
        }
    }
}

async fn read_loop(pipe: pipe::Receiver, inner: Arc<Inner>) {
    let mut reader = BufReader::with_capacity(1 << 20, pipe);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(0, &mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buf.last() == Some(&0) {
            buf.pop();
        }
        if buf.len() > MAX_MESSAGE {
            tracing::warn!(bytes = buf.len(), "dropped an oversized DevTools message");
            continue;
        }
        let Ok(message) = serde_json::from_slice::<Value>(&buf) else {
            continue;
        };
        dispatch(&inner, message);
    }
    inner.closed.cancel();
    // Whoever still waits learns that the browser is gone.
    if let Ok(mut p) = inner.pending.lock() {
        p.clear();
    }
    if let Ok(mut l) = inner.listeners.lock() {
        l.clear();
    }
}

fn dispatch(inner: &Inner, mut message: Value) {
    if let Some(id) = message.get("id").and_then(Value::as_u64) {
        let waiter = inner.pending.lock().ok().and_then(|mut p| p.remove(&id));
        if let Some(tx) = waiter {
            let reply = match message.get_mut("error") {
                Some(e) => Err(e
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown error")
                    .to_owned()),
                None => Ok(message
                    .get_mut("result")
                    .map(Value::take)
                    .unwrap_or(Value::Null)),
            };
            let _ = tx.send(reply);
        }
        return;
    }
    let Some(method) = message
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let session = message
        .get("sessionId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let params = message
        .get_mut("params")
        .map(Value::take)
        .unwrap_or(Value::Null);
    if let Ok(l) = inner.listeners.lock() {
        if let Some(tx) = l.get(&session) {
            let _ = tx.send(Event { method, params });
        }
    }
}
