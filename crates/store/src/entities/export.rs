use sea_orm::entity::prelude::*;

/// A review record asked for: made by the `export` job, downloaded by
/// whoever asked for it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub asset_id: Option<Uuid>,
    /// "pdf" or "csv".
    pub format: String,
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    /// "queued", "working", "ready" or "failed".
    pub state: String,
    pub done: i32,
    pub total: i32,
    pub object_key: Option<String>,
    pub file_name: String,
    pub bytes: i64,
    pub failure: Option<String>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
