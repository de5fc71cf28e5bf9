//! The inbox: who is notified of what, mentions through mutes, read marks,
//! settings.

use crate::backend_tests;
use crate::discussion::{picture, pin};
use crate::helpers::{TestApp, TestUser};
use serde_json::json;

async fn inbox(user: &TestUser, query: &str) -> crate::helpers::Answer {
    user.get(&format!("/api/v1/notifications{query}"))
        .await
        .expect(200)
}

async fn everyone_on_the_board_but_the_actor_is_notified(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let cy = app.user("Cy").await;
    let outsider = app.user("Out").await;
    let (b, v) = picture(&app, &ada, &[(&bob, "commenter"), (&cy, "viewer")]).await;
    let before = inbox(&bob, "").await.body["unread_count"].as_i64().unwrap();
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "Hello team")
        .await
        .expect(201);
    let bobs = inbox(&bob, "").await;
    assert_eq!(bobs.body["unread_count"].as_i64().unwrap(), before + 1);
    let first = &bobs.body["items"][0];
    assert_eq!(first["event"]["event"]["kind"], "thread.opened");
    assert_eq!(first["event"]["actor_name"], "Ada");
    assert_eq!(first["board_id"], b.as_str());
    assert_eq!(first["board_name"], "Site");
    assert_eq!(first["mention"], false);
    assert!(first["read_at"].is_null());
    assert_eq!(first["event"]["event"]["thread_id"], t.body["id"]);
    // The viewer hears too; the actor does not; outsiders never.
    assert_eq!(inbox(&cy, "").await.item_texts("id")[0], first["id"]);
    let adas = inbox(&ada, "").await;
    assert!(!adas
        .item_texts("id")
        .contains(&first["id"].as_str().unwrap().to_owned()));
    assert_eq!(inbox(&outsider, "").await.body["unread_count"], 0);

    // Reading one, then everything.
    let id = first["id"].as_str().unwrap();
    let after = bob
        .post("/api/v1/notifications/read", json!({"ids": [id]}))
        .await
        .expect(200);
    assert_eq!(after.body["unread_count"].as_i64().unwrap(), before);
    assert!(inbox(&bob, "").await.body["items"][0]["read_at"].is_string());
    assert!(inbox(&bob, "?unread=true")
        .await
        .item_texts("id")
        .iter()
        .all(|x| x != id));
    bob.post("/api/v1/notifications/read", json!({"all": true}))
        .await
        .expect(200);
    assert_eq!(inbox(&bob, "").await.body["unread_count"], 0);
    for bad in [
        json!({}),
        json!({"all": true, "ids": [id]}),
        json!({"ids": ["nope"]}),
    ] {
        let status = bob
            .post("/api/v1/notifications/read", bad)
            .await
            .status
            .as_u16();
        assert!(status == 422 || status == 400, "{status}");
    }
    app.anon().get("/api/v1/notifications").await.expect(401);
}

async fn muted_boards_stay_quiet_except_for_mentions(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let outsider = app.user("Out").await;
    let (b, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    bob.send(
        reqwest::Method::PUT,
        &format!("/api/v1/boards/{b}/mute"),
        None,
    )
    .await
    .expect(204);
    outsider
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/boards/{b}/mute"),
            None,
        )
        .await
        .expect(404);
    let settings = bob
        .get("/api/v1/me/notification-settings")
        .await
        .expect(200);
    assert_eq!(settings.body["muted_boards"], json!([b]));
    let n = inbox(&bob, "").await.body["unread_count"].as_i64().unwrap();
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "quiet one")
        .await
        .expect(201);
    assert_eq!(
        inbox(&bob, "").await.body["unread_count"].as_i64().unwrap(),
        n
    );
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "@Bob please look")
        .await
        .expect(201);
    let got = inbox(&bob, "?unread=true").await;
    assert_eq!(got.body["unread_count"].as_i64().unwrap(), n + 1);
    assert_eq!(got.body["items"][0]["mention"], true);
    bob.delete(&format!("/api/v1/boards/{b}/mute"))
        .await
        .expect(204);
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "loud again")
        .await
        .expect(201);
    assert_eq!(
        inbox(&bob, "").await.body["unread_count"].as_i64().unwrap(),
        n + 2
    );
    // Marking a board read.
    bob.post("/api/v1/notifications/read", json!({"board_id": b}))
        .await
        .expect(200);
    assert_eq!(inbox(&bob, "").await.body["unread_count"], 0);
}

async fn settings_choose_the_email_rhythm(app: TestApp) {
    let ada = app.user("Ada").await;
    let other = app.user("Other").await;
    let (b, _) = picture(&app, &ada, &[]).await;
    let (theirs, _) = picture(&app, &other, &[]).await;
    let s = ada
        .get("/api/v1/me/notification-settings")
        .await
        .expect(200);
    assert_eq!(
        s.body,
        json!({"email": "hourly", "muted_boards": [], "muted": []})
    );
    let put = |body: serde_json::Value| {
        ada.send(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(body),
        )
    };
    let s = put(json!({"email": "daily", "muted_boards": [b]}))
        .await
        .expect(200);
    let name = ada.get(&format!("/api/v1/boards/{b}")).await.body["name"].clone();
    assert_eq!(
        s.body,
        json!({"email": "daily", "muted_boards": [b], "muted": [{"id": b, "name": name}]})
    );
    assert_eq!(
        ada.get("/api/v1/me").await.body["notification_frequency"],
        "daily"
    );
    put(json!({"email": "weekly"})).await.expect(422);
    put(json!({"muted_boards": [theirs]})).await.expect(422);
    let s = put(json!({"muted_boards": []})).await.expect(200);
    assert_eq!(
        s.body,
        json!({"email": "daily", "muted_boards": [], "muted": []})
    );
}

async fn mutes_of_boards_you_lost_drop_out_of_your_settings(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (b, _) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    bob.send(
        reqwest::Method::PUT,
        &format!("/api/v1/boards/{b}/mute"),
        None,
    )
    .await
    .expect(204);
    ada.delete(&format!("/api/v1/boards/{b}/members/{}", bob.id))
        .await
        .expect(204);
    let s = bob
        .get("/api/v1/me/notification-settings")
        .await
        .expect(200);
    assert_eq!(s.body["muted_boards"], json!([]));
    assert_eq!(s.body["muted"], json!([]));
    // What the settings show can be sent back as it is.
    bob.send(
        reqwest::Method::PUT,
        "/api/v1/me/notification-settings",
        Some(json!({"email": "daily", "muted_boards": s.body["muted_boards"]})),
    )
    .await
    .expect(200);
}

async fn inbox_runs_constant_queries(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (_, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "one")
        .await
        .expect(201);
    let few = inbox(&bob, "").await.queries();
    for i in 0..12 {
        pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), &format!("n{i}"))
            .await
            .expect(201);
    }
    let many = inbox(&bob, "").await;
    assert!(many.body["items"].as_array().unwrap().len() >= 13);
    assert_eq!(many.queries(), few);
}

backend_tests!(
    everyone_on_the_board_but_the_actor_is_notified,
    muted_boards_stay_quiet_except_for_mentions,
    settings_choose_the_email_rhythm,
    mutes_of_boards_you_lost_drop_out_of_your_settings,
    inbox_runs_constant_queries,
);
