#!/usr/bin/env python3
"""PDF renderers side by side on the corpus decks (issue 14, ADR 012).

For each deck and each renderer: wall seconds per page (whole process:
start, open, render every page at WIDTH px, write PNGs), peak RSS, and the
pixel difference of every page against pdftoppm's output.

  hayro   -- Critboard's own worker: `critboard pdf-worker render`
  pdfium  -- PDFium through pypdfium2 (pip install pypdfium2 pillow)
  poppler -- pdftoppm -scale-to-x WIDTH (apt install poppler-utils)

Usage: scripts/bench/pdf.py [--width 1600] [--critboard target/release/critboard]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("CRITBOARD_CORPUS", ROOT.parent / "shared" / "corpus"))
if not CORPUS.exists():
    CORPUS = Path("/work/shared/corpus")

PDFIUM = r"""
import sys, pypdfium2 as p
src, out, width = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = p.PdfDocument(src)
for i in range(len(doc)):
    page = doc[i]
    scale = width / page.get_width()
    page.render(scale=scale).to_pil().save(f"{out}/p-{i+1:03}.png")
"""


def run(cmd):
    """Wall seconds and peak RSS (MB) of one child process. GNU time reads
    the RSS: a child forked from this (large) Python process would report
    Python's own peak, which Linux carries across exec."""
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            err = done.stderr.decode(errors="replace")
            raise RuntimeError(f"{cmd[0]} failed ({done.returncode}): {err[-300:]}")
        return wall, int(rss.read().split()[-1]) / 1024


def pages(folder):
    return sorted(folder.glob("*.png"))


def difference(a, b):
    """Share of pixels that differ by more than 32 in any channel, in %."""
    with Image.open(a) as ia, Image.open(b) as ib:
        ia, ib = ia.convert("RGB"), ib.convert("RGB")
        w, h = min(ia.width, ib.width), min(ia.height, ib.height)
        d = ImageChops.difference(ia.crop((0, 0, w, h)), ib.crop((0, 0, w, h)))
        mask = d.convert("L").point(lambda v: 255 if v > 32 else 0)
        return 100.0 * mask.histogram()[255] / (w * h)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--critboard", default=str(ROOT / "target/release/critboard"))
    ap.add_argument("--only", help="substring of the deck names to run")
    args = ap.parse_args()
    if not Path("/usr/bin/time").exists():
        sys.exit("GNU time is missing: apt-get install time")
    if not shutil.which("pdftoppm"):
        sys.exit("pdftoppm is missing: apt-get install poppler-utils")
    decks = sorted((CORPUS / "decks").glob("*.pdf"))
    if args.only:
        decks = [d for d in decks if args.only in d.name]
    renderers = {
        "hayro": lambda src, out: [args.critboard, "pdf-worker", "bench", str(src), str(out), str(args.width)],
        "pdfium": lambda src, out: [sys.executable, "-c", PDFIUM, str(src), str(out), str(args.width)],
        "poppler": lambda src, out: ["pdftoppm", "-png", "-scale-to-x", str(args.width), "-scale-to-y", "-1", str(src), f"{out}/p"],
    }
    print(f"width {args.width} px; seconds per page = whole-process wall time / pages")
    print(f"{'deck':58} {'pages':>5} " + " ".join(f"{r + ' s/p':>12} {'MB':>5}" for r in renderers) + "  diff% hayro pdfium (median, max)")
    rows = []
    for deck in decks:
        tmp = Path(tempfile.mkdtemp(prefix="pdfbench-"))
        result = {"deck": deck.name}
        for name, cmd in renderers.items():
            out = tmp / name
            out.mkdir()
            try:
                wall, rss = run(cmd(deck, out))
                n = len(pages(out))
                result[name] = {"s_per_page": wall / max(n, 1), "rss_mb": rss, "pages": n}
            except RuntimeError as e:
                result[name] = {"error": str(e)}
        ref = pages(tmp / "poppler")
        for name in ("hayro", "pdfium"):
            got = pages(tmp / name)
            if "error" in result[name] or len(got) != len(ref):
                continue
            diffs = [difference(a, b) for a, b in zip(got, ref)]
            result[name]["diff_median"] = statistics.median(diffs)
            result[name]["diff_max"] = max(diffs)
        shutil.rmtree(tmp)
        rows.append(result)
        cells = []
        for name in renderers:
            r = result[name]
            cells.append("      failed      " if "error" in r else f"{r['s_per_page']:12.3f} {r['rss_mb']:5.0f}")
        n = result["poppler"].get("pages", "?")
        diffs = " ".join(
            f"{result[k].get('diff_median', float('nan')):.2f}/{result[k].get('diff_max', float('nan')):.2f}"
            for k in ("hayro", "pdfium")
        )
        print(f"{deck.name[:58]:58} {n:>5} " + " ".join(cells) + "  " + diffs, flush=True)
    Path(os.environ.get("BENCH_JSON", "/tmp/pdf-bench.json")).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
