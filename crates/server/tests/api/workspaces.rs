use crate::backend_tests;
use crate::helpers::TestApp;
use serde_json::json;

async fn creator_owns_new_workspace_and_outsider_gets_404(app: TestApp) {
    let ada = app.user("Ada").await;
    let eve = app.user("Eve").await;
    let ws = ada
        .post("/api/v1/workspaces", json!({"name": "  Acme Studio  "}))
        .await
        .expect(201);
    assert_eq!(ws.body["name"], "Acme Studio");
    assert_eq!(ws.body["role"], "owner");
    let id = ws.body["id"].as_str().unwrap();
    let list = ada.get("/api/v1/workspaces").await.expect(200);
    assert_eq!(list.body["items"][0]["id"], id);
    assert_eq!(eve.get("/api/v1/workspaces").await.body["items"], json!([]));
    for path in [
        format!("/api/v1/workspaces/{id}"),
        format!("/api/v1/workspaces/{id}/members"),
        format!("/api/v1/workspaces/{id}/folders"),
        format!("/api/v1/workspaces/{id}/boards"),
    ] {
        eve.get(&path).await.expect(404);
    }
    eve.patch(&format!("/api/v1/workspaces/{id}"), json!({"name": "Mine"}))
        .await
        .expect(404);
    eve.delete(&format!("/api/v1/workspaces/{id}"))
        .await
        .expect(404);
}

async fn admins_add_members_but_members_cannot(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let cy = app.user("Cy").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let members = format!("/api/v1/workspaces/{ws}/members");
    let refused = bob
        .post(&members, json!({"email": cy.email, "role": "member"}))
        .await
        .expect(403);
    assert_eq!(refused.problem_type(), "urn:critboard:problem:forbidden");
    ada.patch(&format!("{members}/{}", bob.id), json!({"role": "admin"}))
        .await
        .expect(200);
    let added = bob
        .post(
            &members,
            json!({"email": cy.email.to_uppercase(), "role": "member"}),
        )
        .await
        .expect(201);
    assert_eq!(added.body["user_id"], cy.id.as_str());
    assert_eq!(added.body["role"], "member");
    bob.post(&members, json!({"user_id": cy.id, "role": "member"}))
        .await
        .expect(409);
    let unknown = bob
        .post(
            &members,
            json!({"email": "ghost@example.com", "role": "member"}),
        )
        .await
        .expect(422);
    assert_eq!(unknown.body["errors"][0]["field"], "email");
    let bad_role = bob
        .post(&members, json!({"user_id": cy.id, "role": "emperor"}))
        .await
        .expect(422);
    assert_eq!(bad_role.body["errors"][0]["field"], "role");
    let list = cy.get(&members).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
}

async fn only_owners_make_or_remove_owners(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let cy = app.user("Cy").await;
    let ws = app.workspace(&ada, &[&bob, &cy]).await;
    let members = format!("/api/v1/workspaces/{ws}/members");
    ada.patch(&format!("{members}/{}", bob.id), json!({"role": "admin"}))
        .await
        .expect(200);
    bob.patch(&format!("{members}/{}", cy.id), json!({"role": "owner"}))
        .await
        .expect(403);
    bob.patch(&format!("{members}/{}", ada.id), json!({"role": "member"}))
        .await
        .expect(403);
    bob.delete(&format!("{members}/{}", ada.id))
        .await
        .expect(403);
    ada.patch(&format!("{members}/{}", cy.id), json!({"role": "owner"}))
        .await
        .expect(200);
    bob.delete(&format!("{members}/{}", cy.id))
        .await
        .expect(403);
    ada.delete(&format!("{members}/{}", cy.id))
        .await
        .expect(204);
}

async fn last_owner_cannot_leave_or_be_demoted(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let members = format!("/api/v1/workspaces/{ws}/members");
    ada.delete(&format!("{members}/{}", ada.id))
        .await
        .expect(409);
    ada.patch(&format!("{members}/{}", ada.id), json!({"role": "member"}))
        .await
        .expect(409);
    ada.patch(&format!("{members}/{}", bob.id), json!({"role": "owner"}))
        .await
        .expect(200);
    ada.delete(&format!("{members}/{}", ada.id))
        .await
        .expect(204);
    ada.get(&format!("/api/v1/workspaces/{ws}"))
        .await
        .expect(404);
    // Members may leave on their own.
    let cy = app.user("Cy").await;
    bob.post(&members, json!({"user_id": cy.id, "role": "member"}))
        .await
        .expect(201);
    cy.delete(&format!("{members}/{}", cy.id)).await.expect(204);
}

