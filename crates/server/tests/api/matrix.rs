//! Every operation of the served API document, called by every kind of
//! caller (issue 17 §3). The operations come from the document itself, so
//! a new route that nobody classified fails this test. Each answer is
//! "let through" (anything but 401, 403, 404 and 410: a 422 or a 409 means
//! the caller was allowed and the request itself was refused) or "refused"
//! (404 wherever the caller may not know the thing exists); it must match
//! who the operation is for. `CRITBOARD_PRINT_MATRIX=1` prints the table
//! that docs/security.md shows.

use crate::helpers::{spawn_app, Answer, Backend, TestApp, TestUser};
use crate::sharing::{guest, link};
use crate::uploads::{board, png, send};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Caller {
    Anonymous,
    Outsider,
    Member,
    Viewer,
    Commenter,
    Editor,
    Owner,
    WorkspaceAdmin,
    ViewerGuest,
    CommenterGuest,
    RevokedGuest,
    InstanceAdmin,
}

use Caller::*;

impl Caller {
    fn short(self) -> &'static str {
        match self {
            Anonymous => "anon",
            Outsider => "outsider",
            Member => "ws member",
            Viewer => "viewer",
            Commenter => "commenter",
            Editor => "editor",
            Owner => "owner",
            WorkspaceAdmin => "ws admin",
            ViewerGuest => "viewer guest",
            CommenterGuest => "commenter guest",
            RevokedGuest => "revoked guest",
            InstanceAdmin => "instance admin",
        }
    }

    fn signed_in(self) -> bool {
        !matches!(
            self,
            Anonymous | ViewerGuest | CommenterGuest | RevokedGuest
        )
    }

    /// The board role this caller has on the board (workspace admins see
    /// everything in their workspace as owners).
    fn board_rank(self) -> u8 {
        match self {
            Viewer | ViewerGuest => 1,
            Commenter | CommenterGuest => 2,
            Editor => 3,
            Owner | WorkspaceAdmin => 4,
            _ => 0,
        }
    }
}

/// Who an operation is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    /// Anyone, signed in or not.
    Anyone,
    /// Whoever holds the secret token in the path; a made-up token is 404
    /// for every caller.
    TokenHolder,
    /// Any account (a person signed in; not a guest).
    Account,
    /// Instance admins.
    InstanceAdmins,
    /// Everyone who sees the board: its people and guests of live links.
    SeeBoard,
    /// Board people who see it (guests not: members, invitations …).
    BoardPeople,
    /// Commenters and up, guests of commenter links too.
    Comment,
    /// Editors and up.
    Edit,
    /// Board owners and workspace admins.
    Manage,
    /// Guests of live links of the board.
    Guests,
    /// Workspace members (every person in the workspace).
    WorkspaceMembers,
    /// Workspace admins (and its owner).
    WorkspaceAdmins,
    /// Only the thing's author or the workspace's owner: none of these callers.
    NoneOfThese,
}

impl Who {
    fn lets(self, c: Caller) -> bool {
        let in_workspace = matches!(
            c,
            Member | Viewer | Commenter | Editor | Owner | WorkspaceAdmin
        );
        match self {
            Who::Anyone => true,
            Who::TokenHolder | Who::NoneOfThese => false,
            Who::Account => c.signed_in(),
            Who::InstanceAdmins => c == InstanceAdmin,
            Who::SeeBoard => c.board_rank() >= 1,
            Who::BoardPeople => c.board_rank() >= 1 && c.signed_in(),
            Who::Comment => c.board_rank() >= 2,
            Who::Edit => c.board_rank() >= 3 && c.signed_in(),
            Who::Manage => c.board_rank() >= 4 && c.signed_in(),
            Who::Guests => matches!(c, ViewerGuest | CommenterGuest),
            Who::WorkspaceMembers => in_workspace,
            Who::WorkspaceAdmins => c == WorkspaceAdmin,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Who::Anyone => "anyone",
            Who::TokenHolder => "holder of the token",
            Who::Account => "any account",
            Who::InstanceAdmins => "instance admins",
            Who::SeeBoard => "who sees the board",
            Who::BoardPeople => "board people (no guests)",
            Who::Comment => "commenters and up",
            Who::Edit => "editors and up",
            Who::Manage => "board owners, ws admins",
            Who::Guests => "the board's guests",
            Who::WorkspaceMembers => "workspace members",
            Who::WorkspaceAdmins => "workspace admins",
            Who::NoneOfThese => "author / ws owner only",
        }
    }
}

