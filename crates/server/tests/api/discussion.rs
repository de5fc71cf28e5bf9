//! Pins, areas, threads, comments, resolving and the activity feed.

use crate::backend_tests;
use crate::helpers::{Answer, TestApp, TestUser};
use crate::uploads::{board, png, upload};
use critboard_store::sea_orm::Value as SqlValue;
use serde_json::{json, Value};

/// A board with one picture; returns (board id, version id).
pub(crate) async fn picture(
    app: &TestApp,
    owner: &TestUser,
    others: &[(&TestUser, &str)],
) -> (String, String) {
    let people: Vec<&TestUser> = others.iter().map(|(u, _)| *u).collect();
    let b = board(app, owner, &people).await;
    for (u, role) in others {
        owner
            .post(
                &format!("/api/v1/boards/{b}/members"),
                json!({"user_id": u.id, "role": role}),
            )
            .await
            .expect(201);
    }
    let asset = upload(owner, &b, "Home.png", &png(200, 150)).await;
    // Thumbnails first, so that `version.ready` is not mixed into what the
    // test does next.
    crate::uploads::wait_ready(owner, asset["id"].as_str().unwrap()).await;
    (
        b,
        asset["current_version"]["id"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn pin(
    user: &TestUser,
    version: &str,
    shape: Value,
    body: &str,
) -> crate::helpers::Answer {
    let mut req = shape;
    req["body"] = json!(body);
    user.post(&format!("/api/v1/versions/{version}/threads"), req)
        .await
}

async fn pins_and_areas_are_numbered_and_carry_comments(app: TestApp) {
    let ada = app.user("Ada").await;
    let (_, v) = picture(&app, &ada, &[]).await;
    let first = pin(&ada, &v, json!({"x": 0.25, "y": 0.5}), "Logo too small")
        .await
        .expect(201);
    assert_eq!(first.body["number"], 1);
    assert_eq!(
        first.body["shape"],
        json!({"x": 0.25, "y": 0.5, "w": null, "h": null})
    );
    assert_eq!(first.body["state"], "open");
    assert_eq!(first.body["comments"][0]["body"], "Logo too small");
    assert_eq!(first.body["comments"][0]["author"]["display_name"], "Ada");
    let area = pin(
        &ada,
        &v,
        json!({"x": 0.1, "y": 0.1, "w": 0.5, "h": 0.2}),
        "<b>Header</b> & nav",
    )
    .await
    .expect(201);
    assert_eq!(area.body["number"], 2);
    assert_eq!(
        area.body["comments"][0]["body"], "<b>Header</b> & nav",
        "stored and returned as typed"
    );
    for bad in [
        json!({"x": 1.5, "y": 0.5}),
        json!({"x": 0.9, "y": 0.1, "w": 0.5, "h": 0.1}),
        json!({"x": 0.1, "y": 0.1, "w": 0.5}),
        json!({"x": "left", "y": 0.1}),
    ] {
        pin(&ada, &v, bad, "x").await.expect(422);
    }
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "   ")
        .await
        .expect(422);
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), &"x".repeat(5001))
        .await
        .expect(422);
    let list = ada
        .get(&format!("/api/v1/versions/{v}/threads"))
        .await
        .expect(200);
    let numbers: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
}

