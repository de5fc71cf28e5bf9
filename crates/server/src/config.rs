//! Every setting, as a command-line flag with a `CRITBOARD_…` environment
//! variable. Defaults give the embedded setup under one data folder.

use axum::http::HeaderValue;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

/// Not `Debug`: the database URL may hold a password.
#[derive(Args, Clone)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "CRITBOARD_LISTEN",
        default_value = DEFAULT_LISTEN,
        global = true
    )]
    pub listen: SocketAddr,

    /// Folder for the SQLite database, stored files and outgoing e-mail.
    #[arg(
        long,
        env = "CRITBOARD_DATA_DIR",
        default_value = "./critboard-data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL; the scheme picks the backend: sqlite://, postgres://,
    /// mysql://. Default: sqlite://<data dir>/critboard.db
    #[arg(long, env = "CRITBOARD_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// The address users reach Critboard at, used in links and to mark
    /// cookies Secure when it is https. Default: http://<listen>
    #[arg(long, env = "CRITBOARD_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Outgoing e-mail server: smtps://user:pass@host:465 (TLS),
    /// smtp://user:pass@host:587?tls=required (STARTTLS), or
    /// smtp://host:25 (unencrypted, for a relay on the same machine).
    /// Unset: e-mails are written as .eml files into <data dir>/outbox and
    /// logged.
    #[arg(long, env = "CRITBOARD_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// The sender of Critboard's e-mail.
    #[arg(
        long,
        env = "CRITBOARD_MAIL_FROM",
        default_value = "Critboard <critboard@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Where files are stored: empty for <data dir>/objects, another
    /// folder, or `s3://bucket` for an S3-compatible store configured by
    /// AWS_ENDPOINT, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_VIRTUAL_HOSTED_STYLE_REQUEST, AWS_ALLOW_HTTP.
    #[arg(long, env = "CRITBOARD_STORAGE_URL", global = true)]
    pub storage_url: Option<String>,

    /// With S3 storage: send browsers presigned S3 links for files instead
    /// of streaming them through Critboard. Saves the server's bandwidth,
    /// but the store (or a CDN before it) must then add the
    /// `X-Content-Type-Options: nosniff` and CSP headers Critboard sends.
    #[arg(long, env = "CRITBOARD_S3_DIRECT_DOWNLOADS", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub s3_direct_downloads: bool,

    /// Pages a PDF may have; longer ones are refused when uploaded.
    #[arg(
        long,
        env = "CRITBOARD_MAX_PDF_PAGES",
        default_value_t = 300,
        global = true
    )]
    pub max_pdf_pages: usize,

    /// Memory (address space) one PDF worker process may use, in MB. Real
    /// decks need a few hundred; decompression bombs stop here.
    #[arg(
        long,
        env = "CRITBOARD_PDF_MEMORY_MB",
        default_value_t = 1024,
        global = true
    )]
    pub pdf_memory_mb: u64,

    /// Decks this node renders at once (each in its own worker process);
    /// 0 leaves rendering to other nodes.
    #[arg(
        long,
        env = "CRITBOARD_PDF_WORKERS",
        default_value_t = 1,
        global = true
    )]
    pub pdf_workers: usize,

    /// LibreOffice's `soffice`, which converts PowerPoint, Keynote and
    /// OpenDocument slides to PDF. Unset: `soffice` (or `libreoffice`) on
    /// PATH; without one those uploads are refused, saying what to install,
    /// and PDFs still work.
    #[arg(long, env = "CRITBOARD_SOFFICE", global = true)]
    pub soffice: Option<PathBuf>,

    /// The program run as the PDF worker: this binary unless set (tests
    /// run theirs from a test harness, which has no `pdf-worker`).
    #[arg(skip)]
    pub pdf_worker_exe: Option<PathBuf>,

    /// Largest file accepted for upload, in bytes.
    #[arg(long, env = "CRITBOARD_MAX_UPLOAD_BYTES", default_value_t = 100 * 1024 * 1024, global = true)]
    pub max_upload_bytes: u64,

    /// Largest picture accepted, in pixels (width × height).
    #[arg(
        long,
        env = "CRITBOARD_MAX_IMAGE_PIXELS",
        default_value_t = 100_000_000,
        global = true
    )]
    pub max_image_pixels: u64,

    /// Largest picture side accepted, in pixels.
    #[arg(
        long,
        env = "CRITBOARD_MAX_IMAGE_SIDE",
        default_value_t = 32_768,
        global = true
    )]
    pub max_image_side: u32,

    /// Background jobs (thumbnails, clean-up) run at once on this node; 0
    /// for a node that only serves requests. Each thumbnail can take a few
    /// hundred MB for the largest pictures.
    #[arg(
        long,
        env = "CRITBOARD_JOB_WORKERS",
        default_value_t = 1,
        global = true
    )]
    pub job_workers: usize,

    /// The browser for website captures. Unset: the first of chromium,
    /// chromium-headless-shell, google-chrome found on PATH. Without one,
    /// captures are refused with a clear message and all else works.
    #[arg(long, env = "CRITBOARD_CHROMIUM", global = true)]
    pub chromium: Option<PathBuf>,

    /// Website captures run at once on this node (each takes a browser
    /// tab and a few hundred MB); 0 for a node that captures nothing.
    #[arg(
        long,
        env = "CRITBOARD_CAPTURE_WORKERS",
        default_value_t = 1,
        global = true
    )]
    pub capture_workers: usize,

    /// Let captures reach private, loopback and carrier-grade NAT addresses
    /// on any port but well-known service ports (intranet staging sites).
    /// Link-local and cloud metadata addresses stay refused.
    #[arg(long, env = "CRITBOARD_CAPTURE_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub capture_allow_private: bool,

    /// Seconds a page may take to load before its capture fails.
    #[arg(
        long,
        env = "CRITBOARD_CAPTURE_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub capture_timeout: u64,

    /// Tallest capture in CSS px; taller pages are cut there (and say so).
    #[arg(
        long,
        env = "CRITBOARD_CAPTURE_MAX_HEIGHT",
        default_value_t = 20_000,
        global = true
    )]
    pub capture_max_height: u32,

    /// Captures one person may ask for per minute (each width counts).
    #[arg(
        long,
        env = "CRITBOARD_CAPTURE_RATE_LIMIT",
        default_value_t = 20,
        global = true
    )]
    pub capture_rate_limit: u32,

    /// Largest number of database connections per node.
    #[arg(
        long,
        env = "CRITBOARD_DB_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub db_max_connections: u32,

    /// Apply pending database migrations when the server starts. Turn off
    /// when a release step runs `critboard migrate` instead.
    #[arg(long, env = "CRITBOARD_AUTO_MIGRATE", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub auto_migrate: bool,

    /// Days a sign-in session lasts.
    #[arg(
        long,
        env = "CRITBOARD_SESSION_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub session_days: u32,

    /// Sign-in and sign-up attempts allowed per e-mail address per minute;
    /// each client IP gets three times as many.
    #[arg(
        long,
        env = "CRITBOARD_AUTH_RATE_LIMIT",
        default_value_t = 10,
        global = true
    )]
    pub auth_rate_limit: u32,

    /// Threads and comments a share-link guest may post or change per
    /// minute; each client IP gets three times as many.
    #[arg(
        long,
        env = "CRITBOARD_GUEST_RATE_LIMIT",
        default_value_t = 20,
        global = true
    )]
    pub guest_rate_limit: u32,

    /// Take the client IP from the last X-Forwarded-For entry (set this only
    /// behind a reverse proxy that writes that header).
    #[arg(long, env = "CRITBOARD_TRUST_PROXY", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub trust_proxy: bool,

    /// Web origins whose pages may call the API (`/api/…`) from another
    /// origin with the browser's cookies: comma-separated exact origins
    /// such as `https://review.example.com` (no `*`). Empty: no
    /// cross-origin access.
    #[arg(
        long,
        env = "CRITBOARD_CORS_ORIGINS",
        default_value = "",
        hide_default_value = true,
        global = true
    )]
    pub cors_origins: CorsOrigins,

    /// Log format: "pretty" for people, "json" for log collectors.
    #[arg(
        long,
        env = "CRITBOARD_LOG_FORMAT",
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,

    /// Log filter in tracing's syntax, e.g. "info" or "critboard=debug".
    #[arg(long, env = "CRITBOARD_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Add an `X-Query-Count` header with the number of SQL statements each
    /// request ran (used by tests and benchmarks; off in production).
    #[arg(long, env = "CRITBOARD_QUERY_COUNT_HEADER", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub query_count_header: bool,

    /// On SIGTERM or SIGINT, how long in-flight requests and running jobs
    /// may take to finish, in seconds; jobs still running then are given
    /// back to the queue.
    #[arg(
        long,
        env = "CRITBOARD_SHUTDOWN_SECONDS",
        default_value_t = 20,
        global = true
    )]
    pub shutdown_seconds: u64,

    /// Keep each route's recent requests for the admins' Performance page
    /// (a few µs per request; `docs/benchmarks.md` has the figure).
    #[arg(long, env = "CRITBOARD_PERFORMANCE_VIEW", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub performance_view: bool,

    /// A bearer token `/metrics` requires. Unset: `/metrics` is open, so
    /// keep it internal (block it at the proxy).
    #[arg(long, env = "CRITBOARD_METRICS_TOKEN", global = true)]
    pub metrics_token: Option<String>,

    /// Also send errors to Sentry or GlitchTip at this DSN, with the same
    /// grouping as the built-in error list.
    #[arg(long, env = "CRITBOARD_SENTRY_DSN", global = true)]
    pub sentry_dsn: Option<String>,
}

