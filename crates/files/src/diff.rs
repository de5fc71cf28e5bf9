//! What changed between two versions of a picture (issue 19 §1).
//!
//! Rows are aligned first: each row is hashed and the two lists of hashes
//! are diffed (patience, with a deadline), so that a section inserted into a
//! long page reads as inserted rows and the page below it as unchanged,
//! not as everything below it shifted. Rows the alignment pairs up, and
//! rows of a replaced span paired in order, are compared pixel by pixel
//! with a perceptual (YIQ) distance; a pixel counts as changed above the
//! threshold, and a cell of the grid (8×8 by default) only when enough of
//! its pixels changed, so anti-aliasing and JPEG noise do not count.
//! Changed cells are grouped into boxes.
//!
//! [`compare_files`] is the job's whole step: decode the two pictures the
//! viewer shows, compare, and encode the difference picture as it is
//! painted. Its memory is the two decoded pictures (RGB where the file is
//! opaque) and a row or two: no third full-size picture.

use similar::{Algorithm, DiffTag};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// A picture as 8-bit RGB or RGBA rows, top to bottom, checked to hold
/// every row (a decoded file is never trusted to).
pub struct Rgba<'a> {
    width: u32,
    height: u32,
    /// Bytes per pixel: 3 (RGB, opaque) or 4 (RGBA).
    channels: usize,
    pixels: &'a [u8],
}

#[derive(Debug, thiserror::Error)]
#[error("{0} bytes do not hold a {1}x{2} picture of {3} channels")]
pub struct SizeError(usize, u32, u32, usize);

impl<'a> Rgba<'a> {
    /// RGBA pixels.
    pub fn new(width: u32, height: u32, pixels: &'a [u8]) -> Result<Self, SizeError> {
        Self::with_channels(width, height, 4, pixels)
    }

    /// RGB pixels (opaque), as JPEGs decode: a third less memory than RGBA.
    pub fn rgb(width: u32, height: u32, pixels: &'a [u8]) -> Result<Self, SizeError> {
        Self::with_channels(width, height, 3, pixels)
    }

