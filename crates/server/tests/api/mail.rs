//! E-mail: verification links, digests delivered to a real SMTP server
//! (aiosmtpd), unsubscribe, and retries while the SMTP server is down.

use crate::discussion::{picture, pin};
use crate::helpers::{spawn_app_with, Backend, TestApp, TestUser};
use critboard_domain::EmailFrequency;
use critboard_server::mail::{digest, guest_replies, reminders};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A real SMTP server (aiosmtpd, installed by `make test`) that stores
/// what it receives in a maildir.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpSink {
    /// `None` (printed) when aiosmtpd is missing, unless CI requires it.
    pub fn start(port: u16) -> Option<SmtpSink> {
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else {
            return missing("python3 is not installed");
        };
        let sink = SmtpSink { child, port, dir };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(15) {
                return missing("aiosmtpd did not start (pip install aiosmtpd)");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(sink)
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, decoded enough to search in.
    pub fn messages(&self) -> Vec<Mail> {
        read_mails(&self.dir.path().join("maildir").join("new"))
    }

    /// Waits until `n` messages arrived (10 s at most).
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let started = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n || started.elapsed() > Duration::from_secs(20) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Waits until a job of `kind` has failed at least once (the SMTP server
/// is away).
async fn failed_once(app: &TestApp, kind: &str) {
    use critboard_store::entities::job;
    use critboard_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let started = Instant::now();
    loop {
        let failed = job::Entity::find()
            .filter(job::Column::Kind.eq(kind))
            .filter(job::Column::LastError.is_not_null())
            .one(app.store.conn())
            .await
            .unwrap();
        if failed.is_some() {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{kind} never failed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn missing(reason: &str) -> Option<SmtpSink> {
    if std::env::var("CRITBOARD_TEST_REQUIRE_BACKENDS").as_deref() == Ok("1") {
        panic!("the SMTP test server is required: {reason}");
    }
    eprintln!("SKIPPED: {reason}");
    None
}

/// A received message: its raw text with quoted-printable undone.
#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: String,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_lowercase());
        let head = self.raw.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded
            .split("\r\n")
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    pub fn to(&self) -> String {
        self.header("X-RcptTo").unwrap_or_default()
    }
}

fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn read_mails(dir: &Path) -> Vec<Mail> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_none_or(|e| e != "tmp"));
    files.sort();
    files
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|raw| Mail {
            raw: decode_qp(&raw.replace("\r\n", "\n").replace('\n', "\r\n")),
        })
        .collect()
}

/// The e-mails the default transport wrote into the data folder.
async fn outbox(app: &TestApp, n: usize) -> Vec<Mail> {
    let dir = app.dir.join("outbox");
    let started = Instant::now();
    loop {
        let got = read_mails(&dir);
        if got.len() >= n || started.elapsed() > Duration::from_secs(10) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn link_in(mail: &Mail, marker: &str) -> String {
    let at = mail.raw.find(marker).expect("the link is in the e-mail");
    mail.raw[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .next()
        .unwrap()
        .to_owned()
}

async fn verify(app: &TestApp, user: &TestUser) {
    let id = uuid::Uuid::parse_str(&user.id).unwrap();
    app.store.set_email_verified(id).await.unwrap();
}

/// What a digest says of people joining, leaving and links, in sentences;
/// news of share links only for those who manage them; comments quoted
/// with their line breaks.
async fn digests_say_who_joined_in_sentences_and_keep_links_to_owners(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let olga = app.user("Olga").await;
    let dee = app.user("Dee").await;
    for u in [&ada, &bob, &olga] {
        verify(&app, u).await;
    }
    let members = [(&bob, "commenter"), (&olga, "owner"), (&dee, "viewer")];
    let (b, v) = picture(&app, &ada, &members).await;
    ada.post(
        &format!("/api/v1/boards/{b}/invitations"),
        json!({"email": "cy@example.com", "role": "commenter"}),
    )
    .await
    .expect(201);
    let token = token_of(&link_in(
        &mails_to(&app, "cy@example.com", 1).await[0],
        "/invite?token=",
    ));
    app.anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "cy@example.com", "display_name": "Cy",
                   "password": crate::helpers::PASSWORD, "invitation": token}),
        )
        .await
        .expect(201);
    ada.post(
        &format!("/api/v1/boards/{b}/share-links"),
        json!({"role": "viewer", "label": "Client"}),
    )
    .await
    .expect(201);
    pin(
        &ada,
        &v,
        json!({"x": 0.5, "y": 0.5}),
        "line one\r\nline two",
    )
    .await
    .expect(201);
    digest::run(&app.state, EmailFrequency::Hourly)
        .await
        .unwrap();

    // Each has the confirmation e-mail of their sign-up, then the digest.
    let digest_of = |mails: Vec<Mail>| {
        mails
            .into_iter()
            .find(|m| m.header("List-Unsubscribe").is_some())
            .expect("a digest")
    };
    let m = digest_of(mails_to(&app, &bob.email, 2).await);
    assert!(m.raw.contains("Here is what happened"), "{}", m.raw);
    assert!(m
        .raw
        .contains("Cy accepted the invitation and joined as commenter"));
    assert!(m.raw.contains("Ada added Dee to the board as viewer"));
    assert!(!m.raw.contains("share link"), "not Bob's business");
    assert!(!m.raw.contains("someone"));
    assert!(
        m.raw.contains("line one\r\n   line two"),
        "text part keeps the break"
    );
    assert!(m.raw.contains("line one<br>line two"), "HTML part too");
    assert!(
        digest_of(mails_to(&app, &olga.email, 2).await)
            .raw
            .contains("Ada created a share link for viewers"),
        "owners hear of links"
    );
}

async fn signup_sends_a_link_that_confirms_the_address_once(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    assert_eq!(ada.get("/api/v1/me").await.body["email_verified"], false);
    let mails = outbox(&app, 1).await;
    assert_eq!(mails.len(), 1, "one verification e-mail");
    let m = &mails[0];
    assert!(m.raw.contains(&ada.email));
    assert!(m.header("Subject").unwrap().contains("Confirm"));
    assert!(m.header("List-Unsubscribe").is_none(), "not a notification");
    let link = link_in(m, "/verify-email?token=");
    let token = link.split("token=").nth(1).unwrap();
    let anon = app.anon();
    let ok = anon
        .post("/api/v1/auth/verify-email", json!({"token": token}))
        .await
        .expect(200);
    assert_eq!(ok.body["email_verified"], true);
    assert_eq!(ok.body["already_confirmed"], false);
    assert_eq!(ada.get("/api/v1/me").await.body["email_verified"], true);
    // A second click says so, rather than that the link is bad.
    let again = anon
        .post("/api/v1/auth/verify-email", json!({"token": token}))
        .await
        .expect(200);
    assert_eq!(again.body["already_confirmed"], true);
    anon.post("/api/v1/auth/verify-email", json!({"token": "cbv_forged"}))
        .await
        .expect(422);
    ada.post("/api/v1/me/verification", json!({}))
        .await
        .expect(409);
}

/// Digests: one e-mail per person, grouped by board, quoting comments and
/// linking to the exact thread; exactly once; only verified people with
/// that rhythm; never the actor; never what was read in the app.
async fn digests_group_news_by_board_exactly_once(backend: Backend) {
    let Some(sink) = SmtpSink::start(free_port()) else {
        return;
    };
    let url = sink.url();
    let Some(app) = spawn_app_with(backend, move |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let cy = app.user("Cy").await; // never verified
    let dee = app.user("Dee").await; // reads everything in the app
    let eve = app.user("Eve").await; // daily digest
    for u in [&ada, &bob, &dee, &eve] {
        verify(&app, u).await;
    }
    let members = [
        (&bob, "commenter"),
        (&cy, "commenter"),
        (&dee, "viewer"),
        (&eve, "viewer"),
    ];
    let (b1, v1) = picture(&app, &ada, &members).await;
    let (b2, v2) = picture(&app, &ada, &members).await;
    eve.send(
        reqwest::Method::PUT,
        "/api/v1/me/notification-settings",
        Some(json!({"email": "daily"})),
    )
    .await
    .expect(200);
    let t = pin(
        &ada,
        &v1,
        json!({"x": 0.5, "y": 0.5}),
        "Logo <too> small, @Bob",
    )
    .await
    .expect(201);
    pin(&ada, &v2, json!({"x": 0.1, "y": 0.1}), "Second board note")
        .await
        .expect(201);
    dee.post("/api/v1/notifications/read", json!({"all": true}))
        .await
        .expect(200);
    // Verification e-mails went out at sign-up; count from here.
    let before = sink.wait_for(5).await.len();

    let queued = digest::run(&app.state, EmailFrequency::Hourly)
        .await
        .unwrap();
    assert_eq!(
        queued, 1,
        "only Bob: Ada acted, Cy is unverified, Dee read all, Eve is daily"
    );
    let mails = sink.wait_for(before + 1).await;
    let digests: Vec<&Mail> = mails
        .iter()
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .collect();
    assert_eq!(digests.len(), 1);
    let m = digests[0];
    assert!(m.to().contains(&bob.email));
    let subject = m.header("Subject").unwrap();
    assert!(subject.contains("on 2 boards"), "{subject}");
    assert!(m.raw.contains("multipart/alternative"));
    assert!(m.raw.contains("text/plain") && m.raw.contains("text/html"));
    assert!(
        m.raw.contains("Logo <too> small"),
        "quoted as typed in text"
    );
    assert!(m.raw.contains("Logo &lt;too&gt; small"), "escaped in HTML");
    assert!(m.raw.contains("(mentions you)"));
    // The links are the web app's pages (web/src/app/routes.json).
    let thread_link = format!(
        "{}/a/{}?thread={}",
        app.base,
        t.body["asset_id"].as_str().unwrap(),
        t.body["id"].as_str().unwrap()
    );
    assert!(m.raw.contains(&thread_link), "links to the exact thread");
    for b in [&b1, &b2] {
        assert!(m.raw.contains(&format!("href=\"{}/b/{b}\"", app.base)));
    }
    assert!(
        m.raw
            .contains(&format!("{}/settings/notifications", app.base)),
        "the settings link opens the e-mail section"
    );
    assert!(!m.raw.contains("/boards/"), "no link of the old shape");
    assert_eq!(
        m.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );

    // Run again (a retried job, a second node): nothing new to send.
    let again = digest::run(&app.state, EmailFrequency::Hourly)
        .await
        .unwrap();
    assert_eq!(again, 0);
    // The daily rhythm has Eve's.
    assert_eq!(
        digest::run(&app.state, EmailFrequency::Daily)
            .await
            .unwrap(),
        1
    );
    let all = sink.wait_for(before + 2).await;
    app.jobs_settled().await;
    assert_eq!(sink.messages().len(), all.len(), "no duplicates");
    assert_eq!(all.len(), before + 2);

    // One-click unsubscribe from the link in the e-mail.
    let unsubscribe = m
        .header("List-Unsubscribe")
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();
    let client = reqwest::Client::new();
    let page = client.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<form method=\"post\">"),
        "a button, not a GET side effect"
    );
    assert_eq!(
        bob.get("/api/v1/me/notification-settings").await.body["email"],
        "hourly"
    );
    let done = client
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    assert_eq!(
        bob.get("/api/v1/me/notification-settings").await.body["email"],
        "off"
    );
    let forged = format!("{}0", &unsubscribe[..unsubscribe.len() - 1]);
    let forged = if forged == unsubscribe {
        format!("{}1", &unsubscribe[..unsubscribe.len() - 1])
    } else {
        forged
    };
    assert_eq!(
        client.post(&forged).send().await.unwrap().status().as_u16(),
        404
    );
}

/// Each rhythm's run mails exactly the people who chose it; `off` never.
async fn each_rhythm_mails_its_own_people(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let mut people = Vec::new();
    for f in ["immediate", "hourly", "daily", "off"] {
        let u = app.user(f).await;
        verify(&app, &u).await;
        u.send(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(json!({"email": f})),
        )
        .await
        .expect(200);
        people.push(u);
    }
    let members: Vec<(&TestUser, &str)> = people.iter().map(|u| (u, "viewer")).collect();
    let (_, v) = picture(&app, &ada, &members).await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "news")
        .await
        .expect(201);
    for (f, want) in [
        (EmailFrequency::Off, 0),
        (EmailFrequency::Daily, 1),
        (EmailFrequency::Immediate, 1),
        (EmailFrequency::Hourly, 1),
        (EmailFrequency::Immediate, 0),
    ] {
        assert_eq!(digest::run(&app.state, f).await.unwrap(), want, "{f:?}");
    }
    for (u, want) in people.iter().zip([1, 1, 1, 0]) {
        let digests = mails_to(&app, &u.email, 1 + want)
            .await
            .into_iter()
            .filter(|m| m.header("List-Unsubscribe").is_some())
            .count();
        assert_eq!(digests, want, "{}", u.email);
    }
}

