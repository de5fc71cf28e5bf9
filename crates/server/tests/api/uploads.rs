//! Direct uploads into local storage: the whole flow, hostile files,
//! signed-URL tampering, limits, idempotency, roles and background jobs.

use crate::helpers::{spawn_app_with, Answer, Backend, TestApp, TestUser};
use crate::{backend_tests, backend_tests_with_config};
use critboard_jobs::{NewJob, Queue};
use critboard_store::entities::job;
use critboard_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use std::io::Cursor;
use std::time::{Duration, Instant};

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, 40, (y % 256) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

/// A board of `owner`'s, with `others` added to the workspace.
pub async fn board(app: &TestApp, owner: &TestUser, others: &[&TestUser]) -> String {
    let ws = app.workspace(owner, others).await;
    let b = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "Site"}),
        )
        .await
        .expect(201);
    b.body["id"].as_str().unwrap().to_owned()
}

/// Asks for an upload and sends the bytes; returns the upload document.
pub async fn send(
    user: &TestUser,
    board: &str,
    name: &str,
    ctype: &str,
    bytes: &[u8],
    asset: Option<&str>,
) -> Value {
    let up = user
        .post(
            &format!("/api/v1/boards/{board}/uploads"),
            json!({"file_name": name, "content_type": ctype, "size": bytes.len(), "asset_id": asset}),
        )
        .await
        .expect(201);
    let target = &up.body["target"];
    assert_eq!(target["method"], "PUT");
    let put = put(target["url"].as_str().unwrap(), ctype, bytes.to_vec()).await;
    assert_eq!(put.status().as_u16(), 200, "{:?}", put.text().await);
    up.body
}

/// A plain HTTP client's PUT, as a browser would send it.
pub async fn put(url: &str, ctype: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .put(url)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap()
}

