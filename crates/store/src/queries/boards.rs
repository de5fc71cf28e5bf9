//! Boards, their members, and the board lists with per-board roles.

use super::access::{role_binds, Grants, BOARD_ROLE_COLUMNS, BOARD_ROLE_JOINS, BOARD_VISIBLE};
use super::events::Actor;
use super::workspaces::MemberRow;
use crate::entities::{board, board_member, job};
use crate::{like_contains, new_id, Result, Store, StoreError};
use critboard_domain::events::{MemberLeft, MemberNews};
use critboard_domain::{stored, BoardEvent, BoardRole, Deciders, WorkspaceRole};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryResult, Set, Value,
};
use serde::Deserialize;
use uuid::Uuid;

/// What [`Store::put_board_member`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Added,
    RoleChanged,
}

/// A board as one caller sees it. Read as a row, or from SQLite's JSON
/// (`BOARD_JSON`), where enums are their stored numbers.
#[derive(Debug, Clone, FromQueryResult, Deserialize)]
pub struct BoardRow {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub folder_id: Option<Uuid>,
    pub name: String,
    pub description: String,
    pub archived_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[serde(with = "stored::number")]
    pub deciders: Deciders,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(with = "stored::option_number")]
    pub board_role: Option<BoardRole>,
    #[serde(with = "stored::option_number")]
    pub folder_role: Option<BoardRole>,
    #[serde(with = "stored::option_number")]
    pub parent_folder_role: Option<BoardRole>,
    #[serde(with = "stored::option_number")]
    pub workspace_role: Option<WorkspaceRole>,
}

/// What a board holds, for lists and the board page. Kept out of
/// [`BoardRow`] because access checks run on every request and these
/// counts grow with the board.
#[derive(Debug, Clone, Default, FromQueryResult, Deserialize)]
pub struct BoardCounts {
    pub asset_count: i64,
    /// Open threads on the assets' current versions.
    pub open_thread_count: i64,
    pub approved_count: i64,
    pub changes_requested_count: i64,
    /// The grid thumbnail of the board's first picture, for its card.
    pub cover_key: Option<String>,
}

/// A board, the caller's grants and its counts.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardSummary {
    pub board: BoardRow,
    pub counts: BoardCounts,
}

fn summaries(rows: Vec<QueryResult>) -> Result<Vec<BoardSummary>> {
    rows.iter()
        .map(|r| {
            Ok(BoardSummary {
                board: BoardRow::from_query_result(r, "")?,
                counts: BoardCounts::from_query_result(r, "")?,
            })
        })
        .collect()
}

impl BoardRow {
    pub fn grants(&self) -> Grants {
        Grants {
            board_role: self.board_role,
            folder_role: self.folder_role,
            parent_folder_role: self.parent_folder_role,
            workspace_role: self.workspace_role,
        }
    }

    /// The caller's effective role; `None` means they must get a 404.
    pub fn role(&self) -> Option<BoardRole> {
        self.grants().effective()
    }
}

const BOARD_COLUMNS: &str = "b.id, b.workspace_id, b.folder_id, b.name, b.description, \
     b.archived_at, b.created_at, b.updated_at, b.deciders, b.due_at";

/// A board's counts as correlated subqueries, so a page of boards with all
/// its counts is still one query.
const COUNT_COLUMNS: &str = "(SELECT COUNT(*) FROM assets a WHERE a.board_id = b.id) AS asset_count, \
     (SELECT COUNT(*) FROM threads t JOIN assets a ON a.id = t.asset_id \
        WHERE a.board_id = b.id AND t.version_id = a.current_version_id AND t.state = 1) AS open_thread_count, \
     (SELECT COUNT(*) FROM assets a WHERE a.board_id = b.id AND a.review_status = 3) AS approved_count, \
     (SELECT COUNT(*) FROM assets a WHERE a.board_id = b.id AND a.review_status = 2) AS changes_requested_count, \
     (SELECT t.object_key FROM assets a JOIN thumbnails t ON t.version_id = a.current_version_id AND t.size = 'grid' \
        WHERE a.board_id = b.id ORDER BY a.position, a.id LIMIT 1) AS cover_key";

/// A [`BoardSummary`] as one SQLite JSON object: ids (16-byte blobs) as
/// hex, which `Uuid` parses; times are RFC 3339 text already; enums as
/// their stored numbers (the `serde` attributes on the rows).
const BOARD_JSON: &str = "'board', json_object('id', hex(id), \
       'workspace_id', hex(workspace_id), \
       'folder_id', CASE WHEN folder_id IS NULL THEN NULL ELSE hex(folder_id) END, \
       'name', name, 'description', description, 'archived_at', archived_at, \
       'created_at', created_at, 'updated_at', updated_at, 'deciders', deciders, \
       'due_at', due_at, 'board_role', board_role, 'folder_role', folder_role, \
       'parent_folder_role', parent_folder_role, 'workspace_role', workspace_role), \
     'counts', json_object('asset_count', asset_count, \
       'open_thread_count', open_thread_count, 'approved_count', approved_count, \
       'changes_requested_count', changes_requested_count, 'cover_key', cover_key)";

