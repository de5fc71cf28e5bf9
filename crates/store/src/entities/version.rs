use critboard_domain::{ReviewStatus, VersionState};
use sea_orm::entity::prelude::*;

/// `Deserialize` reads the JSON of [`crate::json_columns`] (SQLite pages read
/// as one value, ADR 014).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    pub number: i32,
    pub object_key: String,
    pub original_name: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: i32,
    pub height: i32,
    pub sha256: Option<String>,
    #[serde(with = "critboard_domain::stored::number")]
    pub state: VersionState,
    pub failure: Option<String>,
    pub created_by: Option<Uuid>,
    #[serde(with = "critboard_domain::stored::number")]
    pub review_status: ReviewStatus,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// A guest's decision: their guest session (`reviewed_by` is then null).
    pub reviewed_by_guest: Option<Uuid>,
    /// Who made the latest decision, and their role on the board then.
    pub reviewer_name: Option<String>,
    pub reviewer_role: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When its page was captured (captures only).
    pub captured_at: Option<DateTimeUtc>,
    /// Where the page ended up, after redirects.
    pub capture_url: Option<String>,
    /// The page's full height in CSS px, before any cut.
    pub page_height: Option<i32>,
    /// The page was taller than captures may be and was cut.
    pub truncated: bool,
    pub capture_request_id: Option<Uuid>,
    /// 1 for pictures and captures; a deck's page count.
    pub page_count: i32,
    /// Share of its pixels that changed from the version before (page 1),
    /// 0–100, once worked out.
    pub changed_percent: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
