//! The same upload flow against a real S3-compatible server (s3s-fs, which
//! checks SigV4 signatures and presigned URLs), started per test.

use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::uploads::{board, complete, png, put, wait_ready};
use serde_json::json;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BUCKET: &str = "critboard";

struct S3Server {
    child: Child,
    root: tempfile::TempDir,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    /// Objects stored in the bucket, as paths.
    fn objects(&self) -> Vec<String> {
        let root = self.root.path().join(BUCKET);
        let mut found = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                if p.is_dir() {
                    stack.push(p);
                } else if !name.starts_with('.') && !name.contains(".s3s-fs") {
                    found.push(p.strip_prefix(&root).unwrap().display().to_string());
                }
            }
        }
        found.sort();
        found
    }
}

/// Starts s3s-fs with a bucket and points the AWS variables at it; `None`
/// (printed) when the binary is missing and backends are not required.
fn s3_server() -> Option<S3Server> {
    let bin = std::env::var("CRITBOARD_TEST_S3S_FS").unwrap_or_else(|_| "s3s-fs".into());
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join(BUCKET)).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = match Command::new(&bin)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args([
            "--access-key",
            "critboard-test",
            "--secret-key",
            "critboard-test-secret",
        ])
        .arg(root.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("CRITBOARD_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") {
                panic!("s3s-fs is required but cannot start: {e}");
            }
            eprintln!("SKIPPED on S3: cannot start {bin}: {e} (make test installs it)");
            return None;
        }
    };
    let server = S3Server { child, root };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "s3s-fs did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Each nextest test is its own process, so these do not leak.
    for (k, v) in [
        ("AWS_ENDPOINT", format!("http://127.0.0.1:{port}")),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_ACCESS_KEY_ID", "critboard-test".into()),
        ("AWS_SECRET_ACCESS_KEY", "critboard-test-secret".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_VIRTUAL_HOSTED_STYLE_REQUEST", "false".into()),
    ] {
        std::env::set_var(k, v);
    }
    Some(server)
}

/// The same URL with one character of its signature changed.
fn tamper(url: &str) -> String {
    let at = url.find("X-Amz-Signature=").expect("a presigned URL") + "X-Amz-Signature=".len();
    let flipped = if &url[at..at + 1] == "0" { "1" } else { "0" };
    format!("{}{flipped}{}", &url[..at], &url[at + 1..])
}

async fn s3_app(direct: bool) -> Option<(S3Server, TestApp)> {
    let s3 = s3_server()?;
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.storage_url = Some(format!("s3://{BUCKET}"));
        c.s3_direct_downloads = direct;
    })
    .await?;
    Some((s3, app))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_uploads_go_straight_to_the_bucket_and_get_thumbnails() {
    let Some((s3, app)) = s3_app(false).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let bytes = png(900, 700);
    let up = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "Home.png", "content_type": "image/png", "size": bytes.len()}),
        )
        .await
        .expect(201);
    let url = up.body["target"]["url"].as_str().unwrap();
    assert!(url.contains("X-Amz-Signature"), "a presigned S3 URL: {url}");
    assert!(
        url.contains("content-length"),
        "size is a signed header: {url}"
    );
    // A plain HTTP client sends the bytes to S3, not to Critboard.
    let res = put(url, "image/png", bytes.clone()).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let done = complete(&ada, &up.body).await.expect(201);
    let asset = done.body["asset"]["id"].as_str().unwrap().to_owned();
    let ready = wait_ready(&ada, &asset).await;
    let v = &ready["current_version"];
    assert_eq!(v["state"], "ready", "{v}");
    assert_eq!(v["thumbnails"]["grid"]["width"], 480);
    let objects = s3.objects();
    assert_eq!(objects.len(), 3, "original + two thumbnails: {objects:?}");
    // Served through Critboard with its safe headers.
    let file = reqwest::get(v["file_url"].as_str().unwrap()).await.unwrap();
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(file.bytes().await.unwrap().len(), bytes.len());
    // The local upload route is closed in S3 mode.
    let local = format!(
        "{}/api/v1/uploads/{}/content?expires=1&signature=x",
        app.base,
        up.body["id"].as_str().unwrap()
    );
    assert_eq!(put(&local, "image/png", vec![1]).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_refuses_a_wrong_size_an_altered_url_and_an_expired_one() {
    let Some((s3, app)) = s3_app(false).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let bytes = png(60, 60);
    let start = |key: &'static str| {
        let (ada, b, n) = (&ada, &b, bytes.len());
        async move {
            let res = ada
                .client
                .post(format!("{}/api/v1/boards/{b}/uploads", ada.base))
                .header("x-csrf-token", ada.csrf.as_deref().unwrap())
                .header("idempotency-key", key)
                .json(&json!({"file_name": "a.png", "content_type": "image/png", "size": n}))
                .send()
                .await
                .unwrap();
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    let up = start("k1").await;
    let url = up["target"]["url"].as_str().unwrap().to_owned();
    let mut longer = bytes.clone();
    longer.extend_from_slice(&[0; 64]);
    assert_eq!(
        put(&url, "image/png", longer).await.status(),
        403,
        "size is signed"
    );
    assert_eq!(
        put(&url, "image/png", bytes[..20].to_vec()).await.status(),
        403
    );
    assert_eq!(
        put(&url, "image/jpeg", bytes.clone()).await.status(),
        403,
        "type is signed"
    );
    assert_eq!(
        put(&tamper(&url), "image/png", bytes.clone())
            .await
            .status(),
        403
    );
    assert!(s3.objects().is_empty(), "{:?}", s3.objects());
    // An URL whose time is up: shorten the upload's life, fetch its target
    // again (same Idempotency-Key), wait it out.
    app.store
        .execute(
            "UPDATE uploads SET expires_at = ?",
            vec![(app.store.now() + chrono::Duration::seconds(1)).into()],
        )
        .await
        .unwrap();
    let again = start("k1").await;
    assert_eq!(again["id"], up["id"]);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let late = put(
        again["target"]["url"].as_str().unwrap(),
        "image/png",
        bytes.clone(),
    )
    .await;
    assert_eq!(late.status(), 403);
    assert!(s3.objects().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_direct_downloads_use_presigned_gets() {
    let Some((_s3, app)) = s3_app(true).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let bytes = png(120, 80);
    let up = crate::uploads::send(&ada, &b, "Café plan.png", "image/png", &bytes, None).await;
    let done = complete(&ada, &up).await.expect(201);
    let url = done.body["asset"]["current_version"]["file_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        url.contains("X-Amz-Signature") && url.contains("response-content-type"),
        "{url}"
    );
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Caf"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());
    assert_eq!(reqwest::get(&tamper(&url)).await.unwrap().status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_refused_files_are_deleted_from_the_bucket() {
    let Some((s3, app)) = s3_app(false).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let html = b"<!doctype html><script>alert(1)</script>".to_vec();
    let up = crate::uploads::send(&ada, &b, "x.png", "image/png", &html, None).await;
    assert_eq!(s3.objects().len(), 1);
    complete(&ada, &up).await.expect(422);
    assert!(s3.objects().is_empty(), "{:?}", s3.objects());
}
