//! Website captures through the API, in the real browser: the whole flow
//! with re-capture, refused addresses, roles, failures and retries, no
//! browser at all, throttling, and shutdown leaving nothing behind.

use crate::backend_tests_with_config;
use crate::discussion::pin;
use crate::helpers::{spawn_app_until, spawn_app_with, Backend, TestApp, TestUser};
use crate::uploads::{board, png, upload};
use axum::body::Body;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use critboard_store::entities::{job, version};
use critboard_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A site on loopback: a 2,000 px page titled "Pricing", a page that can
/// be made to answer 404, and one that never finishes loading.
async fn site(gone: Arc<AtomicBool>) -> String {
    let pricing = Html(
        r#"<!doctype html><html><head><meta name="viewport" content="width=device-width">
        <title>Pricing</title></head>
        <body style="margin:0"><div style="height:2000px;background:rgb(30,120,200)">Plans</div></body></html>"#,
    );
    let app = axum::Router::new()
        .route("/", get(move || async move { pricing }))
        .route(
            "/flaky",
            get(move || {
                let gone = gone.clone();
                async move {
                    if gone.load(Ordering::SeqCst) {
                        (axum::http::StatusCode::NOT_FOUND, "no such page").into_response()
                    } else {
                        Html("<title>Back</title><p>Here again").into_response()
                    }
                }
            }),
        )
        .route(
            "/slow",
            get(|| async {
                let start = futures_util::stream::once(async {
                    Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"<html><body>Loading"))
                });
                let body = futures_util::StreamExt::chain(start, futures_util::stream::pending());
                Response::builder()
                    .header("content-type", "text/html")
                    .body(Body::from_stream(body))
                    .unwrap()
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// Captures of loopback sites need private targets allowed.
async fn capture_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |c| {
        c.capture_allow_private = true;
        c.capture_timeout = 10;
    })
    .await
}

