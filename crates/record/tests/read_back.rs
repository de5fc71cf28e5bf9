//! The record read back as a reader would: the PDF's pages and text (with
//! hayro, the renderer the deck worker uses), one page rendered to find the
//! pins' pixels, and the CSV parsed.

use critboard_record::{
    csv, pdf, AssetRecord, CommentRecord, DecisionRecord, LinkRecord, PageRecord, Picture, Record,
    ThreadRecord,
};
use hayro::hayro_interpret::font::GlyphRun;
use hayro::hayro_interpret::{
    ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps, InterpreterCache,
    InterpreterSettings, SoftMask,
};
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::{Affine, BezPath};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{render, PixmapSettings, RenderCache, RenderSettings};
use std::io::Cursor;

/// A light grey picture, `w` × `h`, as PNG.
fn picture(w: u32, h: u32) -> Picture {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let v = 225 + ((x / 40 + y / 40) % 2) as u8 * 20;
        image::Rgb([v, v, v])
    });
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    Picture {
        bytes,
        width: w,
        height: h,
    }
}

fn comment(author: &str, body: &str) -> CommentRecord {
    CommentRecord {
        author: author.into(),
        at: "5 Dec 2026 14:02".into(),
        body: body.into(),
        edited: false,
    }
}

fn record() -> Record {
    let pin = ThreadRecord {
        number: 7,
        x: 0.25,
        y: 0.5,
        w: None,
        h: None,
        resolved: false,
        resolution: None,
        comments: vec![
            comment("Ada", "The headline needs more room"),
            comment("Cleo (guest)", "=HYPERLINK(\"http://evil\")\nSecond line"),
        ],
    };
    let area = ThreadRecord {
        number: 8,
        x: 0.6,
        y: 0.2,
        w: Some(0.3),
        h: Some(0.2),
        resolved: true,
        resolution: Some("Resolved by Bob, 6 Dec 2026 09:00".into()),
        comments: vec![comment("Bob", "Logo swapped")],
    };
    Record {
        title: "Acme launch".into(),
        scope: "Board".into(),
        made_at: "7 Dec 2026 18:00 UTC".into(),
        assets: vec![
            AssetRecord {
                title: "Home".into(),
                kind: "Picture".into(),
                status: "Approved".into(),
                pages: vec![PageRecord {
                    version: 2,
                    page: 1,
                    picture: Some(picture(800, 600)),
                    threads: vec![pin, area],
                }],
                decisions: vec![DecisionRecord {
                    version: 2,
                    status: "Approved".into(),
                    who: "Cleo (guest)".into(),
                    at: "6 Dec 2026 10:00".into(),
                }],
            },
            AssetRecord {
                title: "Long page".into(),
                kind: "Website".into(),
                status: "In review".into(),
                // Taller than a page and a half: sliced over pages.
                pages: vec![PageRecord {
                    version: 1,
                    page: 1,
                    picture: Some(picture(400, 4000)),
                    threads: vec![ThreadRecord {
                        number: 1,
                        x: 0.5,
                        y: 0.9,
                        w: None,
                        h: None,
                        resolved: false,
                        resolution: None,
                        comments: vec![comment("Ada", "Footer links")],
                    }],
                }],
                decisions: vec![],
            },
        ],
        share_links: vec![LinkRecord {
            label: "For Cleo".into(),
            role: "commenter".into(),
            created_at: "1 Dec 2026".into(),
            state: "Active".into(),
            guests: vec!["Cleo, 2 Dec 2026 10:00".into()],
        }],
    }
}

/// Collects the text a page shows, glyph by glyph.
#[derive(Default)]
struct Text(String);

