//! Times `diff::compare` and `diff::paint` on two synthetic 1440-wide
//! pages (a section inserted, a box recoloured), as a first figure for
//! issue 19 §1: `cargo run --release -p critboard-files --example diff_bench [height]`.

use critboard_files::diff::{compare, paint, Options, Rgba};
use std::time::Instant;

fn main() {
    let h: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let w = 1440u32;
    let row = (w * 4) as usize;
    let mut old = Vec::with_capacity(row * h as usize);
    for y in 0..h {
        for x in 0..w {
            let v = (x.wrapping_mul(31) ^ y.wrapping_mul(17)) as u8;
            old.extend_from_slice(&[v, v.wrapping_add(40), 255 - v, 255]);
        }
    }
    // The new version: 400 rows inserted at a third, a box recoloured at two thirds.
    let cut = (h / 3) as usize * row;
    let mut new = old[..cut].to_vec();
    new.extend(std::iter::repeat_n([20u8, 120, 200, 255], w as usize * 400).flatten());
    new.extend_from_slice(&old[cut..]);
    let nh = h + 400;
    for y in (2 * h / 3)..(2 * h / 3 + 300) {
        for x in 200..900 {
            let i = (y * w + x) as usize * 4;
            new[i..i + 4].copy_from_slice(&[250, 30, 30, 255]);
        }
    }
    let (a, b) = (
        Rgba::new(w, h, &old).expect("whole picture"),
        Rgba::new(w, nh, &new).expect("whole picture"),
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
    let rss = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .unwrap_or_default();
    println!(
        "1440x{h} -> 1440x{nh}: compare {:.0} ms, paint {:.0} ms, {} regions, {:.2} % changed, {} removed; peak {rss}",
        compared.as_secs_f64() * 1e3,
        painted.as_secs_f64() * 1e3,
        d.regions.len(),
        d.changed_percent,
        d.removed.len()
    );
    assert_eq!(painted_bytes, (w * nh * 3) as usize);
    for r in &d.regions {
        println!("  {:?} at {},{} {}x{}", r.kind, r.x, r.y, r.w, r.h);
    }
}
