//! Cross-origin access for the origins in `CRITBOARD_CORS_ORIGINS`. The
//! database plays no part, so these run on SQLite only.

use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::json;

const ALLOWED: &str = "https://review.example.com";

async fn app_allowing(origins: &str) -> TestApp {
    spawn_app_with(Backend::Sqlite, |c| {
        c.cors_origins = origins.parse().expect("valid origins")
    })
    .await
    .expect("SQLite is always there")
}

/// A browser's preflight before a cookie-authenticated PATCH.
async fn preflight(app: &TestApp, path: &str, origin: &str) -> reqwest::Response {
    app.anon()
        .client
        .request(Method::OPTIONS, format!("{}{path}", app.base))
        .header("origin", origin)
        .header("access-control-request-method", "PATCH")
        .header(
            "access-control-request-headers",
            "content-type,x-csrf-token",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn cors_headers(headers: &HeaderMap) -> Vec<String> {
    headers
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowed_origin_gets_cors_headers_on_preflight_and_requests() {
    // Written as people do; browsers send it lower case, without the slash.
    let app = app_allowing("https://other.example.com, https://Review.Example.com/").await;

    let pre = preflight(&app, "/api/v1/me", ALLOWED).await;
    assert!(pre.status().is_success(), "{}", pre.status());
    let h = pre.headers();
    assert_eq!(header(h, "access-control-allow-origin"), Some(ALLOWED));
    assert_eq!(header(h, "access-control-allow-credentials"), Some("true"));
    assert_eq!(header(h, "access-control-max-age"), Some("3600"));
    let methods = header(h, "access-control-allow-methods").unwrap();
    for m in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }
    let allowed_headers = header(h, "access-control-allow-headers").unwrap();
    for name in [
        "content-type",
        "x-csrf-token",
        "authorization",
        "idempotency-key",
        "last-event-id",
    ] {
        assert!(allowed_headers.contains(name), "{allowed_headers}");
    }
    assert!(header(h, "vary").unwrap().contains("origin"));

    // The request itself, with the session cookie and the CSRF header.
    let ada = app.user("Ada").await;
    let res = ada
        .client
        .patch(format!("{}/api/v1/me", app.base))
        .header("origin", ALLOWED)
        .header("x-csrf-token", ada.csrf.as_deref().unwrap())
        .json(&json!({"display_name": "Ada L."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(res.headers(), "access-control-allow-origin"),
        Some(ALLOWED)
    );
    assert_eq!(
        header(res.headers(), "access-control-allow-credentials"),
        Some("true")
    );
    assert!(header(res.headers(), "access-control-expose-headers").is_none());

    // Errors are readable too, so the page can show them.
    let res = app
        .anon()
        .client
        .get(format!("{}/api/v1/me", app.base))
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(
        header(res.headers(), "access-control-allow-origin"),
        Some(ALLOWED)
    );

    // Only the API is shared: not the probes or the web app.
    let res = app
        .anon()
        .client
        .get(format!("{}/healthz", app.base))
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(cors_headers(res.headers()), Vec::<String>::new());
    assert_eq!(preflight(&app, "/healthz", ALLOWED).await.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_get_no_cors_headers() {
    let app = app_allowing(ALLOWED).await;
    let ada = app.user("Ada").await;
    for origin in [
        "https://evil.example",
        "http://review.example.com",
        "https://review.example.com:8443",
        "https://review.example.com.evil.example",
        "null",
    ] {
        let pre = preflight(&app, "/api/v1/me", origin).await;
        let h = pre.headers();
        assert!(
            header(h, "access-control-allow-origin").is_none(),
            "{origin}"
        );
        assert!(
            header(h, "access-control-allow-credentials").is_none(),
            "{origin}"
        );
        let res = ada
            .client
            .get(format!("{}/api/v1/me", app.base))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(
            cors_headers(res.headers()),
            Vec::<String>::new(),
            "{origin}"
        );
    }

    // The default: no origin is allowed, and preflights find no OPTIONS route.
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let pre = preflight(&app, "/api/v1/me", ALLOWED).await;
    assert_eq!(pre.status(), 405);
    assert_eq!(cors_headers(pre.headers()), Vec::<String>::new());
}