impl<'a> Device<'a> for Text {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(
        &mut self,
        _: f32,
        _: Option<SoftMask<'a>>,
        _: hayro::hayro_interpret::BlendMode,
    ) {
    }
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, _: DrawProps<'a>, _: &DrawMode) {
        for g in run.glyphs() {
            match g.as_unicode() {
                Some(hayro::hayro_interpret::hayro_cmap::BfString::Char(c)) => self.0.push(c),
                Some(hayro::hayro_interpret::hayro_cmap::BfString::String(s)) => {
                    self.0.push_str(&s)
                }
                None => self.0.push('?'),
            }
        }
        self.0.push('\n');
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

fn texts(pdf: &Pdf) -> Vec<String> {
    let cache = InterpreterCache::new();
    pdf.pages()
        .iter()
        .map(|page| {
            let b = page.media_box();
            let mut ctx = Context::new(
                Affine::IDENTITY,
                hayro::kurbo::Rect::new(b.x0, b.y0, b.x1, b.y1),
                &cache,
                pdf.xref(),
                InterpreterSettings::default(),
            );
            let mut text = Text::default();
            hayro::hayro_interpret::interpret_page(page, &mut ctx, &mut text);
            text.0
        })
        .collect()
}

#[test]
fn the_pdf_reads_back_with_its_pages_comments_and_pins() {
    let mut told = Vec::new();
    let bytes = pdf(&record(), |done, total| told.push((done, total))).unwrap();
    assert_eq!(told, vec![(1, 2), (2, 2)]);
    let doc = Pdf::new(bytes).expect("a PDF hayro reads");
    let pages = texts(&doc);
    // The cover, Home with its threads, and the long page over 3+ pages.
    assert!(pages.len() >= 5, "{} pages", pages.len());
    let cover = &pages[0];
    for words in [
        "Acme launch",
        "For Cleo",
        "Opened by Cleo",
        "Home",
        "Long page",
    ] {
        assert!(cover.contains(words), "cover lacks {words:?}: {cover}");
    }
    let home = &pages[1];
    for words in [
        "The headline needs more room",
        "=HYPERLINK",
        "Second line",
        "#7 · Open",
        "#8 · Resolved by Bob, 6 Dec 2026 09:00",
        "Logo swapped",
    ] {
        assert!(home.contains(words), "page 2 lacks {words:?}: {home}");
    }
    // The pins' numbers are drawn on the picture.
    assert!(
        home.lines().any(|l| l == "7") && home.lines().any(|l| l == "8"),
        "{home}"
    );
    let all = pages.concat();
    assert!(all.contains("Version 2: Approved by Cleo (guest)"), "{all}");
    assert!(all.contains("Footer links") && all.lines().any(|l| l == "1"));

    // Page 2 rendered: pin 7's blue disc sits a quarter across and half
    // down the picture, which is 511 pt wide from 42 pt in.
    let page = &doc.pages()[1];
    let scale = 2.0;
    let pixmap = render(
        page,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let png = pixmap.into_png().unwrap();
    // To look at it: CRITBOARD_RECORD_DUMP=/tmp cargo test -p critboard-record
    if let Ok(dir) = std::env::var("CRITBOARD_RECORD_DUMP") {
        std::fs::write(
            format!("{dir}/record.pdf"),
            pdf(&record(), |_, _| {}).unwrap(),
        )
        .unwrap();
        std::fs::write(format!("{dir}/record-page-2.png"), &png).unwrap();
    }
    let shown = image::load_from_memory(&png).unwrap().into_rgb8();
    let blue = |p: &image::Rgb<u8>| p[2] > 200 && p[0] < 80 && p[1] < 130;
    let pin_x = (42.0 + 0.25 * 511.28) * scale;
    let near: Vec<(u32, u32)> = shown
        .enumerate_pixels()
        .filter(|(x, _, p)| blue(p) && (*x as f32 - pin_x).abs() < 10.0 * scale)
        .map(|(x, y, _)| (x, y))
        .collect();
    assert!(
        near.len() > 50,
        "no pin pixels near x = {pin_x}: {}",
        near.len()
    );
    // Nowhere else on the left half is blue (the area's frame is on the right).
    let stray = shown
        .enumerate_pixels()
        .filter(|(x, _, p)| blue(p) && (*x as f32) < pin_x - 12.0 * scale)
        .count();
    assert_eq!(stray, 0);
}

#[test]
fn the_csv_has_a_row_per_comment_decision_and_link_and_defuses_formulas() {
    let bytes = csv(&record()).unwrap();
    let mut rows = ::csv::Reader::from_reader(bytes.as_slice());
    let rows: Vec<::csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        kinds,
        [
            "comment",
            "comment",
            "comment",
            "decision",
            "comment",
            "share_link"
        ]
    );
    assert_eq!(&rows[0][1], "Home");
    assert_eq!(&rows[0][4], "7");
    assert_eq!(&rows[0][12], "The headline needs more room");
    // A formula a guest typed stays text, line break and all.
    assert_eq!(&rows[1][12], "'=HYPERLINK(\"http://evil\")\nSecond line");
    assert_eq!(&rows[2][5], "resolved");
    assert_eq!(&rows[2][8], "0.3000");
    assert_eq!(&rows[3][10], "Cleo (guest)");
    assert!(rows[5][13].contains("Cleo, 2 Dec 2026"));
}
