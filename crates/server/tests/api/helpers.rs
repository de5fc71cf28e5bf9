//! The test harness: every test gets the real server on a random port with
//! a fresh database of its own, on SQLite always and on PostgreSQL and
//! MariaDB when they are reachable (see docs/adr/004-test-harness.md).

use clap::Parser;
use critboard_server::app::Application;
use critboard_server::cli::Cli;
use critboard_server::config::Config;
use critboard_store::{PoolOptions, Store};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::TempDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    Mysql,
}

impl Backend {
    pub fn admin_url(self) -> Option<String> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some(
                std::env::var("CRITBOARD_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
            ),
            Backend::Mysql => Some(
                std::env::var("CRITBOARD_TEST_MYSQL_URL")
                    .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into()),
            ),
        }
    }
}

/// Generates one test per backend for each listed `async fn(TestApp)`:
/// `name::sqlite`, `name::postgres`, `name::mysql`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            use $crate::helpers::{spawn_app, Backend};
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { if let Some(app) = spawn_app(Backend::Sqlite).await { super::$name(app).await } }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { if let Some(app) = spawn_app(Backend::Postgres).await { super::$name(app).await } }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() { if let Some(app) = spawn_app(Backend::Mysql).await { super::$name(app).await } }
        }
    )* };
}

/// Like `backend_tests!`, for tests that build their own app from a
/// `Backend` (to change the configuration first).
#[macro_export]
macro_rules! backend_tests_with_config {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            use $crate::helpers::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::$name(Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { super::$name(Backend::Postgres).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() { super::$name(Backend::Mysql).await }
        }
    )* };
}

pub struct TestApp {
    pub base: String,
    /// The server's state, for tests that run its jobs by hand.
    pub state: critboard_server::state::AppState,
    /// The data folder (files under `objects/`).
    pub dir: std::path::PathBuf,
    /// The database of a PostgreSQL/MySQL test (SQLite's is in `dir`).
    pub database_url: Option<String>,
    pub store: Store,
    pub backend: Backend,
    users: AtomicUsize,
    cleanup: Option<(String, String)>,
    _dir: TempDir,
}

/// The configuration every test starts from: a fresh data folder, port 0,
/// query counts exposed, throttling loose enough for hundreds of sign-ups.
pub fn test_config(dir: &TempDir) -> Config {
    let mut config = Cli::parse_from(["critboard"]).config;
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.data_dir = dir.path().to_owned();
    config.database_url = None;
    config.public_url = None;
    config.db_max_connections = 5;
    config.auth_rate_limit = 10_000;
    config.query_count_header = true;
    config.log = "warn".into();
    // The harness is not Critboard: PDFs go to the real binary's worker.
    config.pdf_worker_exe = Some(env!("CARGO_BIN_EXE_critboard").into());
    config
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the server with a configuration adjusted by `tweak`. `None` when
/// the backend is not reachable (printed, and a failure when
/// CRITBOARD_TEST_REQUIRE_BACKENDS=1, as in CI).
pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    spawn_app_until(backend, tweak, std::future::pending())
        .await
        .map(|(app, _)| app)
}

/// Like [`spawn_app_with`], with a server that stops when `shutdown`
/// completes; the handle ends once it has stopped.
pub async fn spawn_app_until(
    backend: Backend,
    tweak: impl FnOnce(&mut Config),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Option<(TestApp, tokio::task::JoinHandle<anyhow::Result<()>>)> {
    spawn_app_routes(backend, tweak, shutdown, axum::Router::new()).await
}

/// Like [`spawn_app_until`], serving `routes` as well (behind the same
/// middleware as the real ones).
pub async fn spawn_app_routes(
    backend: Backend,
    tweak: impl FnOnce(&mut Config),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    routes: axum::Router<critboard_server::state::AppState>,
) -> Option<(TestApp, tokio::task::JoinHandle<anyhow::Result<()>>)> {
    // Server errors are printed with the failing test's output.
    critboard_server::telemetry::init_logging(critboard_server::config::LogFormat::Pretty, "error");
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir);
    let mut cleanup = None;
    if let Some(admin_url) = backend.admin_url() {
        let (url, db_name) = match fresh_database(&admin_url).await {
            Ok(found) => found,
            Err(reason) => {
                if std::env::var("CRITBOARD_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") {
                    panic!("{backend:?} is required but unreachable: {reason}");
                }
                eprintln!("SKIPPED on {backend:?}: {reason}");
                return None;
            }
        };
        config.database_url = Some(url);
        cleanup = Some((admin_url, db_name));
    }
    tweak(&mut config);
    let app = Application::build(config)
        .await
        .expect("server builds")
        .with_routes(routes);
    let base = format!("http://{}", app.local_addr());
    let data_dir = app.state().config.data_dir.clone();
    let database_url = app.state().config.database_url.clone();
    let store = app.state().store.clone();
    let state = app.state();
    let running = tokio::spawn(app.run_until(shutdown));
    let app = TestApp {
        base,
        state,
        dir: data_dir,
        database_url,
        store,
        backend,
        users: AtomicUsize::new(0),
        cleanup,
        _dir: dir,
    };
    Some((app, running))
}

