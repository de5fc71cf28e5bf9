//! The event log: who did what on a board. Every change is recorded in the
//! transaction that makes it, together with the notification of everyone
//! who should hear of it; live streams, the activity feed, the inbox and
//! digests all read it back as typed [`BoardEvent`]s.

use crate::entities::event;
use crate::{new_id, Result, Store};
use chrono::{DateTime, Utc};
use critboard_domain::discussion::{excerpt, EXCERPT_MAX};
use critboard_domain::{BoardEvent, BoardRole, WorkspaceRole};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set, Statement, Value,
};
use uuid::Uuid;

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    User { id: Uuid, name: String },
    /// A guest who came through a share link (`id` is their guest session).
    Guest { id: Uuid, name: String },
    /// Critboard itself: background work such as making thumbnails.
    Critboard,
}

impl Actor {
    pub fn user(id: Uuid, name: &str) -> Self {
        Actor::User {
            id,
            name: name.to_owned(),
        }
    }

    pub fn guest(id: Uuid, name: &str) -> Self {
        Actor::Guest {
            id,
            name: name.to_owned(),
        }
    }

    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub fn guest_id(&self) -> Option<Uuid> {
        match self {
            Actor::Guest { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Actor::User { name, .. } | Actor::Guest { name, .. } => name,
            Actor::Critboard => "Critboard",
        }
    }

    /// The name guests' comments are marked with.
    pub(crate) fn guest_name(&self) -> Option<String> {
        match self {
            Actor::Guest { name, .. } => Some(name.clone()),
            _ => None,
        }
    }
}

/// A recorded event, read back.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: Uuid,
    pub board_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
    pub event: BoardEvent,
}

/// The columns of an event row, however a query selected them.
pub struct EventRow<'a> {
    pub id: Uuid,
    pub board_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_name: &'a str,
    pub created_at: DateTime<Utc>,
    pub kind: &'a str,
    pub payload: &'a str,
}

impl StoredEvent {
    /// `None` (logged) for a row no release of Critboard can read.
    pub fn from_row(r: EventRow<'_>) -> Option<Self> {
        match BoardEvent::from_stored(r.kind, r.payload) {
            Ok(event) => Some(StoredEvent {
                id: r.id,
                board_id: r.board_id,
                actor_id: r.actor_id,
                actor_name: r.actor_name.to_owned(),
                created_at: r.created_at,
                event,
            }),
            Err(e) => {
                tracing::warn!(id = %r.id, kind = %r.kind, error = %e, "unreadable event skipped");
                None
            }
        }
    }

    fn read(m: event::Model) -> Option<Self> {
        Self::from_row(EventRow {
            id: m.id,
            board_id: m.board_id,
            actor_id: m.actor_id,
            actor_name: &m.actor_name,
            created_at: m.created_at,
            kind: &m.kind,
            payload: &m.payload,
        })
    }
}

/// The ids of everyone whose role on a board is at least some role (bind
/// [`audience_binds`]): direct members, grantees of its folder and of that
/// folder's parent, and workspace owners/admins, who own every board (as
/// `effective_board_role` has it).
pub(crate) const BOARD_AUDIENCE_IDS: &str = "SELECT bm.user_id FROM board_members bm \
           WHERE bm.board_id = ? AND bm.role >= ? \
     UNION SELECT fg.user_id FROM folder_grants fg JOIN boards b ON fg.folder_id = b.folder_id \
           WHERE b.id = ? AND fg.role >= ? \
     UNION SELECT pg.user_id FROM folder_grants pg JOIN folders f ON pg.folder_id = f.parent_id \
           JOIN boards b ON b.folder_id = f.id WHERE b.id = ? AND pg.role >= ? \
     UNION SELECT wm.user_id FROM workspace_members wm JOIN boards b ON b.workspace_id = wm.workspace_id \
           WHERE b.id = ? AND wm.role >= ?";

/// The values of [`BOARD_AUDIENCE_IDS`]: people with at least `min` on `board`.
pub(crate) fn audience_binds(board: Uuid, min: BoardRole) -> Vec<Value> {
    vec![
        board.into(),
        min.into(),
        board.into(),
        min.into(),
        board.into(),
        min.into(),
        board.into(),
        WorkspaceRole::Admin.into(),
    ]
}

/// Brings the quote of a comment's earlier events in line with its text:
/// the new words after an edit, none after a deletion.
pub(crate) async fn requote(
    tx: &DatabaseTransaction,
    comment_id: Uuid,
    text: Option<&str>,
) -> Result<()> {
    let quote = text.map(|t| excerpt(t, EXCERPT_MAX));
    set_quotes(tx, "comment_id = ?", vec![comment_id.into()], quote).await
}

/// Drops the quotes of every comment on a picture that is being deleted
/// (its comments go with it; their words must not stay in the feed).
pub(crate) async fn forget_quotes_of_asset(tx: &DatabaseTransaction, asset_id: Uuid) -> Result<()> {
    let filter = "comment_id IN (SELECT c.id FROM comments c JOIN threads t ON t.id = c.thread_id \
                  WHERE t.asset_id = ?)";
    set_quotes(tx, filter, vec![asset_id.into()], None).await
}

