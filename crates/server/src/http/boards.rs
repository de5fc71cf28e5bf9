//! Boards, the lists of boards with each one's effective role, and board
//! members.

use super::access::{self, double_option, may_add_boards_to, PersonRef};
use super::workspaces::MemberOut;
use super::{created, encode_cursor, no_content, Page, PageQuery};
use crate::auth::{Caller, CurrentUser};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::validation::{DESCRIPTION_MAX, NAME_MAX};
use critboard_domain::{BoardAction, BoardRole, Deciders, FieldErrors};
use critboard_store::queries::boards::MemberChange;
use critboard_store::queries::boards::{
    BoardChanges, BoardCursor, BoardFilter, BoardSummary, NewBoard,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

fn actor(me: &CurrentUser) -> critboard_store::queries::events::Actor {
    critboard_store::queries::events::Actor::user(me.id(), &me.user.display_name)
}

const LAST_OWNER: &str = "a board needs an owner; make someone else owner first";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_workspace_boards, create_board))
        .routes(routes!(list_folder_boards))
        .routes(routes!(get_board, update_board, delete_board))
        .routes(routes!(list_members, add_member))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(create_sample_board))
}

/// The sample board's pictures (through the usual thumbnail job) and its
/// first pin.
async fn fill_sample_board(state: &AppState, me: &CurrentUser, board: Uuid) -> Result<()> {
    use crate::sample;
    use critboard_store::queries::assets::{CheckedFile, NewUpload};
    let actor = critboard_store::queries::events::Actor::user(me.id(), &me.user.display_name);
    let mut first = None;
    for (title, width, height, hero) in sample::PAGES {
        let png = sample::page_png(width, height, hero);
        let now = state.store.now();
        let up = state
            .store
            .create_upload(NewUpload {
                board_id: board,
                asset_id: None,
                user_id: me.id(),
                file_name: &format!("{title}.png"),
                content_type: "image/png",
                bytes: png.len() as i64,
                idempotency_key: None,
                expires_at: now + chrono::Duration::hours(1),
            })
            .await?;
        state
            .storage
            .put(&up.object_key, png)
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        let file = CheckedFile {
            content_type: "image/png",
            width: width as i32,
            height: height as i32,
            kind: critboard_domain::AssetKind::Picture,
            page_count: 1,
        };
        let (asset, version) = state
            .store
            .complete_upload(&actor, board, up.id, file, |v| {
                crate::work::thumbnail_job(v).into_active_model(now)
            })
            .await?;
        first.get_or_insert((asset.id, version.id));
    }
    if let Some((asset_id, version_id)) = first {
        let (x, y) = sample::FIRST_PIN;
        state
            .store
            .create_thread(
                &actor,
                critboard_store::queries::discussion::NewThread {
                    board_id: board,
                    asset_id,
                    version_id,
                    x,
                    y,
                    w: None,
                    h: None,
                    page: 1,
                    body: sample::FIRST_COMMENT,
                    mentions: &[],
                    drawing: &sample::first_marks(),
                    idempotency_key: None,
                },
            )
            .await?;
    }
    Ok(())
}

