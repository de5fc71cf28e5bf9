//! Board events as the API shows them: the activity feed, each live stream
//! message and each inbox entry carry an [`EventOut`], whose `event` is the
//! typed [`BoardEvent`] (a `oneOf` tagged by `kind` in the API document).

use super::{access, encode_cursor, Page, PageQuery};
use crate::auth::Caller;
use crate::error::{Problem, Result};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::{BoardAction, BoardEvent};
use critboard_store::queries::events::StoredEvent;
use critboard_store::queries::live::Viewer;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(activity))
}

/// Something that happened on a board, who did it and when.
#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub id: Uuid,
    pub board_id: Uuid,
    /// The person who did it; `null` for guests and for Critboard itself.
    pub actor_id: Option<Uuid>,
    /// Their name (a guest's name, or "Critboard").
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
    pub event: BoardEvent,
}

impl From<StoredEvent> for EventOut {
    fn from(e: StoredEvent) -> Self {
        EventOut {
            id: e.id,
            board_id: e.board_id,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            created_at: e.created_at,
            event: e.event,
        }
    }
}

/// Who has a board open: the data of a live stream's `presence` message.
#[derive(Serialize, ToSchema)]
pub struct Presence {
    /// One entry per person, however many tabs they have open.
    pub viewers: Vec<PresentViewer>,
}

#[derive(Serialize, ToSchema)]
pub struct PresentViewer {
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    pub display_name: String,
}

impl Presence {
    pub fn of(viewers: &[Viewer]) -> Self {
        let mut seen = HashSet::new();
        Presence {
            viewers: viewers
                .iter()
                .filter(|v| seen.insert((v.user_id, v.guest_id)))
                .map(|v| PresentViewer {
                    user_id: v.user_id,
                    guest_id: v.guest_id,
                    display_name: v.display_name.clone(),
                })
                .collect(),
        }
    }
}

/// What a board's live stream sends: the `event` field of its messages.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BoardMessageKind {
    Event,
    Presence,
    Reset,
    End,
}

impl BoardMessageKind {
    /// The message's `event:` line; the document's enum is this.
    pub const fn name(&self) -> &'static str {
        match self {
            BoardMessageKind::Event => "event",
            BoardMessageKind::Presence => "presence",
            BoardMessageKind::Reset => "reset",
            BoardMessageKind::End => "end",
        }
    }
}

/// One message of a board's live stream, as an SSE parser reads it.
#[derive(Serialize, ToSchema)]
pub struct BoardStreamMessage {
    pub event: BoardMessageKind,
    /// JSON text: an `EventOut` for `event`, a `Presence` for `presence`,
    /// `{}` for `reset` (reload: too much was missed), a `StreamEnd` for
    /// `end`.
    pub data: String,
    /// `event` messages only: the event's id, to send back as
    /// `Last-Event-ID` when reconnecting.
    pub id: Option<String>,
}

/// What the inbox stream sends: the `event` field of its messages.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InboxMessageKind {
    Unread,
    End,
}

impl InboxMessageKind {
    pub const fn name(&self) -> &'static str {
        match self {
            InboxMessageKind::Unread => "unread",
            InboxMessageKind::End => "end",
        }
    }
}

/// One message of the inbox stream, as an SSE parser reads it.
#[derive(Serialize, ToSchema)]
pub struct InboxStreamMessage {
    pub event: InboxMessageKind,
    /// JSON text: an `Unread` for `unread`, a `StreamEnd` for `end`.
    pub data: String,
}

/// Why a live stream ended: the data of its `end` message.
#[derive(Serialize, ToSchema)]
pub struct StreamEnd {
    /// `access` (the viewer lost access to the board, or signed out) or
    /// `shutdown`.
    pub reason: String,
}

#[derive(Serialize, Deserialize)]
struct ActivityCursor {
    before: Uuid,
}

/// What happened on a board, newest first.
#[utoipa::path(get, path = "/api/v1/boards/{id}/activity", tag = "discussion",
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<EventOut>), (status = 404, body = Problem)))]
async fn activity(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<EventOut>>> {
    access::board_as(&state, &me, id, BoardAction::View).await?;
    let limit = page.limit()?;
    let before = page.cursor::<ActivityCursor>()?.map(|c| c.before);
    let page = state.store.activity(id, before, limit + 1).await?;
    // Counted in rows, readable or not, so that one unreadable row does not
    // end the feed early.
    let more = page.rows() > limit;
    let last = page.row_ids.get(limit as usize - 1).copied();
    let mut events = page.events;
    if let (true, Some(last)) = (more, last) {
        events.retain(|e| e.id >= last);
    }
    let next_cursor = more
        .then_some(last)
        .flatten()
        .map(|before| encode_cursor(&ActivityCursor { before }));
    Ok(Json(Page {
        items: events.into_iter().map(EventOut::from).collect(),
        next_cursor,
    }))
}
