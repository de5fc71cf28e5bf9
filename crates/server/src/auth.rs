//! Who is calling: a session cookie (the web app) or a bearer API token
//! (scripts). Cookie-authenticated changes must also carry the CSRF header.
//! See docs/adr/003-sessions-and-csrf.md.

use crate::error::ApiError;
use crate::secrets::{constant_time_eq, csrf_token, secret_digest};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use critboard_domain::BoardRole;
use critboard_store::entities::user;
use critboard_store::queries::boards::BoardRow;
use critboard_store::queries::events::Actor;
use critboard_store::queries::live::Viewer;
use critboard_store::queries::sharing::LinkEnd;
use std::net::{IpAddr, SocketAddr};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "critboard_session";
pub const CSRF_COOKIE: &str = "critboard_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Share-link guests: the secrets of their guest sessions (one per board
/// they were let into), dot-separated, and the CSRF token that goes with them.
pub const GUEST_COOKIE: &str = "critboard_guest";
pub const GUEST_CSRF_COOKIE: &str = "critboard_guest_csrf";
/// Guest passes one browser keeps at most (the oldest are dropped).
pub const MAX_GUEST_PASSES: usize = 10;

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
        CurrentUser::from_headers(state, &parts.headers, &parts.method).await
    }
}

impl CurrentUser {
    /// The user a request's token or session cookie names; `method` decides
    /// whether the CSRF header is needed.
    pub async fn from_headers(
        state: &AppState,
        headers: &HeaderMap,
        method: &Method,
    ) -> Result<Self, ApiError> {
        if let Some(auth) = headers.get(header::AUTHORIZATION) {
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
            let now = state.store.now();
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

        let secret = cookie_value(headers, SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
        let (session, user) = state
            .store
            .session_user(&secret_digest(&secret))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if !is_safe_method(method) {
            let sent = headers
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

/// A share-link guest's access to one board.
#[derive(Debug, Clone)]
pub struct GuestPass {
    /// The guest session; marks what this guest wrote.
    pub id: Uuid,
    pub board_id: Uuid,
    pub role: BoardRole,
    pub name: String,
}

/// Whoever calls a route that share-link guests may use too: a signed-in
/// user (who may also hold passes: a signed-in user who opened a link gets
/// the link's role on that board, under their own name), or a guest let in
/// by share links. `ended` names the boards of passes whose links have
/// ended, so their guests are told why rather than "not found".
#[derive(Debug, Clone)]
pub enum Caller {
    User {
        user: CurrentUser,
        passes: Vec<GuestPass>,
        ended: Vec<(Uuid, LinkEnd)>,
    },
    /// No account: only passes (all may have ended, and then nothing is
    /// allowed).
    Guest {
        passes: Vec<GuestPass>,
        ended: Vec<(Uuid, LinkEnd)>,
    },
}

impl Caller {
    /// A signed-in user without passes (a handler calling another).
    pub fn signed_in(user: CurrentUser) -> Self {
        Caller::User {
            user,
            passes: Vec::new(),
            ended: Vec::new(),
        }
    }

    pub fn user(&self) -> Option<&CurrentUser> {
        match self {
            Caller::User { user, .. } => Some(user),
            Caller::Guest { .. } => None,
        }
    }

    fn passes(&self) -> &[GuestPass] {
        match self {
            Caller::User { passes, .. } | Caller::Guest { passes, .. } => passes,
        }
    }

    /// The id to look up grants with; guests have none (nil matches no row).
    pub fn user_id(&self) -> Uuid {
        self.user().map_or(Uuid::nil(), CurrentUser::id)
    }

    /// The guest pass for a board, when the caller acts there as a guest.
    pub fn guest_on(&self, board_id: Uuid) -> Option<&GuestPass> {
        match self {
            Caller::User { .. } => None,
            Caller::Guest { passes, .. } => passes.iter().find(|g| g.board_id == board_id),
        }
    }

    /// Neither signed in nor holding a live guest pass.
    pub fn is_anonymous(&self) -> bool {
        matches!(self, Caller::Guest { passes, .. } if passes.is_empty())
    }

    /// Why the caller's way into a board ended, if a share link was it.
    pub fn ended_on(&self, board_id: Uuid) -> Option<LinkEnd> {
        let (Caller::User { ended, .. } | Caller::Guest { ended, .. }) = self;
        ended
            .iter()
            .find(|(b, _)| *b == board_id)
            .map(|(_, end)| *end)
    }

    /// The caller's role on a fetched board: the best of their grants and
    /// any share link to it; `None` means 404.
    pub fn role_on(&self, row: &BoardRow) -> Option<BoardRole> {
        let link = self
            .passes()
            .iter()
            .filter(|g| g.board_id == row.id)
            .map(|g| g.role)
            .max();
        row.role().max(link)
    }

    /// Who is acting on `board_id`, for authorship and the activity feed:
    /// the user, or the guest of that board's pass. Handlers ask only
    /// after access was granted, which needs one of the two.
    pub fn actor(&self, board_id: Uuid) -> Result<Actor, ApiError> {
        match self {
            Caller::User { user, .. } => Ok(Actor::user(user.id(), &user.user.display_name)),
            Caller::Guest { .. } => self
                .guest_on(board_id)
                .map(|g| Actor::guest(g.id, &g.name))
                .ok_or(ApiError::NotFound),
        }
    }

    /// Whether the caller wrote something with these author marks.
    pub fn wrote(&self, board_id: Uuid, user: Option<Uuid>, guest: Option<Uuid>) -> bool {
        match self {
            Caller::User { user: u, .. } => user == Some(u.id()),
            Caller::Guest { .. } => self.guest_on(board_id).is_some_and(|g| guest == Some(g.id)),
        }
    }

    /// Throttles what guests post and change; signed-in users pass.
    pub fn throttle(&self, state: &AppState, board_id: Uuid, ip: IpAddr) -> Result<(), ApiError> {
        match self.guest_on(board_id) {
            Some(g) => state.guest_limiter.check(ip, &g.id.to_string()),
            None => Ok(()),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Caller::from_headers(state, &parts.headers, &parts.method).await
    }
}

impl Caller {
    /// Who a request's headers name (live streams ask again later, to end
    /// when access is gone).
    pub async fn from_headers(
        state: &AppState,
        headers: &HeaderMap,
        method: &Method,
    ) -> Result<Self, ApiError> {
        // Scripts authenticate with a token and carry no guest cookies.
        if headers.contains_key(header::AUTHORIZATION) {
            let user = CurrentUser::from_headers(state, headers, method).await?;
            return Ok(Caller::signed_in(user));
        }
        let user = match CurrentUser::from_headers(state, headers, method).await {
            Ok(user) => Some(user),
            Err(ApiError::Unauthorized) => None,
            Err(e) => return Err(e),
        };
        let (passes, ended) = match cookie_value(headers, GUEST_COOKIE) {
            Some(value) => guest_passes(state, &value).await?,
            None => Default::default(),
        };
        if let Some(user) = user {
            return Ok(Caller::User {
                user,
                passes,
                ended,
            });
        }
        if passes.is_empty() {
            if ended.is_empty() {
                return Err(ApiError::Unauthorized);
            }
            // Only ended passes: each board's route says which ended (see
            // `access::allowed_to`); nothing is allowed, so no CSRF check.
            return Ok(Caller::Guest { passes, ended });
        }
        // The guest cookie's CSRF token stands in for a session's.
        if !is_safe_method(method) {
            let value = cookie_value(headers, GUEST_COOKIE).unwrap_or_default();
            let sent = headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !constant_time_eq(sent, &csrf_token(&value)) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(Caller::Guest { passes, ended })
    }

    /// How the caller shows in a board's presence list.
    pub fn viewer(&self, board_id: Uuid) -> Result<Viewer, ApiError> {
        let actor = self.actor(board_id)?;
        Ok(Viewer {
            user_id: actor.user_id(),
            guest_id: actor.guest_id(),
            display_name: actor.name().to_owned(),
        })
    }
}

/// The secrets in a guest cookie, at most [`MAX_GUEST_PASSES`].
pub fn guest_secrets(cookie: &str) -> Vec<&str> {
    cookie
        .split('.')
        .filter(|s| !s.is_empty())
        .take(MAX_GUEST_PASSES)
        .collect()
}

/// The passes in a guest cookie that still grant access, and the boards
/// of those that ended, in one query.
pub async fn guest_passes(
    state: &AppState,
    cookie: &str,
) -> Result<(Vec<GuestPass>, Vec<(Uuid, LinkEnd)>), ApiError> {
    let hashes = guest_secrets(cookie)
        .into_iter()
        .map(secret_digest)
        .collect();
    let at = state.store.now();
    let mut live = Vec::new();
    let mut ended = Vec::new();
    for g in state.store.guest_sessions(hashes).await? {
        if let Some(end) = g.ended(at) {
            ended.push((g.board_id, end));
        } else {
            live.push(GuestPass {
                role: g.role,
                id: g.id,
                board_id: g.board_id,
                name: g.display_name,
            });
        }
    }
    Ok((live, ended))
}

/// The two guest cookies for a set of guest-session secrets.
pub fn guest_cookies(secrets: &[String], secure: bool, days: i64) -> [HeaderValue; 2] {
    let value = secrets.join(".");
    let max_age = cookie::time::Duration::days(days);
    let build = |name: &'static str, value: String, http_only: bool| {
        let c = cookie::Cookie::build((name, value))
            .http_only(http_only)
            .same_site(cookie::SameSite::Lax)
            .secure(secure)
            .path("/")
            .max_age(max_age)
            .build();
        HeaderValue::from_str(&c.to_string()).unwrap_or(HeaderValue::from_static(""))
    };
    [
        build(GUEST_COOKIE, value.clone(), true),
        build(GUEST_CSRF_COOKIE, csrf_token(&value), false),
    ]
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