/// 50 pins dropped at once on one asset get 50 distinct consecutive numbers.
async fn parallel_threads_get_distinct_consecutive_numbers(app: TestApp) {
    let ada = app.user("Ada").await;
    let (_, v) = picture(&app, &ada, &[]).await;
    let tasks = (0..50).map(|i| {
        let (client, base, csrf, v) = (
            ada.client.clone(),
            app.base.clone(),
            ada.csrf.clone().unwrap(),
            v.clone(),
        );
        tokio::spawn(async move {
            let res = client
                .post(format!("{base}/api/v1/versions/{v}/threads"))
                .header("x-csrf-token", csrf)
                .json(&json!({"x": 0.5, "y": 0.5, "body": format!("pin {i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()["number"]
                .as_i64()
                .unwrap()
        })
    });
    let mut numbers = Vec::new();
    for t in tasks.collect::<Vec<_>>() {
        numbers.push(t.await.unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());
}

async fn replies_edits_deletes_and_mentions(app: TestApp) {
    let ada = app.user("Ada Lovelace").await;
    let bob = app.user("Bob").await;
    let (_, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    let t = pin(
        &ada,
        &v,
        json!({"x": 0.3, "y": 0.3}),
        &format!("@bob and @{} please look, @nobody", bob.email),
    )
    .await
    .expect(201);
    // Handle and e-mail both name Bob; unknown names stay plain text.
    let mentions = t.body["comments"][0]["mentions"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(mentions.len(), 1, "{mentions:?}");
    assert_eq!(mentions[0]["id"], bob.id.as_str());
    let id = t.body["id"].as_str().unwrap();
    let reply = bob
        .post(
            &format!("/api/v1/threads/{id}/comments"),
            json!({"body": "On it, @adalovelace"}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["mentions"][0]["id"], ada.id.as_str());
    let cid = reply.body["id"].as_str().unwrap();
    ada.patch(
        &format!("/api/v1/comments/{cid}"),
        json!({"body": "not mine"}),
    )
    .await
    .expect(403);
    let edited = bob
        .patch(&format!("/api/v1/comments/{cid}"), json!({"body": "Done"}))
        .await
        .expect(200);
    assert_eq!(edited.body["body"], "Done");
    assert!(edited.body["edited_at"].is_string());
    bob.delete(&format!("/api/v1/comments/{cid}"))
        .await
        .expect(204);
    bob.delete(&format!("/api/v1/comments/{cid}"))
        .await
        .expect(404);
    let thread = ada.get(&format!("/api/v1/threads/{id}")).await.expect(200);
    let gone = &thread.body["comments"][1];
    assert_eq!(
        (gone["deleted"].clone(), gone["body"].clone()),
        (json!(true), json!(null)),
        "a marker stays"
    );
    // Owners may remove anyone's comment; editing stays the author's.
    let first = thread.body["comments"][0]["id"].as_str().unwrap();
    bob.delete(&format!("/api/v1/comments/{first}"))
        .await
        .expect(403);
}

/// Comments keep their line breaks (CRLF stored as LF) and tabs, in new
/// threads, replies and edits; other control characters are refused.
async fn comments_keep_line_breaks_and_tabs(app: TestApp) {
    let ada = app.user("Ada").await;
    let (_, v) = picture(&app, &ada, &[]).await;
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "line one\nline two")
        .await
        .expect(201);
    assert_eq!(t.body["comments"][0]["body"], "line one\nline two");
    let id = t.body["id"].as_str().unwrap();
    let reply = ada
        .post(
            &format!("/api/v1/threads/{id}/comments"),
            json!({"body": "  first\r\n\r\n\tsecond\r\n"}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["body"], "first\n\n\tsecond");
    let cid = reply.body["id"].as_str().unwrap();
    let edited = ada
        .patch(&format!("/api/v1/comments/{cid}"), json!({"body": "a\rb"}))
        .await
        .expect(200);
    assert_eq!(edited.body["body"], "a\nb");
    let stored = ada.get(&format!("/api/v1/threads/{id}")).await.expect(200);
    assert_eq!(stored.body["comments"][1]["body"], "a\nb", "as stored");
    for bad in ["bell \u{7}", "nul \u{0}", "\u{1b}[31mred", " \n\t "] {
        let refused = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), bad)
            .await
            .expect(422);
        assert_eq!(refused.body["errors"][0]["field"], "body", "{bad:?}");
        ada.post(
            &format!("/api/v1/threads/{id}/comments"),
            json!({"body": bad}),
        )
        .await
        .expect(422);
    }
}

/// Events quote a comment as it reads now: edits update the quote of its
/// earlier events, and a deleted comment's words are gone from the
/// activity feed and every inbox.
async fn quotes_follow_edits_and_vanish_with_deletions(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (b, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    let t = pin(
        &ada,
        &v,
        json!({"x": 0.5, "y": 0.5}),
        "secret launch date\nis May 3",
    )
    .await
    .expect(201);
    let first = t.body["comments"][0]["id"].as_str().unwrap().to_owned();
    let quote_in_inbox = |inbox: &crate::helpers::Answer| {
        inbox.body["items"][0]["event"]["event"]["excerpt"].clone()
    };
    let inbox = bob.get("/api/v1/notifications").await.expect(200);
    assert_eq!(
        inbox.body["items"][0]["event"]["event"]["kind"],
        "thread.opened"
    );
    assert_eq!(inbox.body["items"][0]["event"]["event"]["title"], "Home");
    assert_eq!(inbox.body["items"][0]["event"]["event"]["number"], 1);
    assert_eq!(quote_in_inbox(&inbox), "secret launch date\nis May 3");

    ada.patch(
        &format!("/api/v1/comments/{first}"),
        json!({"body": "launch date to be announced"}),
    )
    .await
    .expect(200);
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let opened = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"]["kind"] == "thread.opened")
        .unwrap()
        .clone();
    assert_eq!(opened["event"]["excerpt"], "launch date to be announced");

    ada.delete(&format!("/api/v1/comments/{first}"))
        .await
        .expect(204);
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let text = feed.body.to_string();
    assert!(!text.contains("launch date"), "{text}");
    assert_eq!(feed.event_kinds()[0], "comment.deleted");
    let inbox = bob.get("/api/v1/notifications").await.expect(200);
    assert!(!inbox.body.to_string().contains("launch date"));
    let opened = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["event"]["event"]["kind"] == "thread.opened")
        .unwrap()
        .clone();
    assert!(opened["event"]["event"]["excerpt"].is_null());
}

/// A stored event no release can read is skipped, and paging goes on past
/// it; deleting a picture drops the quotes of its comments.
async fn the_feed_pages_past_unreadable_events_and_forgets_deleted_pictures(app: TestApp) {
    let ada = app.user("Ada").await;
    let (b, v) = picture(&app, &ada, &[]).await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "first words")
        .await
        .expect(201);
    let board: uuid::Uuid = b.parse().unwrap();
    app.store
        .execute(
            "INSERT INTO events (id, board_id, actor_id, actor_name, kind, payload, created_at) \
             VALUES (?, ?, NULL, 'Zed', 'board.painted', '{}', ?)",
            vec![
                uuid::Uuid::now_v7().into(),
                board.into(),
                app.store.now().into(),
            ],
        )
        .await
        .unwrap();
    pin(&ada, &v, json!({"x": 0.2, "y": 0.2}), "second words")
        .await
        .expect(201);
    let mut kinds = Vec::new();
    let mut path = format!("/api/v1/boards/{b}/activity?limit=1");
    loop {
        let page = ada.get(&path).await.expect(200);
        kinds.extend(page.event_kinds());
        match page.body["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/boards/{b}/activity?limit=1&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(kinds, ["thread.opened", "thread.opened", "asset.added"]);

    let asset = ada.get(&format!("/api/v1/boards/{b}/assets")).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ada.delete(&format!("/api/v1/assets/{asset}"))
        .await
        .expect(204);
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let text = feed.body.to_string();
    assert!(
        !text.contains("first words") && !text.contains("second words"),
        "{text}"
    );
}

/// Editing a comment tells only the people it newly mentions, even on a
/// muted board; those mentioned before are not told again.
async fn edits_notify_only_new_mentions(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let cy = app.user("Cy").await;
    let (b, v) = picture(&app, &ada, &[(&bob, "viewer"), (&cy, "viewer")]).await;
    for u in [&bob, &cy] {
        u.send(
            reqwest::Method::PUT,
            &format!("/api/v1/boards/{b}/mute"),
            None,
        )
        .await
        .expect(204);
    }
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "Look @bob")
        .await
        .expect(201);
    let c = t.body["comments"][0]["id"].as_str().unwrap().to_owned();
    ada.patch(
        &format!("/api/v1/comments/{c}"),
        json!({"body": "Look @bob and @cy"}),
    )
    .await
    .expect(200);
    let kinds = |inbox: crate::helpers::Answer| -> Vec<String> {
        inbox.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["event"]["event"]["kind"].as_str().unwrap().to_owned())
            .filter(|k| k.starts_with("thread.") || k.starts_with("comment."))
            .collect()
    };
    assert_eq!(
        kinds(bob.get("/api/v1/notifications").await),
        ["thread.opened"]
    );
    assert_eq!(
        kinds(cy.get("/api/v1/notifications").await),
        ["comment.edited"]
    );
}

async fn resolving_follows_the_role_table(app: TestApp) {
    let ada = app.user("Ada").await;
    let com = app.user("Com").await;
    let other = app.user("Other").await;
    let ed = app.user("Ed").await;
    let viewer = app.user("Viewer").await;
    let (_, v) = picture(
        &app,
        &ada,
        &[
            (&com, "commenter"),
            (&other, "commenter"),
            (&ed, "editor"),
            (&viewer, "viewer"),
        ],
    )
    .await;
    let t = pin(&com, &v, json!({"x": 0.5, "y": 0.5}), "mine")
        .await
        .expect(201);
    let path = format!("/api/v1/threads/{}", t.body["id"].as_str().unwrap());
    other
        .patch(&path, json!({"state": "resolved"}))
        .await
        .expect(403);
    viewer
        .patch(&path, json!({"state": "resolved"}))
        .await
        .expect(403);
    let done = com
        .patch(&path, json!({"state": "resolved"}))
        .await
        .expect(200);
    assert_eq!(done.body["state"], "resolved");
    assert_eq!(done.body["resolved_by"], com.id.as_str());
    assert!(done.body["resolved_at"].is_string());
    ed.patch(&path, json!({"state": "open"})).await.expect(200);
    ed.patch(&path, json!({"state": "resolved"}))
        .await
        .expect(200);
    ada.patch(&path, json!({"state": "maybe"}))
        .await
        .expect(422);
    let open = ada
        .get(&format!("/api/v1/versions/{v}/threads?state=open"))
        .await
        .expect(200);
    assert_eq!(open.body["items"], json!([]));
    let resolved = ada
        .get(&format!("/api/v1/versions/{v}/threads?state=resolved"))
        .await
        .expect(200);
    assert_eq!(resolved.body["items"].as_array().unwrap().len(), 1);
}

async fn discussion_routes_follow_the_role_table(app: TestApp) {
    let ada = app.user("Ada").await;
    let viewer = app.user("Viewer").await;
    let outsider = app.user("Out").await;
    let (b, v) = picture(&app, &ada, &[(&viewer, "viewer")]).await;
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "hello")
        .await
        .expect(201);
    let tid = t.body["id"].as_str().unwrap();
    let cid = t.body["comments"][0]["id"].as_str().unwrap();
    viewer
        .get(&format!("/api/v1/versions/{v}/threads"))
        .await
        .expect(200);
    viewer
        .get(&format!("/api/v1/threads/{tid}"))
        .await
        .expect(200);
    viewer
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    pin(&viewer, &v, json!({"x": 0.5, "y": 0.5}), "no")
        .await
        .expect(403);
    viewer
        .post(
            &format!("/api/v1/threads/{tid}/comments"),
            json!({"body": "no"}),
        )
        .await
        .expect(403);
    for path in [
        format!("/api/v1/versions/{v}/threads"),
        format!("/api/v1/threads/{tid}"),
        format!("/api/v1/boards/{b}/activity"),
    ] {
        outsider.get(&path).await.expect(404);
    }
    pin(&outsider, &v, json!({"x": 0.5, "y": 0.5}), "no")
        .await
        .expect(404);
    outsider
        .post(
            &format!("/api/v1/threads/{tid}/comments"),
            json!({"body": "no"}),
        )
        .await
        .expect(404);
    outsider
        .patch(
            &format!("/api/v1/threads/{tid}"),
            json!({"state": "resolved"}),
        )
        .await
        .expect(404);
    outsider
        .patch(&format!("/api/v1/comments/{cid}"), json!({"body": "x"}))
        .await
        .expect(404);
    outsider
        .delete(&format!("/api/v1/comments/{cid}"))
        .await
        .expect(404);
}

async fn retried_threads_and_comments_with_the_same_key_are_not_duplicated(app: TestApp) {
    let ada = app.user("Ada").await;
    let (_, v) = picture(&app, &ada, &[]).await;
    let send = |path: String, body: Value, key: &'static str| {
        let ada = &ada;
        async move {
            let a = ada.post_with_key(&path, body, key).await;
            (a.status.as_u16(), a.body)
        }
    };
    let threads = format!("/api/v1/versions/{v}/threads");
    let body = json!({"x": 0.2, "y": 0.2, "body": "once"});
    let (s1, t1) = send(threads.clone(), body.clone(), "t-1").await;
    let (s2, t2) = send(threads.clone(), body, "t-1").await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(t1["id"], t2["id"]);
    let comments = format!("/api/v1/threads/{}/comments", t1["id"].as_str().unwrap());
    let (c1, r1) = send(comments.clone(), json!({"body": "reply"}), "c-1").await;
    let (c2, r2) = send(comments, json!({"body": "reply"}), "c-1").await;
    assert_eq!((c1, c2), (201, 200));
    assert_eq!(r1["id"], r2["id"]);
    // A key spent on a thread cannot also create a comment.
    let other = format!("/api/v1/threads/{}/comments", t1["id"].as_str().unwrap());
    let (c3, _) = send(other, json!({"body": "other"}), "t-1").await;
    assert_eq!(c3, 422);
    let list = ada.get(&threads).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        list.body["items"][0]["comments"].as_array().unwrap().len(),
        2
    );
}

/// The same key sent several times at once (a client retrying on a
/// timeout): one comment is made, every answer names it, and the requests
/// that lost the race left nothing behind (their comment and event were in
/// the transaction the key's row failed).
async fn the_same_key_sent_at_once_makes_one_thread_or_comment(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (b, v) = picture(&app, &ada, &[(&bob, "viewer")]).await;
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "first")
        .await
        .expect(201);
    let tid = t.body["id"].as_str().unwrap().to_owned();
    async fn inbox_len(who: &TestUser) -> usize {
        let inbox = who.get("/api/v1/notifications").await.expect(200);
        inbox.body["items"].as_array().unwrap().len()
    }
    let before = inbox_len(&bob).await;
    let path = format!("/api/v1/threads/{tid}/comments");
    let sends = (0..6).map(|_| ada.post_with_key(&path, json!({"body": "said once"}), "same-key"));
    let answers: Vec<(u16, Value)> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .map(|a| (a.status.as_u16(), a.body))
        .collect();
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{answers:#?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{answers:#?}"
    );
    let id = &answers.iter().find(|(s, _)| *s == 201).unwrap().1["id"];
    assert!(answers.iter().all(|(_, c)| &c["id"] == id), "{answers:#?}");
    let thread = ada.get(&format!("/api/v1/threads/{tid}")).await.expect(200);
    let bodies: Vec<&str> = thread.body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["first", "said once"]);
    let activity = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    assert_eq!(
        activity
            .event_kinds()
            .iter()
            .filter(|k| *k == "comment.added")
            .count(),
        1
    );
    let after = inbox_len(&bob).await;
    assert_eq!(after, before + 1);
    // Threads too: one is opened, and its number is not spent twice.
    let path = format!("/api/v1/versions/{v}/threads");
    let body = json!({"x": 0.3, "y": 0.3, "body": "pinned once"});
    let opens = (0..4).map(|_| ada.post_with_key(&path, body.clone(), "thread-key"));
    let answers: Vec<(u16, Value)> = futures_util::future::join_all(opens)
        .await
        .into_iter()
        .map(|a| (a.status.as_u16(), a.body))
        .collect();
    assert!(
        answers
            .iter()
            .all(|(s, t)| (*s == 201 || *s == 200) && t["number"] == 2),
        "{answers:#?}"
    );
    assert_eq!(answers.iter().filter(|(s, _)| *s == 201).count(), 1);
    let next = pin(&ada, &v, json!({"x": 0.1, "y": 0.1}), "next")
        .await
        .expect(201);
    assert_eq!(next.body["number"], 3);
}

