//! Figures for "what changed" (issue 19 §1), three ways:
//! - `diff_bench [height]`: `diff::compare` and `diff::paint` on two
//!   synthetic 1440-wide pages held in memory;
//! - `diff_bench make <screenshots dir> <old.png> <new.png> [height]`: a
//!   realistic pair from real screenshots (tiled to 1440 × height; the new
//!   one with a 400-row section inserted at a third and a box recoloured at
//!   two thirds), written as PNGs as a capture would be;
//! - `diff_bench files <old.png> <new.png>`: the job's whole step on two
//!   files (`diff::compare_files`: decode, compare, encode the difference
//!   PNG), with its time and the process's peak RSS.
//!
//! `scripts/bench/changes.py` runs the last two beside ImageMagick.

use critboard_files::diff::{compare, compare_files, paint, Options, Rgba};
use std::path::Path;
use std::time::Instant;

const WIDTH: u32 = 1440;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("make") if args.len() >= 4 => {
            let height = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(20_000);
            make(
                Path::new(&args[1]),
                Path::new(&args[2]),
                Path::new(&args[3]),
                height,
            );
        }
        Some("files") if args.len() == 3 => files(Path::new(&args[1]), Path::new(&args[2])),
        _ => synthetic(args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000)),
    }
}

fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_default()
}

/// Screenshots scaled to 1440 wide and stacked until `height` rows.
fn tiled(dir: &Path, height: u32) -> image::RgbImage {
    let mut shots: Vec<_> = std::fs::read_dir(dir)
        .expect("screenshots folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "png" || e == "jpg"))
        .collect();
    shots.sort();
    let mut page = image::RgbImage::from_pixel(WIDTH, height, image::Rgb([255, 255, 255]));
    let mut y = 0;
    'fill: loop {
        for p in &shots {
            let shot = image::open(p).expect("a picture").into_rgb8();
            let h = (u64::from(shot.height()) * u64::from(WIDTH) / u64::from(shot.width())) as u32;
            let shot = image::imageops::resize(&shot, WIDTH, h.max(1), image::imageops::Triangle);
            image::imageops::replace(&mut page, &shot, 0, i64::from(y));
            y += shot.height() + 24;
            if y >= height {
                break 'fill;
            }
        }
    }
    page
}

fn make(dir: &Path, old_path: &Path, new_path: &Path, height: u32) {
    let old = tiled(dir, height);
    let band = image::imageops::crop_imm(&tiled(dir, 1200), 0, 800, WIDTH, 400).to_image();
    let cut = height / 3;
    let mut new = image::RgbImage::new(WIDTH, height + 400);
    image::imageops::replace(
        &mut new,
        &image::imageops::crop_imm(&old, 0, 0, WIDTH, cut).to_image(),
        0,
        0,
    );
    image::imageops::replace(&mut new, &band, 0, i64::from(cut));
    let rest = image::imageops::crop_imm(&old, 0, cut, WIDTH, height - cut).to_image();
    image::imageops::replace(&mut new, &rest, 0, i64::from(cut + 400));
    for y in (2 * height / 3)..(2 * height / 3 + 300) {
        for x in 200..900 {
            new.put_pixel(x, y, image::Rgb([250, 30, 30]));
        }
    }
    old.save(old_path).expect("old.png written");
    new.save(new_path).expect("new.png written");
    println!("wrote {WIDTH}x{height} and {WIDTH}x{}", height + 400);
}

fn files(old: &Path, new: &Path) {
    let (a, b) = (
        std::fs::read(old).expect("old"),
        std::fs::read(new).expect("new"),
    );
    let started = Instant::now();
    let (d, png) = compare_files(&a, &b, 100_000_000, Options::default()).expect("compared");
    let took = started.elapsed();
    println!(
        "critboard compare_files: {:.0} ms, peak RSS {}, {} regions, {:.2} % changed, {} removed, difference PNG {} KB",
        took.as_secs_f64() * 1e3,
        peak_rss(),
        d.regions.len(),
        d.changed_percent,
        d.removed.len(),
        png.len() / 1024
    );
    for r in &d.regions {
        println!("  {:?} at {},{} {}x{}", r.kind, r.x, r.y, r.w, r.h);
    }
}

fn synthetic(h: u32) {
    let row = (WIDTH * 4) as usize;
    let mut old = Vec::with_capacity(row * h as usize);
    for y in 0..h {
        for x in 0..WIDTH {
            let v = (x.wrapping_mul(31) ^ y.wrapping_mul(17)) as u8;
            old.extend_from_slice(&[v, v.wrapping_add(40), 255 - v, 255]);
        }
    }
    // The new version: 400 rows inserted at a third, a box recoloured at two thirds.
    let cut = (h / 3) as usize * row;
    let mut new = old[..cut].to_vec();
    new.extend(std::iter::repeat_n([20u8, 120, 200, 255], WIDTH as usize * 400).flatten());
    new.extend_from_slice(&old[cut..]);
    let nh = h + 400;
    for y in (2 * h / 3)..(2 * h / 3 + 300) {
        for x in 200..900 {
            let i = (y * WIDTH + x) as usize * 4;
            new[i..i + 4].copy_from_slice(&[250, 30, 30, 255]);
        }
    }
    let (a, b) = (
        Rgba::new(WIDTH, h, &old).expect("whole picture"),
        Rgba::new(WIDTH, nh, &new).expect("whole picture"),
    );
    let started = Instant::now();
    let d = compare(&a, &b, Options::default());
    let compared = started.elapsed();
    let mut painted_bytes = 0usize;
    let started = Instant::now();
    paint(&a, &b, &d, Options::default(), |row| {
        painted_bytes += row.len()
    });
    let painted = started.elapsed();
    assert_eq!(painted_bytes, (WIDTH * nh * 3) as usize);
    println!(
        "1440x{h} -> 1440x{nh}: compare {:.0} ms, paint {:.0} ms, {} regions, {:.2} % changed, {} removed; peak {}",
        compared.as_secs_f64() * 1e3,
        painted.as_secs_f64() * 1e3,
        d.regions.len(),
        d.changed_percent,
        d.removed.len(),
        peak_rss()
    );
    for r in &d.regions {
        println!("  {:?} at {},{} {}x{}", r.kind, r.x, r.y, r.w, r.h);
    }
}
