//! Website captures: an editor gives a URL and widths; each width becomes
//! an asset whose versions are full-page captures made in the background
//! (see docs/adr/011-website-capture.md). Re-capturing makes new versions.

use super::assets::{asset_as, assets_out, AssetOut};
use super::discussion::replayed;
use super::{access, idempotency_key};
use crate::auth::{Caller, ClientIp, CurrentUser};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::work::capture_job;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use critboard_domain::assets::{
    DEFAULT_CAPTURE_WIDTHS, MAX_CAPTURE_WIDTH, MAX_CAPTURE_WIDTHS, MAX_URL_LENGTH,
    MIN_CAPTURE_WIDTH,
};
use critboard_domain::{AssetKind, BoardAction, FieldErrors};
use critboard_store::entities::{asset, version};
use critboard_store::queries::captures::{NewCaptures, RECAPTURE, RESOURCE};
use critboard_store::queries::events::Actor;
use critboard_store::StoreError;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_captures))
        .routes(routes!(recapture_asset))
        .routes(routes!(recapture_board))
}

#[derive(Deserialize, ToSchema)]
pub struct CaptureIn {
    /// The page: an http(s) address (`example.com/pricing` means https).
    pub url: String,
    /// CSS px, 320 to 2560, at most 4; default 1440 (desktop) and 390
    /// (mobile, at twice the pixels).
    pub widths: Option<Vec<i32>>,
}

#[derive(Serialize, ToSchema)]
pub struct CapturesOut {
    /// One per width, in board order; each `current_version` is queued.
    pub assets: Vec<AssetOut>,
}

/// Capture a web page at one or more widths (editors and owners): each
/// width becomes an asset, captured in the background; its progress comes
/// over the board's stream (`capture.progress`, then `version.ready` or
/// `version.failed`). Honors `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/boards/{id}/captures", tag = "assets",
    params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = CaptureIn,
    responses((status = 201, body = CapturesOut), (status = 200, body = CapturesOut, description = "Asked before with this Idempotency-Key"),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "Not an http(s) address, a refused address (internal, non-web port), or bad widths"),
        (status = 429, body = Problem), (status = 503, body = Problem, description = "No browser on this server")))]
async fn create_captures(
    State(state): State<AppState>,
    me: CurrentUser,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CaptureIn>,
) -> Result<Response> {
    access::board(&state, me.id(), id, BoardAction::Edit).await?;
    let key = idempotency_key(&headers)?;
    let actor = Actor::user(me.id(), &me.user.display_name);
    let earlier = replay(&state, &actor, key.as_deref(), RESOURCE, |a| {
        a.board_id == id
    })
    .await?;
    if let Some(made) = earlier {
        return answer(&state, made, StatusCode::OK).await;
    }
    let url = parse_url(&body.url)?;
    let widths = widths(body.widths.as_deref())?;
    able_to_capture(&state, ip, me.id(), widths.len())?;
    check_target(&state, &url).await?;
    let made = state
        .store
        .request_captures(
            &actor,
            NewCaptures {
                board_id: id,
                url: url.as_str(),
                widths: &widths,
                idempotency_key: key.as_deref(),
            },
            |version_id| capture_job(version_id, None).into_active_model(state.store.now()),
        )
        .await;
    let made = match made {
        Ok(made) => made,
        // The same key sent twice at once: the other request made them.
        Err(e @ StoreError::Unique(_)) if key.is_some() => {
            let ours = |a: &asset::Model| a.board_id == id;
            return match replay(&state, &actor, key.as_deref(), RESOURCE, ours).await? {
                Some(made) => answer(&state, made, StatusCode::OK).await,
                None => Err(e.into()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    state.queue.wake();
    answer(&state, made, StatusCode::CREATED).await
}

/// Capture an asset's page again (editors and owners): a new version at
/// the same width, so the last capture's threads stay where they were and
/// open ones show as still open. A failed last capture is tried again in
/// place; one under way is left to finish. Honors `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/assets/{id}/recapture", tag = "assets",
    params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = AssetOut), (status = 200, body = AssetOut, description = "Asked before with this Idempotency-Key"),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Not a website capture"),
        (status = 422, body = Problem, description = "Its address is no longer allowed"),
        (status = 429, body = Problem), (status = 503, body = Problem, description = "No browser on this server")))]
