//! Guests who hear back: a guest of a share link may leave an address to
//! be e-mailed replies in their threads. It counts only once confirmed
//! through the link e-mailed to it, and every e-mail carries a one-click
//! unsubscribe. Guests without an address get nothing, as before.

use super::access;
use super::email::html_page;
use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::mail::templates::{self, esc};
use crate::secrets::{random_secret, secret_digest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use critboard_domain::{BoardAction, FieldErrors};
use critboard_store::queries::mail::{NewEmail, NewToken};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub const GUEST_EMAIL: &str = "guest_email";
/// How long a confirmation link works.
const CONFIRM_HOURS: i64 = 48;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            get_guest_email,
            set_guest_email,
            forget_guest_email
        ))
        .routes(routes!(confirm_page, confirm))
}

#[derive(Serialize, ToSchema)]
pub struct GuestEmailOut {
    /// The address replies go to; null when none was left.
    pub email: Option<String>,
    /// Whether it was confirmed through the e-mailed link (only then is
    /// anything sent to it).
    pub confirmed: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct GuestEmailIn {
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]+@[^@\s.\x00-\x1F\x7F-\x9F]([^@\s\x00-\x1F\x7F-\x9F]*[^@\s.\x00-\x1F\x7F-\x9F])?\.[^@\s.\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    pub email: String,
}

/// The guest's session on this board (guests of a share link only; people
/// with an account choose their e-mail in their settings).
async fn guest(state: &AppState, me: &Caller, board: Uuid) -> Result<Uuid> {
    access::board_as(state, me, board, BoardAction::View).await?;
    me.guest_on(board).map(|g| g.id).ok_or(ApiError::NotFound)
}

async fn current(state: &AppState, guest: Uuid) -> Result<GuestEmailOut> {
    let g = state
        .store
        .guest_session(guest)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(GuestEmailOut {
        confirmed: g.email.is_some() && g.email_confirmed_at.is_some(),
        email: g.email,
    })
}

/// The address a guest left for replies, if any.
#[utoipa::path(get, path = "/api/v1/boards/{id}/guest-email", tag = "sharing",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = GuestEmailOut), (status = 404, body = Problem)))]
async fn get_guest_email(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<GuestEmailOut>> {
    let g = guest(&state, &me, id).await?;
    Ok(Json(current(&state, g).await?))
}

/// Leave an address to be e-mailed replies in your threads: a link to
/// confirm it is sent there first (throttled like guest posting).
#[utoipa::path(put, path = "/api/v1/boards/{id}/guest-email", tag = "sharing",
    params(("id" = Uuid, Path)), request_body = GuestEmailIn,
    responses((status = 200, body = GuestEmailOut), (status = 404, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn set_guest_email(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<GuestEmailIn>,
) -> Result<Json<GuestEmailOut>> {
    let g = guest(&state, &me, id).await?;
    me.throttle(&state, id, ip)?;
    FieldErrors::single_check(|e| e.check_email("email", &body.email))?;
    let email = body.email.trim();
    let was = current(&state, g).await?;
    if was.confirmed && was.email.as_deref() == Some(email) {
        return Ok(Json(was));
    }
    state.store.set_guest_email(g, Some(email)).await?;
    let board = state
        .store
        .board_for(Uuid::nil(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let secret = random_secret("cbg_");
    let link = state.links().guest_email(&secret);
    let name = me.guest_on(id).map(|p| p.name.clone()).unwrap_or_default();
    let r = templates::action(
        &name,
        &format!(
            "You asked to hear about replies to your comments on “{}”. Confirm this address to get them.",
            board.name
        ),
        "Confirm my address",
        &link,
        &format!("The link works for {CONFIRM_HOURS} hours. If you did not ask, ignore this e-mail: nothing will be sent."),
        &format!("Confirm your address for “{}”", board.name),
    );
    crate::mail::queue_with_token(
        &state,
        NewToken {
            kind: GUEST_EMAIL,
            token_hash: secret_digest(&secret),
            user_id: None,
            workspace_id: Some(board.workspace_id),
            email,
            payload: serde_json::json!({ "guest_id": g }),
            created_by: None,
            expires_at: state.store.now() + chrono::Duration::hours(CONFIRM_HOURS),
        },
        NewEmail {
            user_id: None,
            to_address: email.to_owned(),
            kind: "guest-confirm",
            subject: r.subject,
            text_body: r.text,
            html_body: r.html,
            unsubscribe_url: None,
        },
    )
    .await?;
    Ok(Json(current(&state, g).await?))
}

/// Forget the address: no more e-mail.
#[utoipa::path(delete, path = "/api/v1/boards/{id}/guest-email", tag = "sharing",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn forget_guest_email(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let g = guest(&state, &me, id).await?;
    state.store.set_guest_email(g, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct GuestPayload {
    guest_id: Uuid,
}

async fn live_token(
    state: &AppState,
    token: &str,
) -> Result<(critboard_store::entities::email_token::Model, Uuid)> {
    let t = state
        .store
        .email_token(GUEST_EMAIL, &secret_digest(token.trim()))
        .await?
        .ok_or(ApiError::NotFound)?;
    let p: GuestPayload = serde_json::from_str(&t.payload).map_err(|_| ApiError::NotFound)?;
    Ok((t, p.guest_id))
}

/// The page a confirmation link opens: one button, so that mail scanners
/// following links confirm nothing.
#[utoipa::path(get, path = "/api/v1/guest-email/{token}", tag = "sharing",
    params(("token" = String, Path)), security(()),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = Problem)))]
async fn confirm_page(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let (t, _) = live_token(&state, &token).await?;
    Ok(html_page(
        "Confirm your address",
        &format!(
            "<p>Get e-mail at {} when someone replies to your comments on Critboard?</p>\
             <form method=\"post\"><button type=\"submit\">Confirm</button></form>",
            esc(&t.email)
        ),
    ))
}

/// Confirm a guest's address (the link's button). 404 when the link was
/// used, expired, or the guest changed the address since.
#[utoipa::path(post, path = "/api/v1/guest-email/{token}", tag = "sharing",
    params(("token" = String, Path)), security(()),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = Problem)))]
async fn confirm(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let (t, guest) = live_token(&state, &token).await?;
    if !state.store.spend_email_token(t.id).await?
        || !state.store.confirm_guest_email(guest, &t.email).await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(html_page(
        "Your address is confirmed",
        "<p>You will get an e-mail when someone replies to your comments. \
         Every e-mail has a link to stop them.</p>",
    ))
}
