//! What changed between two versions: worked out once by a job (202, then
//! 200 with the regions), told live, kept, checked on every input, and
//! deleted with the asset.

use crate::backend_tests;
use crate::helpers::{TestApp, TestUser};
use crate::live::Stream;
use crate::uploads::{board, complete, objects, send, upload, wait_ready};
use critboard_store::entities::job;
use critboard_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::io::Cursor;

/// A page whose every row differs (as text and pictures make real pages),
/// with a section of `band` rows inserted at `at` and a box recoloured.
fn page(
    w: u32,
    h: u32,
    band: Option<(u32, u32)>,
    recolour: Option<(u32, u32, u32, u32)>,
) -> Vec<u8> {
    let (at, rows) = band.unwrap_or((h, 0));
    let img = image::RgbImage::from_fn(w, h + rows, |x, y| {
        if let Some((x0, y0, x1, y1)) = recolour {
            if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                return image::Rgb([250, 30, 30]);
            }
        }
        if (at..at + rows).contains(&y) {
            return image::Rgb([20, 120, (y % 200) as u8]);
        }
        let y = if y >= at + rows { y - rows } else { y };
        image::Rgb([(x ^ y) as u8, (y >> 8) as u8, y as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn version_of(user: &TestUser, board: &str, asset: &str, bytes: &[u8]) -> String {
    let up = send(user, board, "home.png", "image/png", bytes, Some(asset)).await;
    complete(user, &up).await.expect(201);
    wait_ready(user, asset).await["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn change_jobs(app: &TestApp) -> u64 {
    job::Entity::find()
        .filter(job::Column::Kind.eq("changes"))
        .count(app.store.conn())
        .await
        .unwrap()
}

fn between(v: &Value, lo: f64, hi: f64) -> bool {
    v.as_f64().is_some_and(|f| f >= lo && f <= hi)
}

async fn what_changed_is_worked_out_once_and_kept(app: TestApp) {
    let olga = app.user("Olga").await;
    let b = board(&app, &olga, &[]).await;
    let (w, h) = (400, 600);
    let asset = upload(&olga, &b, "home.png", &page(w, h, None, None)).await;
    let asset = asset["id"].as_str().unwrap().to_owned();
    let v1 = wait_ready(&olga, &asset).await["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut stream = Stream::open(&olga, &b, None).await;
    // Version 2: 80 rows inserted at 300, and a box recoloured above them.
    let v2 = version_of(
        &olga,
        &b,
        &asset,
        &page(w, h, Some((300, 80)), Some((40, 100, 120, 140))),
    )
    .await;
    // Worked out as soon as version 2 is ready, before anyone asks.
    let news = loop {
        let m = stream.event().await;
        if m.data["event"]["kind"] == "changes.ready" {
            break m;
        }
    };
    assert_eq!(news.data["event"]["version_id"], v2.as_str());
    assert_eq!(news.data["event"]["against"], v1.as_str());

    let url = format!("/api/v1/versions/{v2}/changes");
    let ready = olga.get(&url).await.expect(200).body;
    assert_eq!(ready["state"], "ready", "{ready}");
    assert_eq!(
        ready["against_id"],
        v1.as_str(),
        "the one before by default"
    );
    assert_eq!(
        (ready["width"].as_i64(), ready["height"].as_i64()),
        (Some(400), Some(680))
    );
    let regions = ready["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2, "{ready}");
    // The box, in fractions of the new version (x 40–120 of 400, y
    // 100–140 of 680), within a cell or two.
    let boxed = &regions[0];
    assert_eq!(boxed["kind"], "changed");
    assert!(
        between(&boxed["x"], 0.07, 0.1) && between(&boxed["y"], 0.12, 0.15),
        "{boxed}"
    );
    assert!(
        between(&boxed["w"], 0.2, 0.25) && between(&boxed["h"], 0.058, 0.09),
        "{boxed}"
    );
    // The inserted section, and nothing below it.
    let inserted = &regions[1];
    assert_eq!(inserted["kind"], "inserted");
    assert!(
        between(&inserted["y"], 0.42, 0.45) && between(&inserted["h"], 0.117, 0.15),
        "{inserted}"
    );
    assert!(ready["removed"].as_array().unwrap().is_empty());
    assert!(between(&ready["changed_percent"], 11.0, 16.0), "{ready}");

    // The difference picture: the new version's size, served safely.
    let picture = reqwest::get(ready["picture_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(picture.status(), 200);
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert_eq!(picture.headers()["x-content-type-options"], "nosniff");
    let shown = image::load_from_memory(&picture.bytes().await.unwrap()).unwrap();
    assert_eq!((shown.width(), shown.height()), (400, 680));

    // The board's card says how much changed.
    let card = olga
        .get(&format!("/api/v1/assets/{asset}"))
        .await
        .expect(200)
        .body;
    assert_eq!(
        card["current_version"]["changed_percent"],
        ready["changed_percent"]
    );
    assert!(card["versions"][1]["changed_percent"].is_null(), "{card}");

    // Kept: asked again, answered from the row, no job.
    let again = olga
        .get(&format!("{url}?against={v1}&page=1"))
        .await
        .expect(200)
        .body;
    assert_eq!(again["regions"], ready["regions"]);
    app.jobs_settled().await;
    assert_eq!(change_jobs(&app).await, 1);

    // Deleting the asset takes the difference picture with it.
    let key = objects(&app)
        .into_iter()
        .find(|k| k.starts_with("d/"))
        .expect("the difference picture is stored");
    olga.delete(&format!("/api/v1/assets/{asset}"))
        .await
        .expect(204);
    app.jobs_settled().await;
    assert!(!objects(&app).contains(&key), "{key} is left behind");
}

async fn what_changed_refuses_what_cannot_be_compared(app: TestApp) {
    let olga = app.user("Olga").await;
    let eve = app.user("Eve").await;
    let b = board(&app, &olga, &[]).await;
    let first = upload(&olga, &b, "a.png", &page(100, 100, None, None)).await;
    let asset = first["id"].as_str().unwrap().to_owned();
    let v1 = wait_ready(&olga, &asset).await["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v2 = version_of(
        &olga,
        &b,
        &asset,
        &page(100, 100, None, Some((0, 0, 50, 50))),
    )
    .await;
    let other = upload(&olga, &b, "b.png", &page(100, 100, None, None)).await;
    let elsewhere = wait_ready(&olga, other["id"].as_str().unwrap()).await["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let url = format!("/api/v1/versions/{v2}/changes");
    for (query, field) in [
        (format!("?against={v2}"), "against"),
        (format!("?against={elsewhere}"), "against"),
        ("?page=2".to_owned(), "page"),
        ("?page=0".to_owned(), "page"),
    ] {
        let refused = olga.get(&format!("{url}{query}")).await.expect(422).body;
        assert_eq!(refused["errors"][0]["field"], field, "{query}: {refused}");
    }
    olga.get(&format!("/api/v1/versions/{v1}/changes"))
        .await
        .expect(422);
    olga.get(&format!("{url}?against=nonsense"))
        .await
        .expect(400);
    // Someone who cannot see the board learns nothing.
    eve.get(&url).await.expect(404);
    eve.get(&format!("/api/v1/versions/{v1}/changes?against={v2}"))
        .await
        .expect(404);
    // Refusals queue nothing: the one job is version 2's, queued when it
    // was ready.
    assert_eq!(change_jobs(&app).await, 1);
    // The other way round is asked for, not worked out ahead. Here version
    // 1's file has gone missing from storage: the pair is answered as
    // failed, with why, not "queued" for ever.
    let first = app
        .store
        .version(v1.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    std::fs::remove_file(app.dir.join("objects").join(&first.object_key)).unwrap();
    let url = format!("/api/v1/versions/{v1}/changes?against={v2}");
    let queued = olga.get(&url).await.expect(202).body;
    assert_eq!(queued["state"], "queued");
    assert_eq!(change_jobs(&app).await, 2);
    app.jobs_settled().await;
    let failed = olga.get(&url).await.expect(200).body;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert!(
        failed["failure"].as_str().unwrap().contains("not stored"),
        "{failed}"
    );
    assert_eq!(change_jobs(&app).await, 2);
}

backend_tests!(
    what_changed_is_worked_out_once_and_kept,
    what_changed_refuses_what_cannot_be_compared,
);
