//! Counting attempts per key across all nodes, for sign-in throttling: a
//! sliding minute estimated from this minute's hits and the last one's
//! (weighted by how much of it is still inside the minute), so the count
//! never drops to zero at a minute boundary.

use crate::{Result, Store, StoreError};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, Value};

/// What one attempt found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hits {
    /// Attempts in the last 60 s, this one included (estimated).
    pub in_last_minute: f64,
    /// Seconds until the current minute's window ends.
    pub window_left: u64,
}

impl Store {
    /// Counts one attempt for `bucket` and says how many there were in the
    /// last minute.
    pub async fn hit(&self, bucket: &str) -> Result<Hits> {
        let now = self.now();
        let window = now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now);
        let previous = window - TimeDelta::minutes(1);
        let bucket: String = bucket.chars().take(255).collect();
        if self.bump(&bucket, window, previous).await? == 0 {
            let inserted = self
                .execute(
                    "INSERT INTO throttles (bucket, window_start, hits, prev_hits) VALUES (?, ?, 1, 0)",
                    vec![bucket.clone().into(), window.into()],
                )
                .await;
            match inserted {
                Ok(_) => {}
                // Another node inserted it first: count on its row.
                Err(StoreError::Unique(_)) => {
                    self.bump(&bucket, window, previous).await?;
                }
                Err(e) => return Err(e),
            }
        }
        let row = self
            .conn()
            .query_one(self.stmt(
                "SELECT hits, prev_hits FROM throttles WHERE bucket = ?",
                vec![bucket.into()],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        let hits: i32 = row.try_get("", "hits")?;
        let prev: i32 = row.try_get("", "prev_hits")?;
        let elapsed = (now - window).num_seconds().clamp(0, 59) as f64;
        Ok(Hits {
            in_last_minute: f64::from(hits) + f64::from(prev) * (60.0 - elapsed) / 60.0,
            window_left: (60.0 - elapsed) as u64,
        })
    }

    /// Moves the row's window to `window` and counts one hit; the number of
    /// rows changed (0 when the bucket has no row yet).
    async fn bump(
        &self,
        bucket: &str,
        window: DateTime<Utc>,
        previous: DateTime<Utc>,
    ) -> Result<u64> {
        // Assignments read the old values on every backend (MySQL evaluates
        // left to right, so the order here matters).
        self.execute(
            "UPDATE throttles SET \
             prev_hits = CASE WHEN window_start = ? THEN prev_hits WHEN window_start = ? THEN hits ELSE 0 END, \
             hits = CASE WHEN window_start = ? THEN hits + 1 ELSE 1 END, \
             window_start = ? WHERE bucket = ?",
            vec![
                window.into(),
                previous.into(),
                window.into(),
                Value::from(window),
                bucket.into(),
            ],
        )
        .await
    }

    /// Forgets keys not seen for two minutes (they count nothing any more).
    pub async fn forget_idle_throttles(&self) -> Result<u64> {
        let before = self.now() - TimeDelta::minutes(2);
        self.execute(
            "DELETE FROM throttles WHERE window_start < ?",
            vec![before.into()],
        )
        .await
    }
}
