//! Reviews submitted as a batch (m0020). A draft's threads and replies
//! wait in `review_items`, which nothing but its author's requests read;
//! submitting turns them into threads and comments, records the decisions,
//! and writes one event (so one notification per person) in one
//! transaction.

use super::discussion::{drawing_json, mentions_json, new_comment, new_thread, Place};
use super::events::Actor;
use crate::entities::{asset, review, review_item, thread, version};
use crate::{new_id, Result, Store, StoreError};
use critboard_domain::discussion::{excerpt, Mark, EXCERPT_MAX};
use critboard_domain::events::{ReviewNews, ReviewSubmitted, VersionNews};
use critboard_domain::{BoardEvent, ReviewStatus};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Statement, Value,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Where a draft goes: a new thread on a version, or a reply in a thread.
pub enum DraftTarget {
    Thread {
        version_id: Uuid,
        page: i32,
        x: f64,
        y: f64,
        w: Option<f64>,
        h: Option<f64>,
    },
    Reply {
        thread_id: Uuid,
    },
}

/// A draft's words: text, mentions and marks, checked by the caller.
pub struct DraftText<'a> {
    pub body: &'a str,
    pub mentions: &'a [Uuid],
    pub drawing: &'a [Mark],
}

/// A decision made with a review: `version` is on the review's board
/// (checked by the caller, with the right to decide).
pub struct ReviewDecision {
    pub version: version::Model,
    pub status: ReviewStatus,
}

/// Who a draft belongs to: one draft per author and board.
fn draft_of(actor: &Actor) -> Option<String> {
    match actor {
        Actor::User { id, .. } => Some(format!("u:{id}")),
        Actor::Guest { id, .. } => Some(format!("g:{id}")),
        Actor::Critboard => None,
    }
}

impl Store {
    /// The author's draft review on a board, started if there is none
    /// (`true`: started now).
    pub async fn draft_review(
        &self,
        actor: &Actor,
        board_id: Uuid,
    ) -> Result<(review::Model, bool)> {
        let key = draft_of(actor).ok_or(StoreError::NotFound)?;
        if let Some(r) = self.draft_by(board_id, &key).await? {
            return Ok((r, false));
        }
        let at = self.now();
        let model = review::Model {
            id: new_id(),
            board_id,
            user_id: actor.user_id(),
            guest_id: actor.guest_id(),
            name: actor.name().chars().take(100).collect(),
            draft_of: Some(key.clone()),
            summary: None,
            threads: 0,
            replies: 0,
            created_at: at,
            updated_at: at,
            submitted_at: None,
        };
        let insert =
            review::Entity::insert(model.clone().into_active_model()).build(self.backend());
        match self.execute_one(insert).await {
            Ok(()) => Ok((model, true)),
            // Two tabs started one at once: the other's is the draft.
            Err(StoreError::Unique(_)) => Ok((
                self.draft_by(board_id, &key)
                    .await?
                    .ok_or(StoreError::NotFound)?,
                false,
            )),
            Err(e) => Err(e),
        }
    }

    async fn draft_by(&self, board_id: Uuid, key: &str) -> Result<Option<review::Model>> {
        Ok(review::Entity::find()
            .filter(review::Column::BoardId.eq(board_id))
            .filter(review::Column::DraftOf.eq(key))
            .one(self.conn())
            .await?)
    }

    /// One write in its turn at the write gate, its unique-index refusals
    /// named.
    async fn execute_one(&self, write: Statement) -> Result<()> {
        let tx = self.begin_write().await?;
        tx.execute(write).await.map_err(StoreError::from)?;
        tx.commit().await
    }

