//! Share links: board owners let people in without an account, as viewers
//! or commenters. A guest opens the link, gives a name (and the password,
//! if the link has one) and gets a guest session cookie for that board.
//! See docs/adr/006-share-links.md.

use super::{access, created, no_content, Page};
use crate::auth::{
    cookie_value, guest_cookies, guest_secrets, ClientIp, CurrentUser, GUEST_COOKIE,
    MAX_GUEST_PASSES,
};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::secrets::{constant_time_eq, random_secret, secret_digest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use critboard_domain::validation::DISPLAY_NAME_MAX;
use critboard_domain::{BoardAction, BoardRole, FieldErrors};
use critboard_store::entities::share_link;
use critboard_store::queries::events::Actor;
use critboard_store::queries::sharing::{LinkEnd, NewShareLink};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Longest a guest session lasts (shorter when the link expires sooner).
const GUEST_SESSION_DAYS: i64 = 30;
const LINK_PASSWORD_MIN: usize = 4;
const LINK_PASSWORD_MAX: usize = 128;
/// Furthest expiry a link may be given (MySQL timestamps end in 2038).
const LINK_DAYS_MAX: i64 = 730;
/// Hex digits of the HMAC kept in a token: 128 bits.
const TOKEN_MAC_LEN: usize = 32;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_links, create_link))
        .routes(routes!(revoke_link))
        .routes(routes!(link_info))
        .routes(routes!(open_session))
}

/// The token of a link: its id and an HMAC of it under the server's
/// signing key. Nothing secret is stored, so owners can copy the link
/// again at any time; revoking it is a flag checked on every request.
pub fn link_token(state: &AppState, id: Uuid) -> String {
    let id = id.simple().to_string();
    let mac = state.signer.sign(&["share-link", &id]);
    format!("{id}{}", &mac[..TOKEN_MAC_LEN])
}

fn link_id_from_token(state: &AppState, token: &str) -> Option<Uuid> {
    let (id, mac) = token.split_at_checked(32)?;
    let expected = state.signer.sign(&["share-link", id]);
    let genuine = mac.len() == TOKEN_MAC_LEN && constant_time_eq(mac, &expected[..TOKEN_MAC_LEN]);
    genuine.then(|| Uuid::parse_str(id).ok()).flatten()
}