pub async fn complete(user: &TestUser, upload: &Value) -> Answer {
    user.post(
        &format!(
            "/api/v1/uploads/{}/complete",
            upload["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await
}

/// Uploads a picture all the way; returns the asset.
pub async fn upload(user: &TestUser, board: &str, name: &str, bytes: &[u8]) -> Value {
    let ctype = if bytes.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else {
        "image/png"
    };
    let up = send(user, board, name, ctype, bytes, None).await;
    complete(user, &up).await.expect(201).body["asset"].clone()
}

/// Uploads a new version of `asset`; returns the new version's id.
pub async fn new_version(user: &TestUser, board: &str, asset: &str, name: &str) -> String {
    let up = send(user, board, name, "image/png", &png(200, 150), Some(asset)).await;
    complete(user, &up).await.expect(201).body["asset"]["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Polls the asset until its current version leaves "processing".
pub async fn wait_ready(user: &TestUser, asset: &str) -> Value {
    let started = Instant::now();
    loop {
        let a = user
            .get(&format!("/api/v1/assets/{asset}"))
            .await
            .expect(200);
        let state = a.body["current_version"]["state"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if state != "processing" {
            return a.body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "thumbnails never came"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn objects(app: &TestApp) -> Vec<String> {
    let root = app.dir.join("objects");
    let mut found = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                found.push(p.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

async fn uploaded_pictures_become_assets_with_thumbnails(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let first = upload(&ada, &b, "Homepage.png", &png(1440, 2400)).await;
    assert_eq!(first["title"], "Homepage");
    assert_eq!(first["version_count"], 1);
    assert_eq!(first["review_status"], "in_review");
    // Declared as JPEG, really a PNG: the sniffed type wins.
    let up = send(&ada, &b, "Pricing.jpg", "image/jpeg", &png(800, 600), None).await;
    let second = complete(&ada, &up).await.expect(201).body["asset"].clone();
    let ready = wait_ready(&ada, second["id"].as_str().unwrap()).await;
    let v = &ready["current_version"];
    assert_eq!(v["state"], "ready");
    assert_eq!(v["content_type"], "image/png");
    assert_eq!(
        (v["width"].as_i64(), v["height"].as_i64()),
        (Some(800), Some(600))
    );
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["thumbnails"]["grid"]["width"], 480);
    assert_eq!(v["thumbnails"]["view"]["width"], 800);

    let ready = wait_ready(&ada, first["id"].as_str().unwrap()).await;
    assert_eq!(
        ready["current_version"]["thumbnails"]["grid"]["height"], 640,
        "top of a tall page"
    );

    let titles = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200)
        .item_texts("title");
    assert_eq!(titles, ["Homepage", "Pricing"]);
    // The board's card shows its first picture.
    let card = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    let cover = reqwest::get(card.body["cover_url"].as_str().expect("a cover"))
        .await
        .unwrap();
    assert_eq!(cover.headers()["content-type"], "image/jpeg");
    let cover = image::load_from_memory(&cover.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (cover.width(), cover.height()),
        (480, 640),
        "Homepage's grid size"
    );
    let empty = board(&app, &ada, &[]).await;
    let card = ada
        .get(&format!("/api/v1/boards/{empty}"))
        .await
        .expect(200);
    assert!(card.body["cover_url"].is_null());

    // Files come through signed links with safe headers.
    let file = reqwest::get(v["file_url"].as_str().unwrap()).await.unwrap();
    assert_eq!(file.status(), 200);
    let h = file.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Pricing.jpg"));
    let grid = reqwest::get(v["thumbnails"]["grid"]["url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(grid.headers()["content-type"], "image/jpeg");
    let bytes = grid.bytes().await.unwrap();
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 480);
    // The original, as a download under its name; nobody else gets it.
    let version = v["id"].as_str().unwrap();
    let to = ada
        .get(&format!("/api/v1/versions/{version}/download"))
        .await
        .expect(303);
    let saved = reqwest::get(to.headers["location"].to_str().unwrap())
        .await
        .unwrap();
    let h = saved.headers().clone();
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"Pricing.jpg\""));
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(saved.bytes().await.unwrap().as_ref(), png(800, 600));
    app.user("Out")
        .await
        .get(&format!("/api/v1/versions/{version}/download"))
        .await
        .expect(404);
    // An altered link is refused.
    let url = v["file_url"].as_str().unwrap();
    let flipped = if url.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{flipped}", &url[..url.len() - 1]);
    assert_eq!(reqwest::get(&forged).await.unwrap().status(), 403);
}

async fn a_new_version_keeps_the_old_one(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let asset = upload(&ada, &b, "Logo.png", &png(300, 200)).await;
    let id = asset["id"].as_str().unwrap();
    let v1 = asset["current_version"]["id"].as_str().unwrap().to_owned();
    let up = send(
        &ada,
        &b,
        "Logo v2.jpg",
        "image/jpeg",
        &jpeg(600, 400),
        Some(id),
    )
    .await;
    let done = complete(&ada, &up).await.expect(201);
    assert_eq!(done.body["asset"]["id"], id);
    assert_eq!(done.body["asset"]["version_count"], 2);
    let detail = wait_ready(&ada, id).await;
    assert_eq!(detail["current_version"]["number"], 2);
    let numbers: Vec<i64> = detail["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    let old = ada.get(&format!("/api/v1/versions/{v1}")).await.expect(200);
    assert_eq!(old.body["number"], 1);
    assert_eq!(old.body["width"], 300);
    let list = ada
        .get(&format!("/api/v1/assets/{id}/versions"))
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    // A version of an asset on another board is refused.
    let other = board(&app, &ada, &[]).await;
    ada.post(
        &format!("/api/v1/boards/{other}/uploads"),
        json!({"file_name": "x.png", "content_type": "image/png", "size": 10, "asset_id": id}),
    )
    .await
    .expect(422);
}

async fn hostile_files_are_refused_and_nothing_is_kept(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let mut polyglot = png(20, 20);
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let full = jpeg(400, 300);
    let truncated = full[..full.len() * 2 / 3].to_vec();
    let cases: [(&str, Vec<u8>); 5] = [
        (
            "page.png",
            b"<!doctype html><html><body onload=alert(1)></body></html>".to_vec(),
        ),
        (
            "logo.png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
        ),
        ("bomb.png", bomb),
        ("cut.jpg", truncated),
        ("poly.png", polyglot),
    ];
    for (name, bytes) in cases {
        let up = send(&ada, &b, name, "image/png", &bytes, None).await;
        let refused = complete(&ada, &up).await.expect(422);
        assert_eq!(refused.body["errors"][0]["field"], "file", "{name}");
        // Completing again says the same; nothing was kept.
        complete(&ada, &up).await.expect(422);
    }
    assert!(
        objects(&app).is_empty(),
        "refused files are deleted: {:?}",
        objects(&app)
    );
    let list = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(list.body["items"], json!([]));
    // Zero bytes cannot even start.
    ada.post(
        &format!("/api/v1/boards/{b}/uploads"),
        json!({"file_name": "empty.png", "content_type": "image/png", "size": 0}),
    )
    .await
    .expect(422);
    ada.post(
        &format!("/api/v1/boards/{b}/uploads"),
        json!({"file_name": "x.svg", "content_type": "image/svg+xml", "size": 10}),
    )
    .await
    .expect(422);
    app.anon().get("/healthz").await.expect(200);
}

/// Every picture format cut short at ten points (issue 17 §4): each cut is
/// refused with a 422 naming the file, or kept and then shown or marked
/// failed with a reason; never a 5xx, never stuck, nothing kept of what
/// was refused, and the server serves on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictures_cut_short_are_refused_or_shown() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let picture = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let encoded = |format: image::ImageFormat| {
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(picture.clone())
            .write_to(&mut Cursor::new(&mut out), format)
            .unwrap();
        out
    };
    let formats = [
        ("png", "image/png", png(300, 200)),
        ("jpg", "image/jpeg", jpeg(300, 200)),
        ("gif", "image/gif", encoded(image::ImageFormat::Gif)),
        ("webp", "image/webp", encoded(image::ImageFormat::WebP)),
    ];
    let (mut refused, mut kept) = (0, 0);
    for (ext, ctype, whole) in &formats {
        for k in 1..=10 {
            let cut = &whole[..whole.len() * k / 11];
            let name = format!("cut-{k}.{ext}");
            let up = send(&ada, &b, &name, ctype, cut, None).await;
            let done = complete(&ada, &up).await;
            match done.status.as_u16() {
                422 => {
                    assert_eq!(done.body["errors"][0]["field"], "file", "{name}");
                    refused += 1;
                }
                201 => {
                    let asset = wait_ready(&ada, done.body["asset"]["id"].as_str().unwrap()).await;
                    let v = &asset["current_version"];
                    assert!(
                        v["state"] == "ready" || (v["state"] == "failed" && v["error"].is_string()),
                        "{name}: {v}"
                    );
                    kept += 1;
                }
                other => panic!("{name}: {other} {:?}", done.body),
            }
        }
    }
    assert_eq!(refused + kept, 40);
    assert!(
        refused >= 30,
        "most cuts cannot be read: {refused} refused, {kept} kept"
    );
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(
        assets.body["items"].as_array().unwrap().len(),
        kept,
        "refused files left no asset"
    );
    app.anon().get("/readyz").await.expect(200);
}

/// Thumbnails being made (or failing) are events of Critboard's own, for
/// live viewers: `version.ready`, or `version.failed` saying why, and in
/// nobody's inbox.
async fn thumbnails_done_or_failed_are_events_for_live_viewers(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let b = board(&app, &ada, &[&bob]).await;
    ada.post(
        &format!("/api/v1/boards/{b}/members"),
        json!({"user_id": bob.id, "role": "viewer"}),
    )
    .await
    .expect(201);
    let good = upload(&ada, &b, "Good.png", &png(300, 200)).await;
    wait_ready(&ada, good["id"].as_str().unwrap()).await;
    // Passes the checks at upload (header and end), breaks while decoding.
    let mut broken = png(300, 200);
    let idat = broken
        .windows(4)
        .position(|w| w == b"IDAT")
        .expect("an IDAT chunk");
    for b in &mut broken[idat + 8..idat + 40] {
        *b ^= 0x5A;
    }
    let bad = upload(&ada, &b, "Broken.png", &broken).await;
    let failed = wait_ready(&ada, bad["id"].as_str().unwrap()).await;
    assert_eq!(failed["current_version"]["state"], "failed");

    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let by_critboard: Vec<&Value> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_name"] == "Critboard")
        .collect();
    let kinds: Vec<&str> = by_critboard
        .iter()
        .map(|e| e["event"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["version.failed", "version.ready"]);
    assert!(by_critboard.iter().all(|e| e["actor_id"].is_null()));
    let failure = &by_critboard[0]["event"];
    assert_eq!(failure["title"], "Broken");
    assert_eq!(failure["number"], 1);
    assert!(failure["failure"]
        .as_str()
        .unwrap()
        .contains("cannot be decoded"));
    assert_eq!(by_critboard[1]["event"]["asset_id"], good["id"]);
    let inbox = bob.get("/api/v1/notifications").await.expect(200);
    let kinds: Vec<&str> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event"]["event"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["asset.added", "asset.added", "member.added"]);
}

fn crc32(bytes: &[u8]) -> u32 {
    // Bitwise CRC-32 (IEEE), enough for one PNG header chunk.
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

async fn altered_or_expired_upload_urls_are_refused(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let bytes = png(50, 50);
    let up = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "a.png", "content_type": "image/png", "size": bytes.len()}),
        )
        .await
        .expect(201);
    let url = up.body["target"]["url"].as_str().unwrap().to_owned();
    let tampered_sig = format!(
        "{}{}",
        &url[..url.len() - 2],
        if url.ends_with("00") { "11" } else { "00" }
    );
    assert_eq!(
        put(&tampered_sig, "image/png", bytes.clone())
            .await
            .status(),
        403
    );
    let later = url.replace("expires=", "expires=9");
    assert_eq!(put(&later, "image/png", bytes.clone()).await.status(), 403);
    assert_eq!(
        put(&url, "text/html", bytes.clone()).await.status(),
        403,
        "type is signed"
    );
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0; 100]);
    assert_eq!(put(&url, "image/png", longer).await.status(), 413);
    assert_eq!(
        put(&url, "image/png", bytes[..10].to_vec()).await.status(),
        403,
        "size is signed"
    );
    // Completing before any bytes arrived: nothing to complete.
    let early = ada
        .post(
            &format!(
                "/api/v1/uploads/{}/complete",
                up.body["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .expect(409);
    assert_eq!(early.problem_type(), "urn:critboard:problem:conflict");
    // Once the upload's time is up, its URL stops working.
    app.store
        .execute(
            "UPDATE uploads SET expires_at = ?",
            vec![(app.store.now() - chrono::Duration::minutes(1)).into()],
        )
        .await
        .unwrap();
    let expired = put(&url, "image/png", bytes.clone()).await;
    assert_eq!(expired.status(), 403);
    assert!(expired.text().await.unwrap().contains("expired"));
}

async fn completing_twice_gives_one_asset(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let up = send(&ada, &b, "a.png", "image/png", &png(64, 64), None).await;
    let first = complete(&ada, &up).await.expect(201);
    let again = complete(&ada, &up).await.expect(200);
    assert_eq!(first.body["asset"]["id"], again.body["asset"]["id"]);
    let (a, b2) = tokio::join!(complete(&ada, &up), complete(&ada, &up));
    assert_eq!(a.status, 200);
    assert_eq!(b2.status, 200);
    let list = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    // The upload URL is spent.
    let url = up["target"]["url"].as_str().unwrap();
    assert_eq!(put(url, "image/png", png(64, 64)).await.status(), 409);
}

async fn retried_upload_with_same_idempotency_key_is_not_duplicated(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let body = json!({"file_name": "a.png", "content_type": "image/png", "size": 100});
    let send_once = || async {
        ada.client
            .post(format!("{}/api/v1/boards/{b}/uploads", app.base))
            .header("x-csrf-token", ada.csrf.as_deref().unwrap())
            .header("idempotency-key", "upload-a-1")
            .json(&body)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let (a, b2) = (send_once().await, send_once().await);
    assert_eq!(a["id"], b2["id"]);
    let other = ada
        .post(&format!("/api/v1/boards/{b}/uploads"), body.clone())
        .await
        .expect(201);
    assert_ne!(other.body["id"], a["id"]);
}

async fn uploads_follow_the_role_table(app: TestApp) {
    let ada = app.user("Ada").await;
    let viewer = app.user("Viewer").await;
    let outsider = app.user("Out").await;
    let b = board(&app, &ada, &[&viewer]).await;
    ada.post(
        &format!("/api/v1/boards/{b}/members"),
        json!({"user_id": viewer.id, "role": "commenter"}),
    )
    .await
    .expect(201);
    let asset = upload(&ada, &b, "a.png", &png(40, 40)).await;
    let id = asset["id"].as_str().unwrap();
    let req = json!({"file_name": "x.png", "content_type": "image/png", "size": 10});
    viewer
        .post(&format!("/api/v1/boards/{b}/uploads"), req.clone())
        .await
        .expect(403);
    outsider
        .post(&format!("/api/v1/boards/{b}/uploads"), req)
        .await
        .expect(404);
    viewer
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    viewer
        .get(&format!("/api/v1/assets/{id}"))
        .await
        .expect(200);
    viewer
        .patch(&format!("/api/v1/assets/{id}"), json!({"title": "x"}))
        .await
        .expect(403);
    viewer
        .delete(&format!("/api/v1/assets/{id}"))
        .await
        .expect(403);
    for path in [
        format!("/api/v1/boards/{b}/assets"),
        format!("/api/v1/assets/{id}"),
        format!("/api/v1/assets/{id}/versions"),
        format!(
            "/api/v1/versions/{}",
            asset["current_version"]["id"].as_str().unwrap()
        ),
    ] {
        outsider.get(&path).await.expect(404);
    }
    outsider
        .delete(&format!("/api/v1/assets/{id}"))
        .await
        .expect(404);
}

/// Deleting a board, or a whole workspace, deletes the files on it too:
/// originals, thumbnails and uploads never completed; another workspace's
/// files stay.
async fn deleting_a_board_or_workspace_deletes_its_files(app: TestApp) {
    let ada = app.user("Ada").await;
    let keep = board(&app, &ada, &[]).await;
    let kept = upload(&ada, &keep, "kept.png", &png(40, 30)).await;
    wait_ready(&ada, kept["id"].as_str().unwrap()).await;
    let before = objects(&app);
    assert_eq!(
        before.len(),
        3,
        "an original and two thumbnails: {before:?}"
    );

    let b = board(&app, &ada, &[]).await;
    for name in ["a.png", "b.png"] {
        let a = upload(&ada, &b, name, &png(60, 40)).await;
        wait_ready(&ada, a["id"].as_str().unwrap()).await;
    }
    // An upload sent but never completed.
    send(&ada, &b, "half.png", "image/png", &png(20, 20), None).await;
    assert_eq!(objects(&app).len(), 3 + 2 * 3 + 1);
    ada.delete(&format!("/api/v1/boards/{b}")).await.expect(204);
    app.jobs_settled().await;
    assert_eq!(
        objects(&app),
        before,
        "only the other board's files are left"
    );

    let ws = ada.get(&format!("/api/v1/boards/{keep}")).await.body["workspace_id"]
        .as_str()
        .unwrap()
        .to_owned();
    ada.delete(&format!("/api/v1/workspaces/{ws}"))
        .await
        .expect(204);
    app.jobs_settled().await;
    assert!(objects(&app).is_empty(), "{:?}", objects(&app));
}

async fn assets_can_be_renamed_reordered_and_deleted(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let mut ids = Vec::new();
    for name in ["one.png", "two.png", "three.png"] {
        ids.push(
            upload(&ada, &b, name, &png(30, 30)).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for id in &ids {
        wait_ready(&ada, id).await;
    }
    let moved = ada
        .patch(
            &format!("/api/v1/assets/{}", ids[2]),
            json!({"position": 0, "title": "Three!"}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["title"], "Three!");
    let titles = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200)
        .item_texts("title");
    assert_eq!(titles, ["Three!", "one", "two"]);
    ada.patch(&format!("/api/v1/assets/{}", ids[0]), json!({"title": ""}))
        .await
        .expect(422);
    let before = objects(&app);
    assert_eq!(before.len(), 9, "3 originals + 6 thumbnails: {before:?}");
    ada.delete(&format!("/api/v1/assets/{}", ids[1]))
        .await
        .expect(204);
    ada.get(&format!("/api/v1/assets/{}", ids[1]))
        .await
        .expect(404);
    let started = Instant::now();
    while objects(&app).len() != 6 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            objects(&app)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Renaming, reordering and deleting are board events like uploads: other
/// viewers' boards follow them live, the activity keeps them, and a
/// deletion tells everyone what went with the picture.
async fn renames_moves_and_deletions_are_board_events(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (b, v) = crate::discussion::picture(&app, &ada, &[(&bob, "viewer")]).await;
    let home = ada
        .get(&format!("/api/v1/versions/{v}"))
        .await
        .expect(200)
        .body["asset_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = upload(&ada, &b, "Other.png", &png(30, 30)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_ready(&ada, &other).await;
    for (x, state) in [(0.2, "open"), (0.4, "open"), (0.6, "resolved")] {
        let t = crate::discussion::pin(&ada, &v, json!({"x": x, "y": 0.5}), "Note")
            .await
            .expect(201);
        if state == "resolved" {
            ada.patch(
                &format!("/api/v1/threads/{}", t.body["id"].as_str().unwrap()),
                json!({"state": "resolved"}),
            )
            .await
            .expect(200);
        }
    }
    let activity = format!("/api/v1/boards/{b}/activity");
    let seen = ada.get(&activity).await.expect(200).event_kinds().len();
    ada.patch(
        &format!("/api/v1/assets/{home}"),
        json!({"title": "Home v2"}),
    )
    .await
    .expect(200);
    // Unchanged title and place: nothing happened, nothing is said.
    ada.patch(
        &format!("/api/v1/assets/{home}"),
        json!({"title": " Home v2 ", "position": 0}),
    )
    .await
    .expect(200);
    ada.patch(&format!("/api/v1/assets/{home}"), json!({"position": 1}))
        .await
        .expect(200);
    let inbox_before = bob.get("/api/v1/notifications").await.expect(200).body["items"]
        .as_array()
        .unwrap()
        .len();
    ada.delete(&format!("/api/v1/assets/{home}"))
        .await
        .expect(204);
    let feed = bob.get(&activity).await.expect(200);
    let kinds = feed.event_kinds();
    assert_eq!(
        kinds[..kinds.len() - seen],
        ["asset.deleted", "asset.moved", "asset.renamed"],
        "newest first"
    );
    let items = feed.body["items"].as_array().unwrap();
    let renamed = &items[2]["event"];
    assert_eq!(
        (
            renamed["asset_id"].as_str(),
            &renamed["title"],
            &renamed["previous_title"]
        ),
        (Some(home.as_str()), &json!("Home v2"), &json!("Home"))
    );
    assert_eq!(items[1]["event"]["position"], 1);
    let deleted = &items[0]["event"];
    assert_eq!(deleted["title"], "Home v2");
    assert_eq!(deleted["versions"], 1);
    assert_eq!(
        deleted["open_threads"], 2,
        "the resolved thread is not counted"
    );
    assert_eq!(items[0]["actor_name"], "Ada");
    // Only the deletion reaches the inbox: a rename or a reorder is news
    // for whoever is looking, not a notification.
    let inbox = bob.get("/api/v1/notifications").await.expect(200);
    let new: Vec<&serde_json::Value> = inbox.body["items"].as_array().unwrap()
        [..inbox.body["items"].as_array().unwrap().len() - inbox_before]
        .iter()
        .collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert_eq!(new[0]["event"]["event"]["kind"], "asset.deleted");
    // An outsider still learns nothing, and the events need no picture
    // left to read.
    let out = app.user("Out").await;
    out.get(&activity).await.expect(404);
    ada.get(&format!("/api/v1/assets/{home}")).await.expect(404);
}

async fn size_limit_and_quota_are_413(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| c.max_upload_bytes = 10_000).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let big = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "big.png", "content_type": "image/png", "size": 10_001}),
        )
        .await
        .expect(413);
    assert_eq!(big.problem_type(), "urn:critboard:problem:file-too-large");
    let ws = ada.get(&format!("/api/v1/boards/{b}")).await.body["workspace_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.store
        .execute("UPDATE workspaces SET storage_quota_bytes = 5000", vec![])
        .await
        .unwrap();
    let ok = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "a.png", "content_type": "image/png", "size": 4000}),
        )
        .await
        .expect(201);
    assert!(ok.body["id"].is_string());
    let over = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "b.png", "content_type": "image/png", "size": 2000}),
        )
        .await
        .expect(413);
    assert_eq!(
        over.problem_type(),
        "urn:critboard:problem:quota-exceeded",
        "{ws}"
    );
}

/// A worker dies holding the thumbnail job: another node takes it over
/// when the lease runs out, and a finished version is never redone.
async fn an_interrupted_job_is_retried_and_thumbnails_are_made_once(backend: Backend) {
    // Node A serves requests only; no worker picks up the job.
    let Some(app) = spawn_app_with(backend, |c| c.job_workers = 0).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let asset = upload(&ada, &b, "a.png", &png(200, 100)).await;
    let id = asset["id"].as_str().unwrap();
    // A worker claims the job and dies.
    let dead = Queue::new(app.store.clone());
    let job = dead
        .claim(&["thumbnails"], Duration::from_secs(60))
        .await
        .unwrap()
        .expect("job queued");
    assert_eq!(job.attempts, 1);
    // Node B with a worker, on the same database and files; on its clock
    // the dead worker's lease has run out.
    let (dir, db_url) = (app.dir.clone(), app.database_url.clone());
    let node_b = spawn_app_with(backend, move |c| {
        c.data_dir = dir;
        c.database_url = db_url;
    })
    .await
    .unwrap();
    node_b.store.clock().advance(Duration::from_secs(61));
    let ready = wait_ready(&ada, id).await;
    assert_eq!(ready["current_version"]["state"], "ready");
    let version_id: uuid::Uuid = ready["current_version"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let thumbs = app.store.thumbnails_of(vec![version_id]).await.unwrap();
    assert_eq!(thumbs.len(), 2);
    let made_at: Vec<_> = thumbs.iter().map(|t| t.created_at).collect();
    // Run the finished job again (as after a crash before it was marked
    // done); node B's worker finds it on its next poll.
    app.store
        .execute(
            "UPDATE jobs SET done_at = NULL, locked_until = NULL, locked_by = NULL",
            vec![],
        )
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let pending = job::Entity::find()
            .filter(job::Column::Kind.eq("thumbnails"))
            .filter(job::Column::DoneAt.is_null())
            .count(app.store.conn())
            .await
            .unwrap();
        if pending == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "job never re-ran"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let again = app.store.thumbnails_of(vec![version_id]).await.unwrap();
    assert_eq!(again.len(), 2);
    assert_eq!(
        again.iter().map(|t| t.created_at).collect::<Vec<_>>(),
        made_at
    );
}

/// Uploads never completed are deleted by the clean-up job after 24 hours.
async fn abandoned_uploads_are_cleaned_up(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let old = send(&ada, &b, "old.png", "image/png", &png(10, 10), None).await;
    let fresh = send(&ada, &b, "fresh.png", "image/png", &png(10, 10), None).await;
    app.store
        .execute(
            "UPDATE uploads SET created_at = ? WHERE id = ?",
            vec![
                (app.store.now() - chrono::Duration::hours(25)).into(),
                old["id"]
                    .as_str()
                    .unwrap()
                    .parse::<uuid::Uuid>()
                    .unwrap()
                    .into(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(objects(&app).len(), 2);
    let q = Queue::new(app.store.clone());
    q.enqueue(NewJob::now("cleanup-uploads", json!({})))
        .await
        .unwrap();
    let started = Instant::now();
    while objects(&app).len() != 1 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            objects(&app)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(app
        .store
        .upload(old["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap()
        .is_none());
    assert!(app
        .store
        .upload(fresh["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap()
        .is_some());
}

/// A real full-page capture, 1440×20000, goes through the whole pipeline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tall_page_screenshot_works() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let page = image::GrayImage::from_fn(1440, 20_000, |x, y| {
        image::Luma([((x / 40 + y / 30) % 2 * 200 + 30) as u8])
    });
    let mut bytes = Vec::new();
    page.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    let asset = upload(&ada, &b, "Landing full page.png", &bytes).await;
    let ready = wait_ready(&ada, asset["id"].as_str().unwrap()).await;
    let v = &ready["current_version"];
    assert_eq!(v["state"], "ready", "{v}");
    assert_eq!(
        (v["width"].as_i64(), v["height"].as_i64()),
        (Some(1440), Some(20_000))
    );
    assert_eq!(v["thumbnails"]["grid"]["height"], 640);
    assert_eq!(v["thumbnails"]["view"]["height"], 20_000);
}

/// A logo with a clear background keeps it in the viewer (a PNG, for the
/// checkerboard); an animated GIF is shown as itself so it plays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transparent_and_animated_pictures_are_shown_as_they_are() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let logo = image::RgbaImage::from_fn(300, 200, |x, _| {
        image::Rgba([20, 90, 200, if x < 150 { 0 } else { 255 }])
    });
    let mut bytes = Vec::new();
    logo.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    let asset = upload(&ada, &b, "Logo.png", &bytes).await;
    let ready = wait_ready(&ada, asset["id"].as_str().unwrap()).await;
    let view = &ready["current_version"]["thumbnails"]["view"];
    assert_eq!(view["content_type"], "image/png", "{view}");
    let got = reqwest::get(view["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(got.headers()["content-type"], "image/png");
    assert!(got.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("view.png"));
    let shown = image::load_from_memory(&got.bytes().await.unwrap())
        .unwrap()
        .into_rgba8();
    assert_eq!(shown.get_pixel(10, 10).0[3], 0);
    assert_eq!(shown.get_pixel(290, 10).0, [20, 90, 200, 255]);
    let grid = &ready["current_version"]["thumbnails"]["grid"];
    assert_eq!(grid["content_type"], "image/jpeg");

    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        encoder
            .encode_frames((0..4u8).map(|i| {
                image::Frame::new(image::RgbaImage::from_pixel(
                    64,
                    48,
                    image::Rgba([i * 50, 100, 0, 255]),
                ))
            }))
            .unwrap();
    }
    let asset = upload(&ada, &b, "Spinner.gif", &gif).await;
    let ready = wait_ready(&ada, asset["id"].as_str().unwrap()).await;
    let view = &ready["current_version"]["thumbnails"]["view"];
    assert_eq!(view["content_type"], "image/gif", "{view}");
    let got = reqwest::get(view["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(got.headers()["content-type"], "image/gif");
    assert_eq!(got.bytes().await.unwrap().as_ref(), gif.as_slice());
    // A plain picture is still a JPEG everywhere.
    let asset = upload(&ada, &b, "Photo.png", &png(200, 100)).await;
    let ready = wait_ready(&ada, asset["id"].as_str().unwrap()).await;
    assert_eq!(
        ready["current_version"]["thumbnails"]["view"]["content_type"],
        "image/jpeg"
    );
}

/// Completions racing each other and the thumbnail worker's writes all
/// succeed (SQLite once answered "database is locked" here).
async fn uploads_completed_at_once_all_succeed(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let mut ups = Vec::new();
    for i in 0..12 {
        ups.push(
            send(
                &ada,
                &b,
                &format!("p{i}.png"),
                "image/png",
                &png(64 + i, 48),
                None,
            )
            .await,
        );
    }
    let tasks: Vec<_> = ups
        .iter()
        .map(|up| {
            let (client, base, csrf) = (
                ada.client.clone(),
                app.base.clone(),
                ada.csrf.clone().unwrap(),
            );
            let id = up["id"].as_str().unwrap().to_owned();
            tokio::spawn(async move {
                client
                    .post(format!("{base}/api/v1/uploads/{id}/complete"))
                    .header("x-csrf-token", csrf)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let titles = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200)
        .item_texts("title");
    assert_eq!(titles.len(), 12);
}

backend_tests!(
    deleting_a_board_or_workspace_deletes_its_files,
    thumbnails_done_or_failed_are_events_for_live_viewers,
    uploads_completed_at_once_all_succeed,
    uploaded_pictures_become_assets_with_thumbnails,
    a_new_version_keeps_the_old_one,
    hostile_files_are_refused_and_nothing_is_kept,
    altered_or_expired_upload_urls_are_refused,
    completing_twice_gives_one_asset,
    retried_upload_with_same_idempotency_key_is_not_duplicated,
    uploads_follow_the_role_table,
    assets_can_be_renamed_reordered_and_deleted,
    renames_moves_and_deletions_are_board_events,
    abandoned_uploads_are_cleaned_up,
);
backend_tests_with_config!(
    size_limit_and_quota_are_413,
    an_interrupted_job_is_retried_and_thumbnails_are_made_once
);

/// One PNG chunk with its CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// `zeros` zero bytes, zlib-compressed (about a thousandth of the size).
fn zlib_zeros(zeros: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    for _ in 0..zeros / block.len() {
        z.write_all(&block).unwrap();
    }
    z.finish().unwrap()
}

/// A PNG with `extra` chunks put right after its header.
fn png_with(w: u32, h: u32, extra: &[Vec<u8>]) -> Vec<u8> {
    let plain = png(w, h);
    let mut out = plain[..33].to_vec();
    for chunk in extra {
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&plain[33..]);
    out
}

/// An animated PNG of `frames` 16×16 frames.
fn apng(frames: u32) -> Vec<u8> {
    let plain = png(16, 16);
    let mut out = plain[..33].to_vec();
    let mut actl = frames.to_be_bytes().to_vec();
    actl.extend_from_slice(&0u32.to_be_bytes());
    out.extend(png_chunk(b"acTL", &actl));
    let mut pixels = Vec::new();
    for _ in 0..16 {
        pixels.push(0u8);
        pixels.extend_from_slice(&[200u8; 48]);
    }
    let data = {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&pixels).unwrap();
        z.finish().unwrap()
    };
    let mut seq = 0u32;
    let fctl = |seq: &mut u32| {
        let mut f = seq.to_be_bytes().to_vec();
        for v in [16u32, 16, 0, 0] {
            f.extend_from_slice(&v.to_be_bytes());
        }
        f.extend_from_slice(&[0, 1, 0, 100, 0, 0]);
        *seq += 1;
        png_chunk(b"fcTL", &f)
    };
    out.extend(fctl(&mut seq));
    out.extend(png_chunk(b"IDAT", &data));
    for _ in 1..frames {
        out.extend(fctl(&mut seq));
        let mut fdat = seq.to_be_bytes().to_vec();
        fdat.extend_from_slice(&data);
        seq += 1;
        out.extend(png_chunk(b"fdAT", &fdat));
    }
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A GIF with a `w`×`h` logical screen and `frames` one-pixel frames.
fn gif_frames(w: u16, h: u16, frames: u32) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    // A global table of two colours, black and white.
    out.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    for i in 0..frames {
        // Graphic control (1/100 s), then a 1×1 image somewhere on the screen.
        out.extend_from_slice(&[0x21, 0xF9, 4, 0, 1, 0, 0, 0]);
        out.push(0x2C);
        out.extend_from_slice(&((i % u32::from(w)) as u16).to_le_bytes());
        out.extend_from_slice(&((i / u32::from(w) % u32::from(h)) as u16).to_le_bytes());
        out.extend_from_slice(&[1, 0, 1, 0, 0]);
        // LZW, minimum code size 2: clear, index 1, end.
        out.extend_from_slice(&[2, 2, 0x4C, 0x01, 0]);
    }
    out.push(0x3B);
    out
}

/// A RIFF/WebP file around `chunk` (its four-letter kind and data).
fn webp(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    body.extend_from_slice(kind);
    body.extend_from_slice(&(data.len() as u32).to_le_bytes());
    body.extend_from_slice(data);
    if data.len() % 2 == 1 {
        body.push(0);
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// A JPEG with `segment` (marker and payload) right after its start.
fn jpeg_with(segment: u8, payload: &[u8], base: &[u8]) -> Vec<u8> {
    let mut out = base[..2].to_vec();
    out.extend_from_slice(&[0xFF, segment]);
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&base[2..]);
    out
}

#[derive(Debug, PartialEq)]
enum Outcome {
    /// Kept, thumbnails made, the size as the file says.
    Shown(u32, u32),
    /// 422 naming the file; nothing kept.
    Refused,
}

/// The hostile corpus of issue 17 §4 through the real upload path: each
/// file is shown at its size or refused with a 422, the server never
/// fails, and nothing of the refused is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pictures_are_shown_or_refused() {
    use Outcome::{Refused, Shown};
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;

    // 100 MB of profile and text, each in 100 KB of zlib.
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend(zlib_zeros(100 << 20));
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend(zlib_zeros(100 << 20));
    // A progressive JPEG's frame header declaring 65,535 × 65,535.
    let base = jpeg(64, 48);
    let sof = base.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let mut progressive = base.clone();
    progressive[sof + 1] = 0xC2;
    progressive[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    // A lossless WebP header declaring 16,384 × 16,384 (14 bits each, minus one).
    let dims: u32 = 0x3FFF | (0x3FFF << 14);
    let mut vp8l = vec![0x2F];
    vp8l.extend_from_slice(&dims.to_le_bytes());
    vp8l.extend_from_slice(&[0; 32]);
    // EXIF (little-endian TIFF) whose image description fills the segment.
    let description = vec![b'x'; 65_400];
    let mut exif = b"Exif\0\0II*\0".to_vec();
    exif.extend_from_slice(&8u32.to_le_bytes());
    exif.extend_from_slice(&1u16.to_le_bytes());
    exif.extend_from_slice(&0x010Eu16.to_le_bytes());
    exif.extend_from_slice(&2u16.to_le_bytes());
    exif.extend_from_slice(&(description.len() as u32).to_le_bytes());
    exif.extend_from_slice(&26u32.to_le_bytes());
    exif.extend_from_slice(&0u32.to_le_bytes());
    exif.extend(description);
    // A ZIP archive (one stored file, then its directory) after a PNG.
    let mut zip = png(40, 30);
    zip.extend_from_slice(
        b"PK\x03\x04\x0a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0a.txt",
    );
    zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");

    let cases: Vec<(&str, &str, Vec<u8>, Outcome)> = vec![
        (
            "icc.png",
            "image/png",
            png_with(64, 48, &[png_chunk(b"iCCP", &iccp)]),
            Shown(64, 48),
        ),
        (
            "text.png",
            "image/png",
            png_with(64, 48, &[png_chunk(b"zTXt", &ztxt)]),
            Shown(64, 48),
        ),
        ("frames.png", "image/png", apng(100_000), Shown(16, 16)),
        (
            "screen.gif",
            "image/gif",
            gif_frames(65_535, 65_535, 10),
            Refused,
        ),
        (
            "frames.gif",
            "image/gif",
            gif_frames(2_000, 1_500, 5_000),
            Shown(2_000, 1_500),
        ),
        (
            "broken.webp",
            "image/webp",
            webp(b"VP8 ", &[0x9D; 40]),
            Refused,
        ),
        ("huge.webp", "image/webp", webp(b"VP8L", &vp8l), Refused),
        ("huge.jpg", "image/jpeg", progressive, Refused),
        (
            "exif.jpg",
            "image/jpeg",
            jpeg_with(0xE1, &exif, &base),
            Shown(64, 48),
        ),
        ("zip.png", "image/png", zip, Refused),
    ];
    let mut shown = 0;
    for (name, ctype, bytes, want) in cases {
        let up = send(&ada, &b, name, ctype, &bytes, None).await;
        let done = complete(&ada, &up).await;
        let got = match done.status.as_u16() {
            422 => {
                assert_eq!(done.body["errors"][0]["field"], "file", "{name}");
                Refused
            }
            201 => {
                let asset = wait_ready(&ada, done.body["asset"]["id"].as_str().unwrap()).await;
                let v = &asset["current_version"];
                assert_eq!(v["state"], "ready", "{name}: {v}");
                let grid = ada
                    .client
                    .get(v["thumbnails"]["grid"]["url"].as_str().unwrap())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(grid.headers()["x-content-type-options"], "nosniff");
                image::load_from_memory(&grid.bytes().await.unwrap())
                    .unwrap_or_else(|e| panic!("{name}: the grid picture: {e}"));
                shown += 1;
                Shown(
                    v["width"].as_u64().unwrap() as u32,
                    v["height"].as_u64().unwrap() as u32,
                )
            }
            other => panic!("{name}: {other} {:?}", done.body),
        };
        assert_eq!(got, want, "{name}");
    }

    // A body longer or shorter than signed is refused at the PUT, and the
    // upload cannot be completed: nothing of it was kept.
    for (declared, sent, status) in [(2_000usize, 2_500usize, 413u16), (2_000, 1_500, 403)] {
        let up = ada
            .post(
                &format!("/api/v1/boards/{b}/uploads"),
                json!({"file_name": "odd.png", "content_type": "image/png", "size": declared}),
            )
            .await
            .expect(201);
        let bytes = png_with(8, 8, &[png_chunk(b"tEXt", &vec![b'a'; sent])]);
        let bytes = &bytes[..sent.min(bytes.len())];
        let res = put(
            up.body["target"]["url"].as_str().unwrap(),
            "image/png",
            bytes.to_vec(),
        )
        .await;
        assert_eq!(
            res.status().as_u16(),
            status,
            "{declared} signed, {sent} sent"
        );
        let done = complete(&ada, &up.body).await.expect(409);
        assert!(done.body["detail"]
            .as_str()
            .unwrap()
            .contains("nothing has been uploaded"));
    }

    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(assets.body["items"].as_array().unwrap().len(), shown);
    app.anon().get("/readyz").await.expect(200);
}

/// The real screenshots of the shared corpus are shown at their size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_screenshots_are_shown_at_their_size() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let dir = crate::corpus::corpus().join("screenshots");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("png" | "jpg")))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus has its screenshots");
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let (w, h) = image::image_dimensions(&path).unwrap();
        let asset = upload(&ada, &b, name, &bytes).await;
        let asset = wait_ready(&ada, asset["id"].as_str().unwrap()).await;
        let v = &asset["current_version"];
        assert_eq!(v["state"], "ready", "{name}: {v}");
        assert_eq!(
            (v["width"].as_u64().unwrap(), v["height"].as_u64().unwrap()),
            (u64::from(w), u64::from(h)),
            "{name}"
        );
        assert_eq!(
            v["thumbnails"]["view"]["width"].as_u64().unwrap(),
            u64::from(w.min(1600)),
            "{name}"
        );
    }
}

/// A PUT that a crash (kill -9) cut off leaves its staging file (`key#1`)
/// beside the object: completing the upload, or completing it again after
/// a crash, removes it, so nothing unreferenced stays in the folder
/// (scripts/reliability/crash.py found them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_cut_by_a_crash_leave_nothing_behind() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let bytes = png(40, 30);
    let up = send(&ada, &b, "a.png", "image/png", &bytes, None).await;
    let key = format!("o/{}", up["id"].as_str().unwrap());
    let staged = |n: u32| app.dir.join("objects").join(format!("{key}#{n}"));
    // Two earlier attempts, cut: what a killed server leaves.
    std::fs::write(staged(1), &bytes[..10]).unwrap();
    std::fs::write(staged(2), &bytes[..20]).unwrap();
    complete(&ada, &up).await.expect(201);
    assert!(
        !staged(1).exists() && !staged(2).exists(),
        "{:?}",
        objects(&app)
    );
    assert!(objects(&app).contains(&key));
    // The same after a crash between the completion and the clean-up.
    std::fs::write(staged(1), &bytes[..10]).unwrap();
    complete(&ada, &up).await.expect(200);
    assert!(!staged(1).exists(), "{:?}", objects(&app));
    assert!(objects(&app).contains(&key), "the object itself stays");
}
