//! States of pictures and their review, stored as small integers, and
//! the rules for website captures.

use serde::{Deserialize, Serialize};

stored_enum!(
    /// What an asset is: an uploaded picture, a capture of a web page
    /// (one URL at one width), or a deck of pages (an uploaded PDF).
    AssetKind { Picture = 1 => "picture", Capture = 2 => "capture", Deck = 3 => "deck" }
);

stored_enum!(
    /// Where an asset stands in review.
    ReviewStatus { InReview = 1 => "in_review", ChangesRequested = 2 => "changes_requested", Approved = 3 => "approved" }
);

stored_enum!(
    /// A version's file: being thumbnailed, ready to view, or unusable; a
    /// capture first waits its turn, loads its page, then captures it.
    VersionState {
        Processing = 2 => "processing", Ready = 3 => "ready", Failed = 4 => "failed",
        Queued = 5 => "queued", Loading = 6 => "loading", Capturing = 7 => "capturing"
    }
);

impl VersionState {
    /// Nothing more will happen to it by itself.
    pub fn is_settled(self) -> bool {
        matches!(self, VersionState::Ready | VersionState::Failed)
    }
}

/// Widths a page is captured at when none are asked for: a desktop
/// window and a phone.
pub const DEFAULT_CAPTURE_WIDTHS: [i32; 2] = [1440, 390];
pub const MIN_CAPTURE_WIDTH: i32 = 320;
pub const MAX_CAPTURE_WIDTH: i32 = 2560;
/// Widths one request may ask for.
pub const MAX_CAPTURE_WIDTHS: usize = 4;
pub const MAX_URL_LENGTH: usize = 2048;

/// How a width is named in titles: "desktop", "mobile", or "768 px".
pub fn width_label(width: i32) -> String {
    match width {
        1440 => "desktop".into(),
        390 => "mobile".into(),
        w => format!("{w} px"),
    }
}

/// "Pricing — desktop": the page's title (or, until it is known, its
/// address) and the width.
pub fn capture_title(page: &str, width: i32) -> String {
    let page: String = page
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let label = width_label(width);
    let room = 200 - label.chars().count() - 3;
    let mut page: String = page.chars().take(room).collect();
    if page.is_empty() {
        page = "Untitled page".into();
    }
    format!("{page} — {label}")
}

/// What a capture is called before its page's title is known: the host
/// and path, without the scheme ("example.com/pricing").
pub fn address_label(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    rest.trim_end_matches('/').to_owned()
}

stored_enum!(
    /// A direct upload: waiting for its bytes, turned into a version, or
    /// refused (wrong type, damaged, too large…).
    UploadState { Uploading = 1 => "uploading", Completed = 2 => "completed", Refused = 3 => "refused" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_numbers_round_trip() {
        for s in [
            ReviewStatus::InReview,
            ReviewStatus::ChangesRequested,
            ReviewStatus::Approved,
        ] {
            assert_eq!(ReviewStatus::from_i16(s.as_i16()), Some(s));
        }
        assert_eq!(VersionState::from_i16(1), None);
        assert_eq!(UploadState::from_i16(3), Some(UploadState::Refused));
        assert_eq!(VersionState::Ready.as_str(), "ready");
        assert_eq!(VersionState::from_i16(6), Some(VersionState::Loading));
        assert_eq!(AssetKind::from_i16(2), Some(AssetKind::Capture));
        assert!(VersionState::Failed.is_settled() && !VersionState::Queued.is_settled());
    }

    #[test]
    fn captures_are_named_after_their_page_and_width() {
        assert_eq!(capture_title("Pricing", 1440), "Pricing — desktop");
        assert_eq!(
            capture_title("  Pricing\n  plans ", 390),
            "Pricing plans — mobile"
        );
        assert_eq!(capture_title("", 768), "Untitled page — 768 px");
        assert_eq!(capture_title(&"x".repeat(500), 1440).chars().count(), 200);
        assert_eq!(
            address_label("https://example.com/pricing/?utm=1#top"),
            "example.com/pricing"
        );
    }
}