/// With the SMTP server down, the e-mail waits and is retried with
/// backoff; once the server is up it arrives, once.
async fn mail_survives_an_smtp_outage(backend: Backend) {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}");
    let Some(app) = spawn_app_with(backend, move |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let ada = app.user("Ada").await; // its verification e-mail cannot go out yet
    failed_once(&app, critboard_server::mail::SEND_EMAIL).await;
    let Some(sink) = SmtpSink::start(port) else {
        return;
    };
    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1, "delivered after the outage");
    assert!(mails[0].to().contains(&ada.email));
    app.jobs_settled().await;
    assert_eq!(sink.messages().len(), 1, "and only once");
}

/// The outbox e-mails to `address`, waiting for at least `n`.
async fn mails_to(app: &TestApp, address: &str, n: usize) -> Vec<Mail> {
    let started = Instant::now();
    loop {
        let got: Vec<Mail> = read_mails(&app.dir.join("outbox"))
            .into_iter()
            .filter(|m| m.header("To").is_some_and(|t| t.contains(address)))
            .collect();
        if got.len() >= n || started.elapsed() > Duration::from_secs(10) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

async fn password_reset_works_once_and_ends_sessions(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    verify(&app, &ada).await;
    // A script's token ends with the reset too: whoever reset it may not
    // trust what was made with the old password.
    let script = ada.script().await;
    let anon = app.anon();
    for _ in 0..3 {
        anon.post("/api/v1/auth/password-reset", json!({"email": ada.email}))
            .await
            .expect(202);
    }
    anon.post(
        "/api/v1/auth/password-reset",
        json!({"email": "nobody@example.com"}),
    )
    .await
    .expect(202);
    anon.post(
        "/api/v1/auth/password-reset",
        json!({"email": "not-an-address"}),
    )
    .await
    .expect(422);
    let mails = mails_to(&app, &ada.email, 2).await;
    app.jobs_settled().await;
    assert_eq!(
        mails_to(&app, &ada.email, 2).await.len(),
        2,
        "asking three times sends one reset link"
    );
    let reset = mails
        .iter()
        .find(|m| m.header("Subject").unwrap().contains("Reset"))
        .expect("a reset e-mail");
    let token = token_of(&link_in(reset, "/reset-password?token="));
    anon.post(
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "password": "short"}),
    )
    .await
    .expect(422);
    anon.post(
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "password": "a-new-long-passphrase"}),
    )
    .await
    .expect(204);
    ada.get("/api/v1/me").await.expect(401);
    script.get("/api/v1/me").await.expect(401);
    anon.post(
        "/api/v1/auth/login",
        json!({"email": ada.email, "password": "a-new-long-passphrase"}),
    )
    .await
    .expect(200);
    anon.post(
        "/api/v1/auth/password-reset/confirm",
        json!({"token": token, "password": "another-long-passphrase"}),
    )
    .await
    .expect(422);

    // An unconfirmed address gets no reset link; its confirmation link,
    // sent at sign-up a moment ago, is not sent again so soon.
    let bob = app.user("Bob").await;
    anon.post("/api/v1/auth/password-reset", json!({"email": bob.email}))
        .await
        .expect(202);
    app.jobs_settled().await;
    let bobs = mails_to(&app, &bob.email, 1).await;
    assert_eq!(bobs.len(), 1);
    assert!(bobs[0].header("Subject").unwrap().contains("Confirm"));
}

