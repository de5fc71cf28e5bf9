//! Critboard's database layer. One code path serves SQLite, PostgreSQL and
//! MySQL/MariaDB: SeaORM entities for plain reads and writes, and a few
//! hand-written joins (portable SQL, see [`Store::stmt`]) where permissions
//! are decided in bulk.

pub mod entities;
mod migrations;
pub mod queries;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, SqlErr,
    Statement, Value,
};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub use migrations::Migrator;
pub use sea_orm;
pub use sea_orm::sqlx;
/// For tests that run migrations down and up again.
pub use sea_orm_migration;

/// Why the store refused or failed. Each refusal is its own variant, so the
/// HTTP layer maps every one on purpose (a unique violation it did not
/// expect is a bug, not a 409).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique index refused the write; its name, as the migrations give it
    /// (`ix_<table>_<columns>`, see [`unique`]).
    #[error("unique index {0} refused the write")]
    Unique(String),
    /// Sign-up or a new account with an e-mail address that is taken.
    #[error("an account with this e-mail exists")]
    EmailTaken,
    /// The person is a member already.
    #[error("already a member")]
    AlreadyMember,
    /// The change would leave a workspace or board without an owner.
    #[error("the last owner cannot leave or be demoted")]
    LastOwner,
    /// The upload was refused (its type, size or bytes) and cannot complete.
    #[error("the upload was refused")]
    UploadRefused,
    /// Another digest run e-mailed these notifications first.
    #[error("the notifications were e-mailed by another run")]
    AlreadyEmailed,
    /// The review was submitted (or discarded) meanwhile.
    #[error("the review is no longer a draft")]
    NotADraft,
    /// A review with no item, decision or summary: nothing to publish.
    #[error("the review has nothing to publish")]
    EmptyReview,
    #[error("database error: {0}")]
    Db(DbErr),
}

/// The unique indexes whose refusals callers handle, named as the
/// migrations name them.
pub mod unique {
    pub const USER_EMAIL: &str = "ix_users_email_normalized";
    pub const UPLOAD_IDEMPOTENCY_KEY: &str = "ix_uploads_user_id_idempotency_key";
    pub const JOB_UNIQUE_KEY: &str = "ix_jobs_unique_key";
}

impl StoreError {
    /// Whether this is a refusal by the unique index `name`.
    pub fn is_unique(&self, name: &str) -> bool {
        matches!(self, StoreError::Unique(n) if n == name)
    }
}

/// The index a backend's unique-violation message names, in the form the
/// migrations create (`ix_users_email_normalized`), or the primary key as
/// `<table>_pkey`:
/// - PostgreSQL: `duplicate key value violates unique constraint "ix_…"`;
/// - MySQL: `Duplicate entry '…' for key 'users.ix_…'` (or `'PRIMARY'`);
/// - SQLite: `UNIQUE constraint failed: users.email_normalized` (columns).
pub(crate) fn unique_index_of(message: &str) -> String {
    if let Some(cols) = message.split("UNIQUE constraint failed: ").nth(1) {
        let mut table = "";
        let cols: Vec<&str> = cols
            .split(',')
            .map(|c| {
                let (t, col) = c.trim().split_once('.').unwrap_or(("", c.trim()));
                table = t;
                col
            })
            .collect();
        return format!("ix_{table}_{}", cols.join("_"));
    }
    let quoted = |after: &str| {
        let rest = message.split(after).nth(1)?;
        let q = rest.chars().next()?;
        rest[1..].split(q).next().map(str::to_owned)
    };
    if let Some(name) = quoted("unique constraint ") {
        return name;
    }
    if let Some(key) = quoted(" for key ") {
        let (table, index) = key.rsplit_once('.').unwrap_or(("", key.as_str()));
        return if index == "PRIMARY" {
            format!("{table}_pkey")
        } else {
            index.to_owned()
        };
    }
    message.to_owned()
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(msg)) => {
                StoreError::Unique(unique_index_of(&msg))
            }
            _ => StoreError::Db(e),
        }
    }
}

