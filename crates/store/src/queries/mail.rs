//! The outbox, digests and e-mailed tokens. A digest marks the notifications
//! it carries in the same transaction that queues it, so each notification
//! is e-mailed at most once, and none is marked without its e-mail.

use super::events::{EventRow, StoredEvent};
use crate::entities::{email, email_token, job, user};
use crate::{new_id, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set,
    Value,
};
use uuid::Uuid;

/// An e-mail to queue; rendered once, sent (and retried) as is.
pub struct NewEmail {
    pub user_id: Option<Uuid>,
    pub to_address: String,
    pub kind: &'static str,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub unsubscribe_url: Option<String>,
}

/// A single-use token sent by e-mail.
pub struct NewToken<'a> {
    pub kind: &'a str,
    pub token_hash: String,
    pub user_id: Option<Uuid>,
    pub workspace_id: Option<Uuid>,
    pub email: &'a str,
    pub payload: serde_json::Value,
    pub created_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

/// A pending notification, with what a digest shows of it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DigestItem {
    pub user_id: Uuid,
    pub event_id: Uuid,
    pub board_id: Uuid,
    pub board_name: String,
    pub mention: i16,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub kind: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

impl DigestItem {
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

/// Whether `n.user_id` may still see board `b` (correlated, no binds).
const STILL_SEES_BOARD: &str = "(EXISTS (SELECT 1 FROM board_members bm WHERE bm.board_id = b.id AND bm.user_id = n.user_id) \
     OR EXISTS (SELECT 1 FROM folder_grants fg WHERE fg.folder_id = b.folder_id AND fg.user_id = n.user_id) \
     OR EXISTS (SELECT 1 FROM folder_grants pg JOIN folders f ON pg.folder_id = f.parent_id \
                WHERE f.id = b.folder_id AND pg.user_id = n.user_id) \
     OR EXISTS (SELECT 1 FROM workspace_members wm WHERE wm.workspace_id = b.workspace_id \
                AND wm.user_id = n.user_id AND wm.role >= 2))";

fn token_of(kind: &str, token_hash: &str) -> sea_orm::Select<email_token::Entity> {
    email_token::Entity::find()
        .filter(email_token::Column::Kind.eq(kind))
        .filter(email_token::Column::TokenHash.eq(token_hash))
}

pub(crate) fn email_model(id: Uuid, e: NewEmail, at: DateTime<Utc>) -> email::ActiveModel {
    email::ActiveModel {
        id: Set(id),
        user_id: Set(e.user_id),
        to_address: Set(e.to_address),
        kind: Set(e.kind.to_owned()),
        subject: Set(e.subject.chars().take(200).collect()),
        text_body: Set(e.text_body),
        html_body: Set(e.html_body),
        unsubscribe_url: Set(e.unsubscribe_url),
        created_at: Set(at),
        sent_at: Set(None),
    }
}

impl Store {
    /// A page (by id) of verified people with this e-mail rhythm who have
    /// unread notifications not e-mailed yet.
    pub async fn digest_recipients(
        &self,
        frequency: &str,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<user::Model>> {
        let mut q = user::Entity::find()
            .filter(user::Column::NotificationFrequency.eq(frequency))
            .filter(user::Column::EmailVerified.eq(true))
            .filter(sea_orm::sea_query::Expr::cust(
                "EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = users.id \
                 AND n.emailed_at IS NULL AND n.read_at IS NULL)",
            ));
        if let Some(after) = after {
            q = q.filter(user::Column::Id.gt(after));
        }
        use sea_orm::{QueryOrder, QuerySelect};
        Ok(q.order_by_asc(user::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?)
    }

    /// The unread, un-e-mailed notifications of these people on boards they
    /// still see, oldest first, in one query.
    pub async fn digest_items(&self, users: &[Uuid]) -> Result<Vec<DigestItem>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; users.len()].join(", ");
        let sql = format!(
            "SELECT n.user_id, n.event_id, n.board_id, b.name AS board_name, n.mention, \
             e.actor_id, e.actor_name, e.kind, e.payload, e.created_at \
             FROM notifications n JOIN events e ON e.id = n.event_id JOIN boards b ON b.id = n.board_id \
             WHERE n.user_id IN ({marks}) AND n.emailed_at IS NULL AND n.read_at IS NULL \
             AND {STILL_SEES_BOARD} ORDER BY n.user_id, n.event_id"
        );
        Ok(DigestItem::find_by_statement(
            self.stmt(&sql, users.iter().map(|u| Value::from(*u)).collect()),
        )
        .all(self.conn())
        .await?)
    }

