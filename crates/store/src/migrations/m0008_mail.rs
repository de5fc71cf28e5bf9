//! Outgoing e-mail (an outbox: each message is rendered once, then sent and
//! retried by the job queue) and single-use e-mailed tokens (verification,
//! password reset, invitations).

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
                .table(name("emails"))
                .col(pk_uuid(name("id")))
                .col(uuid_null(name("user_id")))
                .col(string_len(name("to_address"), 254))
                .col(string_len(name("kind"), 20))
                .col(string_len(name("subject"), 200))
                .col(text(name("text_body")))
                .col(text(name("html_body")))
                .col(string_len_null(name("unsubscribe_url"), 500))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone_null(name("sent_at")))
                .foreign_key(&mut cascade("emails", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("emails", &["user_id", "created_at"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("email_tokens"))
                .col(pk_uuid(name("id")))
                .col(string_len(name("kind"), 20))
                .col(string_len(name("token_hash"), 64))
                .col(uuid_null(name("user_id")))
                // Invitations: the workspace they let into (for listing).
                .col(uuid_null(name("workspace_id")))
                .col(string_len(name("email"), 254))
                .col(text(name("payload")))
                .col(uuid_null(name("created_by")))
                .col(timestamp_with_time_zone(name("expires_at")))
                .col(timestamp_with_time_zone_null(name("used_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .foreign_key(&mut cascade("email_tokens", "user_id", "users"))
                .foreign_key(&mut cascade("email_tokens", "workspace_id", "workspaces"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("email_tokens", &["token_hash"], true))
            .await?;
        m.create_index(index("email_tokens", &["workspace_id", "kind"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["email_tokens", "emails"] {
            m.drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
