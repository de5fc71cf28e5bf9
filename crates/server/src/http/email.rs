//! The e-mail side of accounts: confirming an address, and the one-click
//! unsubscribe link every notification e-mail carries.

use crate::auth::{ClientIp, CurrentUser};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::mail::templates::esc;
use crate::mail::Unsubscriber;
use crate::secrets::secret_digest;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use critboard_domain::EmailFrequency;
use critboard_store::queries::mail::{NewEmail, NewToken};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(unsubscribe_page, unsubscribe))
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
}

/// How long a password-reset link works.
const RESET_MINUTES: i64 = 60;
/// A new reset or confirmation link is e-mailed at most this often.
const RESEND_MINUTES: i64 = 5;

#[derive(Deserialize, ToSchema)]
pub struct ResetIn {
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]+@[^@\s.\x00-\x1F\x7F-\x9F]([^@\s\x00-\x1F\x7F-\x9F]*[^@\s.\x00-\x1F\x7F-\x9F])?\.[^@\s.\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    pub email: String,
}

/// Ask for a password-reset link. Always 202, whether or not the address
/// has an account. An unconfirmed address gets the confirmation link
/// instead (confirm first, then reset).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts",
    request_body = ResetIn, security(()),
    responses((status = 202), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn request_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<ResetIn>,
) -> Result<StatusCode> {
    state.auth_limiter.check(ip, &body.email).await?;
    critboard_domain::FieldErrors::single_check(|e| e.check_email("email", &body.email))?;
    let Some(user) = state.store.user_by_email(&body.email).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    // One link per few minutes is enough; more would only flood the inbox.
    let recently = state.store.now() - chrono::Duration::minutes(RESEND_MINUTES);
    let kind = if user.email_verified {
        "reset"
    } else {
        "verify"
    };
    if state
        .store
        .fresh_token_exists(kind, user.id, recently)
        .await?
    {
        return Ok(StatusCode::ACCEPTED);
    }
    if !user.email_verified {
        crate::mail::send_verification(&state, &user).await?;
        return Ok(StatusCode::ACCEPTED);
    }
    let secret = crate::secrets::random_secret("cbr_");
    let link = state.links().reset_password(&secret);
    let r = crate::mail::templates::action(
        &user.display_name,
        "Someone (hopefully you) asked to reset your Critboard password.",
        "Choose a new password",
        &link,
        &format!("The link works once, for {RESET_MINUTES} minutes. If you did not ask, ignore this e-mail: your password stays as it is."),
        "Reset your Critboard password",
    );
    crate::mail::queue_with_token(
        &state,
        NewToken {
            kind: "reset",
            token_hash: secret_digest(&secret),
            user_id: Some(user.id),
            workspace_id: None,
            email: &user.email,
            payload: serde_json::json!({}),
            created_by: None,
            expires_at: state.store.now() + chrono::Duration::minutes(RESET_MINUTES),
        },
        NewEmail {
            user_id: Some(user.id),
            to_address: user.email.clone(),
            kind: "reset",
            subject: r.subject,
            text_body: r.text,
            html_body: r.html,
            unsubscribe_url: None,
        },
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
pub struct ResetConfirmIn {
    pub token: String,
    /// The new password (same rules as at sign-up).
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

/// Set a new password with the token from the e-mailed link. Every session
/// and API token of the account ends; sign in with the new password.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts",
    request_body = ResetConfirmIn, security(()),
    responses((status = 204), (status = 422, body = Problem)))]
async fn confirm_reset(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetConfirmIn>,
) -> Result<StatusCode> {
    let invalid = || ApiError::invalid("token", "this link is invalid, used or expired");
    let token = state
        .store
        .email_token("reset", &secret_digest(body.token.trim()))
        .await?
        .ok_or_else(invalid)?;
    let name = match token.user_id {
        Some(id) => state.store.user_by_id(id).await?.map(|u| u.display_name),
        None => None,
    };
    critboard_domain::FieldErrors::single_check(|e| {
        e.check_password(
            "password",
            &body.password,
            &[&token.email, name.as_deref().unwrap_or_default()],
        )
    })?;
    let user = token.user_id.ok_or_else(invalid)?;
    let hash = state
        .passwords
        .hash(&body.password)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    if !state.store.spend_email_token(token.id).await? {
        return Err(invalid());
    }
    state.store.set_password(user, hash, None, true).await?;
    state.store.set_email_verified(user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct VerifyIn {
    /// The token from the e-mailed link.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct VerifiedOut {
    pub email: String,
    pub email_verified: bool,
    /// The address was confirmed before (the link was opened again).
    pub already_confirmed: bool,
}

/// Confirm an e-mail address with the token from the link Critboard sent.
/// Works without signing in; each link works once.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts",
    request_body = VerifyIn, security(()),
    responses((status = 200, body = VerifiedOut), (status = 422, body = Problem)))]
async fn verify_email(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<VerifyIn>,
) -> Result<Json<VerifiedOut>> {
    let invalid = || ApiError::invalid("token", "this link is invalid, used or expired");
    let token = state
        .store
        .any_email_token("verify", &secret_digest(body.token.trim()))
        .await?
        .ok_or_else(invalid)?;
    let user = token.user_id.ok_or_else(invalid)?;
    let current = state.store.user_by_id(user).await?.ok_or_else(invalid)?;
    // The address may have changed since the link was sent.
    if !current.email.eq_ignore_ascii_case(&token.email) {
        return Err(invalid());
    }
    let confirmed = |already_confirmed| {
        Json(VerifiedOut {
            email: current.email.clone(),
            email_verified: true,
            already_confirmed,
        })
    };
    // A link opened twice (or a second link after the first): nothing to do.
    if current.email_verified {
        return Ok(confirmed(true));
    }
    if token.used_at.is_some()
        || token.expires_at <= state.store.now()
        || !state.store.spend_email_token(token.id).await?
    {
        return Err(invalid());
    }
    state.store.set_email_verified(user).await?;
    Ok(confirmed(false))
}

/// Send the confirmation link again (throttled like sign-in).
#[utoipa::path(post, path = "/api/v1/me/verification", tag = "accounts",
    responses((status = 202, description = "A new link is on its way"),
        (status = 409, body = Problem, description = "Already confirmed"),
        (status = 429, body = Problem)))]
