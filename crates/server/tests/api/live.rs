//! Live streams: delivery, replay after reconnect, access that ends,
//! presence, and events crossing nodes.

use crate::backend_tests;
use crate::discussion::{picture, pin};
use crate::helpers::{spawn_app_with, Backend, TestApp, TestUser};
use serde_json::{json, Value};
use std::time::Duration;

/// One Server-Sent Events message.
#[derive(Debug)]
pub struct Message {
    pub id: Option<String>,
    pub event: String,
    pub data: Value,
}

/// An open stream, read message by message.
pub struct Stream {
    res: reqwest::Response,
    buf: String,
}

impl Stream {
    pub async fn open(user: &TestUser, board: &str, last: Option<&str>) -> Stream {
        Stream::open_at(user, &format!("/api/v1/boards/{board}/stream"), last).await
    }

    /// Someone's inbox stream (their unread count).
    pub async fn inbox(user: &TestUser) -> Stream {
        Stream::open_at(user, "/api/v1/me/stream", None).await
    }

    async fn open_at(user: &TestUser, path: &str, last: Option<&str>) -> Stream {
        let mut req = user.client.get(format!("{}{path}", user.base));
        if let Some(last) = last {
            req = req.header("last-event-id", last);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "stream refused");
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Stream {
            res,
            buf: String::new(),
        }
    }

    /// The next message; `None` when the server closed the stream.
    pub async fn next(&mut self) -> Option<Message> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut msg = Message {
                    id: None,
                    event: "message".into(),
                    data: Value::Null,
                };
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        msg.id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        msg.event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                msg.data = serde_json::from_str(&data).unwrap();
                return Some(msg);
            }
            // 20 s: under a loaded CI a stream may only end at its 15 s recheck.
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.res.chunk())
                .await
                .expect("a message within 20 s")
                .ok()??;
            self.buf.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// Skips presence messages up to the next board event.
    pub async fn event(&mut self) -> Message {
        loop {
            let m = self.next().await.expect("stream still open");
            if m.event == "event" {
                return m;
            }
        }
    }

    /// The next presence list, as sorted display names.
    pub async fn presence(&mut self) -> Vec<String> {
        loop {
            let m = self.next().await.expect("stream still open");
            if m.event == "presence" {
                let mut names: Vec<String> = m.data["viewers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v["display_name"].as_str().unwrap().to_owned())
                    .collect();
                names.sort();
                return names;
            }
        }
    }

    /// Reads presence lists until one names exactly `names`.
    pub async fn presence_becomes(&mut self, names: &[&str]) {
        while self.presence().await != names {}
    }

    /// Reads until the server ends the stream; returns the `end` reason.
    pub async fn ended(&mut self) -> String {
        while let Some(m) = self.next().await {
            if m.event == "end" {
                return m.data["reason"].as_str().unwrap().to_owned();
            }
        }
        panic!("closed without an end message");
    }
}

async fn events_arrive_live_and_missed_ones_replay(app: TestApp) {
    let ada = app.user("Ada").await;
    let (b, v) = picture(&app, &ada, &[]).await;
    let mut s = Stream::open(&ada, &b, None).await;
    assert_eq!(s.presence().await, vec!["Ada"]);
    let t = pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "Live?")
        .await
        .expect(201);
    let got = s.event().await;
    assert_eq!(got.data["event"]["kind"], "thread.opened");
    assert_eq!(got.data["event"]["thread_id"], t.body["id"]);
    let last = got.id.clone().unwrap();
    drop(s);

    // While disconnected: a reply and a resolve.
    let tid = t.body["id"].as_str().unwrap();
    ada.post(
        &format!("/api/v1/threads/{tid}/comments"),
        json!({"body": "missed"}),
    )
    .await
    .expect(201);
    ada.patch(
        &format!("/api/v1/threads/{tid}"),
        json!({"state": "resolved"}),
    )
    .await
    .expect(200);
    let mut s = Stream::open(&ada, &b, Some(&last)).await;
    assert_eq!(s.event().await.data["event"]["kind"], "comment.added");
    assert_eq!(s.event().await.data["event"]["kind"], "thread.resolved");
    // Then live again, without repeats.
    pin(&ada, &v, json!({"x": 0.2, "y": 0.2}), "after")
        .await
        .expect(201);
    let next = s.event().await;
    assert_eq!(next.data["event"]["kind"], "thread.opened");
    assert_ne!(next.id.as_deref(), Some(last.as_str()));

    let bad = ada
        .client
        .get(format!("{}/api/v1/boards/{b}/stream", ada.base))
        .header("last-event-id", "yesterday")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

