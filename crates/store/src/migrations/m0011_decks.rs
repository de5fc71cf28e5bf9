//! PDF decks: a version has pages (one row each, with its rendered picture
//! and grid thumbnail), and a thread sits on a page of its version.

use super::m0001_foundation::{cascade, create, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create(
            m,
            Table::create()
                .table(name("pages"))
                .col(uuid(name("version_id")))
                .col(integer(name("number")))
                .col(double(name("width_pt")))
                .col(double(name("height_pt")))
                .col(string_len(name("view_key"), 255))
                .col(integer(name("width")))
                .col(integer(name("height")))
                .col(string_len(name("grid_key"), 255))
                .col(integer(name("grid_width")))
                .col(integer(name("grid_height")))
                .col(big_integer(name("bytes")))
                .primary_key(Index::create().col(name("version_id")).col(name("number")))
                .foreign_key(&mut cascade("pages", "version_id", "versions"))
                .to_owned(),
        )
        .await?;
        for (table, col) in [("versions", "page_count"), ("threads", "page")] {
            m.alter_table(
                Table::alter()
                    .table(name(table))
                    .add_column(integer(name(col)).default(1).to_owned())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in [("versions", "page_count"), ("threads", "page")] {
            m.alter_table(
                Table::alter()
                    .table(name(table))
                    .drop_column(name(col))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(name("pages")).to_owned())
            .await
    }
}
