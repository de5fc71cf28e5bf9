//! Review status per version, with who set it and when.

use super::m0001_foundation::name;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            small_integer(name("review_status")).default(1).to_owned(),
            uuid_null(name("reviewed_by")),
            timestamp_with_time_zone_null(name("reviewed_at")),
        ] {
            m.alter_table(
                Table::alter()
                    .table(name("versions"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["review_status", "reviewed_by", "reviewed_at"] {
            m.alter_table(
                Table::alter()
                    .table(name("versions"))
                    .drop_column(name(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
