//! The review record: a board (or one asset) exported as a PDF or CSV by a
//! job, followed live by whoever asked, downloaded through a signed link
//! that only they get.

use crate::backend_tests;
use crate::discussion::{picture, pin};
use crate::helpers::{TestApp, TestUser};
use crate::live::Stream;
use crate::sharing::{guest, link};
use serde_json::{json, Value};

/// Waits for the export's last `export.progress` on `stream`.
async fn finished(stream: &mut Stream, id: &str) -> Value {
    loop {
        let m = stream.event().await;
        let e = &m.data["event"];
        if e["kind"] == "export.progress" && e["export_id"] == id && e["state"] != "working" {
            return e.clone();
        }
    }
}

async fn download(user: &TestUser, id: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let x = user
        .get(&format!("/api/v1/exports/{id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(x["state"], "ready", "{x}");
    let got = reqwest::get(x["download_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let headers = got.headers().clone();
    (headers, got.bytes().await.unwrap().to_vec())
}

async fn a_board_is_exported_as_a_pdf_and_a_csv(app: TestApp) {
    let olga = app.user("Olga").await;
    let bob = app.user("Bob").await;
    let eve = app.user("Eve").await;
    let (b, v) = picture(&app, &olga, &[(&bob, "commenter")]).await;
    pin(&bob, &v, json!({"x": 0.3, "y": 0.4}), "Headline too small")
        .await
        .expect(201);
    pin(
        &olga,
        &v,
        json!({"x": 0.5, "y": 0.1, "w": 0.2, "h": 0.2}),
        "=1+1 stays text",
    )
    .await
    .expect(201);
    olga.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{v}/review"),
        Some(json!({"status": "approved"})),
    )
    .await
    .expect(200);
    let shared = link(&olga, &b, json!({"role": "commenter", "label": "For Cleo"})).await;
    guest(&app, &shared, "Cleo").await;
    let mut stream = Stream::open(&olga, &b, None).await;

    let started = olga
        .post(
            &format!("/api/v1/boards/{b}/exports"),
            json!({"format": "pdf"}),
        )
        .await
        .expect(202)
        .body;
    assert_eq!(started["state"], "queued");
    assert_eq!(started["file_name"], "site-review-record.pdf");
    assert!(started["download_url"].is_null());
    let id = started["id"].as_str().unwrap().to_owned();
    let last = finished(&mut stream, &id).await;
    assert_eq!(last["state"], "ready", "{last}");
    assert_eq!(
        (last["done"].as_i64(), last["total"].as_i64()),
        (Some(1), Some(1))
    );

    let (h, pdf) = download(&olga, &id).await;
    assert_eq!(h["content-type"], "application/pdf");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"site-review-record.pdf\""));
    assert_eq!(h["x-content-type-options"], "nosniff");
    let doc = hayro::hayro_syntax::Pdf::new(pdf).expect("a PDF that reads back");
    // The cover, then the picture with its two threads.
    assert_eq!(doc.pages().len(), 2);

    // Only whoever asked sees it; outsiders do not see the board at all.
    bob.get(&format!("/api/v1/exports/{id}")).await.expect(404);
    eve.get(&format!("/api/v1/exports/{id}")).await.expect(404);
    eve.post(
        &format!("/api/v1/boards/{b}/exports"),
        json!({"format": "pdf"}),
    )
    .await
    .expect(404);

    // One asset as CSV, asked for by a commenter.
    let asset = olga
        .get(&format!("/api/v1/versions/{v}"))
        .await
        .expect(200)
        .body["asset_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = bob
        .post(
            &format!("/api/v1/boards/{b}/exports"),
            json!({"format": "csv", "asset_id": asset}),
        )
        .await
        .expect(202)
        .body;
    let id = started["id"].as_str().unwrap().to_owned();
    assert_eq!(started["file_name"], "site-home-review-record.csv");
    app.jobs_settled().await;
    let (h, csv) = download(&bob, &id).await;
    assert_eq!(h["content-type"], "text/csv");
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("row,asset,version,page,thread,"),
        "{csv}"
    );
    assert!(
        rows.iter().any(
            |r| r.starts_with("comment,Home,1,1,1,open,0.3000,0.4000,,,Bob,")
                && r.ends_with("Headline too small,")
        ),
        "{csv}"
    );
    assert!(
        csv.contains("'=1+1 stays text"),
        "a formula stays text: {csv}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("decision,Home,1,")
            && r.contains("Olga (owner)")
            && r.contains("Approved")),
        "{csv}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("share_link,")
            && r.contains("For Cleo")
            && r.contains("opened by: Cleo,")),
        "{csv}"
    );

    // Refused: an asset of another board, an unknown format.
    let (other, _) = picture(&app, &olga, &[]).await;
    olga.post(
        &format!("/api/v1/boards/{other}/exports"),
        json!({"format": "csv", "asset_id": asset}),
    )
    .await
    .expect(422);
    olga.post(
        &format!("/api/v1/boards/{b}/exports"),
        json!({"format": "docx"}),
    )
    .await
    .expect(422);
}

async fn a_guest_exports_what_their_link_shows(app: TestApp) {
    let olga = app.user("Olga").await;
    let (b, v) = picture(&app, &olga, &[]).await;
    pin(&olga, &v, json!({"x": 0.5, "y": 0.5}), "Check the logo")
        .await
        .expect(201);
    let shared = link(&olga, &b, json!({"role": "viewer"})).await;
    let cleo = guest(&app, &shared, "Cleo").await;
    let started = cleo
        .post(
            &format!("/api/v1/boards/{b}/exports"),
            json!({"format": "csv"}),
        )
        .await
        .expect(202)
        .body;
    let id = started["id"].as_str().unwrap().to_owned();
    app.jobs_settled().await;
    let (_, csv) = download(&cleo, &id).await;
    assert!(String::from_utf8(csv).unwrap().contains("Check the logo"));
    // The board's owner does not get the guest's export.
    olga.get(&format!("/api/v1/exports/{id}")).await.expect(404);
}

backend_tests!(
    a_board_is_exported_as_a_pdf_and_a_csv,
    a_guest_exports_what_their_link_shows,
);
