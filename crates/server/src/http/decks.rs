//! Decks: the pages of a PDF version, each with its rendered picture.

use super::assets::ImageLink;
use super::discussion::version_board;
use super::files::file_url;
use crate::auth::Caller;
use crate::error::{Problem, Result};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use critboard_domain::BoardAction;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_pages))
}

#[derive(Serialize, ToSchema)]
pub struct PageOut {
    /// From 1.
    pub number: i32,
    /// The page's size in PDF points (1/72 in), after its rotation.
    pub width_pt: f64,
    pub height_pt: f64,
    /// The page at viewer size (at most 1600 px wide).
    pub view: ImageLink,
    /// For the page strip and the board: 480 px wide.
    pub grid: ImageLink,
}

#[derive(Serialize, ToSchema)]
pub struct VersionPages {
    /// Every page, in order; empty until the version is ready (and for
    /// pictures, whose one page is the version's own picture).
    pub items: Vec<PageOut>,
}

/// A deck version's pages (everyone who can see the board).
#[utoipa::path(get, path = "/api/v1/versions/{id}/pages", tag = "assets",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = VersionPages), (status = 404, body = Problem)))]
async fn list_pages(
    State(state): State<AppState>,
    me: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<VersionPages>> {
    version_board(&state, &me, id, BoardAction::View).await?;
    let pages = state.store.pages_of(id).await?;
    let link = |key: &str, name: String, width, height| ImageLink {
        url: file_url(
            &state,
            key,
            critboard_files::thumbs::Thumb::CONTENT_TYPE,
            &name,
        ),
        width,
        height,
        content_type: critboard_files::thumbs::Thumb::CONTENT_TYPE.to_owned(),
    };
    let items = pages
        .into_iter()
        .map(|p| PageOut {
            number: p.number,
            width_pt: p.width_pt,
            height_pt: p.height_pt,
            view: link(
                &p.view_key,
                format!("page-{}.jpg", p.number),
                p.width,
                p.height,
            ),
            grid: link(
                &p.grid_key,
                format!("page-{}-small.jpg", p.number),
                p.grid_width,
                p.grid_height,
            ),
        })
        .collect();
    Ok(Json(VersionPages { items }))
}
