#!/usr/bin/env python3
"""Digest benchmark: 10,000 people with pending notifications on SQLite;
how long the hourly digest takes to queue all e-mails and to deliver them
to a local SMTP sink (aiosmtpd, discarding).

Steps: the server creates a board with a picture and a thread; 10,000
verified people are added to the database as workspace and board members;
the owner posts 3 comments (30,000 notifications, written with the events);
then the server starts with SMTP configured and runs the hour's digest at
start-up. Usage: scripts/bench/digest.py [--people 10000] [--workers 1]
"""
import argparse, os, shutil, sqlite3, subprocess, sys, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402
import discussion as D  # noqa: E402


def stop(server):
    server.terminate()
    server.wait()


def start(data, port, **settings):
    server, base, _, _ = F.start_server(data, port, **settings)
    return server, base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    data = F.tempfile.mkdtemp(prefix="critboard-digest-")
    port = F.free_port()
    sink_port = F.free_port()
    sink = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{sink_port}",
                             "-c", "aiosmtpd.handlers.Sink"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # 1. A board with a picture and a thread.
        server, base = start(data, port, job_workers=1, auth_rate_limit=100000)
        c = F.Client(base)
        c.call("POST", "/api/v1/auth/signup", {"email": "owner@bench.test", "display_name": "Owner", "password": F.PASSWORD})
        ws, board, v = D.board_with_picture(c, "Launch")
        t, _ = c.call("POST", f"/api/v1/versions/{v}/threads", {"x": 0.5, "y": 0.5, "body": "Kick-off"})
        stop(server)

        # 2. The people, straight into the database.
        db = sqlite3.connect(os.path.join(data, "critboard.db"))
        ws_id, board_id = uuid.UUID(ws["id"]).bytes, uuid.UUID(board["id"]).bytes
        now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        users = [uuid.uuid4().bytes for _ in range(args.people)]
        db.executemany("INSERT INTO users (id, email, email_normalized, display_name, password_hash, email_verified, "
                       "is_admin, notification_frequency, created_at, updated_at) VALUES (?,?,?,?,?,1,0,'hourly',?,?)",
                       [(u, f"p{i}@bench.test", f"p{i}@bench.test", f"Person {i}", "x", now, now) for i, u in enumerate(users)])
        db.executemany("INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES (?,?,1,?)",
                       [(ws_id, u, now) for u in users])
        db.executemany("INSERT INTO board_members (board_id, user_id, role, created_at) VALUES (?,?,2,?)",
                       [(board_id, u, now) for u in users])
        db.commit()

        # 3. Three comments: 3 × people notifications, no workers running.
        server, base = start(data, port, job_workers=0)
        c.base = base
        for i in range(3):
            c.call("POST", f"/api/v1/threads/{t['id']}/comments", {"body": f"Update {i}: new colours"})
        stop(server)
        pending = db.execute("SELECT COUNT(*) FROM notifications WHERE emailed_at IS NULL").fetchone()[0]
        print(f"people: {args.people:,}, pending notifications: {pending:,}")

        # 4. The next hour: forget this hour's (empty) digest runs, then
        #    start with SMTP; the hour's digest runs at start-up.
        db.execute("DELETE FROM jobs WHERE kind = 'digest'")
        db.commit()
        t0 = time.monotonic()
        server, base = start(data, port, job_workers=args.workers, smtp_url=f"smtp://127.0.0.1:{sink_port}")
        queued_at = None
        while True:
            queued = db.execute("SELECT COUNT(*) FROM emails WHERE kind = 'digest'").fetchone()[0]
            sent = db.execute("SELECT COUNT(*) FROM emails WHERE kind = 'digest' AND sent_at IS NOT NULL").fetchone()[0]
            if queued_at is None and queued >= args.people:
                queued_at = time.monotonic() - t0
            if sent >= args.people:
                break
            if time.monotonic() - t0 > 600:
                sys.exit(f"timed out: {queued} queued, {sent} sent")
            time.sleep(0.2)
        total = time.monotonic() - t0
        stop(server)
        print(f"digests queued (rendered, notifications marked): {queued_at:.1f} s")
        print(f"digests delivered to the SMTP sink ({args.workers} job workers): {total:.1f} s")
    finally:
        sink.terminate()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
