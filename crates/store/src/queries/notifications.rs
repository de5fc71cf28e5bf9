//! The inbox: notifications (written with their events, see
//! `events::record`), read marks, board mutes and e-mail settings.

use super::access::{role_binds, BOARD_ROLE_JOINS, BOARD_VISIBLE};
use super::events::{EventRow, StoredEvent};
use crate::entities::user;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use critboard_domain::EmailFrequency;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set, Value,
};
use uuid::Uuid;

/// A notification with its event and board, as the inbox lists it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct NotificationRow {
    pub event_id: Uuid,
    pub board_id: Uuid,
    pub board_name: String,
    pub mention: i16,
    pub read_at: Option<DateTime<Utc>>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub kind: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

impl NotificationRow {
    /// Its event; `None` (logged) when the stored event cannot be read.
    pub fn event(&self) -> Option<StoredEvent> {
        StoredEvent::from_row(EventRow {
            id: self.event_id,
            board_id: self.board_id,
            actor_id: self.actor_id,
            actor_name: &self.actor_name,
            created_at: self.created_at,
            kind: &self.kind,
            payload: &self.payload,
        })
    }
}

/// Which notifications to mark read.
pub enum ReadScope {
    All,
    Board(Uuid),
    Events(Vec<Uuid>),
}

/// Only notifications of boards the person may still see count.
const INBOX_FROM: &str = "FROM notifications n JOIN events e ON e.id = n.event_id \
     JOIN boards b ON b.id = n.board_id";

#[derive(Debug, Clone, FromQueryResult)]
pub struct MutedBoard {
    pub board_id: Uuid,
    pub name: String,
}

