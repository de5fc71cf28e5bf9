//! A board's live stream, as Server-Sent Events (docs/adr/007-live-updates.md).

use super::access;
use crate::auth::Caller;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiPath, ApiQuery};
use crate::live::{
    floor_of, live_event, message, now_millis, presence_json, Live, Subscription, LOOKBACK_MS,
    PRESENCE_TTL,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use critboard_domain::BoardAction;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Events replayed at most on reconnect; a client further behind is told
/// to reload (`event: reset`).
const REPLAY_MAX: u64 = 2_000;
/// How often a stream re-checks that its viewer may still see the board.
const RECHECK: Duration = Duration::from_secs(15);
/// Event ids a stream remembers, to drop duplicates of replay and live: at
/// most what the board channel buffers can be both replayed and queued.
const REMEMBER: usize = crate::live::CHANNEL_CAPACITY;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stream))
        .routes(routes!(inbox_stream))
}

/// An inbox stream's message: the unread count now.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Unread {
    pub unread_count: i64,
}

/// Your unread notification count as it changes (Server-Sent Events), for
/// a live inbox badge without polling: an `unread` message (an `Unread`)
/// at once and whenever someone's event notifies you or you read
/// notifications; `end` when the session ends or the server stops.
#[utoipa::path(get, path = "/api/v1/me/stream", tag = "notifications",
    responses((status = 200, content_type = "text/event-stream", body = super::events::InboxStreamMessage,
            description = "Server-Sent Events: `unread`, `end`"),
        (status = 401, body = Problem)))]
async fn inbox_stream(
    State(state): State<AppState>,
    me: crate::auth::CurrentUser,
    headers: HeaderMap,
) -> Result<Response> {
    let credentials = credentials_of(&headers);
    let sub = state.hub.subscribe_user(me.id());
    let (tx, rx) = mpsc::channel::<Event>(8);
    let open = StreamOpen::new("inbox");
    tokio::spawn(async move {
        feed_inbox(state, credentials, me.id(), sub, tx).await;
        drop(open);
    });
    Ok(sse(rx))
}

