//! Where everything goes on A4 pages, as a list of drawing operations per
//! page (top-left origin, points). Kept apart from writing the PDF so the
//! layout can be reasoned about (and tested) on its own.

use crate::{PageRecord, Record, ThreadRecord};

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 42.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_H - MARGIN;

pub(crate) type Rgb = [u8; 3];
const INK: Rgb = [24, 28, 33];
const MUTED: Rgb = [96, 104, 112];
const PIN: Rgb = [37, 99, 235];
const PIN_RESOLVED: Rgb = [128, 134, 140];
const WHITE: Rgb = [255, 255, 255];
const RULE: Rgb = [214, 218, 222];
/// A pin's radius, in points.
const PIN_R: f32 = 7.5;

pub(crate) enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Rgb,
        stroke: Option<(Rgb, f32)>,
    },
    /// Picture `asset`/`page` of the record, placed at `x`, `y` at size
    /// `w` × `h` and seen through the rectangle `clip`.
    Picture {
        asset: usize,
        page: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        clip: [f32; 4],
    },
}

/// Measures text as krilla will draw it (same font, same shaper).
pub(crate) struct Fonts {
    pub regular: rustybuzz::Face<'static>,
    pub bold: rustybuzz::Face<'static>,
}

impl Fonts {
    pub fn new() -> Option<Fonts> {
        Some(Fonts {
            regular: rustybuzz::Face::from_slice(dejavu::sans::regular(), 0)?,
            bold: rustybuzz::Face::from_slice(dejavu::sans::bold(), 0)?,
        })
    }

    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / f32::from(face.units_per_em() as u16)
    }
}

