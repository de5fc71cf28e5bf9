//! PDF decks: real decks from several tools rendered page by page, threads
//! on pages carried to the next version, hostile files refused within
//! their limits, and who may see the pages.

use crate::corpus::corpus;
use crate::helpers::{spawn_app_with, Backend, TestApp, TestUser};
use crate::uploads::{board, complete, send, wait_ready};
use crate::{backend_tests, backend_tests_with_config};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

const PDF: &str = "application/pdf";

fn deck(name: &str) -> Vec<u8> {
    std::fs::read(corpus().join("decks").join(name)).unwrap()
}

/// A PDF of the given objects (numbered from 1; object 1 is the catalog),
/// with a correct cross-reference table.
pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for o in offsets {
        writeln!(out, "{o:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

fn obj(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// One page of `w`×`h` pt drawing a red square.
fn one_page(w: u32, h: u32) -> Vec<u8> {
    pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Contents 4 0 R >>"
        )),
        stream("", b"1 0 0 rg 10 10 50 50 re f"),
    ])
}

/// A deck of `n` slides (720×405 pt), each with a bar as long as its
/// number.
fn slides(n: usize) -> Vec<u8> {
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 2 * i)).collect();
    let mut objects = vec![
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj(&format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            kids.join(" ")
        )),
    ];
    for i in 0..n {
        objects.push(obj(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 720 405] /Contents {} 0 R >>",
            4 + 2 * i
        )));
        let bar = format!("0.2 0.3 0.8 rg 40 180 {} 40 re f", 60 * (i + 1));
        objects.push(stream("", bar.as_bytes()));
    }
    pdf(&objects)
}

