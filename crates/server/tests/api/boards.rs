use crate::backend_tests;
use crate::helpers::{TestApp, TestUser};
use critboard_store::entities::{board, board_member};
use critboard_store::sea_orm::{EntityTrait, Set};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

async fn create_board(owner: &TestUser, ws: &str, body: serde_json::Value) -> String {
    let b = owner
        .post(&format!("/api/v1/workspaces/{ws}/boards"), body)
        .await
        .expect(201);
    b.body["id"].as_str().unwrap().to_owned()
}

async fn add_board_member(owner: &TestUser, board: &str, user: &TestUser, role: &str) {
    owner
        .post(
            &format!("/api/v1/boards/{board}/members"),
            json!({"user_id": user.id, "role": role}),
        )
        .await
        .expect(201);
}

/// The role table of SPEC.md on every board route of this issue.
async fn role_table_is_enforced_on_board_routes(app: TestApp) {
    let owner = app.user("Owner").await;
    let admin = app.user("Admin").await;
    let editor = app.user("Editor").await;
    let commenter = app.user("Commenter").await;
    let viewer = app.user("Viewer").await;
    let member = app.user("Member").await;
    let outsider = app.user("Outsider").await;
    let ws = app
        .workspace(&owner, &[&admin, &editor, &commenter, &viewer, &member])
        .await;
    owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{}", admin.id),
            json!({"role": "admin"}),
        )
        .await
        .expect(200);
    let b = create_board(&owner, &ws, json!({"name": "Homepage"})).await;
    add_board_member(&owner, &b, &editor, "editor").await;
    add_board_member(&owner, &b, &commenter, "commenter").await;
    add_board_member(&owner, &b, &viewer, "viewer").await;
    let path = format!("/api/v1/boards/{b}");

    // Each answer says what the caller may do, from the role table.
    for (who, role, can) in [
        (&owner, "owner", [true, true, true]),
        (&admin, "owner", [true, true, true]),
        (&editor, "editor", [true, true, false]),
        (&commenter, "commenter", [true, false, false]),
        (&viewer, "viewer", [false, false, false]),
    ] {
        let a = who.get(&path).await.expect(200);
        assert_eq!(a.body["role"], role);
        let got = ["comment", "edit", "manage"].map(|k| a.body["can"][k].as_bool().unwrap());
        assert_eq!(got, can, "{role}");
        who.get(&format!("{path}/members")).await.expect(200);
    }
    for who in [&member, &outsider] {
        who.get(&path).await.expect(404);
        who.get(&format!("{path}/members")).await.expect(404);
        who.patch(&path, json!({"name": "x"})).await.expect(404);
        who.delete(&path).await.expect(404);
    }
    // Rename: editors and up.
    for who in [&viewer, &commenter] {
        who.patch(&path, json!({"name": "x"})).await.expect(403);
    }
    editor
        .patch(&path, json!({"name": "Home v2"}))
        .await
        .expect(200);
    // Archive, members, delete: owners (incl. workspace admins).
    editor
        .patch(&path, json!({"archived": true}))
        .await
        .expect(403);
    editor
        .post(
            &format!("{path}/members"),
            json!({"user_id": member.id, "role": "viewer"}),
        )
        .await
        .expect(403);
    editor.delete(&path).await.expect(403);
    admin
        .post(
            &format!("{path}/members"),
            json!({"user_id": member.id, "role": "viewer"}),
        )
        .await
        .expect(201);
    member.get(&path).await.expect(200);
    admin
        .patch(
            &format!("{path}/members/{}", member.id),
            json!({"role": "commenter"}),
        )
        .await
        .expect(200);
    assert_eq!(member.get(&path).await.body["role"], "commenter");
    admin
        .delete(&format!("{path}/members/{}", member.id))
        .await
        .expect(204);
    member.get(&path).await.expect(404);
    admin
        .patch(&path, json!({"archived": true}))
        .await
        .expect(200);
    owner.delete(&path).await.expect(204);
    owner.get(&path).await.expect(404);
}

