//! Input rules shared by the API and the admin CLI. Each check appends a
//! human message for one field, so a form can show every problem at once.

use serde::Serialize;
use std::collections::HashSet;
use std::sync::OnceLock;

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
pub const EMAIL_MAX: usize = 254;
pub const DISPLAY_NAME_MAX: usize = 80;
pub const NAME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every problem found in one request body.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was wrong, so handlers can use `?`.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Runs one or more checks and returns their verdict.
    pub fn single_check(check: impl FnOnce(&mut FieldErrors)) -> Result<(), FieldErrors> {
        let mut e = Self::new();
        check(&mut e);
        e.into_result()
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    /// A required, trimmed, length-limited text such as a board name.
    pub fn check_name(&mut self, field: &str, value: &str, max: usize) {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            // Counted as sent, spaces included: what the API document's
            // maxLength says.
            self.add(field, format!("must be at most {max} characters"));
        } else if trimmed.chars().any(char::is_control) {
            self.add(field, "must not contain control characters");
        }
    }

    /// An optional long text such as a description: a length limit, and no
    /// control characters but line breaks and tabs (PostgreSQL refuses NUL).
    pub fn check_text(&mut self, field: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        } else if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(field, "must not contain control characters");
        }
    }

    pub fn check_email(&mut self, field: &str, value: &str) {
        if let Err(message) = check_email(value) {
            self.add(field, message);
        }
    }

    pub fn check_password(&mut self, field: &str, value: &str, personal: &[&str]) {
        if let Err(message) = check_password(value, personal) {
            self.add(field, message);
        }
    }
}

/// E-mail addresses are compared case-insensitively everywhere: this is the
/// form stored in the unique column.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A loose shape check: one `@`, no spaces or specials in the local part, a
/// dotted domain of letters, digits and hyphens (any script, for IDNs).
/// Whether the address really works is proven by the verification e-mail;
/// this only refuses what no mail server would take, so an address is never
/// accepted here and then refused for good by the mailer.
pub fn check_email(email: &str) -> Result<(), &'static str> {
    let email = email.trim();
    if email.is_empty() {
        return Err("must not be empty");
    }
    if email.len() > EMAIL_MAX {
        return Err("is too long");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("must be an e-mail address like name@example.com");
    };
    let label = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let valid = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"\"(),:;<>@[\\]".contains(c))
        && domain.contains('.')
        && domain.split('.').all(label);
    if valid {
        Ok(())
    } else {
        Err("must be an e-mail address like name@example.com")
    }
}

/// Checks a new password. `personal` holds what the account is known by
/// (e-mail address, name): a password built from them is the first guess.
pub fn check_password(password: &str, personal: &[&str]) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(format!("must be at least {PASSWORD_MIN} characters"));
    }
    if n > PASSWORD_MAX {
        return Err(format!("must be at most {PASSWORD_MAX} characters"));
    }
    let lower = password.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let distinct: HashSet<char> = chars.iter().copied().collect();
    if distinct.len() == 1 {
        return Err("is one character repeated; choose another".into());
    }
    if repeats_a_short_unit(&chars) {
        return Err("is a short pattern repeated (like abcabcab); choose another".into());
    }
    if is_sequence(&chars) {
        return Err(
            "is a sequence of letters, digits or keys (like 12345678 or qwertyui); choose another"
                .into(),
        );
    }
    if distinct.len() < 4 {
        return Err("uses fewer than 4 different characters; choose another".into());
    }
    if is_common_password(password) {
        return Err("is one of the most common passwords; choose another".into());
    }
    // Compared on letters and digits only, so "grace.hopper", "Grace
    // Hopper" and "gracehopper1906" are all the name.
    let bare = |t: &str| -> String {
        t.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase()
    };
    let typed = bare(password);
    let without_digits = typed.trim_end_matches(|c: char| c.is_ascii_digit());
    for p in personal {
        let local = p.split('@').next().unwrap_or_default();
        for word in [bare(p), bare(local)] {
            if word.chars().count() >= 4 && (typed == word || without_digits == word) {
                return Err("must not be your name or e-mail address".into());
            }
        }
    }
    Ok(())
}

