//! Reviews submitted as a batch: a reviewer gathers new threads and
//! replies as drafts only they see, then publishes them at once with a
//! decision per asset and a summary; the board hears of it once.

use super::discussion::{
    check_place, checked_text, decider_label, parse_mentions, people_by_id, thread_board,
    version_board, Person, Shape,
};
use super::{access, created, no_content, Page};
use crate::auth::{Caller, ClientIp};
use crate::error::{ApiError, Problem, Result};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use critboard_domain::discussion::{check_drawing, comment_text, Mark};
use critboard_domain::{BoardAction, FieldErrors, ReviewStatus};
use critboard_store::entities::{review, review_item};
use critboard_store::queries::boards::BoardRow;
use critboard_store::queries::reviews::{DraftTarget, DraftText, ReviewDecision};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews, start_review))
        .routes(routes!(get_review, discard_review))
        .routes(routes!(add_item))
        .routes(routes!(edit_item, delete_item))
        .routes(routes!(submit_review))
}

/// The most submitted reviews a board lists.
const LISTED: u64 = 100;

#[derive(Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Only its author sees it.
    Draft,
    Submitted,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewOut {
    pub id: Uuid,
    pub board_id: Uuid,
    pub state: ReviewState,
    /// The author's name; `user_id` for a signed-in person, `guest_id`
    /// for a guest of a share link.
    pub name: String,
    pub user_id: Option<Uuid>,
    pub guest_id: Option<Uuid>,
    pub summary: Option<String>,
    /// What submitting published: new threads, and replies.
    pub threads: i32,
    pub replies: i32,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// A draft's threads and replies, oldest first (none once submitted:
    /// they are threads and comments then).
    pub items: Vec<ReviewItemOut>,
}

