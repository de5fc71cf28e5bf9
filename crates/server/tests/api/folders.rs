use crate::backend_tests;
use crate::helpers::{TestApp, TestUser};
use serde_json::json;

async fn folder(owner: &TestUser, ws: &str, name: &str, parent: Option<&str>) -> String {
    let f = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": name, "parent_id": parent}),
        )
        .await
        .expect(201);
    f.body["id"].as_str().unwrap().to_owned()
}

async fn board_in(owner: &TestUser, ws: &str, folder: Option<&str>, name: &str) -> String {
    let b = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/boards"),
            json!({"name": name, "folder_id": folder}),
        )
        .await
        .expect(201);
    b.body["id"].as_str().unwrap().to_owned()
}

async fn folder_grant_gives_its_role_on_every_board_inside(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let client = folder(&ada, &ws, "Client", None).await;
    let sub = folder(&ada, &ws, "Campaign", Some(&client)).await;
    let b1 = board_in(&ada, &ws, Some(&client), "Landing").await;
    let b2 = board_in(&ada, &ws, Some(&sub), "Banner").await;
    let elsewhere = board_in(&ada, &ws, None, "Internal").await;
    for b in [&b1, &b2, &elsewhere] {
        bob.get(&format!("/api/v1/boards/{b}")).await.expect(404);
    }
    let granted = ada
        .post(
            &format!("/api/v1/folders/{client}/grants"),
            json!({"email": bob.email, "role": "commenter"}),
        )
        .await
        .expect(201);
    assert_eq!(granted.body["role"], "commenter");
    for b in [&b1, &b2] {
        let a = bob.get(&format!("/api/v1/boards/{b}")).await.expect(200);
        assert_eq!(a.body["role"], "commenter", "inherited from the folder");
    }
    bob.get(&format!("/api/v1/boards/{elsewhere}"))
        .await
        .expect(404);
    // Posting again changes the grant.
    ada.post(
        &format!("/api/v1/folders/{client}/grants"),
        json!({"user_id": bob.id, "role": "editor"}),
    )
    .await
    .expect(201);
    let a = bob.get(&format!("/api/v1/boards/{b2}")).await.expect(200);
    assert_eq!(a.body["role"], "editor");
    let grants = bob
        .get(&format!("/api/v1/folders/{client}/grants"))
        .await
        .expect(200);
    assert_eq!(grants.body["items"].as_array().unwrap().len(), 1);
    ada.delete(&format!("/api/v1/folders/{client}/grants/{}", bob.id))
        .await
        .expect(204);
    ada.delete(&format!("/api/v1/folders/{client}/grants/{}", bob.id))
        .await
        .expect(404);
    bob.get(&format!("/api/v1/boards/{b1}")).await.expect(404);
}

async fn only_workspace_admins_manage_folders(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let eve = app.user("Eve").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    bob.post(
        &format!("/api/v1/workspaces/{ws}/folders"),
        json!({"name": "X"}),
    )
    .await
    .expect(403);
    eve.post(
        &format!("/api/v1/workspaces/{ws}/folders"),
        json!({"name": "X"}),
    )
    .await
    .expect(404);
    let f = folder(&ada, &ws, "Clients", None).await;
    let list = bob
        .get(&format!("/api/v1/workspaces/{ws}/folders"))
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["name"], "Clients");
    bob.patch(&format!("/api/v1/folders/{f}"), json!({"name": "Y"}))
        .await
        .expect(403);
    eve.patch(&format!("/api/v1/folders/{f}"), json!({"name": "Y"}))
        .await
        .expect(404);
    eve.get(&format!("/api/v1/folders/{f}/boards"))
        .await
        .expect(404);
    eve.get(&format!("/api/v1/folders/{f}/grants"))
        .await
        .expect(404);
    bob.delete(&format!("/api/v1/folders/{f}"))
        .await
        .expect(403);
    let renamed = ada
        .patch(
            &format!("/api/v1/folders/{f}"),
            json!({"name": "Customers"}),
        )
        .await
        .expect(200);
    assert_eq!(renamed.body["name"], "Customers");
}

async fn folders_nest_one_level(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let top = folder(&ada, &ws, "Top", None).await;
    let child = folder(&ada, &ws, "Child", Some(&top)).await;
    let deep = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "Grandchild", "parent_id": child}),
        )
        .await
        .expect(422);
    assert_eq!(deep.body["errors"][0]["field"], "parent_id");
    ada.patch(&format!("/api/v1/folders/{top}"), json!({"parent_id": top}))
        .await
        .expect(422);
    let other = folder(&ada, &ws, "Other", None).await;
    ada.patch(
        &format!("/api/v1/folders/{top}"),
        json!({"parent_id": other}),
    )
    .await
    .expect(422);
    let moved = ada
        .patch(
            &format!("/api/v1/folders/{child}"),
            json!({"parent_id": null}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["parent_id"], json!(null));
    // A folder of another workspace is not a valid parent.
    let ws2 = app.workspace(&ada, &[]).await;
    let foreign = folder(&ada, &ws2, "Foreign", None).await;
    ada.post(
        &format!("/api/v1/workspaces/{ws}/folders"),
        json!({"name": "X", "parent_id": foreign}),
    )
    .await
    .expect(422);
}

async fn deleting_a_folder_keeps_its_boards_at_the_top_level(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let f = folder(&ada, &ws, "Old", None).await;
    let b = board_in(&ada, &ws, Some(&f), "Keep me").await;
    ada.delete(&format!("/api/v1/folders/{f}"))
        .await
        .expect(204);
    let board = ada.get(&format!("/api/v1/boards/{b}")).await.expect(200);
    assert_eq!(board.body["folder_id"], json!(null));
    ada.get(&format!("/api/v1/folders/{f}/boards"))
        .await
        .expect(404);
}

async fn grants_need_workspace_membership(app: TestApp) {
    let ada = app.user("Ada").await;
    let eve = app.user("Eve").await;
    let ws = app.workspace(&ada, &[]).await;
    let f = folder(&ada, &ws, "F", None).await;
    let a = ada
        .post(
            &format!("/api/v1/folders/{f}/grants"),
            json!({"user_id": eve.id, "role": "viewer"}),
        )
        .await
        .expect(422);
    assert!(a.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("workspace"));
    ada.post(
        &format!("/api/v1/folders/{f}/grants"),
        json!({"role": "viewer"}),
    )
    .await
    .expect(422);
}

backend_tests!(
    folder_grant_gives_its_role_on_every_board_inside,
    only_workspace_admins_manage_folders,
    folders_nest_one_level,
    deleting_a_folder_keeps_its_boards_at_the_top_level,
    grants_need_workspace_membership,
);