/// Polls an asset until its current version has settled.
async fn settled(user: &TestUser, asset: &str) -> Value {
    let started = Instant::now();
    loop {
        let a = user
            .get(&format!("/api/v1/assets/{asset}"))
            .await
            .expect(200);
        let state = a.body["current_version"]["state"]
            .as_str()
            .unwrap_or_default();
        if state == "ready" || state == "failed" {
            return a.body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the capture never settled: {:#}",
            a.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn ids(assets: &Value) -> Vec<String> {
    assets
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn websites_are_captured_at_both_widths_and_recaptured(backend: Backend) {
    let Some(app) = capture_app(backend).await else {
        return;
    };
    let base = site(Arc::default()).await;
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let path = format!("/api/v1/boards/{b}/captures");
    let asked = ada
        .post_with_key(&path, json!({"url": format!("{base}/")}), "pricing-1")
        .await
        .expect(201);
    let assets = &asked.body["assets"];
    assert_eq!(assets.as_array().unwrap().len(), 2);
    let host = base.trim_start_matches("http://");
    for (a, (width, label)) in assets
        .as_array()
        .unwrap()
        .iter()
        .zip([(1440, "desktop"), (390, "mobile")])
    {
        assert_eq!(a["kind"], "capture");
        assert_eq!(a["capture_width"], width);
        assert_eq!(a["source_url"], format!("{base}/"));
        assert_eq!(a["title"], format!("{host} — {label}"));
        assert_eq!(a["current_version"]["number"], 1);
        let state = a["current_version"]["state"].as_str().unwrap();
        assert!(
            ["queued", "loading", "capturing", "processing", "ready"].contains(&state),
            "{state}"
        );
    }
    // The same request again is the same captures.
    let again = ada
        .post_with_key(&path, json!({"url": format!("{base}/")}), "pricing-1")
        .await
        .expect(200);
    assert_eq!(ids(&again.body["assets"]), ids(assets));

    let [desk, phone] = [&ids(assets)[0], &ids(assets)[1]];
    let desk = settled(&ada, desk).await;
    let phone = settled(&ada, phone).await;
    for (a, title, px) in [
        (&desk, "Pricing — desktop", 1440),
        (&phone, "Pricing — mobile", 780),
    ] {
        let v = &a["current_version"];
        assert_eq!(v["state"], "ready", "{:#}", v);
        assert_eq!(a["title"], title);
        assert_eq!(v["width"], px);
        assert_eq!(v["content_type"], "image/png");
        assert_eq!(v["capture"]["url"], format!("{base}/"));
        assert_eq!(v["capture"]["page_height"], 2000);
        assert_eq!(v["capture"]["truncated"], false);
        assert!(v["capture"]["captured_at"].is_string());
        assert!(v["thumbnails"]["grid"]["url"].is_string());
        assert!(v["thumbnails"]["view"]["url"].is_string());
    }
    assert_eq!(desk["current_version"]["height"], 2000);
    assert_eq!(phone["current_version"]["height"], 4000);

    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let kinds: Vec<&str> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["kind"].as_str().unwrap())
        .collect();
    for kind in ["capture.requested", "capture.progress", "version.ready"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }

    // A pin on the mobile capture, then a new capture of it.
    let phone_id = phone["id"].as_str().unwrap();
    let v1 = phone["current_version"]["id"].as_str().unwrap();
    pin(&ada, v1, json!({"x": 0.5, "y": 0.1}), "Hero text too small")
        .await
        .expect(201);
    let re = ada
        .post(&format!("/api/v1/assets/{phone_id}/recapture"), json!({}))
        .await
        .expect(201);
    assert_eq!(re.body["current_version"]["number"], 2);
    assert_eq!(re.body["version_count"], 2);
    let phone = settled(&ada, phone_id).await;
    let v2 = phone["current_version"]["id"].as_str().unwrap();
    assert_eq!(phone["current_version"]["state"], "ready");
    let threads = ada
        .get(&format!("/api/v1/versions/{v2}/threads"))
        .await
        .expect(200);
    let carried = &threads.body["open_on_previous_version"];
    assert_eq!(
        carried[0]["comments"][0]["body"], "Hero text too small",
        "{:#}",
        threads.body
    );
    // The first version is kept, with its thread.
    let versions = ada
        .get(&format!("/api/v1/assets/{phone_id}/versions"))
        .await
        .expect(200);
    assert_eq!(versions.body["items"].as_array().unwrap().len(), 2);
}

async fn internal_addresses_are_refused_and_nothing_is_queued(backend: Backend) {
    // Private targets are not allowed: the default.
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let path = format!("/api/v1/boards/{b}/captures");
    for (url, says) in [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://localhost:8080/", "localhost leads to"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://0x7f.1/", "127.0.0.1 is a loopback address"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "a loopback address"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "a link-local address",
        ),
        ("http://10.1.2.3/", "a private address"),
        ("http://example.com:6379/", "port 6379 is not a web port"),
        ("file:///etc/passwd", "not file:"),
        ("javascript:alert(1)", "not javascript:"),
        ("data:text/html,<h1>hi</h1>", "not data:"),
        ("https://ada:secret@example.com/", "user name or password"),
        ("", "give the page's address"),
    ] {
        let refused = ada.post(&path, json!({"url": url})).await.expect(422);
        assert_eq!(refused.body["errors"][0]["field"], "url", "{url}");
        let message = refused.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{url}: {message}");
    }
    for widths in [
        json!([]),
        json!([100]),
        json!([3000]),
        json!([400, 500, 600, 700, 800]),
    ] {
        let refused = ada
            .post(
                &path,
                json!({"url": "https://example.com/", "widths": widths}),
            )
            .await
            .expect(422);
        assert_eq!(refused.body["errors"][0]["field"], "widths");
    }
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(assets.body["items"], json!([]));
    let jobs = job::Entity::find()
        .filter(job::Column::Kind.eq("capture"))
        .count(app.store.conn())
        .await
        .unwrap();
    assert_eq!(jobs, 0, "nothing was queued");
}

async fn capture_routes_follow_the_role_table(backend: Backend) {
    // No capture workers: the jobs wait, the routes are what is tested.
    let Some(app) = spawn_app_with(backend, |c| c.capture_workers = 0).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let ed = app.user("Ed").await;
    let cy = app.user("Cy").await;
    let vi = app.user("Vi").await;
    let out = app.user("Out").await;
    let b = board(&app, &ada, &[&ed, &cy, &vi]).await;
    for (who, role) in [(&ed, "editor"), (&cy, "commenter"), (&vi, "viewer")] {
        ada.post(
            &format!("/api/v1/boards/{b}/members"),
            json!({"user_id": who.id, "role": role}),
        )
        .await
        .expect(201);
    }
    let link = ada
        .post(
            &format!("/api/v1/boards/{b}/share-links"),
            json!({"role": "commenter"}),
        )
        .await
        .expect(201);
    let mut guest = app.anon();
    let token = link.body["token"].as_str().unwrap();
    let opened = guest
        .post(
            &format!("/api/v1/share/{token}/session"),
            json!({"display_name": "Gus"}),
        )
        .await
        .expect(201);
    guest.csrf = Some(opened.body["csrf_token"].as_str().unwrap().to_owned());

    // Each is told whether to offer "Add website".
    for (who, can) in [(&ada, true), (&ed, true), (&cy, false), (&vi, false)] {
        let shown = who.get(&format!("/api/v1/boards/{b}")).await.expect(200);
        assert_eq!(shown.body["can"]["capture"], can);
    }
    let path = format!("/api/v1/boards/{b}/captures");
    let req = json!({"url": "http://93.184.216.34/", "widths": [390]});
    let made = ed.post(&path, req.clone()).await.expect(201);
    let asset = made.body["assets"][0]["id"].as_str().unwrap().to_owned();
    ada.post(&path, req.clone()).await.expect(201);
    for who in [&cy, &vi] {
        who.post(&path, req.clone()).await.expect(403);
        who.post(&format!("/api/v1/assets/{asset}/recapture"), json!({}))
            .await
            .expect(403);
        who.post(&format!("/api/v1/boards/{b}/recapture"), json!({}))
            .await
            .expect(403);
    }
    guest.post(&path, req.clone()).await.expect(401);
    guest
        .post(&format!("/api/v1/assets/{asset}/recapture"), json!({}))
        .await
        .expect(403);
    for path in [
        path.clone(),
        format!("/api/v1/assets/{asset}/recapture"),
        format!("/api/v1/boards/{b}/recapture"),
    ] {
        out.post(&path, req.clone()).await.expect(404);
        app.anon().post(&path, req.clone()).await.expect(401);
    }
    ed.post(&format!("/api/v1/assets/{asset}/recapture"), json!({}))
        .await
        .expect(201);
    let all = ed
        .post(&format!("/api/v1/boards/{b}/recapture"), json!({}))
        .await
        .expect(201);
    assert_eq!(all.body["assets"].as_array().unwrap().len(), 2);
    // Pictures are not captures.
    let picture = upload(&ada, &b, "a.png", &png(40, 40)).await;
    let pid = picture["id"].as_str().unwrap();
    ed.post(&format!("/api/v1/assets/{pid}/recapture"), json!({}))
        .await
        .expect(409);
}

async fn a_failed_capture_says_why_and_can_be_tried_again(backend: Backend) {
    let Some(app) = capture_app(backend).await else {
        return;
    };
    let gone = Arc::new(AtomicBool::new(true));
    let base = site(gone.clone()).await;
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let made = ada
        .post(
            &format!("/api/v1/boards/{b}/captures"),
            json!({"url": format!("{base}/flaky"), "widths": [1440]}),
        )
        .await
        .expect(201);
    let id = made.body["assets"][0]["id"].as_str().unwrap().to_owned();
    let failed = settled(&ada, &id).await;
    assert_eq!(failed["current_version"]["state"], "failed");
    assert_eq!(
        failed["current_version"]["failure"],
        "the page answered 404 (Not Found)"
    );
    gone.store(false, Ordering::SeqCst);
    let again = ada
        .post(&format!("/api/v1/assets/{id}/recapture"), json!({}))
        .await
        .expect(201);
    assert_eq!(
        again.body["current_version"]["number"], 1,
        "tried again in place"
    );
    assert_eq!(again.body["current_version"]["failure"], Value::Null);
    let fixed = settled(&ada, &id).await;
    assert_eq!(fixed["current_version"]["state"], "ready");
    assert_eq!(fixed["title"], "Back — desktop");
    assert_eq!(fixed["version_count"], 1);
}

async fn without_a_browser_captures_are_503_and_the_rest_works(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.chromium = Some("/nonexistent/chromium".into());
    })
    .await
    else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let refused = ada
        .post(
            &format!("/api/v1/boards/{b}/captures"),
            json!({"url": "https://example.com/"}),
        )
        .await
        .expect(503);
    assert_eq!(
        refused.problem_type(),
        "urn:critboard:problem:not-available"
    );
    assert_eq!(
        refused.body["detail"],
        "website capture needs Chromium: install the chromium package or set CRITBOARD_CHROMIUM"
    );
    // The web app explains the missing browser instead of offering it.
    let shown = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(shown.body["can"]["edit"], true);
    assert_eq!(shown.body["can"]["capture"], false);
    let picture = upload(&ada, &b, "a.png", &png(40, 40)).await;
    assert_eq!(picture["kind"], "picture");
    crate::uploads::wait_ready(&ada, picture["id"].as_str().unwrap()).await;
}

async fn captures_are_throttled_per_person(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.capture_workers = 0;
        c.capture_rate_limit = 3;
    })
    .await
    else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let path = format!("/api/v1/boards/{b}/captures");
    let req = json!({"url": "http://93.184.216.34/"});
    ada.post(&path, req.clone()).await.expect(201);
    let slow = ada.post(&path, req).await.expect(429);
    assert!(slow.headers.contains_key("retry-after"));
    // Someone else still may.
    let bo = app.user("Bo").await;
    let theirs = board(&app, &bo, &[]).await;
    bo.post(
        &format!("/api/v1/boards/{theirs}/captures"),
        json!({"url": "http://93.184.216.34/", "widths": [390]}),
    )
    .await
    .expect(201);
}

