//! Operating Critboard: errors grouped with their request ids, where the
//! time goes per route, Sentry copies, protected metrics, compression.

use crate::backend_tests_with_config;
use crate::helpers::{spawn_app_routes, Backend, TestApp, TestUser};
use axum::routing::{get, post};
use axum::Router;
use critboard_jobs::NewJob;
use critboard_server::state::AppState;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Routes that fail and dawdle on purpose, served with the real ones.
fn trouble() -> Router<AppState> {
    Router::new()
        .route(
            "/test/panic",
            get(|| async {
                let secret = "password=hunter2";
                if !std::hint::black_box(secret).is_empty() {
                    panic!("boom with {secret}");
                }
                "unreachable"
            }),
        )
        .route(
            "/test/slow",
            get(
                |axum::extract::State(state): axum::extract::State<AppState>| async move {
                    // The page a per-item query would make: 2,000 statements.
                    use critboard_store::sea_orm::ConnectionTrait;
                    for _ in 0..2000 {
                        let one = state.store.stmt("SELECT 1", vec![]);
                        state.store.conn().query_one(one).await.unwrap();
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    "done"
                },
            ),
        )
        .route("/test/fine", post(|| async { "ok" }))
}

async fn app_with(
    backend: Backend,
    tweak: impl FnOnce(&mut critboard_server::config::Config),
) -> Option<TestApp> {
    spawn_app_routes(backend, tweak, std::future::pending(), trouble())
        .await
        .map(|(app, _)| app)
}

async fn admin(app: &TestApp) -> TestUser {
    let root = app.user("Root").await;
    app.store
        .set_admin(root.id.parse().unwrap(), true)
        .await
        .unwrap();
    root
}

/// Polls the admin error list until `n` groups are there (recording does
/// not hold up the answer).
async fn groups(admin: &TestUser, n: usize, all: bool) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let list = admin
            .get(&format!("/api/v1/admin/errors?all={all}"))
            .await
            .expect(200);
        let items = list.body["items"].as_array().unwrap().clone();
        if items.len() >= n && items.iter().all(|g| g["count"].as_i64() > Some(0)) {
            return items;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "expected {n} error groups, have {items:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn group<'a>(items: &'a [Value], kind: &str) -> &'a Value {
    items
        .iter()
        .find(|g| g["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} group in {items:#?}"))
}

async fn errors_are_grouped_with_their_request_ids(backend: Backend) {
    let Some(app) = app_with(backend, |_| {}).await else {
        return;
    };
    let root = admin(&app).await;
    let ada = app.user("Ada").await;

    // A panic in a handler: a 500 problem naming its request id, twice.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let res = ada.get("/test/panic").await.expect(500);
        assert_eq!(res.problem_type(), "urn:critboard:problem:internal");
        let id = res.headers["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(res.body["request_id"], id.as_str());
        assert!(
            !res.body["detail"].as_str().unwrap().contains("boom"),
            "no details leak"
        );
        ids.push(id);
    }
    // A database failure behind a real route: its `?` names the line.
    app.store
        .execute("DROP TABLE notifications", vec![])
        .await
        .unwrap();
    let failed = ada.get("/api/v1/notifications").await.expect(500);
    // A job that can never succeed fails for good.
    app.state
        .queue
        .enqueue(NewJob::now(
            critboard_server::work::THUMBNAILS,
            json!({"bad": true}),
        ))
        .await
        .unwrap();

    let items = groups(&root, 3, false).await;
    let panic = group(&items, "panic");
    assert_eq!(panic["count"], 2, "the same panic is one group");
    assert_eq!(
        (panic["method"].as_str(), panic["route"].as_str()),
        (Some("GET"), Some("/test/panic"))
    );
    assert!(
        panic["location"].as_str().unwrap().contains("operate.rs"),
        "{panic}"
    );
    let message = panic["message"].as_str().unwrap();
    assert!(
        message.contains("boom") && !message.contains("hunter2"),
        "{message}"
    );
    assert_eq!(panic["status"], "open");
    assert!(panic["last_release"]
        .as_str()
        .unwrap()
        .starts_with(env!("CARGO_PKG_VERSION")));
    let db = group(&items, "internal");
    assert_eq!(db["route"], "/api/v1/notifications");
    assert!(
        db["location"]
            .as_str()
            .unwrap()
            .contains("http/notifications.rs"),
        "the failing line, not the conversion: {db}"
    );
    assert_eq!(
        db["last_request_id"],
        failed.headers["x-request-id"].to_str().unwrap()
    );
    let job = group(&items, "job-failed");
    assert_eq!(job["job_kind"], critboard_server::work::THUMBNAILS);
    assert_eq!(job["route"], "");

    // The detail lists each occurrence's request id.
    let detail = root
        .get(&format!(
            "/api/v1/admin/errors/{}",
            panic["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    let mut seen: Vec<&str> = detail.body["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["request_id"].as_str().unwrap())
        .collect();
    // Both within a second, recorded concurrently: any order.
    seen.sort_unstable();
    let mut sent: Vec<&str> = ids.iter().map(String::as_str).collect();
    sent.sort_unstable();
    assert_eq!(seen, sent);

    // Resolved: it stays resolved while this release repeats it …
    let pid = panic["id"].as_str().unwrap().to_owned();
    let done = root
        .patch(
            &format!("/api/v1/admin/errors/{pid}"),
            json!({"status": "resolved"}),
        )
        .await
        .expect(200);
    assert_eq!(done.body["resolved_release"], done.body["last_release"]);
    let third = ada.get("/test/panic").await.expect(500);
    let third = third.headers["x-request-id"].to_str().unwrap().to_owned();
    let started = Instant::now();
    let again = loop {
        let all = groups(&root, 3, true).await;
        let g = group(&all, "panic").clone();
        if g["count"] == 3 || started.elapsed() > Duration::from_secs(20) {
            break g;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        again["count"] == 3 && again["status"] == "resolved",
        "{again}"
    );
    assert!(groups(&root, 0, false)
        .await
        .iter()
        .all(|g| g["kind"] != "panic"));
    // The terminal lists them too.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_critboard"));
    cmd.args(["admin", "errors", "--all"])
        .env("CRITBOARD_DATA_DIR", &app.dir)
        .env("CRITBOARD_LOG", "warn");
    if let Some(url) = &app.database_url {
        cmd.env("CRITBOARD_DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("GET /test/panic") && text.contains("job thumbnails"),
        "{text}"
    );
    assert!(text.contains(&third), "the last request id: {text}");
    // … and reopens when a later release brings it back.
    let fingerprint = app
        .store
        .error_group(pid.parse().unwrap())
        .await
        .unwrap()
        .fingerprint;
    let later = critboard_store::queries::errors::NewError {
        fingerprint,
        kind: "panic".into(),
        release: "9.9.9+later".into(),
        ..Default::default()
    };
    let r = app.store.record_error(&later).await.unwrap();
    assert_eq!(
        r,
        critboard_store::queries::errors::Recorded::Reopened(pid.parse().unwrap())
    );
    // Ignored groups leave the open list.
    root.patch(
        &format!("/api/v1/admin/errors/{}", job["id"].as_str().unwrap()),
        json!({"status": "ignored"}),
    )
    .await
    .expect(200);
    let open = groups(&root, 2, false).await;
    assert!(open.iter().all(|g| g["kind"] != "job-failed"));
    root.patch(
        &format!("/api/v1/admin/errors/{pid}"),
        json!({"status": "gone"}),
    )
    .await
    .expect(422);

    // Only instance admins know these exist.
    ada.get("/api/v1/admin/errors").await.expect(404);
    ada.get(&format!("/api/v1/admin/errors/{pid}"))
        .await
        .expect(404);
    ada.patch(
        &format!("/api/v1/admin/errors/{pid}"),
        json!({"status": "ignored"}),
    )
    .await
    .expect(404);
    app.anon().get("/api/v1/admin/errors").await.expect(401);
}

async fn the_slowest_route_tops_the_performance_page(backend: Backend) {
    let Some(app) = app_with(backend, |_| {}).await else {
        return;
    };
    let root = admin(&app).await;
    for _ in 0..20 {
        root.get("/api/v1/me").await.expect(200);
    }
    let slow = root.get("/test/slow").await.expect(200);
    let slow_id = slow.headers["x-request-id"].to_str().unwrap().to_owned();
    let perf = root.get("/api/v1/admin/performance").await.expect(200);
    let routes = perf.body["routes"].as_array().unwrap();
    let top = &routes[0];
    assert_eq!(
        (top["method"].as_str(), top["route"].as_str()),
        (Some("GET"), Some("/test/slow")),
        "{routes:#?}"
    );
    assert!(top["max_statements"].as_u64().unwrap() >= 2000, "{top}");
    assert_eq!(top["slowest"][0]["request_id"], slow_id.as_str());
    assert!(top["p50_ms"].as_f64().unwrap() >= 300.0);
    let me = routes
        .iter()
        .find(|r| r["route"] == "/api/v1/me")
        .expect("the quick route is listed");
    assert_eq!(me["count"], 20);
    assert!(me["max_statements"].as_u64().unwrap() < 10);
    app.user("Ada")
        .await
        .get("/api/v1/admin/performance")
        .await
        .expect(404);
}

backend_tests_with_config!(
    errors_are_grouped_with_their_request_ids,
    the_slowest_route_tops_the_performance_page
);

/// A fake Sentry ingest endpoint: the envelopes it was sent.
async fn fake_sentry() -> (String, Arc<Mutex<Vec<String>>>) {
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = got.clone();
    let app = Router::new().route(
        "/api/{project}/envelope/",
        post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let sink = sink.clone();
                async move {
                    let auth = headers
                        .get("x-sentry-auth")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    sink.lock()
                        .unwrap()
                        .push(format!("{auth}\n{}", String::from_utf8_lossy(&body)));
                    "{}"
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://publickey@{addr}/42"), got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_copied_to_sentry_with_the_same_grouping() {
    let (dsn, got) = fake_sentry().await;
    let app = app_with(Backend::Sqlite, |c| c.sentry_dsn = Some(dsn))
        .await
        .unwrap();
    let ada = app.user("Ada").await;
    let res = ada.get("/test/panic").await.expect(500);
    let request_id = res.headers["x-request-id"].to_str().unwrap().to_owned();
    let started = Instant::now();
    let envelope = loop {
        if let Some(e) = got.lock().unwrap().first().cloned() {
            break e;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "nothing reached Sentry"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let fingerprint = app.store.error_groups(true, 10).await.unwrap()[0]
        .fingerprint
        .clone();
    assert!(envelope.contains("sentry_key=publickey"), "{envelope}");
    assert!(
        envelope.contains(&fingerprint),
        "grouped as here: {envelope}"
    );
    assert!(
        envelope.contains(&request_id) && envelope.contains("GET /test/panic"),
        "{envelope}"
    );
    assert!(
        envelope.contains("boom") && !envelope.contains("hunter2"),
        "{envelope}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_their_token_when_one_is_set() {
    let app = app_with(Backend::Sqlite, |c| {
        c.metrics_token = Some("scrape-7f3a".into())
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let url = format!("{}/metrics", app.base);
    for given in [None, Some("Bearer wrong"), Some("scrape-7f3a")] {
        let mut req = client.get(&url);
        if let Some(v) = given {
            req = req.header("authorization", v);
        }
        assert_eq!(
            req.send().await.unwrap().status().as_u16(),
            401,
            "{given:?}"
        );
    }
    let res = client
        .get(&url)
        .bearer_auth("scrape-7f3a")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    assert!(text.contains("critboard_jobs_waiting"), "{text}");
    assert!(text.contains("critboard_http_request_statements"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_compressed_but_streams_and_pictures_are_not() {
    let app = app_with(Backend::Sqlite, |_| {}).await.unwrap();
    let client = reqwest::Client::new();
    let doc = |enc: &'static str| {
        client
            .get(format!("{}/api/v1/openapi.json", app.base))
            .header("accept-encoding", enc)
            .send()
    };
    let plain = doc("identity").await.unwrap().bytes().await.unwrap().len();
    for enc in ["br", "gzip"] {
        let res = doc(enc).await.unwrap();
        assert_eq!(res.headers()["content-encoding"], enc);
        let size = res.bytes().await.unwrap().len();
        assert!(size * 4 < plain, "{enc}: {size} of {plain} bytes");
    }
    // A live stream is never held back in a compressor.
    let ada = app.user("Ada").await;
    let b = crate::uploads::board(&app, &ada, &[]).await;
    let stream = ada
        .client
        .get(format!("{}/api/v1/me/stream", app.base))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert!(stream.headers().get("content-encoding").is_none());
    drop(stream);
    // Nor is a picture, already compressed.
    let asset = crate::uploads::upload(&ada, &b, "Home.png", &crate::uploads::png(400, 300)).await;
    crate::uploads::wait_ready(&ada, asset["id"].as_str().unwrap()).await;
    let v = ada
        .get(&format!("/api/v1/assets/{}", asset["id"].as_str().unwrap()))
        .await
        .expect(200);
    let url = v.body["current_version"]["thumbnails"]["view"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = if url.starts_with("http") {
        url
    } else {
        format!("{}{url}", app.base)
    };
    let pic = client
        .get(url)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(pic.status().as_u16(), 200);
    assert!(pic.headers().get("content-encoding").is_none());
}
