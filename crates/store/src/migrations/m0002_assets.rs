//! Assets, their versions and thumbnails, direct uploads, the job queue and
//! instance settings (the signing secret).

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
                .table(name("settings"))
                .col(string_len(name("name"), 64).primary_key())
                .col(text(name("value")))
                .to_owned(),
        )
        .await?;

        create(
            m,
            Table::create()
                .table(name("assets"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("board_id")))
                .col(string_len(name("title"), 200))
                .col(big_integer(name("position")))
                .col(small_integer(name("review_status")))
                .col(uuid_null(name("current_version_id")))
                .col(integer(name("version_count")))
                .col(uuid_null(name("created_by")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .foreign_key(&mut cascade("assets", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("assets", &["board_id", "position"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("versions"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("asset_id")))
                .col(integer(name("number")))
                .col(string_len(name("object_key"), 255))
                .col(string_len(name("original_name"), 255))
                .col(string_len(name("content_type"), 32))
                .col(big_integer(name("bytes")))
                .col(integer(name("width")))
                .col(integer(name("height")))
                .col(string_len_null(name("sha256"), 64))
                .col(small_integer(name("state")))
                .col(string_len_null(name("failure"), 255))
                .col(uuid_null(name("created_by")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .foreign_key(&mut cascade("versions", "asset_id", "assets"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("versions", &["asset_id", "number"], true))
            .await?;

        create(
            m,
            Table::create()
                .table(name("thumbnails"))
                .col(uuid(name("version_id")))
                .col(string_len(name("size"), 16))
                .col(string_len(name("object_key"), 255))
                .col(string_len(name("content_type"), 32))
                .col(integer(name("width")))
                .col(integer(name("height")))
                .col(big_integer(name("bytes")))
                .col(timestamp_with_time_zone(name("created_at")))
                .primary_key(Index::create().col(name("version_id")).col(name("size")))
                .foreign_key(&mut cascade("thumbnails", "version_id", "versions"))
                .to_owned(),
        )
        .await?;

        create(
            m,
            Table::create()
                .table(name("uploads"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("board_id")))
                .col(uuid_null(name("asset_id")))
                .col(uuid(name("user_id")))
                .col(string_len(name("object_key"), 255))
                .col(string_len(name("file_name"), 255))
                .col(string_len(name("content_type"), 100))
                .col(big_integer(name("bytes")))
                .col(small_integer(name("state")))
                .col(uuid_null(name("version_id")))
                .col(string_len_null(name("failure"), 255))
                .col(string_len_null(name("idempotency_key"), 100))
                .col(timestamp_with_time_zone(name("expires_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .foreign_key(&mut cascade("uploads", "board_id", "boards"))
                .foreign_key(&mut cascade("uploads", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("uploads", &["user_id", "idempotency_key"], true))
            .await?;
        m.create_index(index("uploads", &["state", "created_at"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("jobs"))
                .col(pk_uuid(name("id")))
                .col(string_len(name("kind"), 32))
                .col(text(name("payload")))
                .col(string_len_null(name("unique_key"), 128))
                .col(timestamp_with_time_zone(name("run_at")))
                .col(integer(name("attempts")))
                .col(integer(name("max_attempts")))
                .col(string_len_null(name("locked_by"), 64))
                .col(timestamp_with_time_zone_null(name("locked_until")))
                .col(text_null(name("last_error")))
                .col(timestamp_with_time_zone_null(name("done_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("jobs", &["done_at", "run_at"], false))
            .await?;
        m.create_index(index("jobs", &["unique_key"], true)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "jobs",
            "uploads",
            "thumbnails",
            "versions",
            "assets",
            "settings",
        ] {
            m.drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
