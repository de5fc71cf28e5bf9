//! Marks drawn with a comment (arrows, rectangles, ellipses, strokes), as
//! JSON in picture fractions.

use super::m0001_foundation::name;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(name("comments"))
                .add_column(text_null(name("drawing")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(name("comments"))
                .drop_column(name("drawing"))
                .to_owned(),
        )
        .await
    }
}
