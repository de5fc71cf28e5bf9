//! `critboard backup` while the server writes, then `critboard restore`
//! into an empty folder: every comment acknowledged before the backup began
//! and every file is there.

use crate::helpers::{spawn_app, spawn_app_with, Backend, TestApp, TestUser, PASSWORD};
use crate::uploads::{board, png, upload, wait_ready};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn critboard(app: &TestApp, data_dir: &Path, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_critboard"));
    cmd.args(args)
        .env("CRITBOARD_DATA_DIR", data_dir)
        .env("CRITBOARD_LOG", "warn");
    if let Some(url) = &app.database_url {
        cmd.env("CRITBOARD_DATABASE_URL", url);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// The same signed-in browser, for another task.
fn same(u: &TestUser) -> TestUser {
    TestUser {
        client: u.client.clone(),
        base: u.base.clone(),
        id: u.id.clone(),
        email: u.email.clone(),
        csrf: u.csrf.clone(),
        bearer: u.bearer.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_during_writes_restores_every_acknowledged_comment_and_file() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let mut pictures = Vec::new();
    for i in 0..3u32 {
        let bytes = png(320 + i * 16, 240);
        let asset = upload(&ada, &b, &format!("Screen {i}.png"), &bytes).await;
        let ready = wait_ready(&ada, asset["id"].as_str().unwrap()).await;
        let version = ready["current_version"]["id"].as_str().unwrap().to_owned();
        pictures.push((version, Sha256::digest(&bytes).to_vec()));
    }
    let thread = crate::discussion::pin(&ada, &pictures[0].0, json!({"x": 0.5, "y": 0.5}), "first")
        .await
        .expect(201);
    let thread = thread.body["id"].as_str().unwrap().to_owned();

    // A writer keeps replying; each acknowledged reply is noted with when.
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acked, stop, writer, thread) =
            (acked.clone(), stop.clone(), same(&ada), thread.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let text = format!("reply {n}");
                let res = writer
                    .post(
                        &format!("/api/v1/threads/{thread}/comments"),
                        json!({"body": text}),
                    )
                    .await;
                assert_eq!(res.status.as_u16(), 201, "{:?}", res.body);
                acked.lock().unwrap().push((text, Instant::now()));
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("backup");
    let began = Instant::now();
    let (ok, out) = {
        let args = ["backup", "--to", to.to_str().unwrap()];
        tokio::task::block_in_place(|| critboard(&app, &app.dir, &args))
    };
    assert!(ok, "{out}");
    assert!(
        out.contains("the database and 9 files"),
        "3 originals with their grid and view sizes: {out}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    let acked = acked.lock().unwrap().clone();
    let before: Vec<&String> = acked
        .iter()
        .filter(|(_, at)| *at < began)
        .map(|(t, _)| t)
        .collect();
    assert!(
        before.len() >= 3 && acked.len() > before.len(),
        "writes before and during: {} of {}",
        before.len(),
        acked.len()
    );

    // A backup is never written into a folder that holds something.
    let (ok, out) = tokio::task::block_in_place(|| {
        critboard(&app, &app.dir, &["backup", "--to", to.to_str().unwrap()])
    });
    assert!(!ok && out.contains("not empty"), "{out}");

    let restored = dir.path().join("restored");
    let (ok, out) = tokio::task::block_in_place(|| {
        critboard(
            &app,
            &restored,
            &["restore", "--from", to.to_str().unwrap()],
        )
    });
    assert!(ok, "{out}");
    // Restoring never overwrites.
    let (ok, out) = tokio::task::block_in_place(|| {
        critboard(
            &app,
            &restored,
            &["restore", "--from", to.to_str().unwrap()],
        )
    });
    assert!(!ok && out.contains("exists"), "{out}");

    let keep = restored.clone();
    let back = spawn_app_with(Backend::Sqlite, move |c| c.data_dir = keep)
        .await
        .unwrap();
    let email = ada.email.clone();
    let mut ada = back.anon();
    let me = ada
        .post(
            "/api/v1/auth/login",
            json!({"email": email, "password": PASSWORD}),
        )
        .await
        .expect(200);
    ada.csrf = Some(me.body["csrf_token"].as_str().unwrap().to_owned());
    let t = ada
        .get(&format!("/api/v1/threads/{thread}"))
        .await
        .expect(200);
    let bodies: Vec<String> = t.body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap().to_owned())
        .collect();
    for text in &before {
        assert!(
            bodies.contains(text),
            "{text} was acknowledged before the backup began"
        );
    }
    let all: Vec<&String> = acked.iter().map(|(t, _)| t).collect();
    assert!(
        bodies[1..].iter().all(|b| all.contains(&b)),
        "nothing half-written"
    );
    for (version, sha) in &pictures {
        let link = ada
            .get(&format!("/api/v1/versions/{version}/download"))
            .await
            .expect(303);
        let to = link.headers["location"].to_str().unwrap();
        let to = if to.starts_with("http") {
            to.to_owned()
        } else {
            format!("{}{to}", back.base)
        };
        let bytes = reqwest::get(to).await.unwrap().bytes().await.unwrap();
        assert_eq!(
            Sha256::digest(&bytes).to_vec(),
            *sha,
            "the original of {version}"
        );
    }
}

/// With PostgreSQL or MySQL the database is theirs to back up: the command
/// copies the files and names the tool.
async fn server_databases_are_left_to_their_own_tools(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    upload(&ada, &b, "Home.png", &png(200, 100)).await;
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("b");
    let (ok, out) = tokio::task::block_in_place(|| {
        critboard(&app, &app.dir, &["backup", "--to", to.to_str().unwrap()])
    });
    assert!(ok, "{out}");
    let tool = if backend == Backend::Postgres {
        "pg_dump"
    } else {
        "mysqldump"
    };
    assert!(out.contains(tool), "{out}");
    assert!(!to.join("critboard.db").exists());
    assert!(to.join("objects").is_dir() && to.join("critboard-backup.json").is_file());
}

mod server_databases {
    use crate::helpers::Backend;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::server_databases_are_left_to_their_own_tools(Backend::Postgres).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql() {
        super::server_databases_are_left_to_their_own_tools(Backend::Mysql).await
    }
}
