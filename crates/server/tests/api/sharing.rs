//! Share links and the guests they let in: the role table for every kind
//! of caller, revocation, expiry, passwords, throttling.

use crate::backend_tests;
use crate::discussion::{picture, pin};
use crate::helpers::{spawn_app_with, Answer, Backend, TestApp, TestUser};
use crate::uploads::{png, upload};
use reqwest::Method;
use serde_json::{json, Value};

/// A share link of `board` made by `owner`; returns its document.
pub async fn link(owner: &TestUser, board: &str, body: Value) -> Value {
    owner
        .post(&format!("/api/v1/boards/{board}/share-links"), body)
        .await
        .expect(201)
        .body
}

/// Opens `link` in `browser` under `name`.
async fn open(browser: &TestUser, link: &Value, name: &str, password: Option<&str>) -> Answer {
    let token = link["token"].as_str().unwrap();
    browser
        .post(
            &format!("/api/v1/share/{token}/session"),
            json!({"display_name": name, "password": password}),
        )
        .await
}

/// A fresh browser let in through `link` as `name`.
pub async fn guest(app: &TestApp, link: &Value, name: &str) -> TestUser {
    let mut g = app.anon();
    let a = open(&g, link, name, None).await.expect(201);
    g.csrf = Some(a.body["csrf_token"].as_str().unwrap().to_owned());
    g
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Mention suggestions list everyone who can see the board, for those who
/// may comment (guests of a commenter link included), without e-mails.
async fn mention_suggestions_cover_everyone_who_sees_the_board(app: TestApp) {
    let owner = app.user("Owner Person").await;
    let viewer = app.user("Vera Viewer").await;
    let commenter = app.user("Carl Commenter").await;
    let admin = app.user("Adam Admin").await;
    let outsider = app.user("Out Sider").await;
    let ws = app.workspace(&owner, &[&viewer, &commenter, &admin]).await;
    owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{}", admin.id),
            json!({"role": "admin"}),
        )
        .await
        .expect(200);
    let b = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "B"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (u, role) in [(&viewer, "viewer"), (&commenter, "commenter")] {
        owner
            .post(
                &format!("/api/v1/boards/{b}/members"),
                json!({"user_id": u.id, "role": role}),
            )
            .await
            .expect(201);
    }
    let path = format!("/api/v1/boards/{b}/people");
    let people = commenter.get(&path).await.expect(200).body;
    let names: Vec<&str> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["display_name"].as_str().unwrap())
        .collect();
    // The admin sees the board through the workspace, not as a member.
    assert_eq!(
        names,
        [
            "Adam Admin",
            "Carl Commenter",
            "Owner Person",
            "Vera Viewer"
        ]
    );
    assert_eq!(people["items"][1]["handle"], "carlcommenter");
    // What Settings shows as your handle is what the others' suggestions insert.
    assert_eq!(
        commenter.get("/api/v1/me").await.body["handle"],
        people["items"][1]["handle"]
    );
    assert!(people["items"][0].get("email").is_none());
    viewer.get(&path).await.expect(403);
    outsider.get(&path).await.expect(404);
    let commenting = link(&owner, &b, json!({"role": "commenter"})).await;
    guest(&app, &commenting, "Grace")
        .await
        .get(&path)
        .await
        .expect(200);
    let viewing = link(&owner, &b, json!({"role": "viewer"})).await;
    guest(&app, &viewing, "Vic")
        .await
        .get(&path)
        .await
        .expect(403);
}

