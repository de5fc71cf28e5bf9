//! Upgrades and rollbacks: the newest migrations run over a database the
//! previous release filled, and only expand it, so that the previous binary
//! still finds every table and column it reads (docs/deploy.md "Upgrades
//! and rollback").

use crate::backend_tests;
use crate::helpers::TestApp;
use crate::uploads::{board, png, upload, wait_ready};
use critboard_store::sea_orm::{ConnectionTrait, DatabaseBackend};
use critboard_store::sea_orm_migration::MigratorTrait;
use critboard_store::Migrator;
use serde_json::json;
use std::collections::BTreeSet;

/// Migrations of the last release (0.1.0 shipped m0001 to m0016); raise it
/// when a release ships, so the test always covers the release to come.
const PREVIOUS_RELEASE: usize = 16;

/// Every (table, column) of the database, migrations' own table aside.
async fn columns(app: &TestApp) -> BTreeSet<(String, String)> {
    let sql = match app.store.backend() {
        DatabaseBackend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
        }
        DatabaseBackend::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c \
             FROM information_schema.columns WHERE table_schema = 'public'"
        }
        DatabaseBackend::MySql => {
            "SELECT table_name AS t, column_name AS c \
             FROM information_schema.columns WHERE table_schema = DATABASE()"
        }
    };
    let rows = app
        .store
        .conn()
        .query_all(app.store.stmt(sql, vec![]))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get::<String>("", "t").unwrap(),
                r.try_get::<String>("", "c").unwrap(),
            )
        })
        .filter(|(t, _)| t != "seaql_migrations" && !t.starts_with("sqlite_"))
        .collect()
}

async fn the_previous_releases_data_survives_the_new_migrations(app: TestApp) {
    let total = Migrator::migrations().len();
    assert!(
        total >= PREVIOUS_RELEASE,
        "the previous release cannot have had more migrations"
    );
    // A board as people used it: a picture, a pin with a reply,
    // an approval.
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let asset = upload(&ada, &b, "Home.png", &png(300, 200)).await;
    let asset_id = asset["id"].as_str().unwrap().to_owned();
    let ready = wait_ready(&ada, &asset_id).await;
    let version = ready["current_version"]["id"].as_str().unwrap().to_owned();
    let thread = crate::discussion::pin(
        &ada,
        &version,
        json!({"x": 0.3, "y": 0.6}),
        "Logo too small",
    )
    .await
    .expect(201);
    let thread = thread.body["id"].as_str().unwrap().to_owned();
    ada.post(
        &format!("/api/v1/threads/{thread}/comments"),
        json!({"body": "Bigger now"}),
    )
    .await
    .expect(201);
    ada.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{version}/review"),
        Some(json!({"status": "approved"})),
    )
    .await
    .expect(200);

    // Back to the previous release's schema, as it left the database …
    let latest = columns(&app).await;
    Migrator::down(app.store.conn(), Some((total - PREVIOUS_RELEASE) as u32))
        .await
        .unwrap();
    let previous = columns(&app).await;
    // … then this release's migrations over it.
    app.store.migrate().await.unwrap();
    let upgraded = columns(&app).await;
    assert_eq!(upgraded, latest);
    let dropped: Vec<_> = previous.difference(&upgraded).collect();
    assert!(
        dropped.is_empty(),
        "the previous binary reads these, so they must stay: {dropped:?}"
    );

    // Everything reads back.
    let a = ada
        .get(&format!("/api/v1/assets/{asset_id}"))
        .await
        .expect(200);
    assert_eq!(a.body["current_version"]["review_status"], "approved");
    let t = ada
        .get(&format!("/api/v1/threads/{thread}"))
        .await
        .expect(200);
    let bodies: Vec<&str> = t.body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Logo too small", "Bigger now"]);
    let boards = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(boards.body["name"], "Site");
}

backend_tests!(the_previous_releases_data_survives_the_new_migrations);
