//! The web app on the API's port, and the API description it is typed by.

use crate::backend_tests;
use crate::helpers::{spawn_app, Backend, TestApp};
use std::path::PathBuf;

fn web_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web")
}

/// web/openapi.json (from which the app's API types are generated) is the
/// document the server serves: an API change that the web app has not
/// taken up fails here, not in a user's browser.
async fn the_web_apps_api_description_is_current(app: TestApp) {
    let served: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(web_dir().join("openapi.json")).expect("web/openapi.json"),
    )
    .unwrap();
    assert!(
        committed == served,
        "web/openapi.json is out of date: run `make web-api` and rebuild the web app"
    );
}

/// Pages of the app get index.html (the app routes them), built files get
/// their type and long caching, and unknown API paths stay API problems.
async fn the_app_is_served_beside_the_api(app: TestApp) {
    if !web_dir().join("dist/index.html").exists() {
        if std::env::var("CRITBOARD_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") {
            panic!("web/dist is missing: make test builds it first");
        }
        eprintln!("SKIPPED: web/dist is not built (cd web && npm run build)");
        return;
    }
    let client = reqwest::Client::new();
    for page in ["/", "/signup", "/w/0190c3e2-0000-7000-8000-000000000000"] {
        let res = client
            .get(format!("{}{page}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{page}");
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert!(res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'"));
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let html = res.text().await.unwrap();
        assert!(html.contains("<div id=\"root\">"), "{page}");
        if page == "/" {
            let script = html
                .split("src=\"")
                .find_map(|s| s.split('"').next().filter(|p| p.ends_with(".js")))
                .expect("a script in index.html")
                .to_owned();
            let js = client
                .get(format!("{}{script}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(js.status().as_u16(), 200);
            assert_eq!(
                js.headers()["content-type"],
                "text/javascript; charset=utf-8"
            );
            assert!(js.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable"));
            let size = js.bytes().await.unwrap().len();
            // Compressed when asked, and revalidated by content.
            let br = client
                .get(format!("{}{script}", app.base))
                .header("accept-encoding", "br")
                .send()
                .await
                .unwrap();
            assert_eq!(br.headers()["content-encoding"], "br");
            let etag = br.headers()["etag"].to_str().unwrap().to_owned();
            assert!(br.bytes().await.unwrap().len() * 2 < size);
            let again = client
                .get(format!("{}{script}", app.base))
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status().as_u16(), 304);
            assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
            let stale = client
                .get(format!("{}{script}", app.base))
                .header("if-none-match", "\"another-build\"")
                .send()
                .await
                .unwrap();
            assert_eq!(stale.status().as_u16(), 200);
        }
    }
    // Paths that are none of the app's pages get the app too (it shows its
    // "not found" page), with a 404 for crawlers and link checkers.
    for missing in ["/this/does/not/exist", "/b/not-a-uuid", "/inbox/extra"] {
        let res = client
            .get(format!("{}{missing}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 404, "{missing}");
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert!(res.text().await.unwrap().contains("<div id=\"root\">"));
    }
    let api = client
        .get(format!("{}/api/v1/nothing-here", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let post = client
        .post(format!("{}/signup", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 404);
}

/// E-mails sent by earlier releases link to `/boards/…`: those links
/// lead to the same board and picture, thread included (no database
/// involved: SQLite only).
#[tokio::test]
async fn links_of_earlier_releases_redirect_to_the_pages() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (b, a, t) = (
        "0190c3e2-0000-7000-8000-0000000000b1",
        "0190c3e2-0000-7000-8000-0000000000a1",
        "0190c3e2-0000-7000-8000-0000000000c1",
    );
    for (old, new) in [
        (format!("/boards/{b}"), format!("/b/{b}")),
        (
            format!("/boards/{b}/assets/{a}?thread={t}"),
            format!("/a/{a}?thread={t}"),
        ),
    ] {
        let res = client
            .get(format!("{}{old}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 308, "{old}");
        assert_eq!(res.headers()["location"], new.as_str());
    }
}

backend_tests!(
    the_web_apps_api_description_is_current,
    the_app_is_served_beside_the_api,
);

/// No Docker engine runs here, so the image's build steps must be the
/// commands `make` runs (and CI tests): the Dockerfile repeats them.
#[test]
fn the_dockerfile_builds_with_the_commands_make_runs() {
    let root = web_dir().join("..");
    let docker = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let make = std::fs::read_to_string(root.join("Makefile")).unwrap();
    for step in [
        "npm ci --no-audit --no-fund --loglevel=error",
        "npm run build",
        "build --release",
        "--bin critboard",
    ] {
        assert!(make.contains(step), "make no longer runs `{step}`");
        assert!(
            docker.contains(step),
            "the Dockerfile does not run `{step}`"
        );
    }
    assert!(
        docker.contains("COPY --from=web /src/web/dist web/dist"),
        "the binary embeds the app"
    );
    let ignored = std::fs::read_to_string(root.join(".dockerignore")).unwrap();
    assert!(
        ignored.lines().any(|l| l == "target/"),
        "no build output in the context"
    );
}

/// The app's pages refuse framing, inline scripts and browser features
/// they never use, and keep referrers home; behind https every answer
/// carries HSTS (and only then).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_the_security_headers() {
    let backend = Backend::Sqlite;
    let Some(plain) = spawn_app(backend).await else {
        return;
    };
    let Some(secure) = crate::helpers::spawn_app_with(backend, |c| {
        c.public_url = Some("https://review.example.com".into())
    })
    .await
    else {
        return;
    };
    let client = reqwest::Client::new();
    let api = client
        .get(format!("{}/healthz", plain.base))
        .send()
        .await
        .unwrap();
    assert!(
        api.headers().get("strict-transport-security").is_none(),
        "not over plain http"
    );
    let api = client
        .get(format!("{}/healthz", secure.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    if !web_dir().join("dist/index.html").exists() {
        assert!(
            std::env::var("CRITBOARD_TEST_REQUIRE_BACKENDS").as_deref() != Ok("1"),
            "web/dist is missing: make test builds it first"
        );
        eprintln!("SKIPPED the page headers: web/dist is not built");
        return;
    }
    let page = client
        .get(format!("{}/inbox", secure.base))
        .send()
        .await
        .unwrap();
    let h = page.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // No script-src: scripts fall back to default-src 'self', so no inline
    // script and no eval run.
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(h["referrer-policy"], "same-origin");
    let permissions = h["permissions-policy"].to_str().unwrap();
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(permissions.contains(feature), "{permissions}");
    }
    assert_eq!(h["strict-transport-security"], "max-age=31536000");
    assert_eq!(h["x-content-type-options"], "nosniff");
}
