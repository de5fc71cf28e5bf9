//! Decides, from the stored bytes alone, whether an upload is a picture we
//! accept: its real type (whatever its name or declared type), that it is
//! whole, that no markup hides in it, and its dimensions — read from the
//! header, never by decoding the whole image.

use std::io::Cursor;

/// How many bytes from the start of a file `probe` wants: enough for every
/// header, and for JPEG's dimensions behind a large EXIF block.
pub const HEAD_BYTES: u64 = 1 << 20;
/// How many bytes from the end: the trailer of each format.
pub const TAIL_BYTES: u64 = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    WebP,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::WebP => "image/webp",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::Gif, Self::WebP]
            .into_iter()
            .find(|k| k.mime() == mime)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Gif => "gif",
            Self::WebP => "webp",
        }
    }

    fn format(self) -> image::ImageFormat {
        match self {
            Self::Png => image::ImageFormat::Png,
            Self::Jpeg => image::ImageFormat::Jpeg,
            Self::Gif => image::ImageFormat::Gif,
            Self::WebP => image::ImageFormat::WebP,
        }
    }
}

/// Size limits for accepted pictures. Tall page screenshots are normal
/// (1440×20000); decompression bombs are not.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_pixels: u64,
    pub max_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 100_000_000,
            max_side: 32_768,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// Why an upload was refused; the message is shown to the uploader.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    #[error("the file is empty")]
    Empty,
    #[error("not a PNG, JPEG, WebP or GIF picture")]
    NotAnImage,
    #[error("the {0} file is cut short or has data after its end")]
    Damaged(&'static str),
    #[error("the file contains web markup")]
    Markup,
    #[error("the picture is {width}×{height}; the limit is {max_side} px a side and {max_megapixels} megapixels")]
    TooLarge {
        width: u32,
        height: u32,
        max_side: u32,
        max_megapixels: u64,
    },
    #[error("the picture's header cannot be read")]
    Unreadable,
}

/// The type the bytes really are, from their magic numbers.
pub fn sniff(head: &[u8]) -> Option<ImageKind> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(ImageKind::WebP)
    } else {
        None
    }
}

/// Tags that make a file render as a page if a browser ever sniffed it.
const MARKUP: [&[u8]; 7] = [
    b"<html",
    b"<script",
    b"<svg",
    b"<!doctype",
    b"<iframe",
    b"<body",
    b"<object",
];

fn contains_markup(bytes: &[u8]) -> bool {
    let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
    MARKUP
        .iter()
        .any(|tag| lower.windows(tag.len()).any(|w| w == *tag))
}

/// Whether the file ends the way its format requires, with nothing after.
fn ends_properly(kind: ImageKind, head: &[u8], tail: &[u8], size: u64) -> bool {
    match kind {
        ImageKind::Png => {
            tail.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82])
        }
        // Some cameras pad after the end marker with zeros; nothing else.
        ImageKind::Jpeg => {
            let trimmed = tail
                .iter()
                .rposition(|b| *b != 0)
                .map_or(&[][..], |i| &tail[..=i]);
            trimmed.ends_with(&[0xFF, 0xD9])
        }
        ImageKind::Gif => tail.last() == Some(&0x3B),
        // The RIFF header states the file's size (one pad byte allowed).
        ImageKind::WebP => {
            let stated = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]])) + 8;
            stated == size || stated + 1 == size
        }
    }
}