async fn resend_verification(
    State(state): State<AppState>,
    me: CurrentUser,
    ClientIp(ip): ClientIp,
) -> Result<StatusCode> {
    if me.user.email_verified {
        return Err(ApiError::Conflict(
            "this address is already confirmed".into(),
        ));
    }
    state.auth_limiter.check(ip, &me.user.email).await?;
    let recently = state.store.now() - chrono::Duration::minutes(RESEND_MINUTES);
    if !state
        .store
        .fresh_token_exists("verify", me.id(), recently)
        .await?
    {
        crate::mail::send_verification(&state, &me.user).await?;
    }
    Ok(StatusCode::ACCEPTED)
}

pub(super) fn html_page(title: &str, body: &str) -> Response {
    // The web app's look (web/src/tokens.css), inline: these pages are
    // served by the API, without the app's scripts or stylesheets.
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"><title>{t}</title><style>\
         body{{margin:0;background:#f6f8fa;color:#1f2328;font:16px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif}}\
         header{{background:#fff;border-bottom:1px solid #d0d7de;padding:12px 20px;font-weight:700}}\
         main{{max-width:480px;margin:48px auto;padding:24px;background:#fff;border:1px solid #d0d7de;border-radius:8px}}\
         h1{{font-size:20px;margin:0 0 12px}}\
         button{{font:inherit;padding:8px 14px;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}}\
         a{{color:#0969da}}</style></head><body><header>Critboard</header><main><h1>{t}</h1>{body}</main></body></html>",
        t = esc(title)
    );
    let mut res = Html(page).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ),
    );
    res
}

/// The page an unsubscribe link opens: one button, so that mail scanners
/// following links do not unsubscribe anyone.
#[utoipa::path(get, path = "/api/v1/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path)), security(()),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = Problem)))]
async fn unsubscribe_page(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    let (address, what) =
        match crate::mail::unsubscriber(&state, &token).ok_or(ApiError::NotFound)? {
            Unsubscriber::User(id) => {
                let user = state
                    .store
                    .user_by_id(id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                (
                    user.email,
                    "all notification e-mail to {}? You will still see notifications in \
                 Critboard, and can turn e-mail back on in your settings.",
                )
            }
            Unsubscriber::Guest(id) => {
                let guest = state
                    .store
                    .guest_session(id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                (
                    guest.email.ok_or(ApiError::NotFound)?,
                    "e-mail about replies to your comments to {}? You can leave your address \
                 again on the board.",
                )
            }
        };
    Ok(html_page(
        "Unsubscribe from Critboard e-mail",
        &format!(
            "<p>Stop {}</p>\
             <form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>",
            what.replace("{}", &esc(&address))
        ),
    ))
}

/// Unsubscribe (RFC 8058 one-click): turns notification e-mail off, or a
/// guest's reply e-mail.
#[utoipa::path(post, path = "/api/v1/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path)), security(()),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = Problem)))]
async fn unsubscribe(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response> {
    match crate::mail::unsubscriber(&state, &token).ok_or(ApiError::NotFound)? {
        Unsubscriber::User(user) => {
            match state
                .store
                .set_email_frequency(user, EmailFrequency::Off)
                .await
            {
                Err(critboard_store::StoreError::NotFound) => return Err(ApiError::NotFound),
                other => other?,
            }
        }
        Unsubscriber::Guest(guest) => {
            state
                .store
                .guest_session(guest)
                .await?
                .ok_or(ApiError::NotFound)?;
            state.store.set_guest_email(guest, None).await?;
            return Ok(html_page(
                "You are unsubscribed",
                "<p>Critboard will not e-mail you about replies any more.</p>",
            ));
        }
    }
    Ok(html_page(
        "You are unsubscribed",
        "<p>Critboard will not e-mail you about notifications any more. \
         You can turn e-mail back on in your notification settings.</p>",
    ))
}
