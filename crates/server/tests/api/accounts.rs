use crate::helpers::{spawn_app_with, Backend, TestApp, PASSWORD};
use crate::{backend_tests, backend_tests_with_config};
use serde_json::json;
use sha2::Digest;

async fn signup_signs_in_and_me_returns_the_user(app: TestApp) {
    let ada = app.user("Ada").await;
    let me = ada.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["email"], ada.email.as_str());
    assert_eq!(me.body["display_name"], "Ada");
    assert_eq!(me.body["notification_frequency"], "hourly");
    assert_eq!(me.body["email_verified"], false);
    assert!(me.body.get("password_hash").is_none());
    app.anon().get("/api/v1/me").await.expect(401);
}

async fn passwords_are_stored_as_argon2id(app: TestApp) {
    let ada = app.user("Ada").await;
    let stored = app.store.user_by_email(&ada.email).await.unwrap().unwrap();
    assert!(
        stored.password_hash.starts_with("$argon2id$"),
        "{}",
        stored.password_hash
    );
    assert!(!stored.password_hash.contains(PASSWORD));
}

async fn signup_rejects_bad_fields_with_field_errors(app: TestApp) {
    let a = app
        .anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "not-an-email", "display_name": "  ", "password": "short"}),
        )
        .await
        .expect(422);
    assert_eq!(a.headers["content-type"], "application/problem+json");
    assert_eq!(a.problem_type(), "urn:critboard:problem:validation");
    let fields: Vec<&str> = a.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "password"]);

    let common = app
        .anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "b@example.com", "display_name": "B", "password": "Password1"}),
        )
        .await
        .expect(422);
    assert!(common.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("common"));
    let long = app
        .anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "c@example.com", "display_name": "C", "password": "x".repeat(129)}),
        )
        .await
        .expect(422);
    assert_eq!(long.body["errors"][0]["field"], "password");
    // Trivial passwords beside the common ones: repeats, runs, one's name.
    for (password, says) in [
        ("zzzzzzzzzzzz", "repeated"),
        ("abcabcabcabc", "pattern"),
        ("87654321", "sequence"),
        ("asdfghjkl", "sequence"),
        ("grace.hopper", "name"),
        ("GraceHopper1906", "name"),
        ("grace.hopper1906", "name"),
    ] {
        let weak = app
            .anon()
            .post(
                "/api/v1/auth/signup",
                json!({"email": "grace.hopper@example.com", "display_name": "Grace Hopper",
                       "password": password}),
            )
            .await
            .expect(422);
        assert_eq!(weak.body["errors"][0]["field"], "password");
        let message = weak.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{password}: {message}");
    }
}

async fn signup_with_taken_email_in_other_case_is_409(app: TestApp) {
    let ada = app.user("Ada").await;
    let a = app
        .anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": ada.email.to_uppercase(), "display_name": "Eve", "password": PASSWORD}),
        )
        .await
        .expect(409);
    assert_eq!(a.problem_type(), "urn:critboard:problem:conflict");
}

async fn login_with_wrong_password_is_401_and_right_one_works(app: TestApp) {
    let ada = app.user("Ada").await;
    let browser = app.anon();
    let wrong = browser
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email, "password": "nope-nope-nope"}),
        )
        .await
        .expect(401);
    assert_eq!(
        wrong.problem_type(),
        "urn:critboard:problem:bad-credentials"
    );
    browser
        .post(
            "/api/v1/auth/login",
            json!({"email": "nobody@example.com", "password": PASSWORD}),
        )
        .await
        .expect(401);
    let ok = browser
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email.to_uppercase(), "password": PASSWORD}),
        )
        .await
        .expect(200);
    assert_eq!(ok.body["user"]["id"], ada.id.as_str());
    browser.get("/api/v1/me").await.expect(200);
}

