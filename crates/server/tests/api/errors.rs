//! Bad input always gets a clear 4xx problem document, never a 500.

use crate::backend_tests;
use crate::helpers::TestApp;
use serde_json::json;

async fn raw(
    app: &TestApp,
    csrf: &str,
    cookie_client: &reqwest::Client,
    body: &'static str,
    ctype: Option<&str>,
) -> (u16, serde_json::Value, String) {
    let mut req = cookie_client
        .post(format!("{}/api/v1/workspaces", app.base))
        .header("x-csrf-token", csrf)
        .body(body);
    if let Some(t) = ctype {
        req = req.header("content-type", t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let ctype = res.headers()["content-type"].to_str().unwrap().to_owned();
    (status, res.json().await.unwrap(), ctype)
}

async fn unreadable_bodies_get_4xx_problems(app: TestApp) {
    let ada = app.user("Ada").await;
    let csrf = ada.csrf.clone().unwrap();
    let json_type = Some("application/json");
    let (s, body, ctype) = raw(&app, &csrf, &ada.client, "{\"name\": ", json_type).await;
    assert_eq!((s, ctype.as_str()), (400, "application/problem+json"));
    assert_eq!(body["type"], "urn:critboard:problem:bad-request");
    let (s, body, _) = raw(&app, &csrf, &ada.client, "{\"name\": 42}", json_type).await;
    assert_eq!(s, 422);
    assert_eq!(body["errors"][0]["field"], "name");
    let (s, body, _) = raw(&app, &csrf, &ada.client, "{}", json_type).await;
    assert_eq!(s, 422);
    assert_eq!(body["errors"][0]["field"], "name");
    let (s, _, _) = raw(&app, &csrf, &ada.client, "[1,2]", json_type).await;
    assert_eq!(s, 422);
    // serde would read a struct of optional fields from an array: refused.
    let (s, body, _) = raw(&app, &csrf, &ada.client, "[\"Studio\"]", json_type).await;
    assert_eq!(
        (s, body["errors"][0]["field"].as_str()),
        (422, Some("body")),
        "{body}"
    );
    let (s, body, _) = raw(&app, &csrf, &ada.client, "\"Studio\"", json_type).await;
    assert_eq!(s, 422, "{body}");
    let (s, body, _) = raw(&app, &csrf, &ada.client, "{\"name\": \"x\"}", None).await;
    assert_eq!(s, 415);
    assert_eq!(body["type"], "urn:critboard:problem:unsupported-media-type");
    let (s, _, _) = raw(
        &app,
        &csrf,
        &ada.client,
        "{\"name\": \"x\"}",
        Some("text/plain"),
    )
    .await;
    assert_eq!(s, 415);
}

async fn oversized_body_is_413(app: TestApp) {
    let ada = app.user("Ada").await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let a = ada
        .post("/api/v1/workspaces", json!({"name": huge}))
        .await
        .expect(413);
    assert_eq!(a.problem_type(), "urn:critboard:problem:payload-too-large");
}

async fn overlong_and_blank_strings_are_422(app: TestApp) {
    let ada = app.user("Ada").await;
    let a = ada
        .post("/api/v1/workspaces", json!({"name": "x".repeat(121)}))
        .await
        .expect(422);
    assert_eq!(a.body["errors"][0]["field"], "name");
    let ws = app.workspace(&ada, &[]).await;
    let a = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "ok", "description": "d".repeat(2001)}),
        )
        .await
        .expect(422);
    assert_eq!(a.body["errors"][0]["field"], "description");
    ada.post(
        &format!("/api/v1/workspaces/{ws}/boards"),
        json!({"name": "\u{0}bad"}),
    )
    .await
    .expect(422);
    let t = ada
        .post("/api/v1/me/tokens", json!({"name": "t".repeat(81)}))
        .await
        .expect(422);
    assert_eq!(t.body["errors"][0]["field"], "name");
}

