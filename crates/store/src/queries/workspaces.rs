//! Workspaces and their members.

use crate::entities::{workspace, workspace_member};
use crate::{new_id, Result, Store, StoreError};
use critboard_domain::WorkspaceRole;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel,
    QueryFilter, Set,
};
use uuid::Uuid;

#[derive(Debug, Clone, FromQueryResult)]
pub struct WorkspaceRow {
    pub id: Uuid,
    pub name: String,
    pub storage_quota_bytes: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub role: WorkspaceRole,
}

impl WorkspaceRow {
    pub fn role(&self) -> WorkspaceRole {
        self.role
    }
}

/// A member of a workspace (`R` = `WorkspaceRole`), a board or a folder
/// (`BoardRole`).
#[derive(Debug, Clone, FromQueryResult)]
pub struct MemberRow<R: sea_orm::TryGetable> {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: R,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

const WORKSPACE_COLUMNS: &str =
    "w.id, w.name, w.storage_quota_bytes, w.created_at, w.updated_at, wm.role";

impl Store {
    /// Creates a workspace with its creator as owner, atomically.
    pub async fn create_workspace(&self, owner: Uuid, name: &str) -> Result<WorkspaceRow> {
        let at = self.now();
        let tx = self.begin_write().await?;
        let ws = workspace::ActiveModel {
            id: Set(new_id()),
            name: Set(name.trim().to_owned()),
            storage_quota_bytes: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&*tx)
        .await?;
        workspace_member::ActiveModel {
            workspace_id: Set(ws.id),
            user_id: Set(owner),
            role: Set(WorkspaceRole::Owner),
            created_at: Set(at),
        }
        .insert(&*tx)
        .await?;
        tx.commit().await?;
        Ok(WorkspaceRow {
            id: ws.id,
            name: ws.name,
            storage_quota_bytes: ws.storage_quota_bytes,
            created_at: ws.created_at,
            updated_at: ws.updated_at,
            role: WorkspaceRole::Owner,
        })
    }

    /// The workspaces the user belongs to, with their role, by name.
    pub async fn workspaces_of(&self, user_id: Uuid) -> Result<Vec<WorkspaceRow>> {
        let sql = format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces w \
             JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = ? \
             ORDER BY w.name, w.id"
        );
        Ok(
            WorkspaceRow::find_by_statement(self.stmt(&sql, vec![user_id.into()]))
                .all(self.conn())
                .await?,
        )
    }

    /// One workspace as seen by `user_id`; `None` for non-members.
    pub async fn workspace_name(&self, id: Uuid) -> Result<Option<String>> {
        Ok(workspace::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(|w| w.name))
    }

