use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "guest_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub link_id: Uuid,
    pub token_hash: String,
    pub display_name: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Where replies in their threads are e-mailed, once confirmed.
    pub email: Option<String>,
    pub email_confirmed_at: Option<DateTimeUtc>,
    /// Replies up to this moment were e-mailed (or came before the address).
    pub emailed_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
