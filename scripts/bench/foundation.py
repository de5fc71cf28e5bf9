#!/usr/bin/env python3
"""Foundation benchmark: seeds a workspace with 50 users, 100 folders and a
folder of 1,000 boards with mixed grants, then measures the folder's board
list and GET /me with wrk at 32 connections against the release build.

Usage: scripts/bench/foundation.py [--duration 10] [--connections 32]
"""
import argparse, json, os, random, re, shutil, socket, subprocess, sys, tempfile, time
import urllib.request, urllib.error

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# CRITBOARD_BIN runs a benchmark on another build (compare_builds.py).
BIN = os.environ.get("CRITBOARD_BIN", os.path.join(ROOT, "target", "release", "critboard"))
PASSWORD = "bench-phrase-not-common"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    def __init__(self, base):
        self.base, self.cookie, self.csrf = base, None, None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("content-type", "application/json")
        if self.cookie:
            req.add_header("cookie", self.cookie)
            req.add_header("x-csrf-token", self.csrf)
        try:
            with urllib.request.urlopen(req) as res:
                text = res.read()
                cookies = res.headers.get_all("set-cookie") or []
                for c in cookies:
                    if c.startswith("critboard_session="):
                        self.cookie = c.split(";")[0]
                out = json.loads(text) if text else None
                if out and "csrf_token" in out:
                    self.csrf = out["csrf_token"]
                return out, res.headers
        except urllib.error.HTTPError as e:
            sys.exit(f"{method} {path} failed: {e.code} {e.read()[:300]!r}")


def start_server(data=None, port=None, **settings):
    """Starts the release binary with CRITBOARD_* settings on `data` (a
    fresh folder by default); returns (process, base URL, data folder, ms
    to ready)."""
    data = data or tempfile.mkdtemp(prefix="critboard-bench-")
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CRITBOARD_LOG="warn", **{f"CRITBOARD_{k.upper()}": str(v) for k, v in settings.items()})
    t0 = time.monotonic()
    server = subprocess.Popen([BIN, "--listen", f"127.0.0.1:{port}", "--data-dir", data], env=env,
                              stdout=subprocess.DEVNULL)
    for _ in range(500):
        try:
            urllib.request.urlopen(base + "/readyz")
            break
        except Exception:
            time.sleep(0.01)
    return server, base, data, (time.monotonic() - t0) * 1000


def wrk(url, cookie, seconds, conns, extra=()):
    """wrk's rate, p50, p99 and non-2xx count; `cookie` signs in (None when
    `extra` carries other credentials)."""
    signed_in = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", *signed_in, *extra, url],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct(50), pct(99), int(errors.group(1)) if errors else 0


def seed(base):
    """Seeds the folder board list's data on a running server; returns the
    reader (a member whose access comes from a folder grant plus some direct
    grants) and the big folder's id. scripts/bench/drf_peer/seed.py gives
    the DRF peer the same shape."""
    random.seed(7)
    users = []
    for i in range(50):
        c = Client(base)
        me, _ = c.call("POST", "/api/v1/auth/signup",
                       {"email": f"user{i}@bench.test", "display_name": f"User {i}", "password": PASSWORD})
        c.id = me["user"]["id"]
        users.append(c)
    owner, reader = users[0], users[1]
    ws, _ = owner.call("POST", "/api/v1/workspaces", {"name": "Bench studio"})
    ws = ws["id"]
    for u in users[1:]:
        owner.call("POST", f"/api/v1/workspaces/{ws}/members", {"user_id": u.id, "role": "member"})
    folders = []
    for i in range(100):
        f, _ = owner.call("POST", f"/api/v1/workspaces/{ws}/folders", {"name": f"Client {i:03}"})
        folders.append(f["id"])
        for u in random.sample(users[2:], 5):
            owner.call("POST", f"/api/v1/folders/{f['id']}/grants",
                       {"user_id": u.id, "role": random.choice(["viewer", "commenter", "editor"])})
    big = folders[0]
    owner.call("POST", f"/api/v1/folders/{big}/grants", {"user_id": reader.id, "role": "viewer"})
    boards = []
    for i in range(1000):
        b, _ = owner.call("POST", f"/api/v1/workspaces/{ws}/boards",
                          {"name": f"Board {i:04}", "folder_id": big})
        boards.append(b["id"])
    for b in random.sample(boards, 300):
        u = random.choice(users[1:])
        owner.call("POST", f"/api/v1/boards/{b}/members",
                   {"user_id": u.id, "role": random.choice(["viewer", "commenter", "editor"])})
    return reader, big


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    server, base, data, ready_ms = start_server(auth_rate_limit=100000, query_count_header="true")
    t0 = time.monotonic()
    try:
        print(f"start-up to ready: {ready_ms:.0f} ms")

        reader, big = seed(base)
        print(f"seeded 50 users, 100 folders, 1,000 boards in one folder, mixed grants "
              f"in {time.monotonic() - t0:.1f} s")
        listing = f"/api/v1/folders/{big}/boards?limit=50"
        page, headers = reader.call("GET", listing)
        print(f"folder listing: {len(page['items'])} boards per page, "
              f"{headers['x-query-count']} SQL queries per request")
        print(f"\n| endpoint | connections | req/s | p50 ms | p99 ms | non-2xx |")
        print(f"|---|---|---|---|---|---|")
        for name, path in [("GET /api/v1/folders/{id}/boards?limit=50", listing), ("GET /api/v1/me", "/api/v1/me")]:
            rps, p50, p99, errs = wrk(base + path, reader.cookie, args.duration, args.connections)
            print(f"| {name} | {args.connections} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errs} |")
        rss = int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0]) // 1024
        print(f"\nserver RSS after the run: {rss} MB")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
