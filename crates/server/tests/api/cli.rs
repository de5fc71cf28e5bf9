//! The admin commands of the `critboard` binary, run as a user would.

use crate::helpers::{spawn_app_with, Backend};
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};

fn critboard(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_critboard"))
        .args(args)
        .env("CRITBOARD_DATA_DIR", dir)
        .env("CRITBOARD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_create_users_reset_passwords_and_make_admins() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, out) = critboard(d, &["migrate"], None);
    assert!(ok, "{out}");
    let (ok, out) = critboard(
        d,
        &[
            "admin",
            "create-user",
            "--email",
            "Root@Example.com",
            "--name",
            "Root",
        ],
        Some("first-long-phrase\n"),
    );
    assert!(ok, "{out}");
    let (ok, out) = critboard(
        d,
        &[
            "admin",
            "create-user",
            "--email",
            "root@example.com",
            "--name",
            "Again",
            "--password",
            "another-phrase",
        ],
        None,
    );
    assert!(!ok && out.contains("exists"), "{out}");
    let (ok, out) = critboard(
        d,
        &[
            "admin",
            "create-user",
            "--email",
            "weak@example.com",
            "--name",
            "W",
            "--password",
            "password",
        ],
        None,
    );
    assert!(!ok && out.contains("common"), "{out}");
    let (ok, out) = critboard(
        d,
        &["admin", "make-admin", "--email", "root@example.com"],
        None,
    );
    assert!(ok, "{out}");
    let (ok, out) = critboard(
        d,
        &[
            "admin",
            "reset-password",
            "--email",
            "root@example.com",
            "--password",
            "second-long-phrase",
        ],
        None,
    );
    assert!(ok, "{out}");
    let (ok, out) = critboard(
        d,
        &["admin", "make-admin", "--email", "ghost@example.com"],
        None,
    );
    assert!(!ok && out.contains("no account"), "{out}");

    // The server started on the same data folder sees all of it.
    let keep = d.to_owned();
    let app = spawn_app_with(Backend::Sqlite, move |c| c.data_dir = keep)
        .await
        .unwrap();
    let browser = app.anon();
    browser
        .post(
            "/api/v1/auth/login",
            json!({"email": "root@example.com", "password": "first-long-phrase"}),
        )
        .await
        .expect(401);
    let me = browser
        .post(
            "/api/v1/auth/login",
            json!({"email": "root@example.com", "password": "second-long-phrase"}),
        )
        .await
        .expect(200);
    assert_eq!(me.body["user"]["is_admin"], true);
}

#[test]
fn help_documents_every_setting_with_its_environment_variable() {
    let out = Command::new(env!("CARGO_BIN_EXE_critboard"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "CRITBOARD_LISTEN",
        "CRITBOARD_DATA_DIR",
        "CRITBOARD_DATABASE_URL",
        "CRITBOARD_PUBLIC_URL",
    ] {
        assert!(help.contains(var), "--help lacks {var}:\n{help}");
    }
}

/// `critboard openapi` prints exactly the served document, without a
/// database or a port (the web app's build generates its types from it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_command_prints_the_served_document() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (ok, printed) = critboard(dir.path(), &["openapi"], None);
    assert!(ok, "{printed}");
    let printed: serde_json::Value = serde_json::from_str(&printed).unwrap();
    let served = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(printed, served);
    assert!(printed["paths"]["/api/v1/boards/{id}/stream"].is_object());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing was created in the data folder"
    );
}

/// `critboard admin send-digests` queues pending notification e-mail now,
/// whatever the rhythm; the running server sends it, linking to its pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_digests_mails_pending_news_now() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    app.store
        .set_email_verified(bob.id.parse().unwrap())
        .await
        .unwrap();
    let (_, v) = crate::discussion::picture(&app, &ada, &[(&bob, "commenter")]).await;
    crate::discussion::pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "Bigger logo")
        .await
        .expect(201);
    // The command names no address: the server's own links are used.
    let (ok, out) = critboard(&app.dir, &["admin", "send-digests"], None);
    assert!(ok, "{out}");
    assert!(out.contains("Digests queued"), "{out}");
    let started = std::time::Instant::now();
    let digest = loop {
        let found = std::fs::read_dir(app.dir.join("outbox"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|f| f.path().extension().is_some_and(|e| e == "eml"))
            .map(|f| std::fs::read_to_string(f.path()).unwrap_or_default())
            .find(|m| m.contains("List-Unsubscribe") && m.contains(&bob.email));
        if let Some(m) = found {
            break m;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "the server did not send the digest"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(digest.contains("Bigger logo"));
    assert!(
        digest.contains(&format!("{}/a/", app.base)),
        "links to the app's pages"
    );
}

/// `migrate --status` lists what is applied and pending, changing nothing.
#[test]
fn migrate_status_lists_applied_and_pending_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, before) = critboard(d, &["migrate", "--status"], None);
    assert!(ok, "{before}");
    assert!(before.contains("pending  m0001_foundation"), "{before}");
    assert!(
        !before.contains("applied  "),
        "nothing applied yet: {before}"
    );
    assert!(before.contains("\n0 applied, "), "{before}");
    let (ok, again) = critboard(d, &["migrate", "--status"], None);
    assert!(ok && again == before, "status changes nothing");
    let (ok, out) = critboard(d, &["migrate"], None);
    assert!(ok, "{out}");
    let (ok, after) = critboard(d, &["migrate", "--status"], None);
    assert!(ok, "{after}");
    assert!(after.contains("applied  m0001_foundation"), "{after}");
    assert!(after.contains("applied  m0016_drawings"), "{after}");
    assert!(after.trim_end().ends_with(", 0 pending"), "{after}");
}

