//! Website captures: an asset's kind, source URL and width, and a
//! version's capture details, with the request that asked for it (one
//! request captures several widths; its idempotency key names it).

use super::m0001_foundation::{index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            small_integer(name("kind")).default(1).to_owned(),
            string_len_null(name("source_url"), 2048),
            integer_null(name("capture_width")),
        ] {
            m.alter_table(
                Table::alter()
                    .table(name("assets"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for col in [
            timestamp_with_time_zone_null(name("captured_at")),
            string_len_null(name("capture_url"), 2048),
            integer_null(name("page_height")),
            boolean(name("truncated")).default(false).to_owned(),
            uuid_null(name("capture_request_id")),
        ] {
            m.alter_table(
                Table::alter()
                    .table(name("versions"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index("versions", &["capture_request_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_versions_capture_request_id")
                .table(name("versions"))
                .to_owned(),
        )
        .await?;
        for col in [
            "captured_at",
            "capture_url",
            "page_height",
            "truncated",
            "capture_request_id",
        ] {
            m.alter_table(
                Table::alter()
                    .table(name("versions"))
                    .drop_column(name(col))
                    .to_owned(),
            )
            .await?;
        }
        for col in ["kind", "source_url", "capture_width"] {
            m.alter_table(
                Table::alter()
                    .table(name("assets"))
                    .drop_column(name(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