/// Whether the text is one unit of 2–4 characters over and over
/// ("abab…", "1231231…"), the last copy possibly cut short.
fn repeats_a_short_unit(chars: &[char]) -> bool {
    (2..=4).any(|unit| chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit]))
}

/// Whether the text runs along the alphabet, the digits or a keyboard
/// row, forwards or backwards ("abcdefgh", "98765432", "qwertyui").
fn is_sequence(chars: &[char]) -> bool {
    const RUNS: [&str; 6] = [
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "qwertzuiop",
    ];
    let text: String = chars.iter().collect();
    let reversed: String = chars.iter().rev().collect();
    RUNS.iter().any(|run| {
        // A run repeated ("1234567890123") is still a run.
        let long = run.repeat(1 + chars.len() / run.len() + 1);
        long.contains(&text) || long.contains(&reversed)
    })
}

/// The 10,000 most frequent leaked passwords of 8+ characters (from the
/// frequency list that zxcvbn uses), compared case-insensitively.
pub fn is_common_password(password: &str) -> bool {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| include_str!("common-passwords.txt").lines().collect());
    list.contains(password.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_short_passwords_are_refused() {
        assert!(check_password("short", &[]).is_err());
        assert!(check_password("password", &[]).is_err());
        assert!(check_password("Baseball", &[]).is_err(), "case-insensitive");
        assert!(check_password(&"x".repeat(129), &[]).is_err());
        assert!(check_password("violet-otter-42-lamp", &[]).is_ok());
        assert!(check_password("Tr0ub4dor&3", &[]).is_ok());
    }

    #[test]
    fn trivially_weak_patterns_are_refused() {
        let refused = |p: &str| check_password(p, &["ada@example.com", "Ada Lovelace"]);
        for weak in [
            "zzzzzzzzzzzz",
            "ZZZZZZZZ",
            "xyxyxyxyxy",
            "abcabcabcab",
            "13571357",
            "abcdefghij",
            "ponmlkjihg",
            "3456789012",
            "98765432",
            "qwertyuiop",
            "lkjhgfdsa",
            "aaaabbbbcccc",
            "adalovelace",
            "AdaLovelace2024",
            "Ada Lovelace",
            "ada@example.com",
            "ADA.LOVELACE.1815",
        ] {
            assert!(refused(weak).is_err(), "{weak} should be refused");
        }
        for fine in [
            "lovelace-engine-1843",
            "qwerty-sunset-77",
            "correct horse battery",
        ] {
            assert!(
                refused(fine).is_ok(),
                "{fine} should pass: {:?}",
                refused(fine)
            );
        }
    }

    #[test]
    fn email_shapes() {
        assert!(check_email("ada@example.com").is_ok());
        assert!(check_email("ada@localhost").is_err());
        assert!(check_email("ada example.com").is_err());
        assert!(check_email("a@b@c.com").is_err());
        assert!(check_email("josé@bücher.example").is_ok());
        assert!(check_email("first.last+tag@sub.example.co").is_ok());
        // What the mailer would refuse for good is refused up front.
        for bad in [
            "ÉKS@)R(^.x",
            "ov@'.Ą",
            "a@-x.com",
            "a@x..com",
            "a..b@x.com",
            "a(b)@x.com",
            "a@x.com.",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert!(check_email("").is_err());
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        let mut e = FieldErrors::new();
        e.check_name("name", "   ", 10);
        e.check_name("title", &"a".repeat(11), 10);
        e.check_name("ok", "fine", 10);
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.0[0].field, "name");
        assert_eq!(e.0[1].field, "title");
        let mut e = FieldErrors::new();
        e.check_text("d", "two\nlines\tok", 100);
        assert!(e.is_empty());
        e.check_text("d", "nul\0byte", 100);
        assert_eq!(e.0.len(), 1);
    }
}
