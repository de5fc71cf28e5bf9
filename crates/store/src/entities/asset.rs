use critboard_domain::{AssetKind, ReviewStatus};
use sea_orm::entity::prelude::*;

/// `Deserialize` reads the JSON of [`crate::json_columns`] (SQLite pages read
/// as one value, ADR 014).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub title: String,
    pub position: i64,
    #[serde(with = "critboard_domain::stored::number")]
    pub review_status: ReviewStatus,
    pub current_version_id: Option<Uuid>,
    pub version_count: i32,
    pub thread_seq: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[serde(with = "critboard_domain::stored::number")]
    pub kind: AssetKind,
    /// A capture's page, as asked for.
    pub source_url: Option<String>,
    /// A capture's width in CSS px.
    pub capture_width: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
