//! Error groups: every server error is counted under a fingerprint, so an
//! operator sees each distinct fault once with how often, since when and in
//! which release, and can resolve or ignore it.

use crate::entities::{error_group, error_occurrence};
use crate::{new_id, Result, Store, StoreError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// Occurrences kept per group (the newest).
pub const OCCURRENCES_KEPT: u64 = 20;

/// One error, as recorded.
#[derive(Debug, Clone, Default)]
pub struct NewError {
    pub fingerprint: String,
    pub kind: String,
    pub location: String,
    pub route: String,
    pub method: String,
    pub job_kind: String,
    /// Already redacted by the caller.
    pub message: String,
    pub request_id: String,
    pub release: String,
}

/// What recording an error did to its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A fingerprint never seen before.
    New(Uuid),
    /// A resolved group seen again in a later release.
    Reopened(Uuid),
    Counted(Uuid),
}

impl Recorded {
    pub fn group(self) -> Uuid {
        match self {
            Recorded::New(id) | Recorded::Reopened(id) | Recorded::Counted(id) => id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStatus {
    Open,
    Resolved,
    Ignored,
}

impl ErrorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorStatus::Open => "open",
            ErrorStatus::Resolved => "resolved",
            ErrorStatus::Ignored => "ignored",
        }
    }
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

impl Store {
    /// Counts `e` in its group, creating or reopening the group as needed,
    /// and keeps it among the group's latest occurrences.
    pub async fn record_error(&self, e: &NewError) -> Result<Recorded> {
        let now = self.now();
        let message = clip(&e.message, 2000);
        let request_id = clip(&e.request_id, 64);
        let release = clip(&e.release, 80);
        let existing = error_group::Entity::find()
            .filter(error_group::Column::Fingerprint.eq(&e.fingerprint))
            .one(self.conn())
            .await?;
        let recorded = match existing {
            Some(g) => {
                self.count_error(&g, &message, &request_id, &release)
                    .await?
            }
            None => {
                let id = new_id();
                let row = error_group::ActiveModel {
                    id: Set(id),
                    fingerprint: Set(clip(&e.fingerprint, 64)),
                    kind: Set(clip(&e.kind, 100)),
                    location: Set(clip(&e.location, 200)),
                    route: Set(clip(&e.route, 200)),
                    method: Set(clip(&e.method, 10)),
                    job_kind: Set(clip(&e.job_kind, 50)),
                    message: Set(message.clone()),
                    count: Set(1),
                    first_seen: Set(now),
                    last_seen: Set(now),
                    first_release: Set(release.clone()),
                    last_release: Set(release.clone()),
                    last_request_id: Set(request_id.clone()),
                    status: Set(ErrorStatus::Open.as_str().into()),
                    resolved_release: Set(None),
                };
                match error_group::Entity::insert(row)
                    .exec_without_returning(self.conn())
                    .await
                    .map_err(StoreError::from)
                {
                    Ok(_) => Recorded::New(id),
                    // Another node recorded the same new error first.
                    Err(StoreError::Unique(_)) => {
                        let g = error_group::Entity::find()
                            .filter(error_group::Column::Fingerprint.eq(&e.fingerprint))
                            .one(self.conn())
                            .await?
                            .ok_or(StoreError::NotFound)?;
                        self.count_error(&g, &message, &request_id, &release)
                            .await?
                    }
                    Err(other) => return Err(other),
                }
            }
        };
        let group = recorded.group();
        error_occurrence::Entity::insert(error_occurrence::ActiveModel {
            id: Set(new_id()),
            group_id: Set(group),
            at: Set(now),
            request_id: Set(request_id),
            release: Set(release),
            message: Set(message),
        })
        .exec_without_returning(self.conn())
        .await?;
        self.trim_occurrences(group).await?;
        Ok(recorded)
    }

    async fn count_error(
        &self,
        g: &error_group::Model,
        message: &str,
        request_id: &str,
        release: &str,
    ) -> Result<Recorded> {
        let reopen = g.status == ErrorStatus::Resolved.as_str()
            && g.resolved_release.as_deref() != Some(release);
        self.execute(
            "UPDATE error_groups SET count = count + 1, last_seen = ?, last_release = ?, \
             last_request_id = ?, message = ?, status = ? WHERE id = ?",
            vec![
                self.now().into(),
                release.into(),
                request_id.into(),
                message.into(),
                if reopen {
                    ErrorStatus::Open.as_str()
                } else {
                    g.status.as_str()
                }
                .into(),
                g.id.into(),
            ],
        )
        .await?;
        Ok(if reopen {
            Recorded::Reopened(g.id)
        } else {
            Recorded::Counted(g.id)
        })
    }

    /// Deletes a group's occurrences beyond the newest [`OCCURRENCES_KEPT`].
    async fn trim_occurrences(&self, group: Uuid) -> Result<()> {
        let cut = error_occurrence::Entity::find()
            .filter(error_occurrence::Column::GroupId.eq(group))
            .order_by_desc(error_occurrence::Column::At)
            .order_by_desc(error_occurrence::Column::Id)
            .offset(OCCURRENCES_KEPT)
            .limit(1)
            .one(self.conn())
            .await?;
        if let Some(cut) = cut {
            self.execute(
                "DELETE FROM error_occurrences WHERE group_id = ? AND (at < ? OR (at = ? AND id <= ?))",
                vec![group.into(), cut.at.into(), cut.at.into(), cut.id.into()],
            )
            .await?;
        }
        Ok(())
    }

    /// Error groups, the most recently seen first: the open ones, or all.
    pub async fn error_groups(&self, all: bool, limit: u64) -> Result<Vec<error_group::Model>> {
        let mut q = error_group::Entity::find();
        if !all {
            q = q.filter(error_group::Column::Status.eq(ErrorStatus::Open.as_str()));
        }
        Ok(q.order_by_desc(error_group::Column::LastSeen)
            .order_by_desc(error_group::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?)
    }

    pub async fn error_group(&self, id: Uuid) -> Result<error_group::Model> {
        error_group::Entity::find_by_id(id)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A group's kept occurrences, newest first.
    pub async fn error_occurrences(&self, group: Uuid) -> Result<Vec<error_occurrence::Model>> {
        Ok(error_occurrence::Entity::find()
            .filter(error_occurrence::Column::GroupId.eq(group))
            .order_by_desc(error_occurrence::Column::At)
            .order_by_desc(error_occurrence::Column::Id)
            .limit(OCCURRENCES_KEPT)
            .all(self.conn())
            .await?)
    }

    /// Resolves (in `release`), ignores or reopens a group.
    pub async fn set_error_status(
        &self,
        id: Uuid,
        status: ErrorStatus,
        release: &str,
    ) -> Result<error_group::Model> {
        let resolved_in = (status == ErrorStatus::Resolved).then(|| clip(release, 80));
        let n = self
            .execute(
                "UPDATE error_groups SET status = ?, resolved_release = ? WHERE id = ?",
                vec![status.as_str().into(), resolved_in.into(), id.into()],
            )
            .await?;
        if n == 0 && self.backend() != sea_orm::DatabaseBackend::MySql {
            return Err(StoreError::NotFound);
        }
        self.error_group(id).await
    }
}