async fn activity_records_every_change_newest_first(app: TestApp) {
    let ada = app.user("Ada").await;
    let (b, v) = picture(&app, &ada, &[]).await;
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "one")
        .await
        .expect(201);
    let tid = t.body["id"].as_str().unwrap();
    let c = ada
        .post(
            &format!("/api/v1/threads/{tid}/comments"),
            json!({"body": "two"}),
        )
        .await
        .expect(201);
    let cid = c.body["id"].as_str().unwrap();
    ada.patch(&format!("/api/v1/comments/{cid}"), json!({"body": "two!"}))
        .await
        .expect(200);
    ada.delete(&format!("/api/v1/comments/{cid}"))
        .await
        .expect(204);
    ada.patch(
        &format!("/api/v1/threads/{tid}"),
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);
    ada.patch(&format!("/api/v1/threads/{tid}"), json!({"state": "open"}))
        .await
        .expect(200);
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity?limit=4"))
        .await
        .expect(200);
    let kinds = feed.event_kinds();
    assert_eq!(
        kinds,
        [
            "thread.reopened",
            "thread.resolved",
            "comment.deleted",
            "comment.edited"
        ]
    );
    let next = feed.body["next_cursor"].as_str().unwrap();
    let rest = ada
        .get(&format!(
            "/api/v1/boards/{b}/activity?limit=4&cursor={next}"
        ))
        .await
        .expect(200);
    assert_eq!(
        rest.event_kinds(),
        ["comment.added", "thread.opened", "asset.added"]
    );
    assert_eq!(rest.body["items"][1]["event"]["number"], 1);
    assert_eq!(rest.body["items"][1]["actor_name"], "Ada");
    assert!(rest.body["next_cursor"].is_null());
}