async fn effective_role_is_the_highest_grant(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let f = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "F"}),
        )
        .await
        .expect(201);
    let f = f.body["id"].as_str().unwrap();
    let b = create_board(&ada, &ws, json!({"name": "B", "folder_id": f})).await;
    add_board_member(&ada, &b, &bob, "viewer").await;
    ada.post(
        &format!("/api/v1/folders/{f}/grants"),
        json!({"user_id": bob.id, "role": "editor"}),
    )
    .await
    .expect(201);
    assert_eq!(
        bob.get(&format!("/api/v1/boards/{b}")).await.body["role"],
        "editor"
    );
    let list = bob
        .get(&format!("/api/v1/folders/{f}/boards"))
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["role"], "editor");
    ada.patch(
        &format!("/api/v1/boards/{b}/members/{}", bob.id),
        json!({"role": "owner"}),
    )
    .await
    .expect(200);
    assert_eq!(
        bob.get(&format!("/api/v1/boards/{b}")).await.body["role"],
        "owner"
    );
}

async fn archived_boards_leave_the_default_list(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let b = create_board(
        &ada,
        &ws,
        json!({"name": "Old site", "description": "2019"}),
    )
    .await;
    create_board(&ada, &ws, json!({"name": "New site"})).await;
    let archived = ada
        .patch(&format!("/api/v1/boards/{b}"), json!({"archived": true}))
        .await
        .expect(200);
    assert_eq!(archived.body["archived"], true);
    assert!(archived.body["archived_at"].is_string());
    let active = ada
        .get(&format!("/api/v1/workspaces/{ws}/boards"))
        .await
        .expect(200);
    let names: Vec<&str> = active.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["New site"]);
    let old = ada
        .get(&format!("/api/v1/workspaces/{ws}/boards?archived=true"))
        .await
        .expect(200);
    assert_eq!(old.body["items"][0]["name"], "Old site");
    ada.patch(&format!("/api/v1/boards/{b}"), json!({"archived": false}))
        .await
        .expect(200);
    let all = ada.get(&format!("/api/v1/workspaces/{ws}/boards")).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
}

async fn board_list_filters_by_name(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    for name in ["Homepage redesign", "HOME icons", "Pricing", "100%_done"] {
        create_board(&ada, &ws, json!({"name": name})).await;
    }
    let names = |a: crate::helpers::Answer| a.item_texts("name");
    let home = ada
        .get(&format!("/api/v1/workspaces/{ws}/boards?q=home"))
        .await
        .expect(200);
    let mut got = names(home);
    got.sort();
    assert_eq!(got, ["HOME icons", "Homepage redesign"]);
    // LIKE wildcards are taken literally.
    let pct = ada
        .get(&format!("/api/v1/workspaces/{ws}/boards?q=%25_"))
        .await
        .expect(200);
    assert_eq!(names(pct), ["100%_done"]);
    let none = ada
        .get(&format!("/api/v1/workspaces/{ws}/boards?q=zzz"))
        .await
        .expect(200);
    assert!(names(none).is_empty());
}

async fn moving_a_board_needs_rights_on_the_target_folder(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let f1 = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "F1"}),
        )
        .await
        .expect(201);
    let f1 = f1.body["id"].as_str().unwrap();
    let f2 = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "F2"}),
        )
        .await
        .expect(201);
    let f2 = f2.body["id"].as_str().unwrap();
    // Bob may create at the top level, not in a folder without a grant.
    let b = create_board(&bob, &ws, json!({"name": "Bob's"})).await;
    bob.post(
        &format!("/api/v1/workspaces/{ws}/boards"),
        json!({"name": "X", "folder_id": f1}),
    )
    .await
    .expect(403);
    bob.patch(&format!("/api/v1/boards/{b}"), json!({"folder_id": f1}))
        .await
        .expect(403);
    ada.post(
        &format!("/api/v1/folders/{f1}/grants"),
        json!({"user_id": bob.id, "role": "editor"}),
    )
    .await
    .expect(201);
    let moved = bob
        .patch(&format!("/api/v1/boards/{b}"), json!({"folder_id": f1}))
        .await
        .expect(200);
    assert_eq!(moved.body["folder_id"], f1);
    bob.patch(&format!("/api/v1/boards/{b}"), json!({"folder_id": f2}))
        .await
        .expect(403);
    bob.patch(
        &format!("/api/v1/boards/{b}"),
        json!({"folder_id": Uuid::nil()}),
    )
    .await
    .expect(422);
    let top = bob
        .patch(&format!("/api/v1/boards/{b}"), json!({"folder_id": null}))
        .await
        .expect(200);
    assert_eq!(top.body["folder_id"], json!(null));
}

