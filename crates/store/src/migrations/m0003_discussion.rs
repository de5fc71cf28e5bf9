//! Threads (pins and areas), comments, the board's event log, and
//! idempotency keys for creating threads and comments.

use super::m0001_foundation::{cascade, create, index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Per-asset thread counter: numbers are handed out under the asset
        // row's lock, so they are consecutive and never reused.
        m.alter_table(
            Table::alter()
                .table(name("assets"))
                .add_column(integer(name("thread_seq")).default(0))
                .to_owned(),
        )
        .await?;

        create(
            m,
            Table::create()
                .table(name("threads"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("asset_id")))
                .col(uuid(name("version_id")))
                .col(integer(name("number")))
                .col(double(name("x")))
                .col(double(name("y")))
                .col(double_null(name("w")))
                .col(double_null(name("h")))
                .col(small_integer(name("state")))
                .col(uuid_null(name("resolved_by")))
                .col(timestamp_with_time_zone_null(name("resolved_at")))
                .col(uuid_null(name("created_by")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .foreign_key(&mut cascade("threads", "asset_id", "assets"))
                .foreign_key(&mut cascade("threads", "version_id", "versions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("threads", &["asset_id", "number"], true))
            .await?;
        m.create_index(index("threads", &["version_id", "number"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("comments"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("thread_id")))
                .col(uuid_null(name("author_id")))
                .col(string_len_null(name("guest_name"), 80))
                .col(text(name("body")))
                .col(text(name("mentions")))
                .col(timestamp_with_time_zone_null(name("edited_at")))
                .col(timestamp_with_time_zone_null(name("deleted_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .foreign_key(&mut cascade("comments", "thread_id", "threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("comments", &["thread_id", "created_at"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("events"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("board_id")))
                .col(uuid_null(name("actor_id")))
                .col(string_len(name("actor_name"), 80))
                .col(string_len(name("kind"), 40))
                .col(text(name("payload")))
                .col(timestamp_with_time_zone(name("created_at")))
                .foreign_key(&mut cascade("events", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("events", &["board_id", "id"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("idempotency_keys"))
                .col(uuid(name("user_id")))
                .col(string_len(name("key"), 100))
                .col(string_len(name("resource"), 20))
                .col(uuid(name("resource_id")))
                .col(timestamp_with_time_zone(name("created_at")))
                .primary_key(Index::create().col(name("user_id")).col(name("key")))
                .foreign_key(&mut cascade("idempotency_keys", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["idempotency_keys", "events", "comments", "threads"] {
            m.drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table(name("assets"))
                .drop_column(name("thread_seq"))
                .to_owned(),
        )
        .await
    }
}