/// `4.0` is the integer 4 in JSON: integer fields take it, other floats
/// stay refused.
async fn whole_floats_are_integers(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = crate::uploads::board(&app, &ada, &[]).await;
    let up = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "a.png", "content_type": "image/png", "size": 2048.0}),
        )
        .await
        .expect(201);
    assert_eq!(up.body["size"], 2048);
    let half = ada
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "a.png", "content_type": "image/png", "size": 2048.5}),
        )
        .await
        .expect(422);
    assert_eq!(half.body["errors"][0]["field"], "size");
}

async fn unknown_and_unparseable_ids_are_404(app: TestApp) {
    let ada = app.user("Ada").await;
    for path in [
        "/api/v1/boards/not-a-uuid".to_owned(),
        format!("/api/v1/boards/{}", uuid::Uuid::now_v7()),
        format!("/api/v1/workspaces/{}", uuid::Uuid::nil()),
        format!("/api/v1/folders/{}/boards", uuid::Uuid::nil()),
        "/api/v1/folders/123/grants".to_owned(),
    ] {
        let a = ada.get(&path).await.expect(404);
        assert_eq!(
            a.problem_type(),
            "urn:critboard:problem:not-found",
            "{path}"
        );
    }
    ada.delete(&format!("/api/v1/me/tokens/{}", uuid::Uuid::nil()))
        .await
        .expect(404);
}

async fn unknown_routes_and_methods_get_problems(app: TestApp) {
    let ada = app.user("Ada").await;
    let a = ada.get("/api/v1/nothing-here").await.expect(404);
    assert_eq!(a.problem_type(), "urn:critboard:problem:no-route");
    let a = ada
        .send(reqwest::Method::PUT, "/api/v1/me", None)
        .await
        .expect(405);
    assert_eq!(a.problem_type(), "urn:critboard:problem:method-not-allowed");
}

async fn bad_paging_parameters_are_4xx(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let base = format!("/api/v1/workspaces/{ws}/boards");
    ada.get(&format!("{base}?limit=0")).await.expect(422);
    ada.get(&format!("{base}?limit=201")).await.expect(422);
    ada.get(&format!("{base}?limit=-1")).await.expect(400);
    ada.get(&format!("{base}?limit=ten")).await.expect(400);
    let a = ada.get(&format!("{base}?cursor=garbage")).await.expect(422);
    assert_eq!(a.body["errors"][0]["field"], "cursor");
    ada.get(&format!("{base}?archived=maybe")).await.expect(400);
}

/// PostgreSQL refuses NUL in text: it must be turned away before SQL.
async fn nul_bytes_anywhere_are_4xx_not_500(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let boards = format!("/api/v1/workspaces/{ws}/boards");
    ada.post(&boards, json!({"name": "ok", "description": "a\u{0}b"}))
        .await
        .expect(422);
    ada.get(&format!("{boards}?q=%00")).await.expect(422);
    let cursor = base64_url(&json!({"n": "a\u{0}", "i": uuid::Uuid::nil()}).to_string());
    ada.get(&format!("{boards}?cursor={cursor}"))
        .await
        .expect(422);
    ada.post(
        &format!("/api/v1/workspaces/{ws}/members"),
        json!({"email": "x\u{0}@example.com", "role": "member"}),
    )
    .await
    .expect(422);
    app.anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": "x\u{0}@example.com", "password": "whatever-long"}),
        )
        .await
        .expect(401);
    app.anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "y\u{0}@example.com", "display_name": "Y", "password": "whatever-long"}),
        )
        .await
        .expect(422);
}