async fn a_large_board_can_be_recaptured_and_captures_under_way_cost_nothing(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.capture_workers = 0;
        c.capture_rate_limit = 3;
    })
    .await
    else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let path = format!("/api/v1/boards/{b}/captures");
    ada.post(
        &path,
        json!({"url": "http://93.184.216.34/", "widths": [1440, 390, 768]}),
    )
    .await
    .expect(201);
    // All three are still queued (no worker here): asking for them again
    // leaves them be and costs nothing, although the minute's budget is spent.
    let again = ada
        .post(&format!("/api/v1/boards/{b}/recapture"), json!({}))
        .await
        .expect(201);
    assert_eq!(again.body["assets"].as_array().unwrap().len(), 3);
    for a in again.body["assets"].as_array().unwrap() {
        assert_eq!(a["version_count"], 1);
    }
    ada.post(
        &path,
        json!({"url": "http://93.184.216.34/", "widths": [390]}),
    )
    .await
    .expect(429);
}

async fn an_idempotency_key_replays_only_on_its_own_board(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| c.capture_workers = 0).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let first = board(&app, &ada, &[]).await;
    let second = board(&app, &ada, &[]).await;
    let req = json!({"url": "http://93.184.216.34/", "widths": [390]});
    let made = ada
        .post_with_key(
            &format!("/api/v1/boards/{first}/captures"),
            req.clone(),
            "k-1",
        )
        .await
        .expect(201);
    let replayed = ada
        .post_with_key(
            &format!("/api/v1/boards/{first}/captures"),
            req.clone(),
            "k-1",
        )
        .await
        .expect(200);
    assert_eq!(replayed.body["assets"], made.body["assets"]);
    // Sent several times at once (a client retrying on a timeout): asked
    // for once, and every answer names the same assets.
    let path = format!("/api/v1/boards/{second}/captures");
    let at_once = (0..4).map(|_| ada.post_with_key(&path, req.clone(), "k-2"));
    let answers = futures_util::future::join_all(at_once).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    assert!(answers
        .iter()
        .all(|a| a.body["assets"] == answers[0].body["assets"]));
    let listed = ada.get(&format!("/api/v1/boards/{second}/assets")).await;
    assert_eq!(
        listed.expect(200).body["items"].as_array().unwrap().len(),
        1
    );
    // The same key on another board is not a replay of the first board's assets.
    let other = ada
        .post_with_key(&format!("/api/v1/boards/{second}/captures"), req, "k-1")
        .await
        .expect(422);
    assert_eq!(other.body["errors"][0]["field"], "Idempotency-Key");
}