#[derive(Serialize, ToSchema)]
pub struct ShareLinkOut {
    pub id: Uuid,
    pub board_id: Uuid,
    /// `viewer` or `commenter`.
    pub role: BoardRole,
    pub label: String,
    /// The address to send: the web app's page for this link.
    pub url: String,
    /// The part of the URL that grants access, for `POST /share/{token}/session`.
    pub token: String,
    pub has_password: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Neither revoked nor expired.
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

fn link_out(state: &AppState, l: share_link::Model) -> ShareLinkOut {
    let token = link_token(state, l.id);
    ShareLinkOut {
        url: state.links().share(&token),
        token,
        active: LinkEnd::of(&l, state.store.now()).is_none(),
        role: l.role,
        has_password: l.password_hash.is_some(),
        id: l.id,
        board_id: l.board_id,
        label: l.label,
        expires_at: l.expires_at,
        revoked_at: l.revoked_at,
        created_by: l.created_by,
        created_at: l.created_at,
    }
}

/// A board's share links, newest first, revoked ones included (owners).
#[utoipa::path(get, path = "/api/v1/boards/{id}/share-links", tag = "sharing",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<ShareLinkOut>), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
async fn list_links(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<ShareLinkOut>>> {
    access::board(&state, me.id(), id, BoardAction::Manage).await?;
    let links = state.store.share_links(id).await?;
    Ok(Json(Page::all(
        links.into_iter().map(|l| link_out(&state, l)).collect(),
    )))
}

/// The roles a share link may give.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // describes the document only; requests carry a BoardRole
enum SharedRole {
    Viewer,
    Commenter,
}

#[derive(Deserialize, ToSchema)]
pub struct ShareLinkIn {
    /// `viewer` (see only) or `commenter` (may add threads and comments).
    #[schema(value_type = SharedRole)]
    pub role: BoardRole,
    /// A name for the owner's list, e.g. the client it was sent to.
    #[serde(default)]
    #[schema(
        max_length = 80,
        pattern = r"^$|^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub label: String,
    /// Guests must give this password to open the link (4–128 characters).
    pub password: Option<String>,
    /// When the link stops working; absent means never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Create a share link (owners).
#[utoipa::path(post, path = "/api/v1/boards/{id}/share-links", tag = "sharing",
    params(("id" = Uuid, Path)), request_body = ShareLinkIn,
    responses((status = 201, body = ShareLinkOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_link(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ShareLinkIn>,
) -> Result<Response> {
    access::board(&state, me.id(), id, BoardAction::Manage).await?;
    FieldErrors::single_check(|e| {
        if !matches!(body.role, BoardRole::Viewer | BoardRole::Commenter) {
            e.add("role", "a share link gives viewer or commenter rights");
        }
        if !body.label.is_empty() {
            e.check_name("label", &body.label, DISPLAY_NAME_MAX);
        }
        if let Some(p) = &body.password {
            let n = p.chars().count();
            if !(LINK_PASSWORD_MIN..=LINK_PASSWORD_MAX).contains(&n) {
                e.add(
                    "password",
                    format!("must be {LINK_PASSWORD_MIN} to {LINK_PASSWORD_MAX} characters"),
                );
            }
        }
        let now = state.store.now();
        if body.expires_at.is_some_and(|t| t <= now) {
            e.add("expires_at", "must be in the future");
        } else if body
            .expires_at
            .is_some_and(|t| t > now + Duration::days(LINK_DAYS_MAX))
        {
            e.add(
                "expires_at",
                format!("must be within {LINK_DAYS_MAX} days; leave it out for a link that does not expire"),
            );
        }
    })?;
    let password_hash = match &body.password {
        Some(p) => Some(
            state
                .passwords
                .hash(p)
                .await
                .map_err(|e| ApiError::internal(e.to_string()))?,
        ),
        None => None,
    };
    let link = state
        .store
        .create_share_link(
            &Actor::user(me.id(), &me.user.display_name),
            NewShareLink {
                board_id: id,
                role: body.role,
                label: body.label.trim(),
                password_hash,
                expires_at: body.expires_at,
            },
        )
        .await?;
    Ok(created(link_out(&state, link)))
}

/// Revoke a share link (owners): its guests lose access at once.
#[utoipa::path(delete, path = "/api/v1/share-links/{id}", tag = "sharing",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn revoke_link(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let link = state
        .store
        .share_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    access::board(&state, me.id(), link.board_id, BoardAction::Manage).await?;
    state
        .store
        .revoke_share_link(&Actor::user(me.id(), &me.user.display_name), &link)
        .await?;
    Ok(no_content())
}

/// What a link opens, shown before the guest gives their name.
#[derive(Serialize, ToSchema)]
pub struct ShareInfo {
    pub board_id: Uuid,
    pub board_name: String,
    pub role: BoardRole,
    pub needs_password: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A live link and its board's name. A revoked or expired link is a 410
/// that says which (the token is genuine, so its holder may know); any
/// other token is a 404.
async fn live_link(state: &AppState, token: &str) -> Result<(share_link::Model, String)> {
    let id = link_id_from_token(state, token).ok_or(ApiError::NotFound)?;
    let link = state
        .store
        .share_link(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(end) = LinkEnd::of(&link, state.store.now()) {
        return Err(ApiError::LinkGone(end));
    }
    let board = state
        .store
        .board_for(Uuid::nil(), link.board_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((link, board.name))
}

/// What a share link opens (no sign-in needed).
#[utoipa::path(get, path = "/api/v1/share/{token}", tag = "sharing",
    params(("token" = String, Path)), security(()),
    responses((status = 200, body = ShareInfo), (status = 404, body = Problem),
        (status = 410, body = Problem, description = "The link was revoked (`link-revoked`) or has expired (`link-expired`)")))]
async fn link_info(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<ShareInfo>> {
    let (link, board_name) = live_link(&state, &token).await?;
    Ok(Json(ShareInfo {
        board_id: link.board_id,
        board_name,
        role: link.role,
        needs_password: link.password_hash.is_some(),
        expires_at: link.expires_at,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct GuestIn {
    /// The name shown on the guest's comments and to others viewing the
    /// board; optional for a viewer link ("Guest").
    #[serde(default)]
    pub display_name: String,
    /// Needed when the link has a password.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GuestOut {
    /// Marks the guest's own threads and comments (`created_by_guest`, `guest_id`).
    pub guest_id: Uuid,
    pub display_name: String,
    pub board_id: Uuid,
    pub board_name: String,
    pub role: BoardRole,
    pub expires_at: DateTime<Utc>,
    /// Send it as `X-CSRF-Token` with changes (also in the `critboard_guest_csrf` cookie).
    pub csrf_token: String,
}

/// Open a share link as a guest: sets the guest cookie that lets this
/// browser see the board (and comment, with a commenter link). Throttled
/// per client IP and per link.
#[utoipa::path(post, path = "/api/v1/share/{token}/session", tag = "sharing",
    params(("token" = String, Path)), request_body = GuestIn, security(()),
    responses((status = 201, body = GuestOut), (status = 401, body = Problem, description = "Password wrong or missing"),
        (status = 404, body = Problem),
        (status = 410, body = Problem, description = "The link was revoked (`link-revoked`) or has expired (`link-expired`)"),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn open_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<GuestIn>,
) -> Result<Response> {
    let (link, board_name) = live_link(&state, &token).await?;
    // Per link and address: a guessing client is slowed down, a team
    // opening the link together is not locked out by it.
    state
        .auth_limiter
        .check(ip, &format!("share-link:{}:{ip}", link.id))
        .await?;
    let role = link.role;
    // Someone who may only look is not asked who they are.
    let name = match body.display_name.trim() {
        "" if role == BoardRole::Viewer => "Guest",
        name => name,
    };
    FieldErrors::single_check(|e| e.check_name("display_name", name, DISPLAY_NAME_MAX))?;
    if let Some(hash) = &link.password_hash {
        let given = body.password.as_deref().unwrap_or_default();
        if !state.passwords.verify(Some(hash), given).await {
            return Err(ApiError::LinkPassword);
        }
    }
    let expires_at = (state.store.now() + Duration::days(GUEST_SESSION_DAYS))
        .min(link.expires_at.unwrap_or(DateTime::<Utc>::MAX_UTC));
    let secret = random_secret("cbg_");
    let guest = state
        .store
        .create_guest_session(&link, secret_digest(&secret), name, expires_at)
        .await?;

    // Keep this browser's live passes to other boards; this one replaces
    // any earlier pass to the same board.
    let mut secrets: Vec<String> = Vec::new();
    if let Some(old) = cookie_value(&headers, GUEST_COOKIE) {
        let old = guest_secrets(&old);
        let keep: Vec<String> = state
            .store
            .guest_sessions(old.iter().map(|s| secret_digest(s)).collect())
            .await?
            .into_iter()
            .filter(|g| g.board_id != link.board_id && g.ended(state.store.now()).is_none())
            .map(|g| g.token_hash)
            .collect();
        secrets.extend(
            old.into_iter()
                .filter(|s| keep.contains(&secret_digest(s)))
                .map(str::to_owned),
        );
    }
    secrets.push(secret);
    let drop = secrets.len().saturating_sub(MAX_GUEST_PASSES);
    secrets.drain(..drop);

    let cookies = guest_cookies(&secrets, state.config.secure_cookies(), GUEST_SESSION_DAYS);
    let out = GuestOut {
        guest_id: guest.id,
        display_name: guest.display_name,
        board_id: link.board_id,
        board_name,
        role,
        expires_at,
        csrf_token: crate::secrets::csrf_token(&secrets.join(".")),
    };
    let mut res = (StatusCode::CREATED, Json(out)).into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}
