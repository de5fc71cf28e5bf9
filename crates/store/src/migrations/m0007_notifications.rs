//! The inbox: one notification per event and person, and board mutes.

use super::m0001_foundation::{cascade, create, index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Keyed by (user, event): written in the event's own transaction by
        // one INSERT … SELECT, so no ids need generating per row.
        create(
            m,
            Table::create()
                .table(name("notifications"))
                .col(uuid(name("user_id")))
                .col(uuid(name("event_id")))
                .col(uuid(name("board_id")))
                .col(string_len(name("kind"), 40))
                .col(small_integer(name("mention")))
                .col(timestamp_with_time_zone_null(name("read_at")))
                .col(timestamp_with_time_zone_null(name("emailed_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .primary_key(Index::create().col(name("user_id")).col(name("event_id")))
                .foreign_key(&mut cascade("notifications", "user_id", "users"))
                .foreign_key(&mut cascade("notifications", "event_id", "events"))
                .foreign_key(&mut cascade("notifications", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notifications", &["user_id", "read_at"], false))
            .await?;
        m.create_index(index("notifications", &["emailed_at", "user_id"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("board_mutes"))
                .col(uuid(name("user_id")))
                .col(uuid(name("board_id")))
                .col(timestamp_with_time_zone(name("created_at")))
                .primary_key(Index::create().col(name("user_id")).col(name("board_id")))
                .foreign_key(&mut cascade("board_mutes", "user_id", "users"))
                .foreign_key(&mut cascade("board_mutes", "board_id", "boards"))
                .to_owned(),
        )
        .await?;

        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["board_mutes", "notifications"] {
            m.drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
