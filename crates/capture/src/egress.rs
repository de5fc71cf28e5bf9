//! The only way out for a capture's browser: a proxy on loopback that
//! resolves every host itself, refuses addresses that are not on the public
//! internet, and connects to exactly the address it checked. Redirects,
//! subresources, WebSockets (tunnelled with CONNECT) and DNS rebinding all
//! meet the same check, because each hop is a new request through here.
//!
//! Chromium reaches it through the capture's browser context
//! (`proxyServer`, with `<-loopback>` so that loopback is not exempt).

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body_util::{combinators::BoxBody, BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Which targets a capture may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Also private, loopback and CGNAT addresses on any port (intranet
    /// staging sites, tests). Link-local (cloud metadata), multicast and
    /// reserved ranges stay refused.
    pub allow_private: bool,
}

/// Ports a public capture may use: the web's.
const WEB_PORTS: [u16; 4] = [80, 443, 8080, 8443];
/// Well-known non-web services, refused even on private networks.
const SERVICE_PORTS: [u16; 19] = [
    21, 22, 23, 25, 53, 110, 143, 465, 587, 993, 995, 1883, 2375, 2376, 3306, 4222, 5432, 6379,
    11211,
];
const MORE_SERVICE_PORTS: [u16; 4] = [5672, 9200, 15672, 27017];

impl Policy {
    pub fn port_allowed(self, port: u16) -> bool {
        if self.allow_private {
            port != 0 && !SERVICE_PORTS.contains(&port) && !MORE_SERVICE_PORTS.contains(&port)
        } else {
            WEB_PORTS.contains(&port)
        }
    }

    fn address_allowed(self, ip: IpAddr) -> Result<(), Range> {
        match classify(ip) {
            None => Ok(()),
            Some(range) if self.allow_private && range.private_network() => Ok(()),
            Some(range) => Err(range),
        }
    }
}

/// A range of addresses that is not the public internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Unspecified,
    Loopback,
    Private,
    /// 100.64.0.0/10, carrier-grade NAT.
    Shared,
    /// Includes 169.254.169.254, where clouds serve instance credentials.
    LinkLocal,
    Multicast,
    Documentation,
    Benchmarking,
    Reserved,
    /// 6to4, Teredo and similar relays that would reach an IPv4 address
    /// we cannot see.
    Transition,
    /// A cloud's instance metadata service outside the link-local range
    /// (AWS over IPv6, Alibaba Cloud): refused even where private
    /// networks are allowed.
    Metadata,
}

/// Metadata services that live inside ranges a private-network policy
/// would otherwise open (169.254.169.254 is link-local, never allowed).
const METADATA: [IpAddr; 2] = [
    // AWS's IPv6 endpoint (fd00:ec2::254), a ULA address.
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)),
    // Alibaba Cloud, inside 100.64/10.
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
];

impl Range {
    fn private_network(self) -> bool {
        matches!(
            self,
            Range::Loopback | Range::Private | Range::Shared | Range::Benchmarking
        )
    }

    fn name(self) -> &'static str {
        match self {
            Range::Unspecified => "an unspecified",
            Range::Loopback => "a loopback",
            Range::Private => "a private",
            Range::Shared => "a carrier-grade NAT",
            Range::LinkLocal => "a link-local",
            Range::Multicast => "a multicast",
            Range::Documentation => "a documentation",
            Range::Benchmarking => "a benchmarking",
            Range::Reserved => "a reserved",
            Range::Transition => "an IPv6 transition",
            Range::Metadata => "a cloud metadata",
        }
    }
}

