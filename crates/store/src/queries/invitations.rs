//! Invitations by e-mail to a workspace, or to a board (which brings its
//! workspace along). Accepting spends the token and creates the
//! memberships in one transaction.

use super::events::Actor;
use crate::entities::email_token;
use crate::{Result, Store, StoreError};
use critboard_domain::events::MemberNews;
use critboard_domain::{BoardEvent, BoardRole, WorkspaceRole};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const INVITE: &str = "invite";

/// What an invitation grants (the token's payload).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub workspace_id: Uuid,
    #[serde(with = "critboard_domain::stored::number")]
    pub workspace_role: WorkspaceRole,
    pub board_id: Option<Uuid>,
    #[serde(with = "critboard_domain::stored::option_number")]
    pub board_role: Option<BoardRole>,
}

#[derive(FromQueryResult)]
struct Role<R: sea_orm::TryGetable> {
    role: R,
}

impl Store {
    /// Pending invitations of a workspace (and its boards), newest first.
    pub async fn invitations(&self, workspace_id: Uuid) -> Result<Vec<email_token::Model>> {
        Ok(email_token::Entity::find()
            .filter(email_token::Column::WorkspaceId.eq(workspace_id))
            .filter(email_token::Column::Kind.eq(INVITE))
            .filter(email_token::Column::UsedAt.is_null())
            .filter(email_token::Column::ExpiresAt.gt(self.now()))
            .order_by_desc(email_token::Column::CreatedAt)
            .all(self.conn())
            .await?)
    }

    pub async fn invitation(&self, id: Uuid) -> Result<Option<email_token::Model>> {
        Ok(email_token::Entity::find_by_id(id)
            .filter(email_token::Column::Kind.eq(INVITE))
            .one(self.conn())
            .await?)
    }

    /// Withdraws an invitation: its link stops working.
    pub async fn revoke_invitation(&self, id: Uuid) -> Result<()> {
        self.execute(
            "UPDATE email_tokens SET expires_at = ? WHERE id = ? AND used_at IS NULL",
            vec![self.now().into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// Spends an invitation for `actor`'s account and gives them what it
    /// grants, never lowering a role they already have. `NotFound` when the
    /// token was spent, withdrawn or expired meanwhile, or its workspace or
    /// board is gone.
    pub async fn accept_invitation(
        &self,
        token: &email_token::Model,
        grant: &Grant,
        actor: &Actor,
        verify_email: bool,
    ) -> Result<()> {
        let user = actor.user_id().ok_or(StoreError::NotFound)?;
        let tx = self.begin_write().await?;
        let at = self.now();
        let spent = tx
            .execute(self.stmt(
                "UPDATE email_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?",
                vec![at.into(), token.id.into(), at.into()],
            ))
            .await?
            .rows_affected();
        if spent != 1 {
            return Err(StoreError::NotFound);
        }
        let has = Role::<WorkspaceRole>::find_by_statement(self.stmt(
            "SELECT role FROM workspace_members WHERE workspace_id = ? AND user_id = ?",
            vec![grant.workspace_id.into(), user.into()],
        ))
        .one(&*tx)
        .await?;
        match has {
            None => {
                tx.execute(self.stmt(
                    "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                    vec![grant.workspace_id.into(), user.into(), grant.workspace_role.into(), at.into()],
                ))
                .await
                .map_err(|_| StoreError::NotFound)?;
            }
            Some(r) if r.role < grant.workspace_role => {
                tx.execute(self.stmt(
                    "UPDATE workspace_members SET role = ? WHERE workspace_id = ? AND user_id = ?",
                    vec![
                        grant.workspace_role.into(),
                        grant.workspace_id.into(),
                        user.into(),
                    ],
                ))
                .await?;
            }
            Some(_) => {}
        }
        if let (Some(board), Some(role)) = (grant.board_id, grant.board_role) {
            let has = Role::<BoardRole>::find_by_statement(self.stmt(
                "SELECT role FROM board_members WHERE board_id = ? AND user_id = ?",
                vec![board.into(), user.into()],
            ))
            .one(&*tx)
            .await?;
            let changed = match has {
                None => {
                    tx.execute(self.stmt(
                        "INSERT INTO board_members (board_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                        vec![board.into(), user.into(), role.into(), at.into()],
                    ))
                    .await
                    .map_err(|_| StoreError::NotFound)?;
                    true
                }
                Some(r) if r.role < role => {
                    tx.execute(self.stmt(
                        "UPDATE board_members SET role = ? WHERE board_id = ? AND user_id = ?",
                        vec![role.into(), board.into(), user.into()],
                    ))
                    .await?;
                    true
                }
                Some(_) => false,
            };
            if changed {
                let news = MemberNews {
                    user_id: user,
                    name: actor.name().to_owned(),
                    role,
                    invitation: true,
                };
                self.record(&tx, board, actor, &BoardEvent::MemberAdded(news))
                    .await?;
            }
        }
        if verify_email {
            tx.execute(self.stmt(
                "UPDATE users SET email_verified = ? WHERE id = ?",
                vec![true.into(), user.into()],
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
