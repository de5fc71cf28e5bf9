//! Live updates. The events table is the single source: each node runs one
//! poller that reads new events and fans them out to the board streams
//! connected to it. Writes on this node wake the poller at once; other
//! nodes are woken by PostgreSQL NOTIFY, or find the events on their next
//! poll (MySQL). See docs/adr/007-live-updates.md.

use crate::http::{EventOut, Presence};
use crate::state::AppState;
use critboard_store::queries::events::StoredEvent;
use critboard_store::queries::live::Viewer;
use critboard_store::sea_orm::DatabaseBackend;
use critboard_store::Store;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};
use uuid::Uuid;

/// How far back each poll looks again, so an event that committed after a
/// newer one (two writers, or two nodes) is still delivered.
pub const LOOKBACK_MS: u128 = 2_000;
/// Events a board channel buffers for a slow stream before it must catch
/// up from the database. Each stream remembers as many sent ids (to drop the
/// overlap of a catch-up and the buffer), so this also sets a stream's
/// memory: 256 ids are 4 KB.
pub const CHANNEL_CAPACITY: usize = 256;
/// How often the poller looks back over LOOKBACK_MS (otherwise it reads
/// only past the newest event it has seen).
const SWEEP_EVERY: Duration = Duration::from_millis(500);
/// Events read per query.
const PAGE: u64 = 1000;
/// A viewer row older than this belongs to a stream that is gone (its node
/// stopped without cleaning up).
pub const PRESENCE_TTL: Duration = Duration::from_secs(45);
const PRESENCE_HEARTBEAT: Duration = Duration::from_secs(15);
pub const NOTIFY_CHANNEL: &str = "critboard_events";

/// What a board's streams receive.
#[derive(Debug, Clone)]
pub enum Live {
    /// A board event, already serialised as the activity feed shows it.
    Event {
        id: Uuid,
        /// Whether it may change who sees the board.
        touches_access: bool,
        json: Arc<str>,
    },
    /// Who is viewing the board now (JSON list of people).
    Presence(Arc<str>),
}

struct Channel {
    tx: broadcast::Sender<Live>,
    /// The last presence list sent, to send only changes.
    presence: Option<Arc<str>>,
}

/// This node's fan-out: one broadcast channel per board with streams here.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    store: Store,
    /// Identifies this process in the presence table.
    node: Uuid,
    boards: Mutex<HashMap<Uuid, Channel>>,
    /// People with an inbox stream on this node: pinged when they may have
    /// new notifications, or read some.
    users: Mutex<HashMap<Uuid, broadcast::Sender<()>>>,
    wake: Notify,
    /// Presence changed somewhere; recompute at the next poll.
    presence_dirty: AtomicBool,
    closing: watch::Sender<bool>,
}

/// Keeps a board channel alive while a stream uses it; removes the
/// stream's presence row when dropped.
pub struct Subscription {
    pub rx: broadcast::Receiver<Live>,
    pub viewer_id: Uuid,
    hub: Hub,
    board_id: Uuid,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let hub = self.hub.clone();
        let (board, viewer) = (self.board_id, self.viewer_id);
        {
            let mut boards = hub.0.boards.lock().unwrap_or_else(|e| e.into_inner());
            // The receiver is dropped after this body, so count it out.
            if boards
                .get(&board)
                .is_some_and(|c| c.tx.receiver_count() <= 1)
            {
                boards.remove(&board);
            }
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Err(e) = hub.0.store.leave_board(viewer).await {
                    tracing::warn!(error = %e, "could not remove a presence row");
                }
                hub.changed();
            });
        }
    }
}

/// Keeps a person's inbox channel alive while their stream uses it.
pub struct UserSubscription {
    pub rx: broadcast::Receiver<()>,
    hub: Hub,
    user: Uuid,
}

impl Drop for UserSubscription {
    fn drop(&mut self) {
        let mut users = self.hub.0.users.lock().unwrap_or_else(|e| e.into_inner());
        if users
            .get(&self.user)
            .is_some_and(|tx| tx.receiver_count() <= 1)
        {
            users.remove(&self.user);
        }
    }
}

impl Hub {
    pub fn new(store: Store) -> Self {
        Hub(Arc::new(Inner {
            store,
            node: Uuid::now_v7(),
            boards: Mutex::new(HashMap::new()),
            users: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            presence_dirty: AtomicBool::new(true),
            closing: watch::channel(false).0,
        }))
    }