/// The range `ip` belongs to, or `None` for a public address.
pub fn classify(ip: IpAddr) -> Option<Range> {
    // IPv4 forms inside IPv6 (mapped, NAT64) reach this through classify_v4.
    if METADATA.contains(&ip) {
        return Some(Range::Metadata);
    }
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Range> {
    if METADATA.contains(&IpAddr::V4(ip)) {
        return Some(Range::Metadata);
    }
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => Range::Unspecified,
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => Range::Private,
        (100, 64..=127, _) => Range::Shared,
        (127, _, _) => Range::Loopback,
        (169, 254, _) => Range::LinkLocal,
        (192, 0, 0) => Range::Reserved,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Range::Documentation,
        (192, 88, 99) => Range::Transition,
        (198, 18..=19, _) => Range::Benchmarking,
        (224..=239, _, _) => Range::Multicast,
        (240..=255, _, _) => Range::Reserved,
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<Range> {
    if ip.is_unspecified() {
        return Some(Range::Unspecified);
    }
    if ip.is_loopback() {
        return Some(Range::Loopback);
    }
    let s = ip.segments();
    // ::ffff:a.b.c.d and the NAT64 prefix reach an IPv4 address: judge it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return classify_v4(v4);
    }
    Some(match s[0] {
        0xff00..=0xffff => Range::Multicast,
        0xfe80..=0xfebf => Range::LinkLocal,
        0xfec0..=0xfeff => Range::Reserved,
        0xfc00..=0xfdff => Range::Private,
        0x2001 if s[1] < 0x0200 => Range::Transition, // Teredo, ORCHID, benchmarking…
        0x2001 if s[1] == 0x0db8 => Range::Documentation,
        0x2002 => Range::Transition, // 6to4
        0x3fff if s[1] < 0x1000 => Range::Documentation,
        // Global unicast is 2000::/3; everything else is unassigned or
        // deprecated (IPv4-compatible ::a.b.c.d among them).
        0x2000..=0x3fff => return None,
        _ => Range::Reserved,
    })
}

/// Why a target was refused (or could not be found), in words for the
/// person who asked for the capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Scheme(String),
    Credentials,
    Port(u16),
    Address {
        host: String,
        ip: IpAddr,
        range: Range,
    },
    NotFound(String),
    Malformed(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Scheme(s) => {
                write!(f, "only http and https addresses can be captured, not {s}:")
            }
            Refusal::Credentials => {
                f.write_str("the address must not contain a user name or password")
            }
            Refusal::Port(p) => write!(f, "port {p} is not a web port"),
            Refusal::Address { host, ip, range } if *host == ip.to_string() => {
                write!(
                    f,
                    "{ip} is {} address, which captures may not reach",
                    range.name()
                )
            }
            Refusal::Address { host, ip, range } => write!(
                f,
                "{host} leads to {ip}, {} address, which captures may not reach",
                range.name()
            ),
            Refusal::NotFound(host) => write!(f, "the site's address {host} could not be found"),
            Refusal::Malformed(why) => write!(f, "this is not a web address: {why}"),
        }
    }
}

impl std::error::Error for Refusal {}

/// Name resolution and connections, so tests can stand in for the
/// internet (a public-looking name that resolves to loopback, say).
pub trait Network: Send + Sync + 'static {
    fn resolve<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>>;
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>>;
}

/// The machine's resolver and sockets.
pub struct SystemNetwork;

impl Network for SystemNetwork {
    fn resolve<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let found = tokio::net::lookup_host((host, 0)).await?;
            Ok(found.map(|a| a.ip()).collect())
        })
    }

    fn connect(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>> {
        Box::pin(TcpStream::connect(addr))
    }
}

const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The addresses `host:port` may be reached at, or why not. A name is
/// refused whole when any of its addresses is not allowed, so that which
/// one a connection picks cannot matter.
pub async fn check(
    net: &dyn Network,
    policy: Policy,
    host: &str,
    port: u16,
) -> Result<Vec<SocketAddr>, Refusal> {
    if !policy.port_allowed(port) {
        return Err(Refusal::Port(port));
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return match policy.address_allowed(ip) {
            Ok(()) => Ok(vec![SocketAddr::new(ip, port)]),
            Err(range) => Err(Refusal::Address {
                host: ip.to_string(),
                ip,
                range,
            }),
        };
    }
    let name = bare.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() {
        return Err(Refusal::Malformed("the address has no host".into()));
    }
    let ips = match tokio::time::timeout(RESOLVE_TIMEOUT, net.resolve(&name)).await {
        Ok(Ok(ips)) if !ips.is_empty() => ips,
        _ => return Err(Refusal::NotFound(name)),
    };
    for &ip in &ips {
        if let Err(range) = policy.address_allowed(ip) {
            return Err(Refusal::Address {
                host: name,
                ip,
                range,
            });
        }
    }
    Ok(ips
        .into_iter()
        .map(|ip| SocketAddr::new(ip, port))
        .collect())
}

/// Checks a whole URL before a capture is queued: scheme, credentials,
/// port and host (as [`check`]).
pub async fn check_url(net: &dyn Network, policy: Policy, url: &url::Url) -> Result<(), Refusal> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::Scheme(url.scheme().to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Credentials);
    }
    let host = url
        .host_str()
        .ok_or_else(|| Refusal::Malformed("the address has no host".into()))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| Refusal::Malformed("the address has no port".into()))?;
    check(net, policy, host, port).await.map(|_| ())
}