fn deflate(data: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for chunk in data {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap()
}

/// What a 422 says of `field`.
fn said(a: &crate::helpers::Answer, field: &str) -> String {
    let errors = a.body["errors"].as_array().cloned().unwrap_or_default();
    let e = errors.iter().find(|e| e["field"] == field);
    e.and_then(|e| e["message"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Uploads a PDF all the way; the completion's answer.
async fn upload_pdf(
    user: &TestUser,
    board: &str,
    name: &str,
    bytes: &[u8],
    asset: Option<&str>,
) -> crate::helpers::Answer {
    upload_slides(user, board, name, PDF, bytes, asset).await
}

/// Uploads a deck of type `ctype` all the way; the completion's answer.
async fn upload_slides(
    user: &TestUser,
    board: &str,
    name: &str,
    ctype: &str,
    bytes: &[u8],
    asset: Option<&str>,
) -> crate::helpers::Answer {
    let up = send(user, board, name, ctype, bytes, asset).await;
    complete(user, &up).await
}

async fn a_deck_is_rendered_page_by_page_and_threads_stay_on_their_page(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let bytes = deck("powerpoint-kubernetes-icons-vector.pdf");
    let done = upload_pdf(&ada, &b, "Kubernetes icons.pdf", &bytes, None)
        .await
        .expect(201);
    let asset = &done.body["asset"];
    assert_eq!(asset["kind"], "deck");
    assert_eq!(asset["title"], "Kubernetes icons");
    let v1 = &asset["current_version"];
    assert_eq!(v1["page_count"], 24);
    assert_eq!(
        (v1["width"].as_i64(), v1["height"].as_i64()),
        (Some(1600), Some(900))
    );
    assert_eq!(v1["content_type"], PDF);
    let id = asset["id"].as_str().unwrap();
    let ready = wait_ready(&ada, id).await;
    let v1 = &ready["current_version"];
    assert_eq!(v1["state"], "ready", "{v1:#}");
    assert_eq!(
        v1["thumbnails"]["grid"]["width"], 480,
        "the cover is the card"
    );
    let v1_id = v1["id"].as_str().unwrap().to_owned();
    let pages = ada
        .get(&format!("/api/v1/versions/{v1_id}/pages"))
        .await
        .expect(200);
    let items = pages.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 24);
    for (i, p) in items.iter().enumerate() {
        assert_eq!(p["number"], i + 1);
        assert_eq!(
            (p["width_pt"].as_f64(), p["height_pt"].as_f64()),
            (Some(720.0), Some(405.0))
        );
        assert_eq!(
            (p["view"]["width"].as_i64(), p["view"]["height"].as_i64()),
            (Some(1600), Some(900))
        );
        assert_eq!(p["grid"]["width"], 480);
    }
    // The pictures are served, and show what the page shows.
    let view = reqwest::get(items[4]["view"]["url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(view.headers()["content-type"], "image/jpeg");
    let jpeg = image::load_from_memory(&view.bytes().await.unwrap()).unwrap();
    assert_eq!((jpeg.width(), jpeg.height()), (1600, 900));
    assert!(
        jpeg.to_luma8().pixels().any(|p| p.0[0] < 128),
        "page 5 is not blank"
    );

    // A pin on page 5; pages that do not exist are refused.
    let t = ada
        .post(
            &format!("/api/v1/versions/{v1_id}/threads"),
            json!({"x": 0.5, "y": 0.5, "page": 5, "body": "Bigger icons"}),
        )
        .await
        .expect(201);
    assert_eq!(t.body["page"], 5);
    for page in [0, 25] {
        let bad = ada
            .post(
                &format!("/api/v1/versions/{v1_id}/threads"),
                json!({"x": 0.5, "y": 0.5, "page": page, "body": "?"}),
            )
            .await
            .expect(422);
        assert!(said(&bad, "page").contains("1 to 24"), "{:#}", bad.body);
    }
    let activity = ada
        .get(&format!("/api/v1/boards/{b}/activity"))
        .await
        .expect(200);
    let opened = activity.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"]["kind"] == "thread.opened")
        .unwrap();
    assert_eq!(opened["event"]["page"], 5, "readers can say page 5, #1");

    // A revised deck is a new version; the open thread of page 5 shows on
    // page 5 of it.
    let v2 = upload_pdf(&ada, &b, "Kubernetes icons v2.pdf", &slides(6), Some(id))
        .await
        .expect(201);
    assert_eq!(v2.body["asset"]["current_version"]["page_count"], 6);
    let v2_id = v2.body["asset"]["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let threads = ada
        .get(&format!("/api/v1/versions/{v2_id}/threads"))
        .await
        .expect(200);
    let carried = threads.body["open_on_previous_version"].as_array().unwrap();
    assert_eq!(carried.len(), 1);
    assert_eq!(
        (carried[0]["page"].as_i64(), carried[0]["number"].as_i64()),
        (Some(5), Some(1))
    );
    // A picture is no version of a deck, nor a deck of a picture.
    let png = crate::uploads::png(100, 100);
    let wrong = ada
        .post(&format!("/api/v1/boards/{b}/uploads"), json!({"file_name": "a.png", "content_type": "image/png", "size": png.len(), "asset_id": id}))
        .await
        .expect(422);
    assert!(said(&wrong, "content_type").contains("must be a PDF"));
    wait_ready(&ada, id).await;

    // Deleting the deck deletes every page's pictures.
    ada.delete(&format!("/api/v1/assets/{id}"))
        .await
        .expect(204);
    app.jobs_settled().await;
    let left = crate::uploads::objects(&app);
    assert!(left.iter().all(|k| !k.starts_with("p/")), "{left:?}");
}

/// Every corpus deck opens with its page count and first page's size, and
/// every page renders: slides from PowerPoint, Keynote, Google Slides and
/// LaTeX, a report, and scans (one page of 81 megapixels).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_deck_renders_every_page() {
    let sandbox =
        critboard_deck::Sandbox::new(env!("CARGO_BIN_EXE_critboard").into(), Default::default());
    let expected = [
        ("beamer-sms-otp-2fa-bsides-dfw-2016.pdf", 60, (1600, 1200)),
        (
            "googleslides-k8s-new-contributor-orientation.pdf",
            72,
            (1600, 900),
        ),
        (
            "googleslides-ossf-best-practices-badges-oss-na-2023.pdf",
            31,
            (1600, 900),
        ),
        (
            "keynote-mesoscon2017-streaming-pipelines.pdf",
            47,
            (1600, 900),
        ),
        ("keynote-nlp-summit-2020-ray.pdf", 26, (1600, 900)),
        ("keynote5-hive-sql-for-hadoop-2014.pdf", 48, (1600, 1434)),
        ("powerpoint-kubernetes-icons-vector.pdf", 24, (1600, 900)),
        (
            "report-indesign-cncf-cloud-native-security-whitepaper-v2.pdf",
            55,
            (1600, 2071),
        ),
        ("scan-epson-printer-ccitt.pdf", 1, (1600, 2262)),
        ("scan-ocrmypdf-multipage.pdf", 6, (1600, 1962)),
    ];
    for (name, pages, cover) in expected {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(critboard_deck::INPUT), deck(name)).unwrap();
        let mut seen = 0;
        let outline = sandbox.render(dir.path(), |n, _| seen = n).await.unwrap();
        assert_eq!(outline.pages.len(), pages, "{name}");
        assert_eq!(outline.cover_pixels(), cover, "{name}");
        assert_eq!(seen, pages, "{name}: progress reached the last page");
        for n in 1..=pages {
            let png = dir.path().join(critboard_deck::page_file(n));
            let (w, h) =
                image::image_dimensions(&png).unwrap_or_else(|e| panic!("{name} page {n}: {e}"));
            let (ew, eh) = outline.pages[n - 1].pixels();
            assert!(
                w.abs_diff(ew) <= 1 && h.abs_diff(eh) <= 1,
                "{name} page {n}: {w}×{h}"
            );
        }
    }
}

/// Hostile PDFs: each is refused (or rendered within its limits) with a
/// 422 that says why, nothing of it is kept, and the server carries on.
async fn hostile_pdfs_are_refused_within_their_limits(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |c| {
        c.pdf_memory_mb = 256;
        c.max_pdf_pages = 300;
    })
    .await
    else {
        return;
    };
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    // 512 MiB of spaces, compressed twice: 2 KB that expands beyond the
    // worker's 256 MB.
    let inner = deflate((0..512).map(|_| vec![b' '; 1 << 20]));
    let bomb = deflate([inner]);
    assert!(bomb.len() < 10_000, "{}", bomb.len());
    let nested_bomb = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"),
        stream("/Filter [/FlateDecode /FlateDecode]", &bomb),
    ]);
    let many: Vec<Vec<u8>> = {
        let kids: Vec<String> = (0..10_000).map(|i| format!("{} 0 R", i + 4)).collect();
        let mut objects = vec![
            obj("<< /Type /Catalog /Pages 2 0 R >>"),
            obj(&format!(
                "<< /Type /Pages /Kids [{}] /Count 10000 >>",
                kids.join(" ")
            )),
            stream("", b"0 0 1 rg 0 0 10 10 re f"),
        ];
        objects.extend((0..10_000).map(|_| {
            obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 3 0 R >>")
        }));
        objects
    };
    let encrypted = {
        let mut p = pdf(&[
            obj("<< /Type /Catalog /Pages 2 0 R >>"),
            obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"),
            obj(&format!(
                "<< /Filter /Standard /V 1 /R 2 /P -4 /O <{o}> /U <{u}> >>",
                o = "ab".repeat(32),
                u = "cd".repeat(32)
            )),
        ]);
        // The trailer names the handler: opening needs the (unknown) password.
        let at = p.windows(7).position(|w| w == b"/Root 1").unwrap();
        p.splice(at..at, b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ".iter().copied());
        p
    };
    let real = deck("powerpoint-kubernetes-icons-vector.pdf");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("nested compression bomb", nested_bomb, "memory"),
        ("10,000 pages", pdf(&many), "10000 pages; the limit is 300"),
        ("encrypted", encrypted, "password"),
        ("truncated", real[..real.len() / 3].to_vec(), "damaged"),
        (
            "really HTML",
            b"<html><body><h1>%PDF-1.4</h1><script>alert(1)</script></body></html>".to_vec(),
            "not a PDF",
        ),
        (
            "no pages",
            pdf(&[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [] /Count 0 >>"),
            ]),
            "no pages",
        ),
        (
            "a 1 pt strip",
            one_page(1, 400),
            "page 1 has no usable size",
        ),
    ];
    for (what, bytes, why) in cases {
        let started = Instant::now();
        let refused = upload_pdf(&ada, &b, &format!("{what}.pdf"), &bytes, None)
            .await
            .expect(422);
        let reason = said(&refused, "file");
        assert!(reason.contains(why), "{what}: {reason:?}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} took {:?}",
            started.elapsed()
        );
    }
    // Nothing of them is kept: no asset, no object.
    let assets = ada
        .get(&format!("/api/v1/boards/{b}/assets"))
        .await
        .expect(200);
    assert_eq!(assets.body["items"].as_array().unwrap().len(), 0);
    assert!(
        crate::uploads::objects(&app).is_empty(),
        "{:?}",
        crate::uploads::objects(&app)
    );

    // Files that only look dangerous render, within their limits.
    let huge = one_page(14_400, 14_400);
    let cycle = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R >>"),
        stream("", b"0 1 0 rg 0 0 100 100 re f"),
    ]);
    let self_drawing = pdf(&[
        obj("<< /Type /Catalog /Pages 2 0 R >>"),
        obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>"),
        stream("", b"/X Do"),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 400 300] /Resources << /XObject << /X 5 0 R >> >>", b"0 0 1 rg 0 0 20 20 re f /X Do"),
    ]);
    let deep = {
        let ops = "q ".repeat(100_000)
            + &"Q ".repeat(100_000)
            + &"[".repeat(50_000)
            + &"]".repeat(50_000);
        pdf(&[
            obj("<< /Type /Catalog /Pages 2 0 R >>"),
            obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R >>"),
            stream("", ops.as_bytes()),
        ])
    };
    for (what, bytes, size) in [
        ("huge MediaBox", huge, (1600, 1600)),
        ("page-tree cycle", cycle, (1600, 1200)),
        ("self-drawing XObject", self_drawing, (1600, 1200)),
        ("deep nesting", deep, (1600, 1200)),
    ] {
        let done = upload_pdf(&ada, &b, &format!("{what}.pdf"), &bytes, None)
            .await
            .expect(201);
        let v = &done.body["asset"]["current_version"];
        assert_eq!(
            (v["width"].as_i64(), v["height"].as_i64()),
            (Some(size.0), Some(size.1)),
            "{what}"
        );
        let id = done.body["asset"]["id"].as_str().unwrap().to_owned();
        let ready = wait_ready(&ada, &id).await;
        assert_eq!(
            ready["current_version"]["state"], "ready",
            "{what}: {:#}",
            ready["current_version"]
        );
    }
    // The server carries on.
    ada.get("/api/v1/me").await.expect(200);
}

