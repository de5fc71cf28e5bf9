use sea_orm::entity::prelude::*;

/// One draft of a review: a new thread (`version_id`, `page` and a shape)
/// or a reply (`thread_id`), with its text, mentions and marks.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub review_id: Uuid,
    pub version_id: Option<Uuid>,
    pub page: i32,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub w: Option<f64>,
    pub h: Option<f64>,
    pub thread_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// JSON list of the user ids it mentions.
    #[sea_orm(column_type = "Text")]
    pub mentions: String,
    /// JSON list of `critboard_domain::discussion::Mark`.
    #[sea_orm(column_type = "Text", nullable)]
    pub drawing: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