/// What one capture may download and ask for.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub bytes: u64,
    pub requests: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            bytes: 256 * 1024 * 1024,
            requests: 3_000,
        }
    }
}

/// A request the proxy did not carry, and why.
#[derive(Debug, Clone)]
pub struct Blocked {
    pub host: String,
    pub reason: Refusal,
}

/// A request the proxy tried to carry but could not (connection refused,
/// timed out, budget spent).
#[derive(Debug, Clone)]
pub struct Failed {
    pub host: String,
    pub error: String,
}

struct Shared {
    net: Arc<dyn Network>,
    policy: Policy,
    budget: Budget,
    bytes: AtomicU64,
    requests: AtomicU32,
    blocked: Mutex<Vec<Blocked>>,
    failed: Mutex<Vec<Failed>>,
}

/// One capture's proxy. Dropping it ends every connection it carries.
pub struct Egress {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
}

impl Egress {
    pub async fn start(
        net: Arc<dyn Network>,
        policy: Policy,
        budget: Budget,
    ) -> io::Result<Egress> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            net,
            policy,
            budget,
            bytes: AtomicU64::new(0),
            requests: AtomicU32::new(0),
            blocked: Mutex::default(),
            failed: Mutex::default(),
        });
        let stop = CancellationToken::new();
        tokio::spawn(accept(listener, shared.clone(), stop.clone()));
        Ok(Egress { addr, shared, stop })
    }

    /// For Chromium's `proxyServer`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn blocked(&self) -> Vec<Blocked> {
        self.shared
            .blocked
            .lock()
            .map(|b| b.clone())
            .unwrap_or_default()
    }

    pub fn failed(&self) -> Vec<Failed> {
        self.shared
            .failed
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    /// Bytes received from sites so far.
    pub fn bytes(&self) -> u64 {
        self.shared.bytes.load(Ordering::Relaxed)
    }

    pub fn requests(&self) -> u32 {
        self.shared.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Egress {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    loop {
        let conn = tokio::select! {
            _ = stop.cancelled() => return,
            conn = listener.accept() => conn,
        };
        let Ok((stream, _)) = conn else { continue };
        let shared = shared.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let for_requests = stop.clone();
            let service = hyper::service::service_fn(move |req| {
                handle(req, shared.clone(), for_requests.clone())
            });
            let serve = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = serve => {}
            }
        });
    }
}

type Body = BoxBody<Bytes, hyper::Error>;

fn answer(status: StatusCode, text: String) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(text)).map_err(|e| match e {}).boxed());
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    stop: CancellationToken,
) -> Result<Response<Body>, Infallible> {
    if shared.requests.fetch_add(1, Ordering::Relaxed) >= shared.budget.requests {
        return Ok(answer(
            StatusCode::TOO_MANY_REQUESTS,
            "this page made too many requests".into(),
        ));
    }
    let (host, port) = match target(&req) {
        Ok(t) => t,
        Err(why) => return Ok(answer(StatusCode::BAD_REQUEST, why.into())),
    };
    let addrs = match check(&*shared.net, shared.policy, &host, port).await {
        Ok(addrs) => addrs,
        Err(reason) => {
            tracing::debug!(%host, %reason, "capture request refused");
            let text = reason.to_string();
            if let Ok(mut b) = shared.blocked.lock() {
                b.push(Blocked { host, reason });
            }
            return Ok(answer(StatusCode::FORBIDDEN, text));
        }
    };
    let upstream = match connect(&*shared.net, &addrs).await {
        Ok(s) => Metered {
            inner: s,
            shared: shared.clone(),
        },
        Err(e) => {
            let error = e.to_string();
            if let Ok(mut f) = shared.failed.lock() {
                f.push(Failed {
                    host: host.clone(),
                    error: error.clone(),
                });
            }
            return Ok(answer(StatusCode::BAD_GATEWAY, error));
        }
    };
    if req.method() == Method::CONNECT {
        tokio::spawn(async move {
            let tunnel = async move {
                let client = hyper::upgrade::on(req).await.map_err(io::Error::other)?;
                let mut client = TokioIo::new(client);
                let mut upstream = upstream;
                tokio::io::copy_bidirectional(&mut client, &mut upstream).await
            };
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = tunnel => {}
            }
        });
        return Ok(Response::new(Empty::new().map_err(|e| match e {}).boxed()));
    }
    Ok(forward(req, upstream, host, stop, shared).await)
}

