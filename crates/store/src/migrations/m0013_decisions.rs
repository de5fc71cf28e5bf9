//! Decisions by the people who review: a board says who may approve (its
//! editors, or also its commenters and guests of a commenter link) and may
//! have a due date; every decision on a version is kept, and the version
//! names who made the latest one.

use super::m0001_foundation::{cascade, create, index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns added, one per statement (SQLite adds one at a time).
fn added() -> Vec<(&'static str, ColumnDef)> {
    vec![
        (
            "boards",
            small_integer(name("deciders")).default(1).to_owned(),
        ),
        ("boards", timestamp_with_time_zone_null(name("due_at"))),
        (
            "boards",
            timestamp_with_time_zone_null(name("due_reminded_at")),
        ),
        ("versions", uuid_null(name("reviewed_by_guest"))),
        ("versions", string_len_null(name("reviewer_name"), 100)),
        ("versions", string_len_null(name("reviewer_role"), 16)),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in added() {
            m.alter_table(Table::alter().table(name(table)).add_column(col).to_owned())
                .await?;
        }
        create(
            m,
            Table::create()
                .table(name("decisions"))
                .col(uuid(name("id")).primary_key())
                .col(uuid(name("version_id")))
                .col(uuid(name("board_id")))
                .col(small_integer(name("status")))
                .col(uuid_null(name("user_id")))
                .col(uuid_null(name("guest_id")))
                .col(string_len(name("name"), 100))
                .col(string_len(name("role"), 16))
                .col(timestamp_with_time_zone(name("created_at")))
                .foreign_key(&mut cascade("decisions", "version_id", "versions"))
                .foreign_key(&mut cascade("decisions", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("decisions", &["version_id", "created_at"], false))
            .await?;
        m.create_index(index("decisions", &["board_id", "user_id"], false))
            .await?;
        // Decisions made before: their maker's name, so cards can say who.
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE versions SET reviewer_name = \
             (SELECT display_name FROM users WHERE users.id = versions.reviewed_by) \
             WHERE reviewed_by IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(name("decisions")).to_owned())
            .await?;
        for (table, col) in added() {
            m.alter_table(
                Table::alter()
                    .table(name(table))
                    .drop_column(Alias::new(col.get_column_name()))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
