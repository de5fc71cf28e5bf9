//! Test sites served on loopback, a stand-in internet, and ways to look
//! at what Chromium left running.

#![allow(dead_code)]

use critboard_capture::{Capturer, Network, Settings, Shot, Stage};
use futures_util::future::BoxFuture;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a test site answers for a path.
pub enum Reply {
    Page(String),
    File(&'static str, Vec<u8>),
    Status(u16, String),
    Redirect(String),
    /// Headers and the start of a page, then nothing, for ever.
    Trickle,
    /// No answer at all, for ever.
    Hang,
}

pub type Routes = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// An HTTP/1.1 server on 127.0.0.1 that counts its connections.
pub struct Site {
    pub addr: SocketAddr,
    pub connections: Arc<AtomicUsize>,
    pub paths: Arc<Mutex<Vec<String>>>,
}

impl Site {
    pub async fn start(routes: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Site {
        let routes: Routes = Arc::new(routes);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let (c, p) = (connections.clone(), paths.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, routes.clone(), p.clone()));
            }
        });
        Site {
            addr,
            connections,
            paths,
        }
    }

    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requested(&self, path: &str) -> bool {
        self.paths.lock().unwrap().iter().any(|p| p == path)
    }
}

async fn serve(mut stream: TcpStream, routes: Routes, paths: Arc<Mutex<Vec<String>>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    paths.lock().unwrap().push(path.clone());
    let (status, ctype, body, extra) = match routes(&path) {
        Reply::Page(html) => (
            200,
            "text/html; charset=utf-8",
            html.into_bytes(),
            String::new(),
        ),
        Reply::File(ctype, bytes) => (200, ctype, bytes, String::new()),
        Reply::Status(code, html) => (code, "text/html", html.into_bytes(), String::new()),
        Reply::Redirect(to) => (302, "text/plain", Vec::new(), format!("Location: {to}\r\n")),
        Reply::Trickle => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Still loading")
                .await;
            std::future::pending::<()>().await;
            return;
        }
        Reply::Hang => {
            std::future::pending::<()>().await;
            return;
        }
    };
    let reason = match status {
        200 => "OK",
        302 => "Found",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Whatever",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&body).await;
}

/// Files under a folder, with types by extension.
pub fn file(dir: &Path, path: &str) -> Reply {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_owned()
    };
    if Path::new(&rel)
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Reply::Status(404, "no".into());
    }
    let full = dir.join(rel);
    match std::fs::read(&full) {
        Ok(bytes) => {
            let ctype = match full.extension().and_then(|e| e.to_str()).unwrap_or("") {
                "html" => "text/html; charset=utf-8",
                "css" => "text/css",
                "js" => "text/javascript",
                "png" => "image/png",
                "jpg" | "jpeg" => "image/jpeg",
                "svg" => "image/svg+xml",
                "woff2" => "font/woff2",
                "woff" => "font/woff",
                "ttf" => "font/ttf",
                _ => "application/octet-stream",
            };
            Reply::File(ctype, bytes)
        }
        Err(_) => Reply::Status(404, "<h1>Not found</h1>".into()),
    }
}

/// A solid-colour PNG.
pub fn solid_png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_color(png::ColorType::Rgb);
    let mut writer = e.write_header().unwrap();
    let data: Vec<u8> = (0..w * h).flat_map(|_| rgb).collect();
    writer.write_image_data(&data).unwrap();
    drop(writer);
    out
}

/// Names and addresses of a pretend internet: names resolve as listed,
/// and connections to listed (public-looking) addresses go to loopback.
#[derive(Default)]
pub struct FakeNet {
    pub names: HashMap<String, Vec<IpAddr>>,
    pub routes: HashMap<SocketAddr, SocketAddr>,
    /// Every address the proxy tried to connect to.
    pub attempts: Mutex<Vec<SocketAddr>>,
}

