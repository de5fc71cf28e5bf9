//! Reviews submitted as a batch: drafts only their author sees (API and
//! live stream), one notification per person for the whole review, the
//! decision setting the review status, discarding leaving nothing, guests.

use crate::backend_tests;
use crate::discussion::{picture, pin};
use crate::helpers::{TestApp, TestUser};
use crate::live::Stream;
use crate::sharing::{guest, link};
use critboard_store::sea_orm::ConnectionTrait;
use serde_json::{json, Value};

async fn unread(user: &TestUser) -> i64 {
    let inbox = user.get("/api/v1/notifications").await.expect(200);
    inbox.body["unread_count"].as_i64().unwrap()
}

/// Rows in each table a review may write to.
async fn rows(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in [
        "threads",
        "comments",
        "events",
        "notifications",
        "decisions",
        "reviews",
        "review_items",
    ] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = app
            .store
            .conn()
            .query_one(app.store.stmt(&sql, vec![]))
            .await
            .unwrap()
            .unwrap();
        out.push((table, row.try_get::<i64>("", "n").unwrap()));
    }
    out
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn threads(user: &TestUser, version: &str) -> Vec<Value> {
    let got = user
        .get(&format!("/api/v1/versions/{version}/threads"))
        .await
        .expect(200);
    got.body["items"].as_array().unwrap().clone()
}

