//! The review record (issue 19 §3): what a board's (or one asset's) review
//! came to, to hand to a client. Every picture or page with its numbered
//! pins and areas drawn on it, every thread with its comments, authors,
//! times and resolution, the decisions (who approved which version when),
//! and the share links with the guests who used them. [`pdf`] lays it out
//! on A4 pages; [`csv()`] gives one row per comment, decision and link.
//!
//! The server gathers a [`Record`] (dates already in words); nothing here
//! reads the database or the network.

mod layout;
mod pdf;
mod table;

pub use pdf::pdf;
pub use table::csv;

pub struct Record {
    /// The board's name (and the asset's title for one asset).
    pub title: String,
    /// "Board" or "Picture": what was exported.
    pub scope: String,
    /// When the record was made, in words.
    pub made_at: String,
    pub assets: Vec<AssetRecord>,
    pub share_links: Vec<LinkRecord>,
}

pub struct AssetRecord {
    pub title: String,
    /// "Picture", "Website" or "Deck".
    pub kind: String,
    /// The current review status, in words.
    pub status: String,
    /// Each version's pictures (a deck's pages) that have threads, and the
    /// current version's in any case; newest version first.
    pub pages: Vec<PageRecord>,
    /// Every decision, oldest first.
    pub decisions: Vec<DecisionRecord>,
}

pub struct PageRecord {
    pub version: i32,
    /// 1 for pictures; a deck's page.
    pub page: i32,
    /// What the viewer shows (JPEG or PNG); `None` if it could not be read.
    pub picture: Option<Picture>,
    pub threads: Vec<ThreadRecord>,
}

pub struct Picture {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub struct ThreadRecord {
    pub number: i32,
    /// Where it is, as fractions of the picture (an area has `w` and `h`).
    pub x: f64,
    pub y: f64,
    pub w: Option<f64>,
    pub h: Option<f64>,
    pub resolved: bool,
    /// "Resolved by Ada, 5 Dec 2026 14:02".
    pub resolution: Option<String>,
    pub comments: Vec<CommentRecord>,
}

pub struct CommentRecord {
    pub author: String,
    pub at: String,
    pub body: String,
    pub edited: bool,
}

pub struct DecisionRecord {
    pub version: i32,
    pub status: String,
    /// "Cleo (guest)".
    pub who: String,
    pub at: String,
}

pub struct LinkRecord {
    pub label: String,
    pub role: String,
    pub created_at: String,
    /// "Revoked 3 Dec 2026", "Expires …", or "Active".
    pub state: String,
    /// Who opened it, with when: "Cleo, 2 Dec 2026 10:00".
    pub guests: Vec<String>,
}

impl Record {
    /// Pictures to lay out: a progress total.
    pub fn pages(&self) -> usize {
        self.assets.iter().map(|a| a.pages.len()).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the CSV could not be written: {0}")]
    Csv(String),
}
