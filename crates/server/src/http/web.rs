//! The web app (web/, built by Vite into web/dist), served on the API's
//! own port: files by path, and index.html for every other page so the
//! app's own router can take it. Paths under /api/ never reach it.

use crate::error::ApiError;
use crate::links;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

/// Where a page of an earlier release lives now: e-mails already sent
/// link to `/boards/{board}` and `/boards/{board}/assets/{asset}?thread=…`.
fn moved(path: &str, query: Option<&str>) -> Option<String> {
    let rest = path.strip_prefix("/boards/")?;
    let mut parts = rest.split('/');
    let board: Uuid = parts.next()?.parse().ok()?;
    // Paths only: the browser stays on whatever address it came by.
    let pages = links::Links::new("");
    let to = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) | (Some(""), None, _) => pages.board(board),
        (Some("assets"), Some(asset), None) => pages.asset(asset.parse().ok()?, None, None),
        _ => return None,
    };
    Some(match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{to}?{q}"),
        None => to,
    })
}

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
pub async fn fallback(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().trim_start_matches('/');
    let is_api = path == "api" || path.starts_with("api/");
    if is_api || !matches!(method, Method::GET | Method::HEAD) {
        return ApiError::NoRoute.into_response();
    }
    if let Some(to) = moved(uri.path(), uri.query()) {
        return Redirect::permanent(&to).into_response();
    }
    // Vite's hashed file names never change content: cache them for good.
    // Any other path gets the app, which shows the page, or its "not found"
    // page with a 404 for a path that is none of its pages.
    let page_status = if links::route_of(uri.path()).is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let (file, name, cache, status) = match WebApp::get(path).filter(|_| !path.is_empty()) {
        Some(f) if path.starts_with("assets/") => (
            f,
            path,
            "public, max-age=31536000, immutable",
            StatusCode::OK,
        ),
        Some(f) => (f, path, "no-cache", StatusCode::OK),
        None => match WebApp::get("index.html") {
            Some(f) => (f, "index.html", "no-cache", page_status),
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
    // Revalidated by content: a browser that has this build's file gets 304.
    let hash = file.metadata.sha256_hash();
    let etag = format!(
        "\"{}\"",
        hash[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let fresh = status == StatusCode::OK
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == etag)
            });
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (status, file.data.into_owned()).into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
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
    // The app uses none of these; a script injected some day could not either.
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    res
}

/// Browser features the app never asks for, refused outright.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
     serial=(), bluetooth=(), hid=(), midi=(), display-capture=()";

#[cfg(test)]
mod tests {
    use super::{app_csp, moved};

    #[test]
    fn links_of_earlier_releases_lead_to_the_same_pages() {
        let b = "01936f4e-0000-7000-8000-0000000000b1";
        let a = "01936f4e-0000-7000-8000-0000000000a1";
        assert_eq!(
            moved(&format!("/boards/{b}"), None),
            Some(format!("/b/{b}"))
        );
        assert_eq!(
            moved(&format!("/boards/{b}/"), None),
            Some(format!("/b/{b}"))
        );
        assert_eq!(
            moved(&format!("/boards/{b}/assets/{a}"), Some("thread=x&page=2")),
            Some(format!("/a/{a}?thread=x&page=2"))
        );
        assert_eq!(moved("/boards/nope", None), None);
        assert_eq!(moved(&format!("/boards/{b}/assets/nope"), None), None);
        assert_eq!(moved(&format!("/boards/{b}/other/{a}"), None), None);
        assert_eq!(moved(&format!("/b/{b}"), None), None);
    }

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