/// The repository's Procfile under a real Procfile runner (honcho, from
/// PyPI, installed by `make test`): the release step migrates a fresh
/// PostgreSQL database, then the web process serves on the port it is
/// given through `PORT` and `DATABASE_URL` alone, and stops on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_procfile_runs_under_honcho_against_postgres() {
    let required = std::env::var("CRITBOARD_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1");
    let honcho = Command::new("python3")
        .args(["-m", "honcho", "--version"])
        .output();
    if !honcho.is_ok_and(|o| o.status.success()) {
        assert!(!required, "honcho is required: make test installs it");
        eprintln!("SKIPPED: honcho is not installed (python3 -m pip install honcho)");
        return;
    }
    let admin = Backend::Postgres.admin_url().unwrap();
    let (url, name) = match crate::helpers::fresh_database(&admin).await {
        Ok(found) => found,
        Err(reason) => {
            assert!(!required, "PostgreSQL is required: {reason}");
            eprintln!("SKIPPED: {reason}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_critboard"), bin.join("critboard")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let procfile = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Procfile");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let honcho = |args: &[&str]| {
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "honcho", "-f"])
            .arg(&procfile)
            .args(["-d"])
            .arg(dir.path())
            .args(args)
            .env("PATH", &path)
            .env("DATABASE_URL", &url)
            .env("CRITBOARD_AUTO_MIGRATE", "false")
            .env("CRITBOARD_DATA_DIR", dir.path().join("data"))
            .env("CRITBOARD_LOG", "warn")
            .env_remove("CRITBOARD_LISTEN")
            .env_remove("CRITBOARD_DATABASE_URL");
        cmd
    };
    let release = honcho(&["start", "release"]).output().unwrap();
    let said = String::from_utf8_lossy(&release.stdout);
    assert!(
        release.status.success() && said.contains("Database is up to date"),
        "{said}"
    );

    let mut web = honcho(&["start", "-p", &port.to_string(), "web"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    let ready = loop {
        match client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            Ok(r) => break r,
            Err(_) if started.elapsed() < std::time::Duration::from_secs(20) => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
            Err(e) => {
                let _ = web.kill();
                panic!("the web process never listened on {port}: {e}");
            }
        }
    };
    assert_eq!(ready.status().as_u16(), 200);
    let signup = client
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/signup"))
        .json(&json!({"email": "heroku@example.com", "display_name": "Dyno", "password": "violet-otter-42-lamp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        signup.status().as_u16(),
        201,
        "the release step migrated it"
    );
    Command::new("kill")
        .args(["-TERM", &web.id().to_string()])
        .status()
        .unwrap();
    let out = tokio::task::block_in_place(|| web.wait_with_output()).unwrap();
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.contains(&format!("0.0.0.0:{port}")),
        "listens on all interfaces: {log}"
    );
    let pool = critboard_store::PoolOptions::default();
    if let Ok(db) = critboard_store::Store::connect(&admin, &pool, None).await {
        let _ = db
            .execute(
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                vec![],
            )
            .await;
    }
}

/// An admin's password reset ends every session and API token of the
/// account at once, on a running server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reset_ends_sessions_and_tokens_at_once() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let script = ada.script().await;
    let (ok, out) = tokio::task::block_in_place(|| {
        critboard(
            &app.dir,
            &[
                "admin",
                "reset-password",
                "--email",
                &ada.email,
                "--password",
                "an-admin-chosen-phrase",
            ],
            None,
        )
    });
    assert!(ok, "{out}");
    ada.get("/api/v1/me").await.expect(401);
    script.get("/api/v1/me").await.expect(401);
}