    fn with_channels(
        width: u32,
        height: u32,
        channels: usize,
        pixels: &'a [u8],
    ) -> Result<Self, SizeError> {
        let want = (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(channels));
        if want != Some(pixels.len()) {
            return Err(SizeError(pixels.len(), width, height, channels));
        }
        Ok(Rgba {
            width,
            height,
            channels,
            pixels,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    fn row(&self, y: u32) -> &[u8] {
        let w = self.width as usize * self.channels;
        &self.pixels[y as usize * w..(y as usize + 1) * w]
    }

    /// Pixel `x` of a row as RGBA.
    fn at(&self, row: &[u8], x: u32) -> [u8; 4] {
        let i = x as usize * self.channels;
        match self.channels {
            4 => [row[i], row[i + 1], row[i + 2], row[i + 3]],
            _ => [row[i], row[i + 1], row[i + 2], 255],
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// 0..1: how different two pixels must look to count (0.1 is what a
    /// person notices; anti-aliased edges stay under it).
    pub threshold: f32,
    /// The side of a grid cell, in pixels.
    pub cell: u32,
    /// Changed pixels a cell needs to count as changed.
    pub min_cell_pixels: u32,
    /// How long aligning rows may take before falling back to pairing
    /// them in order.
    pub align_deadline: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: 0.1,
            cell: 8,
            min_cell_pixels: 3,
            align_deadline: Duration::from_secs(2),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// Pixels that differ from the old version's.
    Changed,
    /// Rows the old version did not have.
    Inserted,
}

/// A box on the new version, in its pixels.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub kind: RegionKind,
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// Rows of the old version that the new one no longer has, and where
/// they were: above row `y` of the new version.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    pub y: u32,
    pub rows: u32,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Difference {
    pub width: u32,
    pub height: u32,
    /// Pixels of the new version in changed cells or inserted rows.
    pub changed_pixels: u64,
    /// `changed_pixels` as a percentage of the new version's pixels.
    pub changed_percent: f64,
    pub regions: Vec<Region>,
    pub removed: Vec<Removed>,
}

/// The largest YIQ distance between two pixels (black and white).
const MAX_DELTA: f32 = 35215.0;

/// Compares `old` with `new`; regions are on `new`.
pub fn compare(old: &Rgba<'_>, new: &Rgba<'_>, opts: Options) -> Difference {
    let cell = opts.cell.max(1);
    let cols = new.width.div_ceil(cell) as usize;
    let rows = new.height.div_ceil(cell) as usize;
    // Changed pixels per cell, and cells of inserted rows.
    let mut counts = vec![0u32; cols * rows];
    let mut inserted = vec![false; rows];
    let mut inserted_rows: u64 = 0;
    let mut removed = Vec::new();
    let limit = MAX_DELTA * opts.threshold * opts.threshold;
    // Rows hash alike only in the same layout.
    let same_width = old.width == new.width && old.channels == new.channels;

    let compare_rows = |oy: u32, ny: u32, counts: &mut [u32]| {
        let (a, b) = (old.row(oy), new.row(ny));
        let base = (ny / cell) as usize * cols;
        for x in 0..new.width {
            let changed = if x < old.width {
                let (p, q) = (old.at(a, x), new.at(b, x));
                p != q && delta(&p, &q) > limit
            } else {
                true
            };
            if changed {
                counts[base + (x / cell) as usize] += 1;
            }
        }
    };
    let mut insert = |from: u32, to: u32, inserted: &mut [bool]| {
        for y in from..to {
            inserted[(y / cell) as usize] = true;
        }
        inserted_rows += u64::from(to - from);
    };

    let old_hashes: Vec<u64> = (0..old.height).map(|y| row_hash(old.row(y))).collect();
    let new_hashes: Vec<u64> = (0..new.height).map(|y| row_hash(new.row(y))).collect();
    let ops = if same_width {
        let deadline = Instant::now() + opts.align_deadline;
        similar::capture_diff_slices_deadline(
            Algorithm::Patience,
            &old_hashes,
            &new_hashes,
            Some(deadline),
        )
    } else {
        Vec::new()
    };
    if ops.is_empty() && (old.height > 0 || new.height > 0) {
        // Different widths (or nothing aligned): rows in order.
        let both = old.height.min(new.height);
        for y in 0..both {
            compare_rows(y, y, &mut counts);
        }
        insert(both, new.height, &mut inserted);
        if old.height > both {
            removed.push(Removed {
                y: new.height,
                rows: old.height - both,
            });
        }
    }
    for op in &ops {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {}
            DiffTag::Delete => removed.push(Removed {
                y: n.start as u32,
                rows: o.len() as u32,
            }),
            DiffTag::Insert => insert(n.start as u32, n.end as u32, &mut inserted),
            DiffTag::Replace => {
                let both = o.len().min(n.len());
                for k in 0..both {
                    compare_rows((o.start + k) as u32, (n.start + k) as u32, &mut counts);
                }
                insert((n.start + both) as u32, n.end as u32, &mut inserted);
                if o.len() > both {
                    removed.push(Removed {
                        y: (n.start + both) as u32,
                        rows: (o.len() - both) as u32,
                    });
                }
            }
        }
    }

    let mut changed = vec![false; cols * rows];
    let mut changed_pixels = inserted_rows * u64::from(new.width);
    for (i, &c) in counts.iter().enumerate() {
        if c >= opts.min_cell_pixels && !inserted[i / cols] {
            changed[i] = true;
            changed_pixels += u64::from(c);
        }
    }
    let mut regions = boxes(&changed, cols, rows, cell, new, RegionKind::Changed);
    regions.extend(bands(&inserted, cell, new));
    regions.sort_by_key(|r| (r.y, r.x));
    let total = u64::from(new.width) * u64::from(new.height);
    Difference {
        width: new.width,
        height: new.height,
        changed_pixels,
        changed_percent: if total == 0 {
            0.0
        } else {
            changed_pixels as f64 * 100.0 / total as f64
        },
        regions,
        removed,
    }
}

/// The difference picture: the new version faded to a third of its
/// contrast, with the pixels that changed (inside changed regions) and the
/// inserted rows in full colour under a red tint, so the eye finds them.
/// Handed to `row` one RGB row at a time (the new version's size), so it
/// can be encoded as it is made instead of held whole.
pub fn paint(
    old: &Rgba<'_>,
    new: &Rgba<'_>,
    d: &Difference,
    opts: Options,
    mut row: impl FnMut(&[u8]),
) {
    let limit = MAX_DELTA * opts.threshold * opts.threshold;
    let mut out = Vec::with_capacity(new.width as usize * 3);
    for y in 0..new.height {
        out.clear();
        let regions: Vec<&Region> = d
            .regions
            .iter()
            .filter(|r| y >= r.y && y < r.y + r.h)
            .collect();
        let b = new.row(y);
        // Regions are on the new version; the old row compared is the same
        // row when the heights agree (else the tint marks the whole region).
        let a = (old.width == new.width && y < old.height).then(|| old.row(y));
        for x in 0..new.width {
            let px = new.at(b, x);
            let hit = regions.iter().find(|r| x >= r.x && x < r.x + r.w);
            let strong = match (hit, a) {
                (Some(r), _) if r.kind == RegionKind::Inserted => true,
                (Some(_), Some(a)) => delta(&old.at(a, x), &px) > limit,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if strong {
                out.extend_from_slice(&[px[0] / 2 + 127, px[1] / 3, px[2] / 3]);
            } else {
                let fade = |v: u8| 170 + v / 3;
                out.extend_from_slice(&[fade(px[0]), fade(px[1]), fade(px[2])]);
            }
        }
        row(&out);
    }
}

fn row_hash(row: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    row.hash(&mut h);
    h.finish()
}

/// The perceived distance of two RGBA pixels (each blended on white), as
/// the YIQ difference that pixelmatch and others use.
fn delta(a: &[u8; 4], b: &[u8; 4]) -> f32 {
    let blend = |p: &[u8; 4]| {
        let alpha = f32::from(p[3]) / 255.0;
        let c = |v: u8| 255.0 + (f32::from(v) - 255.0) * alpha;
        (c(p[0]), c(p[1]), c(p[2]))
    };
    let (r1, g1, b1) = blend(a);
    let (r2, g2, b2) = blend(b);
    let y = |r: f32, g: f32, b: f32| r * 0.298_895_3 + g * 0.586_622_5 + b * 0.114_482_2;
    let i = |r: f32, g: f32, b: f32| r * 0.595_978 - g * 0.274_176_2 - b * 0.321_801_8;
    let q = |r: f32, g: f32, b: f32| r * 0.211_470_2 - g * 0.522_617_2 + b * 0.311_147;
    let dy = y(r1, g1, b1) - y(r2, g2, b2);
    let di = i(r1, g1, b1) - i(r2, g2, b2);
    let dq = q(r1, g1, b1) - q(r2, g2, b2);
    0.5053 * dy * dy + 0.299 * di * di + 0.1957 * dq * dq
}

/// Boxes around groups of changed cells; cells a cell apart join one group
/// (a word changed letter by letter is one box, not ten).
fn boxes(
    changed: &[bool],
    cols: usize,
    rows: usize,
    cell: u32,
    new: &Rgba<'_>,
    kind: RegionKind,
) -> Vec<Region> {
    let mut seen = vec![false; changed.len()];
    let mut out = Vec::new();
    let mut stack = Vec::new();
    for start in 0..changed.len() {
        if !changed[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        while let Some(i) = stack.pop() {
            let (cx, cy) = (i % cols, i / cols);
            (x0, y0, x1, y1) = (x0.min(cx), y0.min(cy), x1.max(cx), y1.max(cy));
            for ny in cy.saturating_sub(2)..(cy + 3).min(rows) {
                for nx in cx.saturating_sub(2)..(cx + 3).min(cols) {
                    let j = ny * cols + nx;
                    if changed[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let x = x0 as u32 * cell;
        let y = y0 as u32 * cell;
        out.push(Region {
            kind,
            x,
            y,
            w: ((x1 as u32 + 1) * cell).min(new.width) - x,
            h: ((y1 as u32 + 1) * cell).min(new.height) - y,
        });
    }
    out
}

/// Full-width boxes over runs of inserted cell rows.
fn bands(inserted: &[bool], cell: u32, new: &Rgba<'_>) -> Vec<Region> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &on) in inserted.iter().chain(std::iter::once(&false)).enumerate() {
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let y = s as u32 * cell;
                out.push(Region {
                    kind: RegionKind::Inserted,
                    x: 0,
                    y,
                    w: new.width,
                    h: (i as u32 * cell).min(new.height) - y,
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("the {0} picture cannot be read: {1}")]
    Decode(&'static str, String),
    #[error("the {0} picture is {1}x{2}, more pixels than may be compared")]
    TooLarge(&'static str, u32, u32),
    #[error("the difference picture cannot be written: {0}")]
    Encode(String),
}

/// Decodes `old` and `new` (PNG, JPEG, WebP, GIF), compares them, and
/// encodes the difference picture as an RGB PNG while painting it.
pub fn compare_files(
    old: &[u8],
    new: &[u8],
    max_pixels: u64,
    opts: Options,
) -> Result<(Difference, Vec<u8>), CompareError> {
    let old_px = decode("older", old, max_pixels)?;
    let new_px = decode("newer", new, max_pixels)?;
    let (a, b) = (old_px.view("older")?, new_px.view("newer")?);
    let d = compare(&a, &b, opts);
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, b.width, b.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let enc = |e: png::EncodingError| CompareError::Encode(e.to_string());
    let mut writer = encoder.write_header().map_err(enc)?;
    let mut out = writer.stream_writer().map_err(enc)?;
    let mut failed = None;
    paint(&a, &b, &d, opts, |row| {
        if failed.is_none() {
            failed = std::io::Write::write_all(&mut out, row).err();
        }
    });
    if let Some(e) = failed {
        return Err(CompareError::Encode(e.to_string()));
    }
    out.finish().map_err(enc)?;
    writer.finish().map_err(enc)?;
    Ok((d, png))
}

/// A decoded picture: RGB when opaque, else RGBA.
struct Decoded {
    width: u32,
    height: u32,
    rgb: bool,
    pixels: Vec<u8>,
}

impl Decoded {
    fn view(&self, which: &'static str) -> Result<Rgba<'_>, CompareError> {
        let made = if self.rgb {
            Rgba::rgb(self.width, self.height, &self.pixels)
        } else {
            Rgba::new(self.width, self.height, &self.pixels)
        };
        made.map_err(|e| CompareError::Decode(which, e.to_string()))
    }
}

fn decode(which: &'static str, bytes: &[u8], max_pixels: u64) -> Result<Decoded, CompareError> {
    use image::{DynamicImage, ImageDecoder};
    let bad = |e: image::ImageError| CompareError::Decode(which, e.to_string());
    let decoder = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| CompareError::Decode(which, e.to_string()))?
        .into_decoder()
        .map_err(bad)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(CompareError::TooLarge(which, width, height));
    }
    let (rgb, pixels) = match DynamicImage::from_decoder(decoder).map_err(bad)? {
        DynamicImage::ImageRgb8(p) => (true, p.into_raw()),
        DynamicImage::ImageRgba8(p) => (false, p.into_raw()),
        other if other.color().has_alpha() => (false, other.into_rgba8().into_raw()),
        other => (true, other.into_rgb8().into_raw()),
    };
    Ok(Decoded {
        width,
        height,
        rgb,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page whose every row differs from the others (as text and
    /// pictures make real pages), `w` wide and `h` tall.
    fn page(w: u32, h: u32, seed: u32) -> Vec<u8> {
        let mut px = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            for x in 0..w {
                let v = (x.wrapping_mul(31) ^ y.wrapping_mul(17).wrapping_add(seed)) as u8;
                px.extend_from_slice(&[v, v.wrapping_add(40), 255 - v, 255]);
            }
        }
        px
    }

    fn rgba(w: u32, h: u32, px: &[u8]) -> Rgba<'_> {
        Rgba::new(w, h, px).unwrap()
    }

    fn paint(px: &mut [u8], w: u32, (x0, y0, x1, y1): (u32, u32, u32, u32), color: [u8; 4]) {
        for y in y0..y1 {
            for x in x0..x1 {
                let i = ((y * w + x) * 4) as usize;
                px[i..i + 4].copy_from_slice(&color);
            }
        }
    }

    #[test]
    fn the_same_picture_has_no_changes() {
        let a = page(300, 400, 1);
        let d = compare(&rgba(300, 400, &a), &rgba(300, 400, &a), Options::default());
        assert_eq!(d.changed_pixels, 0);
        assert!(d.regions.is_empty() && d.removed.is_empty());
    }

    #[test]
    fn a_changed_box_is_one_region_around_it() {
        let a = page(400, 600, 1);
        let mut b = a.clone();
        paint(&mut b, 400, (100, 200, 140, 230), [255, 0, 0, 255]);
        let d = compare(&rgba(400, 600, &a), &rgba(400, 600, &b), Options::default());
        assert_eq!(d.regions.len(), 1, "{:?}", d.regions);
        let r = &d.regions[0];
        assert_eq!(r.kind, RegionKind::Changed);
        assert!(r.x <= 100 && r.y <= 200 && r.x + r.w >= 140 && r.y + r.h >= 230);
        assert!(r.w <= 56 && r.h <= 48, "tight around the box: {r:?}");
        assert!(
            d.changed_percent > 0.4 && d.changed_percent < 1.2,
            "{}",
            d.changed_percent
        );
    }

    #[test]
    fn an_inserted_section_is_inserted_not_everything_below_it() {
        let (w, h) = (200, 600);
        let a = page(w, h, 1);
        let band = page(w, 120, 999);
        let row = (w * 4) as usize;
        let mut b = a[..300 * row].to_vec();
        b.extend_from_slice(&band);
        b.extend_from_slice(&a[300 * row..]);
        let d = compare(&rgba(w, h, &a), &rgba(w, h + 120, &b), Options::default());
        assert_eq!(d.regions.len(), 1, "{:?}", d.regions);
        let r = &d.regions[0];
        assert_eq!(r.kind, RegionKind::Inserted);
        assert!(r.y <= 300 && r.y + r.h >= 420 && r.h <= 136, "{r:?}");
        assert!(d.changed_percent < 20.0, "{}", d.changed_percent);
        // And the other way round: the section is gone, the rest unchanged.
        let back = compare(&rgba(w, h + 120, &b), &rgba(w, h, &a), Options::default());
        assert!(back.regions.is_empty(), "{:?}", back.regions);
        assert_eq!(back.removed, vec![Removed { y: 300, rows: 120 }]);
    }

    #[test]
    fn noise_and_a_stray_pixel_do_not_count() {
        let (w, h) = (200, 200);
        let a = page(w, h, 1);
        // JPEG-like noise: every channel moved by up to 3.
        let b: Vec<u8> = a
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if i % 4 == 3 {
                    v
                } else {
                    v.saturating_add((i % 7) as u8 / 2)
                }
            })
            .collect();
        let d = compare(&rgba(w, h, &a), &rgba(w, h, &b), Options::default());
        assert!(d.regions.is_empty(), "{:?}", d.regions);
        let mut c = a.clone();
        paint(&mut c, w, (50, 50, 51, 51), [0, 0, 0, 255]);
        let one = compare(&rgba(w, h, &a), &rgba(w, h, &c), Options::default());
        assert!(one.regions.is_empty(), "{:?}", one.regions);
    }

    #[test]
    fn the_difference_picture_marks_what_changed_and_fades_the_rest() {
        let (w, h) = (100, 100);
        let a = page(w, h, 1);
        let mut b = a.clone();
        paint(&mut b, w, (40, 40, 60, 60), [0, 0, 255, 255]);
        let d = compare(&rgba(w, h, &a), &rgba(w, h, &b), Options::default());
        let mut out = Vec::new();
        let mut rows = 0;
        super::paint(
            &rgba(w, h, &a),
            &rgba(w, h, &b),
            &d,
            Options::default(),
            |row| {
                assert_eq!(row.len(), w as usize * 3);
                rows += 1;
                out.extend_from_slice(row);
            },
        );
        assert_eq!(rows, h);
        let at = |x: u32, y: u32| &out[((y * w + x) * 3) as usize..((y * w + x) * 3 + 3) as usize];
        // Changed: red above the other channels; unchanged: faded (light).
        let hit = at(50, 50);
        assert!(hit[0] > hit[1] && hit[0] > hit[2], "{hit:?}");
        let calm = at(5, 5);
        assert!(calm.iter().all(|&v| v >= 170), "{calm:?}");
    }

    #[test]
    fn rgb_and_rgba_of_one_picture_compare_alike() {
        let (w, h) = (160, 160);
        let a = page(w, h, 1);
        let mut b = a.clone();
        paint(&mut b, w, (20, 20, 60, 40), [0, 200, 0, 255]);
        let three = |px: &[u8]| -> Vec<u8> {
            px.chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect()
        };
        let (a3, b3) = (three(&a), three(&b));
        let four = compare(&rgba(w, h, &a), &rgba(w, h, &b), Options::default());
        let rgb = |px| Rgba::rgb(w, h, px).unwrap();
        let same = compare(&rgb(&a3), &rgb(&b3), Options::default());
        assert_eq!(four, same);
        assert_eq!(four.regions.len(), 1);
        // Mixed layouts (an opaque JPEG against a PNG) still compare by pixel.
        let mixed = compare(&rgba(w, h, &a), &rgb(&b3), Options::default());
        assert_eq!(mixed.regions, four.regions);
    }

    #[test]
    fn a_buffer_that_does_not_hold_the_picture_is_refused() {
        let a = page(10, 10, 1);
        assert!(Rgba::new(10, 11, &a).is_err());
        assert!(Rgba::new(10, 9, &a).is_err());
        assert!(Rgba::rgb(10, 10, &a).is_err());
        assert!(Rgba::new(u32::MAX, u32::MAX, &a).is_err());
        assert!(Rgba::new(10, 10, &a).is_ok());
    }

    #[test]
    fn different_widths_compare_in_order() {
        let a = page(100, 100, 1);
        let b = page(120, 100, 1);
        let d = compare(&rgba(100, 100, &a), &rgba(120, 100, &b), Options::default());
        assert!(!d.regions.is_empty());
        assert!(d
            .regions
            .iter()
            .all(|r| r.x + r.w <= 120 && r.y + r.h <= 100));
    }

    fn encoded(w: u32, h: u32, px: &[u8], format: image::ImageFormat) -> Vec<u8> {
        let rgb: Vec<u8> = px
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let picture = image::RgbImage::from_raw(w, h, rgb).unwrap();
        let mut out = std::io::Cursor::new(Vec::new());
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn files_compare_through_their_decoders_and_give_a_difference_png() {
        let (w, h) = (240, 320);
        let a = page(w, h, 1);
        let mut b = a.clone();
        paint(&mut b, w, (100, 150, 180, 190), [250, 250, 20, 255]);
        let old = encoded(w, h, &a, image::ImageFormat::Png);
        let new = encoded(w, h, &b, image::ImageFormat::Png);
        let (d, png) = compare_files(&old, &new, 1_000_000, Options::default()).unwrap();
        assert_eq!(d.regions.len(), 1, "{:?}", d.regions);
        let r = &d.regions[0];
        assert!(
            r.x <= 100 && r.x + r.w >= 180 && r.y <= 150 && r.y + r.h >= 190,
            "{r:?}"
        );
        assert!(r.w < 120 && r.h < 80, "{r:?}");
        let back = image::load_from_memory(&png).unwrap().into_rgb8();
        assert_eq!(back.dimensions(), (w, h));
        let hit = back.get_pixel(140, 170);
        assert!(hit[0] > hit[1] && hit[0] > hit[2], "{hit:?}");

        assert!(matches!(
            compare_files(&old, &new, 1000, Options::default()),
            Err(CompareError::TooLarge("older", 240, 320))
        ));
        assert!(matches!(
            compare_files(&old, b"not a picture", 1_000_000, Options::default()),
            Err(CompareError::Decode("newer", _))
        ));
    }
}
