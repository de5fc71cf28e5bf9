//! Direct uploads: the client asks for a signed URL, sends the bytes
//! straight to storage, then asks us to complete. The server never holds a
//! whole file: in local mode the signed URL points at Critboard itself and
//! the body is streamed to disk in 1 MiB parts.

use super::assets::{asset_out, version_out, AssetOut};
use super::{access, created};
use crate::auth::CurrentUser;
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use crate::work::{deck_job, thumbnail_job, worker_folder};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_deck::Slides;
use critboard_domain::{AssetKind, BoardAction, FieldErrors, UploadState};
use critboard_files::probe::{self, HEAD_BYTES, TAIL_BYTES};
use critboard_files::{ImageKind, StorageError};
use critboard_store::entities::upload;
use critboard_store::queries::assets::{CheckedFile, NewUpload, VersionCard};
use critboard_store::StoreError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

/// How long a signed upload URL is valid.
const UPLOAD_URL_MINUTES: i64 = 60;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_upload))
        .routes(routes!(complete_upload))
        .routes(routes!(put_content).layer(DefaultBodyLimit::disable()))
}

#[derive(Deserialize, ToSchema)]
pub struct UploadIn {
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub file_name: String,
    /// image/png, image/jpeg, image/webp, image/gif; application/pdf for a
    /// deck, or slides converted by LibreOffice when the server has it
    /// (.pptx, .ppt, .odp, .key by their usual types). The real type is
    /// sniffed from the bytes when the upload completes.
    pub content_type: String,
    /// Exact size in bytes.
    pub size: i64,
    /// Upload a new version of this asset instead of a new asset.
    pub asset_id: Option<Uuid>,
}

/// Where and how to send the bytes.
#[derive(Serialize, ToSchema)]
pub struct UploadTarget {
    pub method: String,
    pub url: String,
    /// Send exactly these headers (they are part of the signature).
    pub headers: BTreeMap<String, String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct UploadOut {
    pub id: Uuid,
    pub board_id: Uuid,
    pub asset_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub state: UploadState,
    /// Why the upload was refused, when it was.
    pub failure: Option<String>,
    /// The version it became, once completed.
    pub version_id: Option<Uuid>,
    /// Present while the upload waits for its bytes.
    pub target: Option<UploadTarget>,
}

fn upload_out(state: &AppState, u: upload::Model) -> UploadOut {
    let status = u.state;
    let target = (status == UploadState::Uploading).then(|| target(state, &u));
    UploadOut {
        id: u.id,
        board_id: u.board_id,
        asset_id: u.asset_id,
        file_name: u.file_name,
        content_type: u.content_type,
        size: u.bytes,
        state: status,
        failure: u.failure,
        version_id: u.version_id,
        target,
    }
}

/// Where the browser sends the bytes: a presigned S3 PUT, or our own
/// signed URL in local mode.
fn target(state: &AppState, u: &upload::Model) -> UploadTarget {
    let left = (u.expires_at - state.store.now())
        .to_std()
        .unwrap_or_default();
    let presigned = state
        .storage
        .presign_put(&u.object_key, u.bytes as u64, &u.content_type, left);
    match presigned {
        Some(url) => UploadTarget {
            method: "PUT".into(),
            url,
            headers: BTreeMap::from([("content-type".to_owned(), u.content_type.clone())]),
            expires_at: u.expires_at,
        },
        None => local_target(state, u),
    }
}

fn put_signature(state: &AppState, u: &upload::Model, expires: i64) -> String {
    state.signer.sign(&[
        "put",
        &u.id.to_string(),
        &expires.to_string(),
        &u.bytes.to_string(),
        &u.content_type,
    ])
}

/// A URL on Critboard itself, signed over the upload, its size, its type
/// and the expiry.
fn local_target(state: &AppState, u: &upload::Model) -> UploadTarget {
    let expires = u.expires_at.timestamp();
    let signature = put_signature(state, u, expires);
    let mut headers = BTreeMap::new();
    headers.insert("content-type".to_owned(), u.content_type.clone());
    UploadTarget {
        method: "PUT".into(),
        url: format!(
            "{}/api/v1/uploads/{}/content?expires={expires}&signature={signature}",
            state.config.public_url(),
            u.id
        ),
        headers,
        expires_at: u.expires_at,
    }
}

/// Start an upload: returns a signed URL to send the file to (editors and
/// owners). Honors `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/boards/{id}/uploads", tag = "assets",
    params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = UploadIn,
    responses((status = 201, body = UploadOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem, description = "File too large or quota exceeded"),
        (status = 422, body = Problem)))]