async fn invitations_let_people_in_with_or_without_an_account(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let member = app.user("Member").await;
    let (b, _) = picture(&app, &ada, &[(&member, "commenter")]).await;
    let ws = ada.get(&format!("/api/v1/boards/{b}")).await.body["workspace_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/boards/{b}/invitations");
    // Invitations are e-mail to strangers: confirmed addresses only.
    ada.post(
        &path,
        json!({"email": "newbie@example.com", "role": "commenter"}),
    )
    .await
    .expect(403);
    verify(&app, &ada).await;

    // A board invitation for someone without an account.
    member
        .post(
            &path,
            json!({"email": "newbie@example.com", "role": "commenter"}),
        )
        .await
        .expect(403);
    bob.post(
        &path,
        json!({"email": "newbie@example.com", "role": "commenter"}),
    )
    .await
    .expect(404);
    ada.post(&path, json!({"email": "nope", "role": "commenter"}))
        .await
        .expect(422);
    let inv = ada
        .post(
            &path,
            json!({"email": "newbie@example.com", "role": "commenter"}),
        )
        .await
        .expect(201);
    let pending = ada
        .get(&format!("/api/v1/workspaces/{ws}/invitations"))
        .await
        .expect(200);
    assert_eq!(pending.item_texts("email"), vec!["newbie@example.com"]);
    member
        .get(&format!("/api/v1/workspaces/{ws}/invitations"))
        .await
        .expect(403);
    let mail = mails_to(&app, "newbie@example.com", 1).await;
    assert_eq!(mail.len(), 1);
    let token = token_of(&link_in(&mail[0], "/invite?token="));
    let info = app
        .anon()
        .get(&format!("/api/v1/invite/{token}"))
        .await
        .expect(200);
    assert_eq!(info.body["board_name"], "Site");
    assert_eq!(info.body["board_role"], "commenter");
    assert_eq!(info.body["invited_by"], "Ada");
    assert_eq!(info.body["account_exists"], false);

    // A bad token keeps the sign-up from happening at all.
    let mut newbie = app.anon();
    newbie
        .post(
            "/api/v1/auth/signup",
            json!({"email": "newbie@example.com", "display_name": "Newbie",
                   "password": crate::helpers::PASSWORD, "invitation": "cbi_forged"}),
        )
        .await
        .expect(422);
    let signed = newbie
        .post(
            "/api/v1/auth/signup",
            json!({"email": "newbie@example.com", "display_name": "Newbie",
                   "password": crate::helpers::PASSWORD, "invitation": token}),
        )
        .await
        .expect(201);
    newbie.csrf = Some(signed.body["csrf_token"].as_str().unwrap().to_owned());
    assert_eq!(signed.body["user"]["email_verified"], true);
    let board = newbie.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["role"], "commenter");
    app.jobs_settled().await;
    assert_eq!(
        mails_to(&app, "newbie@example.com", 1).await.len(),
        1,
        "no confirmation e-mail: the invitation proved the address"
    );
    newbie
        .post(&format!("/api/v1/invite/{token}/accept"), json!({}))
        .await
        .expect(404);
    assert!(ada
        .get(&format!("/api/v1/workspaces/{ws}/invitations"))
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .is_empty());

    // A workspace invitation accepted by someone who has an account.
    let inv2 = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/invitations"),
            json!({"email": bob.email, "role": "admin"}),
        )
        .await
        .expect(201);
    assert_eq!(inv2.body["workspace_role"], "admin");
    let token2 = token_of(&link_in(
        &mails_to(&app, &bob.email, 2).await[1],
        "/invite?token=",
    ));
    bob.post(&format!("/api/v1/invite/{token2}/accept"), json!({}))
        .await
        .expect(200);
    assert_eq!(
        bob.get(&format!("/api/v1/boards/{b}"))
            .await
            .expect(200)
            .body["role"],
        "owner",
        "workspace admins see every board"
    );

    // Withdrawn invitations stop working.
    let inv3 = ada
        .post(
            &path,
            json!({"email": "late@example.com", "role": "viewer"}),
        )
        .await
        .expect(201);
    let token3 = token_of(&link_in(
        &mails_to(&app, "late@example.com", 1).await[0],
        "/invite?token=",
    ));
    member
        .delete(&format!(
            "/api/v1/invitations/{}",
            inv3.body["id"].as_str().unwrap()
        ))
        .await
        .expect(403);
    ada.delete(&format!(
        "/api/v1/invitations/{}",
        inv3.body["id"].as_str().unwrap()
    ))
    .await
    .expect(204);
    app.anon()
        .get(&format!("/api/v1/invite/{token3}"))
        .await
        .expect(404);
    let _ = inv;
}

