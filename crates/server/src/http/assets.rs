//! Assets (pictures on a board) and their versions.

use super::files::{download_url, file_url};
use super::{access, encode_cursor, no_content, Page, PageQuery};
use crate::auth::Caller;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::{AssetKind, BoardAction, FieldErrors, ReviewStatus, VersionState};
use critboard_store::entities::{asset, version};
use critboard_store::queries::assets::{AssetAccess, AssetCard, VersionCard};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_assets))
        .routes(routes!(get_asset, update_asset, delete_asset))
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(download_version))
}

#[derive(Clone, Serialize, ToSchema)]
pub struct ImageLink {
    /// Signed, short-lived URL.
    pub url: String,
    pub width: i32,
    pub height: i32,
    /// `image/jpeg`; a transparent picture's viewer size is `image/png`
    /// and an animated GIF's is the `image/gif` itself.
    pub content_type: String,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct Thumbnails {
    /// For the board grid: 480 px wide, the top of tall pages.
    pub grid: Option<ImageLink>,
    /// For the viewer: at most 1600 px wide.
    pub view: Option<ImageLink>,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct VersionOut {
    pub id: Uuid,
    pub asset_id: Uuid,
    /// 1, 2, 3 … per asset.
    pub number: i32,
    pub original_name: String,
    /// Sniffed from the bytes, whatever the name said.
    pub content_type: String,
    pub bytes: i64,
    /// A picture's size; a deck's first page as rendered.
    pub width: i32,
    pub height: i32,
    /// Share of the picture that changed from the version before, 0–100,
    /// once worked out (`GET /versions/{id}/changes` shows where).
    pub changed_percent: Option<f64>,
    /// A deck's pages (`GET /versions/{id}/pages` lists them); 1 otherwise.
    pub page_count: i32,
    pub sha256: Option<String>,
    pub state: VersionState,
    pub review_status: ReviewStatus,
    /// The signed-in person who made the latest decision (null for a guest).
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Who made the latest decision, for "Approved by Ana (guest)".
    pub reviewer: Option<Reviewer>,
    /// Threads on this version: open ones and all.
    pub open_thread_count: i64,
    pub thread_count: i64,
    /// Why the version failed, when it did.
    pub failure: Option<String>,
    /// The original file (signed, short-lived URL).
    pub file_url: String,
    pub thumbnails: Thumbnails,
    /// How the page was captured (website captures only).
    pub capture: Option<CaptureOut>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct Reviewer {
    pub name: String,
    /// Their role on the board when they decided (`owner`, `editor`,
    /// `commenter`, `client` of the workspace, `guest` of a link); null for
    /// decisions made before roles were kept.
    pub role: Option<String>,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct CaptureOut {
    /// Where the page ended up, after redirects (once captured).
    pub url: Option<String>,
    pub captured_at: Option<DateTime<Utc>>,
    /// The page's full height in CSS px (once captured).
    pub page_height: Option<i32>,
    /// The page was taller than captures may be and was cut at the limit.
    pub truncated: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AssetOut {
    pub id: Uuid,
    pub board_id: Uuid,
    pub kind: AssetKind,
    pub title: String,
    /// A capture's page, as asked for.
    pub source_url: Option<String>,
    /// A capture's width in CSS px.
    pub capture_width: Option<i32>,
    pub position: i64,
    pub review_status: ReviewStatus,
    pub version_count: i32,
    pub current_version: Option<VersionOut>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetDetail {
    #[serde(flatten)]
    pub asset: AssetOut,
    /// Every version, newest first.
    pub versions: Vec<VersionOut>,
}

pub fn version_out(state: &AppState, card: VersionCard) -> VersionOut {
    let v = card.version;
    let mut links = Thumbnails {
        grid: None,
        view: None,
    };
    for t in &card.thumbnails {
        let name = format!(
            "{}.{}",
            t.size,
            critboard_files::thumbs::extension_of(&t.content_type)
        );
        let link = Some(ImageLink {
            url: file_url(state, &t.object_key, &t.content_type, &name),
            width: t.width,
            height: t.height,
            content_type: t.content_type.clone(),
        });
        match t.size.as_str() {
            "grid" => links.grid = link,
            "view" => links.view = link,
            _ => {}
        }
    }
    let capture = v.capture_request_id.map(|_| CaptureOut {
        url: v.capture_url.clone(),
        captured_at: v.captured_at,
        page_height: v.page_height,
        truncated: v.truncated,
    });
    VersionOut {
        changed_percent: v.changed_percent,
        capture,
        file_url: file_url(state, &v.object_key, &v.content_type, &v.original_name),
        thumbnails: links,
        state: v.state,
        review_status: v.review_status,
        reviewed_by: v.reviewed_by,
        reviewed_at: v.reviewed_at,
        reviewer: v.reviewer_name.map(|name| Reviewer {
            name,
            role: v.reviewer_role,
        }),
        open_thread_count: card.open_threads,
        thread_count: card.threads,
        id: v.id,
        asset_id: v.asset_id,
        number: v.number,
        original_name: v.original_name,
        content_type: v.content_type,
        bytes: v.bytes,
        width: v.width,
        height: v.height,
        page_count: v.page_count,
        sha256: v.sha256,
        failure: v.failure,
        created_at: v.created_at,
    }
}

/// Versions with their thumbnails and thread counts, in two queries
/// whatever their number.
pub async fn versions_out(
    state: &AppState,
    versions: Vec<version::Model>,
) -> Result<Vec<VersionOut>> {
    let cards = state.store.version_cards(versions).await?;
    Ok(cards.into_iter().map(|c| version_out(state, c)).collect())
}

pub fn asset_out(a: asset::Model, current: Option<VersionOut>) -> AssetOut {
    AssetOut {
        id: a.id,
        board_id: a.board_id,
        kind: a.kind,
        title: a.title,
        source_url: a.source_url,
        capture_width: a.capture_width,
        position: a.position,
        review_status: a.review_status,
        version_count: a.version_count,
        current_version: current,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// Assets with their current versions, in a constant number of queries.
pub async fn assets_out(state: &AppState, assets: Vec<asset::Model>) -> Result<Vec<AssetOut>> {
    let cards = state.store.cards_of(assets).await?;
    Ok(cards.into_iter().map(|c| card_out(state, c)).collect())
}

fn card_out(state: &AppState, card: AssetCard) -> AssetOut {
    let current = card.current.map(|v| version_out(state, v));
    asset_out(card.asset, current)
}

pub(super) async fn asset_as(
    state: &AppState,
    me: &Caller,
    id: Uuid,
    action: BoardAction,
) -> Result<AssetAccess> {
    let found = state
        .store
        .asset_for(me.user_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    access::allowed_to(me, &found.board, action)?;
    Ok(found)
}

#[derive(Serialize, Deserialize)]
struct AssetCursor {
    p: i64,
    i: Uuid,
}

/// The pictures on a board, in board order, with their current versions,
/// a page at a time (`limit` up to 200).
#[utoipa::path(get, path = "/api/v1/boards/{id}/assets", tag = "assets",
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<AssetOut>), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_assets(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Page<AssetOut>>> {
    access::board_as(&state, &me, id, BoardAction::View).await?;
    let limit = page.limit()?;
    let after = page.cursor::<AssetCursor>()?.map(|c| (c.p, c.i));
    let mut cards = state.store.asset_cards(id, after, limit + 1).await?;
    let more = cards.len() as u64 > limit;
    cards.truncate(limit as usize);
    let next_cursor = more.then(|| cards.last()).flatten().map(|c| {
        encode_cursor(&AssetCursor {
            p: c.asset.position,
            i: c.asset.id,
        })
    });
    Ok(Json(Page {
        items: cards.into_iter().map(|c| card_out(&state, c)).collect(),
        next_cursor,
    }))
}

/// One asset with all its versions.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AssetDetail), (status = 404, body = Problem)))]
async fn get_asset(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<AssetDetail>> {
    let found = asset_as(&state, &me, id, BoardAction::View).await?;
    let versions = versions_out(&state, state.store.versions_of(id).await?).await?;
    let current = versions
        .iter()
        .find(|v| Some(v.id) == found.asset.current_version_id)
        .cloned();
    Ok(Json(AssetDetail {
        asset: asset_out(found.asset, current),
        versions,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AssetPatch {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub title: Option<String>,
    /// Move to this place (0 = first) in the board's order.
    pub position: Option<u32>,
}

/// Rename or reorder an asset (editors and owners).
#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = Uuid, Path)), request_body = AssetPatch,
    responses((status = 200, body = AssetDetail), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_asset(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AssetPatch>,
) -> Result<Json<AssetDetail>> {
    let found = asset_as(&state, &me, id, BoardAction::Edit).await?;
    let actor = me.actor(found.board.id)?;
    if let Some(title) = &body.title {
        FieldErrors::single_check(|e| e.check_name("title", title, 200))?;
        state.store.rename_asset(&actor, id, title).await?;
    }
    if let Some(position) = body.position {
        state
            .store
            .move_asset(&actor, found.board.id, id, position as usize)
            .await?;
    }
    get_asset(State(state), me, ApiPath(id)).await
}

/// Delete an asset with all its versions; its files are removed in the
/// background (editors and owners).
#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_asset(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let found = asset_as(&state, &me, id, BoardAction::Edit).await?;
    let actor = me.actor(found.board.id)?;
    state
        .store
        .delete_asset(&actor, id, |keys| {
            crate::work::delete_objects_job(&state, keys)
        })
        .await?;
    state.queue.wake();
    Ok(no_content())
}

/// Every version of an asset, newest first.
#[utoipa::path(get, path = "/api/v1/assets/{id}/versions", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<VersionOut>), (status = 404, body = Problem)))]
async fn list_versions(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<VersionOut>>> {
    asset_as(&state, &me, id, BoardAction::View).await?;
    let versions = versions_out(&state, state.store.versions_of(id).await?).await?;
    Ok(Json(Page::all(versions)))
}

/// One version.
#[utoipa::path(get, path = "/api/v1/versions/{id}", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = VersionOut), (status = 404, body = Problem)))]
async fn get_version(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<VersionOut>> {
    let (v, _) = super::discussion::version_board(&state, &me, id, BoardAction::View).await?;
    let mut out = versions_out(&state, vec![v]).await?;
    out.pop().map(Json).ok_or(ApiError::NotFound)
}

/// A version's original file as a download, under the name it was
/// uploaded with (everyone who can see the board; guests too). Answers
/// with a redirect to a short-lived signed link, so a plain link works.
#[utoipa::path(get, path = "/api/v1/versions/{id}/download", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 303, description = "To a signed link that downloads the original file",
        headers(("location" = String, description = "The signed link"))),
        (status = 404, body = Problem)))]
async fn download_version(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (v, _) = super::discussion::version_board(&state, &me, id, BoardAction::View).await?;
    let url = download_url(&state, &v.object_key, &v.content_type, &v.original_name);
    Ok(Redirect::to(&url).into_response())
}
