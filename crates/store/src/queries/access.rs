//! The one place where the database tells who may see what. Every route that
//! touches a board asks through these joins; the rule that combines the
//! grants lives in `critboard_domain::roles::effective_board_role`.

use critboard_domain::roles::effective_board_role;
use critboard_domain::{BoardRole, WorkspaceRole};
use sea_orm::{FromQueryResult, Value};
use uuid::Uuid;

/// Joins that bring, for every board `b`, the caller's grants: direct, on
/// its folder, on that folder's parent, and the caller's workspace role.
/// Bind the caller's user id four times (see [`role_binds`]). Membership
/// tables have (parent, user) primary keys, so each join adds at most one
/// row and the whole list is decided in one query.
pub(crate) const BOARD_ROLE_JOINS: &str = "
    LEFT JOIN board_members bm ON bm.board_id = b.id AND bm.user_id = ?
    LEFT JOIN folders f ON f.id = b.folder_id
    LEFT JOIN folder_grants fg ON fg.folder_id = b.folder_id AND fg.user_id = ?
    LEFT JOIN folder_grants pg ON pg.folder_id = f.parent_id AND pg.user_id = ?
    LEFT JOIN workspace_members wm ON wm.workspace_id = b.workspace_id AND wm.user_id = ?";

pub(crate) const BOARD_ROLE_COLUMNS: &str = "bm.role AS board_role, fg.role AS folder_role, \
     pg.role AS parent_folder_role, wm.role AS workspace_role";

/// Filters to boards the caller may know exist. Kept in step with
/// `effective_board_role`: any grant, or workspace owner/admin (role >= 2).
pub(crate) const BOARD_VISIBLE: &str = "(bm.role IS NOT NULL OR fg.role IS NOT NULL \
     OR pg.role IS NOT NULL OR wm.role >= 2)";

pub(crate) fn role_binds(user_id: Uuid) -> Vec<Value> {
    vec![
        user_id.into(),
        user_id.into(),
        user_id.into(),
        user_id.into(),
    ]
}

/// The raw grants a query found for one board.
#[derive(Debug, Clone, Copy, Default, FromQueryResult)]
pub struct Grants {
    pub board_role: Option<BoardRole>,
    pub folder_role: Option<BoardRole>,
    pub parent_folder_role: Option<BoardRole>,
    pub workspace_role: Option<WorkspaceRole>,
}

impl Grants {
    pub fn effective(&self) -> Option<BoardRole> {
        let folder = self.folder_role.max(self.parent_folder_role);
        effective_board_role(self.board_role, folder, self.workspace_role)
    }

    pub fn workspace(&self) -> Option<WorkspaceRole> {
        self.workspace_role
    }
}
