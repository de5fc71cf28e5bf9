//! Threads (numbered pins and areas on a version), their comments, and the
//! board's activity feed.

use super::assets::{versions_out, VersionOut};
use super::{access, created, idempotency_key, no_content, Page};
use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::discussion::{
    check_drawing, comment_text, handle_of, may_resolve, mention_tokens, shape_is_valid, Mark,
};
use critboard_domain::{
    BoardAction, BoardRole, FieldErrors, ReviewStatus, ThreadState, WorkspaceRole,
};
use critboard_store::entities::{comment, thread, version};
use critboard_store::queries::boards::BoardRow;
use critboard_store::queries::discussion::{NewComment, NewThread};
use critboard_store::queries::events::Actor;
use critboard_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_threads, create_thread))
        .routes(routes!(get_thread, update_thread))
        .routes(routes!(add_comment))
        .routes(routes!(edit_comment, delete_comment))
        .routes(routes!(mentionable_people))
        .routes(routes!(set_review))
        .routes(routes!(list_decisions))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewIn {
    pub status: ReviewStatus,
}

/// Decide on a version: in review, changes requested or approved. Editors
/// and owners may; on a board whose `deciders` are `reviewers`, so may its
/// commenters and guests of a commenter link. The asset shows its current
/// version's status; every decision is kept (`GET …/decisions`).
#[utoipa::path(put, path = "/api/v1/versions/{id}/review", tag = "discussion",
    params(("id" = Uuid, Path)), request_body = ReviewIn,
    responses((status = 200, body = VersionOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_review(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReviewIn>,
) -> Result<Json<VersionOut>> {
    let (v, board) = state
        .store
        .version_for(me.user_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = access::allowed_to(&me, &board, board.deciders.action())?;
    let actor = me.actor(board.id)?;
    state
        .store
        .set_review(
            &actor,
            decider_label(&actor, &board, role),
            board.id,
            &v,
            body.status,
        )
        .await?;
    let v = state.store.version(id).await?.ok_or(ApiError::NotFound)?;
    versions_out(&state, vec![v])
        .await?
        .pop()
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// How a decision names its maker: a guest of a link, a client of the
/// workspace, or their role on the board.
pub(super) fn decider_label(actor: &Actor, board: &BoardRow, role: BoardRole) -> &'static str {
    if actor.guest_id().is_some() {
        "guest"
    } else if board.workspace_role == Some(WorkspaceRole::Client) {
        "client"
    } else {
        role.as_str()
    }
}

/// One decision on a version, as kept in its history.
#[derive(Serialize, ToSchema)]
pub struct DecisionOut {
    pub id: Uuid,
    pub status: ReviewStatus,
    /// Who decided, and their role on the board then: `owner`, `editor`,
    /// `commenter`, `client` (of the workspace) or `guest` (of a share link).
    pub name: String,
    pub role: String,
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A version's decisions, newest first: who approved or asked for changes,
/// and when (everyone who can see the board). At most the last 100.
#[utoipa::path(get, path = "/api/v1/versions/{id}/decisions", tag = "discussion",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<DecisionOut>), (status = 404, body = Problem)))]
async fn list_decisions(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<DecisionOut>>> {
    version_board(&state, &me, id, BoardAction::View).await?;
    let items = state
        .store
        .decisions_of(id, 100)
        .await?
        .into_iter()
        .map(|d| DecisionOut {
            id: d.id,
            status: d.status,
            name: d.name,
            role: d.role,
            user_id: d.user_id,
            created_at: d.created_at,
        })
        .collect();
    Ok(Json(Page::all(items)))
}

/// A version's threads, and the threads still open on the version before
/// it (the client shows those as carried over).
#[derive(Serialize, ToSchema)]
pub struct VersionThreads {
    pub items: Vec<ThreadOut>,
    pub next_cursor: Option<String>,
    pub open_on_previous_version: Vec<ThreadOut>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct Person {
    pub id: Uuid,
    pub display_name: String,
}

/// Someone who can be @mentioned on a board, and what to type for them.
#[derive(Serialize, ToSchema)]
pub struct MentionablePerson {
    pub id: Uuid,
    pub display_name: String,
    /// `@handle`: the display name without spaces, lowercased.
    pub handle: String,
}

/// Everyone who can see the board and so can be @mentioned: direct members,
/// folder grantees, workspace owners and admins (for mention suggestions;
/// no e-mail addresses). Commenters and up, guests of a commenter link too.
#[utoipa::path(get, path = "/api/v1/boards/{id}/people", tag = "discussion",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<MentionablePerson>), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn mentionable_people(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<MentionablePerson>>> {
    access::board_as(&state, &me, id, BoardAction::Comment).await?;
    let people = state.store.board_people(id).await?;
    Ok(Json(Page::all(
        people
            .into_iter()
            .map(|p| MentionablePerson {
                id: p.id,
                handle: handle_of(&p.display_name),
                display_name: p.display_name,
            })
            .collect(),
    )))
}

#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    pub id: Uuid,
    pub thread_id: Uuid,
    /// The signed-in author; absent for a guest's comment.
    pub author: Option<Person>,
    /// The name a guest gave.
    pub guest_name: Option<String>,
    /// The guest who wrote it (their guest session), so a guest can tell
    /// their own comments.
    pub guest_id: Option<Uuid>,
    /// The text as typed (never HTML); absent once deleted.
    pub body: Option<String>,
    pub deleted: bool,
    pub edited_at: Option<DateTime<Utc>>,
    pub mentions: Vec<Person>,
    /// Marks drawn with it (none once the comment is deleted).
    pub drawing: Vec<Mark>,
    pub created_at: DateTime<Utc>,
}

/// A point {x, y} or an area {x, y, w, h}, as fractions of the picture.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Shape {
    pub x: f64,
    pub y: f64,
    pub w: Option<f64>,
    pub h: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadOut {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub version_id: Uuid,
    /// #1, #2 … per asset, never reused.
    pub number: i32,
    /// The page of its version it is on (1 for pictures).
    pub page: i32,
    pub shape: Shape,
    pub state: ThreadState,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    /// The guest who opened it, when a share-link guest did.
    pub created_by_guest: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub comments: Vec<CommentOut>,
}

/// Threads with their comments and the people they name, in three queries.
async fn threads_out(state: &AppState, threads: Vec<thread::Model>) -> Result<Vec<ThreadOut>> {
    let comments = state
        .store
        .comments_of(threads.iter().map(|t| t.id).collect())
        .await?;
    let mut ids: Vec<Uuid> = comments.iter().filter_map(|c| c.author_id).collect();
    for c in &comments {
        ids.extend(parse_mentions(&c.mentions));
    }
    let people = people_by_id(state, ids).await?;
    let mut by_thread: HashMap<Uuid, Vec<CommentOut>> = HashMap::new();
    for c in comments {
        by_thread
            .entry(c.thread_id)
            .or_default()
            .push(comment_out(c, &people));
    }
    Ok(threads
        .into_iter()
        .map(|t| ThreadOut {
            comments: by_thread.remove(&t.id).unwrap_or_default(),
            id: t.id,
            asset_id: t.asset_id,
            version_id: t.version_id,
            number: t.number,
            page: t.page,
            shape: Shape {
                x: t.x,
                y: t.y,
                w: t.w,
                h: t.h,
            },
            state: t.state,
            resolved_by: t.resolved_by,
            resolved_at: t.resolved_at,
            created_by: t.created_by,
            created_by_guest: t.created_by_guest,
            created_at: t.created_at,
        })
        .collect())
}

/// The named people, in one query.
pub(super) async fn people_by_id(
    state: &AppState,
    mut ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Person>> {
    ids.sort();
    ids.dedup();
    Ok(state
        .store
        .users_by_ids(ids)
        .await?
        .into_iter()
        .map(|u| {
            let p = Person {
                id: u.id,
                display_name: u.display_name,
            };
            (u.id, p)
        })
        .collect())
}

pub(super) fn parse_mentions(json: &str) -> Vec<Uuid> {
    serde_json::from_str(json).unwrap_or_default()
}

fn comment_out(c: comment::Model, people: &HashMap<Uuid, Person>) -> CommentOut {
    let deleted = c.deleted_at.is_some();
    CommentOut {
        author: c.author_id.and_then(|id| people.get(&id).cloned()),
        mentions: parse_mentions(&c.mentions)
            .iter()
            .filter_map(|id| people.get(id).cloned())
            .collect(),
        drawing: if deleted {
            Vec::new()
        } else {
            c.drawing
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default()
        },
        body: (!deleted).then_some(c.body),
        deleted,
        id: c.id,
        thread_id: c.thread_id,
        guest_name: c.guest_name,
        guest_id: c.guest_id,
        edited_at: c.edited_at,
        created_at: c.created_at,
    }
}

/// A comment's text as stored (see [`comment_text`]) and its @mentions,
/// resolved to people who can see the board (by handle, or e-mail for
/// members: a guest must not learn which addresses belong to the board);
/// unknown names are left as text.
pub(super) async fn checked_text(
    state: &AppState,
    me: &Caller,
    board: Uuid,
    body: &str,
) -> Result<(String, Vec<Uuid>)> {
    let by_email = me.guest_on(board).is_none();
    let text = comment_text(body).map_err(|m| ApiError::invalid("body", m))?;
    let tokens = mention_tokens(&text);
    if tokens.is_empty() {
        return Ok((text, Vec::new()));
    }
    let people = state.store.board_people(board).await?;
    let mut ids: Vec<Uuid> = Vec::new();
    for t in &tokens {
        let found = people.iter().find(|p| {
            (by_email && p.email.eq_ignore_ascii_case(t)) || handle_of(&p.display_name) == *t
        });
        if let Some(p) = found.filter(|p| !ids.contains(&p.id)) {
            ids.push(p.id);
        }
    }
    Ok((text, ids))
}

pub(super) async fn version_board(
    state: &AppState,
    me: &Caller,
    version: Uuid,
    action: BoardAction,
) -> Result<(version::Model, BoardRow)> {
    let (v, board) = state
        .store
        .version_for(me.user_id(), version)
        .await?
        .ok_or(ApiError::NotFound)?;
    access::allowed_to(me, &board, action)?;
    Ok((v, board))
}

pub(super) async fn thread_board(
    state: &AppState,
    me: &Caller,
    id: Uuid,
    action: BoardAction,
) -> Result<(thread::Model, BoardRow, BoardRole)> {
    let (t, board) = state
        .store
        .thread_for(me.user_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = access::allowed_to(me, &board, action)?;
    Ok((t, board, role))
}

/// What an earlier request with the same `Idempotency-Key` created, if it
/// created a `resource`. A key already spent on another kind of resource is
/// the client's mistake (422), not a reason to create a second thing.
pub(super) async fn replayed(
    state: &AppState,
    actor: &Actor,
    key: Option<&str>,
    resource: &str,
) -> Result<Option<Uuid>> {
    let Some(key) = key else { return Ok(None) };
    match state.store.idempotent(actor, key).await? {
        None => Ok(None),
        Some((r, id)) if r == resource => Ok(Some(id)),
        Some(_) => Err(ApiError::invalid(
            "Idempotency-Key",
            "this key was already used for another request; send a new one",
        )),
    }
}

/// What a write made, or — when the same `Idempotency-Key` was sent twice
/// at once and the other request wrote first — the id of what that one
/// made, to answer as a retry would. The loser's transaction left nothing.
async fn won_race<T>(
    state: &AppState,
    actor: &Actor,
    key: Option<&str>,
    resource: &str,
    made: Result<T, StoreError>,
) -> Result<Result<T, Uuid>> {
    match made {
        Ok(made) => Ok(Ok(made)),
        Err(e @ StoreError::Unique(_)) if key.is_some() => {
            match replayed(state, actor, key, resource).await? {
                Some(existing) => Ok(Err(existing)),
                None => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadFilter {
    /// Only `open` or only `resolved` threads.
    pub state: Option<ThreadState>,
}

/// A version's threads, by number, with their comments.
#[utoipa::path(get, path = "/api/v1/versions/{id}/threads", tag = "discussion",
    params(("id" = Uuid, Path), ThreadFilter),
    responses((status = 200, body = VersionThreads), (status = 404, body = Problem)))]
async fn list_threads(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(filter): ApiQuery<ThreadFilter>,
) -> Result<Json<VersionThreads>> {
    let (version, _) = version_board(&state, &me, id, BoardAction::View).await?;
    let mut threads = state.store.threads_of_version(id, filter.state).await?;
    let carried = match state.store.previous_version(&version).await? {
        Some(prev) => {
            state
                .store
                .threads_of_version(prev.id, Some(ThreadState::Open))
                .await?
        }
        None => Vec::new(),
    };
    let split = threads.len();
    threads.extend(carried);
    let mut all = threads_out(&state, threads).await?;
    let open_on_previous_version = all.split_off(split);
    Ok(Json(VersionThreads {
        items: all,
        next_cursor: None,
        open_on_previous_version,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ThreadIn {
    #[serde(flatten)]
    pub shape: Shape,
    /// The page of a deck to pin on, from 1 (pictures have only page 1).
    #[schema(minimum = 1)]
    pub page: Option<i32>,
    /// The first comment.
    pub body: String,
    /// Marks drawn with it (at most 20).
    #[serde(default)]
    pub drawing: Vec<Mark>,
}

async fn thread_by_id(state: &AppState, id: Uuid) -> Result<ThreadOut> {
    let t = state.store.thread(id).await?.ok_or(ApiError::NotFound)?;
    threads_out(state, vec![t])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// Where a thread may go on `version`: a valid pin or area on one of its
/// pages (1 when not given); the page.
pub(super) fn check_place(
    version: &version::Model,
    shape: &Shape,
    page: Option<i32>,
) -> Result<i32> {
    if !shape_is_valid(shape.x, shape.y, shape.w, shape.h) {
        return Err(ApiError::invalid(
            "x",
            "a pin needs x and y in 0..1; an area also w and h, inside the picture",
        ));
    }
    let page = page.unwrap_or(1);
    if !(1..=version.page_count).contains(&page) {
        let why = match version.page_count {
            0 => "this version's pages are not ready yet".to_owned(),
            1 => "must be 1: this version has one page".to_owned(),
            n => format!("must be a page of this version, 1 to {n}"),
        };
        return Err(ApiError::invalid("page", why));
    }
    Ok(page)
}

/// Drop a pin (x, y) or mark an area (x, y, w, h) with its first comment
/// (commenters and up). Honors `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/versions/{id}/threads", tag = "discussion",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ThreadIn,
    responses((status = 201, body = ThreadOut), (status = 200, body = ThreadOut, description = "Retry of a created thread"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_thread(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ThreadIn>,
) -> Result<Response> {
    let (version, board) = version_board(&state, &me, id, BoardAction::Comment).await?;
    let actor = me.actor(board.id)?;
    let key = idempotency_key(&headers)?;
    if let Some(existing) = replayed(&state, &actor, key.as_deref(), "thread").await? {
        return Ok((StatusCode::OK, Json(thread_by_id(&state, existing).await?)).into_response());
    }
    let Shape { x, y, w, h } = body.shape;
    let page = check_place(&version, &body.shape, body.page)?;
    FieldErrors::single_check(|e| check_drawing("drawing", &body.drawing, e))?;
    let (text, mentions) = checked_text(&state, &me, board.id, &body.body).await?;
    me.throttle(&state, board.id, ip)?;
    let made = state
        .store
        .create_thread(
            &actor,
            NewThread {
                board_id: board.id,
                asset_id: version.asset_id,
                version_id: id,
                x,
                y,
                w,
                h,
                page,
                body: &text,
                mentions: &mentions,
                drawing: &body.drawing,
                idempotency_key: key.as_deref(),
            },
        )
        .await;
    let (t, _) = match won_race(&state, &actor, key.as_deref(), "thread", made).await? {
        Ok(made) => made,
        Err(existing) => {
            return Ok(
                (StatusCode::OK, Json(thread_by_id(&state, existing).await?)).into_response(),
            )
        }
    };
    Ok(created(thread_by_id(&state, t.id).await?))
}

/// One thread with its comments.
#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "discussion",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ThreadOut), (status = 404, body = Problem)))]
async fn get_thread(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ThreadOut>> {
    thread_board(&state, &me, id, BoardAction::View).await?;
    Ok(Json(thread_by_id(&state, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ThreadPatch {
    /// `resolved` or `open` (reopen).
    pub state: ThreadState,
}

/// Resolve or reopen a thread: its author (commenter and up), or any
/// editor or owner.
#[utoipa::path(patch, path = "/api/v1/threads/{id}", tag = "discussion",
    params(("id" = Uuid, Path)), request_body = ThreadPatch,
    responses((status = 200, body = ThreadOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn update_thread(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ThreadPatch>,
) -> Result<Json<ThreadOut>> {
    let (t, board, role) = thread_board(&state, &me, id, BoardAction::View).await?;
    let author = me.wrote(board.id, t.created_by, t.created_by_guest);
    if !may_resolve(role, author) {
        return Err(ApiError::Forbidden(
            "only the thread's author, editors and owners may resolve or reopen it",
        ));
    }
    me.throttle(&state, board.id, ip)?;
    state
        .store
        .set_thread_state(&me.actor(board.id)?, board.id, &t, body.state)
        .await?;
    Ok(Json(thread_by_id(&state, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CommentIn {
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ReplyIn {
    pub body: String,
    /// Marks drawn with the reply (at most 20).
    #[serde(default)]
    pub drawing: Vec<Mark>,
}

/// Reply in a thread (commenters and up). Honors `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/threads/{id}/comments", tag = "discussion",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ReplyIn,
    responses((status = 201, body = CommentOut), (status = 200, body = CommentOut, description = "Retry of a created comment"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_comment(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ReplyIn>,
) -> Result<Response> {
    let (t, board, _) = thread_board(&state, &me, id, BoardAction::Comment).await?;
    let actor = me.actor(board.id)?;
    let key = idempotency_key(&headers)?;
    if let Some(existing) = replayed(&state, &actor, key.as_deref(), "comment").await? {
        return Ok((StatusCode::OK, Json(comment_by_id(&state, existing).await?)).into_response());
    }
    FieldErrors::single_check(|e| check_drawing("drawing", &body.drawing, e))?;
    let (text, mentions) = checked_text(&state, &me, board.id, &body.body).await?;
    me.throttle(&state, board.id, ip)?;
    let made = state
        .store
        .add_comment(
            &actor,
            board.id,
            &t,
            NewComment {
                body: &text,
                mentions: &mentions,
                drawing: &body.drawing,
                idempotency_key: key.as_deref(),
            },
        )
        .await;
    let c = match won_race(&state, &actor, key.as_deref(), "comment", made).await? {
        Ok(c) => c,
        Err(existing) => {
            return Ok(
                (StatusCode::OK, Json(comment_by_id(&state, existing).await?)).into_response(),
            )
        }
    };
    if t.created_by_guest.is_some() {
        crate::mail::guest_replies::soon(&state).await;
    }
    // Answered from what was written, not read back.
    Ok(created(comment_with_people(&state, c).await?))
}

/// One comment with its author and mentions, without reading the rest of
/// its thread (a long thread must not make every reply slower).
async fn comment_by_id(state: &AppState, id: Uuid) -> Result<CommentOut> {
    let c = state.store.comment(id).await?.ok_or(ApiError::NotFound)?;
    comment_with_people(state, c).await
}

/// A comment as answered, with its author and the people it mentions.
async fn comment_with_people(state: &AppState, c: comment::Model) -> Result<CommentOut> {
    let mut ids = parse_mentions(&c.mentions);
    ids.extend(c.author_id);
    let people = people_by_id(state, ids).await?;
    Ok(comment_out(c, &people))
}

async fn own_comment(
    state: &AppState,
    me: &Caller,
    id: Uuid,
    allow_owner: bool,
) -> Result<(comment::Model, thread::Model, BoardRow)> {
    let c = state.store.comment(id).await?.ok_or(ApiError::NotFound)?;
    let (t, board, role) = thread_board(state, me, c.thread_id, BoardAction::View).await?;
    let mine = me.wrote(board.id, c.author_id, c.guest_id);
    if !(mine || (allow_owner && role.allows(BoardAction::Manage))) {
        return Err(ApiError::Forbidden("you may only change your own comments"));
    }
    if c.deleted_at.is_some() {
        return Err(ApiError::NotFound);
    }
    Ok((c, t, board))
}

/// Edit your comment (the time of the edit is kept).
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "discussion",
    params(("id" = Uuid, Path)), request_body = CommentIn,
    responses((status = 200, body = CommentOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn edit_comment(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CommentIn>,
) -> Result<Json<CommentOut>> {
    let (c, t, board) = own_comment(&state, &me, id, false).await?;
    let (text, mentions) = checked_text(&state, &me, board.id, &body.body).await?;
    me.throttle(&state, board.id, ip)?;
    let actor = me.actor(board.id)?;
    let change = Some((text.as_str(), mentions.as_slice()));
    state
        .store
        .change_comment(&actor, board.id, &t, &c, change)
        .await?;
    Ok(Json(comment_by_id(&state, id).await?))
}

/// Delete your comment (board owners may delete any); the thread keeps a
/// marker that a comment was deleted.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "discussion",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_comment(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let (c, t, board) = own_comment(&state, &me, id, true).await?;
    me.throttle(&state, board.id, ip)?;
    state
        .store
        .change_comment(&me.actor(board.id)?, board.id, &t, &c, None)
        .await?;
    Ok(no_content())
}
