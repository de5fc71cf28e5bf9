#!/usr/bin/env python3
"""Discussion benchmark: a board of 200 assets with 5,000 threads (25 per
asset), then wrk at 32 connections on the board page (its assets with
current versions, thumbnails and thread counts), on one asset's threads
with their comments, and on posting a comment (with 10 more board members,
whose inbox rows each post writes), into one thread and into 100 in turn."""
import os, shutil, struct, sys, tempfile, time, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402


def tiny_png(seed):
    """A valid 8×8 RGB PNG, different for each seed."""
    raw = b"".join(b"\x00" + b"".join(bytes(((seed + x + y) % 256, x * 30 % 256, y * 30 % 256)) for x in range(8)) for y in range(8))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def put(url, body):
    import urllib.request
    req = urllib.request.Request(url, data=body, method="PUT", headers={"content-type": "image/png"})
    urllib.request.urlopen(req).read()


def board_with_picture(c, name="B"):
    """As the signed-in client `c`: a workspace, a board and one uploaded
    picture; returns (workspace, board, current version id)."""
    ws, _ = c.call("POST", "/api/v1/workspaces", {"name": "W"})
    board, _ = c.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": name})
    png = tiny_png(1)
    up, _ = c.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                   {"file_name": "a.png", "content_type": "image/png", "size": len(png)})
    put(up["target"]["url"], png)
    done, _ = c.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
    return ws, board, done["asset"]["current_version"]["id"]


def post_scripts(data, c, threads):
    """wrk scripts posting a comment as `c`: into the URL given, and each
    request into the next of the first 100 `threads`."""
    script = os.path.join(data, "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = \'{"body": "Looks good"}\'\n'
                f'wrk.headers["content-type"] = "application/json"\nwrk.headers["x-csrf-token"] = "{c.csrf}"\n')
    spread = os.path.join(data, "spread.lua")
    with open(spread, "w") as f:
        f.write(open(script).read())
        f.write("paths = {" + ", ".join(f'"/api/v1/threads/{t}/comments"' for t in threads[:100]) + "}\n"
                "n = 0\nrequest = function()\n  n = n + 1\n"
                "  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n")
    return script, spread


def seed_board(base):
    """One board with 10 more members (every post writes their inbox rows),
    200 pictures and 25 threads on each; returns the owner's client, the
    board, the 200 current versions and the 5,000 threads."""
    c = F.Client(base)
    c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
    ws, _ = c.call("POST", "/api/v1/workspaces", {"name": "W"})
    board, _ = c.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "B"})
    for i in range(10):
        m = F.Client(base)
        me, _ = m.call("POST", "/api/v1/auth/signup",
                       {"email": f"m{i}@bench.test", "display_name": f"M {i}", "password": F.PASSWORD})
        uid = me["user"]["id"]
        c.call("POST", f"/api/v1/workspaces/{ws['id']}/members", {"user_id": uid, "role": "member"})
        c.call("POST", f"/api/v1/boards/{board['id']}/members", {"user_id": uid, "role": "commenter"})
    versions = []
    for i in range(200):
        png = tiny_png(i)
        up, _ = c.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                       {"file_name": f"a{i}.png", "content_type": "image/png", "size": len(png)})
        put(up["target"]["url"], png)
        done, _ = c.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
        versions.append(done["asset"]["current_version"]["id"])
    threads = []
    for v in versions:
        for j in range(25):
            t, _ = c.call("POST", f"/api/v1/versions/{v}/threads", {"x": 0.5, "y": 0.5, "body": f"note {j}"})
            threads.append(t["id"])
    return c, board, versions, threads


def main():
    server, base, data, _ = F.start_server(auth_rate_limit=100000, query_count_header="true")
    try:
        t0 = time.monotonic()
        c, board, versions, threads = seed_board(base)
        print(f"seeded 200 assets and {len(threads):,} threads in {time.monotonic() - t0:.0f} s")
        page, h = c.call("GET", f"/api/v1/boards/{board['id']}/assets?limit=200")
        print(f"board page: {len(page['items'])} assets, {h['x-query-count']} SQL queries")
        _, h = c.call("GET", f"/api/v1/versions/{versions[0]}/threads")
        print(f"asset threads: 25 threads, {h['x-query-count']} SQL queries")
        _, h = c.call("POST", f"/api/v1/threads/{threads[1]}/comments", {"body": "count me"})
        print(f"posting a comment: {h['x-query-count']} SQL queries")

        script, spread = post_scripts(data, c, threads)
        print("\n| request | connections | req/s | p50 ms | p99 ms | non-2xx |")
        print("|---|---|---|---|---|---|")
        for name, path, extra in [
            ("GET /api/v1/boards/{id}/assets (first page: 50 of 200 assets)", f"/api/v1/boards/{board['id']}/assets", []),
            ("GET /api/v1/boards/{id}/assets?limit=200 (all 200 assets)", f"/api/v1/boards/{board['id']}/assets?limit=200", []),
            ("GET /api/v1/versions/{id}/threads (25 threads)", f"/api/v1/versions/{versions[0]}/threads", []),
            ("POST /api/v1/threads/{id}/comments (one thread, 10 members notified)", f"/api/v1/threads/{threads[0]}/comments", ["-s", script]),
            ("POST /api/v1/threads/{id}/comments (100 threads in turn)", f"/api/v1/threads/{threads[0]}/comments", ["-s", spread]),
        ]:
            rps, p50, p99, errs = F.wrk(base + path, c.cookie, 10, 32, extra)
            print(f"| {name} | 32 | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errs} |")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