/// Which boards a list shows.
#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub workspace_id: Uuid,
    /// Only boards in this folder (the folder route).
    pub folder_id: Option<Uuid>,
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
    /// Archived boards instead of active ones.
    pub archived: bool,
}

/// Keyset position: the (name, id) of the last board of the previous page.
#[derive(Debug, Clone)]
pub struct BoardCursor {
    pub name: String,
    pub id: Uuid,
}

pub struct NewBoard<'a> {
    pub workspace_id: Uuid,
    pub folder_id: Option<Uuid>,
    pub name: &'a str,
    pub description: &'a str,
    pub owner: Uuid,
}

#[derive(Debug, Default)]
pub struct BoardChanges<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub folder_id: Option<Option<Uuid>>,
    pub archived: Option<bool>,
    pub deciders: Option<Deciders>,
    /// A new due date (or none) also re-arms its reminder.
    pub due_at: Option<Option<chrono::DateTime<chrono::Utc>>>,
}

impl Store {
    /// Creates a board with its creator as owner, atomically.
    pub async fn create_board(&self, new: NewBoard<'_>) -> Result<Uuid> {
        let at = self.now();
        let tx = self.begin_write().await?;
        let b = board::ActiveModel {
            id: Set(new_id()),
            workspace_id: Set(new.workspace_id),
            folder_id: Set(new.folder_id),
            name: Set(new.name.trim().to_owned()),
            description: Set(new.description.to_owned()),
            archived_at: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            deciders: Set(Deciders::Editors),
            due_at: Set(None),
            due_reminded_at: Set(None),
        }
        .insert(&*tx)
        .await?;
        board_member::ActiveModel {
            board_id: Set(b.id),
            user_id: Set(new.owner),
            role: Set(BoardRole::Owner),
            created_at: Set(at),
        }
        .insert(&*tx)
        .await?;
        tx.commit().await?;
        Ok(b.id)
    }

    /// One board with the caller's grants, in one query. The row comes back
    /// even without access so callers decide with [`BoardRow::role`].
    pub async fn board_for(&self, user_id: Uuid, id: Uuid) -> Result<Option<BoardRow>> {
        let sql = format!(
            "SELECT {BOARD_COLUMNS}, {BOARD_ROLE_COLUMNS} FROM boards b {BOARD_ROLE_JOINS} \
             WHERE b.id = ?"
        );
        let mut binds = role_binds(user_id);
        binds.push(id.into());
        Ok(BoardRow::find_by_statement(self.stmt(&sql, binds))
            .one(self.conn())
            .await?)
    }

    /// Like [`Store::board_for`], with the board's counts.
    pub async fn board_summary(&self, user_id: Uuid, id: Uuid) -> Result<Option<BoardSummary>> {
        let sql = format!(
            "SELECT {BOARD_COLUMNS}, {COUNT_COLUMNS}, {BOARD_ROLE_COLUMNS} FROM boards b \
             {BOARD_ROLE_JOINS} WHERE b.id = ?"
        );
        let mut binds = role_binds(user_id);
        binds.push(id.into());
        let rows = self.conn().query_all(self.stmt(&sql, binds)).await?;
        Ok(summaries(rows)?.pop())
    }

    /// One page of the boards the caller may see, with their roles, in a
    /// single query whatever the number of boards, members and grants.
    pub async fn list_boards(
        &self,
        user_id: Uuid,
        filter: &BoardFilter,
        after: Option<&BoardCursor>,
        limit: u64,
    ) -> Result<Vec<BoardSummary>> {
        let mut sql = format!(
            "SELECT {BOARD_COLUMNS}, {COUNT_COLUMNS}, {BOARD_ROLE_COLUMNS} FROM boards b \
             {BOARD_ROLE_JOINS} WHERE b.workspace_id = ? AND {BOARD_VISIBLE}"
        );
        let mut binds = role_binds(user_id);
        binds.push(filter.workspace_id.into());
        if let Some(folder) = filter.folder_id {
            sql.push_str(" AND b.folder_id = ?");
            binds.push(folder.into());
        }
        sql.push_str(if filter.archived {
            " AND b.archived_at IS NOT NULL"
        } else {
            " AND b.archived_at IS NULL"
        });
        if let Some(q) = filter.name_contains.as_deref().filter(|q| !q.is_empty()) {
            sql.push_str(" AND LOWER(b.name) LIKE ? ESCAPE '!'");
            binds.push(like_contains(q).into());
        }
        if let Some(c) = after {
            sql.push_str(" AND (b.name > ? OR (b.name = ? AND b.id > ?))");
            binds.extend([
                Value::from(c.name.clone()),
                Value::from(c.name.clone()),
                c.id.into(),
            ]);
        }
        sql.push_str(" ORDER BY b.name, b.id LIMIT ?");
        binds.push((limit as i64).into());
        if self.backend() == DatabaseBackend::Sqlite {
            return self.board_page_as_json(&sql, binds).await;
        }
        summaries(self.conn().query_all(self.stmt(&sql, binds)).await?)
    }