fn reminders_in(app: &TestApp) -> Vec<Mail> {
    read_mails(&app.dir.join("outbox"))
        .into_iter()
        .filter(|m| {
            m.header("Subject")
                .is_some_and(|s| s.starts_with("Review due"))
        })
        .collect()
}

/// The reminders `address` got, once there is one (10 s at most).
async fn reminders_to(app: &TestApp, address: &str) -> Vec<Mail> {
    let started = Instant::now();
    loop {
        let got: Vec<Mail> = reminders_in(app)
            .into_iter()
            .filter(|m| m.header("To").is_some_and(|t| t.contains(address)))
            .collect();
        if !got.is_empty() || started.elapsed() > Duration::from_secs(10) {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn decide(u: &TestUser, v: &str) -> crate::helpers::Answer {
    u.send(
        reqwest::Method::PUT,
        &format!("/api/v1/versions/{v}/review"),
        Some(json!({"status": "approved"})),
    )
    .await
}

/// A day before a board's review is due, those who may decide and have
/// not decided on everything get one e-mail (two runs at once included);
/// viewers, people who decided, muted the board or turned e-mail off, and
/// unconfirmed addresses get none. A new due date re-arms the reminder.
async fn due_dates_remind_those_who_have_not_decided(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let com = app.user("Com").await;
    let ed = app.user("Ed").await;
    let vic = app.user("Vic").await;
    let mo = app.user("Mo").await;
    let off = app.user("Off").await;
    let new = app.user("Newcomer").await;
    for u in [&com, &ed, &vic, &mo, &off] {
        verify(&app, u).await;
    }
    off.send(
        reqwest::Method::PUT,
        "/api/v1/me/notification-settings",
        Some(json!({"email": "off"})),
    )
    .await
    .expect(200);
    let (b, v1) = picture(
        &app,
        &ada,
        &[
            (&com, "commenter"),
            (&ed, "editor"),
            (&vic, "viewer"),
            (&mo, "commenter"),
            (&off, "commenter"),
            (&new, "commenter"),
        ],
    )
    .await;
    let second = crate::uploads::upload(&ada, &b, "About.png", &crate::uploads::png(120, 90)).await;
    crate::uploads::wait_ready(&ada, second["id"].as_str().unwrap()).await;
    let v2 = second["current_version"]["id"].as_str().unwrap().to_owned();
    mo.send(
        reqwest::Method::PUT,
        &format!("/api/v1/boards/{b}/mute"),
        None,
    )
    .await
    .expect(204);
    ada.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"deciders": "reviewers"}),
    )
    .await
    .expect(200);
    decide(&ed, &v1).await.expect(200);
    decide(&ed, &v2).await.expect(200);
    decide(&com, &v1).await.expect(200);

    // Due in three days: too early.
    let in_days = |d: i64| (app.store.now() + chrono::Duration::hours(d * 24)).to_rfc3339();
    ada.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"due_at": in_days(3)}),
    )
    .await
    .expect(200);
    assert_eq!(reminders::run(&app.state).await.unwrap(), 0);
    // Due in half a day: Com alone, once, whatever the runs at once.
    let soon = (app.store.now() + chrono::Duration::hours(12)).to_rfc3339();
    ada.patch(&format!("/api/v1/boards/{b}"), json!({"due_at": soon}))
        .await
        .expect(200);
    let (x, y) = tokio::join!(reminders::run(&app.state), reminders::run(&app.state));
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(reminders::run(&app.state).await.unwrap(), 0, "sent already");
    let got = reminders_to(&app, &com.email).await;
    let mail = got.first().expect("Com is reminded");
    assert!(
        mail.raw.contains("1 picture waits for your decision"),
        "{}",
        mail.raw
    );
    assert!(mail.raw.contains(&format!("/b/{b}")));
    assert!(mail.header("List-Unsubscribe").is_some());
    app.jobs_settled().await;
    let all = reminders_in(&app);
    assert_eq!(
        all.len(),
        1,
        "{:?}",
        all.iter().map(Mail::to).collect::<Vec<_>>()
    );

    // A later due date re-arms it; editors-only boards remind editors only.
    ada.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"due_at": in_days(2), "deciders": "editors"}),
    )
    .await
    .expect(200);
    decide(&ada, &v2).await.expect(200);
    verify(&app, &ada).await; // unconfirmed till now, so left out before
    app.store.clock().advance(Duration::from_secs(30 * 3600));
    assert_eq!(reminders::run(&app.state).await.unwrap(), 1, "Ada, not Com");
    let got = reminders_to(&app, &ada.email).await;
    assert!(got.iter().any(|m| m.raw.contains("1 picture waits")));
}