    pub async fn workspace_for(&self, user_id: Uuid, id: Uuid) -> Result<Option<WorkspaceRow>> {
        let sql = format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces w \
             JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = ? \
             WHERE w.id = ?"
        );
        Ok(
            WorkspaceRow::find_by_statement(self.stmt(&sql, vec![user_id.into(), id.into()]))
                .one(self.conn())
                .await?,
        )
    }

    pub async fn update_workspace(
        &self,
        id: Uuid,
        name: Option<&str>,
        storage_quota_bytes: Option<Option<i64>>,
    ) -> Result<()> {
        let ws = workspace::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut ws = ws.into_active_model();
        if let Some(name) = name {
            ws.name = Set(name.trim().to_owned());
        }
        if let Some(quota) = storage_quota_bytes {
            ws.storage_quota_bytes = Set(quota);
        }
        ws.updated_at = Set(self.now());
        ws.update(self.conn()).await?;
        Ok(())
    }

    /// Deletes a workspace; foreign keys cascade to folders, boards, grants.
    /// Deletes a workspace with its folders and boards; their stored files
    /// go to `delete_files` jobs queued in the same transaction.
    pub async fn delete_workspace(
        &self,
        id: Uuid,
        delete_files: impl Fn(Vec<String>) -> crate::entities::job::ActiveModel,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let keys = self.stored_keys(&tx, "b.workspace_id = ?", id).await?;
        workspace::Entity::delete_by_id(id).exec(&*tx).await?;
        super::boards::queue_deletions(&tx, keys, delete_files).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn workspace_members(
        &self,
        workspace_id: Uuid,
    ) -> Result<Vec<MemberRow<WorkspaceRole>>> {
        let sql = "SELECT u.id AS user_id, u.email, u.display_name, wm.role, wm.created_at \
                   FROM workspace_members wm JOIN users u ON u.id = wm.user_id \
                   WHERE wm.workspace_id = ? ORDER BY u.display_name, u.id";
        Ok(
            MemberRow::find_by_statement(self.stmt(sql, vec![workspace_id.into()]))
                .all(self.conn())
                .await?,
        )
    }

    pub async fn workspace_member_role(
        &self,
        workspace_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<WorkspaceRole>> {
        Ok(
            workspace_member::Entity::find_by_id((workspace_id, user_id))
                .one(self.conn())
                .await?
                .map(|m| m.role),
        )
    }

    /// Adds a member; `AlreadyMember` when they already are one.
    pub async fn add_workspace_member(
        &self,
        workspace_id: Uuid,
        user_id: Uuid,
        role: WorkspaceRole,
    ) -> Result<()> {
        workspace_member::ActiveModel {
            workspace_id: Set(workspace_id),
            user_id: Set(user_id),
            role: Set(role),
            created_at: Set(self.now()),
        }
        .insert(self.conn())
        .await
        .map_err(|e| match StoreError::from(e) {
            // The membership's primary key is its only unique index.
            StoreError::Unique(_) => StoreError::AlreadyMember,
            other => other,
        })?;
        Ok(())
    }

    /// Changes a member's role, refusing to leave the workspace without an
    /// owner. The owner count is read inside the same transaction.
    pub async fn set_workspace_member_role(
        &self,
        workspace_id: Uuid,
        user_id: Uuid,
        role: WorkspaceRole,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "workspaces", workspace_id).await?;
        let member = workspace_member::Entity::find_by_id((workspace_id, user_id))
            .one(&*tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if member.role == WorkspaceRole::Owner && role != WorkspaceRole::Owner {
            ensure_other_owner(&tx, workspace_id, user_id).await?;
        }
        let mut member = member.into_active_model();
        member.role = Set(role);
        member.update(&*tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member and every grant they held inside the workspace.
    pub async fn remove_workspace_member(&self, workspace_id: Uuid, user_id: Uuid) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "workspaces", workspace_id).await?;
        let member = workspace_member::Entity::find_by_id((workspace_id, user_id))
            .one(&*tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if member.role == WorkspaceRole::Owner {
            ensure_other_owner(&tx, workspace_id, user_id).await?;
        }
        let ws = sea_orm::Value::from(workspace_id);
        let user = sea_orm::Value::from(user_id);
        tx.execute(self.stmt(
            "DELETE FROM board_members WHERE user_id = ? AND board_id IN \
             (SELECT id FROM boards WHERE workspace_id = ?)",
            vec![user.clone(), ws.clone()],
        ))
        .await?;
        tx.execute(self.stmt(
            "DELETE FROM folder_grants WHERE user_id = ? AND folder_id IN \
             (SELECT id FROM folders WHERE workspace_id = ?)",
            vec![user, ws],
        ))
        .await?;
        workspace_member::Entity::delete_by_id((workspace_id, user_id))
            .exec(&*tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn ensure_other_owner(
    tx: &sea_orm::DatabaseTransaction,
    workspace_id: Uuid,
    leaving: Uuid,
) -> Result<()> {
    use sea_orm::PaginatorTrait;
    let others = workspace_member::Entity::find()
        .filter(workspace_member::Column::WorkspaceId.eq(workspace_id))
        .filter(workspace_member::Column::Role.eq(WorkspaceRole::Owner))
        .filter(workspace_member::Column::UserId.ne(leaving))
        .count(tx)
        .await?;
    if others == 0 {
        return Err(StoreError::LastOwner);
    }
    Ok(())
}