    /// SQLite only: the page of `sql` (a board list query) read as one
    /// JSON value. sqlx runs each SQLite connection on its own thread and
    /// hands every row, and every column of it, over a channel; for a page
    /// of 50 boards that hand-off cost more than SQLite's query (ADR 014).
    /// PostgreSQL and MySQL rows come off a socket with no such hop.
    async fn board_page_as_json(&self, sql: &str, binds: Vec<Value>) -> Result<Vec<BoardSummary>> {
        let page =
            format!("SELECT json_group_array(json_object({BOARD_JSON})) AS page FROM ({sql})");
        let mut boards: Vec<BoardSummary> = self.one_json(&page, binds).await?;
        // Sorted here, as SQLite's BINARY collation and blob order sort, so
        // that SQLite builds no temporary b-tree for an ordered aggregate.
        boards.sort_by(|x, y| (&x.board.name, x.board.id).cmp(&(&y.board.name, y.board.id)));
        Ok(boards)
    }

    pub async fn update_board(&self, id: Uuid, changes: BoardChanges<'_>) -> Result<()> {
        let b = board::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let was_archived = b.archived_at.is_some();
        let mut b = b.into_active_model();
        if let Some(name) = changes.name {
            b.name = Set(name.trim().to_owned());
        }
        if let Some(description) = changes.description {
            b.description = Set(description.to_owned());
        }
        if let Some(folder) = changes.folder_id {
            b.folder_id = Set(folder);
        }
        if let Some(deciders) = changes.deciders {
            b.deciders = Set(deciders);
        }
        if let Some(due) = changes.due_at {
            b.due_at = Set(due);
            b.due_reminded_at = Set(None);
        }
        match changes.archived {
            Some(true) if !was_archived => b.archived_at = Set(Some(self.now())),
            Some(false) => b.archived_at = Set(None),
            _ => {}
        }
        b.updated_at = Set(self.now());
        b.update(self.conn()).await?;
        Ok(())
    }

    /// The names of these boards, in one query (ids of deleted boards are
    /// left out).
    pub async fn board_names(
        &self,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let rows = board::Entity::find()
            .filter(board::Column::Id.is_in(ids.iter().copied()))
            .all(self.conn())
            .await?;
        Ok(rows.into_iter().map(|b| (b.id, b.name)).collect())
    }