/// Someone invited to one board joins as a client: they see that board and
/// nothing else of the agency's workspace (no folders, no people, no new
/// boards) until an admin makes them a member. Board invitations are
/// listed for the board, resent with a fresh link, and withdrawn. The
/// migration turns such members of before into clients, and no one else.
async fn board_invitations_bring_clients_who_see_only_their_boards(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let cat = app.user("Cat").await; // a team member, also on the board
    verify(&app, &ada).await;
    let (b, v) = picture(&app, &ada, &[(&cat, "editor")]).await;
    let ws = ada.get(&format!("/api/v1/boards/{b}")).await.body["workspace_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let folder = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "Secret pitches"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "Other client"}),
        )
        .await
        .expect(201);
    let path = format!("/api/v1/boards/{b}/invitations");
    let first = ada
        .post(
            &path,
            json!({"email": "cleo@client.example", "role": "commenter"}),
        )
        .await
        .expect(201);
    let first_id = first.body["id"].as_str().unwrap().to_owned();
    assert_eq!(first.body["workspace_role"], "client");
    // The board lists it; a resend makes a fresh link and ends the old one.
    let listed = ada.get(&path).await.expect(200);
    assert_eq!(listed.item_texts("email"), ["cleo@client.example"]);
    assert_eq!(listed.body["items"][0]["board_name"], "Site");
    cat.get(&path).await.expect(403);
    cat.post(&format!("/api/v1/invitations/{first_id}/resend"), json!({}))
        .await
        .expect(403);
    let old = token_of(&link_in(
        &mails_to(&app, "cleo@client.example", 1).await[0],
        "/invite?token=",
    ));
    let again = ada
        .post(&format!("/api/v1/invitations/{first_id}/resend"), json!({}))
        .await
        .expect(201);
    assert_ne!(again.body["id"], first.body["id"]);
    assert_eq!(
        ada.get(&path).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.anon()
        .get(&format!("/api/v1/invite/{old}"))
        .await
        .expect(404);
    ada.post(&format!("/api/v1/invitations/{first_id}/resend"), json!({}))
        .await
        .expect(404);
    let token = token_of(&link_in(
        &mails_to(&app, "cleo@client.example", 2).await[1],
        "/invite?token=",
    ));
    let mut cleo = app.anon();
    let signed = cleo
        .post(
            "/api/v1/auth/signup",
            json!({"email": "cleo@client.example", "display_name": "Cleo",
                   "password": crate::helpers::PASSWORD, "invitation": token}),
        )
        .await
        .expect(201);
    cleo.csrf = Some(signed.body["csrf_token"].as_str().unwrap().to_owned());

    // A client: the board, and nothing else of the workspace.
    let w = cleo
        .get(&format!("/api/v1/workspaces/{ws}"))
        .await
        .expect(200);
    assert_eq!(w.body["role"], "client");
    let boards = cleo
        .get(&format!("/api/v1/workspaces/{ws}/boards"))
        .await
        .expect(200);
    assert_eq!(boards.item_texts("name"), ["Site"]);
    let folders = cleo
        .get(&format!("/api/v1/workspaces/{ws}/folders"))
        .await
        .expect(200);
    assert!(folders.body["items"].as_array().unwrap().is_empty());
    cleo.get(&format!("/api/v1/folders/{folder}/boards"))
        .await
        .expect(404);
    cleo.get(&format!("/api/v1/folders/{folder}/grants"))
        .await
        .expect(404);
    cleo.get(&format!("/api/v1/workspaces/{ws}/members"))
        .await
        .expect(403);
    cleo.post(
        &format!("/api/v1/workspaces/{ws}/boards"),
        json!({"name": "Mine"}),
    )
    .await
    .expect(403);
    cleo.get(&format!(
        "/api/v1/boards/{}",
        other.body["id"].as_str().unwrap()
    ))
    .await
    .expect(404);
    // A client who decides is named as one.
    ada.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"deciders": "reviewers"}),
    )
    .await
    .expect(200);
    let decided = cleo
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/versions/{v}/review"),
            Some(json!({"status": "approved"})),
        )
        .await
        .expect(200);
    assert_eq!(
        decided.body["reviewer"],
        json!({"name": "Cleo", "role": "client"})
    );
    // The team sees them as a client, and an admin may make them a member.
    let members = ada
        .get(&format!("/api/v1/workspaces/{ws}/members"))
        .await
        .expect(200);
    let roles: Vec<(String, String)> = members.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["display_name"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let role = |n: &str, r: &str| (n.to_owned(), r.to_owned());
    assert_eq!(
        roles,
        [
            role("Ada", "owner"),
            role("Cat", "member"),
            role("Cleo", "client")
        ]
    );
    let cleo_id = signed.body["user"]["id"].as_str().unwrap().to_owned();
    ada.patch(
        &format!("/api/v1/workspaces/{ws}/members/{cleo_id}"),
        json!({"role": "member"}),
    )
    .await
    .expect(200);
    cleo.post(
        &format!("/api/v1/workspaces/{ws}/boards"),
        json!({"name": "Mine"}),
    )
    .await
    .expect(201);

    // The migration, again: Cleo (a board invitation, nothing of her own
    // then) becomes a client; Cat and Ada stay.
    ada.patch(
        &format!("/api/v1/workspaces/{ws}/members/{cleo_id}"),
        json!({"role": "member"}),
    )
    .await
    .expect(200);
    cleo.delete(&format!(
        "/api/v1/boards/{}",
        cleo.get(&format!("/api/v1/workspaces/{ws}/boards"))
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == "Mine")
            .unwrap()["id"]
            .as_str()
            .unwrap()
    ))
    .await
    .expect(204);
    use critboard_store::sea_orm_migration::MigratorTrait;
    // Back to before migration 14 (and any after it), then up again.
    let since_clients = critboard_store::Migrator::migrations().len() as u32 - 13;
    critboard_store::Migrator::down(app.store.conn(), Some(since_clients))
        .await
        .unwrap();
    critboard_store::Migrator::up(app.store.conn(), None)
        .await
        .unwrap();
    let members = ada
        .get(&format!("/api/v1/workspaces/{ws}/members"))
        .await
        .expect(200);
    assert_eq!(
        members.item_texts("role"),
        ["owner", "member", "client"],
        "Ada, Cat, Cleo"
    );
}