    /// Queues e-mails with one job that sends them all, marking the
    /// notifications each carries as e-mailed, in one transaction.
    pub async fn queue_emails(
        &self,
        emails: Vec<(NewEmail, Vec<Uuid>)>,
        send_job: impl Fn(&[Uuid]) -> job::ActiveModel,
    ) -> Result<Vec<Uuid>> {
        let tx = self.begin_write().await?;
        let at = self.now();
        let mut ids = Vec::with_capacity(emails.len());
        for (e, events) in emails {
            let id = new_id();
            let user = e.user_id;
            if let (Some(user), false) = (user, events.is_empty()) {
                let marks = vec!["?"; events.len()].join(", ");
                let sql = format!(
                    "UPDATE notifications SET emailed_at = ? WHERE user_id = ? \
                     AND emailed_at IS NULL AND event_id IN ({marks})"
                );
                let wanted = events.len() as u64;
                let mut values: Vec<Value> = vec![at.into(), user.into()];
                values.extend(events.into_iter().map(Value::from));
                // Another run got there first (overlapping runs, or a
                // rhythm changed mid-run): queue nothing, let the job retry
                // on fresh data.
                if tx.execute(self.stmt(&sql, values)).await?.rows_affected() != wanted {
                    return Err(StoreError::AlreadyEmailed);
                }
            }
            email_model(id, e, self.now()).insert(&*tx).await?;
            ids.push(id);
        }
        if !ids.is_empty() {
            send_job(&ids).insert(&*tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The e-mails among `ids` not sent yet, in one query.
    pub async fn unsent_emails(&self, ids: Vec<Uuid>) -> Result<Vec<email::Model>> {
        use sea_orm::QueryOrder;
        Ok(email::Entity::find()
            .filter(email::Column::Id.is_in(ids))
            .filter(email::Column::SentAt.is_null())
            .order_by_asc(email::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn mark_email_sent(&self, id: Uuid) -> Result<()> {
        self.execute(
            "UPDATE emails SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
            vec![self.now().into(), id.into()],
        )
        .await?;
        Ok(())
    }

    /// Stores a single-use token (its SHA-256 only) and queues the e-mail
    /// that carries it, in one transaction: no token without its e-mail.
    pub async fn queue_token_email(
        &self,
        t: NewToken<'_>,
        e: NewEmail,
        send_job: impl Fn(&[Uuid]) -> job::ActiveModel,
    ) -> Result<email_token::Model> {
        let tx = self.begin_write().await?;
        let token = email_token::ActiveModel {
            id: Set(new_id()),
            kind: Set(t.kind.to_owned()),
            token_hash: Set(t.token_hash),
            user_id: Set(t.user_id),
            workspace_id: Set(t.workspace_id),
            email: Set(t.email.to_owned()),
            payload: Set(t.payload.to_string()),
            created_by: Set(t.created_by),
            expires_at: Set(t.expires_at),
            used_at: Set(None),
            created_at: Set(self.now()),
        }
        .insert(&*tx)
        .await?;
        let id = new_id();
        email_model(id, e, self.now()).insert(&*tx).await?;
        send_job(&[id]).insert(&*tx).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// A token whatever its state (spent or expired too), to tell a link
    /// clicked again from one that never was.
    pub async fn any_email_token(
        &self,
        kind: &str,
        token_hash: &str,
    ) -> Result<Option<email_token::Model>> {
        Ok(token_of(kind, token_hash).one(self.conn()).await?)
    }

    /// A live token of this kind, not yet used.
    pub async fn email_token(
        &self,
        kind: &str,
        token_hash: &str,
    ) -> Result<Option<email_token::Model>> {
        Ok(token_of(kind, token_hash)
            .filter(email_token::Column::UsedAt.is_null())
            .filter(email_token::Column::ExpiresAt.gt(self.now()))
            .one(self.conn())
            .await?)
    }

    /// Whether a token of this kind was issued to `user_id` after `since`
    /// (and still works): not a reason to e-mail another one.
    pub async fn fresh_token_exists(
        &self,
        kind: &str,
        user_id: Uuid,
        since: DateTime<Utc>,
    ) -> Result<bool> {
        use sea_orm::PaginatorTrait;
        Ok(email_token::Entity::find()
            .filter(email_token::Column::Kind.eq(kind))
            .filter(email_token::Column::UserId.eq(user_id))
            .filter(email_token::Column::UsedAt.is_null())
            .filter(email_token::Column::CreatedAt.gt(since))
            .filter(email_token::Column::ExpiresAt.gt(self.now()))
            .count(self.conn())
            .await?
            > 0)
    }

    /// Spends a token; `false` if it was spent meanwhile (it works once).
    pub async fn spend_email_token(&self, id: Uuid) -> Result<bool> {
        Ok(self
            .execute(
                "UPDATE email_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL",
                vec![self.now().into(), id.into()],
            )
            .await?
            == 1)
    }

    pub async fn set_email_verified(&self, user_id: Uuid) -> Result<()> {
        self.execute(
            "UPDATE users SET email_verified = ?, updated_at = ? WHERE id = ?",
            vec![true.into(), self.now().into(), user_id.into()],
        )
        .await?;
        Ok(())
    }
}

/// A board whose review is due soon and whose reminder has not gone out.
#[derive(Debug, Clone, FromQueryResult)]
pub struct DueBoard {
    pub id: Uuid,
    pub name: String,
    pub due_at: DateTime<Utc>,
    pub deciders: critboard_domain::Deciders,
}

/// Someone who may decide on a due board, and how many of its pictures
/// and decks still wait for their decision.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Undecided {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub waiting: i64,
}

impl Store {
    /// Boards due by `until` (and not yet due at `now`) whose reminder has
    /// not been sent; archived boards are left alone.
    pub async fn boards_due(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<DueBoard>> {
        let sql = "SELECT id, name, due_at, deciders FROM boards WHERE due_at > ? AND due_at <= ? \
                   AND due_reminded_at IS NULL AND archived_at IS NULL ORDER BY due_at, id";
        Ok(
            DueBoard::find_by_statement(self.stmt(sql, vec![now.into(), until.into()]))
                .all(self.conn())
                .await?,
        )
    }

    /// Everyone who may decide on `board`, has a confirmed address, wants
    /// e-mail and has not muted the board, with the ready current versions
    /// they have not decided on; those with none waiting are left out.
    pub async fn undecided(&self, board: &DueBoard) -> Result<Vec<Undecided>> {
        let min = match board.deciders {
            critboard_domain::Deciders::Editors => critboard_domain::BoardRole::Editor,
            critboard_domain::Deciders::Reviewers => critboard_domain::BoardRole::Commenter,
        };
        let waiting = self.as_bigint(
            "(SELECT COUNT(*) FROM assets a JOIN versions v ON v.id = a.current_version_id \
              WHERE a.board_id = ? AND v.state = ? AND NOT EXISTS \
              (SELECT 1 FROM decisions d WHERE d.version_id = v.id AND d.user_id = u.id))",
        );
        let sql = format!(
            "SELECT * FROM (SELECT u.id, u.email, u.display_name, {waiting} AS waiting FROM users u \
             WHERE u.id IN ({}) AND u.email_verified = ? AND u.notification_frequency <> ? \
             AND NOT EXISTS (SELECT 1 FROM board_mutes m WHERE m.user_id = u.id AND m.board_id = ?)) w \
             WHERE w.waiting > 0 ORDER BY w.id",
            super::events::BOARD_AUDIENCE_IDS
        );
        let mut binds: Vec<Value> = vec![
            board.id.into(),
            critboard_domain::VersionState::Ready.into(),
        ];
        binds.extend(super::events::audience_binds(board.id, min));
        binds.extend([
            true.into(),
            critboard_domain::EmailFrequency::Off.as_str().into(),
            board.id.into(),
        ]);
        Ok(Undecided::find_by_statement(self.stmt(&sql, binds))
            .all(self.conn())
            .await?)
    }

    /// Marks the board's reminder sent and queues its e-mails, in one
    /// transaction; false (and nothing queued) when another run got there
    /// first, or the due date was removed since it was read.
    pub async fn queue_due_reminders(
        &self,
        board: &DueBoard,
        emails: Vec<NewEmail>,
        send_job: impl Fn(&[Uuid]) -> job::ActiveModel,
    ) -> Result<bool> {
        let tx = self.begin_write().await?;
        let at = self.now();
        let claimed = tx
            .execute(self.stmt(
                "UPDATE boards SET due_reminded_at = ? WHERE id = ? AND due_at IS NOT NULL \
                 AND due_reminded_at IS NULL",
                vec![at.into(), board.id.into()],
            ))
            .await?
            .rows_affected();
        if claimed != 1 {
            return Ok(false);
        }
        let mut ids = Vec::with_capacity(emails.len());
        for e in emails {
            let id = new_id();
            email_model(id, e, at).insert(&*tx).await?;
            ids.push(id);
        }
        if !ids.is_empty() {
            send_job(&ids).insert(&*tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
