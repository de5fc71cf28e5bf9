//! Captures of real pages in the real browser: tall pages, lazy images,
//! sticky headers, the corpus sites, and what happens when pages or the
//! browser misbehave.

mod support;

use critboard_capture::{Capturer, Failure, Settings};
use std::time::Duration;
use support::*;

const HEADER: [u8; 3] = [200, 0, 200];
const HERO: [u8; 3] = [255, 200, 0];
const LAZY: [u8; 3] = [0, 200, 0];
const OBSERVED: [u8; 3] = [0, 0, 230];
const BANDS: u32 = 14;

fn band(i: u32) -> [u8; 3] {
    [20 + 12 * i as u8, 90, 170 - 6 * i as u8]
}

/// A 15,000 CSS px page (at 1440 wide): a sticky header, a `100vh` hero,
/// fourteen 1000 px bands of their own colour, an `img loading=lazy` in
/// band 8 and an image loaded by an IntersectionObserver in band 13.
fn tall_page() -> String {
    let mut bands = String::new();
    for i in 0..BANDS {
        let [r, g, b] = band(i);
        let img = match i {
            8 => r#"<img loading="lazy" src="/lazy.png">"#.to_owned(),
            13 => r#"<img id="observed" data-src="/observed.png">"#.to_owned(),
            _ => String::new(),
        };
        bands.push_str(&format!(
            r#"<div class="band" style="background:rgb({r},{g},{b})">{img}</div>"#
        ));
    }
    format!(
        r#"<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tall test page</title><style>
        body {{ margin: 0; font: 16px sans-serif }}
        header {{ position: sticky; top: 0; height: 60px; background: rgb(200,0,200); z-index: 10 }}
        .hero {{ height: 100vh; background: rgb(255,200,0) }}
        .band {{ height: 1000px; position: relative }}
        .band img {{ position: absolute; top: 100px; left: 50px; width: 200px; height: 200px }}
        footer {{ height: 40px; background: #fff }}
        </style></head><body>
        <header>Sticky header</header><section class="hero">Hero</section>{bands}<footer></footer>
        <script>
        new IntersectionObserver((seen, o) => seen.forEach((e) => {{
          if (e.isIntersecting) {{ e.target.src = e.target.dataset.src; o.unobserve(e.target); }}
        }})).observe(document.getElementById('observed'));
        </script></body></html>"#
    )
}

async fn tall_site() -> Site {
    let page = tall_page();
    Site::start(move |path| match path {
        "/" => Reply::Page(page.clone()),
        "/lazy.png" => Reply::File("image/png", solid_png(30, 30, LAZY)),
        "/observed.png" => Reply::File("image/png", solid_png(30, 30, OBSERVED)),
        _ => Reply::Status(404, "no".into()),
    })
    .await
}

/// Checks a capture of the tall page at `scale` device pixels per CSS px
/// with a viewport `vh` CSS px tall.
fn check_tall(p: &Picture, scale: u32, vh: u32) {
    let s = scale;
    let x = p.width - 10;
    assert_eq!(p.rows_of(x, HEADER), 60 * s, "the sticky header shows once");
    assert_eq!(
        p.rows_of(x, HERO),
        vh * s,
        "the 100vh hero keeps the viewport's height"
    );
    let top = 60 + vh;
    for i in 0..BANDS {
        let y = (top + i * 1000 + 700) * s;
        assert!(
            close(p.at(x, y), band(i)),
            "band {i} at {y}: {:?}",
            p.at(x, y)
        );
    }
    let lazy = (top + 8 * 1000 + 200) * s;
    assert!(
        close(p.at(150 * s, lazy), LAZY),
        "lazy image: {:?}",
        p.at(150 * s, lazy)
    );
    let observed = (top + 13 * 1000 + 200) * s;
    assert!(
        close(p.at(150 * s, observed), OBSERVED),
        "observed image: {:?}",
        p.at(150 * s, observed)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tall_page_is_captured_whole_at_desktop_and_mobile_widths() {
    let dir = tempfile::tempdir().unwrap();
    let site = tall_site().await;
    let c = capturer(dir.path());

    let desk = shoot(&c, &site.url("/"), 1440).await.unwrap();
    assert_eq!((desk.width, desk.height), (1440, 15_000));
    assert_eq!((desk.page_height, desk.truncated), (15_000, false));
    assert_eq!(desk.title, "Tall test page");
    assert_eq!(desk.repeated_tiles, 0);
    check_tall(&Picture::of(&desk), 1, 900);

    let phone = shoot(&c, &site.url("/"), 390).await.unwrap();
    // 60 + 844 + 14 × 1000 + 40 CSS px, at two pixels each.
    assert_eq!((phone.width, phone.height), (780, 2 * 14_944));
    check_tall(&Picture::of(&phone), 2, 844);
    assert_eq!(c.launches(), 1, "one browser serves both captures");

    c.shutdown().await;
    assert_eq!(leftovers(dir.path()).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_taller_than_the_limit_are_cut_there_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let site = tall_site().await;
    let c = Capturer::new(Settings {
        max_height: 5_000,
        ..settings(dir.path())
    });
    let shot = shoot(&c, &site.url("/"), 1440).await.unwrap();
    assert_eq!((shot.width, shot.height), (1440, 5_000));
    assert_eq!((shot.page_height, shot.truncated), (15_000, true));
    let p = Picture::of(&shot);
    // Band 3 spans 3960..4960: the last rows are still the page.
    assert!(close(p.at(1430, 4_990), band(4)), "{:?}", p.at(1430, 4_990));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_never_finishes_loading_fails_in_time_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(|path| match path {
        "/" => Reply::Trickle,
        _ => Reply::Hang,
    })
    .await;
    let c = Capturer::new(Settings {
        load_timeout: Duration::from_secs(3),
        ..settings(dir.path())
    });
    let started = std::time::Instant::now();
    let failed = shoot(&c, &site.url("/"), 1440).await.err().unwrap();
    assert_eq!(failed, Failure::Timeout(3));
    assert_eq!(failed.to_string(), "the page did not load in 3 s");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // The browser survives a page that hangs and serves the next capture.
    let tall = tall_site().await;
    shoot(&c, &tall.url("/"), 1440).await.unwrap();
    assert_eq!(c.launches(), 1);
    c.shutdown().await;
    assert_eq!(leftovers(dir.path()).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_that_never_arrives_does_not_hold_up_the_capture() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(|path| match path {
        "/" => Reply::Page(
            r#"<html><head><title>Slow image</title></head><body style="margin:0;background:rgb(0,128,255)">
            <img src="/never.png" width="100" height="100"><p>Text</p></body></html>"#
                .into(),
        ),
        _ => Reply::Hang,
    })
    .await;
    let c = capturer(dir.path());
    let shot = shoot(&c, &site.url("/"), 1440).await.unwrap();
    assert_eq!(shot.title, "Slow image");
    assert_eq!(shot.height, 900, "a short page fills the window");
    assert!(close(Picture::of(&shot).at(700, 500), [0, 128, 255]));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_pages_and_unreachable_sites_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(|path| match path {
        "/gone" => Reply::Status(404, "<h1>Nothing here</h1>".into()),
        "/broken" => Reply::Status(500, "<h1>Oops</h1>".into()),
        "/loop" => Reply::Redirect("/loop".into()),
        _ => Reply::Page("<title>ok</title>".into()),
    })
    .await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let c = capturer(dir.path());
    let said = |f: Failure| f.to_string();
    let gone = shoot(&c, &site.url("/gone"), 1440).await.err().unwrap();
    assert_eq!(said(gone), "the page answered 404 (Not Found)");
    let broken = shoot(&c, &site.url("/broken"), 1440).await.err().unwrap();
    assert_eq!(
        said(broken),
        "the page answered 500 (Internal Server Error)"
    );
    let looped = shoot(&c, &site.url("/loop"), 1440).await.err().unwrap();
    assert_eq!(said(looped), "the page redirects in a loop");
    let url = url::Url::parse(&format!("http://{closed}/")).unwrap();
    let refused = shoot(&c, &url, 1440).await.err().unwrap();
    assert_eq!(said(refused), "the site refused the connection");
    c.shutdown().await;
}

/// A public-looking site whose pages reach for internal addresses, with
/// private targets not allowed (the default).
async fn hostile_site() -> Site {
    Site::start(|path| match path {
        "/" => Reply::Page(
            r#"<html><head><title>Hostile</title><style>
            body { margin: 0; background: rgb(250,250,250) }
            img { display: block; width: 100px; height: 100px; background: rgb(250,250,250) }
            </style></head><body>
            <img id="a" src="http://10.0.0.7/secret.png">
            <img id="b" src="http://169.254.169.254/latest/meta-data/">
            <img id="c" src="http://rebind.test/secret.png">
            <img id="d" src="http://[::1]/secret.png">
            <img id="e" src="http://public.test:6379/secret.png">
            <img id="f" src="/ok.png">
            <script>
              try { new WebSocket('ws://127.0.0.1:8080/'); } catch (e) {}
              fetch('http://192.168.1.1/admin').catch(() => {});
            </script></body></html>"#
                .into(),
        ),
        "/ok.png" => Reply::File("image/png", solid_png(10, 10, [0, 150, 0])),
        "/away" => Reply::Redirect("http://127.0.0.1/admin".into()),
        "/away-by-name" => Reply::Redirect("http://rebind.test/admin".into()),
        _ => Reply::Status(404, "no".into()),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_addresses_are_refused_without_any_connection_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let site = hostile_site().await;
    let net = std::sync::Arc::new(
        FakeNet::default()
            .with_site("public.test", "93.184.216.34", &site)
            .with_name("rebind.test", "127.0.0.1"),
    );
    let c = Capturer::with_network(
        Settings {
            policy: critboard_capture::Policy::default(),
            ..settings(dir.path())
        },
        net.clone(),
    );
    let page = url::Url::parse("http://public.test/").unwrap();
    let shot = shoot(&c, &page, 1440).await.unwrap();
    assert_eq!(shot.title, "Hostile");
    let p = Picture::of(&shot);
    for (i, id) in ["10.0.0.7", "169.254.169.254", "rebind", "::1", ":6379"]
        .iter()
        .enumerate()
    {
        let y = i as u32 * 100 + 50;
        assert!(
            close(p.at(50, y), [250, 250, 250]),
            "{id} loaded: {:?}",
            p.at(50, y)
        );
    }
    assert!(
        close(p.at(50, 550), [0, 150, 0]),
        "the page's own image loads"
    );

    for (path, says) in [
        (
            "/away",
            "the address is not allowed: 127.0.0.1 is a loopback address",
        ),
        (
            "/away-by-name",
            "rebind.test leads to 127.0.0.1, a loopback address",
        ),
    ] {
        let url = page.join(path).unwrap();
        let refused = shoot(&c, &url, 1440).await.err().unwrap().to_string();
        assert!(refused.contains(says), "{path}: {refused}");
    }
    for direct in [
        "http://rebind.test/",
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0x7f.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://public.test:6379/",
    ] {
        let url = url::Url::parse(direct).unwrap();
        let refused = shoot(&c, &url, 1440).await.err().unwrap();
        assert!(
            matches!(refused, Failure::NotAllowed(_)),
            "{direct}: {refused}"
        );
    }
    let attempts = net.attempts();
    assert!(!attempts.is_empty());
    assert!(
        attempts.iter().all(|a| a.to_string() == "93.184.216.34:80"),
        "only the public site was contacted: {attempts:?}"
    );
    assert!(site.connections() > 0, "the public site itself was reached");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_sites_are_captured_at_both_widths() {
    let dir = tempfile::tempdir().unwrap();
    let sites = corpus().join("sites");
    let site = Site::start(move |path| file(&sites, path)).await;
    let c = capturer(dir.path());
    for (path, title, min_height) in [
        (
            "/startbootstrap-agency/",
            "Agency - Start Bootstrap Theme",
            4_000,
        ),
        (
            "/startbootstrap-sb-admin-2/index.html",
            "SB Admin 2 - Dashboard",
            1_500,
        ),
        (
            "/startbootstrap-sb-admin-2/login.html",
            "SB Admin 2 - Login",
            700,
        ),
    ] {
        for width in [1440, 390] {
            let shot = shoot(&c, &site.url(path), width).await.unwrap();
            let scale = if width == 390 { 2 } else { 1 };
            assert_eq!(shot.title, title);
            assert_eq!(shot.width, width * scale, "{path} at {width}");
            assert!(
                shot.height >= min_height * scale,
                "{path} at {width}: {}",
                shot.height
            );
            assert_eq!(shot.repeated_tiles, 0, "{path} at {width}");
            assert!(!shot.truncated);
            assert_eq!(shot.status, 200);
        }
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_banners_are_dismissed_by_refusing() {
    let dir = tempfile::tempdir().unwrap();
    let sites = corpus().join("sites");
    let site = Site::start(move |path| file(&sites, path)).await;
    let c = capturer(dir.path());
    let url = site.url("/cookieconsent-demo/demo/index.html");
    let shot = shoot(&c, &url, 1440).await.unwrap();
    let p = Picture::of(&shot);
    // The demo's consent box sits bottom right, white on the dark page;
    // refused, it is gone and the page shows there.
    for (x, y) in [(1300, 800), (1200, 750), (1100, 700)] {
        let [r, g, b] = p.at(x, y);
        assert!(
            r < 60 && g < 60 && b < 60,
            "consent box still at {x},{y}: {:?}",
            [r, g, b]
        );
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_is_reused_then_replaced_and_closed_when_idle() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(|_| Reply::Page("<title>small</title><p>Hello".into())).await;
    let c = Capturer::new(Settings {
        recycle_after: 2,
        idle_close: Duration::from_secs(1),
        ..settings(dir.path())
    });
    for _ in 0..3 {
        shoot(&c, &site.url("/"), 800).await.unwrap();
    }
    assert_eq!(c.launches(), 2, "replaced after two captures");
    assert!(
        !processes_under(dir.path()).is_empty(),
        "warm between captures"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(leftovers(dir.path()).await, Vec::<String>::new());
    // And starts again when needed.
    shoot(&c, &site.url("/"), 800).await.unwrap();
    assert_eq!(c.launches(), 3);
    c.shutdown().await;
    assert_eq!(leftovers(dir.path()).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_folder_deep_in_the_file_system_does_not_stop_the_browser() {
    // Chromium keeps a Unix socket in its TMPDIR, and socket paths end at
    // 107 bytes: a profile deep down must not be its TMPDIR.
    let dir = tempfile::tempdir().unwrap();
    let deep = dir
        .path()
        .join("srv-agency-review-tools")
        .join("critboard-data-of-the-design-team")
        .join("tmp");
    let site = Site::start(|_| Reply::Page("<title>Deep</title><p>Hello".into())).await;
    let c = capturer(&deep);
    let shot = shoot(&c, &site.url("/"), 800).await.unwrap();
    assert_eq!(shot.title, "Deep");
    c.shutdown().await;
    assert_eq!(leftovers(&deep).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_crash_fails_its_capture_and_the_next_one_gets_a_new_browser() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(|path| match path {
        "/hang" => Reply::Trickle,
        _ => Reply::Page("<title>fine</title>".into()),
    })
    .await;
    let c = capturer(dir.path());
    let url = site.url("/hang");
    let capture = {
        let c = c.clone();
        tokio::spawn(async move { shoot(&c, &url, 1440).await })
    };
    // Once the browser is loading the page (so it has started: a kill
    // earlier would be a failed launch, not a crash), kill its main process
    // (the one started with the pipe).
    while !site.requested("/hang") {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let main = loop {
        let found: Vec<i32> = processes_under(dir.path())
            .iter()
            .filter(|p| p.contains("--remote-debugging-pipe"))
            .filter_map(|p| p.split(':').next()?.parse().ok())
            .collect();
        if let Some(pid) = found.first() {
            break *pid;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // SAFETY: signalling a process this test started.
    unsafe { libc::kill(main, libc::SIGKILL) };
    let failed = capture.await.unwrap().err().unwrap();
    assert_eq!(failed, Failure::BrowserCrashed);
    assert_eq!(leftovers(dir.path()).await, Vec::<String>::new());
    let shot = shoot(&c, &site.url("/"), 1440).await.unwrap();
    assert_eq!(shot.title, "fine");
    assert_eq!(c.launches(), 2);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dialogs_pop_ups_downloads_and_prompts_do_not_stall_a_capture() {
    let dir = tempfile::tempdir().unwrap();
    let site = Site::start(|path| match path {
        "/" => Reply::Page(
            r#"<html><head><title>Pushy</title></head><body style="background:rgb(10,200,100)">
            <a id="dl" href="/file.zip" download>file</a>
            <script>
              alert('Hello!');
              confirm('Sure?');
              window.open('/popup', '_blank');
              navigator.geolocation && navigator.geolocation.getCurrentPosition(() => {}, () => {});
              Notification && Notification.requestPermission && Notification.requestPermission();
              document.getElementById('dl').click();
              setTimeout(() => alert('Later'), 300);
            </script></body></html>"#
                .into(),
        ),
        "/file.zip" => Reply::File("application/zip", vec![0x50, 0x4b, 3, 4]),
        _ => Reply::Page("<title>popup</title>".into()),
    })
    .await;
    let c = capturer(dir.path());
    let started = std::time::Instant::now();
    let shot = shoot(&c, &site.url("/"), 1440).await.unwrap();
    assert_eq!(shot.title, "Pushy");
    assert!(close(Picture::of(&shot).at(700, 600), [10, 200, 100]));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(!site.requested("/popup"), "pop-ups are not opened");
    let leftovers: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.ends_with("file.zip"))
        .collect();
    assert!(leftovers.is_empty(), "downloads are refused: {leftovers:?}");
    c.shutdown().await;
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out
}
