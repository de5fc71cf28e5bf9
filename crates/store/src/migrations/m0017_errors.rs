//! Errors, grouped: one row per fingerprint (error kind, code location,
//! route or job kind) with its count and state, and its latest occurrences
//! with their request ids.

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
                .table(name("error_groups"))
                .col(uuid(name("id")).primary_key())
                .col(string_len(name("fingerprint"), 64))
                .col(string_len(name("kind"), 100))
                .col(string_len(name("location"), 200))
                .col(string_len(name("route"), 200))
                .col(string_len(name("method"), 10))
                .col(string_len(name("job_kind"), 50))
                .col(text(name("message")))
                .col(big_integer(name("count")))
                .col(timestamp_with_time_zone(name("first_seen")))
                .col(timestamp_with_time_zone(name("last_seen")))
                .col(string_len(name("first_release"), 80))
                .col(string_len(name("last_release"), 80))
                .col(string_len(name("last_request_id"), 64))
                .col(string_len(name("status"), 10))
                .col(string_len_null(name("resolved_release"), 80))
                .to_owned(),
        )
        .await?;
        m.create_index(index("error_groups", &["fingerprint"], true))
            .await?;
        m.create_index(index("error_groups", &["last_seen"], false))
            .await?;
        create(
            m,
            Table::create()
                .table(name("error_occurrences"))
                .col(uuid(name("id")).primary_key())
                .col(uuid(name("group_id")))
                .col(timestamp_with_time_zone(name("at")))
                .col(string_len(name("request_id"), 64))
                .col(string_len(name("release"), 80))
                .col(text(name("message")))
                .foreign_key(&mut cascade(
                    "error_occurrences",
                    "group_id",
                    "error_groups",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("error_occurrences", &["group_id", "at"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(name("error_occurrences")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(name("error_groups")).to_owned())
            .await
    }
}
