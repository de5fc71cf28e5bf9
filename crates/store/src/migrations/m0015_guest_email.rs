//! Guests who hear back: a guest may leave an address, confirmed by a link,
//! to be e-mailed replies in their threads; `emailed_until` is how far the
//! replies were e-mailed.

use super::m0001_foundation::name;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn added() -> Vec<ColumnDef> {
    vec![
        string_len_null(name("email"), 254),
        timestamp_with_time_zone_null(name("email_confirmed_at")),
        timestamp_with_time_zone_null(name("emailed_until")),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in added() {
            m.alter_table(
                Table::alter()
                    .table(name("guest_sessions"))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in added() {
            m.alter_table(
                Table::alter()
                    .table(name("guest_sessions"))
                    .drop_column(Alias::new(col.get_column_name()))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