async fn reply(who: &TestUser, thread: &str, body: &str) {
    who.post(
        &format!("/api/v1/threads/{thread}/comments"),
        json!({"body": body}),
    )
    .await
    .expect(201);
}

/// A guest who leaves an address hears of replies in their threads, once it
/// is confirmed, each reply once, with a one-click unsubscribe; their own
/// comments and other threads are not sent, and signed-in people have no
/// guest address.
async fn guests_who_leave_an_address_hear_of_replies(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let (b, v) = picture(&app, &ada, &[]).await;
    let link = crate::sharing::link(&ada, &b, json!({"role": "commenter"})).await;
    let gus = crate::sharing::guest(&app, &link, "Gus").await;
    let other = crate::sharing::guest(&app, &link, "Olga").await;
    let path = format!("/api/v1/boards/{b}/guest-email");
    ada.get(&path).await.expect(404);
    let none = gus.get(&path).await.expect(200);
    assert_eq!(none.body, json!({"email": null, "confirmed": false}));
    gus.send(reqwest::Method::PUT, &path, Some(json!({"email": "nope"})))
        .await
        .expect(422);
    let left = gus
        .send(
            reqwest::Method::PUT,
            &path,
            Some(json!({"email": "gus@client.example"})),
        )
        .await
        .expect(200);
    assert_eq!(
        left.body,
        json!({"email": "gus@client.example", "confirmed": false})
    );
    let thread = pin(&gus, &v, json!({"x": 0.2, "y": 0.3}), "Bigger logo?")
        .await
        .expect(201);
    let tid = thread.body["id"].as_str().unwrap().to_owned();
    pin(&other, &v, json!({"x": 0.6, "y": 0.6}), "Olga's own thread")
        .await
        .expect(201);
    // Not confirmed yet: nothing goes out.
    reply(&ada, &tid, "Before you confirmed").await;
    app.store.clock().advance(Duration::from_secs(2));
    assert_eq!(guest_replies::run(&app.state).await.unwrap(), 0);

    let confirm = link_in(
        &mails_to(&app, "gus@client.example", 1).await[0],
        "/api/v1/guest-email/",
    );
    let token = confirm.rsplit('/').next().unwrap().to_owned();
    let page = reqwest::get(format!("{}{confirm}", app.base))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("gus@client.example"));
    let anon = app.anon();
    anon.post(&format!("/api/v1/guest-email/{token}"), json!({}))
        .await
        .expect(200);
    anon.post(&format!("/api/v1/guest-email/{token}"), json!({}))
        .await
        .expect(404);
    assert_eq!(gus.get(&path).await.expect(200).body["confirmed"], true);

    // Replies by others in Gus's thread: one e-mail, each reply once.
    reply(&ada, &tid, "Sure, bigger it is").await;
    reply(&other, &tid, "Agree with Gus").await;
    reply(&gus, &tid, "Thanks!").await;
    let olga_thread = other
        .get(&format!("/api/v1/versions/{v}/threads"))
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["number"] == 2)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    reply(&ada, &olga_thread, "Not Gus's business").await;
    app.store.clock().advance(Duration::from_secs(2));
    // Two runs at once (the job a reply in a guest's thread queues may be
    // a third): one e-mail.
    let (x, y) = tokio::join!(
        guest_replies::run(&app.state),
        guest_replies::run(&app.state)
    );
    assert!(x.unwrap() + y.unwrap() <= 1);
    assert_eq!(
        guest_replies::run(&app.state).await.unwrap(),
        0,
        "sent already"
    );
    let mails = mails_to(&app, "gus@client.example", 2).await;
    app.jobs_settled().await;
    let replies: Vec<Mail> = read_mails(&app.dir.join("outbox"))
        .into_iter()
        .filter(|m| {
            m.header("To")
                .is_some_and(|t| t.contains("gus@client.example"))
        })
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .collect();
    assert_eq!(replies.len(), 1, "{} mails", mails.len());
    let mail = &replies[0];
    assert!(
        mail.raw.contains("Ada replied in #1 on “Home”"),
        "{}",
        mail.raw
    );
    assert!(mail.raw.contains("Sure, bigger it is"));
    assert!(mail.raw.contains("Olga replied in #1"));
    assert!(!mail.raw.contains("Before you confirmed"));
    assert!(!mail.raw.contains("Thanks!"));
    assert!(!mail.raw.contains("Not Gus's business"));
    assert!(mail.raw.contains(&format!("?thread={tid}")));

    // One click: no more e-mail.
    let unsubscribe = mail
        .header("List-Unsubscribe")
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>' || c == ' ')
        .to_owned();
    assert_eq!(reqwest::get(&unsubscribe).await.unwrap().status(), 200);
    let done = reqwest::Client::new()
        .post(&unsubscribe)
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(gus.get(&path).await.expect(200).body["email"], json!(null));
    reply(&ada, &tid, "After unsubscribing").await;
    app.store.clock().advance(Duration::from_secs(2));
    assert_eq!(guest_replies::run(&app.state).await.unwrap(), 0);
}