async fn review_status_per_version_with_a_board_summary(app: TestApp) {
    let ada = app.user("Ada").await;
    let com = app.user("Com").await;
    let (b, v1) = picture(&app, &ada, &[(&com, "commenter")]).await;
    com.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{v1}/review"),
        Some(json!({"status": "approved"})),
    )
    .await
    .expect(403);
    let approved = ada
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/versions/{v1}/review"),
            Some(json!({"status": "approved"})),
        )
        .await
        .expect(200);
    assert_eq!(approved.body["review_status"], "approved");
    assert_eq!(approved.body["reviewed_by"], ada.id.as_str());
    ada.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{v1}/review"),
        Some(json!({"status": "great"})),
    )
    .await
    .expect(422);
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(
        (
            board.body["asset_count"].clone(),
            board.body["approved_count"].clone()
        ),
        (json!(1), json!(1))
    );
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    let asset_id = assets.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(assets.body["items"][0]["review_status"], "approved");
    // A new version goes back to review; the old one keeps its status.
    let v2 = crate::uploads::new_version(&ada, &b, &asset_id, "Home v2.png").await;
    let asset = ada
        .get(&format!("/api/v1/assets/{asset_id}"))
        .await
        .expect(200);
    assert_eq!(asset.body["review_status"], "in_review");
    let old = ada.get(&format!("/api/v1/versions/{v1}")).await.expect(200);
    assert_eq!(old.body["review_status"], "approved");
    ada.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{v2}/review"),
        Some(json!({"status": "changes_requested"})),
    )
    .await
    .expect(200);
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["changes_requested_count"], 1);
    assert_eq!(board.body["approved_count"], 0);
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    assert_eq!(
        feed.event_kinds()[..3],
        ["review.changed", "version.added", "review.changed"]
    );
}