async fn board_members_need_workspace_membership_and_an_owner(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let eve = app.user("Eve").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    let b = create_board(&ada, &ws, json!({"name": "B"})).await;
    ada.post(
        &format!("/api/v1/boards/{b}/members"),
        json!({"user_id": eve.id, "role": "viewer"}),
    )
    .await
    .expect(422);
    add_board_member(&ada, &b, &bob, "viewer").await;
    ada.post(
        &format!("/api/v1/boards/{b}/members"),
        json!({"user_id": bob.id, "role": "editor"}),
    )
    .await
    .expect(409);
    ada.delete(&format!("/api/v1/boards/{b}/members/{}", ada.id))
        .await
        .expect(409);
    ada.patch(
        &format!("/api/v1/boards/{b}/members/{}", ada.id),
        json!({"role": "viewer"}),
    )
    .await
    .expect(409);
    ada.patch(
        &format!("/api/v1/boards/{b}/members/{}", eve.id),
        json!({"role": "viewer"}),
    )
    .await
    .expect(404);
    // Viewers may leave a board on their own.
    bob.delete(&format!("/api/v1/boards/{b}/members/{}", bob.id))
        .await
        .expect(204);
    let members = ada
        .get(&format!("/api/v1/boards/{b}/members"))
        .await
        .expect(200);
    assert_eq!(members.body["items"].as_array().unwrap().len(), 1);
}

async fn seed_boards(app: &TestApp, ws: &str, folder: &str, n: usize, member: &str) -> Vec<Uuid> {
    let ws: Uuid = ws.parse().unwrap();
    let folder: Uuid = folder.parse().unwrap();
    let member: Uuid = member.parse().unwrap();
    let now = app.store.now();
    let ids: Vec<Uuid> = (0..n).map(|_| critboard_store::new_id()).collect();
    for chunk in ids.chunks(200) {
        let rows = chunk.iter().enumerate().map(|(i, id)| board::ActiveModel {
            id: Set(*id),
            workspace_id: Set(ws),
            folder_id: Set(Some(folder)),
            name: Set(format!("Board {id} {i}")),
            description: Set(String::new()),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            deciders: Set(critboard_domain::Deciders::Editors),
            due_at: Set(None),
            due_reminded_at: Set(None),
        });
        board::Entity::insert_many(rows)
            .exec_without_returning(app.store.conn())
            .await
            .unwrap();
        // Every third board also has a direct grant, so the list mixes
        // board grants and folder grants.
        let grants = chunk.iter().step_by(3).map(|id| board_member::ActiveModel {
            board_id: Set(*id),
            user_id: Set(member),
            role: Set(critboard_domain::BoardRole::Editor),
            created_at: Set(now),
        });
        board_member::Entity::insert_many(grants)
            .exec_without_returning(app.store.conn())
            .await
            .unwrap();
    }
    ids
}

