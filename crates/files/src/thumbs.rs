//! Thumbnails: a grid size for the board and a viewer size for the asset
//! page. Big JPEGs are decoded at 1/2, 1/4 or 1/8 scale straight from the
//! DCT (jpeg-decoder), which is most of what makes photos fast; everything
//! else is decoded with `image` under limits and resized with
//! `fast_image_resize` (SIMD). See docs/adr/005-images.md.
//!
//! Pictures with transparent pixels keep them in the viewer size (a PNG, so
//! the viewer can show a checkerboard or dark backdrop); their grid size is
//! flattened onto a checkerboard. An animated GIF's viewer size is the GIF
//! itself while it is small enough, so it plays.

use crate::probe::{ImageKind, Limits};
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Board grid: this wide, showing at most the top 4:3 of a tall page.
pub const GRID_WIDTH: u32 = 480;
pub const GRID_MAX_HEIGHT: u32 = 640;
/// Asset viewer: at most this wide.
pub const VIEW_WIDTH: u32 = 1600;
const QUALITY: u8 = 82;
/// Animated GIFs up to this size are shown as they are; bigger ones show
/// their first frame, as a phone would choke on them.
pub const ANIMATED_GIF_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// … and whose screen is at most this many pixels (4,000 × 2,000).
pub const ANIMATED_GIF_MAX_PIXELS: u64 = 8_000_000;
/// Side of a checkerboard square in the grid size, in pixels.
const CHECKER: u32 = 8;

#[derive(Debug)]
pub struct Thumb {
    /// "grid" or "view".
    pub size: &'static str,
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
}

impl Thumb {
    /// What the grid size and deck pages always are.
    pub const CONTENT_TYPE: &'static str = "image/jpeg";

    /// The file name extension for this thumbnail's type.
    pub fn extension(&self) -> &'static str {
        extension_of(self.content_type)
    }
}

/// The extension stored thumbnails of this type are named with.
pub fn extension_of(content_type: &str) -> &'static str {
    match content_type {
        "image/png" => "png",
        "image/gif" => "gif",
        _ => "jpg",
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ThumbError(pub String);

fn err(e: impl std::fmt::Display) -> ThumbError {
    ThumbError(e.to_string())
}

/// A picture in memory: RGB, or RGBA when some pixels are transparent.
struct Rgb {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    alpha: bool,
}

impl Rgb {
    /// Multiplies (or divides) the colours by their alpha, in place.
    fn premultiply(&mut self, multiply: bool) -> Result<(), ThumbError> {
        let mut image =
            Image::from_slice_u8(self.width, self.height, &mut self.pixels, PixelType::U8x4)
                .map_err(err)?;
        let mul_div = fast_image_resize::MulDiv::default();
        if multiply {
            mul_div.multiply_alpha_inplace(&mut image).map_err(err)
        } else {
            mul_div.divide_alpha_inplace(&mut image).map_err(err)
        }
    }

    fn pixel_type(&self) -> PixelType {
        if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        }
    }
}

/// Renders the grid and viewer thumbnails of the picture at `path`.
pub fn render(path: &Path, kind: ImageKind, limits: Limits) -> Result<Vec<Thumb>, ThumbError> {
    let mut picture = decode(path, kind, limits, VIEW_WIDTH)?;
    // Transparent pictures are resized premultiplied so clear pixels do not
    // bleed. Done here in place: the resizer would premultiply a copy of the
    // whole picture (838 MB at the peak for 100 MP of RGBA, 457 MB so).
    let premultiplied = picture.alpha && picture.width > VIEW_WIDTH;
    if premultiplied {
        picture.premultiply(true)?;
    }
    let mut view = if picture.width > VIEW_WIDTH {
        let height = scaled(picture.height, VIEW_WIDTH, picture.width);
        resize(
            &picture,
            0,
            picture.height,
            VIEW_WIDTH,
            height,
            premultiplied,
        )?
    } else {
        picture
    };
    // The grid comes from the (smaller) viewer image: top of the page only.
    let grid_width = view.width.min(GRID_WIDTH);
    let crop_height = view
        .height
        .min(scaled(GRID_MAX_HEIGHT, view.width, grid_width).max(1));
    let grid_height = scaled(crop_height, grid_width, view.width).max(1);
    let mut grid = resize(
        &view,
        0,
        crop_height,
        grid_width,
        grid_height,
        premultiplied,
    )?;
    if premultiplied {
        view.premultiply(false)?;
        grid.premultiply(false)?;
    }
    let view = match animated_gif(path, kind)? {
        Some(gif) => gif,
        None => encode("view", &view)?,
    };
    Ok(vec![encode("grid", &grid)?, view])
}

