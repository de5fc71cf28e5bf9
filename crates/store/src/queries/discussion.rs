//! Threads, comments and idempotency keys. Every change is written together
//! with the event that describes it, in one transaction (see `events`).

use super::boards::BoardRow;
use super::events::{audience_binds, requote, Actor, BOARD_AUDIENCE_IDS};
use crate::entities::{asset, comment, guest_request_key, idempotency_key, thread};
use crate::{new_id, Result, Store, StoreError};
use critboard_domain::discussion::{describe_drawing, excerpt, Mark, EXCERPT_MAX};
use critboard_domain::events::{CommentNews, ThreadNews};
use critboard_domain::{BoardEvent, BoardRole, ThreadState};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement,
};
use uuid::Uuid;

pub struct NewThread<'a> {
    pub board_id: Uuid,
    pub asset_id: Uuid,
    pub version_id: Uuid,
    pub x: f64,
    pub y: f64,
    pub w: Option<f64>,
    pub h: Option<f64>,
    /// The page of the version (1 for pictures).
    pub page: i32,
    pub body: &'a str,
    pub mentions: &'a [Uuid],
    /// Marks drawn with the first comment (checked by the caller).
    pub drawing: &'a [Mark],
    pub idempotency_key: Option<&'a str>,
}

/// A reply: its text, the people it mentions, its marks (all checked by
/// the caller).
pub struct NewComment<'a> {
    pub body: &'a str,
    pub mentions: &'a [Uuid],
    pub drawing: &'a [Mark],
    pub idempotency_key: Option<&'a str>,
}

/// A person who can see a board, for resolving @mentions.
#[derive(Debug, Clone, FromQueryResult)]
pub struct BoardPerson {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
}

/// A picture's title, for the events about it.
/// The title of an asset, and where a thread on it sits for readers: its
/// page when the asset is a deck (`page 7, #3`), else nothing.
async fn title_and_page(
    db: &impl ConnectionTrait,
    asset_id: Uuid,
    page: i32,
) -> Result<(String, Option<i32>)> {
    let a = asset::Entity::find_by_id(asset_id).one(db).await?;
    Ok(a.map_or((String::new(), None), |a| {
        let page = (a.kind == critboard_domain::AssetKind::Deck).then_some(page);
        (a.title, page)
    }))
}

pub(crate) async fn asset_title(tx: &DatabaseTransaction, asset_id: Uuid) -> Result<String> {
    Ok(asset::Entity::find_by_id(asset_id)
        .one(tx)
        .await?
        .map(|a| a.title)
        .unwrap_or_default())
}

/// Where a thread sits on its version.
pub(crate) struct Place {
    pub x: f64,
    pub y: f64,
    pub w: Option<f64>,
    pub h: Option<f64>,
    pub page: i32,
}

/// A new open thread by `actor`, as it will be written.
pub(crate) fn new_thread(
    actor: &Actor,
    asset_id: Uuid,
    version_id: Uuid,
    number: i32,
    place: Place,
    at: chrono::DateTime<chrono::Utc>,
) -> thread::Model {
    thread::Model {
        id: new_id(),
        asset_id,
        version_id,
        number,
        x: place.x,
        y: place.y,
        w: place.w,
        h: place.h,
        state: ThreadState::Open,
        page: place.page,
        resolved_by: None,
        resolved_at: None,
        created_by: actor.user_id(),
        created_by_guest: actor.guest_id(),
        created_at: at,
        updated_at: at,
    }
}

/// A new comment by `actor` in a thread, as it will be written.
pub(crate) fn new_comment(
    actor: &Actor,
    thread_id: Uuid,
    body: &str,
    mentions: &[Uuid],
    drawing: &[Mark],
    at: chrono::DateTime<chrono::Utc>,
) -> comment::Model {
    comment::Model {
        id: new_id(),
        thread_id,
        author_id: actor.user_id(),
        guest_name: actor.guest_name(),
        guest_id: actor.guest_id(),
        body: body.to_owned(),
        mentions: mentions_json(mentions),
        edited_at: None,
        deleted_at: None,
        created_at: at,
        drawing: drawing_json(drawing),
    }
}

