//! Workspaces (the tenant boundary) and their members.

use super::access::{self, double_option, require_admin, PersonRef};
use super::{created, no_content, Page};
use crate::auth::CurrentUser;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::validation::NAME_MAX;
use critboard_domain::{FieldErrors, WorkspaceRole};
use critboard_store::queries::workspaces::{MemberRow, WorkspaceRow};
use critboard_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const LAST_OWNER: &str = "a workspace needs at least one owner; make someone else owner first";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_workspaces, create_workspace))
        .routes(routes!(get_workspace, update_workspace, delete_workspace))
        .routes(routes!(list_members, add_member))
        .routes(routes!(update_member, remove_member))
}

#[derive(Serialize, ToSchema)]
pub struct WorkspaceOut {
    pub id: Uuid,
    pub name: String,
    /// The caller's role in this workspace.
    pub role: WorkspaceRole,
    pub storage_quota_bytes: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<WorkspaceRow> for WorkspaceOut {
    fn from(w: WorkspaceRow) -> Self {
        WorkspaceOut {
            role: w.role(),
            id: w.id,
            name: w.name,
            storage_quota_bytes: w.storage_quota_bytes,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// A person with a role: a workspace member, folder grant or board member.
#[derive(Serialize, ToSchema)]
pub struct MemberOut<R: ToSchema> {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: R,
    pub since: DateTime<Utc>,
}

impl<R: ToSchema + critboard_store::sea_orm::TryGetable> From<MemberRow<R>> for MemberOut<R> {
    fn from(m: MemberRow<R>) -> Self {
        MemberOut {
            role: m.role,
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            since: m.created_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspaceIn {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspacePatch {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: Option<String>,
    /// Bytes of stored files allowed; null for no limit. Instance admins only.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub storage_quota_bytes: Option<Option<i64>>,
}

/// Workspaces you belong to.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "workspaces",
    responses((status = 200, body = Page<WorkspaceOut>), (status = 401, body = Problem)))]
async fn list_workspaces(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<Page<WorkspaceOut>>> {
    let rows = state.store.workspaces_of(me.id()).await?;
    Ok(Json(Page::all(rows.into_iter().map(Into::into).collect())))
}

/// Create a workspace; you become its owner.
#[utoipa::path(post, path = "/api/v1/workspaces", tag = "workspaces",
    request_body = WorkspaceIn,
    responses((status = 201, body = WorkspaceOut), (status = 422, body = Problem)))]
async fn create_workspace(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiJson(body): ApiJson<WorkspaceIn>,
) -> Result<Response> {
    FieldErrors::single_check(|e| e.check_name("name", &body.name, NAME_MAX))?;
    let ws = state.store.create_workspace(me.id(), &body.name).await?;
    Ok(created(WorkspaceOut::from(ws)))
}

/// One workspace.
#[utoipa::path(get, path = "/api/v1/workspaces/{id}", tag = "workspaces",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WorkspaceOut), (status = 404, body = Problem)))]
async fn get_workspace(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<WorkspaceOut>> {
    Ok(Json(access::workspace(&state, me.id(), id).await?.into()))
}

/// Rename a workspace (owners and admins) or set its storage quota
/// (instance admins).
#[utoipa::path(patch, path = "/api/v1/workspaces/{id}", tag = "workspaces",
    params(("id" = Uuid, Path)), request_body = WorkspacePatch,
    responses((status = 200, body = WorkspaceOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_workspace(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<WorkspacePatch>,
) -> Result<Json<WorkspaceOut>> {
    let ws = access::workspace(&state, me.id(), id).await?;
    require_admin(ws.role())?;
    let mut errors = FieldErrors::new();
    if let Some(name) = &body.name {
        errors.check_name("name", name, NAME_MAX);
    }
    if let Some(Some(quota)) = body.storage_quota_bytes {
        if quota < 0 {
            errors.add("storage_quota_bytes", "must not be negative");
        }
    }
    errors.into_result()?;
    if body.storage_quota_bytes.is_some() && !me.user.is_admin {
        return Err(ApiError::Forbidden(
            "only instance admins may change storage quotas",
        ));
    }
    state
        .store
        .update_workspace(id, body.name.as_deref(), body.storage_quota_bytes)
        .await?;
    Ok(Json(access::workspace(&state, me.id(), id).await?.into()))
}

/// Delete a workspace with all its folders and boards (owners only).
#[utoipa::path(delete, path = "/api/v1/workspaces/{id}", tag = "workspaces",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_workspace(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let ws = access::workspace(&state, me.id(), id).await?;
    if ws.role() != WorkspaceRole::Owner {
        return Err(ApiError::Forbidden("only workspace owners may delete it"));
    }
    state
        .store
        .delete_workspace(id, |keys| crate::work::delete_objects_job(&state, keys))
        .await?;
    state.queue.wake();
    Ok(no_content())
}

fn member_out(rows: Vec<MemberRow<WorkspaceRole>>) -> Vec<MemberOut<WorkspaceRole>> {
    rows.into_iter().map(MemberOut::from).collect()
}

/// Members of a workspace (its team; clients may not list them).
#[utoipa::path(get, path = "/api/v1/workspaces/{id}/members", tag = "workspaces", operation_id = "list_workspace_members",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<MemberOut<WorkspaceRole>>), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn list_members(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<MemberOut<WorkspaceRole>>>> {
    let ws = access::workspace(&state, me.id(), id).await?;
    access::require_team(ws.role())?;
    let rows = state.store.workspace_members(id).await?;
    Ok(Json(Page::all(member_out(rows))))
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspaceMemberIn {
    #[serde(flatten)]
    pub person: PersonRef,
    pub role: WorkspaceRole,
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspaceRoleIn {
    pub role: WorkspaceRole,
}

async fn member(state: &AppState, ws: Uuid, user: Uuid) -> Result<MemberOut<WorkspaceRole>> {
    member_out(state.store.workspace_members(ws).await?)
        .into_iter()
        .find(|m| m.user_id == user)
        .ok_or(ApiError::NotFound)
}

/// Add someone with an account to the workspace (owners and admins; only
/// owners make owners).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/members", tag = "workspaces", operation_id = "add_workspace_member",
    params(("id" = Uuid, Path)), request_body = WorkspaceMemberIn,
    responses((status = 201, body = MemberOut<WorkspaceRole>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<WorkspaceMemberIn>,
) -> Result<Response> {
    let ws = access::workspace(&state, me.id(), id).await?;
    require_admin(ws.role())?;
    if !ws.role().may_manage_member_role(body.role) {
        return Err(ApiError::Forbidden("only owners may make owners"));
    }
    let user = body.person.resolve(&state).await?;
    match state.store.add_workspace_member(id, user, body.role).await {
        Err(StoreError::AlreadyMember) => {
            return Err(ApiError::Conflict(
                "already a member of this workspace".into(),
            ))
        }
        other => other?,
    }
    Ok(created(member(&state, id, user).await?))
}

/// Change a member's role.
#[utoipa::path(patch, path = "/api/v1/workspaces/{id}/members/{user_id}", tag = "workspaces", operation_id = "update_workspace_member",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = WorkspaceRoleIn,
    responses((status = 200, body = MemberOut<WorkspaceRole>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Last owner")))]
async fn update_member(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<WorkspaceRoleIn>,
) -> Result<Json<MemberOut<WorkspaceRole>>> {
    let ws = access::workspace(&state, me.id(), id).await?;
    require_admin(ws.role())?;
    let current = state
        .store
        .workspace_member_role(id, user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !ws.role().may_manage_member_role(current) || !ws.role().may_manage_member_role(body.role) {
        return Err(ApiError::Forbidden("only owners may change owners"));
    }
    access::keep_an_owner(
        state
            .store
            .set_workspace_member_role(id, user_id, body.role)
            .await,
        LAST_OWNER,
    )?;
    Ok(Json(member(&state, id, user_id).await?))
}

/// Remove a member (owners and admins), or leave the workspace yourself.
#[utoipa::path(delete, path = "/api/v1/workspaces/{id}/members/{user_id}", tag = "workspaces", operation_id = "remove_workspace_member",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Last owner")))]
async fn remove_member(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    let ws = access::workspace(&state, me.id(), id).await?;
    if user_id != me.id() {
        require_admin(ws.role())?;
        let current = state
            .store
            .workspace_member_role(id, user_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if !ws.role().may_manage_member_role(current) {
            return Err(ApiError::Forbidden("only owners may remove owners"));
        }
    }
    access::keep_an_owner(
        state.store.remove_workspace_member(id, user_id).await,
        LAST_OWNER,
    )?;
    Ok(no_content())
}
