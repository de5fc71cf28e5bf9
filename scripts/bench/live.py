#!/usr/bin/env python3
"""Live fan-out benchmark: 1,000 streams on one board (release build,
SQLite), comments posted one at a time; prints how long each took to reach
every stream (p50/p99/max), and the server's memory with the streams open.

Usage: scripts/bench/live.py [--streams 1000] [--posts 20]
"""
import argparse, os, subprocess, sys, shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402
import discussion as D  # noqa: E402

EXAMPLE = os.path.join(F.ROOT, "target", "release", "examples", "fanout")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--posts", type=int, default=20)
    args = ap.parse_args()
    server, base, data, _ = F.start_server(auth_rate_limit=100000)
    try:
        c = F.Client(base)
        c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
        _, board, v = D.board_with_picture(c)
        t, _ = c.call("POST", f"/api/v1/versions/{v}/threads", {"x": 0.5, "y": 0.5, "body": "fan-out"})
        before = rss_mb(server.pid)
        proc = subprocess.Popen([EXAMPLE, base, c.cookie, c.csrf, board["id"], t["id"], str(args.streams), str(args.posts)],
                                stdout=subprocess.PIPE, text=True)
        out = []
        for line in proc.stdout:
            print(line, end="")
            out.append(line)
            if line.startswith("streams open"):
                print(f"server RSS: {before:.0f} MB idle, {rss_mb(server.pid):.0f} MB with {args.streams} streams")
        proc.wait()
        if proc.returncode != 0:
            sys.exit("fan-out client failed")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
