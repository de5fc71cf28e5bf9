//! Who is viewing which board right now, across nodes.

use super::m0001_foundation::{cascade, create, index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per open stream; its node refreshes `seen_at`, so rows of
        // a node that died unannounced fade out.
        create(
            m,
            Table::create()
                .table(name("board_viewers"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("board_id")))
                .col(uuid_null(name("user_id")))
                .col(uuid_null(name("guest_id")))
                .col(string_len(name("display_name"), 80))
                .col(uuid(name("node_id")))
                .col(timestamp_with_time_zone(name("seen_at")))
                .foreign_key(&mut cascade("board_viewers", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("board_viewers", &["board_id", "seen_at"], false))
            .await?;
        m.create_index(index("board_viewers", &["node_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(name("board_viewers")).to_owned())
            .await
    }
}
