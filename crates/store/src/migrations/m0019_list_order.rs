//! Indexes that end in the lists' tie-breaker (`id`): boards are listed by
//! (name, id) and assets by (position, id). The earlier indexes stop before
//! `id` (on SQLite the row id follows instead), so every page of boards
//! and every board cover sorted its rows in a temporary b-tree, whose page
//! buffers were the largest allocation of the board list (issue 18).
//! Expand-only: the earlier indexes stay until a later release drops them.

use super::m0001_foundation::{index, index_name, name};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, [&str; 3]); 3] = [
    ("boards", ["workspace_id", "name", "id"]),
    ("boards", ["folder_id", "name", "id"]),
    ("assets", ["board_id", "position", "id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            m.create_index(index(table, &cols, false)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            m.drop_index(
                Index::drop()
                    .name(index_name(table, &cols))
                    .table(name(table))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