/// Sends the count at once, then again after each ping (a burst of pings
/// is counted once), while the session lasts.
async fn feed_inbox(
    state: AppState,
    credentials: HeaderMap,
    user: Uuid,
    mut sub: crate::live::UserSubscription,
    tx: mpsc::Sender<Event>,
) {
    let mut closing = state.hub.closing();
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.tick().await;
    let mut last = None;
    loop {
        match state.store.unread_count(user).await {
            Ok(n) if last != Some(n) => {
                last = Some(n);
                let data = serde_json::to_string(&Unread { unread_count: n }).unwrap_or_default();
                if tx
                    .send(
                        Event::default()
                            .event(super::InboxMessageKind::Unread.name())
                            .data(data),
                    )
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not count unread notifications"),
        }
        tokio::select! {
            got = sub.rx.recv() => match got {
                Ok(()) | Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Let a burst of pings settle into one count.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    while sub.rx.try_recv().is_ok() {}
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = recheck.tick() => {
                let signed_in = !matches!(
                    Caller::from_headers(&state, &credentials, &Method::GET).await,
                    Err(ApiError::Unauthorized)
                );
                if !signed_in {
                    end(&tx, "access").await;
                    return;
                }
            }
            _ = tx.closed() => return,
            _ = closing.changed() => {
                end(&tx, "shutdown").await;
                return;
            }
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Resume after this event, for clients that cannot send `Last-Event-ID`.
    pub last_event_id: Option<Uuid>,
}

/// The board's events as they happen (Server-Sent Events). Each `event`
/// message carries an `EventOut` as JSON with its id; reconnecting with
/// `Last-Event-ID` replays what was missed. `presence` messages carry a
/// `Presence` (who has the board open). An `end` message (a `StreamEnd`)
/// closes the stream when the viewer loses access or the server stops;
/// `reset` asks the client to reload (too far behind).
#[utoipa::path(get, path = "/api/v1/boards/{id}/stream", tag = "discussion",
    params(("id" = Uuid, Path), StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The id of the last event received")),
    responses((status = 200, content_type = "text/event-stream", body = super::events::BoardStreamMessage,
            description = "Server-Sent Events: `event`, `presence`, `end`, `reset`"),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn stream(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<StreamQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    access::board_as(&state, &me, id, BoardAction::View).await?;
    let last = match headers.get("last-event-id") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| Uuid::parse_str(s.trim()).ok())
                .ok_or_else(|| ApiError::BadRequest("Last-Event-ID must be an event id".into()))?,
        ),
        None => query.last_event_id,
    };
    let sub = state.hub.subscribe(id, me.viewer(id)?).await?;
    let credentials = credentials_of(&headers);
    let (tx, rx) = mpsc::channel::<Event>(64);
    let open = StreamOpen::new("board");
    tokio::spawn(async move {
        feed(state, credentials, id, last, sub, tx).await;
        drop(open);
    });
    Ok(sse(rx))
}

/// Counts a live stream in `critboard_live_streams_open` while it is fed.
struct StreamOpen(&'static str);

impl StreamOpen {
    fn new(kind: &'static str) -> Self {
        metrics::gauge!("critboard_live_streams_open", "kind" => kind).increment(1);
        StreamOpen(kind)
    }
}

impl Drop for StreamOpen {
    fn drop(&mut self) {
        metrics::gauge!("critboard_live_streams_open", "kind" => self.0).decrement(1);
    }
}

/// Only what proves who the caller is, to ask again later.
fn credentials_of(headers: &HeaderMap) -> HeaderMap {
    let mut credentials = HeaderMap::new();
    for name in [header::COOKIE, header::AUTHORIZATION] {
        for v in headers.get_all(&name) {
            credentials.append(name.clone(), v.clone());
        }
    }
    credentials
}

/// The answer that streams what a feeding task sends, kept alive.
fn sse(rx: mpsc::Receiver<Event>) -> Response {
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (Ok::<_, Infallible>(e), rx))
    });
    let mut res = Sse::new(body)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response();
    // Proxies (nginx) must not buffer the stream.
    res.headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    res
}

/// Ids already sent on one stream, oldest first. A plain ring searched
/// end to end: for a few hundred ids that is as fast as a hash set and a
/// quarter of its memory, and every open stream has one.
#[derive(Default)]
struct Sent {
    recent: VecDeque<u128>,
    newest: Option<Uuid>,
}

impl Sent {
    fn first_time(&mut self, id: Uuid) -> bool {
        let key = id.as_u128();
        // Newest first: a duplicate is nearly always a recent id.
        if self.recent.iter().rev().any(|k| *k == key) {
            return false;
        }
        if self.recent.len() == REMEMBER {
            self.recent.pop_front();
        }
        self.recent.push_back(key);
        self.newest = self.newest.max(Some(id));
        true
    }
}

/// Whether the stream's viewer may still see the board. Database trouble
/// is not a reason to end a stream.
async fn still_allowed(state: &AppState, credentials: &HeaderMap, board: Uuid) -> bool {
    let caller = match Caller::from_headers(state, credentials, &Method::GET).await {
        Ok(c) => c,
        Err(ApiError::Unauthorized) => return false,
        Err(_) => return true,
    };
    match state.store.board_for(caller.user_id(), board).await {
        Ok(Some(row)) => caller.role_on(&row).is_some(),
        Ok(None) => false,
        Err(_) => true,
    }
}

/// Sends the board's events after `after` from the database; `false` when
/// the client went away or is too far behind (it was told to reset).
async fn replay(
    state: &AppState,
    board: Uuid,
    after: Uuid,
    sent: &mut Sent,
    tx: &mpsc::Sender<Event>,
) -> bool {
    let mut cursor = after;
    let mut total = 0;
    loop {
        let page = match state.store.board_events_after(board, cursor, 500).await {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!(error = %e, "replay failed");
                return true;
            }
        };
        let n = page.rows();
        if let Some(last) = page.row_ids.last() {
            cursor = cursor.max(*last);
        }
        for e in page.events {
            if !sent.first_time(e.id) {
                continue;
            }
            if tx.send(message(&live_event(e))).await.is_err() {
                return false;
            }
        }
        total += n;
        if n < 500 {
            return true;
        }
        if total >= REPLAY_MAX {
            let _ = tx
                .send(
                    Event::default()
                        .event(super::BoardMessageKind::Reset.name())
                        .data("{}"),
                )
                .await;
            return false;
        }
    }
}

