#!/usr/bin/env python3
"""What changed between two 1440 x 20,000 captures: Critboard's job step
(decode both PNGs, align rows, compare, encode the difference PNG) beside
ImageMagick's `compare -metric AE` on the same pair, in one run.

    python3 scripts/bench/changes.py [--rounds 3] [--height 20000]

Needs `imagemagick` (apt-get install imagemagick); its default policy caps
pictures at 16,000 rows, so a policy allowing 32,000 is written to a
temporary MAGICK_CONFIGURE_PATH. Prints each round and the medians.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHOTS = ROOT.parent / "shared" / "corpus" / "screenshots"
POLICY = """<policymap>
  <policy domain="resource" name="width" value="32KP"/>
  <policy domain="resource" name="height" value="32KP"/>
  <policy domain="resource" name="area" value="1GP"/>
  <policy domain="resource" name="memory" value="2GiB"/>
  <policy domain="resource" name="disk" value="4GiB"/>
</policymap>
"""


def run(cmd, env=None):
    """Runs `cmd`; returns (seconds, peak RSS in MB, stdout + stderr)."""
    started = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    took = time.monotonic() - started
    out = p.stdout.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    # compare exits 1 when the pictures differ: that is its answer, not a failure.
    if code not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({code}): {out}")
    return took, usage.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--height", type=int, default=20000)
    args = ap.parse_args()
    magick = shutil.which("compare")
    if not magick:
        sys.exit("ImageMagick is not installed: apt-get install imagemagick")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "critboard-files", "--example", "diff_bench"],
                   cwd=ROOT, check=True)
    bench = ROOT / "target" / "release" / "examples" / "diff_bench"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        old, new = tmp / "old.png", tmp / "new.png"
        print(run([str(bench), "make", str(SHOTS), str(old), str(new), str(args.height)])[2].strip())
        print(f"old.png {old.stat().st_size // 1024} KB, new.png {new.stat().st_size // 1024} KB")
        (tmp / "policy.xml").write_text(POLICY)
        env = dict(os.environ, MAGICK_CONFIGURE_PATH=str(tmp))
        ours, theirs = [], []
        for i in range(args.rounds):
            t, rss, out = run([str(bench), "files", str(old), str(new)])
            ours.append((t, rss))
            print(f"round {i + 1} critboard:   {t * 1000:7.0f} ms  peak {rss:6.0f} MB  {out.splitlines()[0]}")
            t, rss, out = run([magick, "-metric", "AE", str(old), str(new), str(tmp / "im.png")], env)
            theirs.append((t, rss))
            print(f"round {i + 1} imagemagick: {t * 1000:7.0f} ms  peak {rss:6.0f} MB  AE {out.strip()[:60]}")
        med = lambda xs, k: statistics.median(x[k] for x in xs)
        print(f"median critboard   {med(ours, 0) * 1000:.0f} ms, peak RSS {med(ours, 1):.0f} MB")
        print(f"median imagemagick {med(theirs, 0) * 1000:.0f} ms, peak RSS {med(theirs, 1):.0f} MB")


if __name__ == "__main__":
    main()