async fn session_cookie_is_httponly_and_samesite_lax(app: TestApp) {
    let a = app
        .anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "ada@example.com", "display_name": "Ada", "password": PASSWORD}),
        )
        .await
        .expect(201);
    let cookies = a.cookies();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("critboard_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain http in tests");
    let csrf = cookies
        .iter()
        .find(|c| c.starts_with("critboard_csrf="))
        .unwrap();
    assert!(
        !csrf.contains("HttpOnly"),
        "the web app reads the CSRF cookie"
    );
    assert!(csrf.contains(a.body["csrf_token"].as_str().unwrap()));
}

async fn cookie_changes_without_csrf_header_are_refused(app: TestApp) {
    let mut ada = app.user("Ada").await;
    let csrf = ada.csrf.take();
    let refused = ada
        .post("/api/v1/workspaces", json!({"name": "Studio"}))
        .await
        .expect(403);
    assert_eq!(refused.problem_type(), "urn:critboard:problem:csrf");
    ada.csrf = Some("forged".into());
    ada.post("/api/v1/workspaces", json!({"name": "Studio"}))
        .await
        .expect(403);
    // Reads need no token.
    ada.csrf = None;
    ada.get("/api/v1/workspaces").await.expect(200);
    ada.csrf = csrf;
    ada.post("/api/v1/workspaces", json!({"name": "Studio"}))
        .await
        .expect(201);
}

async fn logout_ends_the_session(app: TestApp) {
    let ada = app.user("Ada").await;
    let out = ada.post("/api/v1/auth/logout", json!({})).await.expect(204);
    assert!(out
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap().contains("Max-Age=0")));
    ada.get("/api/v1/me").await.expect(401);
}

async fn password_change_ends_other_sessions(app: TestApp) {
    let ada = app.user("Ada").await;
    let mut laptop = app.anon();
    let a = laptop
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email, "password": PASSWORD}),
        )
        .await
        .expect(200);
    laptop.csrf = a.body["csrf_token"].as_str().map(str::to_owned);

    let wrong = ada
        .post(
            "/api/v1/me/password",
            json!({"current_password": "not-it-at-all", "new_password": "a-new-long-phrase"}),
        )
        .await
        .expect(422);
    assert_eq!(wrong.body["errors"][0]["field"], "current_password");
    let weak = ada
        .post(
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "password"}),
        )
        .await
        .expect(422);
    assert_eq!(weak.body["errors"][0]["field"], "new_password");

    ada.post(
        "/api/v1/me/password",
        json!({"current_password": PASSWORD, "new_password": "a-new-long-phrase"}),
    )
    .await
    .expect(204);
    ada.get("/api/v1/me").await.expect(200);
    laptop.get("/api/v1/me").await.expect(401);
    app.anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email, "password": PASSWORD}),
        )
        .await
        .expect(401);
    app.anon()
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email, "password": "a-new-long-phrase"}),
        )
        .await
        .expect(200);
}

async fn profile_name_can_be_changed_and_is_validated(app: TestApp) {
    let mut ada = app.user("Ada").await;
    let changed = ada
        .patch("/api/v1/me", json!({"display_name": "  Ada Lovelace "}))
        .await
        .expect(200);
    assert_eq!(changed.body["display_name"], "Ada Lovelace");
    assert_eq!(changed.body["email"], ada.email.as_str());
    let me = ada.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["display_name"], "Ada Lovelace");
    // Nothing to change is not an error.
    let same = ada.patch("/api/v1/me", json!({})).await.expect(200);
    assert_eq!(same.body["display_name"], "Ada Lovelace");

    for bad in [json!("   "), json!("x".repeat(81))] {
        let refused = ada
            .patch("/api/v1/me", json!({"display_name": bad}))
            .await
            .expect(422);
        assert_eq!(refused.problem_type(), "urn:critboard:problem:validation");
        assert_eq!(refused.body["errors"][0]["field"], "display_name");
    }
    ada.patch("/api/v1/me", json!({"display_name": "x".repeat(80)}))
        .await
        .expect(200);

    // A cookie-authenticated change needs the CSRF header.
    let csrf = ada.csrf.take();
    ada.patch("/api/v1/me", json!({"display_name": "Forged"}))
        .await
        .expect(403);
    ada.csrf = csrf;
    let me = ada.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["display_name"], "x".repeat(80));

    app.anon()
        .patch("/api/v1/me", json!({"display_name": "Nobody"}))
        .await
        .expect(401);
}