async fn review(user: &TestUser, version: &str, status: &str) -> Answer {
    user.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{version}/review"),
        Some(json!({ "status": status })),
    )
    .await
}

/// The owner lets reviewers decide: commenters and guests of a commenter
/// link then may, viewers and guests of a view link still may not; every
/// decision is kept with who made it and their role.
async fn reviewers_may_decide_when_the_board_says_so(app: TestApp) {
    let ada = app.user("Ada").await;
    let com = app.user("Com").await;
    let ed = app.user("Ed").await;
    let vic = app.user("Vic").await;
    let (b, v1) = picture(
        &app,
        &ada,
        &[(&com, "commenter"), (&ed, "editor"), (&vic, "viewer")],
    )
    .await;
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["deciders"], "editors");
    let commenting = crate::sharing::link(&ada, &b, json!({"role": "commenter"})).await;
    let viewing = crate::sharing::link(&ada, &b, json!({"role": "viewer"})).await;
    let client = crate::sharing::guest(&app, &commenting, "Cleo Client").await;
    let looker = crate::sharing::guest(&app, &viewing, "Lou").await;
    // Editors only, as before.
    review(&com, &v1, "approved").await.expect(403);
    review(&client, &v1, "approved").await.expect(403);
    let got = com.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(got.body["can"]["decide"], false);

    // Only owners say who decides; editors may set the due date.
    ada.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"deciders": "everyone"}),
    )
    .await
    .expect(422);
    ed.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"deciders": "reviewers"}),
    )
    .await
    .expect(403);
    let due = "2030-01-15T17:00:00Z";
    let set = ed
        .patch(&format!("/api/v1/boards/{b}"), json!({"due_at": due}))
        .await
        .expect(200);
    assert_eq!(set.body["due_at"], due);
    let set = ada
        .patch(
            &format!("/api/v1/boards/{b}"),
            json!({"deciders": "reviewers"}),
        )
        .await
        .expect(200);
    assert_eq!(set.body["deciders"], "reviewers");
    let got = com.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(got.body["can"]["decide"], true);
    let got = vic.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(got.body["can"]["decide"], false);

    review(&vic, &v1, "approved").await.expect(403);
    review(&looker, &v1, "approved").await.expect(403);
    let by_com = review(&com, &v1, "changes_requested").await.expect(200);
    assert_eq!(
        by_com.body["reviewer"],
        json!({"name": "Com", "role": "commenter"})
    );
    let by_client = review(&client, &v1, "approved").await.expect(200);
    assert_eq!(by_client.body["review_status"], "approved");
    assert_eq!(
        by_client.body["reviewer"],
        json!({"name": "Cleo Client", "role": "guest"})
    );
    assert!(
        by_client.body["reviewed_by"].is_null(),
        "a guest is no user"
    );
    // Cards show it too.
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    let card = &assets.body["items"][0];
    assert_eq!(card["review_status"], "approved");
    assert_eq!(card["current_version"]["reviewer"]["name"], "Cleo Client");

    // The history, newest first, for everyone who sees the board.
    let history = client
        .get(&format!("/api/v1/versions/{v1}/decisions"))
        .await
        .expect(200);
    let rows: Vec<(String, String, String)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["status"].as_str().unwrap().to_owned(),
                d["name"].as_str().unwrap().to_owned(),
                d["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let row = |s: &str, n: &str, r: &str| (s.to_owned(), n.to_owned(), r.to_owned());
    assert_eq!(
        rows,
        [
            row("approved", "Cleo Client", "guest"),
            row("changes_requested", "Com", "commenter")
        ]
    );
    assert_eq!(history.body["items"][1]["user_id"], com.id.as_str());
    app.user("Out")
        .await
        .get(&format!("/api/v1/versions/{v1}/decisions"))
        .await
        .expect(404);
    // The activity feed names them as well.
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    assert_eq!(feed.body["items"][0]["event"]["kind"], "review.changed");
    assert_eq!(feed.body["items"][0]["actor_name"], "Cleo Client");

    // Back to editors only: the reviewers' rights go with it.
    ada.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"deciders": "editors", "due_at": null}),
    )
    .await
    .expect(200);
    review(&client, &v1, "in_review").await.expect(403);
    review(&com, &v1, "in_review").await.expect(403);
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert!(board.body["due_at"].is_null());
}

