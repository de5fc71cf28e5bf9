#!/usr/bin/env python3
"""Decks end to end (issue 14): for each deck, the time `complete` takes
(the PDF is opened and checked in a worker) and the time from its answer to
the version being ready (every page rendered, thumbnailed and stored), on
the release binary with the default settings (one deck worker). The anchor,
in the same run: the worker alone rendering every page to PNG.

The 40-page deck of the issue is the first 40 pages of the corpus's
47-page Keynote deck, cut with pypdfium2 (pip install pypdfium2). Slides
(.pptx) are timed too when LibreOffice is installed; the .pptx is made by
LibreOffice from a flat OpenDocument file with N slides.

Usage: scripts/bench/deck.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402
from pdf import CORPUS  # noqa: E402

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def first_pages(src, n, out):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(src)
    new = pdfium.PdfDocument.new()
    new.import_pages(doc, list(range(n)))
    new.save(out)


def pptx(slides, folder):
    """A .pptx of `slides` slides (a title and a bar each), or None without LibreOffice."""
    soffice = shutil.which("soffice")
    if not soffice:
        return None
    pages = "".join(
        f'<draw:page draw:name="s{i}"><draw:rect svg:x="2cm" svg:y="8cm" svg:width="{2 + i % 20}cm" '
        f'svg:height="2cm"/><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm">'
        f'<draw:text-box><text:p>Slide {i}</text:p></draw:text-box></draw:frame></draw:page>'
        for i in range(1, slides + 1))
    flat = ('<?xml version="1.0" encoding="UTF-8"?><office:document '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.presentation"><office:body>'
            f'<office:presentation>{pages}</office:presentation></office:body></office:document>')
    src = os.path.join(folder, "slides.fodp")
    with open(src, "w") as f:
        f.write(flat)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "pptx", "--outdir", folder, src],
                   check=True, capture_output=True)
    return os.path.join(folder, "slides.pptx")


def render_only(path, work):
    """The anchor: the worker rendering every page to PNG, nothing else."""
    if not path.endswith(".pdf"):
        return "-"
    out = os.path.join(work, "pages")
    os.makedirs(out, exist_ok=True)
    t = time.monotonic()
    subprocess.run([F.BIN, "pdf-worker", "bench", path, out, "1600"], check=True, capture_output=True)
    shutil.rmtree(out)
    return f"{time.monotonic() - t:.2f}s"


def upload(c, board, path, ctype):
    size = os.path.getsize(path)
    up, _ = c.call("POST", f"/api/v1/boards/{board}/uploads",
                   {"file_name": os.path.basename(path), "content_type": ctype, "size": size})
    with open(path, "rb") as f:
        req = urllib.request.Request(up["target"]["url"], data=f.read(), method="PUT",
                                     headers=up["target"]["headers"])
    urllib.request.urlopen(req).read()
    t = time.monotonic()
    done, _ = c.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
    checked = time.monotonic() - t
    asset = done["asset"]["id"]
    t = time.monotonic()
    while True:
        a, _ = c.call("GET", f"/api/v1/assets/{asset}")
        v = a["current_version"]
        if v["state"] != "processing":
            break
        time.sleep(0.05)
    return checked, time.monotonic() - t, v


def main():
    work = tempfile.mkdtemp(prefix="critboard-deck-bench-")
    server, base, data, _ = F.start_server()
    try:
        c = F.Client(base)
        c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
        ws, _ = c.call("POST", "/api/v1/workspaces", {"name": "W"})
        board, _ = c.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "B"})
        decks = CORPUS / "decks"
        forty = os.path.join(work, "keynote-40-pages.pdf")
        first_pages(str(decks / "keynote-mesoscon2017-streaming-pipelines.pdf"), 40, forty)
        cases = [(forty, "application/pdf")]
        for name in ["powerpoint-kubernetes-icons-vector.pdf", "googleslides-k8s-new-contributor-orientation.pdf",
                     "beamer-sms-otp-2fa-bsides-dfw-2016.pdf",
                     "report-indesign-cncf-cloud-native-security-whitepaper-v2.pdf"]:
            cases.append((str(decks / name), "application/pdf"))
        slides = pptx(40, work)
        if slides:
            cases.append((slides, PPTX))
        else:
            print("LibreOffice not found: the .pptx case is skipped")
        print(f"{'deck':<62} {'pages':>5} {'complete':>9} {'to ready':>9} {'per page':>9} {'render only':>11}")
        for path, ctype in cases:
            checked, ready, v = upload(c, board["id"], path, ctype)
            pages = v["page_count"]
            if v["state"] != "ready":
                print(f"{os.path.basename(path):<62} failed: {v.get('failure')}")
                continue
            print(f"{os.path.basename(path):<62} {pages:>5} {checked:>8.2f}s {ready:>8.2f}s "
                  f"{ready / max(pages, 1) * 1000:>7.0f}ms {render_only(path, work):>11}")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
