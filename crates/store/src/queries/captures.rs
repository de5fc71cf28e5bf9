//! Website captures: asking for them (one asset per width, or a new
//! version of each), following their progress, and storing the result.

use super::assets::{add_version, new_asset, new_version, next_position, version_news};
use super::events::Actor;
use crate::entities::{asset, job, version};
use crate::{new_id, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use critboard_domain::assets::{address_label, capture_title};
use critboard_domain::events::{CaptureNews, CaptureStage, VersionNews};
use critboard_domain::{AssetKind, BoardEvent, VersionState};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Under which name an `Idempotency-Key` remembers a capture request.
pub const RESOURCE: &str = "capture";
/// … and a request to capture again.
pub const RECAPTURE: &str = "recapture";

pub struct NewCaptures<'a> {
    pub board_id: Uuid,
    /// Normalised, and checked by the caller.
    pub url: &'a str,
    pub widths: &'a [i32],
    pub idempotency_key: Option<&'a str>,
}

/// A page as it was captured (the file is already stored).
pub struct Captured {
    pub bytes: i64,
    pub width: i32,
    pub height: i32,
    pub content_type: &'static str,
    pub captured_at: DateTime<Utc>,
    pub final_url: String,
    pub page_height: i32,
    pub truncated: bool,
    /// The page's `<title>`.
    pub page_title: String,
}

/// What a capture is called until its page has told us its title.
fn placeholder(url: &str, width: i32) -> String {
    capture_title(&address_label(url), width)
}

/// "example.com-pricing-1440.png", the name its file downloads under.
fn file_name(url: &str, width: i32) -> String {
    let slug: String = address_label(url)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(200)
        .collect();
    format!("{}-{width}.png", slug.trim_matches('-'))
}

