use critboard_domain::ReviewStatus;
use sea_orm::entity::prelude::*;

/// One decision on a version (approve, request changes, back to review),
/// kept as history; the version holds the latest.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub version_id: Uuid,
    pub board_id: Uuid,
    pub status: ReviewStatus,
    /// Who decided: a signed-in person, or a guest of a share link.
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    /// Their name and role on the board then ("guest" for guests).
    pub name: String,
    pub role: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