/// Who may see a deck's pages: as for pictures (an outsider gets 404);
/// a guest of a commenter link sees them and comments on a page.
async fn deck_pages_follow_the_role_table(app: TestApp) {
    let ada = app.user("Ada").await;
    let eve = app.user("Eve").await;
    let b = board(&app, &ada, &[]).await;
    let done = upload_pdf(&ada, &b, "Deck.pdf", &slides(3), None)
        .await
        .expect(201);
    let id = done.body["asset"]["id"].as_str().unwrap().to_owned();
    let v = done.body["asset"]["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_ready(&ada, &id).await;
    eve.get(&format!("/api/v1/versions/{v}/pages"))
        .await
        .expect(404);
    app.anon()
        .get(&format!("/api/v1/versions/{v}/pages"))
        .await
        .expect(401);
    let link = crate::sharing::link(&ada, &b, json!({"role": "commenter"})).await;
    let guest = crate::sharing::guest(&app, &link, "Client").await;
    let pages = guest
        .get(&format!("/api/v1/versions/{v}/pages"))
        .await
        .expect(200);
    assert_eq!(pages.body["items"].as_array().unwrap().len(), 3);
    let t = guest
        .post(
            &format!("/api/v1/versions/{v}/threads"),
            json!({"x": 0.2, "y": 0.3, "page": 3, "body": "Last slide: typo"}),
        )
        .await
        .expect(201);
    assert_eq!(t.body["page"], 3);
}

const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const ODP: &str = "application/vnd.oasis.opendocument.presentation";

/// Three slides (a bar as long as the slide's number, and its title) in
/// `ext` format, written by LibreOffice from a flat OpenDocument file made
/// here, outside any sandbox.
fn office_slides(ext: &str) -> Vec<u8> {
    let soffice = critboard_capture::find_program(None, &critboard_deck::office::SOFFICE)
        .expect("these tests need LibreOffice (make test installs libreoffice-impress)");
    let dir = tempfile::tempdir().unwrap();
    let slides: String = (1..=3)
        .map(|n| {
            format!(
                r#"<draw:page draw:name="s{n}">
                  <draw:rect svg:x="2cm" svg:y="8cm" svg:width="{w}cm" svg:height="2cm"/>
                  <draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm">
                    <draw:text-box><text:p>Slide {n}</text:p></draw:text-box></draw:frame>
                </draw:page>"#,
                w = 6 * n
            )
        })
        .collect();
    let flat = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
 <office:body><office:presentation>{slides}</office:presentation></office:body>
</office:document>"#
    );
    std::fs::write(dir.path().join("slides.fodp"), flat).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let status = std::process::Command::new(soffice)
        .args([
            "--headless",
            "--norestore",
            &profile,
            "--convert-to",
            ext,
            "slides.fodp",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(dir.path().join(format!("slides.{ext}"))).unwrap()
}

/// PowerPoint and OpenDocument slides are converted to PDF by LibreOffice
/// in the sandbox and rendered as any deck; the original stays the
/// version's file.
async fn slides_are_converted_by_libreoffice_and_keep_their_original(app: TestApp) {
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    let pptx = office_slides("pptx");
    let done = upload_slides(&ada, &b, "Pitch.pptx", PPTX, &pptx, None)
        .await
        .expect(201);
    let asset = &done.body["asset"];
    assert_eq!(asset["kind"], "deck");
    assert_eq!(asset["title"], "Pitch");
    assert_eq!(asset["current_version"]["content_type"], PPTX);
    let id = asset["id"].as_str().unwrap().to_owned();
    let ready = wait_ready(&ada, &id).await;
    let v1 = &ready["current_version"];
    assert_eq!(v1["state"], "ready", "{v1:#}");
    assert_eq!(v1["page_count"], 3);
    assert_eq!(v1["width"], 1600);
    assert_eq!(v1["thumbnails"]["grid"]["width"], 480);
    let v1_id = v1["id"].as_str().unwrap().to_owned();
    let pages = ada
        .get(&format!("/api/v1/versions/{v1_id}/pages"))
        .await
        .expect(200);
    let items = pages.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    // Each page shows its own slide: the bars differ in length.
    let mut dark = Vec::new();
    for p in items {
        let view = reqwest::get(p["view"]["url"].as_str().unwrap())
            .await
            .unwrap();
        let jpeg = image::load_from_memory(&view.bytes().await.unwrap()).unwrap();
        dark.push(jpeg.to_luma8().pixels().filter(|p| p.0[0] < 200).count());
    }
    assert!(
        dark[0] > 0 && dark[0] < dark[1] && dark[1] < dark[2],
        "{dark:?}"
    );
    // The original file is kept, byte for byte, with its own type.
    let file = reqwest::get(v1["file_url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(file.headers()["content-type"], PPTX);
    assert_eq!(file.bytes().await.unwrap().as_ref(), &pptx[..]);

    // A thread on page 3, carried to page 3 of a revision in OpenDocument.
    ada.post(
        &format!("/api/v1/versions/{v1_id}/threads"),
        json!({"x": 0.5, "y": 0.5, "page": 3, "body": "Longer bar?"}),
    )
    .await
    .expect(201);
    let odp = office_slides("odp");
    let v2 = upload_slides(&ada, &b, "Pitch v2.odp", ODP, &odp, Some(&id))
        .await
        .expect(201);
    let v2_id = v2.body["asset"]["current_version"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ready = wait_ready(&ada, &id).await;
    assert_eq!(ready["current_version"]["state"], "ready");
    assert_eq!(ready["current_version"]["page_count"], 3);
    let threads = ada
        .get(&format!("/api/v1/versions/{v2_id}/threads"))
        .await
        .expect(200);
    let carried = threads.body["open_on_previous_version"].as_array().unwrap();
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0]["page"], 3);
}

/// Files that claim to be slides and are not: refused at once when the
/// container is wrong, failed with LibreOffice's verdict when it cannot
/// open them; nothing half-made is left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn false_slides_are_refused_or_fail_saying_why() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    for (name, ctype, bytes, why) in [
        (
            "page.pptx",
            PPTX,
            b"<html><body>hi</body></html>".to_vec(),
            "not in PowerPoint format",
        ),
        (
            "old.ppt",
            "application/vnd.ms-powerpoint",
            b"PK\x03\x04 not OLE".to_vec(),
            "not in PowerPoint format",
        ),
        (
            "talk.key",
            "application/vnd.apple.keynote",
            b"%PDF-1.4".to_vec(),
            "not in Keynote format",
        ),
    ] {
        let refused = upload_slides(&ada, &b, name, ctype, &bytes, None)
            .await
            .expect(422);
        assert!(
            said(&refused, "file").contains(why),
            "{name}: {:#}",
            refused.body
        );
    }
    // A ZIP that is no presentation: LibreOffice cannot open it.
    let mut junk = b"PK\x03\x04".to_vec();
    junk.extend((0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let done = upload_slides(&ada, &b, "junk.pptx", PPTX, &junk, None)
        .await
        .expect(201);
    let id = done.body["asset"]["id"].as_str().unwrap().to_owned();
    let failed = wait_ready(&ada, &id).await;
    let v = &failed["current_version"];
    assert_eq!(v["state"], "failed", "{v:#}");
    assert!(
        v["failure"]
            .as_str()
            .unwrap()
            .contains("LibreOffice could not convert"),
        "{v:#}"
    );
    app.jobs_settled().await;
    let pages: Vec<String> = crate::uploads::objects(&app)
        .into_iter()
        .filter(|k| k.starts_with("p/"))
        .collect();
    assert!(pages.is_empty(), "{pages:?}");
}

/// Without LibreOffice, slides are refused before a byte is sent, saying
/// what to install; PDFs still work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_libreoffice_slides_are_refused_and_pdfs_work() {
    let app = spawn_app_with(Backend::Sqlite, |c| {
        c.soffice = Some("/nonexistent/soffice".into());
    })
    .await
    .unwrap();
    let ada = app.user("Ada").await;
    let b = board(&app, &ada, &[]).await;
    for (name, ctype) in [
        ("a.pptx", PPTX),
        ("a.odp", ODP),
        ("a.key", "application/x-iwork-keynote-sffkey"),
    ] {
        let refused = ada
            .post(
                &format!("/api/v1/boards/{b}/uploads"),
                json!({"file_name": name, "content_type": ctype, "size": 1000}),
            )
            .await
            .expect(422);
        let why = said(&refused, "content_type");
        assert!(
            why.contains("libreoffice-impress") && why.contains("PDF"),
            "{why}"
        );
    }
    let done = upload_pdf(&ada, &b, "Deck.pdf", &slides(2), None)
        .await
        .expect(201);
    let id = done.body["asset"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        wait_ready(&ada, &id).await["current_version"]["state"],
        "ready"
    );
}

/// The default data folder is relative (`./critboard-data`): the worker,
/// started in its folder, is still told where that is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relative_worker_folder_is_found() {
    let sandbox =
        critboard_deck::Sandbox::new(env!("CARGO_BIN_EXE_critboard").into(), Default::default());
    let dir = tempfile::tempdir_in(".").unwrap();
    let relative = dir
        .path()
        .strip_prefix(std::env::current_dir().unwrap())
        .unwrap();
    assert!(relative.is_relative(), "{relative:?}");
    std::fs::write(relative.join(critboard_deck::INPUT), slides(2)).unwrap();
    let outline = sandbox.check(relative).await.unwrap();
    assert_eq!(outline.pages.len(), 2);
}

/// What the converter runs as (`pdf-worker exec`) sees its folder and the
/// system, not a data folder beside it, and opens no TCP connection.
#[test]
fn the_converter_sees_only_its_folder_and_the_system() {
    let root = tempfile::tempdir().unwrap();
    let job = root.path().join("job");
    let data = root.path().join("data");
    std::fs::create_dir_all(&job).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(job.join("input.pptx"), "slides").unwrap();
    std::fs::write(data.join("critboard.db"), "secrets").unwrap();
    let exec = |program: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_critboard"))
            .args(["pdf-worker", "exec"])
            .arg(&job)
            .args(program)
            .output()
            .unwrap()
    };
    let own = exec(&["/bin/cat", job.join("input.pptx").to_str().unwrap()]);
    assert_eq!(own.stdout, b"slides", "{own:?}");
    let system = exec(&["/bin/cat", "/etc/hostname"]);
    assert!(system.status.success(), "{system:?}");
    let beside = exec(&["/bin/cat", data.join("critboard.db").to_str().unwrap()]);
    assert!(
        !beside.status.success() && beside.stdout.is_empty(),
        "{beside:?}"
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let tcp = exec(&[
        "/bin/bash",
        "-c",
        &format!("echo hi > /dev/tcp/127.0.0.1/{port}"),
    ]);
    assert!(!tcp.status.success(), "{tcp:?}");
    listener.set_nonblocking(true).unwrap();
    assert!(
        listener.accept().is_err(),
        "the converter reached a TCP port"
    );
}

backend_tests!(
    a_deck_is_rendered_page_by_page_and_threads_stay_on_their_page,
    deck_pages_follow_the_role_table,
    slides_are_converted_by_libreoffice_and_keep_their_original,
);
backend_tests_with_config!(hostile_pdfs_are_refused_within_their_limits);