/// Two digest runs at once (say a slow run and the next one): one e-mail.
async fn overlapping_digest_runs_send_one_email(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |_| {}).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    verify(&app, &bob).await;
    let (_, v) = picture(&app, &ada, &[(&bob, "viewer")]).await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "once")
        .await
        .expect(201);
    let (a, b) = tokio::join!(
        digest::run(&app.state, EmailFrequency::Hourly),
        digest::run(&app.state, EmailFrequency::Hourly)
    );
    let queued = a.as_ref().map_or(0, |n| *n) + b.as_ref().map_or(0, |n| *n);
    assert_eq!(queued, 1, "{a:?} {b:?}");
    let digests = mails_to(&app, &bob.email, 2)
        .await
        .into_iter()
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .count();
    assert_eq!(digests, 1);
}

/// Two nodes on one database, both sending through `smtp_url`.
async fn two_nodes(backend: Backend, smtp_url: String) -> Option<(TestApp, TestApp)> {
    let a = spawn_app_with(backend, {
        let url = smtp_url.clone();
        move |c| c.smtp_url = Some(url)
    })
    .await?;
    let db = a.database_url.clone();
    let b = spawn_app_with(backend, move |c| {
        c.smtp_url = Some(smtp_url);
        c.database_url = db;
    })
    .await?;
    Some((a, b))
}

/// Two nodes on one database both schedule the hourly digest: one job,
/// one e-mail.
async fn two_nodes_send_one_digest(backend: Backend) {
    if backend == Backend::Sqlite {
        return; // one node per SQLite file
    }
    let Some(sink) = SmtpSink::start(free_port()) else {
        return;
    };
    let Some((a, b)) = two_nodes(backend, sink.url()).await else {
        return;
    };
    let ada = a.user("Ada").await;
    let bob = a.user("Bob").await;
    verify(&a, &bob).await;
    let (_, v) = picture(&a, &ada, &[(&bob, "viewer")]).await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "for the digest")
        .await
        .expect(201);
    let before = sink.wait_for(2).await.len(); // the two confirmation e-mails
    let next_hour = chrono::Utc::now() + chrono::Duration::hours(1);
    for _ in 0..3 {
        digest::schedule_for(&a.state, next_hour).await;
        digest::schedule_for(&b.state, next_hour).await;
    }
    let mails = sink.wait_for(before + 1).await;
    a.jobs_settled().await;
    let digests: Vec<Mail> = sink
        .messages()
        .into_iter()
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .collect();
    assert_eq!(digests.len(), 1, "one digest for Bob, from one node");
    assert!(digests[0].to().contains(&bob.email));
    assert_eq!(sink.messages().len(), mails.len());
}

