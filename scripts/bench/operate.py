#!/usr/bin/env python3
"""Operations benchmark (issue 16):
1. the per-request recording (performance view) on and off: wrk on GET /me
   against two servers of the same release binary, alternated on/off/on/off
   in one run;
2. idle memory: RSS of a server that has started and sat idle for 5 s;
3. `critboard backup` of a data folder with 10,000 comments and 1 GB of
   files while the server runs, and `critboard restore` of it.

Usage: scripts/bench/operate.py [--duration 10] [--connections 32]
"""
import argparse, os, shutil, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402
from discussion import board_with_picture  # noqa: E402
from live import rss_mb  # noqa: E402


def signed_in(base):
    c = F.Client(base)
    c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
    return c


def overhead(seconds, conns):
    print(f"GET /api/v1/me, wrk -t2 -c{conns} -d{seconds}s, recording on and off alternately:")
    print("| performance view | run | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    figures = {"true": [], "false": []}
    for run, view in enumerate(["true", "false", "true", "false"], start=1):
        server, base, data, _ = F.start_server(auth_rate_limit=100000, performance_view=view)
        try:
            c = signed_in(base)
            rps, p50, p99, errors = F.wrk(base + "/api/v1/me", c.cookie, seconds, conns)
            assert errors == 0, f"{errors} failed requests"
            figures[view].append(rps)
            print(f"| {'on' if view == 'true' else 'off'} | {run} | {rps:,.0f} | {p50:.2f} | {p99:.2f} |")
        finally:
            server.terminate()
            server.wait()
            shutil.rmtree(data, ignore_errors=True)
    on, off = sum(figures["true"]) / 2, sum(figures["false"]) / 2
    print(f"mean: on {on:,.0f} req/s, off {off:,.0f} req/s: recording costs {100 * (off - on) / off:.1f}% "
          f"({1e6 / on - 1e6 / off:.1f} µs a request at this load)")


def idle():
    server, base, data, ready_ms = F.start_server()
    try:
        time.sleep(5)
        print(f"idle RSS 5 s after start: {rss_mb(server.pid):.1f} MB (ready in {ready_ms:.0f} ms)")
        c = signed_in(base)
        for _ in range(200):
            c.call("GET", "/api/v1/me")
        time.sleep(2)
        print(f"RSS after a sign-up and 200 requests: {rss_mb(server.pid):.1f} MB")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


def backup():
    server, base, data, _ = F.start_server(auth_rate_limit=100000)
    out = tempfile.mkdtemp(prefix="critboard-backup-")
    try:
        c = signed_in(base)
        _, _, version = board_with_picture(c)
        t0 = time.monotonic()
        threads = []
        for i in range(100):
            t, _ = c.call("POST", f"/api/v1/versions/{version}/threads",
                          {"x": (i % 10) / 10 + 0.05, "y": (i // 10) / 10 + 0.05, "body": f"Thread {i}"})
            threads.append(t["id"])
        for i in range(9900):
            c.call("POST", f"/api/v1/threads/{threads[i % 100]}/comments",
                   {"body": f"Comment {i}: the margin above the fold looks a little tight to me"})
        print(f"seeded 10,000 comments through the API in {time.monotonic() - t0:.1f} s")
        # 1 GB of files: written straight into the object folder (the backup
        # copies bytes, whatever they are), 100 files of 10 MiB.
        files = os.path.join(data, "objects", "bench")
        os.makedirs(files, exist_ok=True)
        chunk = os.urandom(10 * 1024 * 1024)
        for i in range(100):
            with open(os.path.join(files, f"{i:03}.bin"), "wb") as f:
                f.write(chunk)
        size = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(data) for n in ns)
        print(f"data folder: {size / 1e9:.2f} GB")
        # Cold: the files and database are read from disk, not the page
        # cache (root only; said when it cannot be done).
        subprocess.run(["sync"], check=True)
        try:
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("3\n")
            print("page cache dropped: the backup reads from disk")
        except OSError:
            print("page cache NOT dropped (needs root): the backup reads warm files")
        target = os.path.join(out, "b")
        writer = subprocess.Popen([sys.executable, "-c", WRITER, base, c.cookie, c.csrf, threads[0]])
        t0 = time.monotonic()
        res = subprocess.run([F.BIN, "backup", "--to", target, "--data-dir", data],
                             capture_output=True, text=True, env=dict(os.environ, CRITBOARD_LOG="warn"))
        took = time.monotonic() - t0
        writer.terminate()
        assert res.returncode == 0, res.stderr
        print(f"critboard backup while writing: {took:.2f} s ({res.stdout.strip()})")
        restored = os.path.join(out, "r")
        t0 = time.monotonic()
        res = subprocess.run([F.BIN, "restore", "--from", target, "--data-dir", restored],
                             capture_output=True, text=True, env=dict(os.environ, CRITBOARD_LOG="warn"))
        assert res.returncode == 0, res.stderr
        print(f"critboard restore: {time.monotonic() - t0:.2f} s")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


# Keeps commenting during the backup, as a team would.
WRITER = """
import json, sys, urllib.request
base, cookie, csrf, thread = sys.argv[1:5]
while True:
    req = urllib.request.Request(f"{base}/api/v1/threads/{thread}/comments", method="POST",
        data=json.dumps({"body": "during the backup"}).encode(),
        headers={"content-type": "application/json", "cookie": cookie, "x-csrf-token": csrf})
    urllib.request.urlopen(req).read()
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    overhead(args.duration, args.connections)
    idle()
    backup()


if __name__ == "__main__":
    main()
