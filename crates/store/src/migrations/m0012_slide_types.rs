//! A version's type may be a slide format's: 73 characters for .pptx,
//! where pictures needed 32.

use super::m0001_foundation::name;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite does not enforce lengths, nor can it alter a column.
fn resize(m: &SchemaManager, len: u32) -> Option<TableAlterStatement> {
    (m.get_database_backend() != sea_orm::DatabaseBackend::Sqlite).then(|| {
        Table::alter()
            .table(name("versions"))
            .modify_column(string_len(name("content_type"), len))
            .to_owned()
    })
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match resize(m, 100) {
            Some(alter) => m.alter_table(alter).await,
            None => Ok(()),
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match resize(m, 32) {
            Some(alter) => m.alter_table(alter).await,
            None => Ok(()),
        }
    }
}
