//! What changed between two versions (m0021): the pictures the `changes`
//! job compares, and its results, kept once worked out.

use super::assets::version_news;
use super::events::Actor;
use crate::entities::{page, thumbnail, version, version_change};
use crate::{Result, Store, StoreError};
use critboard_domain::events::ChangesNews;
use critboard_domain::{BoardEvent, VersionState};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// A stored picture of a version.
pub struct Picture {
    pub object_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
}

/// What may be compared of a version's page: the picture the viewer
/// shows (a deck page's, or a picture's or capture's viewer thumbnail),
/// and for a picture or capture its original file too.
pub struct Shown {
    pub view: Picture,
    pub original: Option<Picture>,
}

impl Store {
    /// The ready version just before `v` of its asset, if any: what a new
    /// version is compared with first.
    pub async fn version_before(&self, v: &version::Model) -> Result<Option<version::Model>> {
        self.version_before_in(self.conn(), v).await
    }

    async fn version_before_in(
        &self,
        db: &impl ConnectionTrait,
        v: &version::Model,
    ) -> Result<Option<version::Model>> {
        Ok(version::Entity::find()
            .filter(version::Column::AssetId.eq(v.asset_id))
            .filter(version::Column::Number.lt(v.number))
            .filter(version::Column::State.eq(VersionState::Ready))
            .order_by_desc(version::Column::Number)
            .one(db)
            .await?)
    }

    pub async fn version_change(
        &self,
        version_id: Uuid,
        against_id: Uuid,
        page: i32,
    ) -> Result<Option<version_change::Model>> {
        Ok(
            version_change::Entity::find_by_id((version_id, against_id, page))
                .one(self.conn())
                .await?,
        )
    }

    /// What is shown of page `page` of a ready version (`None` before it
    /// is ready, or past its last page).
    pub async fn shown_picture(&self, version_id: Uuid, page: i32) -> Result<Option<Shown>> {
        let Some(v) = version::Entity::find_by_id(version_id)
            .one(self.conn())
            .await?
            .filter(|v| v.state == VersionState::Ready)
        else {
            return Ok(None);
        };
        if let Some(p) = page::Entity::find_by_id((version_id, page))
            .one(self.conn())
            .await?
        {
            return Ok(Some(Shown {
                view: Picture {
                    object_key: p.view_key,
                    content_type: "image/jpeg".into(),
                    width: p.width,
                    height: p.height,
                },
                original: None,
            }));
        }
        if page != 1 || v.page_count > 1 {
            return Ok(None);
        }
        let view = thumbnail::Entity::find()
            .filter(thumbnail::Column::VersionId.eq(version_id))
            .filter(thumbnail::Column::Size.eq("view"))
            .one(self.conn())
            .await?;
        Ok(view.map(|t| Shown {
            view: Picture {
                object_key: t.object_key,
                content_type: t.content_type,
                width: t.width,
                height: t.height,
            },
            original: Some(Picture {
                object_key: v.object_key,
                content_type: v.content_type,
                width: v.width,
                height: v.height,
            }),
        }))
    }

    /// Keeps what the job worked out and tells the board's live viewers,
    /// in one transaction. `false`: another run kept it first (or the
    /// asset is gone: versions go only with it), and the caller's picture
    /// is named by no row.
    pub async fn save_version_change(&self, change: version_change::Model) -> Result<bool> {
        let tx = self.begin_write().await?;
        let Some((board_id, version)) = version_news(&tx, change.version_id).await? else {
            return Ok(false);
        };
        let news = ChangesNews {
            version,
            against: change.against_id,
            page: change.page,
            changed_percent: change.changed_percent,
        };
        match version_change::Entity::insert(change.into_active_model())
            .exec_without_returning(&*tx)
            .await
            .map_err(StoreError::from)
        {
            Ok(_) => {}
            Err(StoreError::Unique(_)) => return Ok(false),
            Err(e) => return Err(e),
        }
        // The board's card tells how much a picture or capture changed
        // from the version before it.
        if news.page == 1 {
            let v = version::Entity::find_by_id(news.version.version_id)
                .one(&*tx)
                .await?;
            if let (Some(v), Some(pct)) = (v, news.changed_percent) {
                let before = self.version_before_in(&*tx, &v).await?;
                if v.page_count == 1 && before.is_some_and(|b| b.id == news.against) {
                    tx.execute(self.stmt(
                        "UPDATE versions SET changed_percent = ? WHERE id = ?",
                        vec![pct.into(), v.id.into()],
                    ))
                    .await?;
                }
            }
        }
        self.record(
            &tx,
            board_id,
            &Actor::Critboard,
            &BoardEvent::ChangesReady(news),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