#[derive(Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReviewItemKind {
    /// A new pin or area with its first comment.
    Thread,
    /// A reply in an existing thread.
    Reply,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewItemOut {
    pub id: Uuid,
    pub review_id: Uuid,
    pub kind: ReviewItemKind,
    /// The asset it is on.
    pub asset_id: Uuid,
    /// A new thread's version, page and shape.
    pub version_id: Option<Uuid>,
    pub page: i32,
    pub shape: Option<Shape>,
    /// A reply's thread.
    pub thread_id: Option<Uuid>,
    pub body: String,
    pub mentions: Vec<Person>,
    pub drawing: Vec<Mark>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Reviews as answered: items (with the people they name) for drafts.
async fn reviews_out(state: &AppState, reviews: Vec<review::Model>) -> Result<Vec<ReviewOut>> {
    let mut out = Vec::with_capacity(reviews.len());
    for r in reviews {
        let draft = r.submitted_at.is_none();
        let items = if draft {
            items_out(state, state.store.review_items(r.id).await?).await?
        } else {
            Vec::new()
        };
        out.push(ReviewOut {
            id: r.id,
            board_id: r.board_id,
            state: if draft {
                ReviewState::Draft
            } else {
                ReviewState::Submitted
            },
            name: r.name,
            user_id: r.user_id,
            guest_id: r.guest_id,
            summary: r.summary,
            threads: r.threads,
            replies: r.replies,
            created_at: r.created_at,
            submitted_at: r.submitted_at,
            items,
        });
    }
    Ok(out)
}

async fn items_out(state: &AppState, items: Vec<review_item::Model>) -> Result<Vec<ReviewItemOut>> {
    let Some(first) = items.first() else {
        return Ok(Vec::new());
    };
    let assets = state.store.review_item_assets(first.review_id).await?;
    let mut named = Vec::new();
    for i in &items {
        named.extend(parse_mentions(&i.mentions));
    }
    let people = people_by_id(state, named).await?;
    Ok(items
        .into_iter()
        .filter_map(|i| {
            let asset_id = *assets.get(&i.id)?;
            Some(item_out(i, asset_id, &people))
        })
        .collect())
}

fn item_out(
    i: review_item::Model,
    asset_id: Uuid,
    people: &HashMap<Uuid, Person>,
) -> ReviewItemOut {
    let shape = match (i.x, i.y) {
        (Some(x), Some(y)) => Some(Shape {
            x,
            y,
            w: i.w,
            h: i.h,
        }),
        _ => None,
    };
    ReviewItemOut {
        id: i.id,
        review_id: i.review_id,
        kind: if i.thread_id.is_some() {
            ReviewItemKind::Reply
        } else {
            ReviewItemKind::Thread
        },
        asset_id,
        version_id: i.version_id,
        page: i.page,
        shape,
        thread_id: i.thread_id,
        mentions: parse_mentions(&i.mentions)
            .iter()
            .filter_map(|id| people.get(id).cloned())
            .collect(),
        drawing: i
            .drawing
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default(),
        body: i.body,
        created_at: i.created_at,
        updated_at: i.updated_at,
    }
}

async fn review_out(state: &AppState, r: review::Model) -> Result<ReviewOut> {
    reviews_out(state, vec![r])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// A review the caller may see with `action` on its board: anyone who may
/// on a submitted one; only its author on a draft (others get 404).
async fn review_as(
    state: &AppState,
    me: &Caller,
    id: Uuid,
    action: BoardAction,
) -> Result<(review::Model, BoardRow)> {
    let r = state.store.review(id).await?.ok_or(ApiError::NotFound)?;
    let (board, _) = access::board_as(state, me, r.board_id, BoardAction::View).await?;
    // Someone else's draft does not exist for the caller, whatever they
    // may do on the board.
    if r.submitted_at.is_none() && !me.wrote(board.id, r.user_id, r.guest_id) {
        return Err(ApiError::NotFound);
    }
    access::allowed_to(me, &board, action)?;
    Ok((r, board))
}

/// The caller's draft on a board (started now if there was none: 201),
/// with its items. Commenters and up, and guests of a commenter link.
#[utoipa::path(post, path = "/api/v1/boards/{id}/reviews", tag = "reviews",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = ReviewOut), (status = 200, body = ReviewOut, description = "The draft already started"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn start_review(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response> {
    let (board, _) = access::board_as(&state, &me, id, BoardAction::Comment).await?;
    let actor = me.actor(board.id)?;
    let (r, started) = state.store.draft_review(&actor, board.id).await?;
    let out = review_out(&state, r).await?;
    Ok(if started {
        created(out)
    } else {
        (StatusCode::OK, Json(out)).into_response()
    })
}

/// The caller's draft (if any, first) and the board's submitted reviews,
/// newest first (the last 100).
#[utoipa::path(get, path = "/api/v1/boards/{id}/reviews", tag = "reviews",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Page<ReviewOut>), (status = 404, body = Problem)))]
async fn list_reviews(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Page<ReviewOut>>> {
    let (board, _) = access::board_as(&state, &me, id, BoardAction::View).await?;
    let reviews = match me.actor(board.id) {
        Ok(actor) => {
            state
                .store
                .reviews_of_board(board.id, &actor, LISTED)
                .await?
        }
        Err(_) => Vec::new(),
    };
    Ok(Json(Page::all(reviews_out(&state, reviews).await?)))
}

/// One review: a draft (its author only) with its items, or a submitted
/// one (everyone who can see the board).
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "reviews",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ReviewOut), (status = 404, body = Problem)))]
async fn get_review(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReviewOut>> {
    let (r, _) = review_as(&state, &me, id, BoardAction::View).await?;
    Ok(Json(review_out(&state, r).await?))
}

/// Discard a draft with everything in it; nobody else ever saw it.
#[utoipa::path(delete, path = "/api/v1/reviews/{id}", tag = "reviews",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Already submitted")))]
async fn discard_review(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let (r, board) = review_as(&state, &me, id, BoardAction::Comment).await?;
    if !me.wrote(board.id, r.user_id, r.guest_id) {
        return Err(ApiError::NotFound);
    }
    state.store.discard_review(r.id).await?;
    Ok(no_content())
}

/// A draft: a new thread (`version_id`, `x`, `y`, optional `w`/`h` and
/// `page`) or a reply (`thread_id`), with its text and marks.
#[derive(Deserialize, ToSchema)]
pub struct ReviewItemIn {
    pub version_id: Option<Uuid>,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub w: Option<f64>,
    pub h: Option<f64>,
    #[schema(minimum = 1)]
    pub page: Option<i32>,
    pub thread_id: Option<Uuid>,
    pub body: String,
    #[serde(default)]
    pub drawing: Vec<Mark>,
}

/// Add a draft thread or reply to one's draft review. Only its author
/// sees it until the review is submitted.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/items", tag = "reviews",
    params(("id" = Uuid, Path)), request_body = ReviewItemIn,
    responses((status = 201, body = ReviewItemOut), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Already submitted"), (status = 422, body = Problem)))]
async fn add_item(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReviewItemIn>,
) -> Result<Response> {
    let (r, board) = review_as(&state, &me, id, BoardAction::Comment).await?;
    let target = match (body.version_id, body.thread_id) {
        (Some(version_id), None) => {
            let version = on_board(
                version_board(&state, &me, version_id, BoardAction::Comment).await,
                board.id,
                |(_, b)| b.id,
                ("version_id", "no such version on this board"),
            )?
            .0;
            let (Some(x), Some(y)) = (body.x, body.y) else {
                return Err(ApiError::invalid("x", "a new thread needs x and y"));
            };
            let shape = Shape {
                x,
                y,
                w: body.w,
                h: body.h,
            };
            let page = check_place(&version, &shape, body.page)?;
            DraftTarget::Thread {
                version_id,
                page,
                x,
                y,
                w: body.w,
                h: body.h,
            }
        }
        (None, Some(thread_id)) => {
            on_board(
                thread_board(&state, &me, thread_id, BoardAction::Comment).await,
                board.id,
                |(_, b, _)| b.id,
                ("thread_id", "no such thread on this board"),
            )?;
            DraftTarget::Reply { thread_id }
        }
        _ => {
            return Err(ApiError::invalid(
                "version_id",
                "give version_id (a new thread) or thread_id (a reply), not both",
            ))
        }
    };
    FieldErrors::single_check(|e| check_drawing("drawing", &body.drawing, e))?;
    let (text, mentions) = checked_text(&state, &me, board.id, &body.body).await?;
    me.throttle(&state, board.id, ip)?;
    let item = state
        .store
        .add_review_item(
            r.id,
            target,
            DraftText {
                body: &text,
                mentions: &mentions,
                drawing: &body.drawing,
            },
        )
        .await?;
    Ok(created(one_item(&state, item).await?))
}

/// Something a draft names, if it is on the review's board: what the caller
/// cannot see there is a mistake in the request (422); an outage stays one.
fn on_board<T>(
    found: Result<T>,
    board_id: Uuid,
    board_of: impl Fn(&T) -> Uuid,
    (field, missing): (&str, &str),
) -> Result<T> {
    match found {
        Ok(t) if board_of(&t) == board_id => Ok(t),
        Ok(_) | Err(ApiError::NotFound) => Err(ApiError::invalid(field, missing)),
        Err(e) => Err(e),
    }
}

async fn one_item(state: &AppState, item: review_item::Model) -> Result<ReviewItemOut> {
    items_out(state, vec![item])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// A draft item and its review, for its author while the review is a draft.
async fn own_item(
    state: &AppState,
    me: &Caller,
    id: Uuid,
) -> Result<(review_item::Model, review::Model, BoardRow)> {
    let item = state
        .store
        .review_item(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (r, board) = review_as(state, me, item.review_id, BoardAction::Comment).await?;
    Ok((item, r, board))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewItemPatch {
    pub body: String,
    /// Replaces the marks when given.
    pub drawing: Option<Vec<Mark>>,
}

/// Change a draft's text (and marks).
#[utoipa::path(patch, path = "/api/v1/review-items/{id}", tag = "reviews",
    params(("id" = Uuid, Path)), request_body = ReviewItemPatch,
    responses((status = 200, body = ReviewItemOut), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn edit_item(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReviewItemPatch>,
) -> Result<Json<ReviewItemOut>> {
    let (item, _, board) = own_item(&state, &me, id).await?;
    let drawing = match body.drawing {
        Some(d) => d,
        None => item
            .drawing
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_default(),
    };
    FieldErrors::single_check(|e| check_drawing("drawing", &drawing, e))?;
    let (text, mentions) = checked_text(&state, &me, board.id, &body.body).await?;
    let changed = state
        .store
        .change_review_item(
            &item,
            DraftText {
                body: &text,
                mentions: &mentions,
                drawing: &drawing,
            },
        )
        .await?;
    Ok(Json(one_item(&state, changed).await?))
}

/// Drop a draft from one's review.
#[utoipa::path(delete, path = "/api/v1/review-items/{id}", tag = "reviews",
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_item(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode> {
    let (item, _, _) = own_item(&state, &me, id).await?;
    state.store.delete_review_item(&item).await?;
    Ok(no_content())
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionIn {
    pub version_id: Uuid,
    pub status: ReviewStatus,
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewSubmitIn {
    /// A few words for everyone (optional).
    pub summary: Option<String>,
    /// A decision per asset (a version of it); leave an asset out for
    /// "comment only". Needs the right to decide on the board.
    #[serde(default)]
    pub decisions: Vec<DecisionIn>,
}

/// Publish a draft: its threads and replies appear at once, its decisions
/// set the versions' review status, and the board's members get one
/// notification (and one e-mail line) for the whole review.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/submit", tag = "reviews",
    params(("id" = Uuid, Path)), request_body = ReviewSubmitIn,
    responses((status = 200, body = ReviewOut), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Already submitted"),
        (status = 422, body = Problem)))]
async fn submit_review(
    State(state): State<AppState>,
    me: Caller,
    ClientIp(ip): ClientIp,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReviewSubmitIn>,
) -> Result<Json<ReviewOut>> {
    let (r, board) = review_as(&state, &me, id, BoardAction::Comment).await?;
    let summary = match body.summary.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(comment_text(s).map_err(|m| ApiError::invalid("summary", m))?),
    };
    let mut wanted: Vec<Uuid> = body.decisions.iter().map(|d| d.version_id).collect();
    wanted.sort();
    wanted.dedup();
    if wanted.len() != body.decisions.len() {
        return Err(ApiError::invalid("decisions", "one decision per version"));
    }
    let mut versions = state.store.versions_on_board(board.id, &wanted).await?;
    let mut decisions: Vec<ReviewDecision> = Vec::new();
    for d in &body.decisions {
        let version = versions
            .remove(&d.version_id)
            .ok_or_else(|| ApiError::invalid("decisions", "no such version on this board"))?;
        decisions.push(ReviewDecision {
            version,
            status: d.status,
        });
    }
    let role = if decisions.is_empty() {
        None
    } else {
        Some(access::allowed_to(&me, &board, board.deciders.action())?)
    };
    me.throttle(&state, board.id, ip)?;
    let actor = me.actor(board.id)?;
    let label = role.map_or("", |role| decider_label(&actor, &board, role));
    let done = state
        .store
        .submit_review(&actor, label, r.id, summary.as_deref(), &decisions)
        .await?;
    Ok(Json(review_out(&state, done).await?))
}
