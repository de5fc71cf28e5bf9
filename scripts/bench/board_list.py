#!/usr/bin/env python3
"""The folder board list side by side with its Django REST Framework peer
(issue 18): the same data shape (scripts/bench/foundation.py's seed and
drf_peer/seed.py), the same request (the reader's first 50 boards with the
reader's role), wrk at the same connections, one run after the other on this
machine. The peer is Django + DRF + gunicorn from PyPI (installed into
target/drf-peer-venv on first use), SQLite in WAL mode, token auth, one
annotated query with subqueries for the effective role, 2 x cores + 1 sync
workers as gunicorn's documentation advises.

Usage: scripts/bench/board_list.py [--duration 10] [--connections 32] [--no-postgres]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drf_peer")
PG = os.environ.get("CRITBOARD_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
VENV = os.path.join(F.ROOT, "target", "drf-peer-venv")


def venv_python():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-r",
                        os.path.join(PEER, "requirements.txt")], check=True)
    return python


def start_peer(python, data):
    env = dict(os.environ, PEER_DATA=data, DJANGO_SETTINGS_MODULE="peer.settings")
    seeded = json.loads(subprocess.run([python, os.path.join(PEER, "seed.py")], env=env, cwd=PEER,
                                       capture_output=True, text=True, check=True).stdout)
    port = F.free_port()
    workers = 2 * (os.cpu_count() or 1) + 1
    proc = subprocess.Popen([os.path.join(VENV, "bin", "gunicorn"), "-w", str(workers), "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning", "peer.wsgi:application"],
                            env=env, cwd=PEER)
    return proc, f"http://127.0.0.1:{port}", seeded, workers


def wait_ok(url, headers):
    for _ in range(300):
        try:
            req = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(req, timeout=2) as res:
                return json.loads(res.read())
        except Exception:
            time.sleep(0.05)
    sys.exit(f"{url} did not answer")


def critboard(label, args, after_seed=lambda: None, **settings):
    server, base, data, _ = F.start_server(auth_rate_limit=100000, **settings)
    try:
        reader, big = F.seed(base)
        after_seed()
        path = f"/api/v1/folders/{big}/boards?limit=50"
        page, _ = reader.call("GET", path)
        rps, p50, p99, errs = F.wrk(base + path, reader.cookie, args.duration, args.connections)
        return (label, len(page["items"]), rps, p50, p99, errs)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--no-postgres", dest="postgres", action="store_false",
                    help="skip the PostgreSQL row (needs psql and the server at $CRITBOARD_TEST_POSTGRES_URL)")
    args = ap.parse_args()
    python = venv_python()
    rows = []
    data = tempfile.mkdtemp(prefix="critboard-drf-peer-")
    peer, base, seeded, workers = start_peer(python, data)
    try:
        url = f"{base}/api/v1/folders/{seeded['folder']}/boards?limit=50"
        auth = f"Authorization: Token {seeded['token']}"
        page = wait_ok(url, {"Authorization": f"Token {seeded['token']}"})
        assert len(page["items"]) == 50, page
        rps, p50, p99, errs = F.wrk(url, None, args.duration, args.connections, ["-H", auth])
        rows.append((f"DRF peer (gunicorn, {workers} workers)", len(page["items"]), rps, p50, p99, errs))
    finally:
        peer.terminate()
        peer.wait()
        shutil.rmtree(data, ignore_errors=True)
    rows.append(critboard("Critboard (release, SQLite)", args))
    if args.postgres:
        # A database of its own, dropped afterwards.
        name = f"critboard_bench_{os.getpid()}"
        subprocess.run(["psql", PG, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = PG.rsplit("/", 1)[0] + "/" + name
        # Statistics, as autovacuum would gather within a minute: right
        # after the bulk seed the planner thinks the folder holds 2 boards
        # and sorts all 1,000 instead of walking the (folder, name, id)
        # index (9 ms a page instead of 0.9 ms).
        analyze = lambda: subprocess.run(["psql", url, "-qc", "ANALYZE"], check=True)
        try:
            rows.append(critboard("Critboard (release, PostgreSQL)", args, analyze, database_url=url))
        finally:
            subprocess.run(["psql", PG, "-qc", f"DROP DATABASE IF EXISTS {name}"])
    print(f"folder board list, 1,000 boards, first 50, {args.connections} connections, "
          f"wrk {args.duration} s")
    print("| server | boards | req/s | p50 ms | p99 ms | non-2xx |")
    print("|---|---|---|---|---|---|")
    for name, n, rps, p50, p99, errs in rows:
        print(f"| {name} | {n} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {errs} |")
    ratio = rows[1][2] / rows[0][2]
    print(f"Critboard serves {ratio:.1f}x the peer's requests per second (target 50x, p99 <= 10 ms)")


if __name__ == "__main__":
    main()
