//! Who is calling: a session cookie (the web app) or a bearer API token
//! (scripts). Cookie-authenticated changes must also carry the CSRF header.
//! See docs/adr/003-sessions-and-csrf.md.

use crate::error::ApiError;
use crate::secrets::{constant_time_eq, csrf_token, secret_digest};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use critboard_store::entities::user;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "critboard_session";
pub const CSRF_COOKIE: &str = "critboard_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    Session { id: Uuid },
    Token { id: Uuid },
}

/// The signed-in user. Extracting it answers 401 when nobody is signed in.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: user::Model,
    pub via: Via,
}

impl CurrentUser {
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    pub fn session_id(&self) -> Option<Uuid> {
        match self.via {
            Via::Session { id } => Some(id),
            Via::Token { .. } => None,
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or(ApiError::Unauthorized)?;
            let (token, user) = state
                .store
                .api_token_user(&secret_digest(token))
                .await?
                .ok_or(ApiError::Unauthorized)?;
            let now = critboard_store::now();
            if token
                .last_used_at
                .is_none_or(|t| now - t > chrono::Duration::hours(1))
            {
                state.store.touch_api_token(token.id, now).await?;
            }
            return Ok(CurrentUser {
                user,
                via: Via::Token { id: token.id },
            });
        }

        let secret = cookie_value(&parts.headers, SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
        let (session, user) = state
            .store
            .session_user(&secret_digest(&secret))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if !is_safe_method(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !constant_time_eq(sent, &csrf_token(&secret)) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(CurrentUser {
            user,
            via: Via::Session { id: session.id },
        })
    }
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The two cookies of a new session: the HttpOnly session secret and the
/// script-readable CSRF token the web app echoes in `X-CSRF-Token`.
pub fn session_cookies(secret: &str, days: u32, secure: bool) -> [HeaderValue; 2] {
    let max_age = cookie::time::Duration::days(i64::from(days));
    let session = cookie::Cookie::build((SESSION_COOKIE, secret.to_owned()))
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .build();
    let csrf = cookie::Cookie::build((CSRF_COOKIE, csrf_token(secret)))
        .http_only(false)
        .same_site(cookie::SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .build();
    [session, csrf]
        .map(|c| HeaderValue::from_str(&c.to_string()).unwrap_or(HeaderValue::from_static("")))
}

/// Cookies that make the browser forget the session.
pub fn cleared_cookies(secure: bool) -> [HeaderValue; 2] {
    [SESSION_COOKIE, CSRF_COOKIE].map(|name| {
        let c = cookie::Cookie::build((name, ""))
            .path("/")
            .secure(secure)
            .same_site(cookie::SameSite::Lax)
            .max_age(cookie::time::Duration::ZERO)
            .build();
        HeaderValue::from_str(&c.to_string()).unwrap_or(HeaderValue::from_static(""))
    })
}

/// The caller's IP address, for throttling.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.config.trust_proxy {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            if let Some(ip) = forwarded {
                return Ok(ClientIp(ip));
            }
        }
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        Ok(ClientIp(ip))
    }
}