impl StoreError {
    /// Whether the database could not be reached (down, restarting, the
    /// pool exhausted): the request may succeed later, so the answer is 503,
    /// not a bug's 500.
    pub fn is_unavailable(&self) -> bool {
        use sea_orm::RuntimeErr;
        let StoreError::Db(e) = self else {
            return false;
        };
        let sqlx_err = match e {
            DbErr::ConnectionAcquire(_) => return true,
            DbErr::Conn(RuntimeErr::SqlxError(e))
            | DbErr::Exec(RuntimeErr::SqlxError(e))
            | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
            DbErr::Conn(_) => return true,
            _ => return false,
        };
        match sqlx_err {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Tls(_) => true,
            // PostgreSQL shutting down or starting (admin_shutdown,
            // crash_shutdown, cannot_connect_now); MySQL's server gone.
            sqlx::Error::Database(db) => matches!(
                db.code().as_deref(),
                Some("57P01" | "57P02" | "57P03" | "08006" | "08003" | "2006" | "2013")
            ),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Called once per SQL statement run, with its duration; the server uses it
/// for per-request query counts and metrics.
pub type QueryObserver = Arc<dyn Fn(Duration, bool) + Send + Sync>;

#[derive(Clone, Debug)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            // Waiting longer only turns an outage into hung requests; a
            // busy pool is better answered 503 with Retry-After.
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    clock: Clock,
    /// SQLite has one writer: transactions queue here, in order, instead of
    /// colliding on the file lock and sleeping in SQLite's busy handler.
    write_gate: Option<Arc<tokio::sync::Mutex<()>>>,
}

/// A write transaction; on SQLite it also holds the write gate until it
/// commits or is dropped.
pub struct WriteTx {
    tx: sea_orm::DatabaseTransaction,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = sea_orm::DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The one clock, held by the store: whole seconds, because MySQL's
/// TIMESTAMP keeps no fractions and every backend must hand back what it
/// was given. Tests move it forward ([`Clock::advance`]) instead of
/// sleeping across expiry and lease times; clones share one reading.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Seconds added to the system clock.
    ahead: Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        let ahead = self.ahead.load(std::sync::atomic::Ordering::Relaxed);
        (Utc::now() + chrono::Duration::seconds(ahead)).trunc_subsecs(0)
    }

    /// Moves this clock forward (tests: an hour passes at once).
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.ahead
            .fetch_add(secs, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The one id scheme: UUIDv7, time-ordered so ids sort in creation order
/// and index well on every backend.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

impl Store {
    /// Connects to the database named by `url`; the scheme picks the backend.
    pub async fn connect(
        url: &str,
        pool: &PoolOptions,
        observer: Option<QueryObserver>,
    ) -> Result<Store> {
        let scheme = url.split(':').next().unwrap_or_default();
        if !matches!(
            scheme,
            "sqlite" | "postgres" | "postgresql" | "mysql" | "mariadb"
        ) {
            return Err(StoreError::Db(DbErr::Custom(format!(
                "unsupported database URL scheme {scheme:?}: use sqlite://, postgres:// or mysql://"
            ))));
        }
        let url = if scheme == "mariadb" {
            url.replacen("mariadb", "mysql", 1)
        } else {
            url.to_owned()
        };
        if scheme == "sqlite" {
            ensure_sqlite_parent_dir(&url)?;
        }
        let mut opts = ConnectOptions::new(url);
        opts.max_connections(pool.max_connections)
            .min_connections(1)
            .acquire_timeout(pool.acquire_timeout)
            .sqlx_logging(false)
            // Tuned for a server, as Vaultwarden does: WAL lets readers run
            // beside the writer; NORMAL sync is safe with WAL; busy_timeout
            // makes concurrent writers wait instead of failing.
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
        let mut db = Database::connect(opts).await?;
        if let Some(observer) = observer {
            db.set_metric_callback(move |info| observer(info.elapsed, info.failed));
        }
        let write_gate = (scheme == "sqlite").then(|| Arc::new(tokio::sync::Mutex::new(())));
        Ok(Store {
            db,
            write_gate,
            clock: Clock::default(),
        })
    }

    /// The time now, on this store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Begins a transaction that will write.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let gate = match &self.write_gate {
            Some(g) => Some(g.clone().lock_owned().await),
            None => None,
        };
        // BEGIN runs to its end in a task of its own. A request future
        // dropped between sending BEGIN and reading its answer (a client
        // that hung up) would otherwise leave sqlx 0.8 with a connection
        // inside a transaction it does not count: back in the pool, every
        // later write on it is answered and never committed (MySQL then
        // also holds its row locks). Finished here, a dropped `WriteTx`
        // rolls back as it should.
        let db = self.db.clone();
        let tx = tokio::spawn(async move { sea_orm::TransactionTrait::begin(&db).await })
            .await
            .map_err(|e| StoreError::Db(DbErr::Custom(format!("BEGIN did not finish: {e}"))))??;
        Ok(WriteTx { tx, _gate: gate })
    }

    pub async fn migrate(&self) -> Result<()> {
        Migrator::up(&self.db, None).await?;
        Ok(())
    }

    /// Every migration this binary knows, in order, and whether it was
    /// applied (`critboard migrate --status`); changes nothing.
    pub async fn migration_status(&self) -> Result<Vec<(String, bool)>> {
        use sea_orm_migration::MigrationStatus;
        Ok(Migrator::get_migration_with_status(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.name().to_owned(), m.status() == MigrationStatus::Applied))
            .collect())
    }