async fn create_upload(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UploadIn>,
) -> Result<Response> {
    let (board, _) = access::board(&state, me.id(), id, BoardAction::Edit).await?;
    let key = super::idempotency_key(&headers)?;
    let slides = Slides::from_mime(&body.content_type);
    let deck = slides.is_some() || body.content_type == critboard_deck::CONTENT_TYPE;
    FieldErrors::single_check(|e| {
        e.check_name("file_name", &body.file_name, 255);
        if ImageKind::from_mime(&body.content_type).is_none() && !deck {
            e.add(
                "content_type",
                "must be image/png, image/jpeg, image/webp, image/gif, application/pdf, \
                 or PowerPoint, Keynote or OpenDocument slides",
            );
        } else if slides.is_some() && state.decks.converter().is_none() {
            e.add("content_type", critboard_deck::office::NO_CONVERTER);
        }
        if body.size < 1 {
            e.add("size", "must be at least 1 byte");
        }
    })?;
    let max = state.config.max_upload_bytes;
    if body.size as u64 > max {
        return Err(ApiError::FileTooLarge(format!(
            "{} is {} bytes; the largest file accepted is {max} bytes",
            body.file_name, body.size
        )));
    }
    if let Some(asset_id) = body.asset_id {
        let asset = state
            .store
            .asset_for(me.id(), asset_id)
            .await?
            .filter(|a| a.asset.board_id == id)
            .ok_or_else(|| ApiError::invalid("asset_id", "no such asset on this board"))?
            .asset;
        if (asset.kind == AssetKind::Deck) != deck {
            let why = if deck {
                "a new version of a picture must be a picture; upload the deck as a new asset"
            } else {
                "a new version of a deck must be a PDF or slides"
            };
            return Err(ApiError::invalid("content_type", why));
        }
    }
    if let Some(quota) = state
        .store
        .workspace_for(me.id(), board.workspace_id)
        .await?
        .and_then(|w| w.storage_quota_bytes)
    {
        let used = state.store.workspace_usage(board.workspace_id).await?;
        if used + body.size > quota {
            return Err(ApiError::QuotaExceeded(format!(
                "the workspace stores {used} of its {quota} bytes; this file needs {}",
                body.size
            )));
        }
    }
    let upload = state
        .store
        .create_upload(NewUpload {
            board_id: id,
            asset_id: body.asset_id,
            user_id: me.id(),
            file_name: body.file_name.trim(),
            content_type: &body.content_type,
            bytes: body.size,
            idempotency_key: key.as_deref(),
            expires_at: state.store.now() + chrono::Duration::minutes(UPLOAD_URL_MINUTES),
        })
        .await?;
    Ok(created(upload_out(&state, upload)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Signed {
    /// Unix time the URL stops working.
    pub expires: i64,
    pub signature: String,
}

/// Receive an upload's bytes (local storage). The URL comes from
/// `POST /boards/{id}/uploads`; its signature is the authorisation.
#[utoipa::path(put, path = "/api/v1/uploads/{id}/content", tag = "assets", security(()),
    params(("id" = Uuid, Path), Signed),
    request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, description = "Stored"),
        (status = 400, body = Problem, description = "Body shorter than declared"),
        (status = 403, body = Problem, description = "URL altered or expired, or headers differ"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Already completed"),
        (status = 413, body = Problem, description = "Body longer than declared"),
        (status = 507, body = Problem, description = "No space left for files (nothing of the body is kept)")))]