async fn a_capture_interrupted_on_its_last_attempt_fails_its_version(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| c.capture_workers = 0).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let made = ada
        .post(
            &format!("/api/v1/boards/{b}/captures"),
            json!({"url": "http://93.184.216.34/", "widths": [1440]}),
        )
        .await
        .expect(201);
    let asset = made.body["assets"][0]["id"].as_str().unwrap().to_owned();
    let job = job::Entity::find()
        .filter(job::Column::Kind.eq("capture"))
        .one(app.store.conn())
        .await
        .unwrap()
        .unwrap();
    // From now on every capture stops as it does when Critboard stops.
    app.state.capturer.shutdown().await;
    let handlers = critboard_server::work::capture_handlers(&app.state);
    let state_of = || async {
        let a = ada
            .get(&format!("/api/v1/assets/{asset}"))
            .await
            .expect(200);
        a.body["current_version"].clone()
    };
    // An early attempt: the capture waits for the next one.
    let early = job::Model {
        attempts: 1,
        ..job.clone()
    };
    assert!(handlers[0].run(&early).await.is_err());
    assert_eq!(state_of().await["state"], "queued");
    // The last one: the card says so instead of waiting for ever.
    let last = job::Model {
        attempts: job.max_attempts,
        ..job
    };
    assert!(handlers[0].run(&last).await.is_err());
    let v = state_of().await;
    assert_eq!(v["state"], "failed");
    assert_eq!(
        v["failure"],
        "the capture was interrupted too often; try again"
    );
}

