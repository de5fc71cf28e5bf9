//! The words of Critboard's e-mails, in plain text and HTML. All user text
//! is escaped in HTML; links point to the web app.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of a digest.
pub struct DigestLine {
    pub text: String,
    pub quote: Option<String>,
    pub link: String,
    pub mention: bool,
}

/// A board's part of a digest.
pub struct DigestBoard {
    pub name: String,
    pub link: String,
    pub lines: Vec<DigestLine>,
    /// Lines left out to keep the e-mail short.
    pub more: usize,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn page(title: &str, body: &str, footer: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;\
         max-width:600px;margin:0 auto;padding:16px\">{body}\
         <hr style=\"border:none;border-top:1px solid #d0d7de;margin:24px 0 8px\">\
         <p style=\"color:#656d76;font-size:12px\">{footer}</p></body></html>",
        esc(title)
    )
}

pub fn digest(
    name: &str,
    boards: &[DigestBoard],
    settings_link: &str,
    unsubscribe_link: &str,
) -> Rendered {
    let total: usize = boards.iter().map(|b| b.lines.len() + b.more).sum();
    let updates = if total == 1 { "update" } else { "updates" };
    let subject = match boards {
        [one] => format!("{total} new {updates} on {}", one.name),
        _ => format!("{total} new {updates} on {} boards", boards.len()),
    };
    let mut text = format!("Hi {name},\n\nHere is what happened on your boards.\n");
    let mut html = format!(
        "<p>Hi {},</p><p>Here is what happened on your boards.</p>",
        esc(name)
    );
    for b in boards {
        let _ = write!(text, "\n{}\n{}\n", b.name, b.link);
        let _ = write!(
            html,
            "<h2 style=\"font-size:16px;margin:20px 0 8px\"><a href=\"{}\">{}</a></h2><ul style=\"padding-left:18px\">",
            esc(&b.link),
            esc(&b.name)
        );
        for l in &b.lines {
            let flag = if l.mention { " (mentions you)" } else { "" };
            let _ = write!(text, "- {}{flag}", l.text);
            let _ = write!(
                html,
                "<li style=\"margin:6px 0\"><a href=\"{}\">{}</a>{}",
                esc(&l.link),
                esc(&l.text),
                if l.mention {
                    " <strong>(mentions you)</strong>"
                } else {
                    ""
                }
            );
            if let Some(q) = &l.quote {
                let _ = write!(text, "\n  “{}”", q.replace('\n', "\n   "));
                let lines: Vec<String> = q.lines().map(esc).collect();
                let _ = write!(
                    html,
                    "<br><span style=\"color:#656d76\">“{}”</span>",
                    lines.join("<br>")
                );
            }
            let _ = writeln!(text, "\n  {}", l.link);
            html.push_str("</li>");
        }
        if b.more > 0 {
            let _ = writeln!(text, "- And {} more on the board.", b.more);
            let _ = write!(html, "<li>And {} more on the board.</li>", b.more);
        }
        html.push_str("</ul>");
    }
    let _ = write!(
        text,
        "\n--\nChange how often you get these: {settings_link}\nUnsubscribe from all Critboard e-mail: {unsubscribe_link}\n"
    );
    let footer = format!(
        "<a href=\"{}\">Change how often you get these</a> · <a href=\"{}\">Unsubscribe</a>",
        esc(settings_link),
        esc(unsubscribe_link)
    );
    Rendered {
        html: page(&subject, &html, &footer),
        subject,
        text,
    }
}

