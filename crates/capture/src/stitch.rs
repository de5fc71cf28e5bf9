//! Joins screenshot tiles into one PNG, row by row, so that a tall page
//! costs one decoded tile of memory rather than the whole picture.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The growing PNG file; shared so it can be taken back after the
/// encoder (which owns its writer) has finished.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Stitcher {
    out: png::StreamWriter<'static, Sink>,
    sink: Sink,
    width: u32,
    rows_left: u32,
    last: Option<u64>,
    /// Tiles identical to the one before (and not of one colour): the
    /// sign of a browser repeating content past its texture limit.
    pub repeated_tiles: u32,
}

/// Largest decoded tile accepted (a 4096 CSS px tile at 3× is ~200 MB).
const TILE_BYTES: usize = 256 * 1024 * 1024;

impl Stitcher {
    /// A picture `width` × `height` pixels, written as 8-bit RGB.
    pub fn new(width: u32, height: u32) -> Result<Stitcher, String> {
        let sink = Sink::default();
        let mut encoder = png::Encoder::new(sink.clone(), width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let out = encoder
            .write_header()
            .and_then(|w| w.into_stream_writer())
            .map_err(|e| e.to_string())?;
        Ok(Stitcher {
            out,
            sink,
            width,
            rows_left: height,
            last: None,
            repeated_tiles: 0,
        })
    }

    /// Appends `rows` rows from a PNG tile, cropped or padded (white) to
    /// the picture's width and to `rows`.
    pub fn push(&mut self, tile: &[u8], rows: u32) -> Result<(), String> {
        let rows = rows.min(self.rows_left);
        let mut decoder = png::Decoder::new_with_limits(
            std::io::Cursor::new(tile),
            png::Limits { bytes: TILE_BYTES },
        );
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
        let mut buf = vec![0; reader.output_buffer_size().ok_or("tile too large")?];
        let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
        let channels = info.color_type.samples();
        let (tw, th) = (info.width as usize, info.height as usize);
        let width = self.width as usize;
        let mut row = vec![255u8; width * 3];
        let mut hasher = DefaultHasher::new();
        let mut uniform = true;
        let first = buf
            .get(..channels.min(3))
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        for y in 0..rows as usize {
            row.fill(255);
            if y < th {
                let line = &buf[y * info.line_size..y * info.line_size + tw * channels];
                for (x, px) in line.chunks_exact(channels).take(width).enumerate() {
                    let rgb = match channels {
                        1 | 2 => [px[0], px[0], px[0]],
                        _ => [px[0], px[1], px[2]],
                    };
                    row[x * 3..x * 3 + 3].copy_from_slice(&rgb);
                }
            }
            if uniform && row.chunks_exact(3).any(|p| p != first.as_slice()) {
                uniform = false;
            }
            hasher.write(&row);
            self.out.write_all(&row).map_err(|e| e.to_string())?;
        }
        self.rows_left -= rows;
        let hash = hasher.finish();
        if !uniform && self.last == Some(hash) {
            self.repeated_tiles += 1;
        }
        self.last = Some(hash);
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        // A page that shrank between measuring and capturing: pad it.
        let blank = vec![255u8; self.width as usize * 3];
        while self.rows_left > 0 {
            self.out.write_all(&blank).map_err(|e| e.to_string())?;
            self.rows_left -= 1;
        }
        self.out.finish().map_err(|e| e.to_string())?;
        let bytes = self
            .sink
            .0
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .map_err(|_| "poisoned".to_owned())?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(w: u32, h: u32, colour: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        let mut w8 = e.write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                data.extend_from_slice(&colour(x, y));
            }
        }
        w8.write_image_data(&data).unwrap();
        drop(w8);
        out
    }

    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut r = png::Decoder::new(std::io::Cursor::new(png_bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        (info.width, info.height, buf)
    }

    #[test]
    fn tiles_are_joined_in_order_cropped_and_padded() {
        let mut s = Stitcher::new(4, 7).unwrap();
        s.push(&tile(5, 3, |_, _| [255, 0, 0, 255]), 3).unwrap();
        // A tile one pixel short of the width is padded with white.
        s.push(&tile(3, 3, |_, y| [0, 0, y as u8 * 100, 255]), 3)
            .unwrap();
        s.push(&tile(4, 9, |_, _| [0, 255, 0, 255]), 5).unwrap();
        let (w, h, px) = decode(&s.finish().unwrap());
        assert_eq!((w, h), (4, 7));
        let at = |x: usize, y: usize| &px[(y * 4 + x) * 3..(y * 4 + x) * 3 + 3];
        assert_eq!(at(0, 0), [255, 0, 0]);
        assert_eq!(at(0, 5), [0, 0, 200]);
        assert_eq!(at(3, 4), [255, 255, 255]);
        assert_eq!(at(2, 6), [0, 255, 0]);
    }

    #[test]
    fn identical_tiles_with_content_are_flagged_but_blank_ones_are_not() {
        let mut s = Stitcher::new(4, 12).unwrap();
        let blank = tile(4, 3, |_, _| [255, 255, 255, 255]);
        s.push(&blank, 3).unwrap();
        s.push(&blank, 3).unwrap();
        assert_eq!(s.repeated_tiles, 0);
        let striped = tile(4, 3, |x, _| [x as u8 * 60, 0, 0, 255]);
        s.push(&striped, 3).unwrap();
        s.push(&striped, 3).unwrap();
        assert_eq!(s.repeated_tiles, 1);
    }
}
