//! The sample board a new workspace may add, to try a review on: two
//! mock pages of a café's website, drawn here (no files shipped), and a
//! first pin that says how Critboard works.

use critboard_domain::discussion::{Mark, MarkColor, MarkKind};

/// The board's name and description.
pub const NAME: &str = "Sample: Café website";
pub const DESCRIPTION: &str =
    "A board to try Critboard on: pin a comment, draw, reply, approve. Delete it whenever you like.";

/// The pages: title, size, and the colour of their hero block.
pub const PAGES: [(&str, u32, u32, [u8; 3]); 2] = [
    ("Home", 1440, 1800, [196, 106, 60]),
    ("Menu", 1440, 1500, [63, 121, 96]),
];

/// The first pin's words and where it points.
pub const FIRST_PIN: (f64, f64) = (0.5, 0.22);
pub const FIRST_COMMENT: &str = "This is a pin: click anywhere on a picture to start a thread like this one, \
     or drag to mark an area. Pick Arrow or Rectangle to draw on it, @mention someone, reply, then resolve. \
     When the page looks right, Approve it above.";

/// The arrow drawn with the first comment, pointing at the hero's button.
pub fn first_marks() -> Vec<Mark> {
    vec![Mark {
        kind: MarkKind::Arrow,
        color: MarkColor::Red,
        points: vec![[0.62, 0.3], [0.53, 0.345]],
    }]
}

/// A mock web page as a PNG: header, hero with a button, three cards, footer.
pub fn page_png(width: u32, height: u32, hero: [u8; 3]) -> Vec<u8> {
    let mut img = image::RgbImage::from_pixel(width, height, image::Rgb([250, 248, 245]));
    let mut fill = |x0: u32, y0: u32, w: u32, h: u32, c: [u8; 3]| {
        for y in y0..(y0 + h).min(height) {
            for x in x0..(x0 + w).min(width) {
                img.put_pixel(x, y, image::Rgb(c));
            }
        }
    };
    let (w, h) = (width, height);
    fill(0, 0, w, 90, [33, 37, 41]); // header
    fill(60, 30, 180, 30, [240, 240, 240]); // logo
    for i in 0..4 {
        fill(w - 640 + i * 150, 38, 110, 14, [180, 180, 180]); // menu links
    }
    fill(0, 90, w, h * 3 / 10, hero); // hero
    fill(w / 2 - 360, 90 + h / 12, 720, 48, [255, 255, 255]); // headline
    fill(w / 2 - 260, 90 + h / 12 + 80, 520, 18, [235, 235, 235]); // subline
    fill(w / 2 - 110, 90 + h / 12 + 140, 220, 56, [33, 37, 41]); // button
    let top = 90 + h * 3 / 10 + 80;
    let card = (w - 4 * 60) / 3;
    for i in 0..3 {
        let x = 60 + i * (card + 60);
        fill(x, top, card, h / 4, [255, 255, 255]);
        fill(x, top, card, h / 8, [222, 214, 204]); // card picture
        fill(x + 30, top + h / 8 + 30, card - 120, 16, [90, 90, 90]);
        fill(x + 30, top + h / 8 + 60, card - 60, 10, [170, 170, 170]);
    }
    fill(0, h - 160, w, 160, [33, 37, 41]); // footer
    let mut out = Vec::new();
    let _ = image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}
