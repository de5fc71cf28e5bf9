use sea_orm::entity::prelude::*;

/// Errors of one kind from one place: see `queries::errors`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "error_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub fingerprint: String,
    /// What went wrong: `panic`, `internal`, `job-failed`, a problem code.
    pub kind: String,
    /// Where in the code (`file:line`), or empty when unknown.
    pub location: String,
    /// The route template and method of a request, or empty for jobs.
    pub route: String,
    pub method: String,
    /// The kind of the job that failed, or empty for requests.
    pub job_kind: String,
    /// The latest occurrence's message, secrets redacted.
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub count: i64,
    pub first_seen: DateTimeUtc,
    pub last_seen: DateTimeUtc,
    pub first_release: String,
    pub last_release: String,
    pub last_request_id: String,
    /// `open`, `resolved` or `ignored`.
    pub status: String,
    /// The release it was resolved in: it reopens when seen in another.
    pub resolved_release: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
