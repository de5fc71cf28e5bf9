//! Threads, comments, the event log and idempotency keys. Every change is
//! written together with the event that describes it, in one transaction.

use super::boards::BoardRow;
use crate::entities::{comment, event, guest_request_key, idempotency_key, thread};
use crate::{new_id, now, Result, Store, StoreError};
use critboard_domain::discussion::{excerpt, EXCERPT_MAX};
use critboard_domain::{BoardAction, BoardRole, ThreadState, WorkspaceRole};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

/// Who did something: a signed-in user, or a guest who came through a
/// share link (`guest_id` is their guest session).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    pub name: String,
}

impl Actor {
    pub fn user(id: Uuid, name: &str) -> Self {
        Actor {
            user_id: Some(id),
            guest_id: None,
            name: name.to_owned(),
        }
    }

    pub fn guest(id: Uuid, name: &str) -> Self {
        Actor {
            user_id: None,
            guest_id: Some(id),
            name: name.to_owned(),
        }
    }

    fn guest_name(&self) -> Option<String> {
        self.guest_id.map(|_| self.name.clone())
    }
}

pub struct NewThread<'a> {
    pub board_id: Uuid,
    pub asset_id: Uuid,
    pub version_id: Uuid,
    pub x: f64,
    pub y: f64,
    pub w: Option<f64>,
    pub h: Option<f64>,
    pub body: &'a str,
    pub mentions: &'a [Uuid],
    pub idempotency_key: Option<&'a str>,
}