/// The origins allowed cross-origin access, as browsers send them in the
/// `Origin` header (`scheme://host[:port]`, lower case, no default port).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsOrigins(Vec<HeaderValue>);

impl CorsOrigins {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, origin: &HeaderValue) -> bool {
        self.0.contains(origin)
    }

    pub fn iter(&self) -> impl Iterator<Item = &HeaderValue> {
        self.0.iter()
    }
}

impl FromStr for CorsOrigins {
    type Err = String;

    /// A comma-separated list; blanks around entries and empty entries are
    /// ignored, anything else that is not one origin is refused.
    fn from_str(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(parse_origin)
            .collect::<Result<_, _>>()
            .map(CorsOrigins)
    }
}

/// One origin, normalised the way browsers write it (so that
/// `https://Review.example.com:443/` matches), or why it is not one.
fn parse_origin(raw: &str) -> Result<HeaderValue, String> {
    if raw.contains('*') {
        // The CORS protocol forbids a wildcard on requests with
        // credentials, and allowing any site to act with a user's session
        // would undo the CSRF defence.
        return Err(format!(
            "`{raw}`: wildcards are not allowed because cross-origin requests may carry \
             the user's cookies; list each origin, e.g. https://review.example.com"
        ));
    }
    let refuse = |why: &str| {
        format!("`{raw}` is not an origin ({why}); write scheme://host[:port], e.g. https://review.example.com")
    };
    let url = url::Url::parse(raw).map_err(|e| refuse(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("the scheme must be http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("an origin has no user name or password"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("an origin has no path, query or fragment"));
    }
    HeaderValue::from_str(&url.origin().ascii_serialization()).map_err(|e| refuse(&e.to_string()))
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The listen address when none is chosen.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Config {
    /// Platform conventions (Heroku, Dokku, Render…): listen on all
    /// interfaces at `PORT` when no listen address was chosen, and use
    /// `DATABASE_URL` when `CRITBOARD_DATABASE_URL` is not set. `var` reads
    /// the environment.
    pub fn with_platform_env(mut self, var: impl Fn(&str) -> Option<String>) -> Self {
        let chosen = var("CRITBOARD_LISTEN").is_some()
            || DEFAULT_LISTEN.parse::<SocketAddr>().ok() != Some(self.listen);
        if !chosen {
            if let Some(port) = var("PORT").and_then(|p| p.trim().parse::<u16>().ok()) {
                self.listen = SocketAddr::from(([0, 0, 0, 0], port));
            }
        }
        if self.database_url.is_none() {
            self.database_url = var("DATABASE_URL").filter(|u| !u.trim().is_empty());
        }
        self
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("critboard.db").display()))
    }

    pub fn storage_root(&self) -> std::path::PathBuf {
        self.data_dir.join("objects")
    }

    pub fn image_limits(&self) -> critboard_files::Limits {
        critboard_files::Limits {
            max_pixels: self.max_image_pixels,
            max_side: self.max_image_side,
        }
    }

    /// How this node captures websites.
    pub fn capture_settings(&self) -> critboard_capture::Settings {
        let limits = self.image_limits();
        let load = std::time::Duration::from_secs(self.capture_timeout.max(1));
        critboard_capture::Settings {
            chromium: self.chromium.clone(),
            workdir: self.data_dir.join("tmp"),
            policy: critboard_capture::Policy {
                allow_private: self.capture_allow_private,
            },
            workers: self.capture_workers.max(1),
            load_timeout: load,
            // Loading, the lazy-load pass, and the tiles of a tall page.
            capture_timeout: load * 2 + std::time::Duration::from_secs(60),
            max_height: self.capture_max_height.max(1),
            max_side: limits.max_side,
            max_pixels: limits.max_pixels,
            ..Default::default()
        }
    }

    /// How this node opens and renders PDFs.
    pub fn deck_sandbox(&self) -> critboard_deck::Sandbox {
        let exe = self
            .pdf_worker_exe
            .clone()
            .or_else(|| std::env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("critboard"));
        let soffice = critboard_capture::find_program(
            self.soffice.as_deref(),
            &critboard_deck::office::SOFFICE,
        );
        critboard_deck::Sandbox::new(
            exe,
            critboard_deck::Limits {
                max_pages: self.max_pdf_pages.max(1),
                memory_bytes: self.pdf_memory_mb.max(64) << 20,
                ..Default::default()
            },
        )
        .with_converter(soffice.map(critboard_deck::Converter::new))
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Cookies are marked Secure whenever users reach us over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    fn config(args: &[&str]) -> super::Config {
        use clap::Parser;
        let mut all = vec!["critboard"];
        all.extend_from_slice(args);
        crate::cli::Cli::try_parse_from(all).unwrap().config
    }

    #[test]
    fn platform_conventions_apply_only_where_nothing_was_chosen() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let heroku = env(&[("PORT", "5123"), ("DATABASE_URL", "postgres://u:p@db/x")]);
        let c = config(&[]).with_platform_env(heroku);
        assert_eq!(c.listen.to_string(), "0.0.0.0:5123");
        assert_eq!(c.database_url.as_deref(), Some("postgres://u:p@db/x"));
        // Chosen on the command line or in CRITBOARD_… variables: kept.
        let c = config(&[
            "--listen",
            "127.0.0.1:9000",
            "--database-url",
            "sqlite://x.db",
        ])
        .with_platform_env(heroku);
        assert_eq!(c.listen.to_string(), "127.0.0.1:9000");
        assert_eq!(c.database_url.as_deref(), Some("sqlite://x.db"));
        let c = config(&[]).with_platform_env(env(&[
            ("PORT", "5123"),
            ("CRITBOARD_LISTEN", "127.0.0.1:8080"),
        ]));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        // Nothing set: the defaults.
        let c =
            config(&[]).with_platform_env(env(&[("PORT", "not a port"), ("DATABASE_URL", " ")]));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.database_url.is_none());
    }

    use super::CorsOrigins;

    fn origins(list: &str) -> Result<Vec<String>, String> {
        let parsed: CorsOrigins = list.parse()?;
        Ok(parsed
            .iter()
            .map(|o| o.to_str().unwrap().to_owned())
            .collect())
    }

    #[test]
    fn cors_origins_are_normalised_like_browsers_send_them() {
        assert_eq!(origins(""), Ok(vec![]));
        assert_eq!(origins(" , "), Ok(vec![]));
        assert_eq!(
            origins("https://Review.Example.com:443/, http://localhost:5173,"),
            Ok(vec![
                "https://review.example.com".to_owned(),
                "http://localhost:5173".to_owned()
            ])
        );
    }

    #[test]
    fn wildcard_and_malformed_cors_origins_are_refused() {
        let wildcard = origins("https://review.example.com,*").unwrap_err();
        assert!(wildcard.contains("cookies"), "{wildcard}");
        assert!(origins("https://*.example.com").is_err());
        for bad in [
            "review.example.com",
            "https://",
            "ftp://review.example.com",
            "https://review.example.com/app",
            "https://review.example.com?x=1",
            "https://ada@review.example.com",
            "null",
        ] {
            let err = origins(bad).unwrap_err();
            assert!(err.contains("is not an origin"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_wildcard_on_the_command_line_is_a_clear_error() {
        use clap::Parser;
        let parsed =
            crate::cli::Cli::try_parse_from(["critboard", "--cors-origins", "*"]).map(|_| ());
        let err = parsed.unwrap_err().to_string();
        assert!(err.contains("--cors-origins"), "{err}");
        assert!(err.contains("wildcards are not allowed"), "{err}");
        let ok = crate::cli::Cli::try_parse_from([
            "critboard",
            "--cors-origins",
            "https://review.example.com",
        ])
        .unwrap();
        assert!(!ok.config.cors_origins.is_empty());
    }
}
