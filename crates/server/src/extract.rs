//! Extractors that turn every unreadable request into a problem+json 4xx
//! instead of axum's plain-text rejections.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use critboard_domain::FieldErrors;
use serde::de::DeserializeOwned;

/// A JSON body. Syntax errors are 400, wrong types or missing fields 422
/// (with the field named), a missing content type 415, too big 413.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            // axum reports "<prefix>: <path>: <serde message>"; the path
            // names the field when serde knows it.
            let text = e.body_text();
            let inner = text
                .split_once(": ")
                .map_or(text.as_str(), |(_, rest)| rest);
            let (field, message) = match inner.split_once(": ") {
                Some((path, msg)) if !path.contains(' ') => (path.to_owned(), msg.to_owned()),
                _ => missing_field(inner).unwrap_or_else(|| ("body".into(), inner.to_owned())),
            };
            ApiError::Validation(FieldErrors::single(&field, message))
        }
        JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest(e.body_text()),
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        other => ApiError::BadRequest(other.body_text()),
    }
}

/// serde says "missing field `name` at line 1 column 2".
fn missing_field(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("missing field `")?;
    let (name, _) = rest.split_once('`')?;
    Some((name.to_owned(), "is required".to_owned()))
}

/// Path parameters. An id that does not parse cannot name anything, so it
/// is a 404 like any unknown id.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(ApiError::NotFound),
            Err(other) => Err(ApiError::internal(other.body_text())),
        }
    }
}

/// Query-string parameters; unreadable ones are a 400 naming the problem.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(ApiError::BadRequest(e.body_text()))
            }
            Err(other) => Err(ApiError::BadRequest(other.body_text())),
        }
    }
}