    /// Something was written on this node: deliver it now, here and (on
    /// PostgreSQL) on every other node.
    pub fn changed(&self) {
        self.0.presence_dirty.store(true, Ordering::Relaxed);
        self.0.wake.notify_one();
        if self.0.store.backend() == DatabaseBackend::Postgres {
            let store = self.0.store.clone();
            tokio::spawn(async move {
                let sql = format!("SELECT pg_notify('{NOTIFY_CHANNEL}', '')");
                if let Err(e) = store.execute(&sql, vec![]).await {
                    tracing::debug!(error = %e, "pg_notify failed");
                }
            });
        }
    }

    /// Joins a board's channel and records the viewer for presence.
    pub async fn subscribe(
        &self,
        board_id: Uuid,
        viewer: Viewer,
    ) -> critboard_store::Result<Subscription> {
        let rx = {
            let mut boards = self.0.boards.lock().unwrap_or_else(|e| e.into_inner());
            boards
                .entry(board_id)
                .or_insert_with(|| Channel {
                    tx: broadcast::channel(CHANNEL_CAPACITY).0,
                    presence: None,
                })
                .tx
                .subscribe()
        };
        let viewer_id = Uuid::now_v7();
        let sub = Subscription {
            rx,
            viewer_id,
            hub: self.clone(),
            board_id,
        };
        self.0
            .store
            .join_board(viewer_id, board_id, self.0.node, &viewer)
            .await?;
        self.changed();
        Ok(sub)
    }

    /// Joins a person's inbox channel: a ping whenever their unread count
    /// may have changed.
    pub fn subscribe_user(&self, user: Uuid) -> UserSubscription {
        let rx = {
            let mut users = self.0.users.lock().unwrap_or_else(|e| e.into_inner());
            users
                .entry(user)
                .or_insert_with(|| broadcast::channel(16).0)
                .subscribe()
        };
        UserSubscription {
            rx,
            hub: self.clone(),
            user,
        }
    }

    /// Tells a person's inbox streams on this node to count again (they
    /// read notifications here).
    pub fn ping_user(&self, user: Uuid) {
        let users = self.0.users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = users.get(&user) {
            let _ = tx.send(());
        }
    }

    fn users_with_streams(&self) -> Vec<Uuid> {
        let users = self.0.users.lock().unwrap_or_else(|e| e.into_inner());
        users.keys().copied().collect()
    }

    /// Resolves when the server is shutting down: streams end so that
    /// graceful shutdown does not wait for them forever.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.0.closing.subscribe()
    }

    pub fn close(&self) {
        let _ = self.0.closing.send(true);
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    fn boards_with_streams(&self) -> Vec<Uuid> {
        let boards = self.0.boards.lock().unwrap_or_else(|e| e.into_inner());
        boards.keys().copied().collect()
    }

    fn send(&self, board_id: Uuid, live: Live) {
        let boards = self.0.boards.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = boards.get(&board_id) {
            let _ = c.tx.send(live);
        }
    }

    /// Sends a board's presence list if it changed since the last one.
    fn send_presence(&self, board_id: Uuid, json: Arc<str>) {
        let mut boards = self.0.boards.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = boards.get_mut(&board_id) {
            if c.presence.as_deref() != Some(&*json) {
                c.presence = Some(json.clone());
                let _ = c.tx.send(Live::Presence(json));
            }
        }
    }
}

/// The JSON of a presence list (see [`Presence`]).
pub fn presence_json(viewers: &[Viewer]) -> Arc<str> {
    serde_json::to_string(&Presence::of(viewers))
        .unwrap_or_default()
        .into()
}

/// A board event as its live message carries it.
pub fn live_event(e: StoredEvent) -> Live {
    Live::Event {
        id: e.id,
        touches_access: e.event.touches_access(),
        json: serde_json::to_string(&EventOut::from(e))
            .unwrap_or_default()
            .into(),
    }
}

/// The smallest UUIDv7 of a millisecond: ids compare in time order on
/// every backend, so `id > floor` selects events from that time on.
pub fn floor_of(ms: u128) -> Uuid {
    Uuid::from_u128(ms << 80)
}

pub fn now_millis() -> u128 {
    // Event ids carry the system clock (UUIDv7), so this one does too.
    chrono::Utc::now().timestamp_millis().max(0) as u128
}

fn millis_of(id: Uuid) -> u128 {
    id.as_u128() >> 80
}