/// Hostile text (issue 17 §4): right-to-left overrides, piles of combining
/// marks, words longer than any line, emoji, raw HTML: stored and given
/// back exactly as typed (JSON, never HTML), or refused with 422 when over
/// a limit; bytes that are not UTF-8 are 400.
async fn hostile_text_is_kept_as_typed_or_refused(app: TestApp) {
    let ada = app.user("Ada").await;
    let (_, v) = crate::discussion::picture(&app, &ada, &[]).await;
    let combining = format!("Z{}", "\u{0301}".repeat(4_999));
    let cases = [
        "\u{202E}evil.exe\u{202C} and \u{2067}rtl\u{2069}".to_owned(),
        combining.clone(),
        "x".repeat(5_000),
        "<script>alert(1)</script><img src=x onerror=alert(2)> & \"quotes\"".to_owned(),
        "👩\u{200D}👩\u{200D}👧 🇺🇦 \u{FEFF}zero\u{200B}width".to_owned(),
    ];
    for text in &cases {
        let t = crate::discussion::pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), text)
            .await
            .expect(201);
        let id = t.body["id"].as_str().unwrap();
        let back = ada.get(&format!("/api/v1/threads/{id}")).await.expect(200);
        assert_eq!(
            back.body["comments"][0]["body"].as_str(),
            Some(text.as_str())
        );
    }
    // One mark too many is over the limit, however it renders; so are
    // 10,000 marks on one letter, and the problem names the field.
    for text in [
        format!("{combining}\u{0301}"),
        format!("Z{}", "\u{0301}".repeat(10_000)),
    ] {
        let refused = crate::discussion::pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), &text)
            .await
            .expect(422);
        assert_eq!(
            refused.body["errors"][0]["field"], "body",
            "{}",
            refused.body
        );
    }
    // Names keep right-to-left marks and emoji too, and refuse overrides'
    // control cousins (C0/C1).
    let ws = app.workspace(&ada, &[]).await;
    let name = "\u{202B}סטודיו\u{202C} 🎨";
    let b = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": name}),
        )
        .await
        .expect(201);
    assert_eq!(b.body["name"], name);
    ada.post(
        &format!("/api/v1/workspaces/{ws}/boards"),
        json!({"name": "a\u{0085}b"}),
    )
    .await
    .expect(422);
    // Over-long addresses in many-byte letters are refused, not cut mid-letter
    // (the throttle's key once was, and panicked).
    let long = format!("{}@example.com", "é".repeat(200));
    for path in ["/api/v1/auth/password-reset", "/api/v1/auth/login"] {
        let res = app
            .anon()
            .post(path, json!({"email": long, "password": "not-the-password"}))
            .await;
        assert!(
            matches!(res.status.as_u16(), 401 | 422),
            "{path}: {}",
            res.status
        );
    }
    // Bytes that are not UTF-8 never reach a handler.
    let res = ada
        .client
        .post(format!("{}/api/v1/workspaces/{ws}/boards", app.base))
        .header("content-type", "application/json")
        .header("x-csrf-token", ada.csrf.clone().unwrap())
        .body(b"{\"name\": \"\xff\xfe\"}".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

/// Names in any script, emoji included, survive the round trip.
async fn unicode_names_round_trip(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let name = "Café ☕ 设计稿 🎨";
    let b = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": name}),
        )
        .await
        .expect(201);
    assert_eq!(b.body["name"], name);
    let again = ada
        .get(&format!(
            "/api/v1/boards/{}",
            b.body["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(again.body["name"], name);
    let found = ada
        .get(&format!("/api/v1/workspaces/{ws}/boards?q=%E2%98%95"))
        .await
        .expect(200);
    assert_eq!(found.body["items"][0]["name"], name);
}

backend_tests!(
    nul_bytes_anywhere_are_4xx_not_500,
    unicode_names_round_trip,
    unreadable_bodies_get_4xx_problems,
    oversized_body_is_413,
    overlong_and_blank_strings_are_422,
    unknown_and_unparseable_ids_are_404,
    unknown_routes_and_methods_get_problems,
    bad_paging_parameters_are_4xx,
    whole_floats_are_integers,
    hostile_text_is_kept_as_typed_or_refused,
);