/// Width and height from a PNG's IHDR chunk, which must come first.
fn png_size(head: &[u8]) -> Option<(u32, u32)> {
    if head.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |at: usize| Some(u32::from_be_bytes(head.get(at..at + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

/// Checks an uploaded file from its first [`HEAD_BYTES`] and last
/// [`TAIL_BYTES`] bytes (`size` is the whole file's length).
pub fn probe(head: &[u8], tail: &[u8], size: u64, limits: Limits) -> Result<Probe, Refusal> {
    if size == 0 || head.is_empty() {
        return Err(Refusal::Empty);
    }
    let kind = sniff(head).ok_or(Refusal::NotAnImage)?;
    let scan = &head[..head.len().min(4096)];
    if contains_markup(scan) || contains_markup(tail) {
        return Err(Refusal::Markup);
    }
    if !ends_properly(kind, head, tail, size) {
        return Err(Refusal::Damaged(match kind {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Gif => "GIF",
            ImageKind::WebP => "WebP",
        }));
    }
    let (width, height) = match kind {
        // From the header chunk itself: the PNG codec would first inflate
        // every chunk before the pixels, a colour profile of a gigabyte
        // among them, in the upload request.
        ImageKind::Png => png_size(head).ok_or(Refusal::Unreadable)?,
        _ => image::ImageReader::with_format(Cursor::new(head), kind.format())
            .into_dimensions()
            .map_err(|_| Refusal::Unreadable)?,
    };
    if width == 0 || height == 0 {
        return Err(Refusal::Unreadable);
    }
    let pixels = u64::from(width) * u64::from(height);
    if width > limits.max_side || height > limits.max_side || pixels > limits.max_pixels {
        return Err(Refusal::TooLarge {
            width,
            height,
            max_side: limits.max_side,
            max_megapixels: limits.max_pixels / 1_000_000,
        });
    }
    Ok(Probe {
        kind,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::new(w, h)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn check(bytes: &[u8]) -> Result<Probe, Refusal> {
        let tail = &bytes[bytes.len().saturating_sub(TAIL_BYTES as usize)..];
        probe(bytes, tail, bytes.len() as u64, Limits::default())
    }

    #[test]
    fn a_real_png_is_accepted_with_its_size() {
        let p = check(&png(30, 20)).unwrap();
        assert_eq!((p.kind, p.width, p.height), (ImageKind::Png, 30, 20));
    }

    #[test]
    fn hostile_files_are_refused() {
        assert_eq!(check(&[]), Err(Refusal::Empty));
        assert_eq!(
            check(b"<html><script>alert(1)</script>"),
            Err(Refusal::NotAnImage)
        );
        let mut svg_in_png = png(4, 4);
        svg_in_png.splice(8..8, b"<svg onload=alert(1)>".iter().copied());
        assert_eq!(check(&svg_in_png), Err(Refusal::Markup));
        let mut with_zip = png(4, 4);
        with_zip.extend_from_slice(b"PK\x03\x04 appended archive");
        assert_eq!(check(&with_zip), Err(Refusal::Damaged("PNG")));
        let cut = png(40, 40);
        assert_eq!(check(&cut[..cut.len() - 20]), Err(Refusal::Damaged("PNG")));
    }

    /// A PNG whose header declares `w`×`h` (with a valid checksum) but
    /// carries almost no data: what a decompression bomb looks like.
    fn png_declaring(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&w.to_be_bytes());
        bytes[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    /// A colour profile inflating to 300 MB is not inflated to size a PNG
    /// (the probe runs in the upload request). Peak memory is this test
    /// process's own under nextest.
    #[test]
    fn a_colour_profile_bomb_is_not_inflated_to_size_the_picture() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..300 {
            z.write_all(&[0u8; 1 << 20]).unwrap();
        }
        let mut iccp = b"icc\0\0".to_vec();
        iccp.extend(z.finish().unwrap());
        let plain = png(30, 20);
        let mut chunk = (iccp.len() as u32).to_be_bytes().to_vec();
        chunk.extend_from_slice(b"iCCP");
        chunk.extend_from_slice(&iccp);
        chunk.extend_from_slice(
            &crc32fast::hash(&[b"iCCP".as_slice(), &iccp].concat()).to_be_bytes(),
        );
        let mut bomb = plain[..33].to_vec();
        bomb.extend(chunk);
        bomb.extend_from_slice(&plain[33..]);
        let p = check(&bomb).unwrap();
        assert_eq!((p.width, p.height), (30, 20));
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let peak_kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        assert!(peak_kb < 200 * 1024, "peak {peak_kb} kB");
    }

    #[test]
    fn decompression_bombs_are_refused_from_the_header() {
        let r = check(&png_declaring(50_000, 50_000));
        assert!(
            matches!(
                r,
                Err(Refusal::TooLarge {
                    width: 50_000,
                    height: 50_000,
                    ..
                })
            ),
            "{r:?}"
        );
        let r = check(&png_declaring(40_000, 10));
        assert!(
            matches!(r, Err(Refusal::TooLarge { .. })),
            "over 32,768 px a side: {r:?}"
        );
    }

    #[test]
    fn tall_screenshots_pass_the_limits() {
        let p = check(&png_declaring(1440, 20_000)).unwrap();
        assert_eq!((p.width, p.height), (1440, 20_000));
    }
}
