//! Rules of the discussion: thread states, who may resolve, text limits,
//! @mentions, and the marks drawn with a comment.

use crate::roles::{BoardAction, BoardRole};
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};

pub const COMMENT_MAX: usize = 5000;
/// Characters of a comment that events and e-mails quote.
pub const EXCERPT_MAX: usize = 140;

stored_enum!(
    /// Whether a thread still needs attention.
    ThreadState { Open = 1 => "open", Resolved = 2 => "resolved" }
);

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

/// A comment as it is stored: line breaks kept as `\n` (a `\r\n` or a lone
/// `\r` becomes `\n`), tabs kept, blank space around the text dropped.
/// Other control characters are refused: they show as nothing or garble
/// the text in e-mails, and PostgreSQL refuses NUL.
pub fn comment_text(text: &str) -> Result<String, String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > COMMENT_MAX {
        return Err(format!("must be at most {COMMENT_MAX} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err("must not contain control characters other than line breaks and tabs".into());
    }
    Ok(text.to_owned())
}

/// Lines of a quote at most.
const EXCERPT_LINES: usize = 4;

/// A short quote of a comment: at most `max` characters on at most four
/// lines, line breaks kept (blank lines and runs of spaces are dropped).
pub fn excerpt(text: &str, max: usize) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    let mut kept = lines[..lines.len().min(EXCERPT_LINES)].join("\n");
    let cut_lines = lines.len() > EXCERPT_LINES;
    if kept.chars().count() > max {
        kept = kept.chars().take(max.saturating_sub(1)).collect();
        kept = kept.trim_end().to_owned();
    } else if !cut_lines {
        return kept;
    }
    format!("{kept}…")
}

/// The handle people can type for someone: their display name without
/// spaces, lowercased ("Ada Lovelace" → "adalovelace").
pub fn handle_of(display_name: &str) -> String {
    // Only what `mention_tokens` reads as part of a handle, so that typing
    // the handle always mentions the person ("Seán O'Brien" → "seánobrien").
    display_name
        .chars()
        .filter(|c| c.is_alphanumeric() || "._-+".contains(*c))
        .collect::<String>()
        .to_lowercase()
        .trim_end_matches(['.', '-'])
        .to_owned()
}

/// Marks a comment may carry, and points a mark may have (a freehand
/// stroke is thinned by the client to stay under it).
pub const MARKS_MAX: usize = 20;
pub const MARK_POINTS_MAX: usize = 500;

/// What a drawn mark is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    /// From the first point to the second, the head at the second.
    Arrow,
    /// The two points are opposite corners.
    Rectangle,
    /// Inside the box of the two points.
    Ellipse,
    /// A freehand stroke through its points.
    Pen,
}

/// The few colours marks come in, readable on most designs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MarkColor {
    Red,
    Orange,
    Green,
    Blue,
    Black,
}

/// A mark drawn on the picture with a comment, in fractions of the
/// picture's width and height (so it is drawn alike at any zoom and size).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mark {
    pub kind: MarkKind,
    pub color: MarkColor,
    /// `[x, y]` pairs in 0..1: two for arrows, rectangles and ellipses,
    /// 2 to 500 for a stroke.
    pub points: Vec<[f64; 2]>,
}

/// Checks marks under `field` (`drawing[2].points`…).
pub fn check_drawing(field: &str, marks: &[Mark], errors: &mut FieldErrors) {
    if marks.len() > MARKS_MAX {
        errors.add(field, format!("at most {MARKS_MAX} marks per comment"));
        return;
    }
    for (i, m) in marks.iter().enumerate() {
        let at = format!("{field}[{i}].points");
        let n = m.points.len();
        let count_ok = match m.kind {
            MarkKind::Pen => (2..=MARK_POINTS_MAX).contains(&n),
            _ => n == 2,
        };
        if !count_ok {
            let want = match m.kind {
                MarkKind::Pen => format!("a stroke needs 2 to {MARK_POINTS_MAX} points"),
                _ => "needs exactly two points".to_owned(),
            };
            errors.add(&at, want);
        } else if !m
            .points
            .iter()
            .all(|p| p.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)))
        {
            errors.add(&at, "points must lie on the picture: x and y in 0..1");
        } else if m.kind != MarkKind::Pen && m.points[0] == m.points[1] {
            errors.add(&at, "the two points must differ");
        }
    }
}

