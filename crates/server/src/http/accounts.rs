//! Sign-up, sign-in, sign-out, the signed-in user, password change and
//! personal API tokens.

use super::{created, no_content, Page};
use crate::auth::{cleared_cookies, session_cookies, ClientIp, CurrentUser};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::secrets::{csrf_token, random_secret, secret_digest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::validation::{DISPLAY_NAME_MAX, NAME_MAX, PASSWORD_MAX};
use critboard_domain::EmailFrequency;
use critboard_domain::FieldErrors;
use critboard_store::entities::{api_token, user};
use critboard_store::queries::accounts::NewUser;
use critboard_store::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(delete_token))
}

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// What others type to @mention this person (the display name without
    /// spaces, lowercased).
    pub handle: String,
    pub email_verified: bool,
    pub is_admin: bool,
    /// immediate, hourly, daily or off
    pub notification_frequency: EmailFrequency,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for UserOut {
    fn from(u: user::Model) -> Self {
        UserOut {
            id: u.id,
            email: u.email,
            handle: critboard_domain::discussion::handle_of(&u.display_name),
            display_name: u.display_name,
            email_verified: u.email_verified,
            is_admin: u.is_admin,
            notification_frequency: u.notification_frequency,
            created_at: u.created_at,
        }
    }
}

/// A new session: the user, and the CSRF token to send back in the
/// `X-CSRF-Token` header (also set as the `critboard_csrf` cookie).
#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    pub user: UserOut,
    pub csrf_token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct SignupIn {
    #[schema(
        max_length = 254,
        pattern = r"^\s*[^@\s\x00-\x1F\x7F-\x9F]+@[^@\s.\x00-\x1F\x7F-\x9F]([^@\s\x00-\x1F\x7F-\x9F]*[^@\s.\x00-\x1F\x7F-\x9F])?\.[^@\s.\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    pub email: String,
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub display_name: String,
    /// 8 to 128 characters, not one of the most common passwords.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// The token of an e-mailed invitation: joining comes with signing up,
    /// and the address counts as confirmed when the invitation went to it.
    pub invitation: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginIn {
    pub email: String,
    pub password: String,
}

/// Starts a session for `user` and answers with its cookies.
async fn start_session(
    state: &AppState,
    user: user::Model,
    status: StatusCode,
    sent: &HeaderMap,
) -> Result<Response> {
    // Sessions rotate: the one this browser had before (anyone's) ends, so
    // a session id known before sign-in is worth nothing after it.
    if let Some(previous) = crate::auth::cookie_value(sent, crate::auth::SESSION_COOKIE) {
        if let Some((session, _)) = state.store.session_user(&secret_digest(&previous)).await? {
            state.store.delete_session(session.id).await?;
        }
    }
    let secret = random_secret("cbs_");
    let days = state.config.session_days;
    state
        .store
        .create_session(
            user.id,
            secret_digest(&secret),
            chrono::Duration::days(i64::from(days)),
        )
        .await?;
    let body = SessionOut {
        csrf_token: csrf_token(&secret),
        user: user.into(),
    };
    let mut res = (status, Json(body)).into_response();
    for cookie in session_cookies(&secret, days, state.config.secure_cookies()) {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(res)
}

/// Create an account and sign in.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "accounts",
    request_body = SignupIn, security(()),
    responses(
        (status = 201, body = SessionOut, description = "Signed up and signed in"),
        (status = 409, body = Problem, description = "E-mail already registered"),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignupIn>,
) -> Result<Response> {
    state.auth_limiter.check(ip, &body.email).await?;
    let mut errors = FieldErrors::new();
    errors.check_email("email", &body.email);
    errors.check_name("display_name", &body.display_name, DISPLAY_NAME_MAX);
    errors.check_password(
        "password",
        &body.password,
        &[&body.email, &body.display_name],
    );
    errors.into_result()?;
    if let Some(token) = &body.invitation {
        super::invitations::check(&state, token).await?;
    }
    let password_hash = state
        .passwords
        .hash(&body.password)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let created = state
        .store
        .create_user(NewUser {
            email: &body.email,
            display_name: &body.display_name,
            password_hash,
            is_admin: false,
        })
        .await;
    let user = match created {
        Err(StoreError::EmailTaken) => {
            return Err(ApiError::Conflict(
                "an account with this e-mail already exists; sign in instead".into(),
            ))
        }
        other => other?,
    };
    let mut user = user;
    if let Some(token) = &body.invitation {
        // The account exists now: a link withdrawn meanwhile must not
        // turn the sign-up into an error.
        match super::invitations::accept(&state, &user, token).await {
            Ok(_) => user = state.store.user_by_id(user.id).await?.unwrap_or(user),
            Err(e) => tracing::info!(error = %e, "invitation not accepted at sign-up"),
        }
    }
    if !user.email_verified {
        crate::mail::send_verification(&state, &user).await?;
    }
    start_session(&state, user, StatusCode::CREATED, &headers).await
}

/// Sign in with e-mail and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = LoginIn, security(()),
    responses(
        (status = 200, body = SessionOut),
        (status = 401, body = Problem, description = "Wrong e-mail or password"),
        (status = 429, body = Problem)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginIn>,
) -> Result<Response> {
    state.auth_limiter.check(ip, &body.email).await?;
    // Nothing that cannot be an account reaches the database.
    if body.password.len() > PASSWORD_MAX * 4
        || critboard_domain::validation::check_email(&body.email).is_err()
    {
        return Err(ApiError::BadCredentials);
    }
    let user = state.store.user_by_email(&body.email).await?;
    let ok = state
        .passwords
        .verify(
            user.as_ref().map(|u| u.password_hash.as_str()),
            &body.password,
        )
        .await;
    match user {
        Some(user) if ok => start_session(&state, user, StatusCode::OK, &headers).await,
        _ => Err(ApiError::BadCredentials),
    }
}

/// Sign out: ends this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts",
    responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(state): State<AppState>, me: CurrentUser) -> Result<Response> {
    if let Some(id) = me.session_id() {
        state.store.delete_session(id).await?;
    }
    let mut headers = HeaderMap::new();
    for cookie in cleared_cookies(state.config.secure_cookies()) {
        headers.append(header::SET_COOKIE, cookie);
    }
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = UserOut), (status = 401, body = Problem)))]
async fn me(me: CurrentUser) -> Json<UserOut> {
    Json(me.user.into())
}

