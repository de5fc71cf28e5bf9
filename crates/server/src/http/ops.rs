//! Probes and metrics for operators.

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(openapi_json))
}

/// This document: OpenAPI 3.1, generated from the code.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", security(()),
    responses((status = 200, content_type = "application/json", body = Object)))]
async fn openapi_json() -> impl IntoResponse {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(super::openapi_json);
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str())
}

#[derive(Serialize, ToSchema)]
pub struct Status {
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, body = Status)))]
async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// The process can serve: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses((status = 200, body = Status), (status = 503, body = Problem)))]
async fn readyz(State(state): State<AppState>) -> Result<Json<Status>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|_| ApiError::Unavailable)?;
    Ok(Json(Status { status: "ready" }))
}

/// Prometheus metrics in the text exposition format. With
/// `CRITBOARD_METRICS_TOKEN` set, send it as a bearer token; without, keep
/// this path internal.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, content_type = "text/plain", body = String), (status = 401, body = Problem)))]
async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = &state.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
            return Err(ApiError::Unauthorized);
        }
    }
    // Sampled when scraped: one cheap count each, and always current.
    if let Ok((waiting, running)) = state.queue.depth().await {
        metrics::gauge!("critboard_jobs_waiting").set(waiting as f64);
        metrics::gauge!("critboard_jobs_running").set(running as f64);
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}
