//! Benchmark helper for `scripts/bench/images.py`.
//!
//!   thumbnail generate <dir>          writes photo-4000x3000.jpg, page-1440x20000.png
//!                                     and a ~50 MB photo-8000x6000-50mb.jpg
//!   thumbnail render <file> [grid]    renders the thumbnails (or only the grid
//!                                     size, like `vipsthumbnail -s 480`) and
//!                                     prints milliseconds and peak RSS in MB

use critboard_files::probe::{sniff, Limits};
use critboard_files::thumbs;
use std::io::Read;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => generate(std::path::Path::new(&args[2])),
        Some("render") => render(&args[2], args.get(3).is_some_and(|a| a == "grid")),
        _ => eprintln!("usage: thumbnail generate <dir> | render <file> [grid]"),
    }
}

/// A photo-like 4000×3000 JPEG and a page-like 1440×20000 PNG, the same
/// bytes on every run.
fn generate(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    let photo = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let r = 128.0 + 100.0 * (fx / 97.0).sin() * (fy / 131.0).cos();
        let g = 128.0 + 90.0 * ((fx + fy) / 211.0).sin();
        let b = ((x * 7 + y * 13) % 256) as f32 * 0.3 + 60.0;
        image::Rgb([r as u8, g as u8, b as u8])
    });
    photo.save(dir.join("photo-4000x3000.jpg")).unwrap();
    let page = image::RgbImage::from_fn(1440, 20000, |x, y| {
        let block = (y / 400) % 5;
        let text = (y % 24 < 14) && (x % 9 < 6) && x > 120 && x < 1320 && (y / 24) % 7 != 0;
        if text {
            image::Rgb([40, 40, 48])
        } else {
            match block {
                0 => image::Rgb([255, 255, 255]),
                1 => image::Rgb([245, 247, 250]),
                2 => image::Rgb([(x / 6) as u8, 120, 200]),
                3 => image::Rgb([250, 250, 245]),
                _ => image::Rgb([230, 236, 255]),
            }
        }
    });
    page.save(dir.join("page-1440x20000.png")).unwrap();
    // A big, noisy photo: about 50 MB as a high-quality JPEG.
    let mut seed: u32 = 7;
    let noisy = image::RgbImage::from_fn(8000, 6000, |x, y| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let n = (seed >> 24) as f32;
        let base = 100.0 + 80.0 * ((x as f32) / 300.0).sin() * ((y as f32) / 200.0).cos();
        image::Rgb([
            (base + n * 0.35) as u8,
            (60.0 + n * 0.4) as u8,
            (255.0 - base * 0.5 + n * 0.15) as u8,
        ])
    });
    let file = std::fs::File::create(dir.join("photo-8000x6000-50mb.jpg")).unwrap();
    image::codecs::jpeg::JpegEncoder::new_with_quality(std::io::BufWriter::new(file), 94)
        .encode_image(&noisy)
        .unwrap();
}

fn render(path: &str, grid_only: bool) {
    let mut head = vec![0u8; 16];
    std::fs::File::open(path)
        .unwrap()
        .read_exact(&mut head)
        .unwrap();
    let kind = sniff(&head).expect("a picture");
    let started = Instant::now();
    let out = if grid_only {
        thumbs::render_grid(std::path::Path::new(path), kind, Limits::default())
    } else {
        thumbs::render(std::path::Path::new(path), kind, Limits::default())
    }
    .unwrap();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let sizes: Vec<String> = out
        .iter()
        .map(|t| format!("{}={}x{}", t.size, t.width, t.height))
        .collect();
    println!(
        "{ms:.1} ms, peak RSS {} MB, {}",
        peak_kb / 1024,
        sizes.join(" ")
    );
}
