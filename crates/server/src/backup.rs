//! `critboard backup` and `critboard restore`: a consistent copy of a
//! running server's SQLite database (`VACUUM INTO`, a snapshot taken in one
//! read transaction) and of its local file folder. PostgreSQL and MySQL
//! have their own online tools; for them only the files are copied and the
//! command says which tool to run. See docs/deploy.md "Backups".

use crate::app::connect_store;
use crate::config::Config;
use anyhow::{bail, Context};
use critboard_store::sea_orm::DatabaseBackend;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MANIFEST: &str = "critboard-backup.json";
const DATABASE: &str = "critboard.db";
const OBJECTS: &str = "objects";

/// What a backup folder holds, written last: a folder without it is not a
/// finished backup.
#[derive(Serialize, Deserialize, Debug)]
pub struct Manifest {
    pub release: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// `sqlite`, `postgres` or `mysql`.
    pub backend: String,
    /// The database file in the folder (SQLite only).
    pub database: Option<String>,
    /// Files copied from the local store, and their bytes (0 with S3).
    pub files: u64,
    pub bytes: u64,
}

/// The file of a `sqlite://` URL.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let path = rest.trim_start_matches("//").split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The folder files are kept in, unless they are in S3.
fn local_objects(config: &Config) -> Option<PathBuf> {
    match config.storage_url.as_deref().map(str::trim) {
        None | Some("") => Some(config.storage_root()),
        Some(u) if u.starts_with("s3://") => None,
        Some(u) => Some(PathBuf::from(u.trim_start_matches("file://"))),
    }
}

fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// Copies every file under `from` into `to`, keeping the layout; returns
/// the files and bytes copied. Each file is written aside and renamed, so
/// an interrupted copy leaves no half file under its real name.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let dir = from.join(&rel);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        };
        std::fs::create_dir_all(to.join(&rel))
            .with_context(|| format!("cannot create {}", to.join(&rel).display()))?;
        for entry in entries {
            let entry = entry?;
            let name = rel.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(name);
            } else if kind.is_file() {
                let target = to.join(&name);
                let partial = target.with_extension("partial-copy");
                match std::fs::copy(entry.path(), &partial) {
                    Ok(n) => {
                        std::fs::rename(&partial, &target)?;
                        files += 1;
                        bytes += n;
                    }
                    // Deleted since it was listed (a board was deleted).
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(e).with_context(|| format!("cannot copy {}", name.display()))
                    }
                }
            }
        }
    }
    Ok((files, bytes))
}

/// Writes a backup of the server configured by `config` into `to`, which
/// must be empty or not exist yet.
pub async fn backup(config: &Config, to: &Path) -> anyhow::Result<Manifest> {
    if !is_empty_dir(to)? {
        bail!("{} is not empty: back up into a new folder", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let store = connect_store(config).await?;
    let backend = store.backend();
    let database = if backend == DatabaseBackend::Sqlite {
        let target = std::path::absolute(to.join(DATABASE))?;
        // One statement, one read transaction: a consistent snapshot while
        // the server keeps writing.
        store
            .execute("VACUUM INTO ?", vec![target.display().to_string().into()])
            .await
            .context("cannot snapshot the SQLite database")?;
        Some(DATABASE.to_owned())
    } else {
        None
    };
    let _ = store.close().await;
    // After the snapshot: every file it refers to was already written
    // (files land before the rows naming them).
    let (files, bytes) = match local_objects(config) {
        Some(dir) => {
            let to = to.join(OBJECTS);
            tokio::task::spawn_blocking(move || copy_tree(&dir, &to)).await??
        }
        None => (0, 0),
    };
    let manifest = Manifest {
        release: crate::errors::RELEASE.into(),
        created_at: chrono::Utc::now(),
        backend: backend_name(backend).into(),
        database,
        files,
        bytes,
    };
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

fn backend_name(b: DatabaseBackend) -> &'static str {
    match b {
        DatabaseBackend::Sqlite => "sqlite",
        DatabaseBackend::Postgres => "postgres",
        DatabaseBackend::MySql => "mysql",
    }
}

/// What the operator must do besides, for the database and files the
/// backup could not copy consistently itself (or, `restoring`, put back).
pub fn advice(config: &Config, m: &Manifest, restoring: bool) -> Vec<String> {
    let mut out = Vec::new();
    let tool = match (m.backend.as_str(), restoring) {
        ("postgres", false) => Some((
            "PostgreSQL",
            "pg_dump --format=custom --file=critboard.dump \"$DATABASE_URL\"",
        )),
        ("postgres", true) => Some((
            "PostgreSQL",
            "pg_restore --dbname \"$DATABASE_URL\" critboard.dump",
        )),
        ("mysql", false) => Some((
            "MySQL/MariaDB",
            "mysqldump --single-transaction critboard > critboard.sql",
        )),
        ("mysql", true) => Some(("MySQL/MariaDB", "mysql critboard < critboard.sql")),
        _ => None,
    };
    if let Some((name, command)) = tool {
        out.push(if restoring {
            format!("The database is {name}: restore it with its own tool before starting Critboard, e.g. `{command}`.")
        } else {
            format!("The database is {name}: back it up with its own tool, e.g. `{command}` (consistent while running).")
        });
    }
    if local_objects(config).is_none() {
        out.push(
            "Files are in S3: keep them with the store's own versioning or replication; \
             none were copied."
                .into(),
        );
    }
    out
}

/// Puts a backup from `from` in place for the server configured by
/// `config`, whose database file and file folder must not exist yet (or be
/// empty): restoring never overwrites.
pub async fn restore(config: &Config, from: &Path) -> anyhow::Result<Manifest> {
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(from.join(MANIFEST)).with_context(|| {
            format!(
                "{} holds no finished backup (no {MANIFEST})",
                from.display()
            )
        })?)
        .context("the backup's manifest cannot be read")?;
    let db_url = config.database_url();
    if let Some(db) = &manifest.database {
        let Some(target) = sqlite_path(&db_url) else {
            bail!("this backup holds a SQLite database, but the server is configured for {}: restore into a SQLite setup", db_url.split(':').next().unwrap_or("another database"));
        };
        if target.exists() {
            bail!(
                "{} exists: restore into an empty data folder",
                target.display()
            );
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let partial = target.with_extension("restoring");
        std::fs::copy(from.join(db), &partial).context("cannot copy the database")?;
        std::fs::rename(&partial, &target)?;
    }
    if let Some(dir) = local_objects(config) {
        if !is_empty_dir(&dir)? {
            bail!(
                "{} is not empty: restore into an empty data folder",
                dir.display()
            );
        }
        let source = from.join(OBJECTS);
        tokio::task::spawn_blocking(move || copy_tree(&source, &dir)).await??;
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_urls_name_their_file() {
        use super::sqlite_path;
        assert_eq!(
            sqlite_path("sqlite:///var/lib/critboard/critboard.db?mode=rwc"),
            Some("/var/lib/critboard/critboard.db".into())
        );
        assert_eq!(
            sqlite_path("sqlite://./data/c.db"),
            Some("./data/c.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://db/critboard"), None);
    }
}