/// What `PATCH /api/v1/me` may change; fields left out stay as they are.
/// The e-mail address is not changed here.
#[derive(Deserialize, ToSchema)]
pub struct ProfilePatch {
    /// 1 to 80 characters, as at sign-up; surrounding spaces are dropped.
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub display_name: Option<String>,
}

/// Change your profile (display name); answers the updated user.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts",
    request_body = ProfilePatch,
    responses((status = 200, body = UserOut), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn update_me(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiJson(body): ApiJson<ProfilePatch>,
) -> Result<Json<UserOut>> {
    let Some(display_name) = &body.display_name else {
        return Ok(Json(me.user.into()));
    };
    FieldErrors::single_check(|e| e.check_name("display_name", display_name, DISPLAY_NAME_MAX))?;
    let user = state.store.set_display_name(me.id(), display_name).await?;
    Ok(Json(user.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChangeIn {
    pub current_password: String,
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// Change password; every other session of the user ends.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts",
    request_body = PasswordChangeIn,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn change_password(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiJson(body): ApiJson<PasswordChangeIn>,
) -> Result<StatusCode> {
    let mut errors = FieldErrors::new();
    errors.check_password(
        "new_password",
        &body.new_password,
        &[&me.user.email, &me.user.display_name],
    );
    errors.into_result()?;
    if !state
        .passwords
        .verify(Some(&me.user.password_hash), &body.current_password)
        .await
    {
        return Err(ApiError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = state
        .passwords
        .hash(&body.new_password)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    state
        .store
        .set_password(me.id(), hash, me.session_id(), false)
        .await?;
    Ok(no_content())
}

#[derive(Serialize, ToSchema)]
pub struct TokenOut {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the token, to recognise it in a list.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenOut {
    fn from(t: api_token::Model) -> Self {
        TokenOut {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NewTokenOut {
    #[serde(flatten)]
    pub info: TokenOut,
    /// The secret, shown this once: send it as `Authorization: Bearer …`.
    pub token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TokenIn {
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub name: String,
}

/// Your personal API tokens.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts",
    responses((status = 200, body = Page<TokenOut>), (status = 401, body = Problem)))]
async fn list_tokens(
    State(state): State<AppState>,
    me: CurrentUser,
) -> Result<Json<Page<TokenOut>>> {
    let tokens = state.store.api_tokens(me.id()).await?;
    Ok(Json(Page::all(
        tokens.into_iter().map(TokenOut::from).collect(),
    )))
}

/// Create a personal API token; the secret is in this response only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts",
    request_body = TokenIn,
    responses((status = 201, body = NewTokenOut), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_token(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiJson(body): ApiJson<TokenIn>,
) -> Result<Response> {
    let mut errors = FieldErrors::new();
    errors.check_name("name", &body.name, NAME_MAX.min(80));
    errors.into_result()?;
    let secret = random_secret("cbt_");
    let prefix: String = secret.chars().take(10).collect();
    let token = state
        .store
        .create_api_token(me.id(), &body.name, &prefix, secret_digest(&secret))
        .await?;
    Ok(created(NewTokenOut {
        info: token.into(),
        token: secret,
    }))
}

/// Revoke one of your API tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_token(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    state.store.delete_api_token(me.id(), id).await?;
    Ok(no_content())
}