async fn a_review_stays_private_until_submitted_then_is_told_once(app: TestApp) {
    let olga = app.user("Olga").await;
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let cy = app.user("Cy").await;
    let (b, v) = picture(
        &app,
        &olga,
        &[(&ada, "editor"), (&bob, "commenter"), (&cy, "viewer")],
    )
    .await;
    let first = pin(&bob, &v, json!({"x": 0.1, "y": 0.1}), "Logo?")
        .await
        .expect(201);
    let mut bobs_stream = Stream::open(&bob, &b, None).await;
    let unread_before = [unread(&olga).await, unread(&bob).await, unread(&cy).await];
    let adas_before = unread(&ada).await;

    // Started once; asking again gives the same draft.
    let review = ada
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201)
        .body;
    assert_eq!(review["state"], "draft");
    let again = ada
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(200);
    assert_eq!(again.body["id"], review["id"]);
    let r = id(&review);
    let items = format!("/api/v1/reviews/{r}/items");
    let pinned = ada
        .post(
            &items,
            json!({"version_id": v, "x": 0.5, "y": 0.5, "body": "Tighten this @bob"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(pinned["kind"], "thread");
    assert_eq!(pinned["mentions"][0]["display_name"], "Bob");
    let area = ada
        .post(
            &items,
            json!({"version_id": v, "x": 0.2, "y": 0.2, "w": 0.3, "h": 0.3, "body": "Gone later"}),
        )
        .await
        .expect(201)
        .body;
    let reply = ada
        .post(
            &items,
            json!({"thread_id": first.body["id"], "body": "Agreed, bigger"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(reply["kind"], "reply");
    ada.post(
        &items,
        json!({"version_id": v, "thread_id": first.body["id"], "body": "both"}),
    )
    .await
    .expect(422);
    // A picture on another board (Ada's own) is not this review's.
    let (_, elsewhere) = picture(&app, &ada, &[]).await;
    let wrong = ada
        .post(
            &items,
            json!({"version_id": elsewhere, "x": 0.5, "y": 0.5, "body": "Here?"}),
        )
        .await
        .expect(422)
        .body;
    assert_eq!(wrong["errors"][0]["field"], "version_id", "{wrong}");
    let wrong = ada
        .post(
            &format!("/api/v1/reviews/{r}/submit"),
            json!({"decisions": [{"version_id": elsewhere, "status": "approved"}]}),
        )
        .await
        .expect(422)
        .body;
    assert_eq!(wrong["errors"][0]["field"], "decisions", "{wrong}");

    // Nobody else sees any of it.
    let bobs_threads = threads(&bob, &v).await;
    assert_eq!(bobs_threads.len(), 1);
    assert_eq!(bobs_threads[0]["comments"].as_array().unwrap().len(), 1);
    bob.get(&format!("/api/v1/reviews/{r}")).await.expect(404);
    bob.post(
        &items,
        json!({"thread_id": first.body["id"], "body": "mine"}),
    )
    .await
    .expect(404);
    let bobs_list = bob
        .get(&format!("/api/v1/boards/{b}/reviews"))
        .await
        .expect(200);
    assert_eq!(bobs_list.body["items"].as_array().unwrap().len(), 0);
    let feed = bob
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    assert!(!feed.body.to_string().contains("Tighten"));
    assert_eq!(
        [unread(&olga).await, unread(&bob).await, unread(&cy).await],
        unread_before
    );

    // The author's draft survives a reload, and can be edited.
    let reloaded = ada
        .get(&format!("/api/v1/boards/{b}/reviews"))
        .await
        .expect(200);
    let draft = &reloaded.body["items"][0];
    assert_eq!(draft["id"], r.as_str());
    assert_eq!(draft["items"].as_array().unwrap().len(), 3);
    ada.patch(
        &format!("/api/v1/review-items/{}", id(&pinned)),
        json!({"body": "Tighten the logo @bob"}),
    )
    .await
    .expect(200);
    ada.delete(&format!("/api/v1/review-items/{}", id(&area)))
        .await
        .expect(204);

    let done = ada
        .post(
            &format!("/api/v1/reviews/{r}/submit"),
            json!({"summary": "Close, two things", "decisions": [{"version_id": v, "status": "changes_requested"}]}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(done["state"], "submitted");
    assert_eq!(done["threads"], 1);
    assert_eq!(done["replies"], 1);

    // The first news Bob's stream gets is the review, whole.
    let news = bobs_stream.event().await;
    assert_eq!(news.data["event"]["kind"], "review.submitted");
    assert_eq!(news.data["event"]["threads"], 1);
    assert_eq!(
        news.data["event"]["decisions"][0]["status"],
        "changes_requested"
    );

    let now = threads(&bob, &v).await;
    assert_eq!(now.len(), 2);
    assert_eq!(now[0]["comments"][1]["body"], "Agreed, bigger");
    assert_eq!(now[1]["number"], 2);
    assert_eq!(now[1]["comments"][0]["body"], "Tighten the logo @bob");
    assert_eq!(now[1]["comments"][0]["author"]["display_name"], "Ada");
    let version = olga
        .get(&format!("/api/v1/versions/{v}/decisions"))
        .await
        .expect(200);
    assert_eq!(version.body["items"][0]["status"], "changes_requested");
    assert_eq!(version.body["items"][0]["name"], "Ada");
    let status = olga.get(&format!("/api/v1/versions/{v}")).await.expect(200);
    assert_eq!(status.body["review_status"], "changes_requested");
    assert_eq!(status.body["reviewer"]["name"], "Ada");

    // One notification each for the whole review; Bob's is a mention.
    let after = [unread(&olga).await, unread(&bob).await, unread(&cy).await];
    for (a, b) in after.iter().zip(unread_before) {
        assert_eq!(*a, b + 1);
    }
    let inbox = bob.get("/api/v1/notifications").await.expect(200);
    assert_eq!(
        inbox.body["items"][0]["event"]["event"]["kind"],
        "review.submitted"
    );
    assert_eq!(inbox.body["items"][0]["mention"], true);
    assert_eq!(unread(&ada).await, adas_before, "the author is not told");

    // Submitted is final; the record stays for everyone who sees the board.
    ada.post(&format!("/api/v1/reviews/{r}/submit"), json!({}))
        .await
        .expect(409);
    ada.post(
        &items,
        json!({"thread_id": first.body["id"], "body": "late"}),
    )
    .await
    .expect(409);
    let seen = cy.get(&format!("/api/v1/reviews/{r}")).await.expect(200);
    assert_eq!(seen.body["summary"], "Close, two things");
    assert_eq!(seen.body["items"].as_array().unwrap().len(), 0);
    // A new review can start.
    let next = ada
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201);
    assert_ne!(next.body["id"], review["id"]);
}

async fn discarding_a_review_leaves_nothing(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (b, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    let first = pin(&ada, &v, json!({"x": 0.1, "y": 0.1}), "One")
        .await
        .expect(201);
    let before = rows(&app).await;
    let r = bob
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201)
        .body;
    let items = format!("/api/v1/reviews/{}/items", id(&r));
    bob.post(
        &items,
        json!({"version_id": v, "x": 0.4, "y": 0.4, "body": "Draft"}),
    )
    .await
    .expect(201);
    // What people type comes back as typed: line breaks, a word longer
    // than any line, emoji and right-to-left text.
    let typed = format!("First line\n\nsecond 👍🏽 — שלום עולם\n{}", "x".repeat(300));
    let reply = bob
        .post(
            &items,
            json!({"thread_id": first.body["id"], "body": format!("  {typed}\n ")}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(reply["body"], typed.as_str());
    // Someone else cannot discard it; its author can.
    ada.delete(&format!("/api/v1/reviews/{}", id(&r)))
        .await
        .expect(404);
    bob.delete(&format!("/api/v1/reviews/{}", id(&r)))
        .await
        .expect(204);
    assert_eq!(rows(&app).await, before);
    bob.get(&format!("/api/v1/reviews/{}", id(&r)))
        .await
        .expect(404);
    // Nothing to publish is refused, and leaves the draft as it was.
    let empty = bob
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201)
        .body;
    bob.post(&format!("/api/v1/reviews/{}/submit", id(&empty)), json!({}))
        .await
        .expect(422);
    // Deciding needs the right to decide: refused whole.
    bob.post(
        &items.replace(&id(&r), &id(&empty)),
        json!({"version_id": v, "x": 0.4, "y": 0.4, "body": "Draft"}),
    )
    .await
    .expect(201);
    let refused = bob
        .post(
            &format!("/api/v1/reviews/{}/submit", id(&empty)),
            json!({"decisions": [{"version_id": v, "status": "approved"}]}),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);
    assert_eq!(threads(&ada, &v).await.len(), 1);
}

async fn guests_of_a_commenter_link_review_under_their_name(app: TestApp) {
    let olga = app.user("Olga").await;
    let (b, v) = picture(&app, &olga, &[]).await;
    let viewing = link(&olga, &b, json!({"role": "viewer"})).await;
    let watcher = guest(&app, &viewing, "Wendy").await;
    watcher
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(403);
    let commenting = link(&olga, &b, json!({"role": "commenter"})).await;
    let gus = guest(&app, &commenting, "Gus Client").await;
    let r = gus
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201)
        .body;
    assert_eq!(r["name"], "Gus Client");
    assert!(r["guest_id"].is_string());
    gus.post(
        &format!("/api/v1/reviews/{}/items", id(&r)),
        json!({"version_id": v, "x": 0.3, "y": 0.3, "body": "Make it pop"}),
    )
    .await
    .expect(201);
    // Another guest of the same link does not see it.
    let other = guest(&app, &commenting, "Hal").await;
    other
        .get(&format!("/api/v1/reviews/{}", id(&r)))
        .await
        .expect(404);
    assert_eq!(threads(&olga, &v).await.len(), 0);
    let before = unread(&olga).await;
    gus.post(
        &format!("/api/v1/reviews/{}/submit", id(&r)),
        json!({"summary": "From the client"}),
    )
    .await
    .expect(200);
    let now = threads(&olga, &v).await;
    assert_eq!(now.len(), 1);
    assert_eq!(now[0]["comments"][0]["guest_name"], "Gus Client");
    assert_eq!(now[0]["created_by_guest"], r["guest_id"]);
    assert_eq!(unread(&olga).await, before + 1);
}

backend_tests!(
    a_review_stays_private_until_submitted_then_is_told_once,
    discarding_a_review_leaves_nothing,
    guests_of_a_commenter_link_review_under_their_name,
);