/// Every discussion route (and the board's read routes) for every kind of
/// caller of SPEC.md's role table, guests included.
async fn every_caller_gets_the_role_tables_answer(app: TestApp) {
    let owner = app.user("Owner").await;
    let viewer = app.user("Viewer").await;
    let commenter = app.user("Commenter").await;
    let editor = app.user("Editor").await;
    let admin = app.user("Admin").await;
    let outsider = app.user("Outsider").await;
    let ws = app
        .workspace(&owner, &[&viewer, &commenter, &editor, &admin])
        .await;
    owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{}", admin.id),
            json!({"role": "admin"}),
        )
        .await
        .expect(200);
    let b = id(&owner
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "Launch"}),
        )
        .await
        .expect(201)
        .body);
    for (u, role) in [
        (&viewer, "viewer"),
        (&commenter, "commenter"),
        (&editor, "editor"),
    ] {
        owner
            .post(
                &format!("/api/v1/boards/{b}/members"),
                json!({"user_id": u.id, "role": role}),
            )
            .await
            .expect(201);
    }
    let asset = upload(&owner, &b, "Home.png", &png(200, 150)).await;
    let a = id(&asset);
    let v = asset["current_version"]["id"].as_str().unwrap().to_owned();
    let view_link = link(&owner, &b, json!({"role": "viewer"})).await;
    let comment_link = link(&owner, &b, json!({"role": "commenter"})).await;
    let doomed_link = link(&owner, &b, json!({"role": "commenter"})).await;
    let guest_viewer = guest(&app, &view_link, "Vera (client)").await;
    let guest_commenter = guest(&app, &comment_link, "Carl (client)").await;
    let revoked = guest(&app, &doomed_link, "Rita").await;
    revoked
        .get(&format!("/api/v1/boards/{b}"))
        .await
        .expect(200);
    owner
        .delete(&format!("/api/v1/share-links/{}", id(&doomed_link)))
        .await
        .expect(204);

    // Level of each caller: 0 outsider, -1 a guest whose link was revoked.
    let callers: [(&str, &TestUser, i32); 9] = [
        ("viewer", &viewer, 1),
        ("commenter", &commenter, 2),
        ("editor", &editor, 3),
        ("owner", &owner, 4),
        ("workspace admin", &admin, 4),
        ("outsider", &outsider, 0),
        ("guest via viewer link", &guest_viewer, 1),
        ("guest via commenter link", &guest_commenter, 2),
        ("guest after revocation", &revoked, -1),
    ];
    let expect = |level: i32, needs: i32, ok: u16| -> u16 {
        match level {
            -1 => 401,
            0 => 404,
            l if l >= needs => ok,
            _ => 403,
        }
    };
    for (who, caller, level) in callers {
        // Fresh things to act on, made by the owner, so every caller acts
        // on the same state.
        let t = pin(&owner, &v, json!({"x": 0.5, "y": 0.5}), "owner's pin")
            .await
            .expect(201);
        let tid = id(&t.body);
        let cid = id(&t.body["comments"][0]);
        let checks: Vec<(Method, String, Option<Value>, i32, u16)> = vec![
            (Method::GET, format!("/api/v1/boards/{b}"), None, 1, 200),
            (
                Method::GET,
                format!("/api/v1/boards/{b}/assets"),
                None,
                1,
                200,
            ),
            (Method::GET, format!("/api/v1/assets/{a}"), None, 1, 200),
            (
                Method::GET,
                format!("/api/v1/assets/{a}/versions"),
                None,
                1,
                200,
            ),
            (Method::GET, format!("/api/v1/versions/{v}"), None, 1, 200),
            (
                Method::GET,
                format!("/api/v1/versions/{v}/threads"),
                None,
                1,
                200,
            ),
            (Method::GET, format!("/api/v1/threads/{tid}"), None, 1, 200),
            (
                Method::GET,
                format!("/api/v1/boards/{b}/activity"),
                None,
                1,
                200,
            ),
            (
                Method::POST,
                format!("/api/v1/versions/{v}/threads"),
                Some(json!({"x": 0.1, "y": 0.2, "body": format!("pin by {who}")})),
                2,
                201,
            ),
            (
                Method::POST,
                format!("/api/v1/threads/{tid}/comments"),
                Some(json!({"body": format!("reply by {who}")})),
                2,
                201,
            ),
            (
                Method::PATCH,
                format!("/api/v1/threads/{tid}"),
                Some(json!({"state": "resolved"})),
                3,
                200,
            ),
            (
                Method::PUT,
                format!("/api/v1/versions/{v}/review"),
                Some(json!({"status": "approved"})),
                3,
                200,
            ),
            (
                Method::PATCH,
                format!("/api/v1/assets/{a}"),
                Some(json!({"title": "Home"})),
                3,
                200,
            ),
            (
                Method::DELETE,
                format!("/api/v1/comments/{cid}"),
                None,
                4,
                204,
            ),
        ];
        for (method, path, body, needs, ok) in checks {
            let got = caller.send(method.clone(), &path, body).await;
            assert_eq!(
                got.status.as_u16(),
                expect(level, needs, ok),
                "{who}: {method} {path}: {:?}",
                got.body
            );
        }
        // Editing someone else's comment is nobody's right.
        let t = pin(&owner, &v, json!({"x": 0.5, "y": 0.5}), "owner's")
            .await
            .expect(201);
        let other = id(&t.body["comments"][0]);
        let got = caller
            .patch(&format!("/api/v1/comments/{other}"), json!({"body": "x"}))
            .await;
        let want = match level {
            -1 => 401,
            0 => 404,
            _ if std::ptr::eq(caller, &owner) => 200,
            _ => 403,
        };
        assert_eq!(got.status.as_u16(), want, "{who}: edit another's comment");
        // Share links are the owners' business; guests are not signed in.
        let got = caller.get(&format!("/api/v1/boards/{b}/share-links")).await;
        let want = match level {
            -1 => 401,
            0 => 404,
            4 => 200,
            _ if who.starts_with("guest") => 401,
            _ => 403,
        };
        assert_eq!(got.status.as_u16(), want, "{who}: list share links");
    }
}

