//! Assets, versions, thumbnails and direct uploads.

use super::boards::BoardRow;
use super::discussion::asset_title;
use super::events::{forget_quotes_of_asset, Actor};
use crate::entities::{asset, decision, job, page, setting, thread, thumbnail, upload, version};
use crate::{json_columns, new_id, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use critboard_domain::events::{
    AssetDeleted, AssetMoved, AssetRenamed, RenderStage, ReviewNews, VersionFailure, VersionNews,
};
use critboard_domain::stored::Stored;
use critboard_domain::{
    AssetKind, BoardEvent, ReviewStatus, ThreadState, UploadState, VersionState,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction,
    EntityTrait, FromQueryResult, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set, Statement,
};
use uuid::Uuid;

/// An asset together with the caller's role on its board.
pub struct AssetAccess {
    pub asset: asset::Model,
    /// The board with the caller's grants; the caller decides what they allow.
    pub board: BoardRow,
}

pub struct NewUpload<'a> {
    pub board_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub user_id: Uuid,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: i64,
    pub idempotency_key: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

/// What the stored bytes turned out to be.
pub struct CheckedFile {
    pub content_type: &'static str,
    /// A picture's size, or a deck's first page as rendered.
    pub width: i32,
    pub height: i32,
    /// A picture, or a deck of this many pages.
    pub kind: AssetKind,
    pub page_count: i32,
}

/// A deck's page whose picture and grid thumbnail are in storage.
pub struct NewPage {
    pub number: i32,
    pub width_pt: f64,
    pub height_pt: f64,
    pub view: NewThumbnail,
    pub grid: NewThumbnail,
}

/// A thumbnail that has been written to storage.
pub struct NewThumbnail {
    pub size: &'static str,
    pub object_key: String,
    pub content_type: &'static str,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
}

/// A version as the API shows it: with its thumbnails and its open and
/// total thread counts.
#[derive(Debug, serde::Deserialize)]
pub struct VersionCard {
    pub version: version::Model,
    pub thumbnails: Vec<thumbnail::Model>,
    pub open_threads: i64,
    pub threads: i64,
}

/// An asset as the board page shows it, with its current version.
#[derive(Debug, serde::Deserialize)]
pub struct AssetCard {
    pub asset: asset::Model,
    pub current: Option<VersionCard>,
}

#[derive(Debug, Clone, FromQueryResult)]
struct BoardId {
    board_id: Uuid,
}

impl Store {
    /// An instance-wide setting, created with `init()` the first time; every
    /// node then reads the same value (e.g. the URL-signing secret).
    pub async fn setting_or_init(
        &self,
        name: &str,
        init: impl FnOnce() -> String,
    ) -> Result<String> {
        setting::Entity::insert(setting::ActiveModel {
            name: Set(name.to_owned()),
            value: Set(init()),
        })
        // A no-op update rather than DO NOTHING, which sea-query cannot
        // write for MySQL.
        .on_conflict(
            OnConflict::column(setting::Column::Name)
                .update_column(setting::Column::Name)
                .to_owned(),
        )
        .exec_without_returning(self.conn())
        .await?;
        setting::Entity::find_by_id(name.to_owned())
            .one(self.conn())
            .await?
            .map(|s| s.value)
            .ok_or(StoreError::NotFound)
    }

    /// Bytes a workspace stores, counting uploads still in flight.
    pub async fn workspace_usage(&self, workspace_id: Uuid) -> Result<i64> {
        #[derive(FromQueryResult)]
        struct Sum {
            total: i64,
        }
        let total = self.as_bigint("COALESCE(SUM(x.bytes), 0)");
        let stored = format!(
            "SELECT {total} AS total FROM versions x \
             JOIN assets a ON a.id = x.asset_id JOIN boards b ON b.id = a.board_id \
             WHERE b.workspace_id = ?"
        );
        let pending = format!(
            "SELECT {total} AS total FROM uploads x JOIN boards b ON b.id = x.board_id \
             WHERE b.workspace_id = ? AND x.state = ?"
        );
        let mut used = 0;
        for (sql, binds) in [
            (stored, vec![workspace_id.into()]),
            (
                pending,
                vec![workspace_id.into(), UploadState::Uploading.into()],
            ),
        ] {
            let row = Sum::find_by_statement(self.stmt(&sql, binds))
                .one(self.conn())
                .await?;
            used += row.map_or(0, |r| r.total);
        }
        Ok(used)
    }

    /// Records an upload waiting for its bytes. With an idempotency key, a
    /// retried request gets the upload it already created.
    pub async fn create_upload(&self, new: NewUpload<'_>) -> Result<upload::Model> {
        if let Some(key) = new.idempotency_key {
            if let Some(existing) = self.upload_by_key(new.user_id, key).await? {
                return Ok(existing);
            }
        }
        let id = new_id();
        let model = upload::ActiveModel {
            id: Set(id),
            board_id: Set(new.board_id),
            asset_id: Set(new.asset_id),
            user_id: Set(new.user_id),
            object_key: Set(format!("o/{id}")),
            file_name: Set(new.file_name.to_owned()),
            content_type: Set(new.content_type.to_owned()),
            bytes: Set(new.bytes),
            state: Set(UploadState::Uploading),
            version_id: Set(None),
            failure: Set(None),
            idempotency_key: Set(new.idempotency_key.map(str::to_owned)),
            expires_at: Set(new.expires_at),
            created_at: Set(self.now()),
        };
        match model.insert(self.conn()).await.map_err(StoreError::from) {
            Ok(u) => Ok(u),
            // Two retries raced: the other one's row is the answer.
            Err(e)
                if new.idempotency_key.is_some()
                    && e.is_unique(crate::unique::UPLOAD_IDEMPOTENCY_KEY) =>
            {
                self.upload_by_key(new.user_id, new.idempotency_key.unwrap_or_default())
                    .await?
                    .ok_or(StoreError::NotFound)
            }
            Err(e) => Err(e),
        }
    }

    async fn upload_by_key(&self, user_id: Uuid, key: &str) -> Result<Option<upload::Model>> {
        Ok(upload::Entity::find()
            .filter(upload::Column::UserId.eq(user_id))
            .filter(upload::Column::IdempotencyKey.eq(key))
            .one(self.conn())
            .await?)
    }

    pub async fn upload(&self, id: Uuid) -> Result<Option<upload::Model>> {
        Ok(upload::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Marks an upload refused with the reason shown to the uploader.
    pub async fn refuse_upload(&self, id: Uuid, reason: &str) -> Result<()> {
        let reason: String = reason.chars().take(250).collect();
        upload::Entity::update_many()
            .col_expr(upload::Column::State, UploadState::Refused.into())
            .col_expr(upload::Column::Failure, Some(reason).into())
            .filter(upload::Column::Id.eq(id))
            .filter(upload::Column::State.eq(UploadState::Uploading))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Turns a checked upload into a new asset, or a new version of its
    /// asset, and queues its thumbnails — all in one transaction. Completing
    /// twice returns the first result.
    pub async fn complete_upload(
        &self,
        actor: &Actor,
        board_id: Uuid,
        upload_id: Uuid,
        file: CheckedFile,
        thumbnail_job: impl FnOnce(Uuid) -> job::ActiveModel,
    ) -> Result<(asset::Model, version::Model)> {
        let tx = self.begin_write().await?;
        // Lock first (never read-then-upgrade: SQLite would answer BUSY).
        self.lock_row(&tx, "boards", board_id).await?;
        let up = upload::Entity::find_by_id(upload_id)
            .one(&*tx)
            .await?
            .filter(|u| u.board_id == board_id)
            .ok_or(StoreError::NotFound)?;
        if let Some(version_id) = up.version_id {
            let v = version::Entity::find_by_id(version_id)
                .one(&*tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let a = asset::Entity::find_by_id(v.asset_id)
                .one(&*tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            return Ok((a, v));
        }
        if up.state != UploadState::Uploading {
            return Err(StoreError::UploadRefused);
        }
        let at = self.now();
        let version_id = new_id();
        let asset = match up.asset_id {
            Some(asset_id) => {
                let a = asset::Entity::find_by_id(asset_id)
                    .one(&*tx)
                    .await?
                    .filter(|a| a.board_id == up.board_id)
                    .ok_or(StoreError::NotFound)?;
                // A deck's versions are decks; a picture's are pictures.
                if (a.kind == AssetKind::Deck) != (file.kind == AssetKind::Deck) {
                    return Err(StoreError::UploadRefused);
                }
                add_version(&tx, a, version_id, at).await?
            }
            None => {
                let position = next_position(&tx, self, up.board_id).await?;
                let mut a = new_asset(
                    up.board_id,
                    title_from_file_name(&up.file_name),
                    position,
                    at,
                );
                a.current_version_id = Set(Some(version_id));
                a.created_by = Set(Some(up.user_id));
                a.kind = Set(file.kind);
                a.insert(&*tx).await?
            }
        };
        let mut v = new_version(version_id, &asset, &up.object_key, at);
        v.original_name = Set(up.file_name.clone());
        v.content_type = Set(file.content_type.to_owned());
        v.bytes = Set(up.bytes);
        v.width = Set(file.width);
        v.height = Set(file.height);
        v.page_count = Set(file.page_count);
        v.state = Set(VersionState::Processing);
        v.created_by = Set(Some(up.user_id));
        let version = v.insert(&*tx).await?;
        let mut um = up.into_active_model();
        um.state = Set(UploadState::Completed);
        um.version_id = Set(Some(version_id));
        um.update(&*tx).await?;
        job::Entity::insert(thumbnail_job(version_id))
            .exec_without_returning(&*tx)
            .await?;
        let news = VersionNews {
            asset_id: asset.id,
            version_id: version.id,
            number: version.number,
            title: asset.title.clone(),
        };
        let event = if version.number == 1 {
            BoardEvent::AssetAdded(news)
        } else {
            BoardEvent::VersionAdded(news)
        };
        self.record(&tx, asset.board_id, actor, &event).await?;
        tx.commit().await?;
        Ok((asset, version))
    }

    /// An asset with the caller's grants on its board.
    pub async fn asset_for(&self, user_id: Uuid, asset_id: Uuid) -> Result<Option<AssetAccess>> {
        let Some(a) = asset::Entity::find_by_id(asset_id).one(self.conn()).await? else {
            return Ok(None);
        };
        Ok(self
            .board_for(user_id, a.board_id)
            .await?
            .map(|board| AssetAccess { asset: a, board }))
    }

    /// The board a version belongs to, with the caller's role, in one query.
    pub async fn version_for(
        &self,
        user_id: Uuid,
        version_id: Uuid,
    ) -> Result<Option<(version::Model, BoardRow)>> {
        let Some(v) = version::Entity::find_by_id(version_id)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let sql = "SELECT a.board_id FROM assets a WHERE a.id = ?";
        let Some(BoardId { board_id }) =
            BoardId::find_by_statement(self.stmt(sql, vec![v.asset_id.into()]))
                .one(self.conn())
                .await?
        else {
            return Ok(None);
        };
        Ok(self.board_for(user_id, board_id).await?.map(|b| (v, b)))
    }

    pub async fn asset(&self, asset_id: Uuid) -> Result<Option<asset::Model>> {
        Ok(asset::Entity::find_by_id(asset_id).one(self.conn()).await?)
    }

    /// A board's assets in order.
    /// A page of a board's assets in board order, after the (position, id)
    /// of the previous page's last asset.
    pub async fn assets_of(
        &self,
        board_id: Uuid,
        after: Option<(i64, Uuid)>,
        limit: u64,
    ) -> Result<Vec<asset::Model>> {
        let mut q = asset::Entity::find().filter(asset::Column::BoardId.eq(board_id));
        if let Some((position, id)) = after {
            q = q.filter(
                sea_orm::Condition::any()
                    .add(asset::Column::Position.gt(position))
                    .add(
                        sea_orm::Condition::all()
                            .add(asset::Column::Position.eq(position))
                            .add(asset::Column::Id.gt(id)),
                    ),
            );
        }
        Ok(q.order_by_asc(asset::Column::Position)
            .order_by_asc(asset::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?)
    }

    /// A page of a board's assets as cards (see [`Store::assets_of`]), in
    /// four queries whatever their number; on SQLite in one, read as one
    /// JSON value: a page of 200 cards is about 1,000 rows, and sqlx's
    /// SQLite driver hands each row, column by column, from its thread to
    /// ours (ADR 016).
    pub async fn asset_cards(
        &self,
        board_id: Uuid,
        after: Option<(i64, Uuid)>,
        limit: u64,
    ) -> Result<Vec<AssetCard>> {
        if self.backend() != DatabaseBackend::Sqlite {
            let assets = self.assets_of(board_id, after, limit).await?;
            return self.cards_of(assets).await;
        }
        let mut page = String::from("SELECT id FROM assets WHERE board_id = ?");
        let mut binds: Vec<sea_orm::Value> = vec![board_id.into()];
        if let Some((position, id)) = after {
            page.push_str(" AND (position > ? OR (position = ? AND id > ?))");
            binds.extend([position.into(), position.into(), id.into()]);
        }
        page.push_str(" ORDER BY position, id LIMIT ?");
        binds.push((limit as i64).into());
        let (a, v, t) = (
            json_columns::<asset::Entity>("a"),
            json_columns::<version::Entity>("v"),
            json_columns::<thumbnail::Entity>("t"),
        );
        // json() keeps the subquery's array an array rather than its text.
        // No ORDER BY in the aggregates: each would build a temporary
        // b-tree (per page, and per asset for thumbnails); the page is
        // sorted after parsing, and thumbnails are told apart by size.
        let sql = format!(
            "SELECT json_group_array(json_object(\
               'asset', json_object({a}), \
               'current', CASE WHEN v.id IS NULL THEN NULL ELSE json_object(\
                 'version', json_object({v}), \
                 'thumbnails', json((SELECT json_group_array(json_object({t})) \
                   FROM thumbnails t WHERE t.version_id = v.id)), \
                 'open_threads', (SELECT COUNT(*) FROM threads h \
                   WHERE h.version_id = v.id AND h.state = {open}), \
                 'threads', (SELECT COUNT(*) FROM threads h WHERE h.version_id = v.id)) END\
             )) AS page \
             FROM ({page}) p JOIN assets a ON a.id = p.id \
             LEFT JOIN versions v ON v.id = a.current_version_id",
            open = ThreadState::Open.number(),
        );
        let mut cards: Vec<AssetCard> = self.one_json(&sql, binds).await?;
        // Uuid order is the blobs' byte order, as SQLite sorts them.
        cards.sort_by_key(|c| (c.asset.position, c.asset.id));
        Ok(cards)
    }

    /// These assets as cards, in their order, in three queries whatever
    /// their number.
    pub async fn cards_of(&self, assets: Vec<asset::Model>) -> Result<Vec<AssetCard>> {
        let current: Vec<Uuid> = assets.iter().filter_map(|a| a.current_version_id).collect();
        let versions = self.versions_by_id(current).await?;
        let mut by_id: std::collections::HashMap<Uuid, VersionCard> = self
            .version_cards(versions)
            .await?
            .into_iter()
            .map(|c| (c.version.id, c))
            .collect();
        Ok(assets
            .into_iter()
            .map(|asset| AssetCard {
                current: asset.current_version_id.and_then(|id| by_id.remove(&id)),
                asset,
            })
            .collect())
    }

    /// These versions with their thumbnails and thread counts, in their
    /// order, in two queries whatever their number.
    pub async fn version_cards(&self, versions: Vec<version::Model>) -> Result<Vec<VersionCard>> {
        let ids: Vec<Uuid> = versions.iter().map(|v| v.id).collect();
        let thumbs = self.thumbnails_of(ids.clone()).await?;
        let counts = self.thread_counts(ids).await?;
        let mut thumbs_of: std::collections::HashMap<Uuid, Vec<thumbnail::Model>> =
            Default::default();
        for t in thumbs {
            thumbs_of.entry(t.version_id).or_default().push(t);
        }
        Ok(versions
            .into_iter()
            .map(|version| {
                let (open_threads, threads) = counts.get(&version.id).copied().unwrap_or((0, 0));
                VersionCard {
                    thumbnails: thumbs_of.remove(&version.id).unwrap_or_default(),
                    version,
                    open_threads,
                    threads,
                }
            })
            .collect())
    }

    /// Sets a version's review status, and its asset's when it is the
    /// current version, with the event, in one transaction.
    /// Records a decision on a version: the version's status and who set
    /// it (`role`: their role on the board, or "guest"), a row of its
    /// history, the asset's status when it is the current version, and
    /// the event, in one transaction.
    pub async fn set_review(
        &self,
        actor: &Actor,
        role: &str,
        board_id: Uuid,
        version: &version::Model,
        status: ReviewStatus,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let writes = self.decision_writes(actor, role, board_id, version, status, self.now());
        self.execute_all(&tx, writes).await?;
        let news = ReviewNews {
            version: VersionNews {
                asset_id: version.asset_id,
                version_id: version.id,
                number: version.number,
                title: asset_title(&tx, version.asset_id).await?,
            },
            status,
        };
        self.record(&tx, board_id, actor, &BoardEvent::ReviewChanged(news))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What a decision writes: the version's status and who set it, a row
    /// of its history, and the asset's status when it is the current version.
    pub(crate) fn decision_writes(
        &self,
        actor: &Actor,
        role: &str,
        board_id: Uuid,
        version: &version::Model,
        status: ReviewStatus,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Vec<Statement> {
        let row = decision::ActiveModel {
            id: Set(new_id()),
            version_id: Set(version.id),
            board_id: Set(board_id),
            status: Set(status),
            user_id: Set(actor.user_id()),
            guest_id: Set(actor.guest_id()),
            name: Set(actor.name().to_owned()),
            role: Set(role.to_owned()),
            created_at: Set(at),
        };
        vec![
            self.stmt(
                "UPDATE versions SET review_status = ?, reviewed_by = ?, reviewed_at = ?, \
                 reviewed_by_guest = ?, reviewer_name = ?, reviewer_role = ? WHERE id = ?",
                vec![
                    status.into(),
                    sea_orm::Value::from(actor.user_id()),
                    at.into(),
                    sea_orm::Value::from(actor.guest_id()),
                    actor.name().into(),
                    role.into(),
                    version.id.into(),
                ],
            ),
            decision::Entity::insert(row).build(self.backend()),
            self.stmt(
                "UPDATE assets SET review_status = ?, updated_at = ? WHERE id = ? AND current_version_id = ?",
                vec![status.into(), at.into(), version.asset_id.into(), version.id.into()],
            ),
        ]
    }

    /// A version's decisions, newest first (at most `limit`).
    pub async fn decisions_of(&self, version_id: Uuid, limit: u64) -> Result<Vec<decision::Model>> {
        Ok(decision::Entity::find()
            .filter(decision::Column::VersionId.eq(version_id))
            .order_by_desc(decision::Column::CreatedAt)
            .order_by_desc(decision::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?)
    }

    /// Open and total thread counts per version, in one query.
    pub async fn thread_counts(
        &self,
        version_ids: Vec<Uuid>,
    ) -> Result<std::collections::HashMap<Uuid, (i64, i64)>> {
        #[derive(FromQueryResult)]
        struct Row {
            version_id: Uuid,
            open: i64,
            total: i64,
        }
        if version_ids.is_empty() {
            return Ok(Default::default());
        }
        let marks = vec!["?"; version_ids.len()].join(", ");
        let open = self.as_bigint("SUM(CASE WHEN state = 1 THEN 1 ELSE 0 END)");
        let sql = format!(
            "SELECT version_id, {open} AS open, COUNT(*) AS total FROM threads \
             WHERE version_id IN ({marks}) GROUP BY version_id"
        );
        let rows = Row::find_by_statement(
            self.stmt(&sql, version_ids.into_iter().map(Into::into).collect()),
        )
        .all(self.conn())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.version_id, (r.open, r.total)))
            .collect())
    }

    /// Versions by id (e.g. the current versions of a page of assets).
    pub async fn versions_by_id(&self, ids: Vec<Uuid>) -> Result<Vec<version::Model>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(version::Entity::find()
            .filter(version::Column::Id.is_in(ids))
            .all(self.conn())
            .await?)
    }

    /// The version before `v` of the same asset.
    pub async fn previous_version(&self, v: &version::Model) -> Result<Option<version::Model>> {
        Ok(version::Entity::find()
            .filter(version::Column::AssetId.eq(v.asset_id))
            .filter(version::Column::Number.eq(v.number - 1))
            .one(self.conn())
            .await?)
    }

    /// All versions of an asset, newest first.
    pub async fn versions_of(&self, asset_id: Uuid) -> Result<Vec<version::Model>> {
        Ok(version::Entity::find()
            .filter(version::Column::AssetId.eq(asset_id))
            .order_by_desc(version::Column::Number)
            .all(self.conn())
            .await?)
    }

    pub async fn thumbnails_of(&self, version_ids: Vec<Uuid>) -> Result<Vec<thumbnail::Model>> {
        if version_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(thumbnail::Entity::find()
            .filter(thumbnail::Column::VersionId.is_in(version_ids))
            .all(self.conn())
            .await?)
    }

    /// Gives an asset another title; other viewers hear of it live.
    pub async fn rename_asset(&self, actor: &Actor, asset_id: Uuid, title: &str) -> Result<()> {
        let title = title.trim();
        let tx = self.begin_write().await?;
        // Write first: a read cannot upgrade to a write on SQLite, and the
        // previous title must be the one this rename replaces.
        self.lock_row(&tx, "assets", asset_id).await?;
        let a = asset::Entity::find_by_id(asset_id)
            .one(&*tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if a.title == title {
            return tx.commit().await;
        }
        asset::Entity::update_many()
            .col_expr(asset::Column::Title, title.to_owned().into())
            .col_expr(asset::Column::UpdatedAt, self.now().into())
            .filter(asset::Column::Id.eq(asset_id))
            .exec(&*tx)
            .await?;
        let event = BoardEvent::AssetRenamed(AssetRenamed {
            asset_id,
            title: title.to_owned(),
            previous_title: a.title,
        });
        self.record(&tx, a.board_id, actor, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves an asset to `index` (0-based) in its board's order and
    /// renumbers the board, in one transaction.
    pub async fn move_asset(
        &self,
        actor: &Actor,
        board_id: Uuid,
        asset_id: Uuid,
        index: usize,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "boards", board_id).await?;
        let mut ids: Vec<Uuid> = asset::Entity::find()
            .filter(asset::Column::BoardId.eq(board_id))
            .order_by_asc(asset::Column::Position)
            .order_by_asc(asset::Column::Id)
            .select_only()
            .column(asset::Column::Id)
            .into_tuple()
            .all(&*tx)
            .await?;
        let from = ids
            .iter()
            .position(|id| *id == asset_id)
            .ok_or(StoreError::NotFound)?;
        let id = ids.remove(from);
        let to = index.min(ids.len());
        ids.insert(to, id);
        if to == from {
            return tx.commit().await;
        }
        for (position, id) in ids.iter().enumerate() {
            tx.execute(self.stmt(
                "UPDATE assets SET position = ? WHERE id = ?",
                vec![(position as i64).into(), (*id).into()],
            ))
            .await?;
        }
        let event = BoardEvent::AssetMoved(AssetMoved {
            asset_id,
            title: asset_title(&tx, asset_id).await?,
            position: i32::try_from(to).unwrap_or(i32::MAX),
        });
        self.record(&tx, board_id, actor, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an asset with its versions and thumbnails, and queues the job
    /// (`delete_files`, given the stored objects' keys) that removes their
    /// files, in one transaction: no row without its file, no file left
    /// behind. The board hears what went with it (its open threads).
    pub async fn delete_asset(
        &self,
        actor: &Actor,
        asset_id: Uuid,
        delete_files: impl FnOnce(Vec<String>) -> job::ActiveModel,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "assets", asset_id).await?;
        let a = asset::Entity::find_by_id(asset_id)
            .one(&*tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let open_threads = thread::Entity::find()
            .filter(thread::Column::AssetId.eq(asset_id))
            .filter(thread::Column::State.eq(ThreadState::Open))
            .count(&*tx)
            .await?;
        let versions: Vec<version::Model> = version::Entity::find()
            .filter(version::Column::AssetId.eq(asset_id))
            .all(&*tx)
            .await?;
        let event = BoardEvent::AssetDeleted(AssetDeleted {
            asset_id,
            title: a.title,
            versions: i32::try_from(versions.len()).unwrap_or(i32::MAX),
            open_threads: i32::try_from(open_threads).unwrap_or(i32::MAX),
        });
        let ids: Vec<Uuid> = versions.iter().map(|v| v.id).collect();
        // A deck's cover thumbnails are its first page's: each key once.
        let mut keys: std::collections::BTreeSet<String> =
            versions.into_iter().map(|v| v.object_key).collect();
        if !ids.is_empty() {
            let thumbs = thumbnail::Entity::find()
                .filter(thumbnail::Column::VersionId.is_in(ids.clone()))
                .all(&*tx)
                .await?;
            keys.extend(thumbs.into_iter().map(|t| t.object_key));
            let pages = page::Entity::find()
                .filter(page::Column::VersionId.is_in(ids.clone()))
                .all(&*tx)
                .await?;
            keys.extend(pages.into_iter().flat_map(|p| [p.view_key, p.grid_key]));
            let changes = crate::entities::version_change::Entity::find()
                .filter(crate::entities::version_change::Column::VersionId.is_in(ids))
                .all(&*tx)
                .await?;
            keys.extend(changes.into_iter().filter_map(|c| c.picture_key));
        }
        let records = crate::entities::export::Entity::find()
            .filter(crate::entities::export::Column::AssetId.eq(asset_id))
            .all(&*tx)
            .await?;
        keys.extend(records.into_iter().filter_map(|x| x.object_key));
        let keys: Vec<String> = keys.into_iter().collect();
        forget_quotes_of_asset(&tx, asset_id).await?;
        asset::Entity::delete_by_id(asset_id).exec(&*tx).await?;
        if !keys.is_empty() {
            job::Entity::insert(delete_files(keys))
                .exec_without_returning(&*tx)
                .await?;
        }
        self.record(&tx, a.board_id, actor, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a version's thumbnails (and a deck's pages) and makes it
    /// ready. `false` when the version was no longer processing (another
    /// worker finished it first): nothing is written then.
    pub async fn finish_version(
        &self,
        version_id: Uuid,
        sha256: String,
        thumbs: Vec<NewThumbnail>,
        pages: Vec<NewPage>,
    ) -> Result<bool> {
        let tx = self.begin_write().await?;
        let claimed = tx
            .execute(self.stmt(
                "UPDATE versions SET state = ?, sha256 = ?, updated_at = ? WHERE id = ? AND state = ?",
                vec![
                    VersionState::Ready.into(),
                    sha256.into(),
                    self.now().into(),
                    version_id.into(),
                    VersionState::Processing.into(),
                ],
            ))
            .await?
            .rows_affected();
        if claimed != 1 {
            return Ok(false);
        }
        // A deck's size is its cover's, and slides learn theirs only here.
        if let Some(cover) = pages.first() {
            tx.execute(self.stmt(
                "UPDATE versions SET page_count = ?, width = ?, height = ? WHERE id = ?",
                vec![
                    (pages.len() as i32).into(),
                    cover.view.width.into(),
                    cover.view.height.into(),
                    version_id.into(),
                ],
            ))
            .await?;
        }
        let at = self.now();
        let rows = thumbs.into_iter().map(|t| thumbnail::ActiveModel {
            version_id: Set(version_id),
            size: Set(t.size.to_owned()),
            object_key: Set(t.object_key),
            content_type: Set(t.content_type.to_owned()),
            width: Set(t.width),
            height: Set(t.height),
            bytes: Set(t.bytes),
            created_at: Set(at),
        });
        thumbnail::Entity::insert_many(rows)
            .exec_without_returning(&*tx)
            .await?;
        // Chunks keep each statement under every backend's parameter limit.
        let pages: Vec<page::ActiveModel> = pages
            .into_iter()
            .map(|p| page::ActiveModel {
                version_id: Set(version_id),
                number: Set(p.number),
                width_pt: Set(p.width_pt),
                height_pt: Set(p.height_pt),
                view_key: Set(p.view.object_key),
                width: Set(p.view.width),
                height: Set(p.view.height),
                grid_key: Set(p.grid.object_key),
                grid_width: Set(p.grid.width),
                grid_height: Set(p.grid.height),
                bytes: Set(p.view.bytes + p.grid.bytes),
            })
            .collect();
        for chunk in pages.chunks(100) {
            page::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&*tx)
                .await?;
        }
        if let Some((board_id, news)) = version_news(&tx, version_id).await? {
            self.record(
                &tx,
                board_id,
                &Actor::Critboard,
                &BoardEvent::VersionReady(news),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Marks a version that is not settled yet (processing, or a capture
    /// under way) as unusable, with a `version.failed` event, in one
    /// transaction.
    pub async fn fail_version(&self, version_id: Uuid, reason: &str) -> Result<()> {
        let reason: String = reason.chars().take(250).collect();
        let tx = self.begin_write().await?;
        let claimed = tx
            .execute(self.stmt(
                "UPDATE versions SET state = ?, failure = ?, updated_at = ? \
                 WHERE id = ? AND state NOT IN (?, ?)",
                vec![
                    VersionState::Failed.into(),
                    reason.clone().into(),
                    self.now().into(),
                    version_id.into(),
                    VersionState::Ready.into(),
                    VersionState::Failed.into(),
                ],
            ))
            .await?
            .rows_affected();
        if claimed == 1 {
            if let Some((board_id, version)) = version_news(&tx, version_id).await? {
                let failed = VersionFailure {
                    version,
                    failure: reason,
                };
                let event = BoardEvent::VersionFailed(failed);
                self.record(&tx, board_id, &Actor::Critboard, &event)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A deck version's pages, in order.
    pub async fn pages_of(&self, version_id: Uuid) -> Result<Vec<page::Model>> {
        Ok(page::Entity::find()
            .filter(page::Column::VersionId.eq(version_id))
            .order_by_asc(page::Column::Number)
            .all(self.conn())
            .await?)
    }

    /// Tells the board how far a deck's rendering is, while it is.
    pub async fn render_progress(&self, version_id: Uuid, page: i32, pages: i32) -> Result<()> {
        let tx = self.begin_write().await?;
        let Some(v) = version::Entity::find_by_id(version_id).one(&*tx).await? else {
            return Ok(());
        };
        if v.state != VersionState::Processing {
            return Ok(());
        }
        if let Some((board_id, version)) = version_news(&tx, version_id).await? {
            let event = BoardEvent::RenderProgress(RenderStage {
                version,
                page,
                pages,
            });
            self.record(&tx, board_id, &Actor::Critboard, &event)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn version(&self, id: Uuid) -> Result<Option<version::Model>> {
        Ok(version::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Uploads created before `cutoff` that never completed (or were
    /// refused): their objects and rows are garbage.
    pub async fn stale_uploads(
        &self,
        cutoff: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<upload::Model>> {
        Ok(upload::Entity::find()
            .filter(upload::Column::State.ne(UploadState::Completed))
            .filter(upload::Column::CreatedAt.lt(cutoff))
            .limit(limit)
            .all(self.conn())
            .await?)
    }

    pub async fn delete_upload(&self, id: Uuid) -> Result<()> {
        upload::Entity::delete_by_id(id).exec(self.conn()).await?;
        Ok(())
    }
}

/// A version as events name it, with its board.
pub(crate) async fn version_news(
    tx: &DatabaseTransaction,
    version_id: Uuid,
) -> Result<Option<(Uuid, VersionNews)>> {
    let Some(v) = version::Entity::find_by_id(version_id).one(tx).await? else {
        return Ok(None);
    };
    let Some(a) = asset::Entity::find_by_id(v.asset_id).one(tx).await? else {
        return Ok(None);
    };
    Ok(Some((
        a.board_id,
        VersionNews {
            asset_id: a.id,
            version_id: v.id,
            number: v.number,
            title: a.title,
        },
    )))
}

/// An asset row with its defaults: a picture, in review, no version yet.
pub(crate) fn new_asset(
    board_id: Uuid,
    title: String,
    position: i64,
    at: DateTime<Utc>,
) -> asset::ActiveModel {
    asset::ActiveModel {
        id: Set(new_id()),
        board_id: Set(board_id),
        title: Set(title),
        position: Set(position),
        review_status: Set(ReviewStatus::InReview),
        current_version_id: Set(None),
        version_count: Set(1),
        thread_seq: Set(0),
        created_by: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        kind: Set(AssetKind::Picture),
        source_url: Set(None),
        capture_width: Set(None),
    }
}

/// Makes `version_id` the asset's next and current version; a new
/// version is back in review.
pub(crate) async fn add_version(
    tx: &DatabaseTransaction,
    a: asset::Model,
    version_id: Uuid,
    at: DateTime<Utc>,
) -> Result<asset::Model> {
    let mut am = a.into_active_model();
    am.version_count = Set(am.version_count.as_ref() + 1);
    am.current_version_id = Set(Some(version_id));
    am.review_status = Set(ReviewStatus::InReview);
    am.updated_at = Set(at);
    Ok(am.update(tx).await?)
}

/// The asset's latest version (its `version_count`), with no file yet.
pub(crate) fn new_version(
    id: Uuid,
    asset: &asset::Model,
    object_key: &str,
    at: DateTime<Utc>,
) -> version::ActiveModel {
    version::ActiveModel {
        id: Set(id),
        asset_id: Set(asset.id),
        number: Set(asset.version_count),
        object_key: Set(object_key.to_owned()),
        original_name: Set(String::new()),
        content_type: Set(String::new()),
        bytes: Set(0),
        width: Set(0),
        height: Set(0),
        sha256: Set(None),
        state: Set(VersionState::Processing),
        failure: Set(None),
        created_by: Set(None),
        review_status: Set(ReviewStatus::InReview),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        reviewed_by_guest: Set(None),
        reviewer_name: Set(None),
        reviewer_role: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        captured_at: Set(None),
        capture_url: Set(None),
        page_height: Set(None),
        truncated: Set(false),
        capture_request_id: Set(None),
        page_count: Set(1),
        changed_percent: Set(None),
    }
}

/// A new asset goes to the end of its board.
pub(crate) async fn next_position(
    tx: &DatabaseTransaction,
    store: &Store,
    board_id: Uuid,
) -> Result<i64> {
    #[derive(FromQueryResult)]
    struct Max {
        next: i64,
    }
    let expr = store.as_bigint("COALESCE(MAX(position), -1) + 1");
    let sql = format!("SELECT {expr} AS next FROM assets WHERE board_id = ?");
    let row = Max::find_by_statement(store.stmt(&sql, vec![board_id.into()]))
        .one(tx)
        .await?;
    Ok(row.map_or(0, |r| r.next))
}

/// "Homepage v2.png" → "Homepage v2".
pub fn title_from_file_name(name: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 5 => stem,
        _ => name,
    };
    let title: String = stem
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if title.is_empty() {
        "Untitled".into()
    } else {
        title
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_come_from_file_names() {
        assert_eq!(
            super::title_from_file_name("Homepage v2.png"),
            "Homepage v2"
        );
        assert_eq!(super::title_from_file_name(".png"), ".png");
        assert_eq!(super::title_from_file_name("noext"), "noext");
        assert_eq!(super::title_from_file_name("   .jpeg"), "Untitled");
    }
}
