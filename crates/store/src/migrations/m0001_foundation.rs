use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(super) fn name(s: &'static str) -> Alias {
    Alias::new(s)
}

/// A foreign key that disappears with its parent row.
pub(super) fn cascade(
    from: &'static str,
    col: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(name(from), name(col))
        .to(name(to), name("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// The name [`index`] gives an index, to drop it by.
pub(super) fn index_name(table: &str, cols: &[&str]) -> String {
    format!("ix_{table}_{}", cols.join("_"))
}

pub(super) fn index(
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(index_name(table, cols)).table(name(table));
    for c in cols {
        stmt.col(name(c));
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// A membership table: (parent, user) with a role rank.
fn membership(
    table: &'static str,
    parent_col: &'static str,
    parent: &'static str,
) -> TableCreateStatement {
    Table::create()
        .table(name(table))
        .col(uuid(name(parent_col)))
        .col(uuid(name("user_id")))
        .col(small_integer(name("role")))
        .col(timestamp_with_time_zone(name("created_at")))
        .primary_key(Index::create().col(name(parent_col)).col(name("user_id")))
        .foreign_key(&mut cascade(table, parent_col, parent))
        .foreign_key(&mut cascade(table, "user_id", "users"))
        .to_owned()
}

/// Creates a table; on MySQL/MariaDB in utf8mb4 whatever the server's
/// default, so every Unicode name (emoji included) can be stored.
pub(super) async fn create(
    m: &SchemaManager<'_>,
    mut table: TableCreateStatement,
) -> Result<(), DbErr> {
    if m.get_database_backend() == sea_orm::DatabaseBackend::MySql {
        table.character_set("utf8mb4").collate("utf8mb4_unicode_ci");
    }
    m.create_table(table).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create(
            m,
            Table::create()
                .table(name("users"))
                .col(pk_uuid(name("id")))
                .col(string_len(name("email"), 254))
                .col(string_len(name("email_normalized"), 254))
                .col(string_len(name("display_name"), 80))
                .col(string_len(name("password_hash"), 255))
                .col(boolean(name("email_verified")))
                .col(boolean(name("is_admin")))
                .col(string_len(name("notification_frequency"), 16))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("users", &["email_normalized"], true))
            .await?;

        create(
            m,
            Table::create()
                .table(name("sessions"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("user_id")))
                .col(string_len(name("token_hash"), 64))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("last_seen_at")))
                .col(timestamp_with_time_zone(name("expires_at")))
                .foreign_key(&mut cascade("sessions", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", &["token_hash"], true))
            .await?;
        m.create_index(index("sessions", &["user_id"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("api_tokens"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("user_id")))
                .col(string_len(name("name"), 80))
                .col(string_len(name("prefix"), 16))
                .col(string_len(name("token_hash"), 64))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone_null(name("last_used_at")))
                .foreign_key(&mut cascade("api_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("api_tokens", &["token_hash"], true))
            .await?;
        m.create_index(index("api_tokens", &["user_id"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("workspaces"))
                .col(pk_uuid(name("id")))
                .col(string_len(name("name"), 120))
                .col(big_integer_null(name("storage_quota_bytes")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .to_owned(),
        )
        .await?;
        create(
            m,
            membership("workspace_members", "workspace_id", "workspaces"),
        )
        .await?;
        m.create_index(index("workspace_members", &["user_id"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("folders"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("workspace_id")))
                .col(uuid_null(name("parent_id")))
                .col(string_len(name("name"), 120))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .foreign_key(&mut cascade("folders", "workspace_id", "workspaces"))
                .foreign_key(&mut cascade("folders", "parent_id", "folders"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("folders", &["workspace_id", "name"], false))
            .await?;
        create(m, membership("folder_grants", "folder_id", "folders")).await?;
        m.create_index(index("folder_grants", &["user_id"], false))
            .await?;

        create(
            m,
            Table::create()
                .table(name("boards"))
                .col(pk_uuid(name("id")))
                .col(uuid(name("workspace_id")))
                .col(uuid_null(name("folder_id")))
                .col(string_len(name("name"), 120))
                .col(text(name("description")))
                .col(timestamp_with_time_zone_null(name("archived_at")))
                .col(timestamp_with_time_zone(name("created_at")))
                .col(timestamp_with_time_zone(name("updated_at")))
                .foreign_key(&mut cascade("boards", "workspace_id", "workspaces"))
                // Deleting a folder keeps its boards: they move to the
                // workspace root and keep their direct members.
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_boards_folder_id")
                        .from(name("boards"), name("folder_id"))
                        .to(name("folders"), name("id"))
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("boards", &["folder_id", "name"], false))
            .await?;
        m.create_index(index("boards", &["workspace_id", "name"], false))
            .await?;
        create(m, membership("board_members", "board_id", "boards")).await?;
        m.create_index(index("board_members", &["user_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "board_members",
            "boards",
            "folder_grants",
            "folders",
            "workspace_members",
            "workspaces",
            "api_tokens",
            "sessions",
            "users",
        ] {
            m.drop_table(Table::drop().table(name(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
