//! The inbox: what happened on your boards while you were elsewhere, and
//! how you want to hear about it.

use super::events::EventOut;
use super::{access, encode_cursor, no_content, PageQuery};
use crate::auth::CurrentUser;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::{BoardAction, EmailFrequency};
use critboard_store::queries::notifications::{NotificationRow, ReadScope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Most ids one "mark read" request may name.
const READ_IDS_MAX: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox))
        .routes(routes!(mark_read))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(mute, unmute))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    /// The event's id (one notification per event and person).
    pub id: Uuid,
    pub board_id: Uuid,
    pub board_name: String,
    /// The event names you (@mention).
    pub mention: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub event: EventOut,
}

#[derive(Serialize, ToSchema)]
pub struct Inbox {
    pub items: Vec<NotificationOut>,
    pub next_cursor: Option<String>,
    /// Unread notifications in all (not only on this page).
    pub unread_count: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only unread notifications.
    #[serde(default)]
    pub unread: bool,
}

#[derive(Serialize, Deserialize)]
struct InboxCursor {
    before: Uuid,
}

fn notification_out(n: NotificationRow) -> Option<NotificationOut> {
    Some(NotificationOut {
        event: n.event()?.into(),
        id: n.event_id,
        board_id: n.board_id,
        board_name: n.board_name,
        mention: n.mention != 0,
        read_at: n.read_at,
    })
}

/// Your notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    params(InboxQuery, PageQuery),
    responses((status = 200, body = Inbox), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn inbox(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiQuery(filter): ApiQuery<InboxQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Inbox>> {
    let limit = page.limit()?;
    let before = page.cursor::<InboxCursor>()?.map(|c| c.before);
    let mut rows = state
        .store
        .notifications(me.id(), filter.unread, before, limit + 1)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .map(|n| encode_cursor(&InboxCursor { before: n.event_id }));
    Ok(Json(Inbox {
        items: rows.into_iter().filter_map(notification_out).collect(),
        next_cursor,
        unread_count: state.store.unread_count(me.id()).await?,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ReadIn {
    /// These notifications (ids from the inbox).
    #[serde(default)]
    pub ids: Vec<Uuid>,
    /// Every notification of this board.
    pub board_id: Option<Uuid>,
    /// Every notification.
    #[serde(default)]
    pub all: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UnreadOut {
    pub unread_count: i64,
}

/// Mark notifications read: some (`ids`), a board's (`board_id`) or all
/// (`all: true`); give exactly one of them.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    request_body = ReadIn,
    responses((status = 200, body = UnreadOut), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn mark_read(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiJson(body): ApiJson<ReadIn>,
) -> Result<Json<UnreadOut>> {
    let given = [!body.ids.is_empty(), body.board_id.is_some(), body.all];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(ApiError::invalid(
            "ids",
            "give exactly one of ids, board_id or all",
        ));
    }
    if body.ids.len() > READ_IDS_MAX {
        return Err(ApiError::invalid(
            "ids",
            format!("at most {READ_IDS_MAX} at a time"),
        ));
    }
    let scope = match (body.all, body.board_id) {
        (true, _) => ReadScope::All,
        (false, Some(b)) => ReadScope::Board(b),
        (false, None) => ReadScope::Events(body.ids),
    };
    state.store.mark_read(me.id(), scope).await?;
    // This person's badges on this node count again at once.
    state.hub.ping_user(me.id());
    Ok(Json(UnreadOut {
        unread_count: state.store.unread_count(me.id()).await?,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct NotificationSettings {
    /// E-mail about notifications: at once, as an hourly or daily digest,
    /// or never. Mentions follow the same rhythm.
    pub email: EmailFrequency,
    /// Boards you hear nothing from, except when mentioned (what `PUT`
    /// takes back).
    pub muted_boards: Vec<Uuid>,
    /// The same boards with their names, for showing the list.
    pub muted: Vec<MutedBoardOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MutedBoardOut {
    pub id: Uuid,
    pub name: String,
}

async fn settings_of(state: &AppState, me: &CurrentUser) -> Result<NotificationSettings> {
    let muted = state.store.muted_boards(me.id()).await?;
    Ok(NotificationSettings {
        email: me.user.notification_frequency,
        muted_boards: muted.iter().map(|m| m.board_id).collect(),
        muted: muted
            .into_iter()
            .map(|m| MutedBoardOut {
                id: m.board_id,
                name: m.name,
            })
            .collect(),
    })
}

/// Your e-mail rhythm and muted boards.
#[utoipa::path(get, path = "/api/v1/me/notification-settings", tag = "notifications",
    responses((status = 200, body = NotificationSettings), (status = 401, body = Problem)))]
async fn get_settings(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<NotificationSettings>> {
    Ok(Json(settings_of(&state, &me).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SettingsIn {
    pub email: Option<EmailFrequency>,
    /// Replaces the list of muted boards; boards you cannot see are a 422.
    pub muted_boards: Option<Vec<Uuid>>,
}

/// Change your e-mail rhythm and/or the list of muted boards.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "notifications",
    request_body = SettingsIn,
    responses((status = 200, body = NotificationSettings), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn put_settings(
    State(state): State<AppState>,
    mut me: CurrentUser,
    ApiJson(body): ApiJson<SettingsIn>,
) -> Result<Json<NotificationSettings>> {
    if let Some(boards) = &body.muted_boards {
        if boards.len() > READ_IDS_MAX {
            return Err(ApiError::invalid("muted_boards", "too many boards"));
        }
        let refused = state.store.replace_mutes(me.id(), boards).await?;
        if let Some(b) = refused.first() {
            return Err(ApiError::invalid("muted_boards", format!("no board {b}")));
        }
    }
    if let Some(f) = body.email {
        state.store.set_email_frequency(me.id(), f).await?;
        me.user.notification_frequency = f;
    }
    Ok(Json(settings_of(&state, &me).await?))
}

/// Mute a board: no notifications from it, except mentions of you.
#[utoipa::path(put, path = "/api/v1/boards/{id}/mute", tag = "notifications",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn mute(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    access::board(&state, me.id(), id, BoardAction::View).await?;
    state.store.set_muted(me.id(), id, true).await?;
    Ok(no_content())
}

/// Unmute a board.
#[utoipa::path(delete, path = "/api/v1/boards/{id}/mute", tag = "notifications",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn unmute(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    access::board(&state, me.id(), id, BoardAction::View).await?;
    state.store.set_muted(me.id(), id, false).await?;
    Ok(no_content())
}
