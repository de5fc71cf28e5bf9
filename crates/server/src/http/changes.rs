//! What changed between two versions of an asset: worked out by a job
//! once both are ready (202 until then), then kept and answered at once.

use super::discussion::version_board;
use super::files::file_url;
use crate::auth::Caller;
use crate::changes::changes_job;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use critboard_domain::{BoardAction, VersionState};
use critboard_files::diff::RegionKind;
use critboard_store::entities::version_change;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_changes))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The older version of the same asset (the one before this one when
    /// left out).
    pub against: Option<Uuid>,
    /// A deck's page, from 1.
    pub page: Option<i32>,
}

#[derive(Serialize, ToSchema, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ChangesState {
    /// Being worked out: a `changes.ready` event tells the board when done.
    Queued,
    Ready,
    /// The two could not be compared (`failure` says why).
    Failed,
}

#[derive(Serialize, ToSchema, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Pixels that differ from the older version's.
    Changed,
    /// A section the older version did not have.
    Inserted,
}

/// A box on the newer version, as fractions of its width and height (as
/// pins are placed).
#[derive(Serialize, ToSchema)]
pub struct ChangeRegion {
    pub kind: ChangeKind,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Where the older version had a section that is gone: above `y` (a
/// fraction of the newer version's height), `height` of its pixels tall.
#[derive(Serialize, ToSchema)]
pub struct ChangeRemoved {
    pub y: f64,
    pub height: i32,
}

#[derive(Serialize, ToSchema)]
pub struct ChangesOut {
    pub version_id: Uuid,
    pub against_id: Uuid,
    pub page: i32,
    pub state: ChangesState,
    /// Share of the newer version's pixels that changed, 0–100.
    pub changed_percent: Option<f64>,
    /// The size the two were compared at (the newer version's).
    pub width: i32,
    pub height: i32,
    pub regions: Vec<ChangeRegion>,
    pub removed: Vec<ChangeRemoved>,
    /// The difference picture (signed, short-lived): the newer version
    /// faded, what changed in red.
    pub picture_url: Option<String>,
    pub failure: Option<String>,
}

impl ChangesOut {
    fn queued(version_id: Uuid, against_id: Uuid, page: i32) -> Self {
        ChangesOut {
            version_id,
            against_id,
            page,
            state: ChangesState::Queued,
            changed_percent: None,
            width: 0,
            height: 0,
            regions: Vec::new(),
            removed: Vec::new(),
            picture_url: None,
            failure: None,
        }
    }
}

/// A region as the job stored it (`diff::Region`'s JSON).
#[derive(Deserialize)]
struct StoredRegion {
    kind: RegionKind,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

#[derive(Deserialize)]
struct StoredRemoved {
    y: u32,
    rows: u32,
}

fn changes_out(state: &AppState, c: version_change::Model) -> ChangesOut {
    let (w, h) = (f64::from(c.width.max(1)), f64::from(c.height.max(1)));
    let regions: Vec<StoredRegion> = serde_json::from_str(&c.regions).unwrap_or_default();
    let removed: Vec<StoredRemoved> = serde_json::from_str(&c.removed).unwrap_or_default();
    ChangesOut {
        version_id: c.version_id,
        against_id: c.against_id,
        page: c.page,
        state: if c.failure.is_some() {
            ChangesState::Failed
        } else {
            ChangesState::Ready
        },
        changed_percent: c.changed_percent,
        width: c.width,
        height: c.height,
        regions: regions
            .into_iter()
            .map(|r| ChangeRegion {
                kind: match r.kind {
                    RegionKind::Changed => ChangeKind::Changed,
                    RegionKind::Inserted => ChangeKind::Inserted,
                },
                x: f64::from(r.x) / w,
                y: f64::from(r.y) / h,
                w: f64::from(r.w) / w,
                h: f64::from(r.h) / h,
            })
            .collect(),
        removed: removed
            .into_iter()
            .map(|r| ChangeRemoved {
                y: f64::from(r.y) / h,
                height: r.rows as i32,
            })
            .collect(),
        picture_url: c
            .picture_key
            .as_deref()
            .map(|k| file_url(state, k, "image/png", "changes.png")),
        failure: c.failure,
    }
}

/// What changed from an older version of the same asset to this one (a
/// deck's page of them): 200 with the regions once worked out, else 202
/// while a job works it out (the board's stream then tells
/// `changes.ready`). Everyone who can see the board.
#[utoipa::path(get, path = "/api/v1/versions/{id}/changes", tag = "assets",
    params(("id" = Uuid, Path), ChangesQuery),
    responses((status = 200, body = ChangesOut), (status = 202, body = ChangesOut, description = "Being worked out"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "A version is not ready"),
        (status = 422, body = Problem)))]
async fn get_changes(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ChangesQuery>,
) -> Result<Response> {
    let (version, _) = version_board(&state, &me, id, BoardAction::View).await?;
    let older = state
        .store
        .versions_of(version.asset_id)
        .await?
        .into_iter()
        .filter(|v| v.id != version.id);
    let against = match q.against {
        Some(a) => older
            .into_iter()
            .find(|v| v.id == a)
            .ok_or_else(|| ApiError::invalid("against", "not another version of this asset"))?,
        None => older
            .filter(|v| v.number < version.number)
            .max_by_key(|v| v.number)
            .ok_or_else(|| ApiError::invalid("against", "this is the first version"))?,
    };
    let page = q.page.unwrap_or(1);
    let pages = version.page_count.min(against.page_count);
    if page < 1 || page > pages {
        return Err(ApiError::invalid(
            "page",
            format!("both versions have pages 1 to {pages}"),
        ));
    }
    if version.state != VersionState::Ready || against.state != VersionState::Ready {
        return Err(ApiError::Conflict(
            "both versions must be ready to be compared".into(),
        ));
    }
    if let Some(c) = state
        .store
        .version_change(version.id, against.id, page)
        .await?
    {
        return Ok(Json(changes_out(&state, c)).into_response());
    }
    state
        .queue
        .enqueue(changes_job(version.id, against.id, page))
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ChangesOut::queued(version.id, against.id, page)),
    )
        .into_response())
}
