use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "guest_request_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub guest_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub resource: String,
    pub resource_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