/// The GIF itself when it has more than one frame and is small enough to
/// be shown as it is.
fn animated_gif(path: &Path, kind: ImageKind) -> Result<Option<Thumb>, ThumbError> {
    use image::AnimationDecoder;
    if kind != ImageKind::Gif
        || std::fs::metadata(path).map_err(err)?.len() > ANIMATED_GIF_MAX_BYTES
    {
        return Ok(None);
    }
    let data = std::fs::read(path).map_err(err)?;
    let decoder = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(&data)).map_err(err)?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    // A huge screen is a still: each frame would be composed at full size
    // here and in the viewer's browser (a 100 MP screen of two one-pixel
    // frames took 1.2 GB to check).
    if u64::from(width) * u64::from(height) > ANIMATED_GIF_MAX_PIXELS {
        return Ok(None);
    }
    // The second frame is enough to know; a broken one means a still.
    if decoder.into_frames().take(2).filter(Result::is_ok).count() < 2 {
        return Ok(None);
    }
    Ok(Some(Thumb {
        size: "view",
        data,
        width,
        height,
        content_type: "image/gif",
    }))
}

/// Only the grid thumbnail (what `vipsthumbnail -s 480` makes), for
/// benchmarks and callers that need no viewer size.
pub fn render_grid(path: &Path, kind: ImageKind, limits: Limits) -> Result<Vec<Thumb>, ThumbError> {
    let picture = decode(path, kind, limits, GRID_WIDTH)?;
    let width = picture.width.min(GRID_WIDTH);
    let crop = picture
        .height
        .min(scaled(GRID_MAX_HEIGHT, picture.width, width).max(1));
    let height = scaled(crop, width, picture.width).max(1);
    Ok(vec![encode(
        "grid",
        &resize(&picture, 0, crop, width, height, false)?,
    )?])
}

fn decode(
    path: &Path,
    kind: ImageKind,
    limits: Limits,
    want_width: u32,
) -> Result<Rgb, ThumbError> {
    match kind {
        ImageKind::Jpeg => decode_jpeg_scaled(path, limits, want_width),
        ImageKind::Png => decode_png(path, limits),
        _ => decode_any(path, kind, limits),
    }
}

/// `value * num / den`, rounded, at least 1.
fn scaled(value: u32, num: u32, den: u32) -> u32 {
    ((u64::from(value) * u64::from(num) + u64::from(den) / 2) / u64::from(den.max(1))).max(1) as u32
}

fn resize(
    src: &Rgb,
    top: u32,
    crop_height: u32,
    width: u32,
    height: u32,
    premultiplied: bool,
) -> Result<Rgb, ThumbError> {
    if (width, height) == (src.width, src.height) && top == 0 && crop_height == src.height {
        return Ok(Rgb {
            width,
            height,
            pixels: src.pixels.clone(),
            alpha: src.alpha,
        });
    }
    // Borrowed, not copied: the source may be a 100-megapixel picture.
    // With alpha, either the source is premultiplied already (`render`) or
    // the resizer premultiplies a copy.
    let source =
        ImageRef::new(src.width, src.height, &src.pixels, src.pixel_type()).map_err(err)?;
    let mut target = Image::new(width, height, src.pixel_type());
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom))
        .use_alpha(!premultiplied)
        .crop(
            0.0,
            f64::from(top),
            f64::from(src.width),
            f64::from(crop_height),
        );
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(err)?;
    Ok(Rgb {
        width,
        height,
        pixels: target.into_vec(),
        alpha: src.alpha,
    })
}

