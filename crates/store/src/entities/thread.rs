use critboard_domain::ThreadState;
use sea_orm::entity::prelude::*;

/// `Deserialize` reads the JSON of [`crate::json_columns`] (SQLite pages read
/// as one value, ADR 014).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "threads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub asset_id: Uuid,
    pub version_id: Uuid,
    pub number: i32,
    pub x: f64,
    pub y: f64,
    pub w: Option<f64>,
    pub h: Option<f64>,
    #[serde(with = "critboard_domain::stored::number")]
    pub state: ThreadState,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_by_guest: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The page of its version it is pinned on (1 for pictures).
    pub page: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
