#!/usr/bin/env python3
"""Two builds of Critboard side by side on the same seeded data: the folder
board list (foundation.py's shape, 50 per page) and GET /me, each build in
turn for several rounds, so that the machine's drift falls on both alike.
With --posting: posting a comment instead (discussion.py's shape: 10 more
members notified by each post), into one thread and into 100 in turn.
With --board-page: discussion.py's board (200 assets, 5,000 threads), its
first page of 50 assets, all 200, and one version's threads.
Build the old one first, e.g.:

    git stash / git checkout <old> && cargo build --release -p critboard-server \\
        && cp target/release/critboard /tmp/critboard-old

Usage: scripts/bench/compare_builds.py OLD_BINARY [NEW_BINARY] [--rounds 3] [--duration 10]
       [--posting | --board-page]
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
    ap.add_argument("--posting", action="store_true")
    ap.add_argument("--board-page", action="store_true")
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="critboard-compare-")
    builds = {"old": args.old, "new": args.new}
    endpoints = (("one thread", "100 threads") if args.posting
                 else ("first 50 assets", "all 200 assets", "threads") if args.board_page
                 else ("list", "me"))
    results = {(b, e): [] for b in builds for e in endpoints}
    try:
        F.BIN = args.old
        server, base, _, _ = F.start_server(data, auth_rate_limit=100000)
        try:
            if args.posting:
                reader, requests = seed_posting(base, data)
            elif args.board_page:
                reader, requests = seed_board_page(base)
            else:
                reader, big = F.seed(base)
                requests = [("list", f"/api/v1/folders/{big}/boards?limit=50", []),
                            ("me", "/api/v1/me", [])]
        finally:
            server.terminate()
            server.wait()
        for _ in range(args.rounds):
            for name, binary in builds.items():
                F.BIN = binary
                server, base, _, _ = F.start_server(data, auth_rate_limit=100000)
                reader.base = base
                try:
                    for endpoint, path, extra in requests:
                        for _ in range(50):  # warm the connections and statement caches
                            if args.posting:
                                reader.call("POST", path, {"body": "warm"})
                            else:
                                reader.call("GET", path)
                        results[(name, endpoint)].append(
                            F.wrk(base + path, reader.cookie, args.duration, args.connections, extra))
                finally:
                    server.terminate()
                    server.wait()
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"{args.rounds} rounds, each build in turn, wrk -c{args.connections} -d{args.duration}s")
    print("| request | build | req/s per round | median req/s | median p99 ms |")
    print("|---|---|---|---|---|")
    for endpoint in endpoints:
        for name in builds:
            runs = results[(name, endpoint)]
            rates = ", ".join(f"{r[0]:,.0f}" for r in runs)
            print(f"| {endpoint} | {name} | {rates} | {statistics.median(r[0] for r in runs):,.0f} "
                  f"| {statistics.median(r[2] for r in runs):.1f} |")


def seed_board_page(base):
    """discussion.py's board; returns its owner and the three wrk requests."""
    import discussion as D
    c, board, versions, _ = D.seed_board(base)
    page = f"/api/v1/boards/{board['id']}/assets"
    return c, [("first 50 assets", page, []), ("all 200 assets", page + "?limit=200", []),
               ("threads", f"/api/v1/versions/{versions[0]}/threads", [])]


def seed_posting(base, data):
    """A board with 10 more members and one picture with 100 threads; returns
    the poster and the two wrk requests (one thread, 100 in turn)."""
    import discussion as D
    c = F.Client(base)
    c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
    ws, board, version = D.board_with_picture(c)
    for i in range(10):
        m = F.Client(base)
        me, _ = m.call("POST", "/api/v1/auth/signup",
                       {"email": f"m{i}@bench.test", "display_name": f"M {i}", "password": F.PASSWORD})
        c.call("POST", f"/api/v1/workspaces/{ws['id']}/members", {"user_id": me["user"]["id"], "role": "member"})
        c.call("POST", f"/api/v1/boards/{board['id']}/members", {"user_id": me["user"]["id"], "role": "commenter"})
    threads = [c.call("POST", f"/api/v1/versions/{version}/threads", {"x": 0.5, "y": 0.5, "body": f"note {j}"})[0]["id"]
               for j in range(100)]
    one, spread = D.post_scripts(data, c, threads)
    path = f"/api/v1/threads/{threads[0]}/comments"
    return c, [("one thread", path, ["-s", one]), ("100 threads", path, ["-s", spread])]


if __name__ == "__main__":
    main()