pub(crate) fn mentions_json(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// What an idempotency key of this actor already created, if anything.
    pub async fn idempotent(&self, actor: &Actor, key: &str) -> Result<Option<(String, Uuid)>> {
        let key = key.to_owned();
        let found = match actor {
            Actor::User { id, .. } => idempotency_key::Entity::find_by_id((*id, key))
                .one(self.conn())
                .await?
                .map(|k| (k.resource, k.resource_id)),
            Actor::Guest { id, .. } => guest_request_key::Entity::find_by_id((*id, key))
                .one(self.conn())
                .await?
                .map(|k| (k.resource, k.resource_id)),
            Actor::Critboard => None,
        };
        Ok(found)
    }

    pub(crate) async fn remember(
        &self,
        tx: &DatabaseTransaction,
        actor: &Actor,
        key: Option<&str>,
        resource: &str,
        id: Uuid,
    ) -> Result<()> {
        let writes = self.remember_write(actor, key, resource, id);
        self.execute_all(tx, writes.into_iter().collect()).await
    }

    /// The row that makes a retry with the same idempotency key answer
    /// with what this request creates (none without a key).
    fn remember_write(
        &self,
        actor: &Actor,
        key: Option<&str>,
        resource: &str,
        id: Uuid,
    ) -> Option<Statement> {
        let key = key?.to_owned();
        let backend = self.backend();
        match actor {
            Actor::User { id: user_id, .. } => Some(
                idempotency_key::Entity::insert(idempotency_key::ActiveModel {
                    user_id: Set(*user_id),
                    key: Set(key),
                    resource: Set(resource.to_owned()),
                    resource_id: Set(id),
                    created_at: Set(self.now()),
                })
                .build(backend),
            ),
            Actor::Guest { id: guest_id, .. } => Some(
                guest_request_key::Entity::insert(guest_request_key::ActiveModel {
                    guest_id: Set(*guest_id),
                    key: Set(key),
                    resource: Set(resource.to_owned()),
                    resource_id: Set(id),
                    created_at: Set(self.now()),
                })
                .build(backend),
            ),
            Actor::Critboard => None,
        }
    }

    /// Opens a thread with its first comment. Its number is the asset's next,
    /// taken under the asset row's write lock, so parallel threads get
    /// distinct consecutive numbers on every backend.
    pub async fn create_thread(
        &self,
        actor: &Actor,
        new: NewThread<'_>,
    ) -> Result<(thread::Model, comment::Model)> {
        // Read before the write turn: the title is for the event's text.
        let (title, page) = title_and_page(self.conn(), new.asset_id, new.page).await?;
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
        let at = self.now();
        let place = Place {
            x: new.x,
            y: new.y,
            w: new.w,
            h: new.h,
            page: new.page,
        };
        let t = new_thread(actor, new.asset_id, new.version_id, number, place, at);
        let c = new_comment(actor, t.id, new.body, new.mentions, new.drawing, at);
        let backend = self.backend();
        let mut writes = vec![
            thread::Entity::insert(t.clone().into_active_model()).build(backend),
            comment::Entity::insert(c.clone().into_active_model()).build(backend),
        ];
        writes.extend(self.remember_write(actor, new.idempotency_key, "thread", t.id));
        writes.extend(self.event_writes(
            new.board_id,
            actor,
            &BoardEvent::ThreadOpened(CommentNews {
                asset_id: Some(new.asset_id),
                thread_id: t.id,
                number,
                page,
                comment_id: c.id,
                title,
                excerpt: Some(excerpt(new.body, EXCERPT_MAX)),
                mentions: new.mentions.to_vec(),
                drawing: describe_drawing(new.drawing),
            }),
        ));
        self.execute_all(&tx, writes).await?;
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
        self.all_of(q.order_by_asc(thread::Column::Number), "t.number")
            .await
    }

    /// The comments of several threads, oldest first, in one query.
    pub async fn comments_of(&self, thread_ids: Vec<Uuid>) -> Result<Vec<comment::Model>> {
        if thread_ids.is_empty() {
            return Ok(Vec::new());
        }
        let q = comment::Entity::find()
            .filter(comment::Column::ThreadId.is_in(thread_ids))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id);
        self.all_of(q, "t.created_at, t.id").await
    }

    pub async fn add_comment(
        &self,
        actor: &Actor,
        board_id: Uuid,
        thread: &thread::Model,
        new: NewComment<'_>,
    ) -> Result<comment::Model> {
        let NewComment {
            body,
            mentions,
            drawing,
            idempotency_key,
        } = new;
        // Read before the write turn: the title is for the event's text.
        let (title, page) = title_and_page(self.conn(), thread.asset_id, thread.page).await?;
        // Ids are taken in the turn, so they follow commit order (the live
        // poller reads events past the newest id it has seen).
        let tx = self.begin_write().await?;
        let c = new_comment(actor, thread.id, body, mentions, drawing, self.now());
        let mut writes =
            vec![comment::Entity::insert(c.clone().into_active_model()).build(self.backend())];
        writes.extend(self.remember_write(actor, idempotency_key, "comment", c.id));
        writes.extend(self.event_writes(
            board_id,
            actor,
            &BoardEvent::CommentAdded(CommentNews {
                asset_id: Some(thread.asset_id),
                thread_id: thread.id,
                number: thread.number,
                page,
                comment_id: c.id,
                title,
                excerpt: Some(excerpt(body, EXCERPT_MAX)),
                mentions: mentions.to_vec(),
                drawing: describe_drawing(drawing),
            }),
        ));
        self.execute_all(&tx, writes).await?;
        tx.commit().await?;
        Ok(c)
    }

    pub async fn comment(&self, id: Uuid) -> Result<Option<comment::Model>> {
        Ok(comment::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Edits (new text) or deletes (`None`, soft) a comment of thread `t`,
    /// with its event. The quotes of the comment's earlier events follow:
    /// the new words, or none once deleted.
    pub async fn change_comment(
        &self,
        actor: &Actor,
        board_id: Uuid,
        t: &thread::Model,
        c: &comment::Model,
        new_body: Option<(&str, &[Uuid])>,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let at = self.now();
        let (sql, values): (&str, Vec<sea_orm::Value>) = match new_body {
            Some((body, mentions)) => (
                "UPDATE comments SET body = ?, mentions = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL",
                vec![body.into(), mentions_json(mentions).into(), at.into(), c.id.into()],
            ),
            None => (
                "UPDATE comments SET body = ?, mentions = ?, deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                vec!["".into(), "[]".into(), at.into(), c.id.into()],
            ),
        };
        let changed = tx.execute(self.stmt(sql, values)).await?.rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        let text = new_body.map(|(body, _)| body);
        requote(&tx, c.id, text).await?;
        // An edit tells only the people it newly mentions.
        let told: Vec<Uuid> = serde_json::from_str(&c.mentions).unwrap_or_default();
        let newly = new_body
            .map(|(_, m)| m.iter().copied().filter(|p| !told.contains(p)).collect())
            .unwrap_or_default();
        let (title, page) = title_and_page(&*tx, t.asset_id, t.page).await?;
        let news = CommentNews {
            asset_id: Some(t.asset_id),
            thread_id: t.id,
            number: t.number,
            page,
            comment_id: c.id,
            title,
            excerpt: text.map(|body| excerpt(body, EXCERPT_MAX)),
            mentions: newly,
            drawing: None,
        };
        let event = match new_body {
            Some(_) => BoardEvent::CommentEdited(news),
            None => BoardEvent::CommentDeleted(news),
        };
        self.record(&tx, board_id, actor, &event).await?;
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
        let at = self.now();
        let (by, when) = match state {
            ThreadState::Resolved => (actor.user_id(), Some(at)),
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
        let news = ThreadNews {
            asset_id: t.asset_id,
            thread_id: t.id,
            number: t.number,
            title: asset_title(&tx, t.asset_id).await?,
        };
        let event = match state {
            ThreadState::Resolved => BoardEvent::ThreadResolved(news),
            ThreadState::Open => BoardEvent::ThreadReopened(news),
        };
        self.record(&tx, board_id, actor, &event).await?;
        tx.commit().await?;
        Ok(true)
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

/// Marks as stored: a JSON list, or nothing for a comment without any.
pub(crate) fn drawing_json(marks: &[Mark]) -> Option<String> {
    (!marks.is_empty()).then(|| serde_json::to_string(marks).unwrap_or_default())
}