impl Store {
    /// One capture asset per width, each with version 1 queued and its
    /// job (`job` for a version id), in one transaction; remembered under
    /// the idempotency key.
    pub async fn request_captures(
        &self,
        actor: &Actor,
        new: NewCaptures<'_>,
        job: impl Fn(Uuid) -> job::ActiveModel,
    ) -> Result<Vec<(asset::Model, version::Model)>> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "boards", new.board_id).await?;
        let request = new_id();
        let at = self.now();
        let mut made = Vec::new();
        let mut position = next_position(&tx, self, new.board_id).await?;
        for &width in new.widths {
            let version_id = new_id();
            let mut a = new_asset(new.board_id, placeholder(new.url, width), position, at);
            position += 1;
            a.kind = Set(AssetKind::Capture);
            a.source_url = Set(Some(new.url.to_owned()));
            a.capture_width = Set(Some(width));
            a.current_version_id = Set(Some(version_id));
            a.created_by = Set(actor.user_id());
            let a = a.insert(&*tx).await?;
            let v = self
                .queue_capture(&tx, actor, &a, version_id, request, &job, at)
                .await?;
            made.push((a, v));
        }
        self.remember(&tx, actor, new.idempotency_key, RESOURCE, request)
            .await?;
        tx.commit().await?;
        Ok(made)
    }

    /// A new queued version of a capture asset, its job and its event.
    #[allow(clippy::too_many_arguments)]
    async fn queue_capture(
        &self,
        tx: &DatabaseTransaction,
        actor: &Actor,
        a: &asset::Model,
        version_id: Uuid,
        request: Uuid,
        job: &impl Fn(Uuid) -> job::ActiveModel,
        at: DateTime<Utc>,
    ) -> Result<version::Model> {
        let url = a.source_url.clone().unwrap_or_default();
        let width = a.capture_width.unwrap_or_default();
        let mut v = new_version(version_id, a, &format!("o/{version_id}"), at);
        v.original_name = Set(file_name(&url, width));
        v.content_type = Set("image/png".into());
        v.state = Set(VersionState::Queued);
        v.created_by = Set(actor.user_id());
        v.capture_request_id = Set(Some(request));
        let v = v.insert(tx).await?;
        job::Entity::insert(job(version_id))
            .exec_without_returning(tx)
            .await?;
        self.record_capture(tx, actor, a, &v).await?;
        Ok(v)
    }

    async fn record_capture(
        &self,
        tx: &DatabaseTransaction,
        actor: &Actor,
        a: &asset::Model,
        v: &version::Model,
    ) -> Result<()> {
        let news = CaptureNews {
            version: VersionNews {
                asset_id: a.id,
                version_id: v.id,
                number: v.number,
                title: a.title.clone(),
            },
            url: a.source_url.clone().unwrap_or_default(),
            width: a.capture_width.unwrap_or_default(),
        };
        self.record(tx, a.board_id, actor, &BoardEvent::CaptureRequested(news))
            .await
    }

    /// Captures each asset again, in one transaction: a new version of
    /// each, except that a failed last capture is tried again in place and
    /// one still under way is left to finish. The versions come back in
    /// the order of `asset_ids`; assets that are not captures are skipped.
    pub async fn request_recaptures(
        &self,
        actor: &Actor,
        board_id: Uuid,
        asset_ids: &[Uuid],
        idempotency_key: Option<&str>,
        job: impl Fn(Uuid, Uuid) -> job::ActiveModel,
    ) -> Result<Vec<(asset::Model, version::Model)>> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "boards", board_id).await?;
        let request = new_id();
        let at = self.now();
        let mut made = Vec::new();
        for &asset_id in asset_ids {
            let Some(a) = asset::Entity::find_by_id(asset_id)
                .one(&*tx)
                .await?
                .filter(|a| a.board_id == board_id && a.kind == AssetKind::Capture)
            else {
                continue;
            };
            let current = match a.current_version_id {
                Some(id) => version::Entity::find_by_id(id).one(&*tx).await?,
                None => None,
            };
            match current {
                Some(v) if !v.state.is_settled() => made.push((a, v)),
                Some(v) if v.state == VersionState::Failed => {
                    let mut vm = v.into_active_model();
                    vm.state = Set(VersionState::Queued);
                    vm.failure = Set(None);
                    vm.capture_request_id = Set(Some(request));
                    vm.updated_at = Set(at);
                    let v = vm.update(&*tx).await?;
                    job::Entity::insert(job(v.id, request))
                        .exec_without_returning(&*tx)
                        .await?;
                    self.record_capture(&tx, actor, &a, &v).await?;
                    made.push((a, v));
                }
                _ => {
                    let version_id = new_id();
                    let a = add_version(&tx, a, version_id, at).await?;
                    let v = self
                        .queue_capture(
                            &tx,
                            actor,
                            &a,
                            version_id,
                            request,
                            &|id| job(id, request),
                            at,
                        )
                        .await?;
                    made.push((a, v));
                }
            }
        }
        self.remember(&tx, actor, idempotency_key, RECAPTURE, request)
            .await?;
        tx.commit().await?;
        Ok(made)
    }

    /// The assets and versions a capture request made (to answer a
    /// retried request with the same idempotency key).
    pub async fn captures_of_request(
        &self,
        request: Uuid,
    ) -> Result<Vec<(asset::Model, version::Model)>> {
        let versions = version::Entity::find()
            .filter(version::Column::CaptureRequestId.eq(request))
            .all(self.conn())
            .await?;
        let ids: Vec<Uuid> = versions.iter().map(|v| v.asset_id).collect();
        let mut assets: HashMap<Uuid, asset::Model> = asset::Entity::find()
            .filter(asset::Column::Id.is_in(ids))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut out: Vec<_> = versions
            .into_iter()
            .filter_map(|v| assets.remove(&v.asset_id).map(|a| (a, v)))
            .collect();
        out.sort_by_key(|(a, _)| (a.position, a.id));
        Ok(out)
    }

    /// A board's website captures in board order (or the one asset
    /// `only`), each with whether its last capture is still under way (a
    /// request to capture it again would leave that one to finish).
    pub async fn capture_targets(
        &self,
        board_id: Uuid,
        only: Option<Uuid>,
    ) -> Result<Vec<(asset::Model, bool)>> {
        let mut find = asset::Entity::find()
            .filter(asset::Column::BoardId.eq(board_id))
            .filter(asset::Column::Kind.eq(AssetKind::Capture));
        if let Some(id) = only {
            find = find.filter(asset::Column::Id.eq(id));
        }
        let assets = find
            .order_by_asc(asset::Column::Position)
            .order_by_asc(asset::Column::Id)
            .all(self.conn())
            .await?;
        let current: Vec<Uuid> = assets.iter().filter_map(|a| a.current_version_id).collect();
        let unsettled: Vec<Uuid> = if current.is_empty() {
            Vec::new()
        } else {
            version::Entity::find()
                .filter(version::Column::Id.is_in(current))
                .all(self.conn())
                .await?
                .into_iter()
                .filter(|v| !v.state.is_settled())
                .map(|v| v.id)
                .collect()
        };
        Ok(assets
            .into_iter()
            .map(|a| {
                let busy = a.current_version_id.is_some_and(|v| unsettled.contains(&v));
                (a, busy)
            })
            .collect())
    }

    /// Moves a capture under way to `state` (loading, capturing), with its
    /// event. `false` when it is no longer under way.
    pub async fn capture_stage(&self, version_id: Uuid, state: VersionState) -> Result<bool> {
        let tx = self.begin_write().await?;
        let moved = tx
            .execute(self.stmt(
                "UPDATE versions SET state = ?, updated_at = ? WHERE id = ? AND state IN (?, ?, ?)",
                vec![
                    state.into(),
                    self.now().into(),
                    version_id.into(),
                    VersionState::Queued.into(),
                    VersionState::Loading.into(),
                    VersionState::Capturing.into(),
                ],
            ))
            .await?
            .rows_affected()
            == 1;
        if moved {
            if let Some((board_id, version)) = version_news(&tx, version_id).await? {
                let event = BoardEvent::CaptureProgress(CaptureStage { version, state });
                self.record(&tx, board_id, &Actor::Critboard, &event)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(moved)
    }

    /// Records a captured page whose file is stored: the version moves on
    /// to `processing` (thumbnails), and a capture still named after its
    /// address takes the page's title. `false` when the version was no
    /// longer under way (nothing is written then).
    pub async fn store_capture(&self, version_id: Uuid, c: Captured) -> Result<bool> {
        let tx = self.begin_write().await?;
        let v = version::Entity::find_by_id(version_id)
            .one(&*tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !matches!(
            v.state,
            VersionState::Queued | VersionState::Loading | VersionState::Capturing
        ) {
            return Ok(false);
        }
        let asset_id = v.asset_id;
        let mut vm = v.into_active_model();
        vm.state = Set(VersionState::Processing);
        vm.bytes = Set(c.bytes);
        vm.width = Set(c.width);
        vm.height = Set(c.height);
        vm.content_type = Set(c.content_type.to_owned());
        vm.captured_at = Set(Some(c.captured_at));
        vm.capture_url = Set(Some(c.final_url.chars().take(2048).collect()));
        vm.page_height = Set(Some(c.page_height));
        vm.truncated = Set(c.truncated);
        vm.updated_at = Set(self.now());
        vm.update(&*tx).await?;
        if let Some(a) = asset::Entity::find_by_id(asset_id).one(&*tx).await? {
            let url = a.source_url.clone().unwrap_or_default();
            let width = a.capture_width.unwrap_or_default();
            if a.title == placeholder(&url, width) && !c.page_title.trim().is_empty() {
                let mut am = a.into_active_model();
                am.title = Set(capture_title(&c.page_title, width));
                am.update(&*tx).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn capture_files_are_named_after_the_page_and_width() {
        assert_eq!(
            super::file_name("https://example.com/pricing/", 1440),
            "example.com-pricing-1440.png"
        );
        assert_eq!(
            super::placeholder("https://example.com/pricing", 390),
            "example.com/pricing — mobile"
        );
    }
}