/// Ends a board's or the inbox's stream (both name it `end`).
async fn end(tx: &mpsc::Sender<Event>, reason: &str) {
    let name = super::BoardMessageKind::End.name();
    debug_assert_eq!(name, super::InboxMessageKind::End.name());
    let data = serde_json::to_string(&crate::http::StreamEnd {
        reason: reason.to_owned(),
    })
    .unwrap_or_default();
    let _ = tx.send(Event::default().event(name).data(data)).await;
}

/// Feeds one stream: who is here, what was missed, then live events, until
/// the client leaves, loses access or the server shuts down.
async fn feed(
    state: AppState,
    credentials: HeaderMap,
    board: Uuid,
    last: Option<Uuid>,
    mut sub: Subscription,
    tx: mpsc::Sender<Event>,
) {
    let mut sent = Sent::default();
    let mut presence = None;
    if let Ok(viewers) = state.store.viewers(&[board], PRESENCE_TTL).await {
        let list: Vec<_> = viewers.into_iter().map(|(_, v)| v).collect();
        let json = presence_json(&list);
        presence = Some(json.clone());
        if tx.send(message(&Live::Presence(json))).await.is_err() {
            return;
        }
    }
    match last {
        Some(after) => {
            if !replay(&state, board, after, &mut sent, &tx).await {
                return;
            }
        }
        None => {
            // The poller looks back a little for late commits; events the
            // client already had when it connected are not news.
            let floor = floor_of(now_millis().saturating_sub(LOOKBACK_MS));
            sent.newest = Some(floor);
            if let Ok(old) = state.store.board_events_after(board, floor, 500).await {
                for id in old.row_ids {
                    sent.first_time(id);
                }
            }
        }
    }
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.reset();
    let mut closing = state.hub.closing();
    // Shutdown may have begun before this stream subscribed.
    if *closing.borrow_and_update() {
        return end(&tx, "shutdown").await;
    }
    loop {
        tokio::select! {
            got = sub.rx.recv() => match got {
                Ok(live) => {
                    let access_changed = match &live {
                        Live::Event { id, touches_access, .. } => {
                            if !sent.first_time(*id) {
                                continue;
                            }
                            *touches_access
                        }
                        Live::Presence(json) => {
                            if presence.as_ref() == Some(json) {
                                continue;
                            }
                            presence = Some(json.clone());
                            false
                        }
                    };
                    if tx.send(message(&live)).await.is_err() {
                        return;
                    }
                    if access_changed && !still_allowed(&state, &credentials, board).await {
                        return end(&tx, "access").await;
                    }
                }
                // Too slow for the channel: catch up from the database.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let after = sent.newest.unwrap_or_default();
                    if !replay(&state, board, after, &mut sent, &tx).await {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = recheck.tick() => {
                if !still_allowed(&state, &credentials, board).await {
                    return end(&tx, "access").await;
                }
            }
            _ = tx.closed() => return,
            _ = closing.changed() => return end(&tx, "shutdown").await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_drops_what_it_sent_within_its_memory_and_stays_small() {
        let mut sent = Sent::default();
        let ids: Vec<Uuid> = (0..REMEMBER * 3).map(|_| Uuid::now_v7()).collect();
        assert!(sent.first_time(ids[0]));
        assert!(!sent.first_time(ids[0]));
        for id in &ids[1..REMEMBER] {
            assert!(sent.first_time(*id));
        }
        // The whole window is remembered, in any order of arrival.
        assert!(!sent.first_time(ids[REMEMBER / 2]));
        assert!(!sent.first_time(ids[0]));
        for id in &ids[REMEMBER..] {
            assert!(sent.first_time(*id));
        }
        assert_eq!(sent.newest, ids.last().copied());
        // Only the last REMEMBER ids are kept: 16 bytes each.
        assert!(!sent.first_time(ids[ids.len() - REMEMBER]));
        assert!(sent.first_time(ids[0]));
        assert!(
            sent.recent.capacity() * 16 <= 8 * 1024,
            "{}",
            sent.recent.capacity()
        );
    }
}