/// The endpoint that once took 4 s: one page costs the same number of SQL
/// statements for 10 boards as for 1,000.
async fn board_list_runs_constant_queries_for_10_and_1000_boards(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let others = [app.user("Cy").await, app.user("Di").await];
    let ws = app.workspace(&ada, &[&bob, &others[0], &others[1]]).await;
    let mut folders = Vec::new();
    for (name, n) in [("Small", 10), ("Big", 1000)] {
        let f = ada
            .post(
                &format!("/api/v1/workspaces/{ws}/folders"),
                json!({"name": name}),
            )
            .await
            .expect(201);
        let f = f.body["id"].as_str().unwrap().to_owned();
        for who in [&bob, &others[0], &others[1]] {
            ada.post(
                &format!("/api/v1/folders/{f}/grants"),
                json!({"user_id": who.id, "role": "viewer"}),
            )
            .await
            .expect(201);
        }
        seed_boards(&app, &ws, &f, n, &bob.id).await;
        folders.push(f);
    }
    let mut counts = Vec::new();
    for who in [&ada, &bob] {
        for f in &folders {
            let a = who
                .get(&format!("/api/v1/folders/{f}/boards?limit=50"))
                .await
                .expect(200);
            counts.push(a.queries());
        }
    }
    assert!(
        counts.iter().all(|c| *c == counts[0]),
        "query counts differ: {counts:?}"
    );
    // Session, folder access, one page: the counter really counts.
    assert!((2..=4).contains(&counts[0]), "{counts:?}");

    // Page through all 1,000 as Bob: every board once, roles right, and
    // every page as cheap as the first.
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    let mut page_counts = HashSet::new();
    loop {
        let mut path = format!("/api/v1/folders/{}/boards?limit=200", folders[1]);
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = bob.get(&path).await.expect(200);
        page_counts.insert(page.queries());
        for b in page.body["items"].as_array().unwrap() {
            let role = b["role"].as_str().unwrap();
            assert!(role == "viewer" || role == "editor", "{role}");
            assert!(
                seen.insert(b["id"].as_str().unwrap().to_owned()),
                "board twice"
            );
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1000);
    assert_eq!(page_counts.len(), 1, "{page_counts:?}");
    let editors = bob
        .get(&format!("/api/v1/folders/{}/boards?limit=200", folders[1]))
        .await;
    let n_editor = editors.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["role"] == "editor")
        .count();
    assert!((60..=75).contains(&n_editor), "about a third: {n_editor}");
}

/// A sample board to try a review on: two pictures that become ready and a
/// first pin, with a drawn arrow, that says how it works.
async fn a_sample_board_has_pictures_and_a_first_pin(app: TestApp) {
    let ada = app.user("Ada").await;
    let ws = app.workspace(&ada, &[]).await;
    let made = ada
        .post(&format!("/api/v1/workspaces/{ws}/sample-board"), json!({}))
        .await
        .expect(201);
    assert_eq!(made.body["name"], "Sample: Café website");
    assert_eq!(made.body["role"], "owner");
    let b = made.body["id"].as_str().unwrap().to_owned();
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(assets.item_texts("title"), ["Home", "Menu"]);
    for a in assets.body["items"].as_array().unwrap() {
        let ready = crate::uploads::wait_ready(&ada, a["id"].as_str().unwrap()).await;
        assert_eq!(ready["current_version"]["state"], "ready");
    }
    let v = assets.body["items"][0]["current_version"]["id"]
        .as_str()
        .unwrap();
    let threads = ada
        .get(&format!("/api/v1/versions/{v}/threads"))
        .await
        .expect(200);
    let first = &threads.body["items"][0]["comments"][0];
    assert!(first["body"].as_str().unwrap().starts_with("This is a pin"));
    assert_eq!(first["drawing"][0]["kind"], "arrow");
    app.user("Out")
        .await
        .post(&format!("/api/v1/workspaces/{ws}/sample-board"), json!({}))
        .await
        .expect(404);
}