async fn api_tokens_are_shown_once_work_as_bearer_and_can_be_revoked(app: TestApp) {
    let ada = app.user("Ada").await;
    let eve = app.user("Eve").await;
    let created = ada
        .post("/api/v1/me/tokens", json!({"name": "CI script"}))
        .await
        .expect(201);
    let secret = created.body["token"].as_str().unwrap().to_owned();
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cbt_"));
    assert!(secret.starts_with(created.body["prefix"].as_str().unwrap()));

    let list = ada.get("/api/v1/me/tokens").await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(
        list.body["items"][0].get("token").is_none(),
        "secret shown once"
    );
    assert!(!list.body.to_string().contains(&secret));

    // A script: no cookies, no CSRF header, just the bearer token.
    let mut script = app.anon();
    script.bearer = Some(secret.clone());
    let me = script.get("/api/v1/me").await.expect(200);
    assert_eq!(me.body["id"], ada.id.as_str());
    script
        .post("/api/v1/workspaces", json!({"name": "From a script"}))
        .await
        .expect(201);
    let stored = app.store.api_tokens(ada.id.parse().unwrap()).await.unwrap();
    let digest: String = sha2::Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored[0].token_hash, digest, "stored as its SHA-256 only");
    assert!(stored[0].last_used_at.is_some());

    eve.delete(&format!("/api/v1/me/tokens/{id}"))
        .await
        .expect(404);
    ada.delete(&format!("/api/v1/me/tokens/{id}"))
        .await
        .expect(204);
    script.get("/api/v1/me").await.expect(401);
    script.bearer = Some("cbt_made-up".into());
    script.get("/api/v1/me").await.expect(401);
}

async fn too_many_sign_ins_get_429_with_retry_after(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| c.auth_rate_limit = 3).await else {
        return;
    };
    let ada = app.user("Ada").await; // one attempt for this address
    let browser = app.anon();
    for _ in 0..2 {
        browser
            .post(
                "/api/v1/auth/login",
                json!({"email": ada.email, "password": "wrong-wrong"}),
            )
            .await
            .expect(401);
    }
    let limited = browser
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email, "password": PASSWORD}),
        )
        .await
        .expect(429);
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.problem_type(), "urn:critboard:problem:rate-limited");
    // Another address from the same IP still has attempts left (per-IP
    // quota is three times the per-address one)…
    browser
        .post(
            "/api/v1/auth/login",
            json!({"email": "x@example.com", "password": PASSWORD}),
        )
        .await
        .expect(401);
    // …until the per-IP quota (9) is spent too: sign-ups count as well.
    let mut statuses = Vec::new();
    for i in 0..6 {
        let a = browser
            .post(
                "/api/v1/auth/signup",
                json!({"email": format!("n{i}@example.com"), "display_name": "N", "password": PASSWORD}),
            )
            .await;
        statuses.push(a.status.as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

backend_tests!(
    signup_signs_in_and_me_returns_the_user,
    passwords_are_stored_as_argon2id,
    signup_rejects_bad_fields_with_field_errors,
    signup_with_taken_email_in_other_case_is_409,
    login_with_wrong_password_is_401_and_right_one_works,
    session_cookie_is_httponly_and_samesite_lax,
    cookie_changes_without_csrf_header_are_refused,
    logout_ends_the_session,
    password_change_ends_other_sessions,
    profile_name_can_be_changed_and_is_validated,
    api_tokens_are_shown_once_work_as_bearer_and_can_be_revoked,
);
async fn cookies_are_secure_behind_https(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.public_url = Some("https://critboard.example".into())
    })
    .await
    else {
        return;
    };
    let a = app
        .anon()
        .post(
            "/api/v1/auth/signup",
            json!({"email": "ada@example.com", "display_name": "Ada", "password": PASSWORD}),
        )
        .await
        .expect(201);
    let cookies = a.cookies();
    assert_eq!(cookies.len(), 2);
    assert!(
        cookies.iter().all(|c| c.contains("; Secure")),
        "{cookies:?}"
    );
}