/// The marks in words, for e-mails and the inbox: "an arrow and 2
/// rectangles". None without marks.
pub fn describe_drawing(marks: &[Mark]) -> Option<String> {
    let names = [
        (MarkKind::Arrow, "an arrow", "arrows"),
        (MarkKind::Rectangle, "a rectangle", "rectangles"),
        (MarkKind::Ellipse, "an ellipse", "ellipses"),
        (MarkKind::Pen, "a freehand line", "freehand lines"),
    ];
    let parts: Vec<String> = names
        .iter()
        .filter_map(
            |(kind, one, many)| match marks.iter().filter(|m| m.kind == *kind).count() {
                0 => None,
                1 => Some((*one).to_owned()),
                n => Some(format!("{n} {many}")),
            },
        )
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
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
        for name in ["Seán O'Brien", "J. R. R.", "Zoë (client)", "A-"] {
            let handle = handle_of(name);
            assert_eq!(
                mention_tokens(&format!("hi @{handle}, look")),
                vec![handle],
                "{name}"
            );
        }
    }

    #[test]
    fn comments_keep_line_breaks_and_tabs_only() {
        assert_eq!(
            comment_text("  line one\r\nline two\rthree\n\n\tindented \n").unwrap(),
            "line one\nline two\nthree\n\n\tindented"
        );
        assert!(comment_text(" \n\t ").is_err(), "blank");
        assert!(comment_text("bell\u{7}").is_err());
        assert!(comment_text("nul\0").is_err());
        assert!(comment_text("escape \u{1b}[31m").is_err());
        assert!(
            comment_text(&"é".repeat(COMMENT_MAX)).is_ok(),
            "counted in characters"
        );
        assert!(comment_text(&"a".repeat(COMMENT_MAX + 1)).is_err());
    }

    #[test]
    fn excerpts_are_short_and_keep_line_breaks() {
        assert_eq!(excerpt("a\n\n b   c \n", 10), "a\nb c");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcd…");
        assert_eq!(excerpt("1\n2\n3\n4\n5\n6", 140), "1\n2\n3\n4…");
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

    fn mark(kind: MarkKind, points: &[[f64; 2]]) -> Mark {
        Mark {
            kind,
            color: MarkColor::Red,
            points: points.to_vec(),
        }
    }

    #[test]
    fn drawings_are_checked_mark_by_mark() {
        let ok = [
            mark(MarkKind::Arrow, &[[0.1, 0.1], [0.5, 0.5]]),
            mark(MarkKind::Pen, &[[0.0, 0.0], [0.2, 0.1], [1.0, 1.0]]),
        ];
        let mut e = FieldErrors::new();
        check_drawing("drawing", &ok, &mut e);
        assert!(e.is_empty());
        let bad = [
            mark(MarkKind::Rectangle, &[[0.1, 0.1]]),
            mark(MarkKind::Ellipse, &[[0.1, 0.1], [1.2, 0.5]]),
            mark(MarkKind::Pen, &[[0.1, 0.1]]),
            mark(MarkKind::Arrow, &[[0.3, 0.3], [0.3, 0.3]]),
            mark(MarkKind::Arrow, &[[f64::NAN, 0.3], [0.3, 0.4]]),
        ];
        let mut e = FieldErrors::new();
        check_drawing("drawing", &bad, &mut e);
        let fields: Vec<String> = e.0.iter().map(|f| f.field.clone()).collect();
        assert_eq!(
            fields,
            (0..5)
                .map(|i| format!("drawing[{i}].points"))
                .collect::<Vec<_>>()
        );
        let many = vec![mark(MarkKind::Arrow, &[[0.1, 0.1], [0.2, 0.2]]); MARKS_MAX + 1];
        let mut e = FieldErrors::new();
        check_drawing("drawing", &many, &mut e);
        assert_eq!(e.0.len(), 1);
    }

    #[test]
    fn drawings_read_as_words() {
        let a = mark(MarkKind::Arrow, &[[0.1, 0.1], [0.2, 0.2]]);
        let r = mark(MarkKind::Rectangle, &[[0.1, 0.1], [0.2, 0.2]]);
        let p = mark(MarkKind::Pen, &[[0.1, 0.1], [0.2, 0.2]]);
        assert_eq!(describe_drawing(&[]), None);
        assert_eq!(
            describe_drawing(std::slice::from_ref(&a)).as_deref(),
            Some("an arrow")
        );
        assert_eq!(
            describe_drawing(&[a.clone(), r.clone(), r, a, p]).as_deref(),
            Some("2 arrows, 2 rectangles and a freehand line")
        );
    }
}
