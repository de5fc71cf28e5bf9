#!/usr/bin/env python3
"""A mixed workload at 128 connections, with 500 live streams open (issue 17 §2).

For SECONDS, wrk drives four kinds of request at 30 connections each (board
lists, board pages, thread reads, comment posts) while 8 clients upload
pictures and 500 live streams stay open on the board. On PostgreSQL two
nodes share the database and the file folder, and every kind is split across
them. Checked: no error answers, no timeouts, every stream still open at the
end, and each node's RSS at the end within 2x of its RSS at the start
(after seeding). Prints p50/p99 per kind.

  scripts/reliability/load.py [--backend sqlite|postgres] [--seconds 60]
"""
import argparse, os, re, socket, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash as C  # noqa: E402

COMMENT_LUA = """
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"body": "load comment ' .. n .. '"}')
end
"""


def rss_mb(pid, field="VmRSS:"):
    """Resident memory in MB; `RssAnon:` for the heap and stacks alone,
    without the program's own code paged in from its file."""
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url, token, seconds, conns, script=None):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s", "--latency",
           "-H", f"Authorization: Bearer {token}"]
    if script:
        cmd += ["-s", script]
    return subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def parse(out):
    def ms(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(g) for g in errors.groups()[:3]) if errors else 0
    timeouts = int(errors.group(4)) if errors else 0
    return total, (int(bad.group(1)) if bad else 0) + socket_errors, timeouts, ms(50), ms(99)


