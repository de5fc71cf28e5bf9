//! Review records (m0022): asked for, made by the `export` job with
//! progress told live, then downloaded by whoever asked.

use super::events::Actor;
use crate::entities::{export, guest_session, job};
use crate::{Result, Store};
use critboard_domain::events::ExportNews;
use critboard_domain::BoardEvent;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Value,
};
use uuid::Uuid;

impl Store {
    /// Records the request and its job in one transaction.
    pub async fn create_export(&self, x: export::Model, job: job::ActiveModel) -> Result<()> {
        let tx = self.begin_write().await?;
        export::Entity::insert(x.into_active_model())
            .exec_without_returning(&*tx)
            .await?;
        job.insert(&*tx).await?;
        tx.commit().await
    }

    pub async fn export(&self, id: Uuid) -> Result<Option<export::Model>> {
        Ok(export::Entity::find_by_id(id).one(self.conn()).await?)
    }

    /// Moves an export on (`state` "working", "ready" or "failed") and tells
    /// the board's stream, in one transaction. `false` if it is gone.
    pub async fn export_state(
        &self,
        x: &export::Model,
        state: &str,
        (done, total): (i32, i32),
        file: Option<(&str, i64)>,
        failure: Option<&str>,
    ) -> Result<bool> {
        let tx = self.begin_write().await?;
        let finished = (state != "working").then(|| self.now());
        let (key, bytes) = match file {
            Some((key, bytes)) => (Some(key.to_owned()), bytes),
            None => (None, 0),
        };
        let changed = tx
            .execute(self.stmt(
                "UPDATE exports SET state = ?, done = ?, total = ?, object_key = ?, bytes = ?, \
                 failure = ?, finished_at = ? WHERE id = ?",
                vec![
                    state.into(),
                    done.into(),
                    total.into(),
                    Value::from(key),
                    bytes.into(),
                    Value::from(failure.map(str::to_owned)),
                    Value::from(finished),
                    x.id.into(),
                ],
            ))
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let news = ExportNews {
            export_id: x.id,
            state: state.to_owned(),
            done,
            total,
        };
        self.record(
            &tx,
            x.board_id,
            &Actor::Critboard,
            &BoardEvent::ExportProgress(news),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn board_name(&self, id: Uuid) -> Result<Option<String>> {
        Ok(crate::entities::board::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .map(|b| b.name))
    }

    /// The guests who opened a board's share links, first visit first.
    pub async fn link_guests(&self, link_ids: Vec<Uuid>) -> Result<Vec<guest_session::Model>> {
        if link_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(guest_session::Entity::find()
            .filter(guest_session::Column::LinkId.is_in(link_ids))
            .order_by_asc(guest_session::Column::CreatedAt)
            .all(self.conn())
            .await?)
    }
}
