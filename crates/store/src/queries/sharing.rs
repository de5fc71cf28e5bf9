//! Share links and the guest sessions they open. A guest's access is
//! checked against the link on every request, so revoking or expiring a
//! link ends its guests' access at once.

use super::events::Actor;
use crate::entities::{guest_session, share_link};
use crate::{new_id, Result, Store};
use chrono::{DateTime, Utc};
use critboard_domain::events::{GuestNews, LinkNews};
use critboard_domain::{BoardEvent, BoardRole};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, Set, Value,
};
use uuid::Uuid;

/// How long an ended guest session is kept (see
/// [`Store::delete_expired_guest_sessions`]).
pub const ENDED_PASS_DAYS: i64 = 30;

pub struct NewShareLink<'a> {
    pub board_id: Uuid,
    pub role: BoardRole,
    pub label: &'a str,
    pub password_hash: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A guest session, with its link's board, role and state.
#[derive(Debug, Clone, FromQueryResult)]
pub struct GuestRow {
    pub id: Uuid,
    pub board_id: Uuid,
    pub role: BoardRole,
    pub display_name: String,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub link_expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Why a share link (or a guest's pass through it) no longer opens its board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkEnd {
    Revoked,
    Expired,
}

impl GuestRow {
    /// `None` while the pass still grants access.
    pub fn ended(&self, at: DateTime<Utc>) -> Option<LinkEnd> {
        if self.revoked_at.is_some() {
            Some(LinkEnd::Revoked)
        } else if self.expires_at <= at || self.link_expires_at.is_some_and(|e| e <= at) {
            Some(LinkEnd::Expired)
        } else {
            None
        }
    }
}

impl LinkEnd {
    /// Why `link` does not open its board, if it does not.
    pub fn of(link: &share_link::Model, at: DateTime<Utc>) -> Option<LinkEnd> {
        if link.revoked_at.is_some() {
            Some(LinkEnd::Revoked)
        } else if link.expires_at.is_some_and(|e| e <= at) {
            Some(LinkEnd::Expired)
        } else {
            None
        }
    }
}

impl Store {
    pub async fn create_share_link(
        &self,
        actor: &Actor,
        new: NewShareLink<'_>,
    ) -> Result<share_link::Model> {
        let tx = self.begin_write().await?;
        let link = share_link::ActiveModel {
            id: Set(new_id()),
            board_id: Set(new.board_id),
            role: Set(new.role),
            label: Set(new.label.to_owned()),
            password_hash: Set(new.password_hash),
            expires_at: Set(new.expires_at),
            created_by: Set(actor.user_id()),
            created_at: Set(self.now()),
            revoked_at: Set(None),
        }
        .insert(&*tx)
        .await?;
        let news = LinkNews {
            link_id: link.id,
            role: Some(new.role),
            label: link.label.clone(),
        };
        self.record(
            &tx,
            new.board_id,
            actor,
            &BoardEvent::ShareLinkCreated(news),
        )
        .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// A board's links, newest first, revoked ones included.
    pub async fn share_links(&self, board_id: Uuid) -> Result<Vec<share_link::Model>> {
        Ok(share_link::Entity::find()
            .filter(share_link::Column::BoardId.eq(board_id))
            .order_by_desc(share_link::Column::CreatedAt)
            .order_by_desc(share_link::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn share_link(&self, id: Uuid) -> Result<Option<share_link::Model>> {
        Ok(share_link::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Revokes a link; `false` when it already was.
    pub async fn revoke_share_link(&self, actor: &Actor, link: &share_link::Model) -> Result<bool> {
        let tx = self.begin_write().await?;
        let changed = tx
            .execute(self.stmt(
                "UPDATE share_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                vec![self.now().into(), link.id.into()],
            ))
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let news = LinkNews {
            link_id: link.id,
            role: Some(link.role),
            label: link.label.clone(),
        };
        self.record(
            &tx,
            link.board_id,
            actor,
            &BoardEvent::ShareLinkRevoked(news),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Opens a guest session on a link, with a `guest.joined` event.
    pub async fn create_guest_session(
        &self,
        link: &share_link::Model,
        token_hash: String,
        display_name: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<guest_session::Model> {
        let tx = self.begin_write().await?;
        let guest = guest_session::ActiveModel {
            id: Set(new_id()),
            link_id: Set(link.id),
            token_hash: Set(token_hash),
            display_name: Set(display_name.to_owned()),
            created_at: Set(self.now()),
            expires_at: Set(expires_at),
            email: Set(None),
            email_confirmed_at: Set(None),
            emailed_until: Set(None),
        }
        .insert(&*tx)
        .await?;
        let news = GuestNews {
            link_id: link.id,
            guest_id: guest.id,
        };
        let actor = Actor::guest(guest.id, display_name);
        self.record(&tx, link.board_id, &actor, &BoardEvent::GuestJoined(news))
            .await?;
        tx.commit().await?;
        Ok(guest)
    }

    /// The guest sessions behind these token hashes that still grant
    /// access: not expired, and their link neither revoked nor expired.
    /// One query whatever the number of tokens.
    /// The guest sessions of these secrets' hashes, live or ended (see
    /// [`GuestRow::ended`]), in one query.
    pub async fn guest_sessions(&self, token_hashes: Vec<String>) -> Result<Vec<GuestRow>> {
        if token_hashes.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; token_hashes.len()].join(", ");
        let sql = format!(
            "SELECT g.id, l.board_id, l.role, g.display_name, g.token_hash, g.expires_at, \
               l.expires_at AS link_expires_at, l.revoked_at \
             FROM guest_sessions g JOIN share_links l ON l.id = g.link_id \
             WHERE g.token_hash IN ({marks})"
        );
        let values: Vec<Value> = token_hashes.into_iter().map(Value::from).collect();
        Ok(GuestRow::find_by_statement(self.stmt(&sql, values))
            .all(self.conn())
            .await?)
    }

    /// Forgets guest sessions that ended a while ago. Ended ones are kept
    /// for [`ENDED_PASS_DAYS`] so their guests are told why they are out
    /// ("this link has expired") rather than asked to sign in.
    pub async fn delete_expired_guest_sessions(&self) -> Result<u64> {
        let before = self.now() - chrono::Duration::days(ENDED_PASS_DAYS);
        Ok(guest_session::Entity::delete_many()
            .filter(guest_session::Column::ExpiresAt.lte(before))
            .exec(self.conn())
            .await?
            .rows_affected)
    }
}
