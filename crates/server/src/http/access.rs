//! The HTTP side of permissions: fetch the caller's role with the one query
//! the store has for it, then apply the domain's rule. Outsiders get 404;
//! insiders lacking the role get 403.

use crate::auth::Caller;
use crate::error::{ApiError, Result};
use crate::state::AppState;
use critboard_domain::{BoardAction, BoardRole, WorkspaceRole};
use critboard_store::queries::boards::BoardRow;
use critboard_store::queries::folders::FolderRow;
use critboard_store::queries::workspaces::WorkspaceRow;
use serde::{Deserialize, Deserializer};
use uuid::Uuid;

/// The workspace if the caller is a member of it.
pub async fn workspace(state: &AppState, user: Uuid, id: Uuid) -> Result<WorkspaceRow> {
    state
        .store
        .workspace_for(user, id)
        .await?
        .ok_or(ApiError::NotFound)
}

pub fn require_admin(role: WorkspaceRole) -> Result<()> {
    if role.administers() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only workspace owners and admins may do this",
        ))
    }
}

/// Clients (outside collaborators) see only the boards shared with them.
pub fn require_team(role: WorkspaceRole) -> Result<()> {
    if role.is_team() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "clients see only the boards shared with them; ask an admin to make you a member",
        ))
    }
}

/// The folder if the caller belongs to its workspace (clients: if it was
/// shared with them).
pub async fn folder(state: &AppState, user: Uuid, id: Uuid) -> Result<(FolderRow, WorkspaceRole)> {
    let row = state
        .store
        .folder_for(user, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = row.workspace_role().ok_or(ApiError::NotFound)?;
    // A client knows only folders shared with them, not the team's others.
    if !role.is_team() && row.grant().is_none() {
        return Err(ApiError::NotFound);
    }
    Ok((row, role))
}

/// The caller's role on an already fetched board, if it allows `action`.
pub fn allowed(row: &BoardRow, action: BoardAction) -> Result<BoardRole> {
    permit(row.role(), action)
}

/// Like [`allowed`], counting the share links a guest (or a signed-in user
/// who opened one) holds for the board.
pub fn allowed_to(caller: &Caller, row: &BoardRow, action: BoardAction) -> Result<BoardRole> {
    let role = caller.role_on(row);
    if role.is_none() {
        if let Some(end) = caller.ended_on(row.id) {
            return Err(ApiError::PassEnded(end));
        }
        if caller.is_anonymous() {
            return Err(ApiError::Unauthorized);
        }
    }
    permit(role, action)
}

/// The board and the caller's role on it (share links included), if the
/// role allows `action`.
pub async fn board_as(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: BoardAction,
) -> Result<(BoardRow, BoardRole)> {
    let row = state
        .store
        .board_for(caller.user_id(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = allowed_to(caller, &row, action)?;
    Ok((row, role))
}

fn permit(role: Option<BoardRole>, action: BoardAction) -> Result<BoardRole> {
    let role = role.ok_or(ApiError::NotFound)?;
    if !role.allows(action) {
        return Err(ApiError::Forbidden(match action {
            BoardAction::View => "you may not see this board",
            BoardAction::Comment => "commenters, editors and owners may do this",
            BoardAction::Edit => "only editors and owners of the board may do this",
            BoardAction::Manage => "only owners of the board may do this",
        }));
    }
    Ok(role)
}

/// The board and the caller's role on it, if the role allows `action`.
pub async fn board(
    state: &AppState,
    user: Uuid,
    id: Uuid,
    action: BoardAction,
) -> Result<(BoardRow, BoardRole)> {
    let row = state
        .store
        .board_for(user, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = allowed(&row, action)?;
    Ok((row, role))
}

/// Whether the caller may put boards into `folder` (create or move there):
/// workspace admins, or editors through a grant on the folder.
pub fn may_add_boards_to(folder: &FolderRow, role: WorkspaceRole) -> bool {
    role.administers() || folder.grant().is_some_and(|g| g.allows(BoardAction::Edit))
}

/// Turns the store's "last owner" refusal into a 409 that says what to do.
pub fn keep_an_owner(result: critboard_store::Result<()>, message: &str) -> Result<()> {
    match result {
        Err(critboard_store::StoreError::LastOwner) => Err(ApiError::Conflict(message.into())),
        other => Ok(other?),
    }
}

/// Distinguishes "field absent" (`None`) from "field set to null"
/// (`Some(None)`) in PATCH bodies.
pub fn double_option<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A person named in a request either by id or by e-mail.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub user_id: Option<Uuid>,
    pub email: Option<String>,
}

impl PersonRef {
    /// Resolves to an existing user's id; unknown people are a 422.
    pub async fn resolve(&self, state: &AppState) -> Result<Uuid> {
        let user = match (&self.user_id, &self.email) {
            (Some(id), None) => state.store.user_by_id(*id).await?,
            (None, Some(email)) => {
                critboard_domain::validation::check_email(email)
                    .map_err(|m| ApiError::invalid("email", m))?;
                state.store.user_by_email(email).await?
            }
            _ => return Err(ApiError::invalid("user_id", "give either user_id or email")),
        };
        let field = if self.user_id.is_some() {
            "user_id"
        } else {
            "email"
        };
        user.map(|u| u.id)
            .ok_or_else(|| ApiError::invalid(field, "no Critboard account matches"))
    }
}