    pub async fn review(&self, id: Uuid) -> Result<Option<review::Model>> {
        Ok(review::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// A board's submitted reviews, newest first (at most `limit`), after
    /// the draft of `actor` if they have one.
    pub async fn reviews_of_board(
        &self,
        board_id: Uuid,
        actor: &Actor,
        limit: u64,
    ) -> Result<Vec<review::Model>> {
        let mut out = Vec::new();
        if let Some(key) = draft_of(actor) {
            out.extend(self.draft_by(board_id, &key).await?);
        }
        out.extend(
            review::Entity::find()
                .filter(review::Column::BoardId.eq(board_id))
                .filter(review::Column::SubmittedAt.is_not_null())
                .order_by_desc(review::Column::SubmittedAt)
                .order_by_desc(review::Column::Id)
                .limit(limit)
                .all(self.conn())
                .await?,
        );
        Ok(out)
    }

    /// A draft's items, oldest first.
    pub async fn review_items(&self, review_id: Uuid) -> Result<Vec<review_item::Model>> {
        Ok(review_item::Entity::find()
            .filter(review_item::Column::ReviewId.eq(review_id))
            .order_by_asc(review_item::Column::CreatedAt)
            .order_by_asc(review_item::Column::Id)
            .all(self.conn())
            .await?)
    }

    /// The asset of each of a review's items (a new thread's version's,
    /// a reply's thread's), in one query.
    pub async fn review_item_assets(&self, review_id: Uuid) -> Result<HashMap<Uuid, Uuid>> {
        #[derive(FromQueryResult)]
        struct Row {
            id: Uuid,
            asset_id: Uuid,
        }
        let rows = Row::find_by_statement(self.stmt(
            "SELECT ri.id AS id, COALESCE(v.asset_id, t.asset_id) AS asset_id FROM review_items ri \
             LEFT JOIN versions v ON v.id = ri.version_id LEFT JOIN threads t ON t.id = ri.thread_id \
             WHERE ri.review_id = ?",
            vec![review_id.into()],
        ))
        .all(self.conn())
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.asset_id)).collect())
    }

    /// Those of `ids` that are versions on `board_id`, in one query.
    pub async fn versions_on_board(
        &self,
        board_id: Uuid,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, version::Model>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let on_board = Query::select()
            .column(asset::Column::Id)
            .from(asset::Entity)
            .and_where(asset::Column::BoardId.eq(board_id))
            .to_owned();
        Ok(version::Entity::find()
            .filter(version::Column::Id.is_in(ids.iter().copied()))
            .filter(version::Column::AssetId.in_subquery(on_board))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect())
    }

    pub async fn review_item(&self, id: Uuid) -> Result<Option<review_item::Model>> {
        Ok(review_item::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Adds a draft to a review that is still a draft (under the review
    /// row's lock, so it cannot slip in beside a submission).
    pub async fn add_review_item(
        &self,
        review_id: Uuid,
        target: DraftTarget,
        text: DraftText<'_>,
    ) -> Result<review_item::Model> {
        let tx = self.begin_write().await?;
        self.lock_draft(&tx, review_id).await?;
        let at = self.now();
        let mut item = review_item::Model {
            id: new_id(),
            review_id,
            version_id: None,
            page: 1,
            x: None,
            y: None,
            w: None,
            h: None,
            thread_id: None,
            body: text.body.to_owned(),
            mentions: mentions_json(text.mentions),
            drawing: drawing_json(text.drawing),
            created_at: at,
            updated_at: at,
        };
        match target {
            DraftTarget::Thread {
                version_id,
                page,
                x,
                y,
                w,
                h,
            } => {
                item.version_id = Some(version_id);
                item.page = page;
                (item.x, item.y, item.w, item.h) = (Some(x), Some(y), w, h);
            }
            DraftTarget::Reply { thread_id } => item.thread_id = Some(thread_id),
        }
        review_item::Entity::insert(item.clone().into_active_model())
            .exec_without_returning(&*tx)
            .await?;
        tx.commit().await?;
        Ok(item)
    }

    /// New words for a draft of a review still in draft.
    pub async fn change_review_item(
        &self,
        item: &review_item::Model,
        text: DraftText<'_>,
    ) -> Result<review_item::Model> {
        let tx = self.begin_write().await?;
        self.lock_draft(&tx, item.review_id).await?;
        let mut changed = item.clone();
        changed.body = text.body.to_owned();
        changed.mentions = mentions_json(text.mentions);
        changed.drawing = drawing_json(text.drawing);
        changed.updated_at = self.now();
        tx.execute(self.stmt(
            "UPDATE review_items SET body = ?, mentions = ?, drawing = ?, updated_at = ? WHERE id = ?",
            vec![
                changed.body.clone().into(),
                changed.mentions.clone().into(),
                Value::from(changed.drawing.clone()),
                changed.updated_at.into(),
                item.id.into(),
            ],
        ))
        .await?;
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn delete_review_item(&self, item: &review_item::Model) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_draft(&tx, item.review_id).await?;
        review_item::Entity::delete_by_id(item.id)
            .exec(&*tx)
            .await?;
        tx.commit().await
    }

    /// Throws a draft away with its items; nothing of it was ever shown.
    pub async fn discard_review(&self, review_id: Uuid) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_draft(&tx, review_id).await?;
        // Items first: MySQL checks the cascade's foreign keys row by row.
        review_item::Entity::delete_many()
            .filter(review_item::Column::ReviewId.eq(review_id))
            .exec(&*tx)
            .await?;
        review::Entity::delete_by_id(review_id).exec(&*tx).await?;
        tx.commit().await
    }

    /// Takes the review row's write lock; fails unless it is a draft.
    async fn lock_draft(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        review_id: Uuid,
    ) -> Result<review::Model> {
        self.lock_row(tx, "reviews", review_id).await?;
        let r = review::Entity::find_by_id(review_id)
            .one(tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if r.submitted_at.is_some() {
            return Err(StoreError::NotADraft);
        }
        Ok(r)
    }

    /// Publishes a draft: its new threads (numbered on their assets, in the
    /// order they were drafted) and replies as of now, the decisions with
    /// their history, the summary, and one `review.submitted` event, all in
    /// one transaction. `role` names the decider as `set_review` does.
    pub async fn submit_review(
        &self,
        actor: &Actor,
        role: &str,
        review_id: Uuid,
        summary: Option<&str>,
        decisions: &[ReviewDecision],
    ) -> Result<review::Model> {
        let tx = self.begin_write().await?;
        let mut r = self.lock_draft(&tx, review_id).await?;
        let items = review_item::Entity::find()
            .filter(review_item::Column::ReviewId.eq(review_id))
            .order_by_asc(review_item::Column::CreatedAt)
            .order_by_asc(review_item::Column::Id)
            .all(&*tx)
            .await?;
        if items.is_empty() && decisions.is_empty() && summary.is_none() {
            return Err(StoreError::EmptyReview);
        }
        let version_ids: Vec<Uuid> = items.iter().filter_map(|i| i.version_id).collect();
        let versions: HashMap<Uuid, version::Model> = version::Entity::find()
            .filter(version::Column::Id.is_in(version_ids))
            .all(&*tx)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        let thread_ids: Vec<Uuid> = items.iter().filter_map(|i| i.thread_id).collect();
        let threads: HashMap<Uuid, thread::Model> = thread::Entity::find()
            .filter(thread::Column::Id.is_in(thread_ids))
            .all(&*tx)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();

        // Thread numbers: each asset's counter moves once, by its count.
        let mut new_on: BTreeMap<Uuid, i32> = BTreeMap::new();
        for i in &items {
            if let Some(v) = i.version_id.and_then(|id| versions.get(&id)) {
                *new_on.entry(v.asset_id).or_default() += 1;
            }
        }
        let mut next_number: HashMap<Uuid, i32> = HashMap::new();
        for (&asset_id, &n) in &new_on {
            tx.execute(self.stmt(
                "UPDATE assets SET thread_seq = thread_seq + ? WHERE id = ?",
                vec![n.into(), asset_id.into()],
            ))
            .await?;
            let last: i32 = asset::Entity::find_by_id(asset_id)
                .select_only()
                .column(asset::Column::ThreadSeq)
                .into_tuple()
                .one(&*tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            next_number.insert(asset_id, last - n + 1);
        }

        let at = self.now();
        let backend = self.backend();
        let mut writes: Vec<Statement> = Vec::new();
        let mut touched: Vec<Uuid> = Vec::new();
        let mut mentions: Vec<Uuid> = Vec::new();
        let (mut opened, mut replied) = (0, 0);
        for i in &items {
            let words: Vec<Uuid> = serde_json::from_str(&i.mentions).unwrap_or_default();
            let marks: Vec<Mark> = i
                .drawing
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default();
            let thread_id = if let Some(v) = i.version_id.and_then(|id| versions.get(&id)) {
                let number = next_number.entry(v.asset_id).or_default();
                let place = Place {
                    x: i.x.unwrap_or_default(),
                    y: i.y.unwrap_or_default(),
                    w: i.w,
                    h: i.h,
                    page: i.page,
                };
                let t = new_thread(actor, v.asset_id, v.id, *number, place, at);
                *number += 1;
                opened += 1;
                touched.push(v.asset_id);
                writes.push(thread::Entity::insert(t.clone().into_active_model()).build(backend));
                t.id
            } else if let Some(t) = i.thread_id.and_then(|id| threads.get(&id)) {
                replied += 1;
                touched.push(t.asset_id);
                t.id
            } else {
                continue;
            };
            let c = new_comment(actor, thread_id, &i.body, &words, &marks, at);
            writes.push(
                crate::entities::comment::Entity::insert(c.into_active_model()).build(backend),
            );
            for m in words {
                if !mentions.contains(&m) {
                    mentions.push(m);
                }
            }
        }

        let mut decided = Vec::new();
        for d in decisions {
            let v = &d.version;
            writes.extend(self.decision_writes(actor, role, r.board_id, v, d.status, at));
            touched.push(v.asset_id);
            decided.push((v, d.status));
        }
        touched.sort();
        touched.dedup();
        let titles: HashMap<Uuid, String> = asset::Entity::find()
            .filter(asset::Column::Id.is_in(touched.clone()))
            .all(&*tx)
            .await?
            .into_iter()
            .map(|a| (a.id, a.title))
            .collect();

        r.draft_of = None;
        r.summary = summary.map(str::to_owned);
        r.threads = opened;
        r.replies = replied;
        r.updated_at = at;
        r.submitted_at = Some(at);
        writes.push(self.stmt(
            "UPDATE reviews SET draft_of = NULL, summary = ?, threads = ?, replies = ?, \
             updated_at = ?, submitted_at = ? WHERE id = ?",
            vec![
                Value::from(r.summary.clone()),
                opened.into(),
                replied.into(),
                at.into(),
                at.into(),
                review_id.into(),
            ],
        ));
        writes.push(
            review_item::Entity::delete_many()
                .filter(review_item::Column::ReviewId.eq(review_id))
                .build(backend),
        );
        let news = ReviewSubmitted {
            review_id,
            threads: opened,
            replies: replied,
            asset_ids: touched,
            decisions: decided
                .into_iter()
                .map(|(v, status)| ReviewNews {
                    version: VersionNews {
                        asset_id: v.asset_id,
                        version_id: v.id,
                        number: v.number,
                        title: titles.get(&v.asset_id).cloned().unwrap_or_default(),
                    },
                    status,
                })
                .collect(),
            excerpt: summary.map(|s| excerpt(s, EXCERPT_MAX)),
            mentions,
        };
        writes.extend(self.event_writes(r.board_id, actor, &BoardEvent::ReviewSubmitted(news)));
        self.execute_all(&tx, writes).await?;
        tx.commit().await?;
        Ok(r)
    }
}
