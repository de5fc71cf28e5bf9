//! Folders group boards; a grant on a folder gives its role on every board
//! inside it (and inside its sub-folders).

use super::access::{self, double_option, require_admin, PersonRef};
use super::workspaces::MemberOut;
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
use critboard_domain::{BoardRole, FieldErrors};
use critboard_store::entities::folder;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_folders, create_folder))
        .routes(routes!(update_folder, delete_folder))
        .routes(routes!(list_grants, put_grant))
        .routes(routes!(delete_grant))
}

#[derive(Serialize, ToSchema)]
pub struct FolderOut {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<folder::Model> for FolderOut {
    fn from(f: folder::Model) -> Self {
        FolderOut {
            id: f.id,
            workspace_id: f.workspace_id,
            parent_id: f.parent_id,
            name: f.name,
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct FolderIn {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
    /// A top-level folder of the same workspace; one level of nesting.
    pub parent_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
pub struct FolderPatch {
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: Option<String>,
    /// Move under another top-level folder, or null for the top level.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
}

/// Checks that `parent` can hold a sub-folder of `workspace_id`.
async fn check_parent(
    state: &AppState,
    me: Uuid,
    workspace_id: Uuid,
    parent: Uuid,
    errors: &mut FieldErrors,
) -> Result<()> {
    match state.store.folder_for(me, parent).await? {
        Some(p) if p.workspace_id == workspace_id && p.parent_id.is_none() => {}
        Some(p) if p.workspace_id == workspace_id => errors.add(
            "parent_id",
            "folders nest one level deep: pick a top-level folder",
        ),
        _ => errors.add("parent_id", "no such folder in this workspace"),
    }
    Ok(())
}

/// Folders of a workspace (none for clients).
#[utoipa::path(get, path = "/api/v1/workspaces/{id}/folders", tag = "folders",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<FolderOut>), (status = 404, body = Problem)))]
async fn list_folders(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<FolderOut>>> {
    let ws = access::workspace(&state, me.id(), id).await?;
    // Clients see no folder names, only the boards shared with them.
    if !ws.role().is_team() {
        return Ok(Json(Page::all(Vec::new())));
    }
    let folders = state.store.folders_in(id).await?;
    Ok(Json(Page::all(
        folders.into_iter().map(Into::into).collect(),
    )))
}

/// Create a folder (workspace owners and admins).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/folders", tag = "folders",
    params(("id" = Uuid, Path)), request_body = FolderIn,
    responses((status = 201, body = FolderOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_folder(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<FolderIn>,
) -> Result<Response> {
    let ws = access::workspace(&state, me.id(), id).await?;
    require_admin(ws.role())?;
    let mut errors = FieldErrors::new();
    errors.check_name("name", &body.name, NAME_MAX);
    if let Some(parent) = body.parent_id {
        check_parent(&state, me.id(), id, parent, &mut errors).await?;
    }
    errors.into_result()?;
    let folder = state
        .store
        .create_folder(id, body.parent_id, &body.name)
        .await?;
    Ok(created(FolderOut::from(folder)))
}

/// Rename or move a folder (workspace owners and admins).
#[utoipa::path(patch, path = "/api/v1/folders/{id}", tag = "folders",
    params(("id" = Uuid, Path)), request_body = FolderPatch,
    responses((status = 200, body = FolderOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_folder(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<FolderPatch>,
) -> Result<Json<FolderOut>> {
    let (folder, role) = access::folder(&state, me.id(), id).await?;
    require_admin(role)?;
    let mut errors = FieldErrors::new();
    if let Some(name) = &body.name {
        errors.check_name("name", name, NAME_MAX);
    }
    if let Some(Some(parent)) = body.parent_id {
        if parent == id {
            errors.add("parent_id", "a folder cannot contain itself");
        } else if state.store.folder_has_children(id).await? {
            errors.add(
                "parent_id",
                "this folder has sub-folders, so it must stay at the top level",
            );
        } else {
            check_parent(&state, me.id(), folder.workspace_id, parent, &mut errors).await?;
        }
    }
    errors.into_result()?;
    let updated = state
        .store
        .update_folder(id, body.name.as_deref(), body.parent_id)
        .await?;
    Ok(Json(updated.into()))
}

/// Delete a folder and its sub-folders; their boards move to the
/// workspace's top level and keep their direct members.
#[utoipa::path(delete, path = "/api/v1/folders/{id}", tag = "folders",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_folder(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let (_, role) = access::folder(&state, me.id(), id).await?;
    require_admin(role)?;
    state.store.delete_folder(id).await?;
    Ok(no_content())
}

/// People granted a role on every board of this folder.
#[utoipa::path(get, path = "/api/v1/folders/{id}/grants", tag = "folders",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<MemberOut<BoardRole>>), (status = 404, body = Problem)))]
async fn list_grants(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<MemberOut<BoardRole>>>> {
    access::folder(&state, me.id(), id).await?;
    let rows = state.store.folder_grants(id).await?;
    Ok(Json(Page::all(
        rows.into_iter().map(MemberOut::from).collect(),
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct GrantIn {
    #[serde(flatten)]
    pub person: PersonRef,
    pub role: BoardRole,
}

/// Grant a workspace member a role on every board in the folder, or change
/// their grant (workspace owners and admins).
#[utoipa::path(post, path = "/api/v1/folders/{id}/grants", tag = "folders",
    params(("id" = Uuid, Path)), request_body = GrantIn,
    responses((status = 201, body = MemberOut<BoardRole>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn put_grant(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<GrantIn>,
) -> Result<Response> {
    let (folder, role) = access::folder(&state, me.id(), id).await?;
    require_admin(role)?;
    let user = body.person.resolve(&state).await?;
    if state
        .store
        .workspace_member_role(folder.workspace_id, user)
        .await?
        .is_none()
    {
        return Err(ApiError::invalid(
            "user_id",
            "add them to the workspace first",
        ));
    }
    state.store.put_folder_grant(id, user, body.role).await?;
    let grant = state
        .store
        .folder_grants(id)
        .await?
        .into_iter()
        .find(|m| m.user_id == user)
        .map(MemberOut::from)
        .ok_or(ApiError::NotFound)?;
    Ok(created(grant))
}

/// Withdraw a folder grant.
#[utoipa::path(delete, path = "/api/v1/folders/{id}/grants/{user_id}", tag = "folders",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_grant(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath((id, user_id)): ApiPath<(Uuid, Uuid)>,
) -> Result<StatusCode> {
    let (_, role) = access::folder(&state, me.id(), id).await?;
    require_admin(role)?;
    state.store.delete_folder_grant(id, user_id).await?;
    Ok(no_content())
}
