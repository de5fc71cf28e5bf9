//! The web app (web/, built by Vite into web/dist), served on the API's
//! own port: files by path, and index.html for every other page so the
//! app's own router can take it. Paths under /api/ never reach it.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist/"]
#[allow_missing = true]
struct WebApp;

/// The app may talk to its own origin, plus the S3 endpoint its uploads go
/// to directly; images (thumbnails, files) may also come from signed links
/// and object URLs of the user's own uploads.
fn app_csp(upload_origin: Option<&str>) -> String {
    format!(
        "default-src 'self'; img-src 'self' data: blob: https: http:; \
         connect-src 'self'{}; style-src 'self' 'unsafe-inline'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        upload_origin.map(|o| format!(" {o}")).unwrap_or_default()
    )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// What the router answers for any path it has no route for.
pub async fn fallback(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let is_api = path == "api" || path.starts_with("api/");
    if is_api || !matches!(method, Method::GET | Method::HEAD) {
        return ApiError::NoRoute.into_response();
    }
    // Vite's hashed file names never change content: cache them for good.
    let (file, name, cache) = match WebApp::get(path).filter(|_| !path.is_empty()) {
        Some(f) if path.starts_with("assets/") => (f, path, "public, max-age=31536000, immutable"),
        Some(f) => (f, path, "no-cache"),
        None => match WebApp::get("index.html") {
            Some(f) => (f, "index.html", "no-cache"),
            None => {
                return (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    "The web app is not built into this binary: run `make run`, or `npm run build` in web/.",
                )
                    .into_response()
            }
        },
    };
    let mut res = (StatusCode::OK, file.data.into_owned()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let csp = app_csp(state.storage.direct_upload_origin().as_deref());
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::app_csp;

    #[test]
    fn the_app_may_send_uploads_to_the_s3_endpoint_and_nowhere_else() {
        let local = app_csp(None);
        assert!(local.contains("connect-src 'self';"), "{local}");
        let s3 = app_csp(Some("https://s3.example.com"));
        assert!(
            s3.contains("connect-src 'self' https://s3.example.com;"),
            "{s3}"
        );
    }
}
