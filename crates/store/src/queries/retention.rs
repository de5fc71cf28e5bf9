//! Retention: rows that only ever grow are pruned once they are of no
//! further use, in bounded batches so a long backlog never holds a big
//! lock (docs/deploy.md "Retention").

use crate::{Result, Store};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Value};

/// Rows deleted per statement.
pub const BATCH: usize = 500;
/// Finished jobs, sent e-mails and spent or expired tokens are kept this
/// long (to look into a problem), idempotency keys this long (retries come
/// within minutes).
pub const KEEP_DONE: Duration = Duration::days(7);
pub const KEEP_IDEMPOTENCY: Duration = Duration::days(1);

/// What one run deleted, per kind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub jobs: u64,
    pub emails: u64,
    pub tokens: u64,
    pub sessions: u64,
    pub idempotency_keys: u64,
}

impl Store {
    /// Deletes what is of no further use as of `now`; safe to run on
    /// several nodes at once (each batch deletes what is still there).
    pub async fn prune(&self, now: DateTime<Utc>) -> Result<Pruned> {
        let done = now - KEEP_DONE;
        let keys = now - KEEP_IDEMPOTENCY;
        Ok(Pruned {
            jobs: self
                .delete_in_batches(
                    "jobs",
                    &["id"],
                    "done_at IS NOT NULL AND done_at < ?",
                    &[done],
                )
                .await?,
            emails: self
                .delete_in_batches(
                    "emails",
                    &["id"],
                    "sent_at IS NOT NULL AND sent_at < ?",
                    &[done],
                )
                .await?,
            tokens: self
                .delete_in_batches(
                    "email_tokens",
                    &["id"],
                    "(used_at IS NOT NULL AND used_at < ?) OR expires_at < ?",
                    &[done, done],
                )
                .await?,
            sessions: self
                .delete_in_batches("sessions", &["id"], "expires_at < ?", &[now])
                .await?,
            idempotency_keys: self
                .delete_in_batches(
                    "idempotency_keys",
                    &["user_id", "key"],
                    "created_at < ?",
                    &[keys],
                )
                .await?
                + self
                    .delete_in_batches(
                        "guest_request_keys",
                        &["guest_id", "key"],
                        "created_at < ?",
                        &[keys],
                    )
                    .await?,
        })
    }

    /// Deletes the rows of `table` matching `condition`, [`BATCH`] at a
    /// time, by their primary key `key` (portable: MySQL allows no LIMIT in
    /// a subquery, PostgreSQL no LIMIT on DELETE).
    async fn delete_in_batches(
        &self,
        table: &str,
        key: &[&str],
        condition: &str,
        at: &[DateTime<Utc>],
    ) -> Result<u64> {
        // `key` is a reserved word in MySQL: quote the key columns.
        let quoted: Vec<String> = key
            .iter()
            .map(|c| match self.backend() {
                sea_orm::DatabaseBackend::MySql => format!("`{c}`"),
                _ => format!("\"{c}\""),
            })
            .collect();
        let mut deleted = 0;
        loop {
            let select = format!(
                "SELECT {} FROM {table} WHERE {condition} LIMIT {BATCH}",
                quoted.join(", ")
            );
            let binds: Vec<Value> = at.iter().map(|t| (*t).into()).collect();
            let rows: Vec<QueryResult> = self.conn().query_all(self.stmt(&select, binds)).await?;
            if rows.is_empty() {
                return Ok(deleted);
            }
            let mut values: Vec<Value> = Vec::with_capacity(rows.len() * key.len());
            for row in &rows {
                for col in key {
                    values.push(key_value(row, col)?);
                }
            }
            let one = format!(
                "({})",
                quoted
                    .iter()
                    .map(|c| format!("{c} = ?"))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            );
            let sql = format!(
                "DELETE FROM {table} WHERE {}",
                vec![one; rows.len()].join(" OR ")
            );
            deleted += self.execute(&sql, values).await?;
            if rows.len() < BATCH {
                return Ok(deleted);
            }
        }
    }
}

/// A key column's value, whatever its type (UUIDs and text here).
fn key_value(row: &QueryResult, col: &str) -> Result<Value> {
    if let Ok(id) = row.try_get::<uuid::Uuid>("", col) {
        return Ok(id.into());
    }
    Ok(row.try_get::<String>("", col)?.into())
}
