#!/usr/bin/env python3
"""kill -9 at random moments while clients write (issue 17 §2).

Clients open threads, reply and upload pictures, each request with its own
Idempotency-Key; a killer SIGKILLs the server every 0.2-1.2 s and starts it
again on the same data. A request cut off by a kill is retried with the same
key until it is answered, as a careful client would. At the end:
  - every write answered 2xx is there, and exactly once (no doubles from the
    retries either);
  - every upload was completed and its picture was thumbnailed (no job lost);
    each version has exactly one grid and one view thumbnail (none run twice
    beyond its idempotency);
  - no upload is left in a half-completed state, and every stored object is
    referenced by a version, a thumbnail or an upload still under way (no
    object left behind by a write the crash cut).
Any breach exits 1.

  scripts/reliability/crash.py [--backend sqlite|postgres] [--kills 20]
"""
import argparse, json, os, random, shutil, signal, socket, struct, subprocess, sys, tempfile, threading, time, uuid, zlib
import urllib.request, urllib.error

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "crash-test-phrase-42"
PG = os.environ.get("CRITBOARD_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def picture(seed):
    """A small PNG, different for each seed."""
    w, h = 64, 48
    rows = b"".join(b"\0" + bytes(((x * seed + y) % 256) for x in range(w * 3)) for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class Down(Exception):
    """The server did not answer: killed, or not back yet."""


class Server:
    def __init__(self, binary, data, database_url):
        self.binary, self.data, self.database_url = binary, data, database_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.lock = threading.Lock()

    def start(self):
        env = dict(os.environ, CRITBOARD_LOG="error", CRITBOARD_AUTH_RATE_LIMIT="1000000")
        if self.database_url:
            env["CRITBOARD_DATABASE_URL"] = self.database_url
        self.proc = subprocess.Popen([self.binary, "serve", "--listen", f"127.0.0.1:{self.port}",
                                      "--data-dir", self.data], env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/readyz", timeout=1)
                return
            except Exception:
                if self.proc.poll() is not None:
                    sys.exit(f"the server exited with {self.proc.returncode} on start")
                time.sleep(0.02)
        sys.exit("the server was not ready within 30 s of a start")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


class Client:
    def __init__(self, server):
        self.server, self.token = server, None

    def call(self, method, path, body=None, key=None, raw=None, ctype=None, absolute=False):
        url = path if absolute else self.server.base + path
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(url, data=data, method=method)
        if body is not None:
            req.add_header("content-type", "application/json")
        if ctype:
            req.add_header("content-type", ctype)
        if self.token and not absolute:
            req.add_header("authorization", f"Bearer {self.token}")
        if key:
            req.add_header("idempotency-key", key)
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                text = res.read()
                return res.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            # Unavailable while starting: retried. Any other status is an
            # answer (a 500 then counts as a failure of the run).
            if e.code in (502, 503, 504):
                raise Down(f"{e.code}")
            return e.code, json.loads(e.read() or b"null")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
            raise Down(str(e))

    def retry(self, method, path, stop, **kw):
        """Until answered: a cut request is sent again, same key and all."""
        while True:
            try:
                return self.call(method, path, **kw)
            except Down:
                if stop.is_set() and time.monotonic() > stop.deadline:
                    raise
                time.sleep(0.05)


def sign_up(server, email):
    """A new account's API token."""
    jar = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    def post(path, body, csrf=None):
        headers = {"content-type": "application/json"}
        if csrf:
            headers["x-csrf-token"] = csrf
        req = urllib.request.Request(server.base + path, method="POST", data=json.dumps(body).encode(),
                                     headers=headers)
        return json.loads(jar.open(req).read())
    csrf = post("/api/v1/auth/signup", {"email": email, "display_name": "Tester", "password": PASSWORD})["csrf_token"]
    return post("/api/v1/me/tokens", {"name": "reliability"}, csrf)["token"]


def writer(client, board, version, n, stop, acked, failures):
    """Writes until `stop`: threads, replies and uploads in turn."""
    i = 0
    threads = []
    while not stop.is_set():
        i += 1
        tag = f"w{n}-{i}"
        kind = ("thread", "reply", "upload")[i % 3] if threads else "thread"
        try:
            if kind == "thread":
                status, t = client.retry("POST", f"/api/v1/versions/{version}/threads", stop,
                                         body={"x": random.random(), "y": random.random(), "body": tag},
                                         key=str(uuid.uuid4()))
                if status not in (200, 201):
                    failures.append(f"thread {tag}: {status} {t}")
                    continue
                threads.append(t["id"])
                acked["comments"].append(tag)
            elif kind == "reply":
                status, c = client.retry("POST", f"/api/v1/threads/{random.choice(threads)}/comments", stop,
                                         body={"body": tag}, key=str(uuid.uuid4()))
                if status not in (200, 201):
                    failures.append(f"reply {tag}: {status} {c}")
                    continue
                acked["comments"].append(tag)
            else:
                png = picture(n * 1000 + i)
                status, up = client.retry("POST", f"/api/v1/boards/{board}/uploads", stop,
                                          body={"file_name": f"{tag}.png", "content_type": "image/png",
                                                "size": len(png)}, key=str(uuid.uuid4()))
                if status != 201 and status != 200:
                    failures.append(f"upload {tag}: {status} {up}")
                    continue
                # The PUT may be cut: sent again, it replaces what arrived.
                status, _ = client.retry("PUT", up["target"]["url"], stop, raw=png, ctype="image/png",
                                         absolute=True)
                if status != 200:
                    failures.append(f"put {tag}: {status}")
                    continue
                status, done = client.retry("POST", f"/api/v1/uploads/{up['id']}/complete", stop, body={})
                if status not in (200, 201):
                    failures.append(f"complete {tag}: {status} {done}")
                    continue
                acked["assets"].append(done["asset"]["id"])
        except Down:
            return


def every(client, path):
    """All items of a paged list."""
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        _, page = client.call("GET", f"{path}{sep}limit=100" + (f"&cursor={cursor}" if cursor else ""))
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def query(database_url, data, sql):
    if database_url:
        out = subprocess.run(["psql", database_url, "-AtF", "\t", "-c", sql], capture_output=True, text=True,
                             check=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]
    import sqlite3
    con = sqlite3.connect(os.path.join(data, "critboard.db"))
    try:
        return [tuple(str(v) for v in row) for row in con.execute(sql)]
    finally:
        con.close()


def run(args):
    binary = os.environ.get("CRITBOARD_BIN", os.path.join(ROOT, "target", "debug", "critboard"))
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--quiet", "--bin", "critboard"], cwd=ROOT, check=True)
    data = tempfile.mkdtemp(prefix="critboard-crash-")
    database_url, admin_url = None, None
    if args.backend == "postgres":
        name = f"critboard_crash_{os.getpid()}"
        admin_url = PG
        subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True)
        database_url = PG.rsplit("/", 1)[0] + "/" + name
    server = Server(binary, data, database_url)
    failures = []
    try:
        server.start()
        owner = Client(server)
        owner.token = sign_up(server, "crash@example.com")
        _, ws = owner.call("POST", "/api/v1/workspaces", {"name": "Crash studio"})
        _, board = owner.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "Crash board"})
        png = picture(1)
        _, up = owner.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                           {"file_name": "base.png", "content_type": "image/png", "size": len(png)})
        owner.call("PUT", up["target"]["url"], raw=png, ctype="image/png", absolute=True)
        _, done = owner.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
        version = done["asset"]["current_version"]["id"]
        acked = {"comments": [], "assets": [done["asset"]["id"]]}

        stop = threading.Event()
        stop.deadline = float("inf")
        workers = []
        for n in range(args.clients):
            c = Client(server)
            c.token = owner.token
            t = threading.Thread(target=writer, args=(c, board["id"], version, n, stop, acked, failures))
            t.start()
            workers.append(t)
        for k in range(args.kills):
            time.sleep(random.uniform(0.2, 1.2))
            server.kill()
            time.sleep(random.uniform(0, 0.2))
            server.start()
        time.sleep(1)
        stop.deadline = time.monotonic() + 30
        stop.set()
        for t in workers:
            t.join()

        # Everything answered is there exactly once.
        listing = every(owner, f"/api/v1/versions/{version}/threads")
        bodies = [c["body"] for t in listing for c in t["comments"]]
        for tag in acked["comments"]:
            if bodies.count(tag) != 1:
                failures.append(f"comment {tag} is there {bodies.count(tag)} times")
        if len(bodies) != len(acked["comments"]):
            failures.append(f"{len(bodies)} comments stored, {len(acked['comments'])} answered")
        # Every upload was completed once, and thumbnailed.
        deadline = time.monotonic() + 120
        while True:
            assets = every(owner, f"/api/v1/boards/{board['id']}/assets")
            states = [a["current_version"]["state"] for a in assets]
            if "processing" not in states or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        ids = [a["id"] for a in assets]
        for a in acked["assets"]:
            if ids.count(a) != 1:
                failures.append(f"asset {a} is listed {ids.count(a)} times")
        if len(ids) != len(acked["assets"]):
            failures.append(f"{len(ids)} assets, {len(acked['assets'])} uploads answered")
        for a in assets:
            if a["current_version"]["state"] != "ready":
                failures.append(f"asset {a['id']} is {a['current_version']['state']}")
        sizes = query(database_url, data, "SELECT version_id, COUNT(*) FROM thumbnails GROUP BY version_id")
        failures.extend(f"version {v} has {n} thumbnails, not 2" for v, n in sizes if n != "2")
        if len(sizes) != len(ids):
            failures.append(f"{len(sizes)} versions have thumbnails, of {len(ids)}")
        # Completed means a version made; still uploading means none yet.
        half = query(database_url, data,
                     "SELECT u.id FROM uploads u LEFT JOIN versions v ON v.id = u.version_id "
                     "WHERE (u.state = 2 AND v.id IS NULL) OR (u.state = 1 AND u.version_id IS NOT NULL)")
        failures.extend(f"upload {u} is half-completed" for (u,) in half)
        # Every object on disk is referenced.
        known = {row[0] for sql in ("SELECT object_key FROM versions", "SELECT object_key FROM thumbnails",
                                    "SELECT object_key FROM uploads", "SELECT view_key FROM pages",
                                    "SELECT grid_key FROM pages")
                 for row in query(database_url, data, sql)}
        pending = {row[0] for row in query(database_url, data, "SELECT object_key FROM uploads WHERE state = 1")}
        root = os.path.join(data, "objects")
        stray = []
        for dirpath, _, files in os.walk(root):
            for f in files:
                key = os.path.relpath(os.path.join(dirpath, f), root)
                # A staging file of an upload still under way is that
                # upload's, removed with it when it completes or expires.
                if key not in known and key.split("#")[0] not in pending:
                    stray.append(key)
        failures.extend(f"object {k} is not referenced" for k in stray)
        print(f"crash ({args.backend}): {args.kills} kills with {args.clients} clients writing; "
              f"{len(acked['comments'])} comments and {len(acked['assets'])} uploads answered, "
              f"{len(bodies)} comments and {len(ids)} assets found, {len(stray)} stray objects")
    finally:
        if server.proc and server.proc.poll() is None:
            server.proc.terminate()
            server.proc.wait()
        shutil.rmtree(data, ignore_errors=True)
        if database_url:
            subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {database_url.rsplit('/', 1)[1]}"])
    for f in failures[:50]:
        print("FAIL:", f)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--clients", type=int, default=3)
    args = ap.parse_args()
    random.seed(os.environ.get("CRASH_SEED"))
    sys.exit(run(args))


if __name__ == "__main__":
    main()