/// Replies in a guest's threads on one board, for a guest who left their
/// address: each reply quoted, with a link to its thread and to the board
/// through their share link.
pub fn guest_replies(
    name: &str,
    board: &str,
    board_link: &str,
    lines: &[DigestLine],
    unsubscribe_link: &str,
) -> Rendered {
    let subject = match lines {
        [one] => format!("{} on “{board}”", one.text),
        _ => format!("{} new replies on “{board}”", lines.len()),
    };
    let mut text = format!("Hi {name},\n\nThere are replies to your comments on “{board}”.\n");
    let mut html = format!(
        "<p>Hi {},</p><p>There are replies to your comments on <a href=\"{}\">{}</a>.</p><ul style=\"padding-left:18px\">",
        esc(name),
        esc(board_link),
        esc(board)
    );
    for l in lines {
        let _ = write!(text, "\n- {}", l.text);
        let _ = write!(
            html,
            "<li style=\"margin:6px 0\"><a href=\"{}\">{}</a>",
            esc(&l.link),
            esc(&l.text)
        );
        if let Some(q) = &l.quote {
            let _ = write!(text, "\n  “{}”", q.replace('\n', "\n   "));
            let quoted: Vec<String> = q.lines().map(esc).collect();
            let _ = write!(
                html,
                "<br><span style=\"color:#656d76\">“{}”</span>",
                quoted.join("<br>")
            );
        }
        let _ = writeln!(text, "\n  {}", l.link);
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    let _ = write!(
        text,
        "\nOpen the board: {board_link}\n\n--\nYou get these because you left this address on the board. \
         Stop them: {unsubscribe_link}\n"
    );
    let footer = format!(
        "You get these because you left this address on the board. <a href=\"{}\">Unsubscribe</a>",
        esc(unsubscribe_link)
    );
    Rendered {
        html: page(&subject, &html, &footer),
        subject,
        text,
    }
}

/// A message with one call to action (verify, reset, join…).
pub fn action(
    name: &str,
    intro: &str,
    button: &str,
    link: &str,
    outro: &str,
    subject: &str,
) -> Rendered {
    let text = format!("Hi {name},\n\n{intro}\n\n{button}: {link}\n\n{outro}\n");
    let body = format!(
        "<p>Hi {},</p><p>{}</p><p><a href=\"{}\" style=\"display:inline-block;background:#1f6feb;color:#fff;\
         padding:10px 16px;border-radius:6px;text-decoration:none\">{}</a></p>\
         <p style=\"color:#656d76;font-size:13px\">Or open {}</p><p>{}</p>",
        esc(name),
        esc(intro),
        esc(link),
        esc(button),
        esc(link),
        esc(outro)
    );
    Rendered {
        subject: subject.to_owned(),
        html: page(subject, &body, "Critboard"),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_in_html_and_kept_in_text() {
        let boards = [DigestBoard {
            name: "<script>x</script>".into(),
            link: "https://c.example/boards/1".into(),
            lines: vec![DigestLine {
                text: "Ada & Bob commented".into(),
                quote: Some("\"quoted\" <b>".into()),
                link: "https://c.example/a?x=1&y=2".into(),
                mention: true,
            }],
            more: 2,
        }];
        let r = digest("Zoë", &boards, "https://c.example/s", "https://c.example/u");
        assert_eq!(r.subject, "3 new updates on <script>x</script>");
        assert!(r.html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&quot;quoted&quot; &lt;b&gt;"));
        assert!(r.html.contains("a?x=1&amp;y=2"));
        assert!(r.text.contains("\"quoted\" <b>"));
        assert!(r.text.contains("And 2 more"));
        assert!(r.text.contains("(mentions you)"));
    }

    #[test]
    fn quotes_show_their_line_breaks_in_both_parts() {
        let boards = [DigestBoard {
            name: "Site".into(),
            link: "https://c.example/b/1".into(),
            lines: vec![DigestLine {
                text: "Ada replied".into(),
                quote: Some("line one\n<line> two".into()),
                link: "https://c.example/a/1".into(),
                mention: false,
            }],
            more: 0,
        }];
        let r = digest("Bob", &boards, "https://c.example/s", "https://c.example/u");
        assert!(r.text.contains("“line one\n   <line> two”"), "{}", r.text);
        assert!(
            r.html.contains("“line one<br>&lt;line&gt; two”"),
            "{}",
            r.html
        );
        assert!(r.text.contains("Here is what happened"));
    }
}
