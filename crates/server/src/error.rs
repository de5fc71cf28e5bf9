//! The HTTP layer's one error type. Every failure becomes an RFC 9457
//! `application/problem+json` body with a stable `type`
//! (`urn:critboard:problem:<code>`); see docs/adr/002-error-format.md.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use critboard_domain::{FieldError, FieldErrors};
use critboard_store::queries::sharing::LinkEnd;
use critboard_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid session or token.
    #[error("sign in first")]
    Unauthorized,
    /// 401 on sign-in: wrong e-mail or password (never says which).
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// 401 when opening a share link: its password was wrong or missing.
    #[error("this link needs its password; the one given is wrong or missing")]
    LinkPassword,
    /// 410 when opening a share link that was revoked or has expired.
    #[error("{}", link_end_detail(*.0))]
    LinkGone(LinkEnd),
    /// 401 for a guest whose only way in was a link that has since been
    /// revoked or has expired.
    #[error("{}", link_end_detail(*.0))]
    PassEnded(LinkEnd),
    /// 403: the caller may see the thing but not do this to it.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 403: cookie-authenticated change without the CSRF header.
    #[error("missing or wrong X-CSRF-Token header")]
    Csrf,
    /// 404: does not exist, or the caller may not know it exists.
    #[error("not found")]
    NotFound,
    /// 404 from the router itself: no such route.
    #[error("no such route")]
    NoRoute,
    /// 405
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    /// 409: the request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 413
    #[error("request body too large")]
    PayloadTooLarge,
    /// 413: an upload larger than the configured maximum.
    #[error("{0}")]
    FileTooLarge(String),
    /// 413: the workspace's storage quota would be exceeded.
    #[error("{0}")]
    QuotaExceeded(String),
    /// 415
    #[error("send a JSON body with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 422: a readable body whose values are not acceptable.
    #[error("some fields are not valid")]
    Validation(FieldErrors),
    /// 429
    #[error("too many attempts; try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// 503: a dependency (the database) is not reachable.
    #[error("service unavailable")]
    Unavailable,
    /// 503: this feature needs something the server lacks (Chromium for
    /// website captures); the message says what.
    #[error("{0}")]
    NotAvailable(String),
    /// 507: no space left for files; the operator must free some.
    #[error("the server has no space left for files; try again later, and tell its administrator")]
    StorageFull,
    /// 500: our fault. Logged and grouped with details; the client sees
    /// none but the request id.
    #[error("internal error")]
    Internal(Internal),
}

/// What went wrong inside, and where it was noticed.
#[derive(Debug)]
pub struct Internal {
    pub message: String,
    pub location: &'static std::panic::Location<'static>,
}

/// A 5xx answer's details, for the error groups: put on the response by
/// [`ApiError::into_response`], taken off by the HTTP layer, which also
/// writes the body then (with the request id).
#[derive(Clone, Debug)]
pub struct Failed {
    pub problem: Problem,
    /// The problem code, or `panic`.
    pub kind: String,
    pub location: String,
    pub message: String,
}

/// The problem document (RFC 9457) every error response carries.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable, machine-readable: `urn:critboard:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Per-field messages for 422 responses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldErrorDoc>)]
    pub errors: Vec<FieldError>,
    /// On 5xx answers: the request's id (also its `X-Request-Id`), to quote
    /// when reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One invalid field of a request body.
#[derive(Serialize, ToSchema)]
pub struct FieldErrorDoc {
    pub field: String,
    pub message: String,
}

fn link_end_code(end: LinkEnd) -> &'static str {
    match end {
        LinkEnd::Revoked => "link-revoked",
        LinkEnd::Expired => "link-expired",
    }
}

fn link_end_detail(end: LinkEnd) -> &'static str {
    match end {
        LinkEnd::Revoked => "this link was revoked; ask the person who sent it for a new one",
        LinkEnd::Expired => "this link has expired; ask the person who sent it for a new one",
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use ApiError::*;
        match self {
            BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Not signed in"),
            BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "bad-credentials",
                "Sign-in failed",
            ),
            LinkPassword => (StatusCode::UNAUTHORIZED, "link-password", "Password needed"),
            LinkGone(end) => (StatusCode::GONE, link_end_code(*end), "Link ended"),
            PassEnded(end) => (StatusCode::UNAUTHORIZED, link_end_code(*end), "Link ended"),
            Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            Csrf => (StatusCode::FORBIDDEN, "csrf", "CSRF check failed"),
            NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            NoRoute => (StatusCode::NOT_FOUND, "no-route", "No such route"),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            Conflict(_) => (StatusCode::CONFLICT, "conflict", "Conflict"),
            PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Request too large",
            ),
            FileTooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "file-too-large",
                "File too large",
            ),
            QuotaExceeded(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "quota-exceeded",
                "Storage quota exceeded",
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid input",
            ),
            TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "Too many requests",
            ),
            StorageFull => (
                StatusCode::INSUFFICIENT_STORAGE,
                "storage-full",
                "Storage full",
            ),
            NotAvailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "not-available",
                "Not available on this server",
            ),
            Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
            ),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
            ),
        }
    }

    /// A 500 noting where it was raised.
    #[track_caller]
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::Internal(Internal {
            message: message.into(),
            location: std::panic::Location::caller(),
        })
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(FieldErrors::single(field, message))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title) = self.parts();
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            // The database is restarting or the pool is full: soon.
            ApiError::Unavailable => Some(2),
            _ => None,
        };
        let (detail, location, message) = match &self {
            ApiError::Internal(e) => {
                tracing::error!(error = %e.message, at = %e.location, "internal error");
                (
                    "Something went wrong on our side; it has been logged.".to_owned(),
                    format!("{}:{}", e.location.file(), e.location.line()),
                    e.message.clone(),
                )
            }
            other => (other.to_string(), String::new(), other.to_string()),
        };
        let errors = match self {
            ApiError::Validation(errors) => errors.0,
            _ => Vec::new(),
        };
        let problem = Problem {
            kind: format!("urn:critboard:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            request_id: None,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        if status.is_server_error() {
            res.extensions_mut().insert(Failed {
                problem,
                kind: code.to_owned(),
                location,
                message,
            });
        }
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError::Validation(e)
    }
}

impl From<StoreError> for ApiError {
    /// Tracked, so that a `?` on a failed query names its line.
    #[track_caller]
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::EmailTaken => {
                ApiError::Conflict("an account with this e-mail already exists".into())
            }
            StoreError::AlreadyMember => ApiError::Conflict("already a member".into()),
            StoreError::NotADraft => {
                ApiError::Conflict("this review is submitted; start a new one".into())
            }
            StoreError::EmptyReview => ApiError::invalid(
                "decisions",
                "this review has nothing to publish: add a comment, a decision or a summary",
            ),
            StoreError::LastOwner => ApiError::Conflict(
                "the last owner cannot leave or be demoted; make someone else owner first".into(),
            ),
            StoreError::UploadRefused => ApiError::invalid("file", "the file was refused"),
            // A unique index no caller expected, or a race a job retries:
            // our bug or a transient state, never the client's doing.
            e @ (StoreError::Unique(_) | StoreError::AlreadyEmailed) => {
                ApiError::internal(e.to_string())
            }
            e if e.is_unavailable() => {
                tracing::warn!(error = %e, "the database is not reachable");
                ApiError::Unavailable
            }
            StoreError::Db(e) => ApiError::internal(e.to_string()),
        }
    }
}