/// Host and port of a proxy request: `CONNECT host:port` or an
/// absolute-form `http://` URI.
fn target(req: &Request<Incoming>) -> Result<(String, u16), &'static str> {
    let uri = req.uri();
    if req.method() == Method::CONNECT {
        let auth = uri.authority().ok_or("CONNECT needs host:port")?;
        return Ok((auth.host().to_owned(), auth.port_u16().unwrap_or(443)));
    }
    if uri.scheme_str() != Some("http") {
        return Err("this proxy carries http:// requests and CONNECT tunnels only");
    }
    let host = uri.host().ok_or("the request has no host")?;
    Ok((host.to_owned(), uri.port_u16().unwrap_or(80)))
}

async fn connect(net: &dyn Network, addrs: &[SocketAddr]) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for &addr in addrs {
        match tokio::time::timeout(CONNECT_TIMEOUT, net.connect(addr)).await {
            Ok(Ok(s)) => return Ok(s),
            Ok(Err(e)) => last = e,
            Err(_) => last = io::Error::new(io::ErrorKind::TimedOut, "the site did not answer"),
        }
    }
    Err(last)
}

/// Headers that concern one hop, never forwarded.
const HOP_BY_HOP: [HeaderName; 6] = [
    header::CONNECTION,
    header::PROXY_AUTHORIZATION,
    header::PROXY_AUTHENTICATE,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
];

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for h in &HOP_BY_HOP {
        headers.remove(h);
    }
    headers.remove("proxy-connection");
    headers.remove("keep-alive");
}

/// Sends a plain-http request on to the checked address and streams the
/// answer back.
async fn forward(
    req: Request<Incoming>,
    upstream: Metered,
    host: String,
    stop: CancellationToken,
    shared: Arc<Shared>,
) -> Response<Body> {
    let (mut sender, conn) =
        match hyper::client::conn::http1::handshake(TokioIo::new(upstream)).await {
            Ok(pair) => pair,
            Err(e) => return answer(StatusCode::BAD_GATEWAY, e.to_string()),
        };
    tokio::spawn(async move {
        tokio::select! {
            _ = stop.cancelled() => {}
            _ = conn => {}
        }
    });
    let (mut parts, body) = req.into_parts();
    parts.uri = match parts.uri.path_and_query() {
        Some(pq) => pq
            .as_str()
            .parse()
            .unwrap_or_else(|_| hyper::Uri::from_static("/")),
        None => hyper::Uri::from_static("/"),
    };
    strip_hop_by_hop(&mut parts.headers);
    match sender.send_request(Request::from_parts(parts, body)).await {
        Ok(resp) => {
            let (mut parts, body) = resp.into_parts();
            strip_hop_by_hop(&mut parts.headers);
            Response::from_parts(parts, body.boxed())
        }
        Err(e) => {
            if let Ok(mut f) = shared.failed.lock() {
                f.push(Failed {
                    host,
                    error: e.to_string(),
                });
            }
            answer(StatusCode::BAD_GATEWAY, e.to_string())
        }
    }
}

/// A connection to a site that counts what it receives and stops at the
/// capture's byte budget.
struct Metered {
    inner: TcpStream,
    shared: Arc<Shared>,
}

impl AsyncRead for Metered {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let got = (buf.filled().len() - before) as u64;
        let total = self.shared.bytes.fetch_add(got, Ordering::Relaxed) + got;
        if total > self.shared.budget.bytes {
            return Poll::Ready(Err(io::Error::other(
                "the page downloaded more than a capture may",
            )));
        }
        polled
    }
}

impl AsyncWrite for Metered {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(ip: &str) -> Option<Range> {
        classify(ip.parse().unwrap())
    }

