use critboard_domain::UploadState;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub board_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub user_id: Uuid,
    pub object_key: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: i64,
    pub state: UploadState,
    pub version_id: Option<Uuid>,
    pub failure: Option<String>,
    pub idempotency_key: Option<String>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
