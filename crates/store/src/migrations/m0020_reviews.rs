//! Reviews submitted as a batch: a reviewer's new threads and replies wait
//! as items of their draft review, seen by nobody else, until they submit
//! it; then they become threads and comments in one transaction. Drafts
//! are kept apart from `threads` and `comments` so that no count, feed,
//! live stream or export can show one by mistake.

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
                .table(name("reviews"))
                .col(uuid(name("id")).primary_key())
                .col(uuid(name("board_id")))
                // The author: a signed-in person or a guest of a link (no
                // foreign key: a submitted review outlives both).
                .col(uuid_null(name("user_id")))
                .col(uuid_null(name("guest_id")))
                .col(string_len(name("name"), 100))
                // "u:<id>" or "g:<id>" while a draft, NULL once submitted:
                // one draft per author and board, by a unique index (NULLs
                // never collide on any of the three backends).
                .col(string_len_null(name("draft_of"), 40))
                .col(text_null(name("summary")))
                .col(integer(name("threads")).default(0))
                .col(integer(name("replies")).default(0))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .col(timestamp_with_time_zone_null(name("submitted_at")))
                .foreign_key(&mut cascade("reviews", "board_id", "boards"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("reviews", &["board_id", "draft_of"], true))
            .await?;
        m.create_index(index("reviews", &["board_id", "submitted_at"], false))
            .await?;
        create(
            m,
            Table::create()
                .table(name("review_items"))
                .col(uuid(name("id")).primary_key())
                .col(uuid(name("review_id")))
                // A new thread: where it goes (its version, page, shape).
                .col(uuid_null(name("version_id")))
                .col(integer(name("page")).default(1))
                .col(double_null(name("x")))
                .col(double_null(name("y")))
                .col(double_null(name("w")))
                .col(double_null(name("h")))
                // A reply: the thread it answers.
                .col(uuid_null(name("thread_id")))
                .col(text(name("body")))
                .col(text(name("mentions")))
                .col(text_null(name("drawing")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .foreign_key(&mut cascade("review_items", "review_id", "reviews"))
                // A draft on a version or thread deleted meanwhile goes
                // with it.
                .foreign_key(&mut cascade("review_items", "version_id", "versions"))
                .foreign_key(&mut cascade("review_items", "thread_id", "threads"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("review_items", &["review_id", "created_at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(name("review_items")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(name("reviews")).to_owned())
            .await
    }
}
