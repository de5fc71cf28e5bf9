//! The HTTP surface: each area has a `router()`, merged here with the
//! middleware every request passes through.

mod access;
mod accounts;
mod admin;
mod assets;
mod boards;
mod captures;
mod changes;
mod decks;
mod discussion;
mod doc;
mod email;
mod guest_email;

/// A share link's token (for links in e-mails to its guests).
pub use sharing::link_token as share_link_token;
mod events;
mod exports;
mod files;
mod folders;
mod invitations;
mod notifications;
mod ops;
mod reviews;
mod sharing;
mod stream;
mod uploads;
mod web;
mod workspaces;

pub use events::{BoardMessageKind, EventOut, InboxMessageKind, Presence, StreamEnd};

use crate::config::CorsOrigins;
use crate::error::{ApiError, Failed, Problem};
use crate::state::AppState;
use crate::telemetry;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::time::{Duration, Instant};
use tower::{Layer, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{And, DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowCredentials, AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

/// JSON bodies are small; uploads will get their own streaming route.
const MAX_JSON_BYTES: usize = 1024 * 1024;
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Critboard API",
        description = "Design feedback: boards, pictures, pins and threads. \
            Errors are RFC 9457 problem documents. Cookie-authenticated \
            requests that change state must send `X-CSRF-Token`."
    ),
    components(schemas(Problem, Presence, StreamEnd, stream::Unread)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "accounts", description = "Sign-up, sessions, API tokens"),
        (name = "workspaces", description = "Teams and their members"),
        (name = "folders", description = "Folders and grants"),
        (name = "boards", description = "Boards and board members"),
        (name = "assets", description = "Uploads, assets, versions and files"),
        (name = "discussion", description = "Threads, comments and the activity feed"),
        (name = "sharing", description = "Share links and guest access"),
        (name = "notifications", description = "The inbox and e-mail settings"),
        (name = "operations", description = "Probes, metrics, this document")
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("token", Vec::<String>::new()),
        ]);
    }
}

/// Every route with its OpenAPI description, before state is attached.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::router())
        .merge(workspaces::router())
        .merge(folders::router())
        .merge(boards::router())
        .merge(uploads::router())
        .merge(captures::router())
        .merge(decks::router())
        .merge(changes::router())
        .merge(exports::router())
        .merge(assets::router())
        .merge(files::router())
        .merge(discussion::router())
        .merge(reviews::router())
        .merge(events::router())
        .merge(sharing::router())
        .merge(stream::router())
        .merge(notifications::router())
        .merge(email::router())
        .merge(guest_email::router())
        .merge(invitations::router())
        .merge(ops::router())
        .merge(admin::router())
        .split_for_parts();
    // After the merge: the routes' own descriptions exist only now.
    let mut doc = doc;
    utoipa::Modify::modify(&doc::ProblemAnswers, &mut doc);
    (routes, doc::with_format_patterns(doc))
}

/// The OpenAPI document, as served and as `critboard openapi` prints it.
pub fn openapi_json() -> String {
    api().1.to_json().unwrap_or_default()
}

/// The whole application router with its middleware.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// The application with `extra` routes behind the same middleware (tests
/// add failing and slow routes this way).
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let (routes, _) = api();
    let mut app = routes
        .merge(extra)
        .fallback(web::fallback)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ));
    // Outside the timeout, so that every answer (errors included) is
    // readable by the allowed origins.
    if let Some(cors) = cors_layer(&state.config.cors_origins) {
        app = app.layer(middleware::from_fn_with_state(cors, api_cors));
    }
    app.layer(middleware::from_fn_with_state(compression(), compress))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// gzip or brotli, as the client prefers, for JSON and the app's files;
/// not for live streams (SSE would be held back) nor for files that are
/// already compressed (pictures, PDFs, archives).
fn compression() -> CompressionLayer<Compressible> {
    let predicate = DefaultPredicate::new()
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/octet-stream"))
        .and(NotForContentType::const_new("font/woff2"));
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        // Level 4 for brotli: most of the gain at a fraction of the CPU.
        .quality(tower_http::CompressionLevel::Precise(4))
        .compress_when(predicate)
}

type Compressible = And<
    And<And<And<DefaultPredicate, NotForContentType>, NotForContentType>, NotForContentType>,
    NotForContentType,
>;

/// Applies `layer` to every answer but live streams. Those are never
/// compressed, but inside the layer each would still hold its body wrapper
/// (sized for the largest encoder, ~5 KB) for as long as it stays open.
async fn compress(
    State(layer): State<CompressionLayer<Compressible>>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path().ends_with("/stream") {
        return next.run(req).await;
    }
    match layer.layer(next).oneshot(req).await {
        Ok(res) => res.into_response(),
        Err(never) => match never {},
    }
}

/// Cross-origin access for the configured origins (none by default):
/// credentials allowed, since the web app signs in with cookies. `*` is
/// refused when the configuration is parsed.
fn cors_layer(origins: &CorsOrigins) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allowed = origins.clone();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            // Said only to the listed origins, so that others get no CORS
            // headers at all.
            .allow_credentials(AllowCredentials::predicate(move |origin, _| {
                allowed.contains(origin)
            }))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static(crate::auth::CSRF_HEADER),
                header::AUTHORIZATION,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("last-event-id"),
            ])
            .max_age(Duration::from_secs(60 * 60)),
    )
}

