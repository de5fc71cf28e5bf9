//! The worker's side: runs in its own process (`critboard pdf-worker`),
//! under the limits `Sandbox` set, and reports on standard output.

use crate::{page_file, sniff, Message, Outline, PageSize, Refusal, INPUT};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::{LoadPdfError, Pdf};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{render, PixmapSettings, RenderCache, RenderSettings};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::ExitCode;

/// `check DIR MAX_PAGES`, `render DIR MAX_PAGES`, `exec DIR PROGRAM ARGS…`
/// (runs a converter confined to DIR), or `bench PDF OUT WIDTH` (renders
/// every page at WIDTH px without limits, for scripts/bench/pdf.py).
pub fn main(args: &[String]) -> ExitCode {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    let outcome = match arg(0) {
        "check" | "render" => match arg(2).parse() {
            Ok(max_pages) => run(Path::new(arg(1)), max_pages, arg(0) == "render"),
            Err(_) => Err("MAX_PAGES must be a number".into()),
        },
        "bench" => bench(Path::new(arg(1)), Path::new(arg(2)), arg(3)),
        "exec" if args.len() > 2 => exec(Path::new(arg(1)), &args[2..]),
        _ => Err(
            "usage: critboard pdf-worker check|render DIR MAX_PAGES | exec DIR PROGRAM ARGS…"
                .into(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pdf-worker: {e}");
            ExitCode::from(2)
        }
    }
}

fn say(message: &Message) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let line = serde_json::to_string(message).map_err(|e| e.to_string())?;
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())
}

fn run(dir: &Path, max_pages: usize, render_pages: bool) -> Result<(), String> {
    // From here on, only its own folder exists for the worker.
    crate::confine::restrict(dir, &[], false)?;
    let data = std::fs::read(dir.join(INPUT)).map_err(|e| format!("cannot read the input: {e}"))?;
    let pdf = match open(data, max_pages) {
        Ok(pdf) => pdf,
        Err(refusal) => return say(&Message::Refused(refusal)),
    };
    let outline = match outline(&pdf) {
        Ok(outline) => outline,
        Err(refusal) => return say(&Message::Refused(refusal)),
    };
    say(&Message::Outline(outline.clone()))?;
    if !render_pages {
        return Ok(());
    }
    let settings = InterpreterSettings::default();
    let cache = RenderCache::new();
    for (i, (page, size)) in pdf.pages().iter().zip(&outline.pages).enumerate() {
        let n = i + 1;
        let s = size.scale();
        let pixmap = catch_unwind(AssertUnwindSafe(|| {
            let look = PixmapSettings {
                x_scale: s,
                y_scale: s,
                bg_color: WHITE,
            };
            render(page, &cache, &settings, &RenderSettings::default(), &look)
        }));
        let Ok(pixmap) = pixmap else {
            return say(&Message::Refused(Refusal::Unrenderable { page: n }));
        };
        let png = pixmap
            .into_png()
            .map_err(|e| format!("page {n} cannot be encoded: {e:?}"))?;
        std::fs::write(dir.join(page_file(n)), png).map_err(|e| format!("page {n}: {e}"))?;
        say(&Message::Page(n))?;
    }
    Ok(())
}

/// Confines itself to `dir` and the system's files, then becomes
/// `program` (LibreOffice), which inherits the confinement.
fn exec(dir: &Path, program: &[String]) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let exe = Path::new(&program[0]);
    crate::confine::restrict(dir, &crate::confine::converter_reads(exe), true)?;
    let e = std::process::Command::new(exe).args(&program[1..]).exec();
    Err(format!("cannot start {}: {e}", exe.display()))
}

fn open(data: Vec<u8>, max_pages: usize) -> Result<Pdf, Refusal> {
    if !sniff(&data) {
        return Err(Refusal::NotPdf);
    }
    let pdf = catch_unwind(|| Pdf::new(data))
        .map_err(|_| Refusal::Damaged)?
        .map_err(|e| match e {
            LoadPdfError::Decryption(_) => Refusal::Encrypted,
            LoadPdfError::Invalid => Refusal::Damaged,
        })?;
    let pages = pdf.pages().len();
    if pages == 0 {
        return Err(Refusal::NoPages);
    }
    if pages > max_pages {
        return Err(Refusal::TooManyPages {
            pages,
            max: max_pages,
        });
    }
    Ok(pdf)
}

/// Every page's size, after decoding its content: a decompression bomb
/// meets the memory limit here, before anything is kept.
fn outline(pdf: &Pdf) -> Result<Outline, Refusal> {
    let mut sizes = Vec::with_capacity(pdf.pages().len());
    for (i, page) in pdf.pages().iter().enumerate() {
        let (width_pt, height_pt) = page.render_dimensions();
        let size = PageSize {
            width_pt,
            height_pt,
        };
        if !size.usable() {
            return Err(Refusal::BadPageSize { page: i + 1 });
        }
        catch_unwind(AssertUnwindSafe(|| page.page_stream().map(<[u8]>::len)))
            .map_err(|_| Refusal::Unrenderable { page: i + 1 })?;
        sizes.push(size);
    }
    Ok(Outline { pages: sizes })
}

fn bench(src: &Path, out: &Path, width: &str) -> Result<(), String> {
    let width: f32 = width.parse().map_err(|_| "WIDTH must be a number")?;
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let data = std::fs::read(src).map_err(|e| e.to_string())?;
    let pdf = Pdf::new(data).map_err(|e| format!("{e:?}"))?;
    let settings = InterpreterSettings::default();
    let cache = RenderCache::new();
    for (i, page) in pdf.pages().iter().enumerate() {
        let s = width / page.render_dimensions().0;
        let look = PixmapSettings {
            x_scale: s,
            y_scale: s,
            bg_color: WHITE,
        };
        let pixmap = render(page, &cache, &settings, &RenderSettings::default(), &look);
        let png = pixmap.into_png().map_err(|e| format!("{e:?}"))?;
        std::fs::write(out.join(format!("p-{:03}.png", i + 1)), png).map_err(|e| e.to_string())?;
    }
    Ok(())
}
