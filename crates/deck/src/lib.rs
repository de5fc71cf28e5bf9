//! PDF decks. A PDF is untrusted input that can cost gigabytes of memory
//! from a few kilobytes (nested compression), so it is never parsed in the
//! server process: `Sandbox` runs the worker (`critboard pdf-worker`, the
//! same binary) under an address-space, CPU, file-size and wall-clock limit
//! without network, and reads what it found from its standard output.
//!
//! The worker first reports the outline (page count and sizes) after
//! decoding every page's content, so bombs and broken files are refused
//! before anything is stored; rendering then writes one PNG per page at
//! viewer size.

mod confine;
pub mod office;
mod sandbox;
pub mod worker;

pub use office::{Converter, Slides};
pub use sandbox::{Limits, Sandbox};
use serde::{Deserialize, Serialize};

pub const CONTENT_TYPE: &str = "application/pdf";

/// Pages are rendered to fit this box (the viewer's size), whatever their
/// size in points: a scale from the page box, never a fixed DPI, so a
/// 14,400 pt MediaBox costs what a slide costs.
pub const RENDER_WIDTH: f32 = 1600.0;
pub const RENDER_HEIGHT: f32 = 4800.0;
/// Pages narrower than 1:40 are refused: nobody reviews a 1-pixel strip.
const MAX_ASPECT: f32 = 40.0;

/// Whether the bytes start like a PDF. Readers accept `%PDF-` anywhere in
/// the first kilobyte; so do we, but not behind markup (a page that a
/// browser would sniff as HTML is no deck).
pub fn sniff(head: &[u8]) -> bool {
    let head = &head[..head.len().min(1024)];
    match head.windows(5).position(|w| w == b"%PDF-") {
        Some(at) => !head[..at].contains(&b'<'),
        None => false,
    }
}

/// A page's size in points (after its rotation), and in pixels once
/// rendered.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageSize {
    pub width_pt: f32,
    pub height_pt: f32,
}

impl PageSize {
    /// The pixel size a page is rendered at.
    pub fn pixels(self) -> (u32, u32) {
        let s = self.scale();
        (
            ((self.width_pt * s).round() as u32).max(1),
            ((self.height_pt * s).round() as u32).max(1),
        )
    }

    pub fn scale(self) -> f32 {
        (RENDER_WIDTH / self.width_pt).min(RENDER_HEIGHT / self.height_pt)
    }

    fn usable(self) -> bool {
        let (w, h) = (self.width_pt, self.height_pt);
        w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0 && w.max(h) / w.min(h) <= MAX_ASPECT
    }
}

/// What the worker finds before rendering.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub pages: Vec<PageSize>,
}

impl Outline {
    /// The checks on page count and sizes, made by the worker and again by
    /// the parent, which trusts nothing a worker says about a file.
    pub fn check(&self, max_pages: usize) -> Result<(), Refusal> {
        match self.pages.len() {
            0 => return Err(Refusal::NoPages),
            n if n > max_pages => {
                return Err(Refusal::TooManyPages {
                    pages: n,
                    max: max_pages,
                })
            }
            _ => {}
        }
        match self.pages.iter().position(|p| !p.usable()) {
            Some(i) => Err(Refusal::BadPageSize { page: i + 1 }),
            None => Ok(()),
        }
    }

    /// The first page's rendered size in pixels.
    pub fn cover_pixels(&self) -> (u32, u32) {
        self.pages.first().map_or((1, 1), |p| p.pixels())
    }
}

/// Why a PDF was refused, in words for the person who uploaded it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    #[error("the file is not a PDF")]
    NotPdf,
    #[error("the PDF is protected by a password; save it without one and upload it again")]
    Encrypted,
    #[error("the PDF is damaged and cannot be read")]
    Damaged,
    #[error("the PDF has no pages")]
    NoPages,
    #[error("the PDF has {pages} pages; the limit is {max}")]
    TooManyPages { pages: usize, max: usize },
    #[error("page {page} has no usable size")]
    BadPageSize { page: usize },
    #[error(
        "the PDF needs more than {mb} MB of memory to open (it may be built to expand without end)"
    )]
    TooMuchMemory { mb: u64 },
    #[error("the PDF took longer than {seconds} s to {stage}")]
    TooSlow { seconds: u64, stage: String },
    #[error("page {page} of the PDF cannot be rendered")]
    Unrenderable { page: usize },
    #[error("{}", office::NO_CONVERTER)]
    NoConverter,
    #[error("the file is not in {kind} format")]
    NotSlides { kind: String },
    #[error(
        "LibreOffice could not convert the slides (they may be damaged, protected by a password, \
         not a presentation, or too large to convert); export them as a PDF and upload that"
    )]
    NotConvertible,
    #[error("LibreOffice took longer than {seconds} s to convert the slides")]
    ConversionTooSlow { seconds: u64 },
}

impl Refusal {
    /// Whether it speaks of a PDF (not of slides or their conversion).
    pub fn is_of_the_pdf(&self) -> bool {
        !matches!(
            self,
            Refusal::NoConverter
                | Refusal::NotSlides { .. }
                | Refusal::NotConvertible
                | Refusal::ConversionTooSlow { .. }
        )
    }
}

/// A failure that is not the file's fault: the job should try again.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("the PDF worker could not run: {0}")]
    Worker(String),
}

/// What the worker writes on standard output, one JSON object a line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Message {
    Outline(Outline),
    /// Page `n` (from 1) is written to `page_file(n)`.
    Page(usize),
    Refused(Refusal),
}

/// The input file's name in the worker's folder.
pub const INPUT: &str = "input.pdf";

/// Where the worker writes page `n` (from 1).
pub fn page_file(n: usize) -> String {
    format!("page-{n:04}.png")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_render_to_the_viewer_box_whatever_their_size_in_points() {
        let slide = PageSize {
            width_pt: 720.0,
            height_pt: 405.0,
        };
        assert_eq!(slide.pixels(), (1600, 900));
        let letter = PageSize {
            width_pt: 612.0,
            height_pt: 792.0,
        };
        assert_eq!(letter.pixels(), (1600, 2071));
        let huge = PageSize {
            width_pt: 14400.0,
            height_pt: 14400.0,
        };
        assert_eq!(huge.pixels(), (1600, 1600));
        let tall = PageSize {
            width_pt: 600.0,
            height_pt: 12000.0,
        };
        assert_eq!(tall.pixels(), (240, 4800));
        assert!(slide.usable() && tall.usable());
        for bad in [
            (0.0, 100.0),
            (f32::NAN, 5.0),
            (10.0, 1000.0),
            (f32::INFINITY, 3.0),
        ] {
            let p = PageSize {
                width_pt: bad.0,
                height_pt: bad.1,
            };
            assert!(!p.usable(), "{bad:?}");
        }
    }

    #[test]
    fn a_pdf_is_known_by_its_header_in_the_first_kilobyte() {
        assert!(sniff(b"%PDF-1.7\n"));
        assert!(sniff(b"\xef\xbb\xbf\r\n%PDF-1.4"));
        assert!(!sniff(b"<html><body>%PDF-1.4</body>"));
        let mut late = vec![b' '; 1100];
        late.extend_from_slice(b"%PDF-1.4");
        assert!(!sniff(&late));
        assert!(!sniff(b"\x89PNG"));
    }
}