/// A person who can see a board, for resolving @mentions.
#[derive(Debug, Clone, FromQueryResult)]
pub struct BoardPerson {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
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
pub(crate) fn audience_binds(board: Uuid, min: BoardRole) -> Vec<sea_orm::Value> {
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

/// Writes an event and, in the same transaction, the notification of every
/// person on the board but its actor: muted boards are skipped, except by
/// the people the event mentions. One INSERT … SELECT however many people.
pub(crate) async fn record(
    tx: &DatabaseTransaction,
    board_id: Uuid,
    actor: &Actor,
    kind: &str,
    payload: serde_json::Value,
) -> Result<()> {
    let at = now();
    let mentions: Vec<Uuid> = payload
        .get("mentions")
        .and_then(|m| serde_json::from_value(m.clone()).ok())
        .unwrap_or_default();
    let e = event::ActiveModel {
        id: Set(new_id()),
        board_id: Set(board_id),
        actor_id: Set(actor.user_id),
        actor_name: Set(actor.name.chars().take(80).collect()),
        kind: Set(kind.to_owned()),
        payload: Set(payload.to_string()),
        created_at: Set(at),
    }
    .insert(tx)
    .await?;
    // Guests joining is activity, not news anyone must be told about (and
    // anyone holding a link could otherwise flood the inboxes).
    if kind == "guest.joined" {
        return Ok(());
    }

    // Share links are the owners' business: nobody else may manage them,
    // so nobody else hears of them.
    let audience = if kind.starts_with("share_link.") {
        BoardRole::required_for(BoardAction::Manage)
    } else {
        BoardRole::required_for(BoardAction::View)
    };
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
    let mut values: Vec<sea_orm::Value> = vec![e.id.into(), board_id.into(), kind.into()];
    values.extend(mentions.iter().map(|m| sea_orm::Value::from(*m)));
    values.push(at.into());
    values.extend(audience_binds(board_id, audience));
    values.push(actor.user_id.unwrap_or_default().into());
    values.extend(mentions.iter().map(|m| sea_orm::Value::from(*m)));
    values.push(board_id.into());
    tx.execute(crate::statement(tx.get_database_backend(), &sql, values))
        .await?;
    Ok(())
}

fn mentions_json(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// What an idempotency key of this actor already created, if anything.
    pub async fn idempotent(&self, actor: &Actor, key: &str) -> Result<Option<(String, Uuid)>> {
        let key = key.to_owned();
        let found = match (actor.user_id, actor.guest_id) {
            (Some(user), _) => idempotency_key::Entity::find_by_id((user, key))
                .one(self.conn())
                .await?
                .map(|k| (k.resource, k.resource_id)),
            (None, Some(guest)) => guest_request_key::Entity::find_by_id((guest, key))
                .one(self.conn())
                .await?
                .map(|k| (k.resource, k.resource_id)),
            (None, None) => None,
        };
        Ok(found)
    }

    async fn remember(
        &self,
        tx: &DatabaseTransaction,
        actor: &Actor,
        key: Option<&str>,
        resource: &str,
        id: Uuid,
    ) -> Result<()> {
        let Some(key) = key else { return Ok(()) };
        match (actor.user_id, actor.guest_id) {
            (Some(user_id), _) => {
                idempotency_key::ActiveModel {
                    user_id: Set(user_id),
                    key: Set(key.to_owned()),
                    resource: Set(resource.to_owned()),
                    resource_id: Set(id),
                    created_at: Set(now()),
                }
                .insert(tx)
                .await?;
            }
            (None, Some(guest_id)) => {
                guest_request_key::ActiveModel {
                    guest_id: Set(guest_id),
                    key: Set(key.to_owned()),
                    resource: Set(resource.to_owned()),
                    resource_id: Set(id),
                    created_at: Set(now()),
                }
                .insert(tx)
                .await?;
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Opens a thread with its first comment. Its number is the asset's next,
    /// taken under the asset row's write lock, so parallel threads get
    /// distinct consecutive numbers on every backend.
    pub async fn create_thread(
        &self,
        actor: &Actor,
        new: NewThread<'_>,
    ) -> Result<(thread::Model, comment::Model)> {
        let tx = self.begin_write().await?;
        let bumped = tx
            .execute(self.stmt(
                "UPDATE assets SET thread_seq = thread_seq + 1 WHERE id = ?",
                vec![new.asset_id.into()],
            ))
            .await?
            .rows_affected();
        if bumped != 1 {
            return Err(StoreError::NotFound);
        }
        let number: i32 = crate::entities::asset::Entity::find_by_id(new.asset_id)
            .select_only()
            .column(crate::entities::asset::Column::ThreadSeq)
            .into_tuple()
            .one(&*tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let at = now();
        let t = thread::ActiveModel {
            id: Set(new_id()),
            asset_id: Set(new.asset_id),
            version_id: Set(new.version_id),
            number: Set(number),
            x: Set(new.x),
            y: Set(new.y),
            w: Set(new.w),
            h: Set(new.h),
            state: Set(ThreadState::Open),
            resolved_by: Set(None),
            resolved_at: Set(None),
            created_by: Set(actor.user_id),
            created_by_guest: Set(actor.guest_id),
            created_at: Set(at),
            updated_at: Set(at),
        }
        .insert(&*tx)
        .await?;
        let c = comment::ActiveModel {
            id: Set(new_id()),
            thread_id: Set(t.id),
            author_id: Set(actor.user_id),
            guest_name: Set(actor.guest_name()),
            guest_id: Set(actor.guest_id),
            body: Set(new.body.to_owned()),
            mentions: Set(mentions_json(new.mentions)),
            edited_at: Set(None),
            deleted_at: Set(None),
            created_at: Set(at),
        }
        .insert(&*tx)
        .await?;
        self.remember(&tx, actor, new.idempotency_key, "thread", t.id)
            .await?;
        record(
            &tx,
            new.board_id,
            actor,
            "thread.opened",
            serde_json::json!({"asset_id": new.asset_id, "version_id": new.version_id,
                "thread_id": t.id, "number": number, "comment_id": c.id, "mentions": new.mentions,
                "excerpt": excerpt(new.body, EXCERPT_MAX)}),
        )
        .await?;
        tx.commit().await?;
        Ok((t, c))
    }

    pub async fn thread(&self, id: Uuid) -> Result<Option<thread::Model>> {
        Ok(thread::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// A thread with the caller's view of its board.
    pub async fn thread_for(
        &self,
        user_id: Uuid,
        id: Uuid,
    ) -> Result<Option<(thread::Model, BoardRow)>> {
        let Some(t) = self.thread(id).await? else {
            return Ok(None);
        };
        let Some(a) = crate::entities::asset::Entity::find_by_id(t.asset_id)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        Ok(self.board_for(user_id, a.board_id).await?.map(|b| (t, b)))
    }

    /// A version's threads by number, optionally only open or resolved.
    pub async fn threads_of_version(
        &self,
        version_id: Uuid,
        state: Option<ThreadState>,
    ) -> Result<Vec<thread::Model>> {
        let mut q = thread::Entity::find().filter(thread::Column::VersionId.eq(version_id));
        if let Some(state) = state {
            q = q.filter(thread::Column::State.eq(state));
        }
        Ok(q.order_by_asc(thread::Column::Number)
            .all(self.conn())
            .await?)
    }

    /// The comments of several threads, oldest first, in one query.
    pub async fn comments_of(&self, thread_ids: Vec<Uuid>) -> Result<Vec<comment::Model>> {
        if thread_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(comment::Entity::find()
            .filter(comment::Column::ThreadId.is_in(thread_ids))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(self.conn())
            .await?)
    }

    pub async fn add_comment(
        &self,
        actor: &Actor,
        board_id: Uuid,
        thread: &thread::Model,
        body: &str,
        mentions: &[Uuid],
        idempotency_key: Option<&str>,
    ) -> Result<comment::Model> {
        let tx = self.begin_write().await?;
        let c = comment::ActiveModel {
            id: Set(new_id()),
            thread_id: Set(thread.id),
            author_id: Set(actor.user_id),
            guest_name: Set(actor.guest_name()),
            guest_id: Set(actor.guest_id),
            body: Set(body.to_owned()),
            mentions: Set(mentions_json(mentions)),
            edited_at: Set(None),
            deleted_at: Set(None),
            created_at: Set(now()),
        }
        .insert(&*tx)
        .await?;
        self.remember(&tx, actor, idempotency_key, "comment", c.id)
            .await?;
        record(
            &tx,
            board_id,
            actor,
            "comment.added",
            serde_json::json!({"asset_id": thread.asset_id, "thread_id": thread.id,
                "number": thread.number, "comment_id": c.id, "mentions": mentions,
                "excerpt": excerpt(body, EXCERPT_MAX)}),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn comment(&self, id: Uuid) -> Result<Option<comment::Model>> {
        Ok(comment::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Edits (new text) or deletes (`None`, soft) a comment, with its event.
    pub async fn change_comment(
        &self,
        actor: &Actor,
        board_id: Uuid,
        c: &comment::Model,
        new_body: Option<(&str, &[Uuid])>,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let at = now();
        let (sql, values, kind): (&str, Vec<sea_orm::Value>, &str) = match new_body {
            Some((body, mentions)) => (
                "UPDATE comments SET body = ?, mentions = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL",
                vec![body.into(), mentions_json(mentions).into(), at.into(), c.id.into()],
                "comment.edited",
            ),
            None => (
                "UPDATE comments SET body = ?, mentions = ?, deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                vec!["".into(), "[]".into(), at.into(), c.id.into()],
                "comment.deleted",
            ),
        };
        let changed = tx.execute(self.stmt(sql, values)).await?.rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &tx,
            board_id,
            actor,
            kind,
            serde_json::json!({"thread_id": c.thread_id, "comment_id": c.id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Resolves or reopens a thread; `false` when it already was so.
    pub async fn set_thread_state(
        &self,
        actor: &Actor,
        board_id: Uuid,
        t: &thread::Model,
        state: ThreadState,
    ) -> Result<bool> {
        let tx = self.begin_write().await?;
        let at = now();
        let (by, when) = match state {
            ThreadState::Resolved => (actor.user_id, Some(at)),
            ThreadState::Open => (None, None),
        };
        let changed = tx
            .execute(self.stmt(
                "UPDATE threads SET state = ?, resolved_by = ?, resolved_at = ?, updated_at = ? WHERE id = ? AND state <> ?",
                vec![
                    state.into(),
                    sea_orm::Value::from(by),
                    sea_orm::Value::from(when),
                    at.into(),
                    t.id.into(),
                    state.into(),
                ],
            ))
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let kind = match state {
            ThreadState::Resolved => "thread.resolved",
            ThreadState::Open => "thread.reopened",
        };
        record(
            &tx,
            board_id,
            actor,
            kind,
            serde_json::json!({"asset_id": t.asset_id, "thread_id": t.id, "number": t.number}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A page of a board's events, newest first, before `before`.
    pub async fn activity(
        &self,
        board_id: Uuid,
        before: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<event::Model>> {
        let mut q = event::Entity::find().filter(event::Column::BoardId.eq(board_id));
        if let Some(before) = before {
            q = q.filter(event::Column::Id.lt(before));
        }
        Ok(q.order_by_desc(event::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?)
    }

    /// Everyone who can see a board (for @mentions), in one query.
    pub async fn board_people(&self, board_id: Uuid) -> Result<Vec<BoardPerson>> {
        let sql = format!(
            "SELECT u.id, u.email, u.display_name FROM users u WHERE u.id IN ({BOARD_AUDIENCE_IDS}) \
             ORDER BY u.display_name, u.id"
        );
        Ok(BoardPerson::find_by_statement(
            self.stmt(&sql, audience_binds(board_id, BoardRole::Viewer)),
        )
        .all(self.conn())
        .await?)
    }
}
