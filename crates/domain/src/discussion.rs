//! Rules of the discussion: thread states, who may resolve, text limits and
//! @mentions.

use crate::roles::{BoardAction, BoardRole};
use serde::{Deserialize, Serialize};

pub const COMMENT_MAX: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThreadState {
    Open = 1,
    Resolved = 2,
}

impl ThreadState {
    pub fn as_i16(self) -> i16 {
        self as i16
    }

    pub fn from_i16(v: i16) -> Option<Self> {
        match v {
            1 => Some(Self::Open),
            2 => Some(Self::Resolved),
            _ => None,
        }
    }
}

/// Commenters resolve and reopen their own threads; editors and owners any.
pub fn may_resolve(role: BoardRole, is_author: bool) -> bool {
    role.allows(BoardAction::Edit) || (is_author && role.allows(BoardAction::Comment))
}

/// Whether a point or area lies on the picture: fractions of its width and
/// height in 0..=1, areas wholly inside and not empty.
pub fn shape_is_valid(x: f64, y: f64, w: Option<f64>, h: Option<f64>) -> bool {
    let unit = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
    if !unit(x) || !unit(y) {
        return false;
    }
    match (w, h) {
        (None, None) => true,
        (Some(w), Some(h)) => {
            unit(w) && unit(h) && w > 0.0 && h > 0.0 && x + w <= 1.0 + 1e-9 && y + h <= 1.0 + 1e-9
        }
        _ => false,
    }
}

/// The `@…` words of a comment: an e-mail address (`@ada@example.com`) or
/// a handle (`@ada`, `@AdaLovelace`), without trailing punctuation.
pub fn mention_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || chars[i - 1].is_whitespace() || "([{\"'".contains(chars[i - 1]);
        if chars[i] == '@' && starts_word {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_alphanumeric() || "._-+@".contains(chars[j])) {
                j += 1;
            }
            let token: String = chars[i + 1..j].iter().collect();
            let token = token.trim_end_matches(['.', '-', '@']).to_lowercase();
            if !token.is_empty() && !out.contains(&token) {
                out.push(token);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The handle people can type for someone: their display name without
/// spaces, lowercased ("Ada Lovelace" → "adalovelace").
pub fn handle_of(display_name: &str) -> String {
    display_name
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_by_handle_or_email() {
        assert_eq!(
            mention_tokens("Hi @Ada, see @bob@example.com. Mail me: x@y.z (@ada again)"),
            ["ada", "bob@example.com"]
        );
        assert!(mention_tokens("no one here @").is_empty());
        assert_eq!(handle_of("Ada Lovelace"), "adalovelace");
    }

    #[test]
    fn shapes_stay_on_the_picture() {
        assert!(shape_is_valid(0.5, 0.5, None, None));
        assert!(shape_is_valid(0.1, 0.2, Some(0.5), Some(0.3)));
        assert!(!shape_is_valid(1.2, 0.5, None, None));
        assert!(
            !shape_is_valid(0.8, 0.5, Some(0.5), Some(0.1)),
            "spills over the edge"
        );
        assert!(
            !shape_is_valid(0.1, 0.1, Some(0.0), Some(0.1)),
            "empty area"
        );
        assert!(!shape_is_valid(0.1, 0.1, Some(0.2), None));
        assert!(!shape_is_valid(f64::NAN, 0.1, None, None));
    }

    #[test]
    fn authors_resolve_their_own_threads_editors_any() {
        assert!(may_resolve(BoardRole::Commenter, true));
        assert!(!may_resolve(BoardRole::Commenter, false));
        assert!(!may_resolve(BoardRole::Viewer, true));
        assert!(may_resolve(BoardRole::Editor, false));
    }
}