    /// Whether the database answers: the readiness probe.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await?;
        Ok(())
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }

    /// Builds a statement from SQL written with `?` placeholders, numbering
    /// them `$1, $2…` for PostgreSQL. Our SQL never contains a literal `?`.
    pub fn stmt(&self, sql: &str, values: Vec<Value>) -> Statement {
        statement(self.backend(), sql, values)
    }

    /// Takes the write lock on one row before a read-then-write transaction:
    /// a row lock on PostgreSQL/MySQL, the database write lock on SQLite
    /// (whose deferred transactions would otherwise fail to upgrade a read).
    /// Used where a check must hold until commit, e.g. "one owner remains".
    pub(crate) async fn lock_row(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        table: &'static str,
        id: Uuid,
    ) -> Result<()> {
        let sql = format!("UPDATE {table} SET updated_at = updated_at WHERE id = ?");
        let res = tx.execute(self.stmt(&sql, vec![id.into()])).await?;
        if res.rows_affected() == 0 && self.backend() != DatabaseBackend::MySql {
            // MySQL counts only changed rows; elsewhere 0 means no such row.
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// `expr` as a 64-bit integer on every backend (PostgreSQL sums bigints
    /// into numerics, MySQL into decimals).
    pub fn as_bigint(&self, expr: &str) -> String {
        match self.backend() {
            DatabaseBackend::Postgres => format!("CAST({expr} AS BIGINT)"),
            DatabaseBackend::MySql => format!("CAST({expr} AS SIGNED)"),
            DatabaseBackend::Sqlite => expr.to_owned(),
        }
    }

    /// The models `select` finds. On SQLite the rows come as one JSON
    /// value (ADR 014), in the order of `order` (columns of `t`, the
    /// select's rows: an ORDER BY inside a subquery does not order an
    /// aggregate over it).
    pub(crate) async fn all_of<E>(
        &self,
        select: sea_orm::Select<E>,
        order: &str,
    ) -> Result<Vec<E::Model>>
    where
        E: sea_orm::EntityTrait,
        E::Model: serde::de::DeserializeOwned,
    {
        use sea_orm::QueryTrait;
        if self.backend() != DatabaseBackend::Sqlite {
            return Ok(select.all(self.conn()).await?);
        }
        let inner = select.build(DatabaseBackend::Sqlite);
        let sql = format!(
            "SELECT json_group_array(json_object({}) ORDER BY {order}) AS page FROM ({}) t",
            json_columns::<E>("t"),
            inner.sql
        );
        let binds = inner.values.map(|v| v.0).unwrap_or_default();
        self.one_json(&sql, binds).await
    }

    /// SQLite only: reads `sql`, a query whose one row has one column
    /// `page` holding JSON text, as `T`. sqlx hands every row and column of
    /// a SQLite answer from the connection's thread to the async side one
    /// at a time; a page read as one value skips that cost (ADR 014).
    pub(crate) async fn one_json<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        binds: Vec<Value>,
    ) -> Result<T> {
        let row = self
            .conn()
            .query_one(self.stmt(sql, binds))
            .await?
            .ok_or(StoreError::NotFound)?;
        let text: String = row.try_get("", "page")?;
        serde_json::from_str(&text).map_err(|e| StoreError::Db(DbErr::Json(e.to_string())))
    }

    /// Runs writing statements in order inside `tx`, for their effect
    /// only. On SQLite they travel to the connection's thread as one
    /// multi-statement query (sqlx binds each statement's `?`s in turn):
    /// one round trip instead of one per statement while the write gate is
    /// held. Elsewhere one at a time.
    pub(crate) async fn execute_all(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        writes: Vec<Statement>,
    ) -> Result<()> {
        if self.backend() != DatabaseBackend::Sqlite || writes.len() < 2 {
            for w in writes {
                tx.execute(w).await?;
            }
            return Ok(());
        }
        let mut sql = String::new();
        let mut values = Vec::new();
        for w in writes {
            sql.push_str(w.sql.trim_end_matches(';'));
            sql.push_str(";\n");
            values.extend(w.values.map(|v| v.0).unwrap_or_default());
        }
        tx.execute(Statement::from_sql_and_values(
            DatabaseBackend::Sqlite,
            sql,
            values,
        ))
        .await?;
        Ok(())
    }

    /// Runs one writing statement. On SQLite it waits its turn at the
    /// in-process write gate like transactions do, instead of colliding on
    /// the file lock and sleeping in SQLite's busy handler. Never call it
    /// while holding a [`WriteTx`] (use the transaction instead).
    pub async fn execute(&self, sql: &str, values: Vec<Value>) -> Result<u64> {
        let _turn = match &self.write_gate {
            Some(g) => Some(g.lock().await),
            None => None,
        };
        Ok(self
            .db
            .execute(self.stmt(sql, values))
            .await?
            .rows_affected())
    }
}