async fn put_content(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(signed): ApiQuery<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode> {
    if !state.storage.is_local() {
        // With S3 the browser sends its bytes to the presigned S3 URL.
        return Err(ApiError::NotFound);
    }
    let u = state.store.upload(id).await?.ok_or(ApiError::NotFound)?;
    let expected = put_signature(&state, &u, signed.expires);
    if !crate::secrets::constant_time_eq(&expected, &signed.signature) {
        return Err(ApiError::Forbidden("this upload URL is not valid"));
    }
    // The row is authoritative: no signature outlives its upload.
    if signed.expires < state.store.now().timestamp() || u.expires_at < state.store.now() {
        return Err(ApiError::Forbidden(
            "this upload URL has expired; start the upload again",
        ));
    }
    if u.state != UploadState::Uploading {
        return Err(ApiError::Conflict("this upload is already finished".into()));
    }
    let sent_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if sent_type != u.content_type {
        return Err(ApiError::Forbidden(
            "Content-Type differs from the one signed",
        ));
    }
    let declared = u.bytes as u64;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > declared {
            return Err(ApiError::FileTooLarge(format!(
                "the body is {len} bytes; the upload was signed for {declared}"
            )));
        }
        if len < declared {
            return Err(ApiError::Forbidden(
                "Content-Length differs from the size signed",
            ));
        }
    }
    match state
        .storage
        .write_exact(&u.object_key, body.into_data_stream(), declared)
        .await
    {
        Ok(()) => Ok(StatusCode::OK),
        Err(StorageError::TooLarge(n)) => Err(ApiError::FileTooLarge(format!(
            "the body is larger than the {n} bytes signed"
        ))),
        Err(StorageError::Short { got, want }) => Err(ApiError::BadRequest(format!(
            "the body ended after {got} of {want} bytes"
        ))),
        Err(StorageError::Full) => Err(ApiError::StorageFull),
        Err(e) => Err(ApiError::internal(e.to_string())),
    }
}

#[derive(Serialize, ToSchema)]
pub struct CompletedOut {
    pub upload: UploadOut,
    /// The asset the file became (or got a new version of).
    pub asset: AssetOut,
}

/// Check the stored file and turn it into an asset or a new version.
/// Completing twice returns the same asset; a refused file is deleted.
#[utoipa::path(post, path = "/api/v1/uploads/{id}/complete", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = CompletedOut, description = "Completed now"),
        (status = 200, body = CompletedOut, description = "Completed before"),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Nothing uploaded yet"),
        (status = 422, body = Problem, description = "Refused: not an accepted picture, PDF or slides, damaged, too large, encrypted, too many pages; slides without LibreOffice on the server")))]