backend_tests_with_config!(
    too_many_sign_ins_get_429_with_retry_after,
    cookies_are_secure_behind_https
);

/// The session cookie a browser got, as a raw `Cookie` header.
fn session_cookie(a: &crate::helpers::Answer) -> String {
    a.cookies()
        .into_iter()
        .find(|c| c.starts_with(&format!("{}=", critboard_server::auth::SESSION_COOKIE)))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a session cookie")
}

/// Signing in ends the session the browser had (whoever's it was), so a
/// session id known before sign-in is worth nothing after it; a password
/// change keeps the person's API tokens (they chose to change it).
async fn signing_in_rotates_the_session(app: TestApp) {
    let mut ada = app.anon();
    let first = ada
        .post(
            "/api/v1/auth/signup",
            json!({"email": "ada@example.com", "display_name": "Ada", "password": PASSWORD}),
        )
        .await
        .expect(201);
    let before = session_cookie(&first);
    let again = ada
        .post(
            "/api/v1/auth/login",
            json!({"email": "ada@example.com", "password": PASSWORD}),
        )
        .await
        .expect(200);
    let after = session_cookie(&again);
    assert_ne!(before, after, "a new session on sign-in");
    let raw = reqwest::Client::new();
    let me = |cookie: String| {
        raw.get(format!("{}/api/v1/me", app.base))
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(
        me(before).await.unwrap().status().as_u16(),
        401,
        "the old one ended"
    );
    assert_eq!(me(after).await.unwrap().status().as_u16(), 200);

    ada.csrf = Some(again.body["csrf_token"].as_str().unwrap().to_owned());
    let script = ada.script().await;
    ada.post(
        "/api/v1/me/password",
        json!({"current_password": PASSWORD, "new_password": "a-new-long-phrase"}),
    )
    .await
    .expect(204);
    script.get("/api/v1/me").await.expect(200);
}

backend_tests!(signing_in_rotates_the_session);

/// Two nodes on one database share the sign-in budget: attempts made on
/// either count against the same address.
async fn sign_in_throttling_counts_across_nodes(backend: Backend) {
    if backend == Backend::Sqlite {
        return; // one node per SQLite file
    }
    let Some(a) = spawn_app_with(backend, |c| c.auth_rate_limit = 3).await else {
        return;
    };
    let url = a.database_url.clone();
    let Some(b) = spawn_app_with(backend, move |c| {
        c.database_url = url;
        c.auth_rate_limit = 3;
    })
    .await
    else {
        return;
    };
    let ada = a.user("Ada").await; // one attempt, on node A
    let on_b = b.anon();
    let wrong = json!({"email": ada.email, "password": "wrong-wrong"});
    on_b.post("/api/v1/auth/login", wrong.clone())
        .await
        .expect(401);
    a.anon()
        .post("/api/v1/auth/login", wrong.clone())
        .await
        .expect(401);
    let limited = on_b
        .post(
            "/api/v1/auth/login",
            json!({"email": ada.email, "password": PASSWORD}),
        )
        .await
        .expect(429);
    assert!(limited.headers.contains_key("retry-after"));
    a.anon().post("/api/v1/auth/login", wrong).await.expect(429);
}

backend_tests_with_config!(sign_in_throttling_counts_across_nodes);
