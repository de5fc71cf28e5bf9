//! The review record: exports of a board (or one asset) as PDF or CSV,
//! made by a job with progress, kept for their requester to download.

use super::m0001_foundation::{cascade, create, index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create(
            m,
            Table::create()
                .table(name("exports"))
                .col(uuid(name("id")).primary_key())
                .col(uuid(name("board_id")))
                // One asset's record, or the whole board's.
                .col(uuid_null(name("asset_id")))
                .col(string_len(name("format"), 8))
                // Who asked (only they may read it): a person or a guest.
                .col(uuid_null(name("user_id")))
                .col(uuid_null(name("guest_id")))
                .col(string_len(name("state"), 12))
                .col(integer(name("done")).default(0))
                .col(integer(name("total")).default(0))
                .col(string_len_null(name("object_key"), 255))
                .col(string_len(name("file_name"), 200))
                .col(big_integer(name("bytes")).default(0))
                .col(text_null(name("failure")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone_null(name("finished_at")))
                .foreign_key(&mut cascade("exports", "board_id", "boards"))
                .foreign_key(&mut cascade("exports", "asset_id", "assets"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("exports", &["board_id", "created_at"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(name("exports")).to_owned())
            .await
    }
}
