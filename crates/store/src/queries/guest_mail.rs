//! Guests who hear back: the address a guest left (confirmed by a link),
//! and the replies in their threads not e-mailed yet.

use crate::entities::{guest_session, job};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, FromQueryResult};
use uuid::Uuid;

use super::mail::{email_model, NewEmail};

/// A reply a guest has not been e-mailed yet.
#[derive(Debug, Clone, FromQueryResult)]
pub struct GuestReply {
    pub guest_id: Uuid,
    pub email: String,
    pub guest_name: String,
    pub link_id: Uuid,
    pub board_id: Uuid,
    pub board_name: String,
    pub asset_id: Uuid,
    pub title: String,
    pub thread_id: Uuid,
    pub number: i32,
    pub page: i32,
    pub comment_id: Uuid,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    pub async fn guest_session(&self, id: Uuid) -> Result<Option<guest_session::Model>> {
        Ok(guest_session::Entity::find_by_id(id)
            .one(self.conn())
            .await?)
    }

    /// Sets (or with `None` forgets) a guest's address; a new one waits for
    /// its confirmation.
    pub async fn set_guest_email(&self, id: Uuid, email: Option<&str>) -> Result<()> {
        self.execute(
            "UPDATE guest_sessions SET email = ?, email_confirmed_at = NULL WHERE id = ?",
            vec![email.map(str::to_owned).into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// Confirms the address a link was sent to, if it is still the guest's;
    /// replies from now on are e-mailed. False otherwise.
    pub async fn confirm_guest_email(&self, id: Uuid, email: &str) -> Result<bool> {
        let now = self.now();
        // The clock counts whole seconds: replies of this very second count.
        let from = now - chrono::Duration::seconds(1);
        Ok(self
            .execute(
                "UPDATE guest_sessions SET email_confirmed_at = ?, emailed_until = ? \
                 WHERE id = ? AND email = ? AND email_confirmed_at IS NULL",
                vec![now.into(), from.into(), id.into(), email.into()],
            )
            .await?
            == 1)
    }

    /// Replies by others, after `emailed_until`, in threads where guests
    /// with a confirmed address wrote, on links that still work; oldest
    /// first, at most `limit`. The clock counts whole seconds: replies of
    /// the current second wait for the next run, so none is skipped.
    pub async fn guest_replies(&self, limit: u64) -> Result<Vec<GuestReply>> {
        let now = self.now();
        let sql = "SELECT DISTINCT g.id AS guest_id, g.email, g.display_name AS guest_name, l.id AS link_id, \
               b.id AS board_id, b.name AS board_name, a.id AS asset_id, a.title, t.id AS thread_id, t.number, \
               t.page, c.id AS comment_id, COALESCE(u.display_name, c.guest_name, '') AS author, c.body, c.created_at \
             FROM guest_sessions g \
             JOIN share_links l ON l.id = g.link_id \
             JOIN boards b ON b.id = l.board_id \
             JOIN comments mine ON mine.guest_id = g.id \
             JOIN comments c ON c.thread_id = mine.thread_id \
             JOIN threads t ON t.id = c.thread_id \
             JOIN assets a ON a.id = t.asset_id \
             LEFT JOIN users u ON u.id = c.author_id \
             WHERE g.email_confirmed_at IS NOT NULL AND g.email IS NOT NULL AND g.expires_at > ? \
               AND l.revoked_at IS NULL AND (l.expires_at IS NULL OR l.expires_at > ?) \
               AND c.created_at > g.emailed_until AND c.created_at < ? AND c.deleted_at IS NULL \
               AND (c.guest_id IS NULL OR c.guest_id <> g.id) \
             ORDER BY c.created_at, c.id LIMIT ?";
        Ok(GuestReply::find_by_statement(self.stmt(
            sql,
            vec![now.into(), now.into(), now.into(), (limit as i64).into()],
        ))
        .all(self.conn())
        .await?)
    }

    /// Queues a guest's e-mail and moves their `emailed_until` to `until`
    /// (the newest reply in it), in one transaction; false (nothing queued)
    /// when another run got there first.
    pub async fn queue_guest_email(
        &self,
        guest: Uuid,
        until: DateTime<Utc>,
        email: NewEmail,
        send_job: impl Fn(&[Uuid]) -> job::ActiveModel,
    ) -> Result<bool> {
        let tx = self.begin_write().await?;
        let moved = tx
            .execute(self.stmt(
                "UPDATE guest_sessions SET emailed_until = ? WHERE id = ? AND emailed_until < ?",
                vec![until.into(), guest.into(), until.into()],
            ))
            .await?
            .rows_affected();
        if moved != 1 {
            return Ok(false);
        }
        let id = crate::new_id();
        email_model(id, email, self.now()).insert(&*tx).await?;
        send_job(&[id]).insert(&*tx).await?;
        tx.commit().await?;
        Ok(true)
    }
}