/// The viewer size of a transparent picture is a PNG that keeps its alpha;
/// everything else (and every grid size) is a JPEG.
fn encode(size: &'static str, picture: &Rgb) -> Result<Thumb, ThumbError> {
    let mut data = Vec::new();
    let content_type = if picture.alpha && size == "view" {
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new_with_quality(
            &mut data,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(
            &picture.pixels,
            picture.width,
            picture.height,
            image::ExtendedColorType::Rgba8,
        )
        .map_err(err)?;
        "image/png"
    } else {
        let flat;
        let rgb = if picture.alpha {
            flat = on_checkerboard(picture);
            &flat
        } else {
            &picture.pixels
        };
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, QUALITY)
            .encode(
                rgb,
                picture.width,
                picture.height,
                image::ExtendedColorType::Rgb8,
            )
            .map_err(err)?;
        Thumb::CONTENT_TYPE
    };
    Ok(Thumb {
        size,
        data,
        width: picture.width,
        height: picture.height,
        content_type,
    })
}

/// RGBA flattened onto light grey and white squares, the usual sign of
/// transparency, for sizes that are JPEGs.
fn on_checkerboard(picture: &Rgb) -> Vec<u8> {
    let width = picture.width.max(1) as usize;
    let mut out = Vec::with_capacity(picture.pixels.len() / 4 * 3);
    for (i, px) in picture.pixels.chunks_exact(4).enumerate() {
        let (x, y) = ((i % width) as u32, (i / width) as u32);
        let back: u16 = if (x / CHECKER + y / CHECKER).is_multiple_of(2) {
            255
        } else {
            214
        };
        let a = u16::from(px[3]);
        for c in &px[..3] {
            out.push(((u16::from(*c) * a + back * (255 - a) + 127) / 255) as u8);
        }
    }
    out
}

/// Decodes a JPEG at the smallest DCT scale (1/8 … 1) that is still at
/// least `want_width` wide.
fn decode_jpeg_scaled(path: &Path, limits: Limits, want_width: u32) -> Result<Rgb, ThumbError> {
    let file = File::open(path).map_err(err)?;
    let mut decoder = jpeg_decoder::Decoder::new(BufReader::new(file));
    decoder.read_info().map_err(err)?;
    let info = decoder.info().ok_or_else(|| err("no JPEG header"))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    check_limits(w, h, limits)?;
    let want_height = scaled(h, want_width.min(w), w);
    let (sw, sh) = decoder
        .scale(want_width.min(w) as u16, want_height as u16)
        .map_err(err)?;
    let pixels = decoder.decode().map_err(err)?;
    let pixels = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&v| [v, v, v]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels
            .chunks_exact(2)
            .flat_map(|c| [c[0], c[0], c[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|c| {
                let k = u16::from(c[3]);
                [c[0], c[1], c[2]].map(|v| (u16::from(v) * k / 255) as u8)
            })
            .collect(),
    };
    Ok(Rgb {
        width: u32::from(sw),
        height: u32::from(sh),
        pixels,
        alpha: false,
    })
}

fn check_limits(w: u32, h: u32, limits: Limits) -> Result<(), ThumbError> {
    if w > limits.max_side || h > limits.max_side || u64::from(w) * u64::from(h) > limits.max_pixels
    {
        return Err(err(format!("{w}×{h} is over the size limits")));
    }
    Ok(())
}

/// Decodes PNG, GIF (first frame) or WebP under the limits, keeping the
/// alpha channel only when some pixel is not opaque.
/// PNGs through the codec itself, to skip the colour profile and text
/// chunks: both are zlib streams a 1 MB file can inflate to gigabytes, and
/// neither is used (through `image`, a 1 GB iCCP bomb cost 766 MB).
fn decode_png(path: &Path, limits: Limits) -> Result<Rgb, ThumbError> {
    let file = BufReader::new(File::open(path).map_err(err)?);
    // Room for the largest allowed picture as 8-bit RGBA, and no more.
    let bytes = usize::try_from(limits.max_pixels.saturating_mul(4)).unwrap_or(usize::MAX);
    let mut decoder = png::Decoder::new_with_limits(file, png::Limits { bytes });
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_ignore_text_chunk(true);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(err)?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_limits(width, height, limits)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| err("the PNG is too large to decode"))?;
    let mut buf = vec![0u8; size];
    let frame = reader.next_frame(&mut buf).map_err(err)?;
    buf.truncate(frame.buffer_size());
    let rgba = match frame.color_type {
        png::ColorType::Rgb => {
            return Ok(Rgb {
                width,
                height,
                pixels: buf,
                alpha: false,
            })
        }
        png::ColorType::Rgba => buf,
        png::ColorType::Grayscale => {
            let pixels = buf.iter().flat_map(|&v| [v, v, v]).collect();
            return Ok(Rgb {
                width,
                height,
                pixels,
                alpha: false,
            });
        }
        png::ColorType::GrayscaleAlpha => buf
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Indexed => return Err(err("palette left unexpanded")),
    };
    Ok(from_rgba(width, height, rgba))
}