/// Creates an empty database for one test next to the admin URL's one.
pub async fn fresh_database(admin_url: &str) -> Result<(String, String), String> {
    let pool = PoolOptions {
        max_connections: 1,
        acquire_timeout: std::time::Duration::from_secs(3),
    };
    let admin = Store::connect(admin_url, &pool, None)
        .await
        .map_err(|e| format!("cannot connect to {admin_url}: {e}"))?;
    let name = format!("critboard_t_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(&format!("CREATE DATABASE {name}"), vec![])
        .await
        .map_err(|e| format!("cannot create a test database: {e}"))?;
    let _ = admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    Ok((format!("{base}/{name}"), name))
}

impl Drop for TestApp {
    /// Drops the test's database; a separate thread because Drop cannot
    /// await and the test's runtime is shutting down.
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.cleanup.take() else {
            return;
        };
        let postgres = self.backend == Backend::Postgres;
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(admin) = Store::connect(&admin_url, &PoolOptions::default(), None).await {
                    let sql = if postgres {
                        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    } else {
                        format!("DROP DATABASE IF EXISTS {name}")
                    };
                    let _ = admin.execute(&sql, vec![]).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The number of SQL statements the request ran.
    pub fn queries(&self) -> u32 {
        self.headers["x-query-count"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// The `field` of every item of a list answer, as text.
    pub fn item_texts(&self, field: &str) -> Vec<String> {
        self.body["items"]
            .as_array()
            .expect("a list answer")
            .iter()
            .map(|i| i[field].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The `kind` of every event people caused in a list of events (the
    /// activity feed), leaving out Critboard's own (thumbnails being ready
    /// come whenever the job runs).
    pub fn event_kinds(&self) -> Vec<String> {
        self.body["items"]
            .as_array()
            .expect("a list answer")
            .iter()
            .filter(|i| !(i["actor_id"].is_null() && i["actor_name"] == "Critboard"))
            .map(|i| i["event"]["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Every `Set-Cookie` header.
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    pub fn problem_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {:#?}",
            self.body
        );
        self
    }
}

/// A client with its own cookie jar: one browser.
pub struct TestUser {
    pub client: reqwest::Client,
    pub base: String,
    pub id: String,
    pub email: String,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub const PASSWORD: &str = "violet-otter-42-lamp";

impl TestApp {
    /// Waits (20 s at most) until no job is due or running: whatever was
    /// asked of the workers is done, so a test can check that nothing more
    /// happened (no second e-mail) without sleeping.
    pub async fn jobs_settled(&self) {
        use critboard_store::entities::job;
        use critboard_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let started = std::time::Instant::now();
        loop {
            let busy = job::Entity::find()
                .filter(job::Column::DoneAt.is_null())
                .filter(job::Column::RunAt.lte(self.store.now()))
                .count(self.store.conn())
                .await
                .unwrap();
            if busy == 0 {
                return;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "{busy} jobs still due after 20 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// A browser that has not signed in.
    pub fn anon(&self) -> TestUser {
        TestUser {
            client: browser(),
            base: self.base.clone(),
            id: String::new(),
            email: String::new(),
            csrf: None,
            bearer: None,
        }
    }

    /// Signs up a new person and returns their signed-in browser.
    pub async fn user(&self, name: &str) -> TestUser {
        let n = self.users.fetch_add(1, Ordering::Relaxed);
        let email = format!("{}{n}@example.com", name.to_lowercase().replace(' ', ""));
        let mut u = self.anon();
        let a = u
            .post(
                "/api/v1/auth/signup",
                json!({"email": email, "display_name": name, "password": PASSWORD}),
            )
            .await
            .expect(201);
        u.csrf = Some(a.body["csrf_token"].as_str().unwrap().to_owned());
        u.id = a.body["user"]["id"].as_str().unwrap().to_owned();
        u.email = email;
        u
    }

    /// A workspace owned by `owner`, with `members` added as members.
    pub async fn workspace(&self, owner: &TestUser, members: &[&TestUser]) -> String {
        let ws = owner
            .post("/api/v1/workspaces", json!({"name": "Studio"}))
            .await
            .expect(201);
        let id = ws.body["id"].as_str().unwrap().to_owned();
        for m in members {
            owner
                .post(
                    &format!("/api/v1/workspaces/{id}/members"),
                    json!({"user_id": m.id, "role": "member"}),
                )
                .await
                .expect(201);
        }
        id
    }
}

impl TestUser {
    /// A script of this person's: a client with a new API token of theirs
    /// (and no cookies), checked to work.
    pub async fn script(&self) -> TestUser {
        let token = self
            .post("/api/v1/me/tokens", json!({"name": "CI"}))
            .await
            .expect(201)
            .body["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let script = TestUser {
            client: browser(),
            base: self.base.clone(),
            id: self.id.clone(),
            email: self.email.clone(),
            csrf: None,
            bearer: Some(token),
        };
        script.get("/api/v1/me").await.expect(200);
        script
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send_with(method, path, body, None).await
    }

    /// A POST with an `Idempotency-Key`.
    pub async fn post_with_key(&self, path: &str, body: Value, key: &str) -> Answer {
        self.send_with(Method::POST, path, Some(body), Some(key))
            .await
    }

    async fn send_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Answer {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        if let Some(csrf) = &self.csrf {
            req = req.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.bearer {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }
}
