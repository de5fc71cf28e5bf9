use sea_orm::entity::prelude::*;

/// What changed from version `against_id` to `version_id` on one page,
/// worked out by the `changes` job.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "version_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub against_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub page: i32,
    pub changed_percent: Option<f64>,
    pub width: i32,
    pub height: i32,
    pub regions: String,
    pub removed: String,
    pub picture_key: Option<String>,
    pub failure: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
