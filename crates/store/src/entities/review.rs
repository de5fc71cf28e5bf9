use sea_orm::entity::prelude::*;

/// A reviewer's batch of threads and replies: a draft only its author
/// sees, until submitted (then `submitted_at` is set and its items have
/// become threads and comments).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    /// The author's name when they started it.
    pub name: String,
    /// `u:<user id>` or `g:<guest id>` while a draft; `None` once submitted.
    pub draft_of: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    /// What submitting it published: new threads, and replies.
    pub threads: i32,
    pub replies: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