/// Lines of `text` no wider than `width`: breaks at spaces, keeps the
/// author's line breaks, and cuts a word longer than a line.
pub(crate) fn wrap(fonts: &Fonts, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if fonts.width(&candidate, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line goes in pieces.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if fonts.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

struct Pen<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pen<'_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn op(&mut self, op: Op) {
        if self.pages.is_empty() {
            self.new_page();
        }
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Room for `h` more points on this page, or a new one.
    fn need(&mut self, h: f32) {
        if self.pages.is_empty() || self.y + h > BOTTOM {
            self.new_page();
        }
    }

    /// Wrapped text at `indent`, a line at a time (so long comments go on
    /// over the page).
    fn text(&mut self, text: &str, size: f32, bold: bool, color: Rgb, indent: f32) {
        let lead = size * 1.35;
        let lines = wrap(self.fonts, text, size, bold, CONTENT_W - indent);
        for line in lines {
            self.need(lead);
            self.y += lead;
            if !line.is_empty() {
                self.op(Op::Text {
                    x: MARGIN + indent,
                    y: self.y - size * 0.3,
                    size,
                    bold,
                    color,
                    text: line,
                });
            }
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    fn rule(&mut self) {
        self.need(8.0);
        self.gap(4.0);
        self.op(Op::Rect {
            x: MARGIN,
            y: self.y,
            w: CONTENT_W,
            h: 0.6,
            fill: Some(RULE),
            stroke: None,
        });
        self.gap(4.0);
    }

    /// A numbered pin (or an area's badge) centred on `cx`, `cy`.
    fn pin(&mut self, cx: f32, cy: f32, number: i32, resolved: bool) {
        let fill = if resolved { PIN_RESOLVED } else { PIN };
        self.op(Op::Circle {
            cx,
            cy,
            r: PIN_R,
            fill,
            stroke: Some((WHITE, 1.2)),
        });
        let label = number.to_string();
        let size = if label.len() > 2 { 6.0 } else { 7.5 };
        let w = self.fonts.width(&label, size, true);
        self.op(Op::Text {
            x: cx - w / 2.0,
            y: cy + size * 0.36,
            size,
            bold: true,
            color: WHITE,
            text: label,
        });
    }

    /// The picture at the content width (or smaller to fit a page), with
    /// its pins and areas; a picture taller than a page and a half (a
    /// long capture) goes on over pages in slices, each with its pins.
    fn picture(&mut self, asset: usize, index: usize, p: &PageRecord) {
        let Some(picture) = &p.picture else {
            self.text("(This picture could not be read.)", 10.0, false, MUTED, 0.0);
            return;
        };
        let (pw, ph) = (picture.width.max(1) as f32, picture.height.max(1) as f32);
        self.need(120.0);
        let room = BOTTOM - self.y;
        let full = BOTTOM - MARGIN;
        let wide = CONTENT_W / pw;
        let scale = if ph * wide <= room * 1.5 {
            wide.min(room / ph).min(full / ph)
        } else {
            wide
        };
        let (w, h) = (pw * scale, ph * scale);
        let x = MARGIN + (CONTENT_W - w) / 2.0;
        let mut shown = 0.0; // points of the picture already placed
        while shown < h - 0.5 {
            if BOTTOM - self.y < 60.0 {
                self.new_page();
            }
            let slice = (BOTTOM - self.y).min(h - shown);
            let top = self.y - shown; // where the picture's top would be
            self.op(Op::Picture {
                asset,
                page: index,
                x,
                y: top,
                w,
                h,
                clip: [x, self.y, w, slice],
            });
            self.op(Op::Rect {
                x,
                y: self.y,
                w,
                h: slice,
                fill: None,
                stroke: Some((RULE, 0.6)),
            });
            let (from, to) = (self.y, self.y + slice);
            for t in &p.threads {
                self.mark(t, x, top, w, h, (from, to));
            }
            shown += slice;
            self.y += slice;
        }
        self.gap(10.0);
    }

    /// A thread's pin or area, if it falls in the slice `from`..`to`.
    fn mark(&mut self, t: &ThreadRecord, x: f32, top: f32, w: f32, h: f32, (from, to): (f32, f32)) {
        let (px, py) = (x + t.x as f32 * w, top + t.y as f32 * h);
        match (t.w, t.h) {
            (Some(aw), Some(ah)) => {
                let (ax, ay) = (aw as f32 * w, ah as f32 * h);
                let (y0, y1) = (py.max(from), (py + ay).min(to));
                if y1 <= y0 {
                    return;
                }
                let color = if t.resolved { PIN_RESOLVED } else { PIN };
                self.op(Op::Rect {
                    x: px,
                    y: y0,
                    w: ax,
                    h: y1 - y0,
                    fill: None,
                    stroke: Some((color, 1.6)),
                });
                if (from..to).contains(&py) {
                    self.pin(px, py, t.number, t.resolved);
                }
            }
            _ => {
                if (from..to).contains(&py) {
                    self.pin(px, py, t.number, t.resolved);
                }
            }
        }
    }

    fn threads(&mut self, threads: &[ThreadRecord]) {
        for t in threads {
            self.need(40.0);
            let state = if t.resolved { "Resolved" } else { "Open" };
            let head = match &t.resolution {
                Some(r) => format!("#{} · {r}", t.number),
                None => format!("#{} · {state}", t.number),
            };
            self.text(&head, 10.5, true, INK, 0.0);
            for c in &t.comments {
                let edited = if c.edited { " (edited)" } else { "" };
                self.text(
                    &format!("{} · {}{edited}", c.author, c.at),
                    8.5,
                    false,
                    MUTED,
                    12.0,
                );
                self.text(&c.body, 10.0, false, INK, 12.0);
                self.gap(3.0);
            }
            self.gap(5.0);
        }
    }
}

/// The record's pages. `progress` is told each picture placed.
pub(crate) fn lay_out(
    record: &Record,
    fonts: &Fonts,
    mut progress: impl FnMut(usize),
) -> Vec<Vec<Op>> {
    let mut pen = Pen {
        fonts,
        pages: Vec::new(),
        y: MARGIN,
    };
    pen.new_page();
    pen.text(&record.title, 20.0, true, INK, 0.0);
    pen.text(
        &format!("Review record · {} · made {}", record.scope, record.made_at),
        10.0,
        false,
        MUTED,
        0.0,
    );
    pen.rule();
    for a in &record.assets {
        let threads: usize = a.pages.iter().map(|p| p.threads.len()).sum();
        let open: usize = a
            .pages
            .iter()
            .map(|p| p.threads.iter().filter(|t| !t.resolved).count())
            .sum();
        pen.text(&a.title, 11.0, true, INK, 0.0);
        pen.text(
            &format!(
                "{} · {} · {threads} thread{} ({open} open)",
                a.kind,
                a.status,
                if threads == 1 { "" } else { "s" }
            ),
            9.5,
            false,
            MUTED,
            0.0,
        );
        pen.gap(4.0);
    }
    pen.rule();
    pen.text("Share links", 13.0, true, INK, 0.0);
    if record.share_links.is_empty() {
        pen.text("None.", 10.0, false, MUTED, 0.0);
    }
    for l in &record.share_links {
        pen.text(&l.label, 10.5, true, INK, 0.0);
        pen.text(
            &format!("{} · created {} · {}", l.role, l.created_at, l.state),
            9.0,
            false,
            MUTED,
            0.0,
        );
        let guests = if l.guests.is_empty() {
            "Not opened by any guest.".to_owned()
        } else {
            format!("Opened by {}", l.guests.join("; "))
        };
        pen.text(&guests, 9.5, false, INK, 12.0);
        pen.gap(4.0);
    }

    let mut done = 0;
    for (ai, a) in record.assets.iter().enumerate() {
        for (pi, p) in a.pages.iter().enumerate() {
            pen.new_page();
            pen.text(&a.title, 14.0, true, INK, 0.0);
            let page = if a.kind == "Deck" {
                format!(", page {}", p.page)
            } else {
                String::new()
            };
            pen.text(
                &format!("Version {}{page} · {} · {}", p.version, a.kind, a.status),
                9.5,
                false,
                MUTED,
                0.0,
            );
            pen.gap(6.0);
            pen.picture(ai, pi, p);
            if p.threads.is_empty() {
                pen.text("No threads.", 10.0, false, MUTED, 0.0);
            }
            pen.threads(&p.threads);
            done += 1;
            progress(done);
        }
        pen.need(60.0);
        pen.rule();
        pen.text(&format!("Decisions on {}", a.title), 12.0, true, INK, 0.0);
        if a.decisions.is_empty() {
            pen.text("No decisions yet.", 10.0, false, MUTED, 0.0);
        }
        for d in &a.decisions {
            pen.text(
                &format!(
                    "Version {}: {} by {} · {}",
                    d.version, d.status, d.who, d.at
                ),
                10.0,
                false,
                INK,
                0.0,
            );
        }
    }
    pen.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_spaces_and_keep_the_authors_breaks() {
        let fonts = Fonts::new().unwrap();
        let text = "one two three four five six seven eight nine ten\nnext";
        let lines = wrap(&fonts, text, 10.0, false, 80.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("next"));
        assert!(lines.iter().all(|l| fonts.width(l, 10.0, false) <= 80.0));
        assert_eq!(
            lines.join(" ").replace("  ", " "),
            text.replace('\n', " "),
            "no word lost"
        );
        // A word longer than a line is cut, not left to overflow.
        let long = "x".repeat(300);
        let cut = wrap(&fonts, &long, 10.0, false, 100.0);
        assert!(cut.len() > 3 && cut.concat() == long);
        assert!(cut.iter().all(|l| fonts.width(l, 10.0, false) <= 100.0));
    }
}
