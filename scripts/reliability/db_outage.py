#!/usr/bin/env python3
"""PostgreSQL restarted under a serving Critboard (issue 17 §2).

With a live stream open on a board, the database is stopped for a few
seconds and started again. Checked:
  - during the outage, requests are answered 503 quickly (a problem
    document, not a hang) and `/readyz` says not ready;
  - within 5 s of the database accepting connections again, the service is
    back by itself: `/readyz` ready, writes work;
  - the live stream delivers what happened after the outage: on the same
    connection or, if it dropped, after reconnecting with Last-Event-ID.
Stops the machine's PostgreSQL cluster (pg_ctlcluster), so it needs root and
nothing else using the database: `make test` runs it after the other tests.
Exits 1 on a breach.
"""
import glob, http.client, json, os, subprocess, sys, tempfile, threading, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash as C  # noqa: E402

OUTAGE_SECONDS = 4


def cluster(action):
    version = os.path.basename(sorted(glob.glob("/etc/postgresql/*"))[-1])
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, *(
        ["-m", "fast"] if action == "stop" else [])], check=True, capture_output=True)


def pg_accepts(url):
    return subprocess.run(["psql", url, "-qAtc", "SELECT 1"], capture_output=True).returncode == 0


class Stream(threading.Thread):
    """An EventSource: reads the board's stream, reconnects with the last
    id it saw, and keeps every event's data."""

    def __init__(self, server, token, board):
        super().__init__(daemon=True)
        self.server, self.token, self.board = server, token, board
        self.events, self.last_id, self.reconnects, self.stop = [], None, 0, False

    def run(self):
        while not self.stop:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
                headers = {"authorization": f"Bearer {self.token}", "accept": "text/event-stream"}
                if self.last_id:
                    headers["last-event-id"] = self.last_id
                conn.request("GET", f"/api/v1/boards/{self.board}/stream", headers=headers)
                res = conn.getresponse()
                if res.status != 200:
                    res.read()
                    time.sleep(0.5)
                    self.reconnects += 1
                    continue
                event = {}
                while not self.stop:
                    line = res.fp.readline()
                    if not line:
                        break
                    line = line.decode().rstrip("\n")
                    if line.startswith("id:"):
                        event["id"] = line[3:].strip()
                    elif line.startswith("data:"):
                        event["data"] = event.get("data", "") + line[5:].strip()
                    elif line == "":
                        if "id" in event:
                            self.last_id = event["id"]
                        if "data" in event:
                            self.events.append(event["data"])
                        event = {}
            except (OSError, http.client.HTTPException):
                pass
            self.reconnects += 1
            time.sleep(0.5)


def main():
    if os.geteuid() != 0 or not glob.glob("/etc/postgresql/*"):
        print("database outage: needs root and a local PostgreSQL cluster: SKIPPED")
        return 0
    binary = os.environ.get("CRITBOARD_BIN", os.path.join(C.ROOT, "target", "debug", "critboard"))
    data = tempfile.mkdtemp(prefix="critboard-outage-")
    name = f"critboard_outage_{os.getpid()}"
    subprocess.run(["psql", C.PG, "-qc", f"CREATE DATABASE {name}"], check=True)
    url = C.PG.rsplit("/", 1)[0] + "/" + name
    server = C.Server(binary, data, url)
    failures = []
    stream = None
    try:
        server.start()
        owner = C.Client(server)
        owner.token = C.sign_up(server, "outage@example.com")
        _, ws = owner.call("POST", "/api/v1/workspaces", {"name": "Outage studio"})
        _, board = owner.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "Outage board"})
        png = C.picture(3)
        _, up = owner.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                           {"file_name": "p.png", "content_type": "image/png", "size": len(png)})
        owner.call("PUT", up["target"]["url"], raw=png, ctype="image/png", absolute=True)
        _, done = owner.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
        version = done["asset"]["current_version"]["id"]
        stream = Stream(server, owner.token, board["id"])
        stream.start()
        time.sleep(1)
        owner.call("POST", f"/api/v1/versions/{version}/threads", {"x": 0.1, "y": 0.1, "body": "Before the outage"})

        cluster("stop")
        down_at = time.monotonic()
        first, slowest, answers = None, 0.0, {}
        while time.monotonic() - down_at < OUTAGE_SECONDS:
            for path in ("/readyz", "/api/v1/me", f"/api/v1/boards/{board['id']}"):
                started = time.monotonic()
                try:
                    status, body = owner.call("GET", path)
                except C.Down as e:
                    status, body = str(e), None
                took = time.monotonic() - started
                # The first request finds the outage (the pool's acquire
                # timeout); the server answers the rest at once.
                if first is None:
                    first = took
                else:
                    slowest = max(slowest, took)
                answers.setdefault(path, set()).add(status)
            time.sleep(0.2)
        cluster("start")
        while not pg_accepts(url):
            time.sleep(0.05)
        up_at = time.monotonic()
        back = None
        while time.monotonic() - up_at < 30:
            try:
                status, _ = owner.call("POST", f"/api/v1/versions/{version}/threads",
                                       {"x": 0.2, "y": 0.2, "body": "After the outage"})
                if status == 201 and owner.call("GET", "/readyz")[0] == 200:
                    back = time.monotonic() - up_at
                    break
            except C.Down:
                pass
            time.sleep(0.05)

        for path, statuses in answers.items():
            if statuses - {"503"}:
                failures.append(f"{path} during the outage: {sorted(map(str, statuses))}, not only 503")
        if first > 3.5:
            failures.append(f"the first answer during the outage took {first:.1f} s")
        if slowest > 0.5:
            failures.append(f"an answer during the outage took {slowest:.1f} s")
        if back is None:
            failures.append("not back within 30 s of the database")
        elif back > 5:
            failures.append(f"back {back:.1f} s after the database, not within 5 s")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any("After the outage" in e for e in stream.events):
            time.sleep(0.1)
        if not any("After the outage" in e for e in stream.events):
            failures.append(f"the stream never delivered the thread opened after the outage ({len(stream.events)} events)")
        print(f"database outage ({OUTAGE_SECONDS} s): answers during it {dict((p, sorted(map(str, s))) for p, s in answers.items())}, "
              f"first {first * 1000:.0f} ms, slowest of the rest {slowest * 1000:.0f} ms; back {back if back is None else round(back, 2)} s after the database; "
              f"the stream reconnected {stream.reconnects} times and got {len(stream.events)} events")
    finally:
        if stream:
            stream.stop = True
        if not pg_accepts(C.PG):
            cluster("start")
        if server.proc and server.proc.poll() is None:
            server.proc.terminate()
            server.proc.wait()
        subprocess.run(["rm", "-rf", data])
        subprocess.run(["psql", C.PG, "-qc", f"DROP DATABASE IF EXISTS {name}"])
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