impl Store {
    /// A page of someone's notifications, newest first, in one query.
    pub async fn notifications(
        &self,
        user_id: Uuid,
        unread_only: bool,
        before: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<NotificationRow>> {
        let mut sql = format!(
            "SELECT n.event_id, n.board_id, b.name AS board_name, n.mention, n.read_at, \
             e.actor_id, e.actor_name, e.kind, e.payload, e.created_at \
             {INBOX_FROM} {BOARD_ROLE_JOINS} WHERE n.user_id = ? AND {BOARD_VISIBLE}"
        );
        let mut values = role_binds(user_id);
        values.push(user_id.into());
        if unread_only {
            sql.push_str(" AND n.read_at IS NULL");
        }
        if let Some(before) = before {
            sql.push_str(" AND n.event_id < ?");
            values.push(before.into());
        }
        sql.push_str(" ORDER BY n.event_id DESC LIMIT ?");
        values.push((limit as i64).into());
        Ok(NotificationRow::find_by_statement(self.stmt(&sql, values))
            .all(self.conn())
            .await?)
    }

    /// How many unread notifications someone has, on boards they still see.
    pub async fn unread_count(&self, user_id: Uuid) -> Result<i64> {
        #[derive(FromQueryResult)]
        struct Count {
            n: i64,
        }
        let sql = format!(
            "SELECT COUNT(*) AS n {INBOX_FROM} {BOARD_ROLE_JOINS} \
             WHERE n.user_id = ? AND n.read_at IS NULL AND {BOARD_VISIBLE}"
        );
        let mut values = role_binds(user_id);
        values.push(user_id.into());
        Ok(Count::find_by_statement(self.stmt(&sql, values))
            .one(self.conn())
            .await?
            .map_or(0, |c| c.n))
    }

    /// Who among `users` got a notification for one of these events (one
    /// query; for live inbox badges).
    pub async fn notified_among(&self, events: &[Uuid], users: &[Uuid]) -> Result<Vec<Uuid>> {
        #[derive(FromQueryResult)]
        struct Who {
            user_id: Uuid,
        }
        if events.is_empty() || users.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT DISTINCT user_id FROM notifications WHERE event_id IN ({}) AND user_id IN ({})",
            vec!["?"; events.len()].join(", "),
            vec!["?"; users.len()].join(", ")
        );
        let values: Vec<Value> = events.iter().chain(users).map(|&id| id.into()).collect();
        Ok(Who::find_by_statement(self.stmt(&sql, values))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|w| w.user_id)
            .collect())
    }

    /// Marks notifications read; returns how many changed.
    pub async fn mark_read(&self, user_id: Uuid, scope: ReadScope) -> Result<u64> {
        let mut sql =
            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL".to_owned();
        let mut values: Vec<Value> = vec![self.now().into(), user_id.into()];
        match scope {
            ReadScope::All => {}
            ReadScope::Board(b) => {
                sql.push_str(" AND board_id = ?");
                values.push(b.into());
            }
            ReadScope::Events(ids) if ids.is_empty() => return Ok(0),
            ReadScope::Events(ids) => {
                sql.push_str(&format!(
                    " AND event_id IN ({})",
                    vec!["?"; ids.len()].join(", ")
                ));
                values.extend(ids.into_iter().map(Value::from));
            }
        }
        self.execute(&sql, values).await
    }

    /// The boards someone muted, with their names, oldest mute first.
    pub async fn muted_boards(&self, user_id: Uuid) -> Result<Vec<MutedBoard>> {
        // Only boards still visible: a mute outlives lost access, and the
        // list must stay valid input for `replace_mutes`.
        let sql = format!(
            "SELECT m.board_id, b.name FROM board_mutes m JOIN boards b ON b.id = m.board_id \
             {BOARD_ROLE_JOINS} WHERE m.user_id = ? AND {BOARD_VISIBLE} \
             ORDER BY m.created_at, m.board_id"
        );
        let mut values = role_binds(user_id);
        values.push(user_id.into());
        Ok(MutedBoard::find_by_statement(self.stmt(&sql, values))
            .all(self.conn())
            .await?)
    }

    /// Mutes or unmutes a board for someone (idempotent).
    pub async fn set_muted(&self, user_id: Uuid, board_id: Uuid, muted: bool) -> Result<()> {
        let tx = self.begin_write().await?;
        tx.execute(self.stmt(
            "DELETE FROM board_mutes WHERE user_id = ? AND board_id = ?",
            vec![user_id.into(), board_id.into()],
        ))
        .await?;
        if muted {
            let inserted = tx
                .execute(self.stmt(
                    "INSERT INTO board_mutes (user_id, board_id, created_at) VALUES (?, ?, ?)",
                    vec![user_id.into(), board_id.into(), self.now().into()],
                ))
                .await;
            match inserted.map_err(StoreError::from) {
                // A concurrent request muted it first (the mute's primary
                // key is its only unique index): muted either way.
                Err(StoreError::Unique(_)) => return Ok(()),
                other => {
                    other?;
                }
            }
        }
        tx.commit().await
    }

    /// Replaces someone's muted boards with `boards`, keeping only those
    /// they may see; returns the ones left out. Two statements and one
    /// insert per board, in one transaction, however long the list.
    pub async fn replace_mutes(&self, user_id: Uuid, boards: &[Uuid]) -> Result<Vec<Uuid>> {
        let mut visible = Vec::new();
        if !boards.is_empty() {
            #[derive(FromQueryResult)]
            struct Row {
                id: Uuid,
            }
            let marks = vec!["?"; boards.len()].join(", ");
            let sql = format!(
                "SELECT b.id FROM boards b {BOARD_ROLE_JOINS} WHERE b.id IN ({marks}) AND {BOARD_VISIBLE}"
            );
            let mut values = role_binds(user_id);
            values.extend(boards.iter().map(|b| Value::from(*b)));
            visible = Row::find_by_statement(self.stmt(&sql, values))
                .all(self.conn())
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
        }
        let refused: Vec<Uuid> = boards
            .iter()
            .filter(|b| !visible.contains(b))
            .copied()
            .collect();
        if !refused.is_empty() {
            return Ok(refused);
        }
        let tx = self.begin_write().await?;
        tx.execute(self.stmt(
            "DELETE FROM board_mutes WHERE user_id = ?",
            vec![user_id.into()],
        ))
        .await?;
        let mut unique = visible;
        unique.sort();
        unique.dedup();
        for b in unique {
            tx.execute(self.stmt(
                "INSERT INTO board_mutes (user_id, board_id, created_at) VALUES (?, ?, ?)",
                vec![user_id.into(), b.into(), self.now().into()],
            ))
            .await?;
        }
        tx.commit().await?;
        Ok(Vec::new())
    }

    pub async fn set_email_frequency(&self, user_id: Uuid, f: EmailFrequency) -> Result<()> {
        let res = user::Entity::update_many()
            .set(user::ActiveModel {
                notification_frequency: Set(f),
                updated_at: Set(self.now()),
                ..Default::default()
            })
            .filter(user::Column::Id.eq(user_id))
            .exec(self.conn())
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
