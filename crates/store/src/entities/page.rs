use sea_orm::entity::prelude::*;

/// One page of a deck's version: its size in points, and its rendered
/// picture (viewer size) and grid thumbnail.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub width_pt: f64,
    pub height_pt: f64,
    pub view_key: String,
    pub width: i32,
    pub height: i32,
    pub grid_key: String,
    pub grid_width: i32,
    pub grid_height: i32,
    pub bytes: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