/// Applies `cors` to the API only: the web app, probes and metrics stay
/// same-origin (and `OPTIONS` there keeps answering 405).
async fn api_cors(State(cors): State<CorsLayer>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    match cors.layer(next).oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

/// One span, log line and metrics per request, with its id, duration and
/// SQL; a 5xx answer is recorded in the error groups and its problem
/// document given the request id.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let guarded = route.starts_with("/api/") || route == "/readyz";
    let mut admitted = if guarded {
        state.breaker.admit()
    } else {
        crate::breaker::Admit::Pass
    };
    if admitted == crate::breaker::Admit::Probe {
        // A ping, cut short: a request that waited out the pool's acquire
        // timeout as the probe would be a 3 s answer each time.
        let ping = tokio::time::timeout(crate::breaker::PROBE_TIMEOUT, state.store.ping()).await;
        let reachable = matches!(ping, Ok(Ok(())));
        state.breaker.record(&admitted, !reachable);
        admitted = if reachable {
            crate::breaker::Admit::Pass
        } else {
            crate::breaker::Admit::Refuse
        };
    }
    if admitted == crate::breaker::Admit::Refuse {
        // The database was unreachable a moment ago: say so at once, and
        // do not record each of these as an error occurrence.
        let mut res = ApiError::Unavailable.into_response();
        res.extensions_mut().remove::<Failed>();
        return res;
    }
    let (mut res, sql) = telemetry::count_queries(next.run(req))
        .instrument(span.clone())
        .await;
    if guarded {
        let unreachable = res
            .extensions()
            .get::<Failed>()
            .is_some_and(|f| f.kind == "unavailable");
        state.breaker.record(&admitted, unreachable);
    }
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    if res.status().is_server_error() {
        let failed = res.extensions_mut().remove::<Failed>();
        crate::errors::record(
            &state,
            critboard_store::queries::errors::NewError {
                kind: failed
                    .as_ref()
                    .map(|f| f.kind.clone())
                    .unwrap_or_else(|| format!("http-{status}")),
                location: failed
                    .as_ref()
                    .map(|f| f.location.clone())
                    .unwrap_or_default(),
                route: route.clone(),
                method: method.to_string(),
                message: failed
                    .as_ref()
                    .map(|f| f.message.clone())
                    .unwrap_or_else(|| format!("answered {status}")),
                request_id: request_id.clone(),
                ..Default::default()
            },
        );
        if let Some(mut failed) = failed {
            failed.problem.request_id = Some(request_id.clone());
            let headers = std::mem::take(res.headers_mut());
            res = (
                res.status(),
                serde_json::to_vec(&failed.problem).unwrap_or_default(),
            )
                .into_response();
            *res.headers_mut() = headers;
            res.headers_mut().remove(header::CONTENT_LENGTH);
        }
    }
    span.in_scope(|| {
        tracing::info!(
            status,
            ms = elapsed.as_secs_f64() * 1000.0,
            queries = sql.statements,
            sql_ms = sql.time.as_secs_f64() * 1000.0,
            "request"
        )
    });
    if state.config.performance_view {
        state.performance.record(crate::perf::Measured {
            method: method.as_str(),
            route: &route,
            elapsed,
            statements: sql.statements,
            sql: sql.time,
            status,
            request_id: &request_id,
        });
    }
    let labels = [
        ("method", method.to_string()),
        ("route", route.clone()),
        ("status", status.to_string()),
    ];
    metrics::counter!("critboard_http_requests_total", &labels).increment(1);
    metrics::histogram!("critboard_http_request_seconds", &labels).record(elapsed.as_secs_f64());
    metrics::histogram!("critboard_http_request_statements", "method" => method.to_string(), "route" => route)
        .record(f64::from(sql.statements));
    if state.config.query_count_header {
        res.headers_mut()
            .insert("x-query-count", HeaderValue::from(sql.statements));
    }
    // Served over https (the public URL says so): browsers keep to https.
    if state.config.secure_cookies() {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // A change that succeeded may have written board events: deliver them.
    let safe = matches!(
        method,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if !safe && res.status().is_success() {
        state.hub.changed();
    }
    res
}

/// A handler's panic becomes a 500 like any internal error (recorded with
/// where it happened); the server keeps running.
fn panicked(payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = critboard_jobs::panic_message(&*payload);
    let at = crate::errors::take_panic_location();
    let mut res = ApiError::internal(format!("panicked: {message}")).into_response();
    if let Some(f) = res.extensions_mut().get_mut::<Failed>() {
        f.location = at;
        f.kind = "panic".into();
    }
    res
}

/// The `Idempotency-Key` header, if sent: a retried request with the same
/// key returns what the first one created instead of creating another.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key must be 1 to 100 visible ASCII characters".into())
        })?;
    Ok(Some(key.to_owned()))
}

pub fn created<T: Serialize>(body: T) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

pub fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// One page of a list. Pass `next_cursor` back as `?cursor=` for the next.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A list that is always short enough to come whole.
    pub fn all(items: Vec<T>) -> Self {
        Page {
            items,
            next_cursor: None,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<u64, ApiError> {
        match self.limit.unwrap_or(50) {
            n @ 1..=200 => Ok(u64::from(n)),
            _ => Err(ApiError::invalid("limit", "must be between 1 and 200")),
        }
    }

    /// Decodes the opaque cursor; a mangled one is the client's mistake.
    pub fn cursor<C: DeserializeOwned>(&self) -> Result<Option<C>, ApiError> {
        let Some(raw) = self.cursor.as_deref().filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        URL_SAFE_NO_PAD
            .decode(raw)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor this API gave out"))
    }
}

pub fn encode_cursor<C: Serialize>(cursor: &C) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}