async fn stopping_critboard_leaves_no_browser_behind(backend: Backend) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let Some((app, running)) = spawn_app_until(
        backend,
        |c| {
            c.capture_allow_private = true;
            c.capture_timeout = 60;
        },
        async {
            let _ = stopped.await;
        },
    )
    .await
    else {
        return;
    };
    let base = site(Arc::default()).await;
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let made = ada
        .post(
            &format!("/api/v1/boards/{b}/captures"),
            json!({"url": format!("{base}/slow"), "widths": [1440]}),
        )
        .await
        .expect(201);
    let id = made.body["assets"][0]["id"].as_str().unwrap().to_owned();
    let workdir = app.dir.join("tmp");
    let started = Instant::now();
    loop {
        let a = ada.get(&format!("/api/v1/assets/{id}")).await.expect(200);
        if a.body["current_version"]["state"] == "loading"
            && !critboard_capture::browser_processes(&workdir).is_empty()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the capture never started"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();
    let started = Instant::now();
    while !critboard_capture::browser_processes(&workdir).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "Chromium outlived Critboard"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profiles: Vec<_> = std::fs::read_dir(&workdir)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(critboard_capture::PROFILE_PREFIX)
        })
        .collect();
    assert!(profiles.is_empty(), "{profiles:?}");
    // The capture was interrupted, not failed: it runs again later.
    let failed = version::Entity::find()
        .filter(version::Column::State.eq(critboard_domain::VersionState::Failed))
        .count(app.store.conn())
        .await
        .unwrap();
    assert_eq!(failed, 0);
}

backend_tests_with_config!(
    websites_are_captured_at_both_widths_and_recaptured,
    internal_addresses_are_refused_and_nothing_is_queued,
    capture_routes_follow_the_role_table,
    without_a_browser_captures_are_503_and_the_rest_works,
    captures_are_throttled_per_person,
    a_large_board_can_be_recaptured_and_captures_under_way_cost_nothing,
    an_idempotency_key_replays_only_on_its_own_board,
    a_capture_interrupted_on_its_last_attempt_fails_its_version,
);

// The browser's side does not depend on the database: once is enough.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_capture_is_explained_and_tried_again() {
    a_failed_capture_says_why_and_can_be_tried_again(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_leaves_no_browser_behind() {
    stopping_critboard_leaves_no_browser_behind(Backend::Sqlite).await
}