/// Marks drawn with a comment are kept in picture fractions, checked one
/// by one, named in the activity feed, and gone with a deleted comment.
async fn comments_carry_drawings(app: TestApp) {
    let ada = app.user("Ada").await;
    let (b, v) = picture(&app, &ada, &[]).await;
    let arrow = json!({"kind": "arrow", "color": "red", "points": [[0.1, 0.2], [0.4, 0.5]]});
    let stroke =
        json!({"kind": "pen", "color": "blue", "points": [[0.5, 0.5], [0.55, 0.52], [0.6, 0.6]]});
    let t = pin(
        &ada,
        &v,
        json!({"x": 0.4, "y": 0.5, "drawing": [arrow.clone(), stroke.clone()]}),
        "Move this over there",
    )
    .await
    .expect(201);
    assert_eq!(t.body["comments"][0]["drawing"], json!([arrow, stroke]));
    let tid = t.body["id"].as_str().unwrap().to_owned();
    // Bad marks: named by index, nothing stored.
    let bad = pin(
        &ada,
        &v,
        json!({"x": 0.1, "y": 0.1, "drawing": [arrow.clone(),
            {"kind": "rectangle", "color": "green", "points": [[0.1, 0.1], [1.5, 0.2]]}]}),
        "Out of bounds",
    )
    .await
    .expect(422);
    assert_eq!(bad.body["errors"][0]["field"], "drawing[1].points");
    pin(
        &ada,
        &v,
        json!({"x": 0.1, "y": 0.1, "drawing": [{"kind": "star", "color": "red", "points": []}]}),
        "Unknown kind",
    )
    .await
    .expect(422);
    let reply = ada
        .post(
            &format!("/api/v1/threads/{tid}/comments"),
            json!({"body": "And a box", "drawing": [
                {"kind": "rectangle", "color": "green", "points": [[0.1, 0.1], [0.3, 0.2]]},
                {"kind": "rectangle", "color": "green", "points": [[0.5, 0.1], [0.7, 0.2]]}]}),
        )
        .await
        .expect(201);
    assert_eq!(reply.body["drawing"].as_array().unwrap().len(), 2);
    let threads = ada
        .get(&format!("/api/v1/versions/{v}/threads"))
        .await
        .expect(200);
    assert_eq!(
        threads.body["items"].as_array().unwrap().len(),
        1,
        "the refused pins left nothing"
    );
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    assert_eq!(feed.body["items"][0]["event"]["drawing"], "2 rectangles");
    assert_eq!(
        feed.body["items"][1]["event"]["drawing"],
        "an arrow and a freehand line"
    );
    let cid = reply.body["id"].as_str().unwrap();
    ada.delete(&format!("/api/v1/comments/{cid}"))
        .await
        .expect(204);
    let t = ada.get(&format!("/api/v1/threads/{tid}")).await.expect(200);
    assert_eq!(t.body["comments"][1]["drawing"], json!([]));
}

async fn threads_stay_on_their_version_and_open_ones_carry_over(app: TestApp) {
    let ada = app.user("Ada").await;
    let (b, v1) = picture(&app, &ada, &[]).await;
    let open = pin(&ada, &v1, json!({"x": 0.1, "y": 0.1}), "still open")
        .await
        .expect(201);
    let done = pin(&ada, &v1, json!({"x": 0.2, "y": 0.2}), "fixed")
        .await
        .expect(201);
    ada.patch(
        &format!("/api/v1/threads/{}", done.body["id"].as_str().unwrap()),
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    let a = &assets.body["items"][0];
    assert_eq!(
        (
            a["current_version"]["open_thread_count"].clone(),
            a["current_version"]["thread_count"].clone()
        ),
        (json!(1), json!(2))
    );
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["open_thread_count"], 1);
    let asset_id = a["id"].as_str().unwrap().to_owned();
    let v2 = crate::uploads::new_version(&ada, &b, &asset_id, "v2.png").await;
    let on_v2 = ada
        .get(&format!("/api/v1/versions/{v2}/threads"))
        .await
        .expect(200);
    assert_eq!(on_v2.body["items"], json!([]));
    let carried = on_v2.body["open_on_previous_version"].as_array().unwrap();
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0]["id"], open.body["id"]);
    assert_eq!(carried[0]["version_id"], v1.as_str());
    let on_v1 = ada
        .get(&format!("/api/v1/versions/{v1}/threads"))
        .await
        .expect(200);
    assert_eq!(on_v1.body["items"].as_array().unwrap().len(), 2);
    // The board counts open threads of current versions only.
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["open_thread_count"], 0);
    // A new thread on v2 continues the asset's numbering.
    let next = pin(&ada, &v2, json!({"x": 0.3, "y": 0.3}), "new")
        .await
        .expect(201);
    assert_eq!(next.body["number"], 3);
}