/// The node's poller: reads new events and hands them to board channels;
/// keeps this node's presence rows fresh and sends presence changes.
pub async fn run(state: AppState) {
    let hub = state.hub.clone();
    let poll = match hub.store().backend() {
        // No notifications between MySQL nodes: poll often.
        DatabaseBackend::MySql => Duration::from_millis(250),
        _ => Duration::from_secs(1),
    };
    let mut newest = now_millis();
    let mut newest_id = floor_of(newest);
    let mut last_sweep = std::time::Instant::now();
    let mut recent: VecDeque<Uuid> = VecDeque::new();
    let mut recent_set: HashSet<Uuid> = HashSet::new();
    let mut heartbeat = tokio::time::interval(PRESENCE_HEARTBEAT);
    let mut closing = hub.closing();
    loop {
        tokio::select! {
            _ = hub.0.wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = heartbeat.tick() => {
                if let Err(e) = hub.store().touch_viewers(hub.0.node).await {
                    tracing::warn!(error = %e, "presence heartbeat failed");
                }
                hub.0.presence_dirty.store(true, Ordering::Relaxed);
            }
            _ = closing.changed() => return,
        }
        // New events since the newest one seen; now and then the last
        // LOOKBACK_MS again, for transactions that committed out of order.
        let sweep = last_sweep.elapsed() >= SWEEP_EVERY;
        let mut from = if sweep {
            last_sweep = std::time::Instant::now();
            floor_of(newest.saturating_sub(LOOKBACK_MS))
        } else {
            newest_id
        };
        let mut fresh: Vec<Uuid> = Vec::new();
        loop {
            let events = match hub.store().events_since(from, PAGE).await {
                Ok(events) => events,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read new events");
                    break;
                }
            };
            let full = events.rows() == PAGE;
            // Past unreadable rows too, or the poller would stop at one.
            if let Some(last) = events.row_ids.last() {
                from = from.max(*last);
            }
            for e in events.events {
                if !recent_set.insert(e.id) {
                    continue;
                }
                recent.push_back(e.id);
                if e.id > newest_id {
                    newest_id = e.id;
                    // Never ahead of this node's clock: a node whose clock
                    // runs fast must not push the sweep past others' events.
                    newest = millis_of(e.id).min(now_millis());
                }
                fresh.push(e.id);
                hub.send(e.board_id, live_event(e));
            }
            if !full {
                break;
            }
        }
        // Inbox streams here whose person got a notification among them.
        let users = hub.users_with_streams();
        if !fresh.is_empty() && !users.is_empty() {
            match hub.store().notified_among(&fresh, &users).await {
                Ok(notified) => notified.into_iter().for_each(|u| hub.ping_user(u)),
                Err(e) => tracing::warn!(error = %e, "could not read who was notified"),
            }
        }
        while recent
            .front()
            .is_some_and(|id| millis_of(*id) + LOOKBACK_MS < newest)
        {
            if let Some(id) = recent.pop_front() {
                recent_set.remove(&id);
            }
        }
        if hub.0.presence_dirty.swap(false, Ordering::Relaxed) {
            let boards = hub.boards_with_streams();
            if !boards.is_empty() {
                match hub.store().viewers(&boards, PRESENCE_TTL).await {
                    Ok(viewers) => {
                        let mut by_board: HashMap<Uuid, Vec<Viewer>> = HashMap::new();
                        for (board, v) in viewers {
                            by_board.entry(board).or_default().push(v);
                        }
                        for b in boards {
                            let list = by_board.remove(&b).unwrap_or_default();
                            hub.send_presence(b, presence_json(&list));
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not read presence"),
                }
            }
        }
    }
}

/// On PostgreSQL, wakes this node's poller whenever any node wrote.
pub async fn listen_postgres(state: AppState, url: String) {
    use critboard_store::sqlx::postgres::PgListener;
    let mut closing = state.hub.closing();
    loop {
        match PgListener::connect(&url).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(NOTIFY_CHANNEL).await {
                    tracing::warn!(error = %e, "LISTEN failed");
                } else {
                    loop {
                        tokio::select! {
                            got = listener.recv() => match got {
                                Ok(_) => {
                                    state.hub.0.presence_dirty.store(true, Ordering::Relaxed);
                                    state.hub.0.wake.notify_one();
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "LISTEN connection lost");
                                    break;
                                }
                            },
                            _ = closing.changed() => return,
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot LISTEN for events"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = closing.changed() => return,
        }
    }
}

/// The event as a stream message: `id` lets a reconnecting client resume.
pub fn message(live: &Live) -> axum::response::sse::Event {
    match live {
        Live::Event { id, json, .. } => axum::response::sse::Event::default()
            .id(id.to_string())
            .event(crate::http::BoardMessageKind::Event.name())
            .data(&**json),
        Live::Presence(json) => axum::response::sse::Event::default()
            .event(crate::http::BoardMessageKind::Presence.name())
            .data(&**json),
    }
}