async fn owners_create_list_and_revoke_links(app: TestApp) {
    let owner = app.user("Owner").await;
    let editor = app.user("Editor").await;
    let outsider = app.user("Outsider").await;
    let (b, _) = picture(&app, &owner, &[(&editor, "editor")]).await;
    let path = format!("/api/v1/boards/{b}/share-links");
    for bad in [
        json!({"role": "editor"}),
        json!({"role": "owner"}),
        json!({"role": "viewer", "expires_at": "2001-01-01T00:00:00Z"}),
        json!({"role": "viewer", "expires_at": "2040-01-01T00:00:00Z"}),
        json!({"role": "viewer", "password": "abc"}),
        json!({"role": "viewer", "label": "x".repeat(81)}),
        json!({"role": "viewer", "label": "tab\u{0}"}),
    ] {
        owner.post(&path, bad).await.expect(422);
    }
    owner.post(&path, json!({"role": "boss"})).await.expect(422);
    editor
        .post(&path, json!({"role": "viewer"}))
        .await
        .expect(403);
    outsider
        .post(&path, json!({"role": "viewer"}))
        .await
        .expect(404);
    let l = link(
        &owner,
        &b,
        json!({"role": "commenter", "label": "Acme review", "password": "acme-2026",
               "expires_at": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339()}),
    )
    .await;
    assert_eq!(l["role"], "commenter");
    assert_eq!(l["label"], "Acme review");
    assert_eq!(l["has_password"], true);
    assert_eq!(l["active"], true);
    assert!(l.get("password_hash").is_none() && l.get("password").is_none());
    let token = l["token"].as_str().unwrap();
    assert!(l["url"].as_str().unwrap().ends_with(&format!("/s/{token}")));
    let listed = owner.get(&path).await.expect(200);
    assert_eq!(
        listed.body["items"][0]["token"], token,
        "copyable again later"
    );

    let info = app
        .anon()
        .get(&format!("/api/v1/share/{token}"))
        .await
        .expect(200);
    assert_eq!(info.body["board_name"], "Site");
    assert_eq!(info.body["role"], "commenter");
    assert_eq!(info.body["needs_password"], true);
    // A forged or altered token opens nothing.
    let mut forged = token.to_owned();
    let last = if forged.ends_with('0') { "1" } else { "0" };
    forged.replace_range(forged.len() - 1.., last);
    for t in [forged.as_str(), "nope", &token[..32]] {
        app.anon()
            .get(&format!("/api/v1/share/{t}"))
            .await
            .expect(404);
    }

    editor
        .delete(&format!("/api/v1/share-links/{}", id(&l)))
        .await
        .expect(403);
    outsider
        .delete(&format!("/api/v1/share-links/{}", id(&l)))
        .await
        .expect(404);
    owner
        .delete(&format!("/api/v1/share-links/{}", id(&l)))
        .await
        .expect(204);
    owner
        .delete(&format!("/api/v1/share-links/{}", id(&l)))
        .await
        .expect(204);
    let listed = owner.get(&path).await.expect(200);
    assert_eq!(listed.body["items"][0]["active"], false);
    assert!(listed.body["items"][0]["revoked_at"].is_string());
    // Whoever holds the link is told it was revoked, not that it never was.
    let gone = app
        .anon()
        .get(&format!("/api/v1/share/{token}"))
        .await
        .expect(410);
    assert_eq!(gone.problem_type(), "urn:critboard:problem:link-revoked");
    assert!(gone.body["detail"].as_str().unwrap().contains("revoked"));
    let late = open(&app.anon(), &l, "Late", Some("acme-2026"))
        .await
        .expect(410);
    assert_eq!(late.problem_type(), "urn:critboard:problem:link-revoked");
    let kinds: Vec<String> = owner
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200)
        .event_kinds();
    assert!(kinds.contains(&"share_link.created".to_owned()));
    assert!(kinds.contains(&"share_link.revoked".to_owned()));
}