/// Keeps the alpha channel only when some pixel is not opaque.
fn from_rgba(width: u32, height: u32, rgba: Vec<u8>) -> Rgb {
    if rgba.chunks_exact(4).any(|px| px[3] < 255) {
        return Rgb {
            width,
            height,
            pixels: rgba,
            alpha: true,
        };
    }
    let pixels = rgba
        .chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    Rgb {
        width,
        height,
        pixels,
        alpha: false,
    }
}

fn decode_any(path: &Path, kind: ImageKind, limits: Limits) -> Result<Rgb, ThumbError> {
    let mut reader = image::ImageReader::open(path).map_err(err)?;
    reader.set_format(kind_format(kind));
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    // Room for the largest allowed picture at 8 bytes a pixel (16-bit RGBA).
    image_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8));
    reader.limits(image_limits);
    let decoded = reader.decode().map_err(err)?;
    let (width, height) = (decoded.width(), decoded.height());
    check_limits(width, height, limits)?;
    if decoded.color().has_alpha() {
        return Ok(from_rgba(width, height, decoded.into_rgba8().into_raw()));
    }
    Ok(Rgb {
        width,
        height,
        pixels: decoded.into_rgb8().into_raw(),
        alpha: false,
    })
}

fn kind_format(kind: ImageKind) -> image::ImageFormat {
    match kind {
        ImageKind::Png => image::ImageFormat::Png,
        ImageKind::Jpeg => image::ImageFormat::Jpeg,
        ImageKind::Gif => image::ImageFormat::Gif,
        ImageKind::WebP => image::ImageFormat::WebP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(
        dir: &tempfile::TempDir,
        name: &str,
        img: image::DynamicImage,
        fmt: image::ImageFormat,
    ) -> std::path::PathBuf {
        let path = dir.path().join(name);
        img.save_with_format(&path, fmt).unwrap();
        path
    }

    fn gradient(w: u32, h: u32) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        })
    }

    #[test]
    fn photo_gets_grid_and_viewer_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "p.jpg",
            gradient(4000, 3000).into(),
            image::ImageFormat::Jpeg,
        );
        let thumbs = render(&path, ImageKind::Jpeg, Limits::default()).unwrap();
        let view = thumbs.iter().find(|t| t.size == "view").unwrap();
        let grid = thumbs.iter().find(|t| t.size == "grid").unwrap();
        // DCT scaling decodes at 1/2 (2000 wide), then resizes to 1600.
        assert_eq!((view.width, view.height), (1600, 1200));
        assert_eq!((grid.width, grid.height), (480, 360));
        let decoded = image::load_from_memory(&grid.data).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (480, 360));
    }

    #[test]
    fn tall_page_grid_shows_the_top() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "t.png",
            gradient(1440, 6000).into(),
            image::ImageFormat::Png,
        );
        let thumbs = render(&path, ImageKind::Png, Limits::default()).unwrap();
        let grid = thumbs.iter().find(|t| t.size == "grid").unwrap();
        let view = thumbs.iter().find(|t| t.size == "view").unwrap();
        assert_eq!((grid.width, grid.height), (480, 640));
        assert_eq!((view.width, view.height), (1440, 6000), "never upscaled");
    }

    #[test]
    fn transparent_pictures_keep_their_alpha_in_the_viewer() {
        let dir = tempfile::tempdir().unwrap();
        // Left half clear, right half opaque red.
        let logo = image::RgbaImage::from_fn(64, 32, |x, _| {
            if x < 32 {
                image::Rgba([0, 0, 0, 0])
            } else {
                image::Rgba([200, 0, 0, 255])
            }
        });
        let path = write(&dir, "c.png", logo.into(), image::ImageFormat::Png);
        let thumbs = render(&path, ImageKind::Png, Limits::default()).unwrap();
        let view = thumbs.iter().find(|t| t.size == "view").unwrap();
        assert_eq!((view.content_type, view.extension()), ("image/png", "png"));
        let view = image::load_from_memory(&view.data).unwrap().into_rgba8();
        assert_eq!(view.get_pixel(2, 2).0[3], 0, "clear stays clear");
        assert_eq!(view.get_pixel(60, 2).0, [200, 0, 0, 255]);
        // The grid is a JPEG with the clear half on a checkerboard.
        let grid = thumbs.iter().find(|t| t.size == "grid").unwrap();
        assert_eq!(grid.content_type, "image/jpeg");
        let grid = image::load_from_memory(&grid.data).unwrap().into_rgb8();
        let (light, dark) = (grid.get_pixel(3, 3).0[0], grid.get_pixel(11, 3).0[0]);
        assert!(light > 240 && (200..230).contains(&dark), "{light} {dark}");
        assert!(grid.get_pixel(60, 20).0[0] > 150 && grid.get_pixel(60, 20).0[1] < 60);
    }

    #[test]
    fn clear_colour_does_not_bleed_when_scaled_down() {
        let dir = tempfile::tempdir().unwrap();
        // Wider than the viewer: scaled premultiplied, in place. The clear
        // half hides green that must not tint the red edge.
        let wide = image::RgbaImage::from_fn(3200, 40, |x, _| {
            if x < 1600 {
                image::Rgba([0, 255, 0, 0])
            } else {
                image::Rgba([200, 0, 0, 255])
            }
        });
        let path = write(&dir, "w.png", wide.into(), image::ImageFormat::Png);
        let thumbs = render(&path, ImageKind::Png, Limits::default()).unwrap();
        let view = thumbs.iter().find(|t| t.size == "view").unwrap();
        let view = image::load_from_memory(&view.data).unwrap().into_rgba8();
        assert_eq!(view.width(), 1600);
        assert_eq!(view.get_pixel(100, 10).0[3], 0, "clear stays clear");
        assert_eq!(view.get_pixel(1500, 10).0, [200, 0, 0, 255]);
        for x in 798..804 {
            let px = view.get_pixel(x, 10).0;
            assert!(px[3] == 0 || px[1] < 8, "green bled in at {x}: {px:?}");
        }
    }

    #[test]
    fn an_opaque_alpha_channel_makes_a_plain_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        let solid = image::RgbaImage::from_pixel(20, 20, image::Rgba([10, 20, 30, 255]));
        let path = write(&dir, "o.png", solid.into(), image::ImageFormat::Png);
        let thumbs = render(&path, ImageKind::Png, Limits::default()).unwrap();
        assert!(thumbs.iter().all(|t| t.content_type == "image/jpeg"));
    }

    fn gif(dir: &tempfile::TempDir, frames: u8) -> std::path::PathBuf {
        let path = dir.path().join(format!("{frames}.gif"));
        let mut encoder = image::codecs::gif::GifEncoder::new(File::create(&path).unwrap());
        encoder
            .encode_frames((0..frames).map(|i| {
                image::Frame::new(image::RgbaImage::from_pixel(
                    40,
                    30,
                    image::Rgba([i * 60, 0, 0, 255]),
                ))
            }))
            .unwrap();
        drop(encoder);
        path
    }

    #[test]
    fn animated_gifs_play_in_the_viewer() {
        let dir = tempfile::tempdir().unwrap();
        let path = gif(&dir, 3);
        let thumbs = render(&path, ImageKind::Gif, Limits::default()).unwrap();
        let view = thumbs.iter().find(|t| t.size == "view").unwrap();
        assert_eq!(view.content_type, "image/gif");
        assert_eq!(view.data, std::fs::read(&path).unwrap(), "the GIF itself");
        assert_eq!((view.width, view.height), (40, 30));
        let grid = thumbs.iter().find(|t| t.size == "grid").unwrap();
        assert_eq!(grid.content_type, "image/jpeg", "the first frame");
        // One frame: nothing to play, a JPEG like any picture.
        let still = render(&gif(&dir, 1), ImageKind::Gif, Limits::default()).unwrap();
        assert!(still.iter().all(|t| t.content_type == "image/jpeg"));
    }

    #[test]
    fn truncated_files_fail_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "x.png",
            gradient(300, 300).into(),
            image::ImageFormat::Png,
        );
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        assert!(render(&path, ImageKind::Png, Limits::default()).is_err());
    }
}