/// Sets (or, with `None`, removes) the `excerpt` of the events `filter`
/// selects, in their stored JSON: it works on rows of any release, even
/// ones no longer readable as a [`BoardEvent`].
async fn set_quotes(
    tx: &DatabaseTransaction,
    filter: &str,
    values: Vec<Value>,
    quote: Option<String>,
) -> Result<()> {
    #[derive(FromQueryResult)]
    struct Row {
        id: Uuid,
        payload: String,
    }
    let backend = tx.get_database_backend();
    let sql = format!("SELECT id, payload FROM events WHERE {filter}");
    let rows = Row::find_by_statement(crate::statement(backend, &sql, values))
        .all(tx)
        .await?;
    for row in rows {
        let Ok(mut payload) = serde_json::from_str::<serde_json::Value>(&row.payload) else {
            tracing::warn!(id = %row.id, "event payload is not JSON; its quote is left");
            continue;
        };
        let Some(fields) = payload.as_object_mut() else {
            continue;
        };
        match &quote {
            Some(q) => fields.insert("excerpt".into(), q.clone().into()),
            None => fields.remove("excerpt"),
        };
        tx.execute(crate::statement(
            backend,
            "UPDATE events SET payload = ? WHERE id = ?",
            vec![payload.to_string().into(), row.id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// A page of events as stored, and what was read (rows no release can
/// read are left out of `events` but still count, so paging goes on).
pub struct EventPage {
    pub events: Vec<StoredEvent>,
    /// The ids of every row read, readable or not, in the page's order.
    pub row_ids: Vec<Uuid>,
}

impl EventPage {
    fn of(rows: Vec<event::Model>) -> Self {
        EventPage {
            row_ids: rows.iter().map(|r| r.id).collect(),
            events: rows.into_iter().filter_map(StoredEvent::read).collect(),
        }
    }

    /// Rows read, readable or not.
    pub fn rows(&self) -> u64 {
        self.row_ids.len() as u64
    }
}

impl Store {
    /// Writes an event and, in the same transaction, the notification of
    /// everyone it concerns ([`BoardEvent::audience`]) but its actor: muted
    /// boards are skipped, except by the people the event mentions. One
    /// INSERT … SELECT however many people.
    pub(crate) async fn record(
        &self,
        tx: &DatabaseTransaction,
        board_id: Uuid,
        actor: &Actor,
        event: &BoardEvent,
    ) -> Result<()> {
        let writes = self.event_writes(board_id, actor, event);
        self.execute_all(tx, writes).await
    }

    /// The statements that [`record`](Self::record) runs, for callers that
    /// send them with their own writes in one batch.
    pub(crate) fn event_writes(
        &self,
        board_id: Uuid,
        actor: &Actor,
        event: &BoardEvent,
    ) -> Vec<Statement> {
        let backend = self.backend();
        let at = self.now();
        let kind = event.kind();
        let id = new_id();
        let e = event::ActiveModel {
            id: Set(id),
            board_id: Set(board_id),
            actor_id: Set(actor.user_id()),
            actor_name: Set(actor.name().chars().take(80).collect()),
            kind: Set(kind.to_owned()),
            payload: Set(serde_json::to_string(event).unwrap_or_else(|_| "{}".into())),
            comment_id: Set(event.comment().map(|c| c.comment_id)),
            created_at: Set(at),
        };
        let mut writes = vec![event::Entity::insert(e).build(backend)];
        let Some(action) = event.audience() else {
            return writes;
        };
        let mentions = event.mentions();
        let mentioned = if mentions.is_empty() {
            "0 = 1".to_owned()
        } else {
            format!("p.user_id IN ({})", vec!["?"; mentions.len()].join(", "))
        };
        let sql = format!(
            "INSERT INTO notifications (user_id, event_id, board_id, kind, mention, read_at, emailed_at, created_at) \
             SELECT p.user_id, ?, ?, ?, CASE WHEN {mentioned} THEN 1 ELSE 0 END, NULL, NULL, ? \
             FROM ({BOARD_AUDIENCE_IDS}) p \
             WHERE p.user_id <> ? AND ({mentioned} OR NOT EXISTS \
               (SELECT 1 FROM board_mutes mu WHERE mu.user_id = p.user_id AND mu.board_id = ?))"
        );
        let mut values: Vec<Value> = vec![id.into(), board_id.into(), kind.into()];
        values.extend(mentions.iter().map(|m| Value::from(*m)));
        values.push(at.into());
        values.extend(audience_binds(board_id, BoardRole::required_for(action)));
        values.push(actor.user_id().unwrap_or_default().into());
        values.extend(mentions.iter().map(|m| Value::from(*m)));
        values.push(board_id.into());
        writes.push(crate::statement(backend, &sql, values));
        writes
    }

    /// Events of every board with ids above `floor`, oldest first.
    pub async fn events_since(&self, floor: Uuid, limit: u64) -> Result<EventPage> {
        Ok(EventPage::of(
            event::Entity::find()
                .filter(event::Column::Id.gt(floor))
                .order_by_asc(event::Column::Id)
                .limit(limit)
                .all(self.conn())
                .await?,
        ))
    }

    /// A board's events after `after`, oldest first (a stream's replay).
    pub async fn board_events_after(
        &self,
        board_id: Uuid,
        after: Uuid,
        limit: u64,
    ) -> Result<EventPage> {
        Ok(EventPage::of(
            event::Entity::find()
                .filter(event::Column::BoardId.eq(board_id))
                .filter(event::Column::Id.gt(after))
                .order_by_asc(event::Column::Id)
                .limit(limit)
                .all(self.conn())
                .await?,
        ))
    }

    /// A page of a board's activity, newest first.
    pub async fn activity(
        &self,
        board_id: Uuid,
        before: Option<Uuid>,
        limit: u64,
    ) -> Result<EventPage> {
        let mut q = event::Entity::find().filter(event::Column::BoardId.eq(board_id));
        if let Some(before) = before {
            q = q.filter(event::Column::Id.lt(before));
        }
        Ok(EventPage::of(
            q.order_by_desc(event::Column::Id)
                .limit(limit)
                .all(self.conn())
                .await?,
        ))
    }
}