/// The things the operations act on.
struct World {
    founder: TestUser,
    callers: Vec<(Caller, TestUser)>,
    workspace: String,
    board: String,
    folder: String,
    asset: String,
    version: String,
    thread: String,
    comment: String,
    spare: TestUser,
    error_group: String,
    founder_token: String,
    invitation: String,
    share_link: String,
    /// An upload asked for and not sent.
    upload: String,
    /// The founder's draft review, and a reply drafted in it.
    review: String,
    review_item: String,
    /// The founder's export of the board: nobody else sees it.
    export: String,
}

async fn make_world(app: &TestApp) -> World {
    let founder = app.user("Founder").await;
    let people = [
        (Outsider, "Otto Outsider"),
        (Member, "Mia Member"),
        (Viewer, "Vic Viewer"),
        (Commenter, "Cora Commenter"),
        (Editor, "Ed Editor"),
        (Owner, "Bo Owner"),
        (WorkspaceAdmin, "Adam Admin"),
        (InstanceAdmin, "Ian Instance"),
    ];
    let mut callers = vec![(Anonymous, app.anon())];
    for (c, name) in people {
        callers.push((c, app.user(name).await));
    }
    let spare = app.user("Sam Spare").await;
    // Confirmed addresses: inviting needs one.
    for u in callers.iter().map(|(_, u)| u).chain([&founder, &spare]) {
        if let Ok(id) = u.id.parse() {
            app.store.set_email_verified(id).await.unwrap();
        }
    }
    fn person(callers: &[(Caller, TestUser)], c: Caller) -> &TestUser {
        &callers.iter().find(|(k, _)| *k == c).unwrap().1
    }
    let mut refs: Vec<&TestUser> = [Member, Viewer, Commenter, Editor, Owner, WorkspaceAdmin]
        .into_iter()
        .map(|c| person(&callers, c))
        .collect();
    refs.push(&spare);
    let b = board(app, &founder, &refs).await;
    let workspace = founder.get(&format!("/api/v1/boards/{b}")).await.body["workspace_id"]
        .as_str()
        .unwrap()
        .to_owned();
    founder
        .patch(
            &format!(
                "/api/v1/workspaces/{workspace}/members/{}",
                person(&callers, WorkspaceAdmin).id
            ),
            json!({"role": "admin"}),
        )
        .await
        .expect(200);
    for (c, role) in [
        (Viewer, "viewer"),
        (Commenter, "commenter"),
        (Editor, "editor"),
        (Owner, "owner"),
    ] {
        founder
            .post(
                &format!("/api/v1/boards/{b}/members"),
                json!({"user_id": person(&callers, c).id, "role": role}),
            )
            .await
            .expect(201);
    }
    founder
        .post(
            &format!("/api/v1/boards/{b}/members"),
            json!({"user_id": spare.id, "role": "viewer"}),
        )
        .await
        .expect(201);
    app.store
        .set_admin(person(&callers, InstanceAdmin).id.parse().unwrap(), true)
        .await
        .unwrap();
    let folder = founder
        .post(
            &format!("/api/v1/workspaces/{workspace}/folders"),
            json!({"name": "Clients"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    founder
        .post(
            &format!("/api/v1/folders/{folder}/grants"),
            json!({"user_id": spare.id, "role": "viewer"}),
        )
        .await
        .expect(201);
    let up = send(&founder, &b, "Home.png", "image/png", &png(40, 30), None).await;
    let done = crate::uploads::complete(&founder, &up).await.expect(201);
    let asset = done.body["asset"]["id"].as_str().unwrap().to_owned();
    let version = done.body["asset"]["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let thread = founder
        .post(
            &format!("/api/v1/versions/{version}/threads"),
            json!({"x": 0.5, "y": 0.5, "body": "Bigger logo"}),
        )
        .await
        .expect(201);
    let comment = thread.body["comments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let thread = thread.body["id"].as_str().unwrap().to_owned();
    let viewer_link = link(&founder, &b, json!({"role": "viewer"})).await;
    let commenter_link = link(&founder, &b, json!({"role": "commenter"})).await;
    let revoked_link = link(&founder, &b, json!({"role": "commenter"})).await;
    callers.push((ViewerGuest, guest(app, &viewer_link, "Gil Guest").await));
    callers.push((
        CommenterGuest,
        guest(app, &commenter_link, "Cam Guest").await,
    ));
    callers.push((RevokedGuest, guest(app, &revoked_link, "Rex Guest").await));
    founder
        .delete(&format!(
            "/api/v1/share-links/{}",
            revoked_link["id"].as_str().unwrap()
        ))
        .await
        .expect(204);
    let invitation = founder
        .post(
            &format!("/api/v1/boards/{b}/invitations"),
            json!({"email": "client@example.com", "role": "viewer"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let founder_token = founder
        .post("/api/v1/me/tokens", json!({"name": "ci"}))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    critboard_server::errors::record(
        &app.state,
        critboard_store::queries::errors::NewError {
            kind: "internal".into(),
            location: "src/matrix.rs:1".into(),
            route: "/api/v1/matrix".into(),
            method: "GET".into(),
            message: "made for the matrix".into(),
            request_id: "r1".into(),
            ..Default::default()
        },
    );
    let admin = person(&callers, InstanceAdmin);
    let mut error_group = String::new();
    for _ in 0..100 {
        let list = admin.get("/api/v1/admin/errors").await.expect(200);
        if let Some(id) = list.body["items"][0]["id"].as_str() {
            error_group = id.to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!error_group.is_empty(), "the error group was recorded");
    let share_link = commenter_link["id"].as_str().unwrap().to_owned();
    let upload = founder
        .post(
            &format!("/api/v1/boards/{b}/uploads"),
            json!({"file_name": "later.png", "content_type": "image/png", "size": 100}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let review = founder
        .post(&format!("/api/v1/boards/{b}/reviews"), json!({}))
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let review_item = founder
        .post(
            &format!("/api/v1/reviews/{review}/items"),
            json!({"thread_id": thread, "body": "Drafted"}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let export = founder
        .post(
            &format!("/api/v1/boards/{b}/exports"),
            json!({"format": "csv"}),
        )
        .await
        .expect(202)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    World {
        review,
        review_item,
        export,
        founder,
        callers,
        workspace,
        board: b,
        folder,
        asset,
        version,
        thread,
        comment,
        spare,
        error_group,
        founder_token,
        invitation,
        share_link,
        upload,
    }
}

/// Who each operation is for, and a body that would be accepted.
fn rule(method: &str, path: &str, w: &World) -> Option<(Who, Option<Value>)> {
    let spare = &w.spare.id;
    let none = None;
    Some(match (method, path) {
        ("GET", "/healthz" | "/readyz" | "/metrics" | "/api/v1/openapi.json") => {
            (Who::Anyone, none)
        }
        // Bodies refused as invalid (422): signing in for real would change
        // whose session the caller's browser holds.
        ("POST", "/api/v1/auth/login" | "/api/v1/auth/signup") => (Who::Anyone, Some(json!({}))),
        ("POST", "/api/v1/auth/password-reset") => {
            (Who::Anyone, Some(json!({"email": "nobody@example.com"})))
        }
        // The token is in the body: anyone may try one; a made-up one is 422.
        ("POST", "/api/v1/auth/password-reset/confirm" | "/api/v1/auth/verify-email") => (
            Who::Anyone,
            Some(json!({"token": "made-up", "password": "a-new-phrase-42"})),
        ),
        ("POST", "/api/v1/auth/logout") => (Who::Account, none),
        ("GET" | "POST", p)
            if p.starts_with("/api/v1/files/")
                || p.starts_with("/api/v1/guest-email/")
                || p.starts_with("/api/v1/invite/")
                || p.starts_with("/api/v1/share/")
                || p.starts_with("/api/v1/unsubscribe/") =>
        {
            (Who::TokenHolder, Some(json!({"display_name": "Somebody"})))
        }
        ("PUT", "/api/v1/uploads/{id}/content") => (Who::TokenHolder, none),
        (
            "GET",
            "/api/v1/admin/errors" | "/api/v1/admin/errors/{id}" | "/api/v1/admin/performance",
        ) => (Who::InstanceAdmins, none),
        ("PATCH", "/api/v1/admin/errors/{id}") => {
            (Who::InstanceAdmins, Some(json!({"status": "open"})))
        }
        (
            "GET",
            "/api/v1/me"
            | "/api/v1/me/notification-settings"
            | "/api/v1/me/tokens"
            | "/api/v1/notifications"
            | "/api/v1/me/stream"
            | "/api/v1/workspaces",
        ) => (Who::Account, none),
        ("PATCH", "/api/v1/me") => (Who::Account, Some(json!({}))),
        ("PUT", "/api/v1/me/notification-settings") => (Who::Account, Some(json!({}))),
        ("POST", "/api/v1/me/password") => (
            Who::Account,
            Some(
                json!({"current_password": "wrong-on-purpose", "new_password": "another-phrase-42"}),
            ),
        ),
        ("POST", "/api/v1/me/tokens") => (Who::Account, Some(json!({"name": "matrix"}))),
        ("DELETE", "/api/v1/me/tokens/{id}") => (Who::NoneOfThese, none),
        ("POST", "/api/v1/me/verification") => (Who::Account, Some(json!({}))),
        ("POST", "/api/v1/notifications/read") => (Who::Account, Some(json!({"all": true}))),
        ("POST", "/api/v1/workspaces") => (Who::Account, Some(json!({"name": "Mine"}))),
        (
            "GET",
            "/api/v1/workspaces/{id}"
            | "/api/v1/workspaces/{id}/boards"
            | "/api/v1/workspaces/{id}/folders"
            | "/api/v1/workspaces/{id}/members",
        ) => (Who::WorkspaceMembers, none),
        ("POST", "/api/v1/workspaces/{id}/boards") => {
            (Who::WorkspaceMembers, Some(json!({"name": "Theirs"})))
        }
        ("POST", "/api/v1/workspaces/{id}/sample-board") => {
            (Who::WorkspaceMembers, Some(json!({})))
        }
        ("PATCH", "/api/v1/workspaces/{id}") => {
            (Who::WorkspaceAdmins, Some(json!({"name": "Studio"})))
        }
        ("DELETE", "/api/v1/workspaces/{id}") => (Who::NoneOfThese, none),
        ("POST", "/api/v1/workspaces/{id}/folders") => {
            (Who::WorkspaceAdmins, Some(json!({"name": "More"})))
        }
        ("GET", "/api/v1/workspaces/{id}/invitations") => (Who::WorkspaceAdmins, none),
        ("POST", "/api/v1/workspaces/{id}/invitations") => (
            Who::WorkspaceAdmins,
            Some(json!({"email": "new@example.com", "role": "member"})),
        ),
        ("POST", "/api/v1/workspaces/{id}/members") => (
            Who::WorkspaceAdmins,
            Some(json!({"user_id": spare, "role": "member"})),
        ),
        ("PATCH", "/api/v1/workspaces/{id}/members/{user_id}") => {
            (Who::WorkspaceAdmins, Some(json!({"role": "member"})))
        }
        ("DELETE", "/api/v1/workspaces/{id}/members/{user_id}") => (Who::WorkspaceAdmins, none),
        // Members see a folder's boards (those they may open) and who has
        // access to it; only admins change it.
        ("GET", "/api/v1/folders/{id}/boards" | "/api/v1/folders/{id}/grants") => {
            (Who::WorkspaceMembers, none)
        }
        ("PATCH", "/api/v1/folders/{id}") => {
            (Who::WorkspaceAdmins, Some(json!({"name": "Clients"})))
        }
        ("DELETE", "/api/v1/folders/{id}") => (Who::WorkspaceAdmins, none),
        ("POST", "/api/v1/folders/{id}/grants") => (
            Who::WorkspaceAdmins,
            Some(json!({"user_id": spare, "role": "viewer"})),
        ),
        ("DELETE", "/api/v1/folders/{id}/grants/{user_id}") => (Who::WorkspaceAdmins, none),
        (
            "GET",
            "/api/v1/boards/{id}"
            | "/api/v1/boards/{id}/assets"
            | "/api/v1/boards/{id}/activity"
            | "/api/v1/boards/{id}/stream",
        ) => (Who::SeeBoard, none),
        ("GET", "/api/v1/boards/{id}/people") => (Who::Comment, none),
        ("GET", "/api/v1/boards/{id}/members") => (Who::BoardPeople, none),
        ("PATCH", "/api/v1/boards/{id}") => (Who::Edit, Some(json!({"name": "Site"}))),
        ("DELETE", "/api/v1/boards/{id}") => (Who::Manage, none),
        ("POST", "/api/v1/boards/{id}/captures") => {
            (Who::Edit, Some(json!({"url": "https://example.com/"})))
        }
        ("POST", "/api/v1/boards/{id}/recapture") => (Who::Edit, Some(json!({}))),
        ("POST", "/api/v1/boards/{id}/uploads") => (
            Who::Edit,
            Some(json!({"file_name": "a.png", "content_type": "image/png", "size": 100})),
        ),
        ("GET" | "PUT" | "DELETE", "/api/v1/boards/{id}/guest-email") => {
            (Who::Guests, Some(json!({"email": "guest@example.com"})))
        }
        ("PUT" | "DELETE", "/api/v1/boards/{id}/mute") => (Who::BoardPeople, none),
        ("GET", "/api/v1/boards/{id}/invitations" | "/api/v1/boards/{id}/share-links") => {
            (Who::Manage, none)
        }
        ("POST", "/api/v1/boards/{id}/invitations") => (
            Who::Manage,
            Some(json!({"email": "client2@example.com", "role": "viewer"})),
        ),
        ("POST", "/api/v1/boards/{id}/share-links") => {
            (Who::Manage, Some(json!({"role": "viewer"})))
        }
        ("POST", "/api/v1/boards/{id}/members") => (
            Who::Manage,
            Some(json!({"user_id": spare, "role": "viewer"})),
        ),
        ("PATCH", "/api/v1/boards/{id}/members/{user_id}") => {
            (Who::Manage, Some(json!({"role": "viewer"})))
        }
        ("DELETE", "/api/v1/boards/{id}/members/{user_id}") => (Who::Manage, none),
        ("DELETE", "/api/v1/invitations/{id}") => (Who::Manage, none),
        ("POST", "/api/v1/invitations/{id}/resend") => (Who::Manage, Some(json!({}))),
        ("DELETE", "/api/v1/share-links/{id}") => (Who::Manage, none),
        ("GET", "/api/v1/assets/{id}" | "/api/v1/assets/{id}/versions") => (Who::SeeBoard, none),
        ("PATCH", "/api/v1/assets/{id}") => (Who::Edit, Some(json!({"title": "Home"}))),
        ("DELETE", "/api/v1/assets/{id}") => (Who::Edit, none),
        ("POST", "/api/v1/assets/{id}/recapture") => (Who::Edit, Some(json!({}))),
        ("POST", "/api/v1/uploads/{id}/complete") => (Who::Edit, Some(json!({}))),
        (
            "GET",
            "/api/v1/versions/{id}"
            | "/api/v1/versions/{id}/decisions"
            | "/api/v1/versions/{id}/download"
            | "/api/v1/versions/{id}/pages"
            | "/api/v1/versions/{id}/changes"
            | "/api/v1/versions/{id}/threads"
            | "/api/v1/threads/{id}",
        ) => (Who::SeeBoard, none),
        ("PUT", "/api/v1/versions/{id}/review") => {
            (Who::Edit, Some(json!({"status": "in_review"})))
        }
        ("POST", "/api/v1/versions/{id}/threads") => (
            Who::Comment,
            Some(json!({"x": 0.2, "y": 0.2, "body": "Matrix"})),
        ),
        ("PATCH", "/api/v1/threads/{id}") => (Who::Edit, Some(json!({"state": "open"}))),
        ("POST", "/api/v1/threads/{id}/comments") => {
            (Who::Comment, Some(json!({"body": "Agreed"})))
        }
        ("PATCH", "/api/v1/comments/{id}") => (Who::NoneOfThese, Some(json!({"body": "Changed"}))),
        // Board owners moderate: they may delete anyone's comment.
        ("DELETE", "/api/v1/comments/{id}") => (Who::Manage, none),
        ("GET", "/api/v1/boards/{id}/reviews") => (Who::SeeBoard, none),
        ("POST", "/api/v1/boards/{id}/reviews") => (Who::Comment, Some(json!({}))),
        // A draft review is its author's alone (here the founder's).
        ("GET" | "DELETE", "/api/v1/reviews/{id}") => (Who::NoneOfThese, none),
        ("POST", "/api/v1/boards/{id}/exports") => (Who::SeeBoard, Some(json!({"format": "csv"}))),
        ("GET", "/api/v1/exports/{id}") => (Who::NoneOfThese, none),
        ("POST", "/api/v1/reviews/{id}/items") => (Who::NoneOfThese, Some(json!({"body": "Mine"}))),
        ("POST", "/api/v1/reviews/{id}/submit") => (Who::NoneOfThese, Some(json!({}))),
        ("PATCH" | "DELETE", "/api/v1/review-items/{id}") => {
            (Who::NoneOfThese, Some(json!({"body": "Changed"})))
        }
        _ => return None,
    })
}

/// The path with its parameters filled from the world.
fn fill(path: &str, w: &World) -> String {
    if path == "/api/v1/uploads/{id}/content" {
        // A signature that is not one.
        return format!(
            "/api/v1/uploads/{}/content?expires=1&signature=made-up",
            w.upload
        );
    }
    let ids = [
        ("/api/v1/workspaces/", &w.workspace),
        ("/api/v1/boards/", &w.board),
        ("/api/v1/folders/", &w.folder),
        ("/api/v1/assets/", &w.asset),
        ("/api/v1/versions/", &w.version),
        ("/api/v1/threads/", &w.thread),
        ("/api/v1/comments/", &w.comment),
        ("/api/v1/admin/errors/", &w.error_group),
        ("/api/v1/me/tokens/", &w.founder_token),
        ("/api/v1/invitations/", &w.invitation),
        ("/api/v1/share-links/", &w.share_link),
        ("/api/v1/uploads/", &w.upload),
        ("/api/v1/reviews/", &w.review),
        ("/api/v1/review-items/", &w.review_item),
        ("/api/v1/exports/", &w.export),
    ];
    // Secret tokens are made up, so nobody gets further.
    let id = ids
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or("01a24c00-0000-7000-8000-000000000000", |(_, id)| {
            id.as_str()
        });
    path.replace("{id}", id)
        .replace("{user_id}", &w.spare.id)
        .replace("{token}", "made-up-token")
}

/// For operations that destroy their target: a fresh one for each caller,
/// made by the founder, so that one caller's deletion does not turn the
/// next caller's answer into a 404.
async fn fresh_target(app: &TestApp, method: &str, path: &str, w: &World) -> Option<String> {
    let f = &w.founder;
    let post_id = |answer: Answer| answer.body["id"].as_str().map(str::to_owned);
    if method != "DELETE" && path != "/api/v1/invitations/{id}/resend" {
        return None;
    }
    let spare = &w.spare.id;
    match path {
        "/api/v1/assets/{id}" => {
            let up = send(f, &w.board, "Gone.png", "image/png", &png(20, 20), None).await;
            let done = crate::uploads::complete(f, &up).await.expect(201);
            Some(format!(
                "/api/v1/assets/{}",
                done.body["asset"]["id"].as_str().unwrap()
            ))
        }
        "/api/v1/boards/{id}" => {
            let b = post_id(
                f.post(
                    &format!("/api/v1/workspaces/{}/boards", w.workspace),
                    json!({"name": "Doomed"}),
                )
                .await
                .expect(201),
            )?;
            for (c, role) in [
                (Viewer, "viewer"),
                (Commenter, "commenter"),
                (Editor, "editor"),
                (Owner, "owner"),
            ] {
                let u = &w.callers.iter().find(|(k, _)| *k == c).unwrap().1;
                f.post(
                    &format!("/api/v1/boards/{b}/members"),
                    json!({"user_id": u.id, "role": role}),
                )
                .await
                .expect(201);
            }
            Some(format!("/api/v1/boards/{b}"))
        }
        "/api/v1/folders/{id}" => {
            let id = post_id(
                f.post(
                    &format!("/api/v1/workspaces/{}/folders", w.workspace),
                    json!({"name": "Doomed"}),
                )
                .await
                .expect(201),
            )?;
            Some(format!("/api/v1/folders/{id}"))
        }
        "/api/v1/invitations/{id}" | "/api/v1/invitations/{id}/resend" => {
            let id = post_id(
                f.post(
                    &format!("/api/v1/boards/{}/invitations", w.board),
                    json!({"email": format!("doomed{}@example.com", app.store.now().timestamp_micros()), "role": "viewer"}),
                )
                .await
                .expect(201),
            )?;
            Some(path.replace("{id}", &id))
        }
        "/api/v1/comments/{id}" => {
            let c = f
                .post(
                    &format!("/api/v1/threads/{}/comments", w.thread),
                    json!({"body": "Doomed"}),
                )
                .await
                .expect(201);
            Some(format!(
                "/api/v1/comments/{}",
                c.body["id"].as_str().unwrap()
            ))
        }
        "/api/v1/share-links/{id}" => {
            let l = link(f, &w.board, json!({"role": "viewer"})).await;
            Some(format!("/api/v1/share-links/{}", l["id"].as_str().unwrap()))
        }
        // The spare person is put back where the deletion took them from.
        "/api/v1/workspaces/{id}/members/{user_id}" | "/api/v1/boards/{id}/members/{user_id}" => {
            f.post(
                &format!("/api/v1/workspaces/{}/members", w.workspace),
                json!({"user_id": spare, "role": "member"}),
            )
            .await;
            f.post(
                &format!("/api/v1/boards/{}/members", w.board),
                json!({"user_id": spare, "role": "viewer"}),
            )
            .await;
            None
        }
        "/api/v1/folders/{id}/grants/{user_id}" => {
            f.post(
                &format!("/api/v1/folders/{}/grants", w.folder),
                json!({"user_id": spare, "role": "viewer"}),
            )
            .await;
            None
        }
        _ => None,
    }
}

/// Sends and keeps only the status (streams are not read to their end).
async fn call(u: &TestUser, method: &str, path: &str, body: Option<Value>) -> u16 {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    if path.ends_with("/stream") {
        let mut req = u.client.get(format!("{}{path}", u.base));
        if let Some(t) = &u.bearer {
            req = req.bearer_auth(t);
        }
        return req.send().await.unwrap().status().as_u16();
    }
    let body = if method == Method::GET { None } else { body };
    let a: Answer = u.send(method, path, body).await;
    a.status.as_u16()
}

fn let_through(status: u16) -> bool {
    !matches!(status, 401 | 403 | 404 | 410)
}

/// Operations that end what later calls need run last, in this order.
fn order(method: &str, path: &str) -> u8 {
    match (method, path) {
        (_, "/api/v1/auth/logout") => 9,
        ("DELETE", p) if p.starts_with("/api/v1/workspaces/{id}") && !p.contains("members") => 8,
        ("DELETE", "/api/v1/boards/{id}") => 7,
        ("DELETE", _) => 6,
        _ => 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_on_every_route_matches_the_permission_table() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let w = make_world(&app).await;
    let doc = app
        .anon()
        .get("/api/v1/openapi.json")
        .await
        .expect(200)
        .body;
    let mut ops: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                ops.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops.sort_by_key(|(m, p)| (order(m, p), p.clone(), m.clone()));
    let unclassified: Vec<String> = ops
        .iter()
        .filter(|(m, p)| rule(m, p, &w).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unclassified.is_empty(),
        "operations nobody said who may use (add them to `rule`): {unclassified:#?}"
    );
    let mut table: BTreeMap<String, (Who, Vec<u16>)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (method, path) in &ops {
        let (who, body) = rule(method, path, &w).unwrap();
        let url = fill(path, &w);
        let mut row = Vec::new();
        // The least trusted first: a refusal must leave things as they were
        // for the next caller.
        for (caller, user) in &w.callers {
            let url = fresh_target(&app, method, path, &w)
                .await
                .unwrap_or_else(|| url.clone());
            let status = call(user, method, &url, body.clone()).await;
            row.push(status);
            let want = who.lets(*caller);
            if let_through(status) != want {
                wrong.push(format!(
                    "{method} {path} as {}: {status}, but it is for {}",
                    caller.short(),
                    who.describe()
                ));
            }
            // Outsiders are never told that a thing exists. (A signed URL
            // altered is 403, as S3 answers: there the signature is the
            // credential, and the id in it is not guessable.)
            if matches!(caller, Outsider | Anonymous) && status == 403 && who != Who::TokenHolder {
                wrong.push(format!(
                    "{method} {path} as {}: 403, not 404",
                    caller.short()
                ));
            }
        }
        table.insert(format!("{method} {path}"), (who, row));
    }
    if std::env::var("CRITBOARD_PRINT_MATRIX").is_ok() {
        let callers: Vec<&str> = w.callers.iter().map(|(c, _)| c.short()).collect();
        println!("| operation | for | {} |", callers.join(" | "));
        println!("|---|---|{}", "---|".repeat(callers.len()));
        for (op, (who, row)) in &table {
            let cells: Vec<String> = row.iter().map(u16::to_string).collect();
            println!("| `{op}` | {} | {} |", who.describe(), cells.join(" | "));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let _ = &w.founder;
}