/// Add a sample board to try a review on (team members; you own it): two
/// mock pages of a café's website and a first pin that says how it works.
/// Its pictures go through the usual thumbnail job.
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/sample-board", tag = "boards",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = BoardOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn create_sample_board(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    use crate::sample;
    let ws = access::workspace(&state, me.id(), id).await?;
    access::require_team(ws.role())?;
    let board = state
        .store
        .create_board(NewBoard {
            workspace_id: id,
            folder_id: None,
            name: sample::NAME,
            description: sample::DESCRIPTION,
            owner: me.id(),
        })
        .await?;
    // A sample half made is no sample: on any failure the board goes,
    // with whatever files it already had.
    if let Err(e) = fill_sample_board(&state, &me, board).await {
        let _ = state
            .store
            .delete_board(board, |keys| crate::work::delete_objects_job(&state, keys))
            .await;
        return Err(e);
    }
    state.queue.wake();
    let summary = state.store.board_summary(me.id(), board).await?;
    Ok(created(
        summary
            .and_then(|s| BoardOut::from_summary(&state, s))
            .ok_or(ApiError::NotFound)?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct BoardOut {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub folder_id: Option<Uuid>,
    pub name: String,
    pub description: String,
    pub archived: bool,
    pub archived_at: Option<DateTime<Utc>>,
    /// The caller's effective role: the highest of the board grant, folder
    /// grants and workspace owner/admin.
    pub role: BoardRole,
    /// What that role lets the caller do here (SPEC's role table), so
    /// clients need no copy of it.
    pub can: Abilities,
    pub asset_count: i64,
    /// Open threads on the current versions of its assets.
    pub open_thread_count: i64,
    /// Review summary: assets approved / with changes requested.
    pub approved_count: i64,
    pub changes_requested_count: i64,
    /// The first picture's grid thumbnail (signed, short-lived), for cards.
    pub cover_url: Option<String>,
    /// Who may approve or request changes: `editors` (and owners), or
    /// `reviewers` (also commenters and guests of a commenter link).
    pub deciders: Deciders,
    /// When the review should be done; those who may decide and have not
    /// are reminded by e-mail a day before.
    pub due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a role allows on a board.
#[derive(Serialize, ToSchema)]
pub struct Abilities {
    /// Pin, reply, resolve one's own threads.
    pub comment: bool,
    /// Upload, add versions, rename, set review status, resolve any thread.
    pub edit: bool,
    /// Members, share links, archive, delete; delete anyone's comment.
    pub manage: bool,
    /// Approve or request changes (the board's `deciders` say who may).
    pub decide: bool,
    /// Capture websites: an editor's right, on a server with a browser.
    /// When `edit` is true and this is false, the server has no Chromium.
    pub capture: bool,
}

impl Abilities {
    /// What `role` may do, on a server that can (or cannot) capture pages.
    pub fn of(role: BoardRole, deciders: Deciders, browser: bool) -> Self {
        let edit = role.allows(BoardAction::Edit);
        Abilities {
            comment: role.allows(BoardAction::Comment),
            edit,
            manage: role.allows(BoardAction::Manage),
            decide: deciders.allow(role),
            capture: edit && browser,
        }
    }
}

impl BoardOut {
    fn from_summary(state: &AppState, s: BoardSummary) -> Option<Self> {
        let role = s.board.role()?;
        Some(Self::with_role(state, s, role))
    }

    fn with_role(state: &AppState, s: BoardSummary, role: BoardRole) -> Self {
        let BoardSummary { board: b, counts } = s;
        BoardOut {
            can: Abilities::of(role, b.deciders, state.capturer.chromium().is_some()),
            role,
            id: b.id,
            workspace_id: b.workspace_id,
            folder_id: b.folder_id,
            name: b.name,
            description: b.description,
            archived: b.archived_at.is_some(),
            archived_at: b.archived_at,
            asset_count: counts.asset_count,
            open_thread_count: counts.open_thread_count,
            approved_count: counts.approved_count,
            changes_requested_count: counts.changes_requested_count,
            cover_url: counts.cover_key.as_deref().map(|k| {
                super::files::file_url(
                    state,
                    k,
                    critboard_files::thumbs::Thumb::CONTENT_TYPE,
                    "cover.jpg",
                )
            }),
            deciders: b.deciders,
            due_at: b.due_at,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardListQuery {
    /// Only boards whose name contains this (case-insensitive).
    pub q: Option<String>,
    /// List archived boards instead of active ones.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    n: String,
    i: Uuid,
}

async fn board_page(
    state: &AppState,
    me: Uuid,
    mut filter: BoardFilter,
    query: BoardListQuery,
    page: PageQuery,
) -> Result<Page<BoardOut>> {
    let limit = page.limit()?;
    let after = page
        .cursor::<Cursor>()?
        .map(|c| BoardCursor { name: c.n, id: c.i });
    FieldErrors::single_check(|e| {
        if let Some(q) = &query.q {
            e.check_text("q", q, NAME_MAX);
        }
        if let Some(c) = &after {
            e.check_text("cursor", &c.name, NAME_MAX);
        }
    })?;
    filter.name_contains = query.q;
    filter.archived = query.archived;
    // One extra row tells whether another page follows.
    let mut rows = state
        .store
        .list_boards(me, &filter, after.as_ref(), limit + 1)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last()).flatten().map(|s| {
        encode_cursor(&Cursor {
            n: s.board.name.clone(),
            i: s.board.id,
        })
    });
    Ok(Page {
        items: rows
            .into_iter()
            .filter_map(|s| BoardOut::from_summary(state, s))
            .collect(),
        next_cursor,
    })
}

/// Boards of a workspace you may see, by name, with your role on each.
#[utoipa::path(get, path = "/api/v1/workspaces/{id}/boards", tag = "boards",
    params(("id" = Uuid, Path), BoardListQuery, PageQuery),
    responses((status = 200, body = Page<BoardOut>), (status = 404, body = Problem)))]
async fn list_workspace_boards(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<BoardListQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<BoardOut>>> {
    access::workspace(&state, me.id(), id).await?;
    let filter = BoardFilter {
        workspace_id: id,
        ..Default::default()
    };
    Ok(Json(
        board_page(&state, me.id(), filter, query, page).await?,
    ))
}

/// Boards of a folder you may see, by name, with your role on each.
#[utoipa::path(get, path = "/api/v1/folders/{id}/boards", tag = "boards",
    params(("id" = Uuid, Path), BoardListQuery, PageQuery),
    responses((status = 200, body = Page<BoardOut>), (status = 404, body = Problem)))]
async fn list_folder_boards(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<BoardListQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<BoardOut>>> {
    let (folder, _) = access::folder(&state, me.id(), id).await?;
    let filter = BoardFilter {
        workspace_id: folder.workspace_id,
        folder_id: Some(id),
        ..Default::default()
    };
    Ok(Json(
        board_page(&state, me.id(), filter, query, page).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct BoardIn {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub folder_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
pub struct BoardPatch {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: Option<String>,
    pub description: Option<String>,
    /// Move to another folder of the workspace, or null for the top level.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub folder_id: Option<Option<Uuid>>,
    pub archived: Option<bool>,
    /// Who may approve or request changes (owners change it).
    pub deciders: Option<Deciders>,
    /// When the review should be done, or null for no date (editors).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_at: Option<Option<DateTime<Utc>>>,
}

/// Checks that the caller may put boards into `folder` of `workspace_id`.
async fn check_target_folder(
    state: &AppState,
    me: Uuid,
    workspace_id: Uuid,
    folder: Uuid,
) -> Result<()> {
    let target = state.store.folder_for(me, folder).await?;
    match target {
        Some(f) if f.workspace_id == workspace_id => match f.workspace_role() {
            Some(role) if may_add_boards_to(&f, role) => Ok(()),
            _ => Err(ApiError::Forbidden(
                "you need editor rights on that folder to put boards in it",
            )),
        },
        _ => Err(ApiError::invalid(
            "folder_id",
            "no such folder in this workspace",
        )),
    }
}

/// Create a board; you become its owner. Any workspace member may create
/// boards at the top level; in a folder you need editor rights there.
/// Clients may not.
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/boards", tag = "boards",
    params(("id" = Uuid, Path)), request_body = BoardIn,
    responses((status = 201, body = BoardOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_board(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BoardIn>,
) -> Result<Response> {
    let ws = access::workspace(&state, me.id(), id).await?;
    access::require_team(ws.role())?;
    FieldErrors::single_check(|e| {
        e.check_name("name", &body.name, NAME_MAX);
        e.check_text("description", &body.description, DESCRIPTION_MAX);
    })?;
    if let Some(folder) = body.folder_id {
        check_target_folder(&state, me.id(), id, folder).await?;
    }
    let board = state
        .store
        .create_board(NewBoard {
            workspace_id: id,
            folder_id: body.folder_id,
            name: &body.name,
            description: &body.description,
            owner: me.id(),
        })
        .await?;
    let summary = state.store.board_summary(me.id(), board).await?;
    Ok(created(
        summary
            .and_then(|s| BoardOut::from_summary(&state, s))
            .ok_or(ApiError::NotFound)?,
    ))
}

/// One board with your role on it.
#[utoipa::path(get, path = "/api/v1/boards/{id}", tag = "boards",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = BoardOut), (status = 404, body = Problem)))]
async fn get_board(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<BoardOut>> {
    let summary = state
        .store
        .board_summary(me.user_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = access::allowed_to(&me, &summary.board, BoardAction::View)?;
    Ok(Json(BoardOut::with_role(&state, summary, role)))
}

/// Rename or describe a board (editors), move it to another folder or
/// archive/unarchive it (owners).
#[utoipa::path(patch, path = "/api/v1/boards/{id}", tag = "boards",
    params(("id" = Uuid, Path)), request_body = BoardPatch,
    responses((status = 200, body = BoardOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_board(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BoardPatch>,
) -> Result<Json<BoardOut>> {
    let manages = body.folder_id.is_some() || body.archived.is_some() || body.deciders.is_some();
    let action = if manages {
        BoardAction::Manage
    } else {
        BoardAction::Edit
    };
    let (board, _) = access::board(&state, me.id(), id, action).await?;
    FieldErrors::single_check(|e| {
        if let Some(name) = &body.name {
            e.check_name("name", name, NAME_MAX);
        }
        if let Some(d) = &body.description {
            e.check_text("description", d, DESCRIPTION_MAX);
        }
    })?;
    if let Some(Some(folder)) = body.folder_id {
        check_target_folder(&state, me.id(), board.workspace_id, folder).await?;
    }
    state
        .store
        .update_board(
            id,
            BoardChanges {
                name: body.name.as_deref(),
                description: body.description.as_deref(),
                folder_id: body.folder_id,
                archived: body.archived,
                deciders: body.deciders,
                due_at: body.due_at,
            },
        )
        .await?;
    let me = Caller::signed_in(me);
    get_board(State(state), me, ApiPath(id)).await
}

/// Delete a board for good (owners).
#[utoipa::path(delete, path = "/api/v1/boards/{id}", tag = "boards",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_board(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    access::board(&state, me.id(), id, BoardAction::Manage).await?;
    state
        .store
        .delete_board(id, |keys| crate::work::delete_objects_job(&state, keys))
        .await?;
    state.queue.wake();
    Ok(no_content())
}

fn members_out(
    rows: Vec<critboard_store::queries::workspaces::MemberRow<BoardRole>>,
) -> Vec<MemberOut<BoardRole>> {
    rows.into_iter().map(MemberOut::from).collect()
}

async fn member(state: &AppState, board: Uuid, user: Uuid) -> Result<MemberOut<BoardRole>> {
    members_out(state.store.board_members(board).await?)
        .into_iter()
        .find(|m| m.user_id == user)
        .ok_or(ApiError::NotFound)
}

/// People with a role granted directly on this board.
#[utoipa::path(get, path = "/api/v1/boards/{id}/members", tag = "boards",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<MemberOut<BoardRole>>), (status = 404, body = Problem)))]
async fn list_members(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<MemberOut<BoardRole>>>> {
    access::board(&state, me.id(), id, BoardAction::View).await?;
    Ok(Json(Page::all(members_out(
        state.store.board_members(id).await?,
    ))))
}

#[derive(Deserialize, ToSchema)]
pub struct BoardMemberIn {
    #[serde(flatten)]
    pub person: PersonRef,
    pub role: BoardRole,
}

#[derive(Deserialize, ToSchema)]
pub struct BoardRoleIn {
    pub role: BoardRole,
}

/// Give a workspace member a role on this board (owners).
#[utoipa::path(post, path = "/api/v1/boards/{id}/members", tag = "boards",
    params(("id" = Uuid, Path)), request_body = BoardMemberIn,
    responses((status = 201, body = MemberOut<BoardRole>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BoardMemberIn>,
) -> Result<Response> {
    let (board, _) = access::board(&state, me.id(), id, BoardAction::Manage).await?;
    let user = body.person.resolve(&state).await?;
    if state
        .store
        .workspace_member_role(board.workspace_id, user)
        .await?
        .is_none()
    {
        return Err(ApiError::invalid(
            "user_id",
            "add them to the workspace first",
        ));
    }
    if state.store.board_member_role(id, user).await?.is_some() {
        return Err(ApiError::Conflict(
            "already a member of this board; change their role instead".into(),
        ));
    }
    access::keep_an_owner(
        state
            .store
            .put_board_member(&actor(&me), MemberChange::Added, id, user, body.role)
            .await,
        LAST_OWNER,
    )?;
    Ok(created(member(&state, id, user).await?))
}

/// Change a board member's role (owners).
#[utoipa::path(patch, path = "/api/v1/boards/{id}/members/{user_id}", tag = "boards",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = BoardRoleIn,
    responses((status = 200, body = MemberOut<BoardRole>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Last owner")))]
async fn update_member(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<BoardRoleIn>,
) -> Result<Json<MemberOut<BoardRole>>> {
    access::board(&state, me.id(), id, BoardAction::Manage).await?;
    if state.store.board_member_role(id, user_id).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    access::keep_an_owner(
        state
            .store
            .put_board_member(
                &actor(&me),
                MemberChange::RoleChanged,
                id,
                user_id,
                body.role,
            )
            .await,
        LAST_OWNER,
    )?;
    Ok(Json(member(&state, id, user_id).await?))
}

/// Remove a board member (owners), or leave the board yourself.
#[utoipa::path(delete, path = "/api/v1/boards/{id}/members/{user_id}", tag = "boards",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Last owner")))]
async fn remove_member(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    let action = if user_id == me.id() {
        BoardAction::View
    } else {
        BoardAction::Manage
    };
    access::board(&state, me.id(), id, action).await?;
    access::keep_an_owner(
        state
            .store
            .remove_board_member(&actor(&me), id, user_id)
            .await,
        LAST_OWNER,
    )?;
    Ok(no_content())
}
