//! The laid-out pages written as a PDF with krilla: DejaVu Sans embedded
//! (subset), pictures embedded once however many pages show slices of
//! them, JPEGs passed through as they are.

use crate::layout::{lay_out, Fonts, Op, Rgb, PAGE_H, PAGE_W};
use crate::{Record, RecordError};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use std::collections::HashMap;
use std::sync::Arc;

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(c[0], c[1], c[2]).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::default(),
    }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke {
        paint: rgb::Color::new(c[0], c[1], c[2]).into(),
        width,
        ..Stroke::default()
    }
}

fn circle(cx: f32, cy: f32, r: f32) -> Option<krilla::geom::Path> {
    // Four cubic arcs (k = 4/3 · (√2 − 1)).
    let k = 0.552_284_8 * r;
    let mut p = PathBuilder::new();
    p.move_to(cx + r, cy);
    p.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    p.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    p.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    p.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    p.close();
    p.finish()
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut p = PathBuilder::new();
    p.push_rect(Rect::from_xywh(x, y, w.max(0.01), h.max(0.01))?);
    p.finish()
}

/// The record as a PDF. `progress(done, total)` is told as pictures are
/// laid out and then written.
pub fn pdf(
    record: &Record,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<u8>, RecordError> {
    let fonts = Fonts::new().ok_or_else(|| RecordError::Pdf("the font cannot be read".into()))?;
    let total = record.pages().max(1);
    let pages = lay_out(record, &fonts, |done| progress(done, total));
    let regular = Font::new(dejavu::sans::regular().into(), 0)
        .ok_or_else(|| RecordError::Pdf("the font cannot be read".into()))?;
    let bold = Font::new(dejavu::sans::bold().into(), 0)
        .ok_or_else(|| RecordError::Pdf("the font cannot be read".into()))?;
    // Each picture once; a bad one is left out (its frame still shows).
    let mut images: HashMap<(usize, usize), Option<Image>> = HashMap::new();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("Review record: {}", record.title))
            .creator("Critboard".into()),
    );
    for ops in &pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| RecordError::Pdf("bad page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op, &regular, &bold, &mut images, record);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| RecordError::Pdf(format!("{e:?}")))
}

fn draw(
    surface: &mut Surface<'_>,
    op: &Op,
    regular: &Font,
    bold: &Font,
    images: &mut HashMap<(usize, usize), Option<Image>>,
    record: &Record,
) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold: strong,
            color,
            text,
        } => {
            surface.set_fill(Some(fill(*color)));
            surface.set_stroke(None);
            let font = if *strong { bold } else { regular };
            surface.draw_text(
                Point::from_xy(*x, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill: inside,
            stroke: edge,
        } => {
            if let Some(path) = rect(*x, *y, *w, *h) {
                surface.set_fill(inside.map(fill));
                surface.set_stroke(edge.map(|(c, w)| stroke(c, w)));
                surface.draw_path(&path);
            }
        }
        Op::Circle {
            cx,
            cy,
            r,
            fill: inside,
            stroke: edge,
        } => {
            if let Some(path) = circle(*cx, *cy, *r) {
                surface.set_fill(Some(fill(*inside)));
                surface.set_stroke(edge.map(|(c, w)| stroke(c, w)));
                surface.draw_path(&path);
            }
        }
        Op::Picture {
            asset,
            page,
            x,
            y,
            w,
            h,
            clip,
        } => {
            let image = images
                .entry((*asset, *page))
                .or_insert_with(|| {
                    let picture = record
                        .assets
                        .get(*asset)?
                        .pages
                        .get(*page)?
                        .picture
                        .as_ref()?;
                    let data: krilla::Data = Arc::new(picture.bytes.clone()).into();
                    Image::from_jpeg(data.clone(), true)
                        .or_else(|_| Image::from_png(data, true))
                        .ok()
                })
                .clone();
            let (Some(image), Some(area), Some(size)) = (
                image,
                rect(clip[0], clip[1], clip[2], clip[3]),
                Size::from_wh(*w, *h),
            ) else {
                return;
            };
            surface.push_clip_path(&area, &FillRule::NonZero);
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_image(image, size);
            surface.pop();
            surface.pop();
        }
    }
}
