//! Events name the comment they quote in a column of their own, so that
//! editing or deleting the comment can update or drop the quote its events
//! carry (a deleted comment's words must not live on in the activity feed
//! and inboxes).

use super::m0001_foundation::{index, name};
use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    payload: String,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(name("events"))
                .add_column(uuid_null(name("comment_id")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("events", &["comment_id"], false))
            .await?;
        // Earlier events kept the comment's id in their JSON only.
        let db = m.get_connection();
        let backend = db.get_database_backend();
        let rows = Row::find_by_statement(Statement::from_string(
            backend,
            "SELECT id, payload FROM events WHERE kind IN \
             ('thread.opened', 'comment.added', 'comment.edited', 'comment.deleted')",
        ))
        .all(db)
        .await?;
        let update = match backend {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "UPDATE events SET comment_id = $1 WHERE id = $2"
            }
            _ => "UPDATE events SET comment_id = ? WHERE id = ?",
        };
        for r in rows {
            let comment = serde_json::from_str::<serde_json::Value>(&r.payload)
                .ok()
                .and_then(|p| p.get("comment_id")?.as_str()?.parse::<uuid::Uuid>().ok());
            if let Some(c) = comment {
                db.execute(Statement::from_sql_and_values(
                    backend,
                    update,
                    [c.into(), r.id.into()],
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_events_comment_id")
                .table(name("events"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(name("events"))
                .drop_column(name("comment_id"))
                .to_owned(),
        )
        .await
    }
}