async fn guests_comment_under_their_name_and_change_only_their_own(app: TestApp) {
    let owner = app.user("Owner").await;
    let (b, v) = picture(&app, &owner, &[]).await;
    let l = link(&owner, &b, json!({"role": "commenter"})).await;
    let gina = guest(&app, &l, "  Gina from Acme ").await;
    let other = guest(&app, &l, "Otto").await;

    let board = gina.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["role"], "commenter");
    let t = pin(&gina, &v, json!({"x": 0.3, "y": 0.3}), "Bigger logo please")
        .await
        .expect(201);
    let first = &t.body["comments"][0];
    assert_eq!(first["guest_name"], "Gina from Acme");
    assert!(first["author"].is_null());
    assert!(first["guest_id"].is_string());
    assert_eq!(t.body["created_by_guest"], first["guest_id"]);
    let tid = id(&t.body);
    let cid = id(first);

    // Guests mention by handle; e-mail addresses of members stay hidden.
    let probe = pin(
        &gina,
        &v,
        json!({"x": 0.2, "y": 0.2}),
        &format!("hi @{}", owner.email),
    )
    .await
    .expect(201);
    assert_eq!(probe.body["comments"][0]["mentions"], json!([]));
    let by_handle = pin(&gina, &v, json!({"x": 0.2, "y": 0.2}), "hi @Owner")
        .await
        .expect(201);
    assert_eq!(
        by_handle.body["comments"][0]["mentions"][0]["display_name"],
        "Owner"
    );

    // Her own comment she may edit and delete; Otto may not.
    other
        .patch(
            &format!("/api/v1/comments/{cid}"),
            json!({"body": "hacked"}),
        )
        .await
        .expect(403);
    let edited = gina
        .patch(
            &format!("/api/v1/comments/{cid}"),
            json!({"body": "Bigger logo, please"}),
        )
        .await
        .expect(200);
    assert!(edited.body["edited_at"].is_string());
    // Her own thread she may resolve (commenters resolve their own).
    other
        .patch(
            &format!("/api/v1/threads/{tid}"),
            json!({"state": "resolved"}),
        )
        .await
        .expect(403);
    gina.patch(
        &format!("/api/v1/threads/{tid}"),
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);

    // Retries with the same Idempotency-Key give the first comment back.
    let path = format!("/api/v1/threads/{tid}/comments");
    let send = |key: &'static str| {
        gina.client
            .post(format!("{}{path}", gina.base))
            .header("x-csrf-token", gina.csrf.clone().unwrap())
            .header("idempotency-key", key)
            .json(&json!({"body": "once"}))
            .send()
    };
    let a = send("k1").await.unwrap();
    assert_eq!(a.status().as_u16(), 201);
    let a: Value = a.json().await.unwrap();
    let b2 = send("k1").await.unwrap();
    assert_eq!(b2.status().as_u16(), 200);
    let b2: Value = b2.json().await.unwrap();
    assert_eq!(a["id"], b2["id"]);

    // Changes need the guest's CSRF token.
    let mut no_csrf = gina;
    no_csrf.csrf = None;
    no_csrf
        .post(&path, json!({"body": "forged"}))
        .await
        .expect(403);

    // The activity feed names the guest.
    let events = owner
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let opened = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"]["kind"] == "thread.opened")
        .unwrap()
        .clone();
    assert_eq!(opened["actor_name"], "Gina from Acme");
    assert!(opened["actor_id"].is_null());
    assert!(events.event_kinds().contains(&"guest.joined".to_owned()));

    // The owner may still delete a guest's comment.
    owner
        .delete(&format!("/api/v1/comments/{}", a["id"].as_str().unwrap()))
        .await
        .expect(204);
}

