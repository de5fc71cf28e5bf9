//! What live streams read: new events, events missed while disconnected,
//! and who is viewing a board.

use crate::{Result, Store};
use sea_orm::{FromQueryResult, Value};
use std::time::Duration;
use uuid::Uuid;

/// Someone with a board open.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Viewer {
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    pub display_name: String,
}

impl Store {
    pub async fn join_board(
        &self,
        id: Uuid,
        board_id: Uuid,
        node_id: Uuid,
        viewer: &Viewer,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO board_viewers (id, board_id, user_id, guest_id, display_name, node_id, seen_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                id.into(),
                board_id.into(),
                Value::from(viewer.user_id),
                Value::from(viewer.guest_id),
                viewer.display_name.chars().take(80).collect::<String>().into(),
                node_id.into(),
                self.now().into(),
            ],
        )
        .await?;
        Ok(())
    }

    pub async fn leave_board(&self, id: Uuid) -> Result<()> {
        self.execute("DELETE FROM board_viewers WHERE id = ?", vec![id.into()])
            .await?;
        Ok(())
    }

    /// Marks every stream of a node as still there.
    pub async fn touch_viewers(&self, node_id: Uuid) -> Result<()> {
        self.execute(
            "UPDATE board_viewers SET seen_at = ? WHERE node_id = ?",
            vec![self.now().into(), node_id.into()],
        )
        .await?;
        Ok(())
    }

    /// Who has these boards open (seen within `ttl`), in one query.
    pub async fn viewers(&self, boards: &[Uuid], ttl: Duration) -> Result<Vec<(Uuid, Viewer)>> {
        #[derive(FromQueryResult)]
        struct Row {
            board_id: Uuid,
            user_id: Option<Uuid>,
            guest_id: Option<Uuid>,
            display_name: String,
        }
        if boards.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; boards.len()].join(", ");
        let sql = format!(
            "SELECT board_id, user_id, guest_id, display_name FROM board_viewers \
             WHERE board_id IN ({marks}) AND seen_at > ? ORDER BY display_name, id"
        );
        let mut values: Vec<Value> = boards.iter().map(|b| (*b).into()).collect();
        let since = self.now() - chrono::Duration::from_std(ttl).unwrap_or_default();
        values.push(since.into());
        let rows = Row::find_by_statement(self.stmt(&sql, values))
            .all(self.conn())
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r.board_id,
                    Viewer {
                        user_id: r.user_id,
                        guest_id: r.guest_id,
                        display_name: r.display_name,
                    },
                )
            })
            .collect())
    }

    /// Forgets viewer rows no node has refreshed for a long time.
    pub async fn delete_stale_viewers(&self, older_than: Duration) -> Result<u64> {
        let before = self.now() - chrono::Duration::from_std(older_than).unwrap_or_default();
        self.execute(
            "DELETE FROM board_viewers WHERE seen_at < ?",
            vec![before.into()],
        )
        .await
    }
}