    /// Deletes a board with everything on it; its stored files (originals,
    /// thumbnails, pages, unfinished uploads) go to `delete_files` jobs
    /// queued in the same transaction, so none is left behind or lost.
    pub async fn delete_board(
        &self,
        id: Uuid,
        delete_files: impl Fn(Vec<String>) -> job::ActiveModel,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        let keys = self.stored_keys(&tx, "b.id = ?", id).await?;
        board::Entity::delete_by_id(id).exec(&*tx).await?;
        queue_deletions(&tx, keys, delete_files).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every stored object of the boards that `scope` (a condition on
    /// boards `b`, with one value) selects, each key once.
    pub(crate) async fn stored_keys(
        &self,
        tx: &crate::WriteTx,
        scope: &str,
        value: Uuid,
    ) -> Result<Vec<String>> {
        #[derive(FromQueryResult)]
        struct Key {
            k: String,
        }
        let versions =
            "FROM versions v JOIN assets a ON a.id = v.asset_id JOIN boards b ON b.id = a.board_id";
        let sql = format!(
            "SELECT v.object_key AS k {versions} WHERE {scope} \
             UNION SELECT t.object_key AS k FROM thumbnails t JOIN versions v ON v.id = t.version_id \
               JOIN assets a ON a.id = v.asset_id JOIN boards b ON b.id = a.board_id WHERE {scope} \
             UNION SELECT p.view_key AS k FROM pages p JOIN versions v ON v.id = p.version_id \
               JOIN assets a ON a.id = v.asset_id JOIN boards b ON b.id = a.board_id WHERE {scope} \
             UNION SELECT p.grid_key AS k FROM pages p JOIN versions v ON v.id = p.version_id \
               JOIN assets a ON a.id = v.asset_id JOIN boards b ON b.id = a.board_id WHERE {scope} \
             UNION SELECT c.picture_key AS k FROM version_changes c JOIN versions v ON v.id = c.version_id \
               JOIN assets a ON a.id = v.asset_id JOIN boards b ON b.id = a.board_id \
               WHERE {scope} AND c.picture_key IS NOT NULL \
             UNION SELECT x.object_key AS k FROM exports x JOIN boards b ON b.id = x.board_id \
               WHERE {scope} AND x.object_key IS NOT NULL \
             UNION SELECT u.object_key AS k FROM uploads u JOIN boards b ON b.id = u.board_id WHERE {scope}"
        );
        let rows = Key::find_by_statement(self.stmt(&sql, vec![value.into(); 7]))
            .all(&**tx)
            .await?;
        Ok(rows.into_iter().map(|r| r.k).collect())
    }

    pub async fn board_members(&self, board_id: Uuid) -> Result<Vec<MemberRow<BoardRole>>> {
        let sql = "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at \
                   FROM board_members m JOIN users u ON u.id = m.user_id \
                   WHERE m.board_id = ? ORDER BY u.display_name, u.id";
        Ok(
            MemberRow::find_by_statement(self.stmt(sql, vec![board_id.into()]))
                .all(self.conn())
                .await?,
        )
    }

    pub async fn board_member_role(
        &self,
        board_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<BoardRole>> {
        Ok(board_member::Entity::find_by_id((board_id, user_id))
            .one(self.conn())
            .await?
            .map(|m| m.role))
    }

    /// Gives a user a role on a board, replacing an earlier one, recorded
    /// as `change`. Demoting the last direct owner is refused with
    /// `LastOwner`.
    pub async fn put_board_member(
        &self,
        actor: &Actor,
        change: MemberChange,
        board_id: Uuid,
        user_id: Uuid,
        role: BoardRole,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "boards", board_id).await?;
        if role != BoardRole::Owner {
            ensure_other_board_owner(&tx, board_id, user_id).await?;
        }
        board_member::Entity::insert(board_member::ActiveModel {
            board_id: Set(board_id),
            user_id: Set(user_id),
            role: Set(role),
            created_at: Set(self.now()),
        })
        .on_conflict(
            OnConflict::columns([board_member::Column::BoardId, board_member::Column::UserId])
                .update_column(board_member::Column::Role)
                .to_owned(),
        )
        .exec_without_returning(&*tx)
        .await?;
        let news = MemberNews {
            user_id,
            name: display_name(&tx, user_id).await?,
            role,
            invitation: false,
        };
        let event = match change {
            MemberChange::Added => BoardEvent::MemberAdded(news),
            MemberChange::RoleChanged => BoardEvent::MemberRoleChanged(news),
        };
        self.record(&tx, board_id, actor, &event).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_board_member(
        &self,
        actor: &Actor,
        board_id: Uuid,
        user_id: Uuid,
    ) -> Result<()> {
        let tx = self.begin_write().await?;
        self.lock_row(&tx, "boards", board_id).await?;
        ensure_other_board_owner(&tx, board_id, user_id).await?;
        let res = board_member::Entity::delete_by_id((board_id, user_id))
            .exec(&*tx)
            .await?;
        if res.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        let left = MemberLeft {
            user_id,
            name: display_name(&tx, user_id).await?,
        };
        self.record(&tx, board_id, actor, &BoardEvent::MemberRemoved(left))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A person's name as events show it.
async fn display_name(tx: &sea_orm::DatabaseTransaction, user_id: Uuid) -> Result<String> {
    Ok(crate::entities::user::Entity::find_by_id(user_id)
        .one(tx)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default())
}

/// Fails with `LastOwner` when `leaving` is the board's only direct owner.
async fn ensure_other_board_owner(
    tx: &sea_orm::DatabaseTransaction,
    board_id: Uuid,
    leaving: Uuid,
) -> Result<()> {
    let owners = board_member::Entity::find()
        .filter(board_member::Column::BoardId.eq(board_id))
        .filter(board_member::Column::Role.eq(BoardRole::Owner));
    let total = owners.clone().count(tx).await?;
    let others = owners
        .filter(board_member::Column::UserId.ne(leaving))
        .count(tx)
        .await?;
    if total > 0 && others == 0 {
        return Err(StoreError::LastOwner);
    }
    Ok(())
}

/// Keys per deletion job: a board of thousands of pictures makes several.
const KEYS_PER_JOB: usize = 500;

/// Queues the deletion of these stored objects, in jobs of a bounded size.
pub(crate) async fn queue_deletions(
    tx: &crate::WriteTx,
    keys: Vec<String>,
    delete_files: impl Fn(Vec<String>) -> job::ActiveModel,
) -> Result<()> {
    for chunk in keys.chunks(KEYS_PER_JOB) {
        job::Entity::insert(delete_files(chunk.to_vec()))
            .exec_without_returning(&**tx)
            .await?;
    }
    Ok(())
}