async fn guests_see_only_their_boards_and_lose_them_when_links_end(app: TestApp) {
    let owner = app.user("Owner").await;
    let (b1, _) = picture(&app, &owner, &[]).await;
    let (b2, _) = picture(&app, &owner, &[]).await;
    let (b3, _) = picture(&app, &owner, &[]).await;
    let l1 = link(&owner, &b1, json!({"role": "viewer"})).await;
    let l2 = link(&owner, &b2, json!({"role": "commenter"})).await;
    // One browser opens two links: both passes work side by side.
    let mut g = guest(&app, &l1, "Gus").await;
    let second = open(&g, &l2, "Gus", None).await.expect(201);
    g.csrf = Some(second.body["csrf_token"].as_str().unwrap().to_owned());
    assert_eq!(
        g.get(&format!("/api/v1/boards/{b1}"))
            .await
            .expect(200)
            .body["role"],
        "viewer"
    );
    assert_eq!(
        g.get(&format!("/api/v1/boards/{b2}"))
            .await
            .expect(200)
            .body["role"],
        "commenter"
    );
    g.get(&format!("/api/v1/boards/{b3}")).await.expect(404);
    // Guests have no account: account routes and uploads want a sign-in.
    g.get("/api/v1/me").await.expect(401);
    g.post(
        &format!("/api/v1/boards/{b2}/uploads"),
        json!({"file_name": "a.png", "content_type": "image/png", "size": 10}),
    )
    .await
    .expect(401);

    // Expiry ends access, checked on every request.
    app.store
        .execute(
            "UPDATE share_links SET expires_at = ? WHERE id = ?",
            vec![
                (chrono::Utc::now() - chrono::Duration::minutes(1)).into(),
                uuid::Uuid::parse_str(&id(&l1)).unwrap().into(),
            ],
        )
        .await
        .unwrap();
    // The guest is told why, not "not found" or "sign in first".
    let expired = g.get(&format!("/api/v1/boards/{b1}")).await.expect(401);
    assert_eq!(expired.problem_type(), "urn:critboard:problem:link-expired");
    // Its guest session ended with the link; the hourly clean-up keeps it
    // a while, so the guest is still told why.
    app.store
        .execute(
            "UPDATE guest_sessions SET expires_at = ? WHERE link_id = ?",
            vec![
                (chrono::Utc::now() - chrono::Duration::minutes(1)).into(),
                uuid::Uuid::parse_str(&id(&l1)).unwrap().into(),
            ],
        )
        .await
        .unwrap();
    app.store.delete_expired_guest_sessions().await.unwrap();
    let still = g.get(&format!("/api/v1/boards/{b1}")).await.expect(401);
    assert_eq!(still.problem_type(), "urn:critboard:problem:link-expired");
    g.get(&format!("/api/v1/boards/{b2}")).await.expect(200);
    g.get(&format!("/api/v1/boards/{b3}")).await.expect(404);
    // Revocation too, at once.
    owner
        .delete(&format!("/api/v1/share-links/{}", id(&l2)))
        .await
        .expect(204);
    let revoked = g.get(&format!("/api/v1/boards/{b2}")).await.expect(401);
    assert_eq!(revoked.problem_type(), "urn:critboard:problem:link-revoked");
    assert!(revoked.body["detail"]
        .as_str()
        .unwrap()
        .starts_with("this link was revoked"));
    let info = g
        .get(&format!("/api/v1/share/{}", l2["token"].as_str().unwrap()))
        .await
        .expect(410);
    assert_eq!(info.problem_type(), "urn:critboard:problem:link-revoked");

    // A signed-in person who opens a link acts under their own name.
    let l3 = link(&owner, &b3, json!({"role": "commenter"})).await;
    let sam = app.user("Sam").await;
    sam.get(&format!("/api/v1/boards/{b3}")).await.expect(404);
    open(&sam, &l3, "Sam", None).await.expect(201);
    let v3 = owner
        .get(&format!("/api/v1/boards/{b3}/assets"))
        .await
        .expect(200)
        .body["items"][0]["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = pin(&sam, &v3, json!({"x": 0.5, "y": 0.5}), "as myself")
        .await
        .expect(201);
    assert_eq!(t.body["comments"][0]["author"]["id"], sam.id.as_str());
    assert!(t.body["comments"][0]["guest_name"].is_null());
}

/// Someone who may only look is not asked for a name; a commenter is.
async fn viewer_links_need_no_name(app: TestApp) {
    let owner = app.user("Owner").await;
    let (b, _) = picture(&app, &owner, &[]).await;
    let view = link(&owner, &b, json!({"role": "viewer"})).await;
    let comment = link(&owner, &b, json!({"role": "commenter"})).await;
    let g = app.anon();
    let token = view["token"].as_str().unwrap();
    let pass = g
        .post(&format!("/api/v1/share/{token}/session"), json!({}))
        .await
        .expect(201);
    assert_eq!(pass.body["display_name"], "Guest");
    g.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    let refused = open(&app.anon(), &comment, "  ", None).await.expect(422);
    assert_eq!(refused.body["errors"][0]["field"], "display_name");
}

async fn password_links_need_the_password(app: TestApp) {
    let owner = app.user("Owner").await;
    let (b, _) = picture(&app, &owner, &[]).await;
    let l = link(
        &owner,
        &b,
        json!({"role": "viewer", "password": "open sesame"}),
    )
    .await;
    let g = app.anon();
    let none = open(&g, &l, "Pat", None).await.expect(401);
    assert_eq!(none.problem_type(), "urn:critboard:problem:link-password");
    open(&g, &l, "Pat", Some("open sesam")).await.expect(401);
    g.get(&format!("/api/v1/boards/{b}")).await.expect(401);
    open(&g, &l, &"x".repeat(81), Some("open sesame"))
        .await
        .expect(422);
    open(&g, &l, "Pat", Some("open sesame")).await.expect(201);
    g.get(&format!("/api/v1/boards/{b}")).await.expect(200);
}

/// Guests' posting is throttled (429 with Retry-After); members are not.
async fn guest_posting_is_throttled(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| c.guest_rate_limit = 3).await else {
        return;
    };
    let owner = app.user("Owner").await;
    let (b, v) = picture(&app, &owner, &[]).await;
    let l = link(&owner, &b, json!({"role": "commenter"})).await;
    let g = guest(&app, &l, "Speedy").await;
    for i in 0..3 {
        pin(&g, &v, json!({"x": 0.5, "y": 0.5}), &format!("pin {i}"))
            .await
            .expect(201);
    }
    let refused = pin(&g, &v, json!({"x": 0.5, "y": 0.5}), "one more")
        .await
        .expect(429);
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    for i in 0..5 {
        pin(
            &owner,
            &v,
            json!({"x": 0.5, "y": 0.5}),
            &format!("owner {i}"),
        )
        .await
        .expect(201);
    }
    let threads = owner
        .get(&format!("/api/v1/versions/{v}/threads"))
        .await
        .expect(200);
    assert_eq!(
        threads.body["items"].as_array().unwrap().len(),
        8,
        "the refused pin was not written"
    );
}

backend_tests!(
    mention_suggestions_cover_everyone_who_sees_the_board,
    every_caller_gets_the_role_tables_answer,
    owners_create_list_and_revoke_links,
    guests_comment_under_their_name_and_change_only_their_own,
    guests_see_only_their_boards_and_lose_them_when_links_end,
    password_links_need_the_password,
    viewer_links_need_no_name,
);
crate::backend_tests_with_config!(guest_posting_is_throttled);