def open_streams(port, token, board, n):
    """`n` raw connections reading the board's stream; returns the sockets."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall((f"GET /api/v1/boards/{board}/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
        socks.append(s)
    for s in socks:
        s.settimeout(10)
        head = s.recv(4096)
        if not head.startswith(b"HTTP/1.1 200"):
            sys.exit(f"a stream was refused: {head[:200]!r}")
    return socks


class Drain(threading.Thread):
    """Reads every stream as a browser would, so that none backs up."""

    def __init__(self, socks):
        super().__init__(daemon=True)
        self.socks, self.stop, self.bytes = socks, False, 0

    def run(self):
        import selectors
        sel = selectors.DefaultSelector()
        for s in self.socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        while not self.stop:
            for key, _ in sel.select(timeout=0.2):
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    self.bytes += len(chunk)
                else:
                    sel.unregister(key.fileobj)
        sel.close()


def still_open(socks):
    """Streams that the server has not closed (they get keep-alives)."""
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--streams", type=int, default=500)
    args = ap.parse_args()
    binary = os.environ.get("CRITBOARD_BIN", os.path.join(C.ROOT, "target", "debug", "critboard"))
    data = tempfile.mkdtemp(prefix="critboard-load-")
    url, name = None, None
    if args.backend == "postgres":
        name = f"critboard_load_{os.getpid()}"
        subprocess.run(["psql", C.PG, "-qc", f"CREATE DATABASE {name}"], check=True)
        url = C.PG.rsplit("/", 1)[0] + "/" + name
    nodes = [C.Server(binary, data, url) for _ in range(2 if url else 1)]
    failures = []
    try:
        for n in nodes:
            n.start()
        owner = C.Client(nodes[0])
        owner.token = C.sign_up(nodes[0], "load@example.com")
        _, ws = owner.call("POST", "/api/v1/workspaces", {"name": "Load studio"})
        boards = [owner.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": f"Board {i}"})[1]
                  for i in range(20)]
        board = boards[0]["id"]
        png = C.picture(5)
        _, up = owner.call("POST", f"/api/v1/boards/{board}/uploads",
                           {"file_name": "p.png", "content_type": "image/png", "size": len(png)})
        owner.call("PUT", up["target"]["url"], raw=png, ctype="image/png", absolute=True)
        _, done = owner.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
        version = done["asset"]["current_version"]["id"]
        threads = [owner.call("POST", f"/api/v1/versions/{version}/threads",
                              {"x": 0.1, "y": 0.1, "body": f"Thread {i}"})[1]["id"] for i in range(20)]
        streams = []
        for i, node in enumerate(nodes):
            streams += open_streams(node.port, owner.token, board, args.streams // len(nodes))
        drain = Drain(streams)
        drain.start()
        time.sleep(1)
        start_rss = [rss_mb(n.proc.pid) for n in nodes]
        start_anon = [rss_mb(n.proc.pid, "RssAnon:") for n in nodes]

        lua = os.path.join(data, "comment.lua")
        with open(lua, "w") as f:
            f.write(COMMENT_LUA)
        kinds = {
            "board list": lambda b: f"{b}/api/v1/workspaces/{ws['id']}/boards",
            "board page": lambda b: f"{b}/api/v1/boards/{board}/assets",
            "thread read": lambda b: f"{b}/api/v1/threads/{threads[0]}",
            "comment post": lambda b: f"{b}/api/v1/threads/{threads[1]}/comments",
        }
        runs = []
        for kind, path in kinds.items():
            for node in nodes:
                runs.append((kind, wrk(path(node.base), owner.token, args.seconds, 30 // len(nodes),
                                       lua if kind == "comment post" else None)))
        # Uploads beside them: ask, send, complete, in a loop.
        stop = threading.Event()
        uploads = {"done": 0, "failed": []}
        def uploader(k):
            c = C.Client(nodes[k % len(nodes)])
            c.token = owner.token
            i = 0
            while not stop.is_set():
                i += 1
                body = C.picture(k * 10_000 + i)
                try:
                    s, u = c.call("POST", f"/api/v1/boards/{board}/uploads",
                                  {"file_name": f"u{k}-{i}.png", "content_type": "image/png", "size": len(body)})
                    s2, _ = c.call("PUT", u["target"]["url"], raw=body, ctype="image/png",
                                   absolute=True) if s == 201 else (s, None)
                    s3, _ = c.call("POST", f"/api/v1/uploads/{u['id']}/complete", {}) if s2 == 200 else (s2, None)
                except C.Down as e:
                    s, s2, s3 = "down", str(e), None
                if s3 == 201:
                    uploads["done"] += 1
                else:
                    uploads["failed"].append((s, s2, s3))
        workers = [threading.Thread(target=uploader, args=(k,)) for k in range(8)]
        for w in workers:
            w.start()
        # RSS every tenth of the run: growth that levels off is caches
        # filling; growth to the end would be a leak.
        samples = []
        def sample():
            for _ in range(10):
                time.sleep(args.seconds / 10)
                samples.append([round(rss_mb(n.proc.pid)) for n in nodes])
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        results = {}
        for kind, p in runs:
            out, err = p.communicate()
            if p.returncode != 0:
                failures.append(f"wrk for {kind}: {err[:200]}")
                continue
            total, errors, timeouts, p50, p99 = parse(out)
            r = results.setdefault(kind, {"total": 0, "errors": 0, "timeouts": 0, "p50": [], "p99": []})
            r["total"] += total
            r["errors"] += errors
            r["timeouts"] += timeouts
            r["p50"].append(p50)
            r["p99"].append(p99)
        stop.set()
        for w in workers:
            w.join()
        end_rss = [rss_mb(n.proc.pid) for n in nodes]
        end_anon = [rss_mb(n.proc.pid, "RssAnon:") for n in nodes]
        drain.stop = True
        drain.join()
        alive = still_open(streams)

        conns = 30 * len(kinds) + len(workers)
        print(f"load ({args.backend}, {len(nodes)} node{'s' if len(nodes) > 1 else ''}): {args.seconds} s, "
              f"{conns} connections, {len(streams)} live streams")
        print("| kind | requests | errors | timeouts | p50 ms | p99 ms |")
        print("|---|---|---|---|---|---|")
        for kind, r in results.items():
            print(f"| {kind} | {r['total']:,} | {r['errors']} | {r['timeouts']} | "
                  f"{max(r['p50']):.1f} | {max(r['p99']):.1f} |")
            if r["errors"] or r["timeouts"]:
                failures.append(f"{kind}: {r['errors']} errors, {r['timeouts']} timeouts")
        print(f"| uploads (8 clients) | {uploads['done']:,} | {len(uploads['failed'])} | – | – | – |")
        if uploads["failed"]:
            failures.append(f"uploads failed: {uploads['failed'][:3]}")
        print(f"live streams open at the end: {alive} of {len(streams)}; they got {drain.bytes / 1e6:.1f} MB")
        if alive != len(streams):
            failures.append(f"{len(streams) - alive} live streams were closed")
        print("RSS MB every tenth of the run:", ", ".join("/".join(map(str, x)) for x in samples))
        for i, (a, b) in enumerate(zip(start_rss, end_rss)):
            print(f"node {i + 1} RSS: {a:.0f} MB at the start, {b:.0f} MB at the end ({b / a:.2f}x); "
                  f"anonymous {start_anon[i]:.0f} -> {end_anon[i]:.0f} MB ({end_anon[i] / start_anon[i]:.2f}x)")
            if b > 2 * a:
                failures.append(f"node {i + 1} RSS grew {b / a:.2f}x")
        for s in streams:
            s.close()
    finally:
        for n in nodes:
            if n.proc and n.proc.poll() is None:
                n.proc.terminate()
                n.proc.wait()
        subprocess.run(["rm", "-rf", data])
        if name:
            subprocess.run(["psql", C.PG, "-qc", f"DROP DATABASE IF EXISTS {name}"])
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
