use crate::backend_tests;
use crate::helpers::TestApp;
use serde_json::Value;
use std::collections::BTreeSet;

async fn health_and_readiness_probes_answer(app: TestApp) {
    let anon = app.anon();
    let h = anon.get("/healthz").await.expect(200);
    assert_eq!(h.body["status"], "ok");
    let r = anon.get("/readyz").await.expect(200);
    assert_eq!(r.body["status"], "ready");
}

async fn metrics_count_requests_by_route(app: TestApp) {
    let anon = app.anon();
    anon.get("/healthz").await.expect(200);
    anon.get("/readyz").await.expect(200);
    let m = anon.get("/metrics").await.expect(200);
    let text = m.body.as_str().unwrap();
    assert!(text.contains("critboard_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/healthz\""));
    assert!(text.contains("critboard_db_query_seconds"));
}

async fn every_request_gets_a_request_id(app: TestApp) {
    let a = app.anon().get("/healthz").await;
    assert_eq!(a.headers["x-request-id"].to_str().unwrap().len(), 36);
    let res = reqwest::Client::new()
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-42");
}

/// The public contract of SPEC.md's route map (the parts built so far),
/// plus the routes this service adds.
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/signup"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("patch", "/api/v1/me"),
    ("post", "/api/v1/me/password"),
    ("get", "/api/v1/me/tokens"),
    ("post", "/api/v1/me/tokens"),
    ("delete", "/api/v1/me/tokens/{id}"),
    ("get", "/api/v1/workspaces"),
    ("post", "/api/v1/workspaces"),
    ("get", "/api/v1/workspaces/{id}"),
    ("patch", "/api/v1/workspaces/{id}"),
    ("delete", "/api/v1/workspaces/{id}"),
    ("get", "/api/v1/workspaces/{id}/members"),
    ("post", "/api/v1/workspaces/{id}/members"),
    ("patch", "/api/v1/workspaces/{id}/members/{user_id}"),
    ("delete", "/api/v1/workspaces/{id}/members/{user_id}"),
    ("get", "/api/v1/workspaces/{id}/folders"),
    ("post", "/api/v1/workspaces/{id}/folders"),
    ("patch", "/api/v1/folders/{id}"),
    ("delete", "/api/v1/folders/{id}"),
    ("get", "/api/v1/folders/{id}/grants"),
    ("post", "/api/v1/folders/{id}/grants"),
    ("delete", "/api/v1/folders/{id}/grants/{user_id}"),
    ("get", "/api/v1/folders/{id}/boards"),
    ("get", "/api/v1/workspaces/{id}/boards"),
    ("post", "/api/v1/workspaces/{id}/boards"),
    ("get", "/api/v1/boards/{id}"),
    ("patch", "/api/v1/boards/{id}"),
    ("delete", "/api/v1/boards/{id}"),
    ("get", "/api/v1/boards/{id}/members"),
    ("get", "/api/v1/boards/{id}/people"),
    ("post", "/api/v1/boards/{id}/members"),
    ("patch", "/api/v1/boards/{id}/members/{user_id}"),
    ("delete", "/api/v1/boards/{id}/members/{user_id}"),
    ("post", "/api/v1/boards/{id}/uploads"),
    ("put", "/api/v1/uploads/{id}/content"),
    ("post", "/api/v1/uploads/{id}/complete"),
    ("post", "/api/v1/boards/{id}/captures"),
    ("post", "/api/v1/assets/{id}/recapture"),
    ("post", "/api/v1/boards/{id}/recapture"),
    ("get", "/api/v1/boards/{id}/assets"),
    ("get", "/api/v1/assets/{id}"),
    ("patch", "/api/v1/assets/{id}"),
    ("delete", "/api/v1/assets/{id}"),
    ("get", "/api/v1/assets/{id}/versions"),
    ("get", "/api/v1/versions/{id}"),
    ("get", "/api/v1/files/{token}"),
    ("get", "/api/v1/versions/{id}/threads"),
    ("get", "/api/v1/versions/{id}/pages"),
    ("get", "/api/v1/versions/{id}/changes"),
    ("post", "/api/v1/boards/{id}/exports"),
    ("get", "/api/v1/exports/{id}"),
    ("get", "/api/v1/versions/{id}/download"),
    ("get", "/api/v1/versions/{id}/decisions"),
    ("post", "/api/v1/versions/{id}/threads"),
    ("get", "/api/v1/threads/{id}"),
    ("patch", "/api/v1/threads/{id}"),
    ("post", "/api/v1/threads/{id}/comments"),
    ("patch", "/api/v1/comments/{id}"),
    ("delete", "/api/v1/comments/{id}"),
    ("get", "/api/v1/boards/{id}/reviews"),
    ("post", "/api/v1/boards/{id}/reviews"),
    ("get", "/api/v1/reviews/{id}"),
    ("delete", "/api/v1/reviews/{id}"),
    ("post", "/api/v1/reviews/{id}/items"),
    ("post", "/api/v1/reviews/{id}/submit"),
    ("patch", "/api/v1/review-items/{id}"),
    ("delete", "/api/v1/review-items/{id}"),
    ("get", "/api/v1/boards/{id}/activity"),
    ("get", "/api/v1/boards/{id}/stream"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/read"),
    ("get", "/api/v1/me/notification-settings"),
    ("put", "/api/v1/me/notification-settings"),
    ("put", "/api/v1/boards/{id}/mute"),
    ("delete", "/api/v1/boards/{id}/mute"),
    ("post", "/api/v1/auth/verify-email"),
    ("post", "/api/v1/me/verification"),
    ("get", "/api/v1/unsubscribe/{token}"),
    ("post", "/api/v1/unsubscribe/{token}"),
    ("post", "/api/v1/auth/password-reset"),
    ("post", "/api/v1/auth/password-reset/confirm"),
    ("get", "/api/v1/workspaces/{id}/invitations"),
    ("post", "/api/v1/workspaces/{id}/invitations"),
    ("post", "/api/v1/boards/{id}/invitations"),
    ("delete", "/api/v1/invitations/{id}"),
    ("post", "/api/v1/invitations/{id}/resend"),
    ("get", "/api/v1/me/stream"),
    ("post", "/api/v1/workspaces/{id}/sample-board"),
    ("get", "/api/v1/boards/{id}/guest-email"),
    ("put", "/api/v1/boards/{id}/guest-email"),
    ("delete", "/api/v1/boards/{id}/guest-email"),
    ("get", "/api/v1/guest-email/{token}"),
    ("post", "/api/v1/guest-email/{token}"),
    ("get", "/api/v1/boards/{id}/invitations"),
    ("get", "/api/v1/invite/{token}"),
    ("post", "/api/v1/invite/{token}/accept"),
    ("put", "/api/v1/versions/{id}/review"),
    ("get", "/api/v1/boards/{id}/share-links"),
    ("post", "/api/v1/boards/{id}/share-links"),
    ("delete", "/api/v1/share-links/{id}"),
    ("get", "/api/v1/share/{token}"),
    ("post", "/api/v1/share/{token}/session"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/admin/errors"),
    ("get", "/api/v1/admin/errors/{id}"),
    ("patch", "/api/v1/admin/errors/{id}"),
    ("get", "/api/v1/admin/performance"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every operation's error answers are problem documents, and it lists
/// what the shared layers can answer it: 404 for an id, 413/415/422 for a
/// body, 401 where one must sign in, 429 with `Retry-After` for changes.
async fn every_operation_documents_its_problem_answers(app: TestApp) {
    let spec = app.anon().get("/api/v1/openapi.json").await.expect(200);
    let mut checked = 0;
    for (path, item) in spec.body["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            checked += 1;
            let id = op["operationId"].as_str().unwrap();
            let answers = op["responses"].as_object().unwrap();
            for (status, answer) in answers {
                if status.as_str() >= "400" {
                    let types: Vec<&String> =
                        answer["content"].as_object().unwrap().keys().collect();
                    assert_eq!(types, ["application/problem+json"], "{id} {status}");
                }
            }
            let has = |s: &str| answers.contains_key(s);
            assert!(has("503"), "{id}");
            if path.contains('{') {
                assert!(has("404"), "{id} takes an id");
            }
            if op.get("requestBody").is_some() {
                assert!(has("413") && has("415") && has("422"), "{id} takes a body");
            }
            if method != "get" {
                assert!(
                    answers["429"]["headers"].get("Retry-After").is_some(),
                    "{id} changes something"
                );
            }
            let public = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r == &serde_json::json!({})));
            if !public {
                assert!(has("401"), "{id} needs a sign-in");
            }
        }
    }
    assert!(checked > 100, "{checked}");
    // Limits say their real range.
    let limit = &spec.body["paths"]["/api/v1/boards/{id}/activity"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()["schema"];
    assert_eq!(
        (limit["minimum"].as_u64(), limit["maximum"].as_u64()),
        (Some(1), Some(200))
    );
}

/// The spec lists exactly the routes the router serves: every documented
/// operation is routed, every other method on those paths is a 405, and
/// the route map of SPEC.md is all there.
async fn openapi_document_matches_the_served_routes(app: TestApp) {
    let ada = app.user("Ada").await;
    let spec = ada.get("/api/v1/openapi.json").await.expect(200);
    assert_eq!(spec.body["openapi"], "3.1.0");
    let paths = spec.body["paths"].as_object().unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some() {
                documented.insert((method.to_owned(), path.clone()));
            }
        }
    }
    let contract: BTreeSet<_> = CONTRACT
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, contract, "spec and route map differ");
    // Clients generated from the document key operations by their id.
    let mut ids = BTreeSet::new();
    for item in paths.values() {
        for method in METHODS {
            if let Some(id) = item.get(method).and_then(|op| op["operationId"].as_str()) {
                assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
            }
        }
    }

    let nil = uuid::Uuid::nil().to_string();
    for (path, item) in paths {
        let concrete = path.replace("{id}", &nil).replace("{user_id}", &nil);
        for method in METHODS {
            let a = ada
                .send(
                    method.to_uppercase().parse().unwrap(),
                    &concrete,
                    (method != "get").then(|| Value::Object(Default::default())),
                )
                .await;
            if item.get(method).is_some() {
                assert_ne!(
                    a.problem_type(),
                    "urn:critboard:problem:no-route",
                    "{method} {path}"
                );
                assert_ne!(
                    a.status.as_u16(),
                    405,
                    "{method} {path} is documented but not routed"
                );
                assert!(a.status.as_u16() < 500, "{method} {path}: {:?}", a.body);
            } else {
                assert_eq!(
                    a.status.as_u16(),
                    405,
                    "{method} {path} is routed but not documented"
                );
            }
        }
    }
}

backend_tests!(
    health_and_readiness_probes_answer,
    metrics_count_requests_by_route,
    every_operation_documents_its_problem_answers,
    every_request_gets_a_request_id,
    openapi_document_matches_the_served_routes,
);
