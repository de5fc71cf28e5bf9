//! The review record: a board (or one asset) exported as a PDF or as CSV
//! by a job; its requester follows the progress live and downloads it
//! through a signed link.

use super::access;
use super::files::download_url;
use crate::auth::Caller;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::record::export_job;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::BoardAction;
use critboard_store::entities::export;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_export))
        .routes(routes!(get_export))
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Every picture with its pins and areas drawn, every thread, the
    /// decisions and the share links, on A4 pages.
    Pdf,
    /// One row per comment, decision and share link.
    Csv,
}

impl ExportFormat {
    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Csv => "csv",
        }
    }

    fn content_type(format: &str) -> &'static str {
        if format == "csv" {
            "text/csv"
        } else {
            "application/pdf"
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ExportIn {
    pub format: ExportFormat,
    /// One asset of the board; the whole board when left out.
    pub asset_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExportState {
    Queued,
    Working,
    Ready,
    Failed,
}

#[derive(Serialize, ToSchema)]
pub struct ExportOut {
    pub id: Uuid,
    pub board_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub format: String,
    pub state: ExportState,
    /// Pictures laid out so far, of `total` (the board's stream tells
    /// `export.progress` as they go).
    pub done: i32,
    pub total: i32,
    pub file_name: String,
    pub bytes: i64,
    /// A signed link that downloads it, once ready (short-lived: ask again
    /// for a fresh one).
    pub download_url: Option<String>,
    pub failure: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn export_out(state: &AppState, x: export::Model) -> ExportOut {
    let download_url = match (&x.object_key, x.state.as_str()) {
        (Some(key), "ready") => Some(download_url(
            state,
            key,
            ExportFormat::content_type(&x.format),
            &x.file_name,
        )),
        _ => None,
    };
    ExportOut {
        id: x.id,
        board_id: x.board_id,
        asset_id: x.asset_id,
        state: match x.state.as_str() {
            "working" => ExportState::Working,
            "ready" => ExportState::Ready,
            "failed" => ExportState::Failed,
            _ => ExportState::Queued,
        },
        format: x.format,
        done: x.done,
        total: x.total,
        file_name: x.file_name,
        bytes: x.bytes,
        download_url,
        failure: x.failure,
        created_at: x.created_at,
        finished_at: x.finished_at,
    }
}

/// A file name from the board's (or asset's) name: letters, digits and
/// dashes, so every browser and file system takes it.
fn file_name(name: &str, format: ExportFormat) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let stem: String = out.trim_matches('-').chars().take(80).collect();
    let stem = if stem.is_empty() {
        "board".into()
    } else {
        stem
    };
    format!("{stem}-review-record.{}", format.as_str())
}

/// Make a review record of a board (or one of its assets) as a PDF or CSV:
/// 202 at once; `export.progress` events on the board's stream follow it,
/// then `GET /exports/{id}` gives the download link. Anyone who sees the
/// board (guests of a link too); only they see their export.
#[utoipa::path(post, path = "/api/v1/boards/{id}/exports", tag = "boards",
    params(("id" = Uuid, Path)), request_body = ExportIn,
    responses((status = 202, body = ExportOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn start_export(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ExportIn>,
) -> Result<(StatusCode, Json<ExportOut>)> {
    let (board, _) = access::board_as(&state, &me, id, BoardAction::View).await?;
    let actor = me.actor(board.id)?;
    let name = match body.asset_id {
        Some(asset_id) => {
            let a = state
                .store
                .asset(asset_id)
                .await?
                .filter(|a| a.board_id == board.id)
                .ok_or_else(|| ApiError::invalid("asset_id", "no such asset on this board"))?;
            format!("{} {}", board.name, a.title)
        }
        None => board.name.clone(),
    };
    let x = export::Model {
        id: critboard_store::new_id(),
        board_id: board.id,
        asset_id: body.asset_id,
        format: body.format.as_str().into(),
        user_id: actor.user_id(),
        guest_id: actor.guest_id(),
        state: "queued".into(),
        done: 0,
        total: 0,
        object_key: None,
        file_name: file_name(&name, body.format),
        bytes: 0,
        failure: None,
        created_at: state.store.now(),
        finished_at: None,
    };
    let job = export_job(x.id).into_active_model(state.store.now());
    state.store.create_export(x.clone(), job).await?;
    Ok((StatusCode::ACCEPTED, Json(export_out(&state, x))))
}

/// An export: its progress, then its download link. Only whoever asked
/// for it (others get 404).
#[utoipa::path(get, path = "/api/v1/exports/{id}", tag = "boards",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ExportOut), (status = 404, body = Problem)))]
async fn get_export(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ExportOut>> {
    let x = state.store.export(id).await?.ok_or(ApiError::NotFound)?;
    let (board, _) = access::board_as(&state, &me, x.board_id, BoardAction::View).await?;
    if !me.wrote(board.id, x.user_id, x.guest_id) {
        return Err(ApiError::NotFound);
    }
    Ok(Json(export_out(&state, x)))
}
