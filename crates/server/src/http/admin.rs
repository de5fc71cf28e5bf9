//! For instance admins: the error groups and this node's performance by
//! route. Anyone else gets 404, as if these did not exist.

use crate::auth::CurrentUser;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::perf::RouteFigures;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_store::entities::{error_group, error_occurrence};
use critboard_store::queries::errors::ErrorStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Groups listed at most.
const GROUPS_MAX: u64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_errors))
        .routes(routes!(get_error, set_error_status))
        .routes(routes!(performance))
}

fn require_instance_admin(me: &CurrentUser) -> Result<()> {
    if me.user.is_admin {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum GroupStatus {
    Open,
    Resolved,
    Ignored,
}

impl From<GroupStatus> for ErrorStatus {
    fn from(s: GroupStatus) -> Self {
        match s {
            GroupStatus::Open => ErrorStatus::Open,
            GroupStatus::Resolved => ErrorStatus::Resolved,
            GroupStatus::Ignored => ErrorStatus::Ignored,
        }
    }
}

fn status_of(s: &str) -> GroupStatus {
    match s {
        "resolved" => GroupStatus::Resolved,
        "ignored" => GroupStatus::Ignored,
        _ => GroupStatus::Open,
    }
}

/// One kind of error from one place.
#[derive(Serialize, ToSchema)]
pub struct ErrorGroupOut {
    pub id: Uuid,
    /// `panic`, `job-failed`, or the problem code of a 5xx answer
    /// (`internal`, `unavailable`…).
    pub kind: String,
    /// `file:line` in Critboard's code, when known.
    pub location: String,
    /// The request's method and route template, or empty for a job.
    pub method: String,
    pub route: String,
    /// The job's kind, or empty for a request.
    pub job_kind: String,
    /// The latest occurrence's message, secrets redacted.
    pub message: String,
    pub count: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub first_release: String,
    pub last_release: String,
    pub last_request_id: String,
    pub status: GroupStatus,
    pub resolved_release: Option<String>,
}

impl From<error_group::Model> for ErrorGroupOut {
    fn from(g: error_group::Model) -> Self {
        ErrorGroupOut {
            id: g.id,
            status: status_of(&g.status),
            kind: g.kind,
            location: g.location,
            method: g.method,
            route: g.route,
            job_kind: g.job_kind,
            message: g.message,
            count: g.count,
            first_seen: g.first_seen,
            last_seen: g.last_seen,
            first_release: g.first_release,
            last_release: g.last_release,
            last_request_id: g.last_request_id,
            resolved_release: g.resolved_release,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OccurrenceOut {
    pub at: DateTime<Utc>,
    pub request_id: String,
    pub release: String,
    pub message: String,
}

impl From<error_occurrence::Model> for OccurrenceOut {
    fn from(o: error_occurrence::Model) -> Self {
        OccurrenceOut {
            at: o.at,
            request_id: o.request_id,
            release: o.release,
            message: o.message,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErrorGroups {
    pub items: Vec<ErrorGroupOut>,
    /// The release this node runs (version+commit).
    pub release: String,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorGroupDetail {
    #[serde(flatten)]
    pub group: ErrorGroupOut,
    /// The latest occurrences (up to 20), newest first.
    pub occurrences: Vec<OccurrenceOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ErrorsQuery {
    /// Also resolved and ignored groups (only open ones otherwise).
    #[serde(default)]
    pub all: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct ErrorGroupPatch {
    /// `resolved` (reopens if it comes back in a later release),
    /// `ignored`, or `open`.
    pub status: GroupStatus,
}

/// Error groups, the most recently seen first (instance admins).
#[utoipa::path(get, path = "/api/v1/admin/errors", tag = "operations",
    params(ErrorsQuery),
    responses((status = 200, body = ErrorGroups), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list_errors(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<ErrorsQuery>,
) -> Result<Json<ErrorGroups>> {
    require_instance_admin(&me)?;
    let groups = state.store.error_groups(q.all, GROUPS_MAX).await?;
    Ok(Json(ErrorGroups {
        items: groups.into_iter().map(Into::into).collect(),
        release: crate::errors::RELEASE.into(),
    }))
}

/// One error group with its latest occurrences' request ids.
#[utoipa::path(get, path = "/api/v1/admin/errors/{id}", tag = "operations",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ErrorGroupDetail), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_error(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ErrorGroupDetail>> {
    require_instance_admin(&me)?;
    let group = state.store.error_group(id).await?;
    let occurrences = state.store.error_occurrences(id).await?;
    Ok(Json(ErrorGroupDetail {
        group: group.into(),
        occurrences: occurrences.into_iter().map(Into::into).collect(),
    }))
}

/// Resolve, ignore or reopen an error group.
#[utoipa::path(patch, path = "/api/v1/admin/errors/{id}", tag = "operations",
    params(("id" = Uuid, Path)), request_body = ErrorGroupPatch,
    responses((status = 200, body = ErrorGroupOut), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_error_status(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ErrorGroupPatch>,
) -> Result<Json<ErrorGroupOut>> {
    require_instance_admin(&me)?;
    state.store.error_group(id).await?;
    let g = state
        .store
        .set_error_status(id, body.status.into(), crate::errors::RELEASE)
        .await?;
    Ok(Json(g.into()))
}

#[derive(Serialize, ToSchema)]
pub struct PerformanceOut {
    /// The span of time the figures cover, in seconds (at most the last
    /// 1,000 requests of each route within it).
    pub window_seconds: u64,
    /// The node these figures are from (each node keeps its own).
    pub node: String,
    pub release: String,
    /// The most total time first.
    pub routes: Vec<RouteFigures>,
}

/// Where this node's time goes, per route (instance admins).
#[utoipa::path(get, path = "/api/v1/admin/performance", tag = "operations",
    responses((status = 200, body = PerformanceOut), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn performance(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<PerformanceOut>> {
    require_instance_admin(&me)?;
    Ok(Json(PerformanceOut {
        window_seconds: crate::perf::WINDOW.as_secs(),
        node: state.queue.worker_id().to_owned(),
        release: crate::errors::RELEASE.into(),
        routes: state.performance.summary(),
    }))
}
