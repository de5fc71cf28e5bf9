//! Share links, the guest sessions they open, and who among guests wrote
//! which thread and comment.

use super::m0001_foundation::{cascade, create, index, name};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No secret is stored for a link: its token is an HMAC of its id
        // (docs/adr/006-share-links.md), so owners can copy it again later.
        create(
            m,
            Table::create()
                .table(name("share_links"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("board_id")))
                .col(small_integer(name("role")))
                .col(string_len(name("label"), 80))
                .col(string_len_null(name("password_hash"), 255))
                .col(timestamp_with_time_zone_null(name("expires_at")))
                .col(uuid_null(name("created_by")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone_null(name("revoked_at")))
                .foreign_key(&mut cascade("share_links", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("share_links", &["board_id", "created_at"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("guest_sessions"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("link_id")))
                .col(string_len(name("token_hash"), 64))
                .col(string_len(name("display_name"), 80))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("expires_at")))
                .foreign_key(&mut cascade("guest_sessions", "link_id", "share_links"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("guest_sessions", &["token_hash"], true))
            .await?;
        m.create_index(index("guest_sessions", &["link_id"], false))
            .await?;

        // Guests' retry keys; the users' table has a foreign key to users.
        create(
            m,
            Table::create()
                .table(name("guest_request_keys"))
                .col(uuid(name("guest_id")))
                .col(string_len(name("key"), 100))
                .col(string_len(name("resource"), 20))
                .col(uuid(name("resource_id")))
                .col(timestamp_with_time_zone(name("created_at")))
                .primary_key(Index::create().col(name("guest_id")).col(name("key")))
                .foreign_key(&mut cascade(
                    "guest_request_keys",
                    "guest_id",
                    "guest_sessions",
                ))
                .to_owned(),
        )
        .await?;

        // Authorship survives the guest session (no foreign key): a comment
        // stays a guest's after the link is revoked.
        for (table, col) in [("threads", "created_by_guest"), ("comments", "guest_id")] {
            m.alter_table(
                Table::alter()
                    .table(name(table))
                    .add_column(uuid_null(name(col)))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, col) in [("threads", "created_by_guest"), ("comments", "guest_id")] {
            m.alter_table(
                Table::alter()
                    .table(name(table))
                    .drop_column(name(col))
                    .to_owned(),
            )
            .await?;
        }
        for t in ["guest_request_keys", "guest_sessions", "share_links"] {
            m.drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
