//! Sign-in throttling shared by every node: one row per throttled key
//! (an address, a client IP, a share link) with its hits in the current
//! and the previous minute.

use super::m0001_foundation::{create, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create(
            m,
            Table::create()
                .table(name("throttles"))
                .col(string_len(name("bucket"), 255).primary_key())
                .col(timestamp_with_time_zone(name("window_start")))
                .col(integer(name("hits")))
                .col(integer(name("prev_hits")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(name("throttles")).to_owned())
            .await
    }
}