/// A board in a list reads exactly as the board read alone: on SQLite a
/// page is read as one JSON value, the board alone as a row (ADR 014), so
/// every field, null or set, must come out the same both ways.
async fn a_listed_board_reads_as_the_board_alone(app: TestApp) {
    let ada = app.user("Ada").await;
    let bob = app.user("Bob").await;
    let ws = app.workspace(&ada, &[&bob]).await;
    // Top level, with pictures (a cover) and a first pin (an open thread).
    let sample = ada
        .post(&format!("/api/v1/workspaces/{ws}/sample-board"), json!({}))
        .await
        .expect(201);
    let sample = sample.body["id"].as_str().unwrap().to_owned();
    let assets = ada
        .get(&format!("/api/v1/boards/{sample}/assets"))
        .await
        .expect(200);
    for a in assets.body["items"].as_array().unwrap() {
        crate::uploads::wait_ready(&ada, a["id"].as_str().unwrap()).await;
    }
    add_board_member(&ada, &sample, &bob, "viewer").await;
    // In a sub-folder, with a due date, grants on the folder and its parent.
    let top = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "Clients"}),
        )
        .await
        .expect(201);
    let top = top.body["id"].as_str().unwrap().to_owned();
    let sub = ada
        .post(
            &format!("/api/v1/workspaces/{ws}/folders"),
            json!({"name": "Acme", "parent_id": top}),
        )
        .await
        .expect(201);
    let sub = sub.body["id"].as_str().unwrap().to_owned();
    for (folder, role) in [(&top, "commenter"), (&sub, "viewer")] {
        ada.post(
            &format!("/api/v1/folders/{folder}/grants"),
            json!({"user_id": bob.id, "role": role}),
        )
        .await
        .expect(201);
    }
    let due = create_board(
        &ada,
        &ws,
        json!({"name": "Due", "description": "Ünïcode \"quoted\"\n", "folder_id": sub}),
    )
    .await;
    ada.patch(
        &format!("/api/v1/boards/{due}"),
        json!({"due_at": "2031-02-03T04:05:06Z", "deciders": "reviewers"}),
    )
    .await
    .expect(200);
    let old = create_board(&ada, &ws, json!({"name": "Old", "folder_id": top})).await;
    ada.patch(&format!("/api/v1/boards/{old}"), json!({"archived": true}))
        .await
        .expect(200);

    let mut seen = 0;
    for (who, lists) in [
        (
            &ada,
            vec![
                format!("/api/v1/workspaces/{ws}/boards"),
                format!("/api/v1/workspaces/{ws}/boards?archived=true"),
            ],
        ),
        (
            &bob,
            vec![
                format!("/api/v1/workspaces/{ws}/boards"),
                format!("/api/v1/folders/{sub}/boards"),
                format!("/api/v1/folders/{top}/boards?archived=true"),
            ],
        ),
    ] {
        for list in lists {
            let page = who.get(&list).await.expect(200);
            for mut listed in page.body["items"].as_array().unwrap().clone() {
                let id = listed["id"].as_str().unwrap().to_owned();
                let mut alone = who
                    .get(&format!("/api/v1/boards/{id}"))
                    .await
                    .expect(200)
                    .body;
                // Signed links differ only if a signing window ends between
                // the two requests; their presence must match.
                for b in [&mut listed, &mut alone] {
                    let cover = b["cover_url"].take();
                    b["cover_url"] = json!(cover.is_string());
                }
                assert_eq!(listed, alone, "{list}");
                seen += 1;
            }
        }
    }
    // Ada: the sample and Due, then Old; Bob: the sample and Due, Due, Old.
    assert_eq!(seen, 7);
    let listed = ada.get(&format!("/api/v1/workspaces/{ws}/boards")).await;
    let by_name = |n: &str| {
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == n)
            .unwrap()
            .clone()
    };
    let due_board = by_name("Due");
    assert_eq!(due_board["due_at"], "2031-02-03T04:05:06Z");
    assert_eq!(due_board["folder_id"], sub.as_str());
    assert_eq!(due_board["description"], "Ünïcode \"quoted\"\n");
    let sample_board = by_name("Sample: Café website");
    assert!(sample_board["folder_id"].is_null());
    assert!(sample_board["cover_url"].is_string());
    assert_eq!(sample_board["asset_count"], 2);
    assert_eq!(sample_board["open_thread_count"], 1);
}

backend_tests!(
    a_listed_board_reads_as_the_board_alone,
    a_sample_board_has_pictures_and_a_first_pin,
    role_table_is_enforced_on_board_routes,
    effective_role_is_the_highest_grant,
    archived_boards_leave_the_default_list,
    board_list_filters_by_name,
    moving_a_board_needs_rights_on_the_target_folder,
    board_members_need_workspace_membership_and_an_owner,
    board_list_runs_constant_queries_for_10_and_1000_boards,
);
