//! Clients: people from outside the team who see only the boards shared
//! with them (workspace role 0). Members who came in through a board
//! invitation and nothing else become clients: an accepted board invitation
//! to their address, no accepted workspace invitation, no folder grant and
//! no board of their own. Anyone else keeps their role (an admin can make a
//! client a member again from the people page).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The invitations accepted by a member's address into its workspace;
/// `{board}` says whether they named a board.
const ACCEPTED: &str =
    "SELECT 1 FROM email_tokens t JOIN users u ON LOWER(u.email) = LOWER(t.email) \
     WHERE u.id = workspace_members.user_id AND t.workspace_id = workspace_members.workspace_id \
     AND t.kind = 'invite' AND t.used_at IS NOT NULL AND t.payload {board} '%\"board_id\":null%'";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let sql = format!(
            "UPDATE workspace_members SET role = 0 WHERE role = 1 \
             AND EXISTS ({}) AND NOT EXISTS ({}) \
             AND NOT EXISTS (SELECT 1 FROM folder_grants fg JOIN folders f ON f.id = fg.folder_id \
                 WHERE fg.user_id = workspace_members.user_id AND f.workspace_id = workspace_members.workspace_id) \
             AND NOT EXISTS (SELECT 1 FROM board_members bm JOIN boards b ON b.id = bm.board_id \
                 WHERE bm.user_id = workspace_members.user_id AND b.workspace_id = workspace_members.workspace_id \
                 AND bm.role = 4)",
            ACCEPTED.replace("{board}", "NOT LIKE"),
            ACCEPTED.replace("{board}", "LIKE"),
        );
        m.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("UPDATE workspace_members SET role = 1 WHERE role = 0")
            .await?;
        Ok(())
    }
}
