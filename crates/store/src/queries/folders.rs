//! Folders and the grants that apply to every board inside them.

use super::workspaces::MemberRow;
use crate::entities::{folder, folder_grant};
use crate::{new_id, Result, Store, StoreError};
use critboard_domain::{BoardRole, WorkspaceRole};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

/// A folder with what the caller holds on it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FolderRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub workspace_role: Option<WorkspaceRole>,
    pub folder_role: Option<BoardRole>,
    pub parent_folder_role: Option<BoardRole>,
}

impl FolderRow {
    pub fn workspace_role(&self) -> Option<WorkspaceRole> {
        self.workspace_role
    }

    /// The role the caller gets on boards in this folder through grants.
    pub fn grant(&self) -> Option<BoardRole> {
        self.folder_role.max(self.parent_folder_role)
    }
}

impl Store {
    pub async fn create_folder(
        &self,
        workspace_id: Uuid,
        parent_id: Option<Uuid>,
        name: &str,
    ) -> Result<folder::Model> {
        let at = self.now();
        Ok(folder::ActiveModel {
            id: Set(new_id()),
            workspace_id: Set(workspace_id),
            parent_id: Set(parent_id),
            name: Set(name.trim().to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(self.conn())
        .await?)
    }

    pub async fn folders_in(&self, workspace_id: Uuid) -> Result<Vec<folder::Model>> {
        Ok(folder::Entity::find()
            .filter(folder::Column::WorkspaceId.eq(workspace_id))
            .order_by_asc(folder::Column::Name)
            .order_by_asc(folder::Column::Id)
            .all(self.conn())
            .await?)
    }

    /// One folder with the caller's workspace role and grants, in one query.
    /// Callers treat a missing workspace role as "does not exist".
    pub async fn folder_for(&self, user_id: Uuid, id: Uuid) -> Result<Option<FolderRow>> {
        let sql = "SELECT f.id, f.workspace_id, f.parent_id, f.name, f.created_at, f.updated_at, \
                   wm.role AS workspace_role, fg.role AS folder_role, pg.role AS parent_folder_role \
                   FROM folders f \
                   LEFT JOIN workspace_members wm ON wm.workspace_id = f.workspace_id AND wm.user_id = ? \
                   LEFT JOIN folder_grants fg ON fg.folder_id = f.id AND fg.user_id = ? \
                   LEFT JOIN folder_grants pg ON pg.folder_id = f.parent_id AND pg.user_id = ? \
                   WHERE f.id = ?";
        let binds = vec![user_id.into(), user_id.into(), user_id.into(), id.into()];
        Ok(FolderRow::find_by_statement(self.stmt(sql, binds))
            .one(self.conn())
            .await?)
    }

    pub async fn folder_has_children(&self, id: Uuid) -> Result<bool> {
        Ok(folder::Entity::find()
            .filter(folder::Column::ParentId.eq(id))
            .one(self.conn())
            .await?
            .is_some())
    }

    pub async fn update_folder(
        &self,
        id: Uuid,
        name: Option<&str>,
        parent_id: Option<Option<Uuid>>,
    ) -> Result<folder::Model> {
        let f = folder::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut f = f.into_active_model();
        if let Some(name) = name {
            f.name = Set(name.trim().to_owned());
        }
        if let Some(parent) = parent_id {
            f.parent_id = Set(parent);
        }
        f.updated_at = Set(self.now());
        Ok(f.update(self.conn()).await?)
    }

    /// Deletes a folder and its sub-folders; their boards move to the
    /// workspace root (the foreign key sets `folder_id` to NULL).
    pub async fn delete_folder(&self, id: Uuid) -> Result<()> {
        folder::Entity::delete_by_id(id).exec(self.conn()).await?;
        Ok(())
    }

    pub async fn folder_grants(&self, folder_id: Uuid) -> Result<Vec<MemberRow<BoardRole>>> {
        let sql = "SELECT u.id AS user_id, u.email, u.display_name, g.role, g.created_at \
                   FROM folder_grants g JOIN users u ON u.id = g.user_id \
                   WHERE g.folder_id = ? ORDER BY u.display_name, u.id";
        Ok(
            MemberRow::find_by_statement(self.stmt(sql, vec![folder_id.into()]))
                .all(self.conn())
                .await?,
        )
    }

    /// Grants a role on a folder, replacing any earlier grant to that user.
    pub async fn put_folder_grant(
        &self,
        folder_id: Uuid,
        user_id: Uuid,
        role: BoardRole,
    ) -> Result<()> {
        folder_grant::Entity::insert(folder_grant::ActiveModel {
            folder_id: Set(folder_id),
            user_id: Set(user_id),
            role: Set(role),
            created_at: Set(self.now()),
        })
        .on_conflict(
            OnConflict::columns([folder_grant::Column::FolderId, folder_grant::Column::UserId])
                .update_column(folder_grant::Column::Role)
                .to_owned(),
        )
        .exec_without_returning(self.conn())
        .await?;
        Ok(())
    }

    pub async fn delete_folder_grant(&self, folder_id: Uuid, user_id: Uuid) -> Result<()> {
        let res = folder_grant::Entity::delete_by_id((folder_id, user_id))
            .exec(self.conn())
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