async fn recapture_asset(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> Result<Response> {
    let found = asset_as(&state, &me, id, BoardAction::Edit).await?;
    if found.asset.kind != AssetKind::Capture {
        return Err(ApiError::Conflict(
            "only website captures can be captured again; upload a new version instead".into(),
        ));
    }
    let targets = state
        .store
        .capture_targets(found.board.id, Some(found.asset.id))
        .await?;
    // One page: its address is checked now, so a refusal is a clear 422.
    need_browser(&state)?;
    if let Some((a, _)) = targets.first() {
        let url = a
            .source_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .ok_or_else(|| ApiError::Conflict(format!("{} has no page address", a.title)))?;
        check_target(&state, &url).await?;
    }
    let (made, status) = recapture(&state, &me, ip, found.board.id, targets, &headers).await?;
    let mut out = assets_out(&state, made.into_iter().map(|(a, _)| a).collect()).await?;
    let one = out.pop().ok_or(ApiError::NotFound)?;
    Ok((status, Json(one)).into_response())
}

/// Capture every website on a board again (editors and owners), as
/// `POST /assets/{id}/recapture` does for one. Honors `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/boards/{id}/recapture", tag = "assets",
    params(("id" = Uuid, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = CapturesOut), (status = 200, body = CapturesOut, description = "Asked before with this Idempotency-Key"),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 429, body = Problem), (status = 503, body = Problem, description = "No browser on this server")))]