async fn complete_upload(
    State(state): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let u = state.store.upload(id).await?.ok_or(ApiError::NotFound)?;
    access::board(&state, me.id(), u.board_id, BoardAction::Edit).await?;
    let refused = |reason: String| ApiError::Validation(FieldErrors::single("file", reason));
    match u.state {
        UploadState::Completed => {
            // A retry: perhaps of a completion a crash cut before this.
            state.storage.remove_staging(&u.object_key).await;
            return completed(&state, u, StatusCode::OK).await;
        }
        UploadState::Refused => {
            return Err(refused(
                u.failure.unwrap_or_else(|| "the file was refused".into()),
            ))
        }
        UploadState::Uploading => {}
    }
    let size = state
        .storage
        .size(&u.object_key)
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .ok_or_else(|| {
            ApiError::Conflict(
                "nothing has been uploaded yet; send the file to the upload URL first".into(),
            )
        })?;
    let slides = Slides::from_mime(&u.content_type);
    let deck = slides.is_some() || u.content_type == critboard_deck::CONTENT_TYPE;
    let checked = if size != u.bytes as u64 {
        Err(format!(
            "the file is {size} bytes, not the {} declared",
            u.bytes
        ))
    } else if let Some(slides) = slides {
        check_slides(&state, &u, slides).await?
    } else if deck {
        check_deck(&state, &u).await?
    } else {
        let head = state
            .storage
            .read_range(&u.object_key, 0..size.min(HEAD_BYTES))
            .await;
        let tail = state
            .storage
            .read_range(&u.object_key, size.saturating_sub(TAIL_BYTES)..size)
            .await;
        match (head, tail) {
            (Ok(head), Ok(tail)) => probe::probe(&head, &tail, size, state.limits)
                .map(|p| CheckedFile {
                    content_type: p.kind.mime(),
                    width: p.width as i32,
                    height: p.height as i32,
                    kind: AssetKind::Picture,
                    page_count: 1,
                })
                .map_err(|r| r.to_string()),
            (Err(e), _) | (_, Err(e)) => return Err(ApiError::internal(e.to_string())),
        }
    };
    let file = match checked {
        Ok(file) => file,
        Err(reason) => {
            state.store.refuse_upload(id, &reason).await?;
            if let Err(e) = state.storage.delete(&u.object_key).await {
                tracing::warn!(error = %e, "could not delete a refused upload");
            }
            return Err(refused(reason));
        }
    };
    let result = state
        .store
        .complete_upload(
            &critboard_store::queries::events::Actor::user(me.id(), &me.user.display_name),
            u.board_id,
            id,
            file,
            |version_id| {
                let job = if deck {
                    deck_job(version_id)
                } else {
                    thumbnail_job(version_id)
                };
                job.into_active_model(state.store.now())
            },
        )
        .await;
    match result {
        Ok(_) => {}
        Err(StoreError::NotFound) => {
            return Err(ApiError::Conflict(
                "the asset this version was for is gone".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    state.queue.wake();
    // Leftovers of PUTs a crash cut before the one that arrived whole.
    state.storage.remove_staging(&u.object_key).await;
    let u = state.store.upload(id).await?.ok_or(ApiError::NotFound)?;
    completed(&state, u, StatusCode::CREATED).await
}

/// Opens an uploaded PDF in the worker: its pages and their sizes, or the
/// reason it is refused (not a PDF, encrypted, damaged, a bomb, too many
/// pages). `Err` only when the worker itself cannot run.
async fn check_deck(
    state: &AppState,
    u: &upload::Model,
) -> Result<std::result::Result<CheckedFile, String>> {
    let internal = |e: String| ApiError::internal(e);
    let head = state
        .storage
        .read_range(&u.object_key, 0..1024.min(u.bytes as u64))
        .await
        .map_err(|e| internal(e.to_string()))?;
    if !critboard_deck::sniff(&head) {
        return Ok(Err(critboard_deck::Refusal::NotPdf.to_string()));
    }
    let _turn = state
        .pdf_checks
        .acquire()
        .await
        .map_err(|e| internal(e.to_string()))?;
    let dir = worker_folder(state, &u.object_key, critboard_deck::INPUT)
        .await
        .map_err(internal)?;
    match state.decks.check(dir.path()).await {
        Ok(outline) => {
            let (width, height) = outline.cover_pixels();
            Ok(Ok(CheckedFile {
                content_type: critboard_deck::CONTENT_TYPE,
                width: width as i32,
                height: height as i32,
                kind: AssetKind::Deck,
                page_count: outline.pages.len() as i32,
            }))
        }
        Err(critboard_deck::Error::Refused(refusal)) => Ok(Err(refusal.to_string())),
        Err(e) => Err(internal(e.to_string())),
    }
}

/// Slides are only known to be what they say once LibreOffice has opened
/// them (in the deck job); here, the container must match and a converter
/// must be present. Pages and their sizes come with the rendering.
async fn check_slides(
    state: &AppState,
    u: &upload::Model,
    slides: Slides,
) -> Result<std::result::Result<CheckedFile, String>> {
    let head = state
        .storage
        .read_range(&u.object_key, 0..16.min(u.bytes as u64))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    if let Err(refusal) = slides.check(&head) {
        return Ok(Err(refusal.to_string()));
    }
    if state.decks.converter().is_none() {
        return Ok(Err(critboard_deck::Refusal::NoConverter.to_string()));
    }
    Ok(Ok(CheckedFile {
        content_type: slides.mime(),
        width: 0,
        height: 0,
        kind: AssetKind::Deck,
        page_count: 0,
    }))
}

async fn completed(state: &AppState, u: upload::Model, status: StatusCode) -> Result<Response> {
    let version_id = u.version_id.ok_or(ApiError::NotFound)?;
    let version = state
        .store
        .version(version_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let asset = state
        .store
        .asset(version.asset_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Just made: no thumbnails or threads yet.
    let current = version_out(
        state,
        VersionCard {
            version,
            thumbnails: Vec::new(),
            open_threads: 0,
            threads: 0,
        },
    );
    let body = CompletedOut {
        upload: upload_out(state, u),
        asset: asset_out(asset, Some(current)),
    };
    Ok((status, Json(body)).into_response())
}
