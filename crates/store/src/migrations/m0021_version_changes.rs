//! What changed between two versions of an asset (one page of them): the
//! changed share, the boxes on the newer version, and where its
//! difference picture is stored. Worked out once by a job and kept; both
//! versions' deletion takes the row with it. A version also keeps the
//! share that changed from the one before it.

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
                .table(name("version_changes"))
                .col(uuid(name("version_id")))
                .col(uuid(name("against_id")))
                .col(integer(name("page")))
                // Null when the two could not be compared (`failure` says why).
                .col(double_null(name("changed_percent")))
                .col(integer(name("width")).default(0))
                .col(integer(name("height")).default(0))
                // JSON: the regions and removed bands.
                .col(text(name("regions")))
                .col(text(name("removed")))
                .col(string_len_null(name("picture_key"), 255))
                .col(text_null(name("failure")))
                .col(timestamp_with_time_zone(name("created_at")))
                .primary_key(
                    Index::create()
                        .col(name("version_id"))
                        .col(name("against_id"))
                        .col(name("page")),
                )
                .foreign_key(&mut cascade("version_changes", "version_id", "versions"))
                .foreign_key(&mut cascade("version_changes", "against_id", "versions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("version_changes", &["against_id"], false))
            .await?;
        // What changed from the version before (its first page), once
        // worked out: the board's card says it without another request.
        m.alter_table(
            Table::alter()
                .table(name("versions"))
                .add_column(double_null(name("changed_percent")).to_owned())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(name("versions"))
                .drop_column(name("changed_percent"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(name("version_changes")).to_owned())
            .await
    }
}