async fn removed_member_loses_board_and_folder_access(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let folder = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "Client A"}),
        )
        .await
        .expect(201);
    let folder = folder.body["id"].as_str().unwrap();
    ada.post(
        &format!("/api/v1/folders/{folder}/grants"),
        json!({"user_id": bob.id, "role": "editor"}),
    )
    .await
    .expect(201);
    let board = bob
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "Homepage", "folder_id": folder}),
        )
        .await
        .expect(201);
    let board = board.body["id"].as_str().unwrap();
    ada.delete(&format!("/api/v1/workspaces/{ws}/members/{}", bob.id))
        .await
        .expect(204);
    bob.get(&format!("/api/v1/boards/{board}"))
        .await
        .expect(404);
    let grants = ada
        .get(&format!("/api/v1/folders/{folder}/grants"))
        .await
        .expect(200);
    assert_eq!(grants.body["items"], json!([]));
}

async fn rename_needs_admin_and_quota_needs_instance_admin(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let path = format!("/api/v1/workspaces/{ws}");
    bob.patch(&path, json!({"name": "Bob's"})).await.expect(403);
    let renamed = ada
        .patch(&path, json!({"name": "Renamed"}))
        .await
        .expect(200);
    assert_eq!(renamed.body["name"], "Renamed");
    ada.patch(&path, json!({"name": ""})).await.expect(422);
    ada.patch(&path, json!({"storage_quota_bytes": 1000}))
        .await
        .expect(403);
    app.store
        .set_admin(ada.id.parse().unwrap(), true)
        .await
        .unwrap();
    let q = ada
        .patch(&path, json!({"storage_quota_bytes": 1_000_000}))
        .await
        .expect(200);
    assert_eq!(q.body["storage_quota_bytes"], 1_000_000);
    let cleared = ada
        .patch(&path, json!({"storage_quota_bytes": null}))
        .await
        .expect(200);
    assert_eq!(cleared.body["storage_quota_bytes"], json!(null));
    ada.patch(&path, json!({"storage_quota_bytes": -5}))
        .await
        .expect(422);
}

async fn owner_deletes_workspace_with_everything_in_it(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let folder = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "F"}),
        )
        .await
        .expect(201);
    let board = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": "B", "folder_id": folder.body["id"]}),
        )
        .await
        .expect(201);
    bob.delete(&format!("/api/v1/workspaces/{ws}"))
        .await
        .expect(403);
    ada.delete(&format!("/api/v1/workspaces/{ws}"))
        .await
        .expect(204);
    ada.get(&format!("/api/v1/workspaces/{ws}"))
        .await
        .expect(404);
    ada.get(&format!(
        "/api/v1/boards/{}",
        board.body["id"].as_str().unwrap()
    ))
    .await
    .expect(404);
}

/// Two owners demoting each other at the same moment: one wins and the
/// workspace keeps an owner.
async fn concurrent_owner_demotions_leave_an_owner(app: TestApp) {
    for _ in 0..3 {
        let ada = app.user("Ada").await;
        let bob = app.user("Bob").await;
        let ws = app.workspace(&ada, &[&bob]).await;
        let members = format!("/api/v1/workspaces/{ws}/members");
        ada.patch(&format!("{members}/{}", bob.id), json!({"role": "owner"}))
            .await
            .expect(200);
        let (bob_path, ada_path) = (
            format!("{members}/{}", bob.id),
            format!("{members}/{}", ada.id),
        );
        let (a, b) = tokio::join!(
            ada.patch(&bob_path, json!({"role": "member"})),
            bob.patch(&ada_path, json!({"role": "member"})),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort();
        // The loser either lost its owner role first (403) or found itself
        // the last owner (409); never both succeed.
        assert!(
            statuses == [200, 403] || statuses == [200, 409],
            "{:?} {:?}",
            a.body,
            b.body
        );
        let list = ada.get(&members).await.expect(200);
        let owners = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "owner")
            .count();
        assert_eq!(owners, 1);
    }
}

backend_tests!(
    concurrent_owner_demotions_leave_an_owner,
    creator_owns_new_workspace_and_outsider_gets_404,
    admins_add_members_but_members_cannot,
    only_owners_make_or_remove_owners,
    last_owner_cannot_leave_or_be_demoted,
    removed_member_loses_board_and_folder_access,
    rename_needs_admin_and_quota_needs_instance_admin,
    owner_deletes_workspace_with_everything_in_it,
);