async fn streams_end_when_access_ends(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let outsider = app.user("Out").await;
    let (b, _) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    let path = format!("/api/v1/boards/{b}/stream");
    assert_eq!(outsider.get(&path).await.status.as_u16(), 404);
    assert_eq!(app.anon().get(&path).await.status.as_u16(), 401);

    let mut bobs = Stream::open(&bob, &b, None).await;
    bobs.presence().await;
    ada.delete(&format!("/api/v1/boards/{b}/members/{}", bob.id))
        .await
        .expect(204);
    assert_eq!(bobs.ended().await, "access");

    let link = ada
        .post(
            &format!("/api/v1/boards/{b}/share-links"),
            json!({"role": "viewer"}),
        )
        .await
        .expect(201)
        .body;
    let guest = app.anon();
    guest
        .post(
            &format!("/api/v1/share/{}/session", link["token"].as_str().unwrap()),
            json!({"display_name": "Gwen"}),
        )
        .await
        .expect(201);
    let mut gs = Stream::open(&guest, &b, None).await;
    assert!(gs.presence().await.contains(&"Gwen".to_owned()));
    ada.delete(&format!(
        "/api/v1/share-links/{}",
        link["id"].as_str().unwrap()
    ))
    .await
    .expect(204);
    assert_eq!(gs.ended().await, "access");
}

async fn presence_shows_who_has_the_board_open(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (b, _) = picture(&app, &ada, &[(&bob, "viewer")]).await;
    let mut adas = Stream::open(&ada, &b, None).await;
    assert_eq!(adas.presence().await, vec!["Ada"]);
    let mut bobs = Stream::open(&bob, &b, None).await;
    assert_eq!(bobs.presence().await, vec!["Ada", "Bob"]);
    adas.presence_becomes(&["Ada", "Bob"]).await;
    // A second tab does not make Bob twice.
    let mut bobs2 = Stream::open(&bob, &b, None).await;
    assert_eq!(bobs2.presence().await, vec!["Ada", "Bob"]);
    drop(bobs);
    drop(bobs2);
    adas.presence_becomes(&["Ada"]).await;
}

/// Two nodes on one database: a change made through node A reaches a
/// stream on node B (PostgreSQL by NOTIFY, MySQL by polling).
async fn events_cross_nodes(backend: Backend) {
    if backend == Backend::Sqlite {
        return; // one node per SQLite file
    }
    let Some(a) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let url = a.database_url.clone();
    let Some(node_b) = spawn_app_with(backend, move |c| c.database_url = url).await else {
        return;
    };
    let ada = a.user("Ada").await;
    let (b, v) = picture(&a, &ada, &[]).await;
    let on_b = TestUser {
        client: ada.client.clone(),
        base: node_b.base.clone(),
        id: ada.id.clone(),
        email: ada.email.clone(),
        csrf: ada.csrf.clone(),
        bearer: None,
    };
    let mut s = Stream::open(&on_b, &b, None).await;
    s.presence().await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "from node A")
        .await
        .expect(201);
    let got = s.event().await;
    assert_eq!(got.data["event"]["kind"], "thread.opened");
}

/// The inbox badge follows the unread count live: a new notification and
/// reading it each send the new count, and nothing else is sent.
async fn inbox_counts_arrive_live(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let (_, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    let mut s = Stream::inbox(&bob).await;
    let unread = |m: Message| {
        assert_eq!(m.event, "unread");
        m.data["unread_count"].as_i64().unwrap()
    };
    let first = unread(s.next().await.unwrap());
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "Bob, look at this")
        .await
        .expect(201);
    assert_eq!(unread(s.next().await.unwrap()), first + 1);
    bob.post("/api/v1/notifications/read", json!({"all": true}))
        .await
        .expect(200);
    assert_eq!(unread(s.next().await.unwrap()), 0);
    // Someone else's news sends Bob nothing.
    let (_, other) = picture(&app, &ada, &[]).await;
    pin(
        &ada,
        &other,
        json!({"x": 0.2, "y": 0.2}),
        "Only Ada's board",
    )
    .await
    .expect(201);
    pin(&ada, &v, json!({"x": 0.3, "y": 0.3}), "Bob again")
        .await
        .expect(201);
    assert_eq!(
        unread(s.next().await.unwrap()),
        1,
        "one message, for Bob's own news"
    );
    app.anon().get("/api/v1/me/stream").await.expect(401);
}

backend_tests!(
    inbox_counts_arrive_live,
    events_arrive_live_and_missed_ones_replay,
    streams_end_when_access_ends,
    presence_shows_who_has_the_board_open,
);
crate::backend_tests_with_config!(events_cross_nodes);