    #[test]
    fn internal_ranges_are_recognised() {
        for (ip, want) in [
            ("127.0.0.1", Range::Loopback),
            ("127.255.0.9", Range::Loopback),
            ("0.0.0.0", Range::Unspecified),
            ("10.1.2.3", Range::Private),
            ("172.16.0.1", Range::Private),
            ("172.31.255.255", Range::Private),
            ("192.168.1.1", Range::Private),
            ("100.64.0.1", Range::Shared),
            ("169.254.169.254", Range::LinkLocal),
            ("224.0.0.1", Range::Multicast),
            ("255.255.255.255", Range::Reserved),
            ("192.0.2.7", Range::Documentation),
            ("::1", Range::Loopback),
            ("::", Range::Unspecified),
            ("::ffff:127.0.0.1", Range::Loopback),
            ("::ffff:169.254.169.254", Range::LinkLocal),
            ("64:ff9b::a9fe:a9fe", Range::LinkLocal),
            ("fe80::1", Range::LinkLocal),
            ("fd00::1", Range::Private),
            ("ff02::1", Range::Multicast),
            ("2001:db8::1", Range::Documentation),
            ("2002:7f00:1::", Range::Transition),
            ("2001:0:4136:e378::1", Range::Transition),
            ("::127.0.0.1", Range::Reserved),
            ("fd00:ec2::254", Range::Metadata),
            ("100.100.100.200", Range::Metadata),
            ("::ffff:100.100.100.200", Range::Metadata),
            ("64:ff9b::6464:64c8", Range::Metadata),
        ] {
            assert_eq!(range(ip), Some(want), "{ip}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::6810:85e5",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(range(ip), None, "{ip}");
        }
    }

    #[test]
    fn only_web_ports_unless_private_targets_are_allowed() {
        let public = Policy::default();
        assert!(public.port_allowed(443) && public.port_allowed(80));
        assert!(!public.port_allowed(6379) && !public.port_allowed(3000));
        let private = Policy {
            allow_private: true,
        };
        assert!(private.port_allowed(3000) && private.port_allowed(45678));
        assert!(!private.port_allowed(6379) && !private.port_allowed(5432));
        // Metadata services stay closed whatever the policy.
        for ip in ["169.254.169.254", "fd00:ec2::254", "100.100.100.200"] {
            assert!(
                private.address_allowed(ip.parse().unwrap()).is_err(),
                "{ip}"
            );
        }
        assert!(private
            .address_allowed("100.64.0.1".parse().unwrap())
            .is_ok());
        assert!(private.address_allowed("fd00::1".parse().unwrap()).is_ok());
    }

    struct Names(Vec<(&'static str, &'static str)>);

    impl Network for Names {
        fn resolve<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
            let ips = self
                .0
                .iter()
                .filter(|(n, _)| *n == host)
                .map(|(_, ip)| ip.parse().unwrap())
                .collect();
            Box::pin(async move { Ok(ips) })
        }
        fn connect(&self, _: SocketAddr) -> BoxFuture<'_, io::Result<TcpStream>> {
            Box::pin(async { Err(io::Error::other("no connections in this test")) })
        }
    }

    #[tokio::test]
    async fn urls_are_checked_before_anything_connects() {
        let net = Names(vec![
            ("public.example", "93.184.216.34"),
            ("rebind.example", "127.0.0.1"),
            ("mixed.example", "93.184.216.34"),
            ("mixed.example", "10.0.0.5"),
        ]);
        let policy = Policy::default();
        let verdict = |u: &'static str| {
            let net = &net;
            async move {
                let url = url::Url::parse(u).unwrap();
                check_url(net, policy, &url).await
            }
        };
        assert_eq!(verdict("https://public.example/pricing").await, Ok(()));
        for (u, says) in [
            ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
            ("http://0x7f.1/", "127.0.0.1 is a loopback"),
            ("http://2130706433/", "127.0.0.1 is a loopback"),
            ("http://[::1]/", "::1 is a loopback"),
            ("http://[::ffff:127.0.0.1]/", "loopback"),
            ("http://169.254.169.254/latest/meta-data/", "link-local"),
            (
                "http://rebind.example/",
                "rebind.example leads to 127.0.0.1",
            ),
            (
                "http://mixed.example/",
                "leads to 10.0.0.5, a private address",
            ),
            ("http://public.example:6379/", "port 6379 is not a web port"),
            ("http://ada:pw@public.example/", "user name or password"),
            ("file:///etc/passwd", "not file:"),
            ("javascript:alert(1)", "not javascript:"),
            ("data:text/html,hi", "not data:"),
            ("http://nowhere.example/", "could not be found"),
        ] {
            let err = verdict(u).await.unwrap_err().to_string();
            assert!(err.contains(says), "{u}: {err}");
        }
        // localhost is looked up like any name; the system resolver says loopback.
        let err = check_url(
            &SystemNetwork,
            policy,
            &url::Url::parse("http://localhost/").unwrap(),
        )
        .await
        .unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
    }
}
