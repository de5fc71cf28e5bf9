//! Invitations by e-mail: workspace admins invite people to the workspace,
//! board owners to a board (and so its workspace). The link works once,
//! for a week; someone without an account signs up from it.

use super::{access, created, no_content, Page};
use crate::auth::CurrentUser;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::mail::{self, templates};
use crate::secrets::{random_secret, secret_digest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::validation::normalize_email;
use critboard_domain::{BoardAction, BoardRole, FieldErrors, WorkspaceRole};
use critboard_store::entities::email_token;
use critboard_store::queries::events::Actor;
use critboard_store::queries::invitations::{Grant, INVITE};
use critboard_store::queries::mail::{NewEmail, NewToken};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const INVITE_DAYS: i64 = 7;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations, invite_to_workspace))
        .routes(routes!(list_board_invitations, invite_to_board))
        .routes(routes!(revoke_invitation))
        .routes(routes!(resend_invitation))
        .routes(routes!(invitation_info))
        .routes(routes!(accept_invitation))
}

#[derive(Serialize, ToSchema)]
pub struct InvitationOut {
    pub id: Uuid,
    pub email: String,
    pub workspace_id: Uuid,
    pub workspace_role: WorkspaceRole,
    pub board_id: Option<Uuid>,
    /// The board's name, in lists (null when creating one).
    pub board_name: Option<String>,
    pub board_role: Option<BoardRole>,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

fn grant_of(t: &email_token::Model) -> Option<Grant> {
    serde_json::from_str(&t.payload).ok()
}

fn invitation_out(t: email_token::Model) -> Option<InvitationOut> {
    let g = grant_of(&t)?;
    Some(InvitationOut {
        id: t.id,
        email: t.email,
        workspace_id: g.workspace_id,
        workspace_role: g.workspace_role,
        board_id: g.board_id,
        board_name: None,
        board_role: g.board_role,
        invited_by: t.created_by,
        expires_at: t.expires_at,
        created_at: t.created_at,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct WorkspaceInviteIn {
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]+@[^@\s.\x00-\x1F\x7F-\x9F]([^@\s\x00-\x1F\x7F-\x9F]*[^@\s.\x00-\x1F\x7F-\x9F])?\.[^@\s.\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    pub email: String,
    /// `member` (default), `admin`, or `client` (sees only boards shared
    /// with them later).
    #[schema(value_type = Option<InvitedRole>)]
    pub role: Option<WorkspaceRole>,
}

/// The workspace roles an invitation may give: owners are made among
/// members, never invited.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // describes the document only; requests carry a WorkspaceRole
enum InvitedRole {
    Member,
    Admin,
    Client,
}

#[derive(Deserialize, ToSchema)]
pub struct BoardInviteIn {
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]+@[^@\s.\x00-\x1F\x7F-\x9F]([^@\s\x00-\x1F\x7F-\x9F]*[^@\s.\x00-\x1F\x7F-\x9F])?\.[^@\s.\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    pub email: String,
    pub role: BoardRole,
}

/// Creates the token and queues the e-mail.
async fn invite(
    state: &AppState,
    me: &CurrentUser,
    email: &str,
    grant: Grant,
    place: &str,
) -> Result<Response> {
    // Invitations are e-mail to strangers: only from confirmed addresses.
    if !me.user.email_verified {
        return Err(ApiError::Forbidden(
            "confirm your e-mail address before inviting people",
        ));
    }
    FieldErrors::single_check(|e| e.check_email("email", email))?;
    let email = email.trim();
    let secret = random_secret("cbi_");
    let link = state.links().invitation(&secret);
    let r = templates::action(
        email,
        &format!(
            "{} invited you to {place} on Critboard, where your team collects feedback on designs.",
            me.user.display_name
        ),
        "Accept the invitation",
        &link,
        &format!("The link works once, for {INVITE_DAYS} days. No account yet? You can create one from the link."),
        &format!("{} invited you to {place}", me.user.display_name),
    );
    let token = mail::queue_with_token(
        state,
        NewToken {
            kind: INVITE,
            token_hash: secret_digest(&secret),
            user_id: None,
            workspace_id: Some(grant.workspace_id),
            email,
            payload: serde_json::to_value(&grant).unwrap_or_default(),
            created_by: Some(me.id()),
            expires_at: state.store.now() + chrono::Duration::days(INVITE_DAYS),
        },
        NewEmail {
            user_id: None,
            to_address: email.to_owned(),
            kind: "invite",
            subject: r.subject,
            text_body: r.text,
            html_body: r.html,
            unsubscribe_url: None,
        },
    )
    .await?;
    Ok(created(invitation_out(token).ok_or(ApiError::NotFound)?))
}

/// Invite someone by e-mail to the workspace (owners and admins).
#[utoipa::path(post, path = "/api/v1/workspaces/{id}/invitations", tag = "workspaces",
    params(("id" = Uuid, Path)), request_body = WorkspaceInviteIn,
    responses((status = 201, body = InvitationOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn invite_to_workspace(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<WorkspaceInviteIn>,
) -> Result<Response> {
    let ws = access::workspace(&state, me.id(), id).await?;
    access::require_admin(ws.role())?;
    let role = body.role.unwrap_or(WorkspaceRole::Member);
    if role == WorkspaceRole::Owner {
        return Err(ApiError::invalid(
            "role",
            "invite as member or admin; make owners among members",
        ));
    }
    let grant = Grant {
        workspace_id: id,
        workspace_role: role,
        board_id: None,
        board_role: None,
    };
    invite(
        &state,
        &me,
        &body.email,
        grant,
        &format!("the workspace {}", ws.name),
    )
    .await
}

/// Invite someone by e-mail to a board (its owners); they join the
/// workspace as a client, who sees only the boards shared with them (a
/// member or admin already keeps their role).
#[utoipa::path(post, path = "/api/v1/boards/{id}/invitations", tag = "boards",
    params(("id" = Uuid, Path)), request_body = BoardInviteIn,
    responses((status = 201, body = InvitationOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn invite_to_board(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BoardInviteIn>,
) -> Result<Response> {
    let (board, _) = access::board(&state, me.id(), id, BoardAction::Manage).await?;
    let grant = Grant {
        workspace_id: board.workspace_id,
        workspace_role: WorkspaceRole::Client,
        board_id: Some(id),
        board_role: Some(body.role),
    };
    invite(
        &state,
        &me,
        &body.email,
        grant,
        &format!("the board {}", board.name),
    )
    .await
}

/// Pending invitations of a workspace and its boards (owners and admins).
#[utoipa::path(get, path = "/api/v1/workspaces/{id}/invitations", tag = "workspaces",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<InvitationOut>), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_invitations(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<InvitationOut>>> {
    let ws = access::workspace(&state, me.id(), id).await?;
    access::require_admin(ws.role())?;
    let items = state.store.invitations(id).await?;
    Ok(Json(Page::all(named(&state, items).await?)))
}

/// A pending invitation, if the caller may withdraw or resend it:
/// workspace owners and admins, or the board's owners for a board
/// invitation.
async fn handled_invitation(
    state: &AppState,
    me: &CurrentUser,
    id: Uuid,
) -> Result<(email_token::Model, Grant)> {
    let t = state
        .store
        .invitation(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let g = grant_of(&t).ok_or(ApiError::NotFound)?;
    let ws = access::workspace(state, me.id(), g.workspace_id).await?;
    let allowed = match (ws.role().administers(), g.board_id) {
        (true, _) => true,
        (false, Some(b)) => access::board(state, me.id(), b, BoardAction::Manage)
            .await
            .is_ok(),
        (false, None) => false,
    };
    if !allowed {
        return Err(ApiError::Forbidden(
            "only admins and the board's owners may withdraw or resend it",
        ));
    }
    Ok((t, g))
}

/// Withdraw an invitation (workspace owners and admins, or the board's
/// owners for a board invitation).
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "workspaces",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn revoke_invitation(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    handled_invitation(&state, &me, id).await?;
    state.store.revoke_invitation(id).await?;
    Ok(no_content())
}

/// Send an invitation again, with a fresh link valid for another week; the
/// old link stops working (whoever may withdraw it). 404 once it was
/// accepted, withdrawn or expired: invite again instead.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/resend", tag = "workspaces",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = InvitationOut), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn resend_invitation(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (t, grant) = handled_invitation(&state, &me, id).await?;
    if t.used_at.is_some() || t.expires_at <= state.store.now() {
        return Err(ApiError::NotFound);
    }
    let place = place_of(&state, &grant).await?;
    let answer = invite(&state, &me, &t.email, grant, &place).await?;
    state.store.revoke_invitation(id).await?;
    Ok(answer)
}

/// "the board X" or "the workspace Y", as the invitation e-mail says.
async fn place_of(state: &AppState, grant: &Grant) -> Result<String> {
    if let Some(board) = grant.board_id {
        let b = state
            .store
            .board_for(Uuid::nil(), board)
            .await?
            .ok_or(ApiError::NotFound)?;
        return Ok(format!("the board {}", b.name));
    }
    let ws = state
        .store
        .workspace_name(grant.workspace_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(format!("the workspace {ws}"))
}

/// Invitations as lists show them, with their boards' names (one query).
async fn named(state: &AppState, tokens: Vec<email_token::Model>) -> Result<Vec<InvitationOut>> {
    let mut items: Vec<InvitationOut> = tokens.into_iter().filter_map(invitation_out).collect();
    let ids: Vec<Uuid> = items.iter().filter_map(|i| i.board_id).collect();
    let names = state.store.board_names(&ids).await?;
    for i in &mut items {
        i.board_name = i.board_id.and_then(|b| names.get(&b).cloned());
    }
    Ok(items)
}

/// Pending invitations to this board (its owners), newest first.
#[utoipa::path(get, path = "/api/v1/boards/{id}/invitations", tag = "boards",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<InvitationOut>), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn list_board_invitations(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<InvitationOut>>> {
    let (board, _) = access::board(&state, me.id(), id, BoardAction::Manage).await?;
    let items = state.store.invitations(board.workspace_id).await?;
    let mut items = named(&state, items).await?;
    items.retain(|i| i.board_id == Some(id));
    Ok(Json(Page::all(items)))
}

/// What an invitation link offers, shown before accepting or signing up.
#[derive(Serialize, ToSchema)]
pub struct InvitationInfo {
    pub email: String,
    pub workspace_name: String,
    pub board_name: Option<String>,
    pub workspace_role: WorkspaceRole,
    pub board_role: Option<BoardRole>,
    pub invited_by: Option<String>,
    /// Someone already has an account with this e-mail (sign in instead).
    pub account_exists: bool,
    pub expires_at: DateTime<Utc>,
}

async fn live_invitation(state: &AppState, token: &str) -> Result<(email_token::Model, Grant)> {
    let t = state
        .store
        .email_token(INVITE, &secret_digest(token.trim()))
        .await?
        .ok_or(ApiError::NotFound)?;
    let g = grant_of(&t).ok_or(ApiError::NotFound)?;
    Ok((t, g))
}

/// What an invitation offers (no sign-in needed; 404 when used or expired).
#[utoipa::path(get, path = "/api/v1/invite/{token}", tag = "workspaces",
    params(("token" = String, Path)), security(()),
    responses((status = 200, body = InvitationInfo), (status = 404, body = Problem)))]
async fn invitation_info(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<InvitationInfo>> {
    let (t, g) = live_invitation(&state, &token).await?;
    let nil = Uuid::nil();
    let ws_name = state
        .store
        .workspace_name(g.workspace_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let board_name = match g.board_id {
        Some(b) => Some(
            state
                .store
                .board_for(nil, b)
                .await?
                .ok_or(ApiError::NotFound)?
                .name,
        ),
        None => None,
    };
    let inviter = match t.created_by {
        Some(u) => state.store.user_by_id(u).await?.map(|u| u.display_name),
        None => None,
    };
    Ok(Json(InvitationInfo {
        account_exists: state.store.user_by_email(&t.email).await?.is_some(),
        workspace_role: g.workspace_role,
        board_role: g.board_role,
        email: t.email,
        workspace_name: ws_name,
        board_name,
        invited_by: inviter,
        expires_at: t.expires_at,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AcceptedOut {
    pub workspace_id: Uuid,
    pub board_id: Option<Uuid>,
}

/// Accept an invitation with the signed-in account: joins the workspace
/// (and board). Works once.
#[utoipa::path(post, path = "/api/v1/invite/{token}/accept", tag = "workspaces",
    params(("token" = String, Path)),
    responses((status = 200, body = AcceptedOut), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn accept_invitation(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<AcceptedOut>> {
    Ok(Json(accept(&state, &me.user, &token).await?))
}

/// A 422 unless the invitation can still be accepted.
pub async fn check(state: &AppState, token: &str) -> Result<()> {
    match live_invitation(state, token).await {
        Err(ApiError::NotFound) => Err(ApiError::invalid(
            "invitation",
            "this invitation is invalid, used or expired",
        )),
        other => other.map(|_| ()),
    }
}

/// Spends an invitation for `user`; the address counts as confirmed when
/// the invitation went to it.
pub async fn accept(
    state: &AppState,
    user: &critboard_store::entities::user::Model,
    token: &str,
) -> Result<AcceptedOut> {
    let (t, g) = live_invitation(state, token).await?;
    let same_address = normalize_email(&t.email) == user.email_normalized;
    match state
        .store
        .accept_invitation(
            &t,
            &g,
            &Actor::user(user.id, &user.display_name),
            same_address,
        )
        .await
    {
        Err(critboard_store::StoreError::NotFound) => return Err(ApiError::NotFound),
        other => other?,
    }
    Ok(AcceptedOut {
        workspace_id: g.workspace_id,
        board_id: g.board_id,
    })
}
