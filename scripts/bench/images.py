#!/usr/bin/env python3
"""Thumbnail benchmark: Critboard's thumbnailer against libvips'
`vipsthumbnail` on the same generated files in the same run, whole-process
wall time (median of 5) and peak RSS of each.

Files: a 4000x3000 JPEG photo and a 1440x20000 PNG page capture, made by
`crates/files/examples/thumbnail.rs generate`.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "thumbnail")
RUNS = 5


def run(cmd):
    """Wall time in ms and peak RSS in MB of one process."""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    ms = (time.monotonic() - t) * 1000
    if status != 0:
        sys.exit(f"{cmd} failed: {p.stderr.read().decode()[:300]}")
    return ms, usage.ru_maxrss / 1024


def measure(cmd):
    samples = [run(cmd) for _ in range(RUNS)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def main():
    if not shutil.which("vipsthumbnail"):
        sys.exit("vipsthumbnail missing: apt-get install libvips-tools")
    work = tempfile.mkdtemp(prefix="critboard-images-")
    try:
        subprocess.run([EXAMPLE, "generate", work], check=True)
        vips = subprocess.run(["vipsthumbnail", "--vips-version"], capture_output=True, text=True).stdout.strip()
        print(f"\nvipsthumbnail: {vips}; {RUNS} runs each, median wall time, max peak RSS")
        print("| file | tool | what | ms | peak RSS MB | ratio to vips |")
        print("|---|---|---|---|---|---|")
        for name in ["photo-4000x3000.jpg", "page-1440x20000.png", "photo-8000x6000-50mb.jpg"]:
            src = os.path.join(work, name)
            out = os.path.join(work, "vips-" + name.split(".")[0] + ".jpg[Q=82]")
            v_ms, v_rss = measure(["vipsthumbnail", src, "-s", "480x", "-o", out])
            g_ms, g_rss = measure([EXAMPLE, "render", src, "grid"])
            a_ms, a_rss = measure([EXAMPLE, "render", src])
            mb = os.path.getsize(src) / 1e6
            print(f"| {name} ({mb:.0f} MB) | vipsthumbnail -s 480x | 480 wide | {v_ms:.0f} | {v_rss:.0f} | 1.00 |")
            print(f"| {name} | critboard | grid (480 wide) | {g_ms:.0f} | {g_rss:.0f} | {g_ms / v_ms:.2f} |")
            print(f"| {name} | critboard | grid + viewer (the job) | {a_ms:.0f} | {a_rss:.0f} | {a_ms / v_ms:.2f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
