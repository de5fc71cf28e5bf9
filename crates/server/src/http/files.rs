//! Stored files reach browsers only through short-lived signed URLs. In
//! local mode Critboard serves them itself, with the sniffed content type,
//! `nosniff`, a sandboxing CSP and a safe file name.

use crate::error::{ApiError, Problem, Result};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_file))
}

/// Seconds a file link stays valid. Links are stable within a window so a
/// browser's cache keeps working across page loads.
const LINK_WINDOW: i64 = 600;
const LINK_LIFETIME: i64 = 900;

/// Sent to browsers with every stored file: never run as a page, never
/// sniffed into something else.
pub const FILE_CSP: &str =
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";

#[derive(Serialize, Deserialize)]
struct Claims {
    /// Object key.
    k: String,
    /// Content type to send.
    t: String,
    /// File name to offer.
    n: String,
    /// Expiry, Unix seconds.
    e: i64,
    /// Offered as a download rather than shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    a: bool,
}

/// A signed, expiring link to a stored object: through Critboard, or
/// straight to S3 when the operator chose direct downloads.
pub fn file_url(state: &AppState, key: &str, content_type: &str, name: &str) -> String {
    signed_url(state, key, content_type, name, false)
}

/// Like [`file_url`], but the browser saves the file under its name.
pub fn download_url(state: &AppState, key: &str, content_type: &str, name: &str) -> String {
    signed_url(state, key, content_type, name, true)
}

fn signed_url(
    state: &AppState,
    key: &str,
    content_type: &str,
    name: &str,
    attachment: bool,
) -> String {
    let now = state.store.now().timestamp();
    let expires = (now / LINK_WINDOW) * LINK_WINDOW + LINK_WINDOW + LINK_LIFETIME;
    if state.config.s3_direct_downloads {
        let lifetime = std::time::Duration::from_secs((expires - now).max(60) as u64);
        if let Some(url) =
            state
                .storage
                .presign_get(key, content_type, &disposition(name, attachment), lifetime)
        {
            return url;
        }
    }
    let claims = Claims {
        k: key.to_owned(),
        t: content_type.to_owned(),
        n: name.to_owned(),
        e: expires,
        a: attachment,
    };
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
    let sig = state.signer.sign(&["file", &body]);
    format!("{}/api/v1/files/{body}.{sig}", state.config.public_url())
}

/// `Content-Disposition` that cannot break out of its header: quotes,
/// slashes and control characters removed, non-ASCII in `filename*`.
fn disposition(name: &str, attachment: bool) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ';'))
        .take(150)
        .collect();
    let clean = if clean.trim().is_empty() {
        "file".to_owned()
    } else {
        clean
    };
    let ascii: String = clean
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded: String = clean
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let kind = if attachment { "attachment" } else { "inline" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file, through a link from the API.
#[utoipa::path(get, path = "/api/v1/files/{token}", tag = "assets", security(()),
    params(("token" = String, Path, description = "From a `url` field of the API")),
    responses((status = 200, description = "The file", content_type = "image/*"),
        (status = 403, body = Problem, description = "Link expired or altered"),
        (status = 404, body = Problem)))]
async fn get_file(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let (body, sig) = token.rsplit_once('.').ok_or(ApiError::NotFound)?;
    if !state.signer.verify(&["file", body], sig) {
        return Err(ApiError::Forbidden("this link is not valid"));
    }
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(body)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(ApiError::NotFound)?;
    let now = state.store.now().timestamp();
    if claims.e < now {
        return Err(ApiError::Forbidden(
            "this link has expired; reload the page",
        ));
    }
    let size = state
        .storage
        .size(&claims.k)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .ok_or(ApiError::NotFound)?;
    let stream = state
        .storage
        .stream(&claims.k)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut res = (StatusCode::OK, Body::from_stream(stream)).into_response();
    let h = res.headers_mut();
    let value = |v: &str| HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static(""));
    h.insert(header::CONTENT_TYPE, value(&claims.t));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        value(&disposition(&claims.n, claims.a)),
    );
    h.insert(
        header::CACHE_CONTROL,
        value(&format!("private, max-age={}", (claims.e - now).max(0))),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-site"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_cannot_break_the_header() {
        let d = super::disposition("a\"b\r\nX-Evil: 1/../é.png", false);
        assert!(!d.contains('\r') && !d.contains('\n'));
        assert!(
            d.starts_with("inline; filename=\"abX-Evil: 1.._.png\""),
            "{d}"
        );
        assert!(
            d.contains("filename*=UTF-8''abX-Evil%3A%201..%C3%A9.png"),
            "{d}"
        );
        assert_eq!(
            super::disposition("\"\"", true),
            "attachment; filename=\"file\"; filename*=UTF-8''file"
        );
    }
}
