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

/// One row: its kind and asset, then the columns it has by name.
fn row(kind: &str, asset: &str, cells: &[(usize, String)]) -> [String; 14] {
    let mut out: [String; 14] = Default::default();
    out[0] = kind.to_owned();
    out[1] = cell(asset);
    for (i, v) in cells {
        out[*i] = v.clone();
    }
    out
}

const VERSION: usize = 2;
const PAGE: usize = 3;
const THREAD: usize = 4;
const STATE: usize = 5;
const X: usize = 6;
const Y: usize = 7;
const W: usize = 8;
const H: usize = 9;
const WHO: usize = 10;
const WHEN: usize = 11;
const TEXT: usize = 12;
const RESOLUTION: usize = 13;

pub fn csv(record: &Record) -> Result<Vec<u8>, RecordError> {
    let bad = |e: csv::Error| RecordError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(bad)?;
    for a in &record.assets {
        for p in &a.pages {
            for t in &p.threads {
                let state = if t.resolved { "resolved" } else { "open" };
                for c in &t.comments {
                    let r = row(
                        "comment",
                        &a.title,
                        &[
                            (VERSION, p.version.to_string()),
                            (PAGE, p.page.to_string()),
                            (THREAD, t.number.to_string()),
                            (STATE, state.to_owned()),
                            (X, num(Some(t.x))),
                            (Y, num(Some(t.y))),
                            (W, num(t.w)),
                            (H, num(t.h)),
                            (WHO, cell(&c.author)),
                            (WHEN, c.at.clone()),
                            (TEXT, cell(&c.body)),
                            (
                                RESOLUTION,
                                cell(t.resolution.as_deref().unwrap_or_default()),
                            ),
                        ],
                    );
                    w.write_record(&r).map_err(bad)?;
                }
            }
        }
        for d in &a.decisions {
            let r = row(
                "decision",
                &a.title,
                &[
                    (VERSION, d.version.to_string()),
                    (WHO, cell(&d.who)),
                    (WHEN, d.at.clone()),
                    (TEXT, d.status.clone()),
                ],
            );
            w.write_record(&r).map_err(bad)?;
        }
    }
    for l in &record.share_links {
        let guests = format!("{}; opened by: {}", l.state, l.guests.join("; "));
        let r = row(
            "share_link",
            "",
            &[
                (WHO, l.role.clone()),
                (WHEN, l.created_at.clone()),
                (TEXT, cell(&l.label)),
                (RESOLUTION, cell(&guests)),
            ],
        );
        w.write_record(&r).map_err(bad)?;
    }
    w.into_inner().map_err(|e| RecordError::Csv(e.to_string()))
}