/// The SMTP server away for ten minutes (of the test clocks) while two
/// nodes share the queue: the confirmations and a digest wait, both nodes
/// retry them, none is given up, and each arrives once when it is back.
async fn an_smtp_outage_on_two_nodes_delays_mail_but_loses_and_doubles_none(backend: Backend) {
    use critboard_store::entities::job;
    use critboard_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if backend == Backend::Sqlite {
        return; // one node per SQLite file
    }
    let port = free_port();
    let Some((a, b)) = two_nodes(backend, format!("smtp://127.0.0.1:{port}")).await else {
        return;
    };
    let ada = a.user("Ada").await;
    let bob = b.user("Bob").await;
    verify(&a, &bob).await;
    let (_, v) = picture(&a, &ada, &[(&bob, "viewer")]).await;
    pin(&ada, &v, json!({"x": 0.5, "y": 0.5}), "for the digest")
        .await
        .expect(201);
    let next_hour = chrono::Utc::now() + chrono::Duration::hours(1);
    digest::schedule_for(&a.state, next_hour).await;
    digest::schedule_for(&b.state, next_hour).await;
    failed_once(&a, critboard_server::mail::SEND_EMAIL).await;
    // Ten minutes pass, a minute at a time; each node retries what is due.
    for _ in 0..10 {
        for node in [&a, &b] {
            node.store.clock().advance(Duration::from_secs(60));
            node.state.queue.wake();
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let sends = job::Entity::find()
        .filter(job::Column::Kind.eq(critboard_server::mail::SEND_EMAIL))
        .all(a.store.conn())
        .await
        .unwrap();
    assert_eq!(sends.len(), 3, "two confirmations and a digest: {sends:?}");
    assert!(
        sends.iter().all(|j| j.done_at.is_none()),
        "none given up: {sends:?}"
    );
    assert!(
        sends.iter().any(|j| j.attempts >= 3),
        "retried during the outage: {sends:?}"
    );
    // Back: the retries now due (backoff is at most ten minutes) deliver.
    let Some(sink) = SmtpSink::start(port) else {
        return;
    };
    for node in [&a, &b] {
        node.store.clock().advance(Duration::from_secs(600));
        node.state.queue.wake();
    }
    let mails = sink.wait_for(3).await;
    a.jobs_settled().await;
    b.jobs_settled().await;
    assert_eq!(sink.messages().len(), 3, "each once: {mails:?}");
    let to = |who: &TestUser| mails.iter().filter(|m| m.to().contains(&who.email)).count();
    assert_eq!(
        (to(&ada), to(&bob)),
        (1, 2),
        "a confirmation each, and Bob's digest"
    );
}

/// A review submitted as a batch is one line of one digest, not a line
/// per comment (issue 19: "every teammate received 35 emails").
async fn a_submitted_review_is_one_line_of_one_digest(backend: Backend) {
    let Some(sink) = SmtpSink::start(free_port()) else {
        return;
    };
    let url = sink.url();
    let Some(app) = spawn_app_with(backend, move |c| c.smtp_url = Some(url)).await else {
        return;
    };
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    for u in [&ada, &bob] {
        verify(&app, u).await;
    }
    let (b, v) = picture(&app, &ada, &[(&bob, "commenter")]).await;
    let r = ada
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201)
        .body;
    let items = format!("/api/v1/reviews/{}/items", r["id"].as_str().unwrap());
    for (i, words) in ["Logo", "Headline", "Footer"].iter().enumerate() {
        let at = 0.2 + 0.2 * i as f64;
        ada.post(
            &items,
            json!({"version_id": v, "x": at, "y": at, "body": words}),
        )
        .await
        .expect(201);
    }
    ada.post(
        &format!("/api/v1/reviews/{}/submit", r["id"].as_str().unwrap()),
        json!({"summary": "Three small things"}),
    )
    .await
    .expect(200);
    let before = sink.wait_for(2).await.len();
    let queued = digest::run(&app.state, EmailFrequency::Hourly)
        .await
        .unwrap();
    assert_eq!(queued, 1, "one digest, to Bob");
    let mails = sink.wait_for(before + 1).await;
    let digest = mails
        .iter()
        .find(|m| m.header("List-Unsubscribe").is_some())
        .expect("the digest");
    assert!(digest.to().contains(&bob.email));
    let text = &digest.raw;
    assert_eq!(
        text.matches("Ada submitted a review: 3 new threads")
            .count(),
        2,
        "once in the text part and once in the HTML part: {text}"
    );
    assert!(text.contains("Three small things"));
    assert!(!text.contains("pinned #"), "no line per comment: {text}");
}

crate::backend_tests_with_config!(
    a_submitted_review_is_one_line_of_one_digest,
    an_smtp_outage_on_two_nodes_delays_mail_but_loses_and_doubles_none,
    guests_who_leave_an_address_hear_of_replies,
    board_invitations_bring_clients_who_see_only_their_boards,
    due_dates_remind_those_who_have_not_decided,
    overlapping_digest_runs_send_one_email,
    each_rhythm_mails_its_own_people,
    two_nodes_send_one_digest,
    password_reset_works_once_and_ends_sessions,
    invitations_let_people_in_with_or_without_an_account,
    signup_sends_a_link_that_confirms_the_address_once,
    digests_group_news_by_board_exactly_once,
    digests_say_who_joined_in_sentences_and_keep_links_to_owners,
    mail_survives_an_smtp_outage,
);