fn ensure_sqlite_parent_dir(url: &str) -> Result<()> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Db(DbErr::Custom(format!(
                    "cannot create database folder {}: {e}",
                    parent.display()
                )))
            })?;
        }
    }
    Ok(())
}

/// Escapes `%`, `_` and `!` for a `LIKE … ESCAPE '!'` pattern. `!` rather
/// than backslash because MySQL treats a backslash in a literal as an escape.
pub fn like_contains(needle: &str) -> String {
    let mut out = String::from("%");
    for ch in needle.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// SQLite only: the arguments of a `json_object(…)` holding every column
/// of entity `E` (table alias `t`), in the shape the entity's `Deserialize`
/// reads: ids, stored as 16-byte blobs, as hex text; booleans, stored as
/// 0/1, as JSON booleans; enums as their stored numbers (the entities mark
/// them `stored::number`); times as the text sqlx wrote. Made from the
/// entity itself, so a column added to it is never left out.
pub(crate) fn json_columns<E: sea_orm::EntityTrait>(t: &str) -> String {
    use sea_orm::sea_query::ColumnType;
    use sea_orm::{ColumnTrait, IdenStatic, Iterable};
    E::Column::iter()
        .map(|c| {
            let name = c.as_str();
            let col = format!("{t}.{name}");
            let value = match c.def().get_column_type() {
                ColumnType::Uuid => format!("CASE WHEN {col} IS NULL THEN NULL ELSE hex({col}) END"),
                // SQLite writes REALs in JSON with 15 digits; 17 keep every double.
                ColumnType::Double | ColumnType::Float => format!(
                    "CASE WHEN {col} IS NULL THEN NULL ELSE json(printf('%!.17g', {col})) END"
                ),
                ColumnType::Boolean => format!(
                    "CASE WHEN {col} IS NULL THEN NULL WHEN {col} THEN json('true') ELSE json('false') END"
                ),
                _ => col,
            };
            format!("'{name}', {value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A statement for `backend` from SQL with `?` placeholders (see
/// [`Store::stmt`]), for code that holds a transaction but not the store.
pub(crate) fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DatabaseBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 16);
        let mut n = 0;
        for ch in sql.chars() {
            if ch == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use super::unique_index_of;

    #[test]
    fn unique_violations_name_their_index_on_every_backend() {
        assert_eq!(
            unique_index_of("UNIQUE constraint failed: users.email_normalized"),
            "ix_users_email_normalized"
        );
        assert_eq!(
            unique_index_of("UNIQUE constraint failed: uploads.user_id, uploads.idempotency_key"),
            "ix_uploads_user_id_idempotency_key"
        );
        assert_eq!(
            unique_index_of(
                "duplicate key value violates unique constraint \"ix_users_email_normalized\""
            ),
            "ix_users_email_normalized"
        );
        assert_eq!(
            unique_index_of("Duplicate entry 'a@b.c' for key 'users.ix_users_email_normalized'"),
            "ix_users_email_normalized"
        );
        assert_eq!(
            unique_index_of("Duplicate entry 'x-y' for key 'board_mutes.PRIMARY'"),
            "board_mutes_pkey"
        );
    }
}