/// The board page (assets with counts) and the asset page (versions,
/// threads, comments) cost the same SQL at two data sizes.
async fn board_and_asset_pages_run_constant_queries(app: TestApp) {
    let ada = app.user("Ada").await;
    let small = board(&app, &ada, &[]).await;
    let ws = ada.get(&format!("/api/v1/boards/{small}")).await.body["workspace_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let big = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "Big"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut versions = Vec::new();
    for (b, n) in [(&small, 2), (&big, 12)] {
        let mut last = String::new();
        for i in 0..n {
            let a = upload(&ada, b, &format!("p{i}.png"), &png(40, 30)).await;
            last = a["current_version"]["id"].as_str().unwrap().to_owned();
        }
        versions.push(last);
    }
    for (v, threads) in [(&versions[0], 1), (&versions[1], 15)] {
        for i in 0..threads {
            let t = pin(&ada, v, json!({"x": 0.5, "y": 0.5}), &format!("t{i} @ada"))
                .await
                .expect(201);
            ada.post(
                &format!(
                    "/api/v1/threads/{}/comments",
                    t.body["id"].as_str().unwrap()
                ),
                json!({"body": "re"}),
            )
            .await
            .expect(201);
        }
    }
    let a = ada
        .get(&format!("/api/v1/boards/{small}/assets"))
        .await
        .expect(200)
        .queries();
    let b = ada
        .get(&format!("/api/v1/boards/{big}/assets"))
        .await
        .expect(200)
        .queries();
    assert_eq!(a, b, "board page");
    let a = ada
        .get(&format!("/api/v1/versions/{}/threads", versions[0]))
        .await
        .expect(200)
        .queries();
    let b = ada
        .get(&format!("/api/v1/versions/{}/threads", versions[1]))
        .await
        .expect(200)
        .queries();
    assert_eq!(a, b, "asset page threads");
    let a = ada
        .get(&format!("/api/v1/boards/{small}"))
        .await
        .expect(200)
        .queries();
    let b = ada
        .get(&format!("/api/v1/boards/{big}"))
        .await
        .expect(200)
        .queries();
    assert_eq!(a, b, "board with counts");
}

/// Runs writes straight on the database: for columns the API cannot set
/// in a test (a capture's fields, a guest's comment).
async fn set_in_database(app: &TestApp, writes: Vec<(&str, Vec<SqlValue>)>) {
    use critboard_store::sea_orm::ConnectionTrait;
    for (sql, values) in writes {
        app.store
            .conn()
            .execute(app.store.stmt(sql, values))
            .await
            .unwrap();
    }
}

fn sql_id(text: &str) -> SqlValue {
    text.parse::<uuid::Uuid>().unwrap().into()
}

/// Threads and comments read on SQLite as one JSON value must equal the
/// same rows read one by one (elsewhere both are rows), every column set
/// and unset, doubles to the last bit.
async fn threads_and_comments_read_the_same_as_json_and_as_rows(app: TestApp) {
    use critboard_store::entities::{comment, thread};
    use critboard_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let ada = app.user("Ada").await;
    let (_, v) = picture(&app, &ada, &[]).await;
    let mut threads = Vec::new();
    for (i, shape) in [
        json!({"x": 0.25, "y": 0.5}),
        json!({"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.4}),
        json!({"x": 0.75, "y": 0.75}),
    ]
    .into_iter()
    .enumerate()
    {
        let t = pin(&ada, &v, shape, &format!("t{i} \"Ünïcode\" @ada"))
            .await
            .expect(201);
        let id = t.body["id"].as_str().unwrap().to_owned();
        ada.post(
            &format!("/api/v1/threads/{id}/comments"),
            json!({"body": "re\n<b>x</b>"}),
        )
        .await
        .expect(201);
        threads.push(id);
    }
    let writes: Vec<(&str, Vec<SqlValue>)> = vec![
        (
            "UPDATE threads SET x = ?, y = ?, w = ?, h = ?, state = 2, resolved_by = ?, \
             resolved_at = ?, created_by_guest = ?, page = 3 WHERE id = ?",
            vec![
                0.123_456_789_012_345_68_f64.into(),
                (1.0_f64 / 3.0).into(),
                1e-7_f64.into(),
                0.999_999_999_999_999_9_f64.into(),
                sql_id(&ada.id),
                app.store.now().into(),
                sql_id(&threads[2]),
                sql_id(&threads[0]),
            ],
        ),
        (
            "UPDATE comments SET guest_name = ?, guest_id = ?, author_id = NULL, edited_at = ?, \
             deleted_at = ?, drawing = ?, mentions = ? WHERE thread_id = ?",
            vec![
                "Gäst \"G\"".into(),
                sql_id(&threads[1]),
                app.store.now().into(),
                app.store.now().into(),
                Some("[{\"kind\":\"line\"}]".to_owned()).into(),
                "[]".into(),
                sql_id(&threads[1]),
            ],
        ),
    ];
    set_in_database(&app, writes).await;
    let version: uuid::Uuid = v.parse().unwrap();
    let read = app.store.threads_of_version(version, None).await.unwrap();
    let rows = thread::Entity::find()
        .filter(thread::Column::VersionId.eq(version))
        .order_by_asc(thread::Column::Number)
        .all(app.store.conn())
        .await
        .unwrap();
    assert_eq!(read.len(), 3);
    assert_eq!(read, rows);
    assert_eq!(read[0].x, 0.123_456_789_012_345_68);
    let ids: Vec<uuid::Uuid> = rows.iter().map(|t| t.id).collect();
    let read = app.store.comments_of(ids.clone()).await.unwrap();
    let rows = comment::Entity::find()
        .filter(comment::Column::ThreadId.is_in(ids))
        .order_by_asc(comment::Column::CreatedAt)
        .order_by_asc(comment::Column::Id)
        .all(app.store.conn())
        .await
        .unwrap();
    assert_eq!(read.len(), 6);
    assert_eq!(read, rows);
    assert!(read
        .iter()
        .any(|c| c.drawing.is_some() && c.guest_id.is_some()));
}

/// The board page reads its cards in one JSON value on SQLite and in rows
/// elsewhere; each card must equal the asset read alone (`GET
/// /assets/{id}`, always the row path), with every column set and unset.
async fn a_board_page_card_reads_as_the_asset_alone(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let mut ids = Vec::new();
    for name in ["Plain", "Ünïcode \"quoted\"", "Capture", "Failed", "Empty"] {
        let a = upload(&ada, &b, &format!("{name}.png"), &png(40, 30)).await;
        let id = a["id"].as_str().unwrap().to_owned();
        crate::uploads::wait_ready(&ada, &id).await;
        ids.push(id);
    }
    let current = |body: &Value| body["current_version"]["id"].as_str().unwrap().to_owned();
    let mut versions = Vec::new();
    for id in &ids {
        versions.push(current(
            &ada.get(&format!("/api/v1/assets/{id}"))
                .await
                .expect(200)
                .body,
        ));
    }
    // Threads open and resolved, and a decision with its reviewer.
    for i in 0..3 {
        let t = pin(
            &ada,
            &versions[1],
            json!({"x": 0.5, "y": 0.5}),
            &format!("t{i}"),
        )
        .await
        .expect(201);
        if i == 0 {
            let path = format!("/api/v1/threads/{}", t.body["id"].as_str().unwrap());
            ada.patch(&path, json!({"state": "resolved"}))
                .await
                .expect(200);
        }
    }
    ada.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{}/review", versions[1]),
        Some(json!({"status": "changes_requested"})),
    )
    .await
    .expect(200);
    // Every column the API cannot set by itself here, set in the database:
    // a capture (ids, a flag, times), a failure, and an asset with no
    // current version.
    let writes: Vec<(&str, Vec<SqlValue>)> = vec![
        (
            "UPDATE assets SET kind = 2, source_url = ?, capture_width = 390 WHERE id = ?",
            vec![
                "https://example.com/pricing?a=1&b=\"2\"".into(),
                sql_id(&ids[2]),
            ],
        ),
        (
            "UPDATE versions SET capture_request_id = ?, capture_url = ?, captured_at = ?, \
             page_height = 20000, truncated = ?, page_count = 3, sha256 = NULL WHERE id = ?",
            vec![
                sql_id(&ids[0]),
                "https://example.com/pricing".into(),
                app.store.now().into(),
                true.into(),
                sql_id(&versions[2]),
            ],
        ),
        (
            "UPDATE versions SET state = 4, failure = ?, reviewed_by_guest = ? WHERE id = ?",
            vec![
                "not a picture: <b>é</b>".into(),
                sql_id(&ids[1]),
                sql_id(&versions[3]),
            ],
        ),
        (
            "DELETE FROM thumbnails WHERE version_id = ?",
            vec![sql_id(&versions[3])],
        ),
        (
            "UPDATE assets SET current_version_id = NULL WHERE id = ?",
            vec![sql_id(&ids[4])],
        ),
    ];
    set_in_database(&app, writes).await;

    let page = ada
        .get(&format!("/api/v1/boards/{b}/assets?limit=200"))
        .await
        .expect(200);
    let cards = page.body["items"].as_array().unwrap();
    assert_eq!(cards.len(), ids.len());
    for (card, id) in cards.iter().zip(&ids) {
        let mut alone = ada
            .get(&format!("/api/v1/assets/{id}"))
            .await
            .expect(200)
            .body;
        alone.as_object_mut().unwrap().remove("versions");
        assert_eq!(card, &alone);
    }
    // The columns set above reached the cards.
    assert_eq!(cards[1]["current_version"]["open_thread_count"], 2);
    assert_eq!(cards[1]["current_version"]["thread_count"], 3);
    assert_eq!(
        cards[1]["current_version"]["review_status"],
        "changes_requested"
    );
    assert_eq!(cards[2]["kind"], "capture");
    assert_eq!(cards[2]["current_version"]["capture"]["truncated"], true);
    assert_eq!(cards[2]["current_version"]["page_count"], 3);
    assert_eq!(cards[3]["current_version"]["state"], "failed");
    assert!(cards[3]["current_version"]["thumbnails"]["grid"].is_null());
    assert!(cards[0]["current_version"]["thumbnails"]["grid"]["url"].is_string());
    assert!(cards[4]["current_version"].is_null());
}

async fn board_page_pages_through_assets_in_board_order(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let mut titles = Vec::new();
    for i in 0..7 {
        upload(&ada, &b, &format!("p{i}.png"), &png(20, 10)).await;
        titles.push(format!("p{i}"));
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/boards/{b}/assets?limit=3&cursor={c}"),
            None => format!("/api/v1/boards/{b}/assets?limit=3"),
        };
        let page = ada.get(&path).await.expect(200);
        let n = page.body["items"].as_array().unwrap().len();
        assert!(n <= 3);
        seen.extend(page.item_texts("title"));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, titles, "every asset once, in board order");
    ada.get(&format!("/api/v1/boards/{b}/assets?cursor=bogus"))
        .await
        .expect(422);
    ada.get(&format!("/api/v1/boards/{b}/assets?limit=0"))
        .await
        .expect(422);
}

async fn membership_changes_are_events(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let b = board(&app, &ada, &[&bob]).await;
    let members = format!("/api/v1/boards/{b}/members");
    ada.post(&members, json!({"user_id": bob.id, "role": "viewer"}))
        .await
        .expect(201);
    ada.patch(&format!("{members}/{}", bob.id), json!({"role": "editor"}))
        .await
        .expect(200);
    ada.delete(&format!("{members}/{}", bob.id))
        .await
        .expect(204);
    let feed = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    assert_eq!(
        feed.event_kinds(),
        ["member.removed", "member.role_changed", "member.added"]
    );
    assert_eq!(feed.body["items"][1]["event"]["role"], "editor");
}

backend_tests!(
    a_board_page_card_reads_as_the_asset_alone,
    threads_and_comments_read_the_same_as_json_and_as_rows,
    board_page_pages_through_assets_in_board_order,
    membership_changes_are_events,
    review_status_per_version_with_a_board_summary,
    reviewers_may_decide_when_the_board_says_so,
    comments_carry_drawings,
    threads_stay_on_their_version_and_open_ones_carry_over,
    board_and_asset_pages_run_constant_queries,
    pins_and_areas_are_numbered_and_carry_comments,
    parallel_threads_get_distinct_consecutive_numbers,
    replies_edits_deletes_and_mentions,
    comments_keep_line_breaks_and_tabs,
    quotes_follow_edits_and_vanish_with_deletions,
    the_feed_pages_past_unreadable_events_and_forgets_deleted_pictures,
    edits_notify_only_new_mentions,
    resolving_follows_the_role_table,
    discussion_routes_follow_the_role_table,
    retried_threads_and_comments_with_the_same_key_are_not_duplicated,
    the_same_key_sent_at_once_makes_one_thread_or_comment,
    activity_records_every_change_newest_first,
);
