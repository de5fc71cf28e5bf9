#!/usr/bin/env python3
"""Peak memory of the thumbnail job on hostile pictures at the upload
limits (issue 17 §4): the files the probe lets through that cost the most
to decode, each rendered by `crates/files/examples/thumbnail.rs` (the job's
own code) in its own process; prints wall time and peak RSS (VmHWM).

The behaviour (shown or refused) of the same kinds of file is tested in
`uploads::hostile_pictures_are_shown_or_refused`; this measures the bound
documented in docs/benchmarks.md.
"""
import os, struct, subprocess, sys, tempfile, time, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "target", "release", "examples", "thumbnail")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(w, h, color_type=2, extra=(), frames=1):
    """A flat w×h PNG (colour type 2 RGB, 6 RGBA), streamed through zlib;
    `frames` > 1 makes it an APNG repeating the same frame."""
    channels = {2: 3, 6: 4}[color_type]
    z = zlib.compressobj(9)
    row = b"\0" + b"\x80" * (w * channels)
    data = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
    out += b"".join(extra)
    if frames > 1:
        out += chunk(b"acTL", struct.pack(">II", frames, 0))
    seq = 0
    parts = []
    for i in range(frames):
        if frames > 1:
            parts.append(chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, w, h, 0, 0, 1, 100, 0, 0)))
            seq += 1
        if i == 0:
            parts.append(chunk(b"IDAT", data))
        else:
            parts.append(chunk(b"fdAT", struct.pack(">I", seq) + data))
            seq += 1
    return out + b"".join(parts) + chunk(b"IEND", b"")


def bomb(kind, keyword, mb):
    z = zlib.compressobj(9)
    block = bytes(1 << 20)
    data = b"".join(z.compress(block) for _ in range(mb)) + z.flush()
    return chunk(kind, keyword + b"\0\0" + data)


def gif(w, h, frames):
    """A w×h logical screen with `frames` one-pixel frames."""
    out = b"GIF89a" + struct.pack("<HH", w, h) + bytes([0x80, 0, 0]) + b"\0\0\0\xff\xff\xff"
    for i in range(frames):
        out += b"\x21\xf9\x04\x00\x01\x00\x00\x00"
        out += b"\x2c" + struct.pack("<HHHH", i % w, 0, 1, 1) + b"\x00"
        out += b"\x02\x02\x4c\x01\x00"
    return out + b"\x3b"


CASES = [
    ("100 MP PNG, RGB (10,000²)", "rgb.png", lambda: png(10_000, 10_000)),
    ("100 MP PNG, RGBA (10,000²)", "rgba.png", lambda: png(10_000, 10_000, 6)),
    ("32,768×3,051 PNG page (limit side)", "tall.png", lambda: png(3_051, 32_768)),
    ("GIF, 100 MP screen, 2 frames", "screen2.gif", lambda: gif(10_000, 10_000, 2)),
    ("GIF, 4 MP screen, 5,000 frames", "many.gif", lambda: gif(2_000, 2_000, 5_000)),
    ("APNG, 100,000 frames of 64×64", "frames.png", lambda: png(64, 64, 2, frames=100_000)),
    ("PNG 1,000², iCCP inflating to 1 GB", "icc.png", lambda: png(1_000, 1_000, extra=[bomb(b"iCCP", b"icc", 1024)])),
    ("PNG 1,000², zTXt inflating to 1 GB", "ztxt.png", lambda: png(1_000, 1_000, extra=[bomb(b"zTXt", b"Comment", 1024)])),
]


def main():
    if not os.path.exists(EXAMPLE):
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "critboard-files", "--example", "thumbnail"],
                       cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="critboard-hostile-")
    print("| file | size on disk | result | ms | peak RSS MB |")
    print("|---|---|---|---|---|")
    for label, name, make in CASES:
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(make())
        started = time.monotonic()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen([EXAMPLE, "render", path], stdout=out, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            ms = (time.monotonic() - started) * 1000
            out.seek(0)
            err.seek(0)
            line, why = out.read().decode().strip(), err.read().decode().strip()
        # ru_maxrss covers failed runs too (the example prints only on success).
        rss = f"{usage.ru_maxrss / 1024:.0f}"
        if status == 0:
            result = line.split(", ", 2)[2]
        else:
            result = "failed: " + (why.splitlines() or ["?"])[0][:100]
        size = os.path.getsize(path)
        print(f"| {label} | {size / 1e6:.2f} MB | {result} | {ms:.0f} | {rss} |")
        os.remove(path)
    os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
