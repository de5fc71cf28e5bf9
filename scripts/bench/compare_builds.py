#!/usr/bin/env python3
"""Two builds of Critboard side by side on the same seeded data: the folder
board list (foundation.py's shape, 50 per page) and GET /me, each build in
turn for several rounds, so that the machine's drift falls on both alike.
Build the old one first, e.g.:

    git stash / git checkout <old> && cargo build --release -p critboard-server \\
        && cp target/release/critboard /tmp/critboard-old

Usage: scripts/bench/compare_builds.py OLD_BINARY [NEW_BINARY] [--rounds 3] [--duration 10]
"""
import argparse, os, shutil, statistics, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new", nargs="?", default=F.BIN)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="critboard-compare-")
    builds = {"old": args.old, "new": args.new}
    results = {(b, e): [] for b in builds for e in ("list", "me")}
    try:
        F.BIN = args.old
        server, base, _, _ = F.start_server(data, auth_rate_limit=100000)
        try:
            reader, big = F.seed(base)
        finally:
            server.terminate()
            server.wait()
        for _ in range(args.rounds):
            for name, binary in builds.items():
                F.BIN = binary
                server, base, _, _ = F.start_server(data, auth_rate_limit=100000)
                reader.base = base
                try:
                    for endpoint, path in (("list", f"/api/v1/folders/{big}/boards?limit=50"),
                                           ("me", "/api/v1/me")):
                        for _ in range(50):  # warm the connections and statement caches
                            reader.call("GET", path)
                        results[(name, endpoint)].append(
                            F.wrk(base + path, reader.cookie, args.duration, args.connections))
                finally:
                    server.terminate()
                    server.wait()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"{args.rounds} rounds, each build in turn, wrk -c{args.connections} -d{args.duration}s")
    print("| request | build | req/s per round | median req/s | median p99 ms |")
    print("|---|---|---|---|---|")
    for endpoint in ("list", "me"):
        for name in builds:
            runs = results[(name, endpoint)]
            rates = ", ".join(f"{r[0]:,.0f}" for r in runs)
            print(f"| {endpoint} | {name} | {rates} | {statistics.median(r[0] for r in runs):,.0f} "
                  f"| {statistics.median(r[2] for r in runs):.1f} |")


if __name__ == "__main__":
    main()
