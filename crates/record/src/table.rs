//! The record as CSV: one row per comment, decision and share link, so a
//! spreadsheet can sort and filter it.

use crate::{Record, RecordError};

const HEADER: [&str; 14] = [
    "row",
    "asset",
    "version",
    "page",
    "thread",
    "thread_state",
    "x",
    "y",
    "w",
    "h",
    "who",
    "when",
    "text",
    "resolution",
];

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return first) is prefixed with `'` so it stays text: comments
/// are written by anyone with a commenter link.
fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.4}")).unwrap_or_default()
}

pub fn csv(record: &Record) -> Result<Vec<u8>, RecordError> {
    let bad = |e: csv::Error| RecordError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(bad)?;
    for a in &record.assets {
        for p in &a.pages {
            for t in &p.threads {
                let state = if t.resolved { "resolved" } else { "open" };
                for c in &t.comments {
                    w.write_record([
                        "comment",
                        &cell(&a.title),
                        &p.version.to_string(),
                        &p.page.to_string(),
                        &t.number.to_string(),
                        state,
                        &num(Some(t.x)),
                        &num(Some(t.y)),
                        &num(t.w),
                        &num(t.h),
                        &cell(&c.author),
                        &c.at,
                        &cell(&c.body),
                        &cell(t.resolution.as_deref().unwrap_or_default()),
                    ])
                    .map_err(bad)?;
                }
            }
        }
        for d in &a.decisions {
            w.write_record([
                "decision",
                &cell(&a.title),
                &d.version.to_string(),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                &cell(&d.who),
                &d.at,
                &d.status,
                "",
            ])
            .map_err(bad)?;
        }
    }
    for l in &record.share_links {
        w.write_record([
            "share_link",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &l.role,
            &l.created_at,
            &cell(&l.label),
            &cell(&format!("{}; opened by: {}", l.state, l.guests.join("; "))),
        ])
        .map_err(bad)?;
    }
    w.into_inner().map_err(|e| RecordError::Csv(e.to_string()))
}