async fn recapture_board(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> Result<Response> {
    access::board_as(&state, &me, id, BoardAction::Edit).await?;
    // Addresses are not checked one by one here (a site gone from DNS
    // must not stop the rest): the capture's proxy refuses what is not
    // allowed, and that card says why.
    let targets = state.store.capture_targets(id, None).await?;
    let (made, status) = recapture(&state, &me, ip, id, targets, &headers).await?;
    answer(&state, made, status).await
}

type Made = Vec<(asset::Model, version::Model)>;

async fn recapture(
    state: &AppState,
    me: &Caller,
    ip: IpAddr,
    board_id: Uuid,
    targets: Vec<(asset::Model, bool)>,
    headers: &HeaderMap,
) -> Result<(Made, StatusCode)> {
    let key = idempotency_key(headers)?;
    let actor = me.actor(board_id)?;
    let ids: Vec<Uuid> = targets.iter().map(|(a, _)| a.id).collect();
    let earlier = replay(state, &actor, key.as_deref(), RECAPTURE, |a| {
        ids.contains(&a.id)
    })
    .await?;
    if let Some(made) = earlier {
        return Ok((made, StatusCode::OK));
    }
    // Captures still under way are left to finish, and cost nothing.
    let queued = targets.iter().filter(|(_, busy)| !busy).count();
    able_to_capture(state, ip, me.user_id(), queued)?;
    let made = state
        .store
        .request_recaptures(
            &actor,
            board_id,
            &ids,
            key.as_deref(),
            |version_id, attempt| {
                capture_job(version_id, Some(attempt)).into_active_model(state.store.now())
            },
        )
        .await;
    let made = match made {
        Ok(made) => made,
        // The same key sent twice at once: the other request made them.
        Err(e @ StoreError::Unique(_)) if key.is_some() => {
            let ours = |a: &asset::Model| ids.contains(&a.id);
            return match replay(state, &actor, key.as_deref(), RECAPTURE, ours).await? {
                Some(made) => Ok((made, StatusCode::OK)),
                None => Err(e.into()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    state.queue.wake();
    Ok((made, StatusCode::CREATED))
}

/// What a request with this key made before, if it was one: only what
/// this route's target holds (a key sent again to another board or asset
/// is another request, not a replay).
async fn replay(
    state: &AppState,
    actor: &Actor,
    key: Option<&str>,
    resource: &str,
    ours: impl Fn(&asset::Model) -> bool,
) -> Result<Option<Made>> {
    let Some(request) = replayed(state, actor, key, resource).await? else {
        return Ok(None);
    };
    let mut made = state.store.captures_of_request(request).await?;
    made.retain(|(a, _)| ours(a));
    if made.is_empty() {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            "this key was already used for another request; send a new one",
        ));
    }
    Ok(Some(made))
}

async fn answer(state: &AppState, made: Made, status: StatusCode) -> Result<Response> {
    let assets = made.into_iter().map(|(a, _)| a).collect();
    let body = CapturesOut {
        assets: assets_out(state, assets).await?,
    };
    Ok((status, Json(body)).into_response())
}

/// A browser is here and the person has captures left this minute (each
/// width or page counts).
fn able_to_capture(state: &AppState, ip: IpAddr, user: Uuid, count: usize) -> Result<()> {
    need_browser(state)?;
    state
        .capture_limiter
        .check_n(ip, &user.to_string(), count as u32)
}

fn need_browser(state: &AppState) -> Result<()> {
    if state.capturer.chromium().is_none() {
        return Err(ApiError::NotAvailable(
            critboard_capture::Failure::NoBrowser.to_string(),
        ));
    }
    Ok(())
}

/// Refuses, before anything is queued, what the capture's proxy would
/// refuse: internal addresses, names that resolve to them, non-web ports.
async fn check_target(state: &AppState, url: &url::Url) -> Result<()> {
    state
        .capturer
        .check_url(url)
        .await
        .map_err(|refusal| ApiError::invalid("url", refusal.to_string()))
}

/// An http(s) address; a bare `example.com/pricing` is taken as https.
fn parse_url(raw: &str) -> Result<url::Url> {
    let raw = raw.trim();
    let refuse = |why: String| ApiError::invalid("url", why);
    if raw.is_empty() {
        return Err(refuse(
            "give the page's address, e.g. https://example.com/pricing".into(),
        ));
    }
    if raw.len() > MAX_URL_LENGTH {
        return Err(refuse(format!("at most {MAX_URL_LENGTH} characters")));
    }
    let url = match url::Url::parse(raw) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => url::Url::parse(&format!("https://{raw}"))
            .map_err(|e| refuse(format!("this is not a web address ({e})")))?,
        Err(e) => return Err(refuse(format!("this is not a web address ({e})"))),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(format!(
            "only http and https addresses can be captured, not {}:",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("the address has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "the address must not contain a user name or password".into(),
        ));
    }
    Ok(url)
}

/// The widths asked for, each once, in the order given.
fn widths(asked: Option<&[i32]>) -> Result<Vec<i32>> {
    let asked = asked.unwrap_or(&DEFAULT_CAPTURE_WIDTHS);
    let mut out: Vec<i32> = Vec::new();
    for &w in asked {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    FieldErrors::single_check(|e| {
        if out.is_empty() || out.len() > MAX_CAPTURE_WIDTHS {
            e.add("widths", format!("give 1 to {MAX_CAPTURE_WIDTHS} widths"));
        }
        if let Some(w) = out
            .iter()
            .find(|w| !(MIN_CAPTURE_WIDTH..=MAX_CAPTURE_WIDTH).contains(*w))
        {
            e.add(
                "widths",
                format!("{w} is not between {MIN_CAPTURE_WIDTH} and {MAX_CAPTURE_WIDTH} px"),
            );
        }
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_domains_are_https_and_other_schemes_are_refused() {
        assert_eq!(
            parse_url(" example.com/pricing ").unwrap().as_str(),
            "https://example.com/pricing"
        );
        assert_eq!(
            parse_url("http://Example.COM").unwrap().as_str(),
            "http://example.com/"
        );
        for bad in [
            "",
            "ftp://example.com/",
            "javascript:alert(1)",
            "https://u:p@example.com/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn widths_default_to_desktop_and_mobile_and_stay_in_range() {
        assert_eq!(widths(None).unwrap(), vec![1440, 390]);
        assert_eq!(widths(Some(&[768, 768, 320])).unwrap(), vec![768, 320]);
        assert!(widths(Some(&[])).is_err());
        assert!(widths(Some(&[319])).is_err());
        assert!(widths(Some(&[2561])).is_err());
        assert!(widths(Some(&[400, 500, 600, 700, 800])).is_err());
    }
}