impl FakeNet {
    /// `name` resolves to `public` (a public-looking address); port 80 of
    /// it is `site`.
    pub fn with_site(mut self, name: &str, public: &str, site: &Site) -> FakeNet {
        let ip: IpAddr = public.parse().unwrap();
        self.names.entry(name.to_owned()).or_default().push(ip);
        self.routes.insert(SocketAddr::new(ip, 80), site.addr);
        self
    }

    pub fn with_name(mut self, name: &str, ip: &str) -> FakeNet {
        self.names
            .entry(name.to_owned())
            .or_default()
            .push(ip.parse().unwrap());
        self
    }

    pub fn attempts(&self) -> Vec<SocketAddr> {
        self.attempts.lock().unwrap().clone()
    }
}

impl Network for FakeNet {
    fn resolve<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        let found = self.names.get(host).cloned().unwrap_or_default();
        Box::pin(async move { Ok(found) })
    }

    fn connect(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>> {
        self.attempts.lock().unwrap().push(addr);
        match self.routes.get(&addr).copied() {
            Some(to) => Box::pin(TcpStream::connect(to)),
            // Nothing but the listed sites exists on this internet.
            None => Box::pin(async { Err(io::Error::from(io::ErrorKind::ConnectionRefused)) }),
        }
    }
}

/// A picture decoded to RGB.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Picture {
    pub fn of(shot: &Shot) -> Picture {
        let mut r = png::Decoder::new(std::io::Cursor::new(&shot.png[..]))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        Picture {
            width: info.width,
            height: info.height,
            rgb: buf,
        }
    }

    pub fn at(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 3) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Rows whose pixel at `x` is (close to) `rgb`.
    pub fn rows_of(&self, x: u32, rgb: [u8; 3]) -> u32 {
        (0..self.height)
            .filter(|&y| close(self.at(x, y), rgb))
            .count() as u32
    }
}

pub fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 6)
}

/// Settings for a test: its own work folder, private targets allowed
/// (the sites are on loopback), short waits.
pub fn settings(workdir: &Path) -> Settings {
    Settings {
        workdir: workdir.to_owned(),
        policy: critboard_capture::Policy {
            allow_private: true,
        },
        load_timeout: Duration::from_secs(15),
        subresource_wait: Duration::from_secs(3),
        idle_close: Duration::from_secs(300),
        ..Settings::default()
    }
}

pub fn capturer(workdir: &Path) -> Capturer {
    let c = Capturer::new(settings(workdir));
    assert!(
        c.chromium().is_some(),
        "these tests need Chromium (make test installs it)"
    );
    c
}

pub async fn shoot(
    c: &Capturer,
    url: &url::Url,
    width: u32,
) -> Result<Shot, critboard_capture::Failure> {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel::<Stage>();
    c.capture(url, width, &tx).await
}

/// Chromium processes working under `dir`, with their command lines.
pub fn processes_under(dir: &Path) -> Vec<String> {
    critboard_capture::browser_processes(dir)
        .into_iter()
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            format!(
                "{pid}: {}",
                String::from_utf8_lossy(&cmd).replace('\0', " ")
            )
        })
        .collect()
}

/// Waits up to 5 s for every process under `dir` to end and every
/// profile folder in it to be removed; what is left.
pub async fn leftovers(dir: &Path) -> Vec<String> {
    let left = || {
        let mut all = processes_under(dir);
        all.extend(profiles_in(dir).iter().map(|p| p.display().to_string()));
        // The browsers' TMPDIRs, made by this test process in the system's.
        let mine = format!(
            "{}{}-",
            critboard_capture::PROFILE_PREFIX,
            std::process::id()
        );
        all.extend(
            profiles_in(&std::env::temp_dir())
                .iter()
                .filter(|p| p.to_string_lossy().contains(&mine))
                .map(|p| p.display().to_string()),
        );
        all
    };
    for _ in 0..50 {
        if left().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    left()
}

pub fn profiles_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(critboard_capture::PROFILE_PREFIX))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[path = "corpus.rs"]
mod corpus_dir;
pub use corpus_dir::corpus;
