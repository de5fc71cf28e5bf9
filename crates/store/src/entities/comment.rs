use sea_orm::entity::prelude::*;

/// `Deserialize` reads the JSON of [`crate::json_columns`] (SQLite pages read
/// as one value, ADR 014).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub thread_id: Uuid,
    pub author_id: Option<Uuid>,
    pub guest_name: Option<String>,
    pub guest_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text")]
    pub mentions: String,
    pub edited_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Marks drawn with it: a JSON list of `critboard_domain::discussion::Mark`.
    #[sea_orm(column_type = "Text", nullable)]
    pub drawing: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
