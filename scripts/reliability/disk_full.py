#!/usr/bin/env python3
"""The object folder's disk fills up while people upload (issue 17 §2).

The data folder's `objects/` is a 4 MB tmpfs. Pictures are uploaded until
the disk is full; then:
  - the PUT that does not fit is answered 507 with a `storage-full`
    problem, at once, and nothing of it is kept (no staging file, and the
    upload cannot be completed);
  - everything else goes on: signing in, reading, commenting;
  - once an asset is deleted and its files are gone, uploads work again.
Needs root and the right to mount (a tmpfs); says SKIPPED otherwise. Exits 1 on a breach.
"""
import os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash as C  # noqa: E402


def noise_png(seed, side=360):
    """A PNG that does not compress: about side² × 3 bytes."""
    import random, struct, zlib
    rnd = random.Random(seed)
    rows = b"".join(b"\0" + rnd.randbytes(side * 3) for _ in range(side))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def main():
    if os.geteuid() != 0:
        print("disk full: not root, cannot mount a small disk: SKIPPED")
        return 0
    binary = os.environ.get("CRITBOARD_BIN", os.path.join(C.ROOT, "target", "debug", "critboard"))
    data = tempfile.mkdtemp(prefix="critboard-full-")
    objects = os.path.join(data, "objects")
    os.makedirs(objects)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", objects],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(f"disk full: cannot mount a small disk here ({mounted.stderr.strip()}): SKIPPED")
        subprocess.run(["rm", "-rf", data])
        return 0
    server = C.Server(binary, data, None)
    failures = []
    try:
        server.start()
        owner = C.Client(server)
        owner.token = C.sign_up(server, "full@example.com")
        _, ws = owner.call("POST", "/api/v1/workspaces", {"name": "Full studio"})
        _, board = owner.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "Full board"})
        kept, full = [], None
        for i in range(40):
            png = noise_png(i)
            _, up = owner.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                               {"file_name": f"p{i}.png", "content_type": "image/png", "size": len(png)})
            started = time.monotonic()
            status, problem = owner.call("PUT", up["target"]["url"], raw=png, ctype="image/png", absolute=True)
            took = time.monotonic() - started
            if status == 507:
                full = (up, problem, took)
                break
            if status != 200:
                failures.append(f"PUT {i}: {status} {problem}")
                break
            status, done = owner.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
            if status != 201:
                failures.append(f"complete {i}: {status} {done}")
                break
            kept.append(done["asset"]["id"])
        if not full:
            failures.append("the disk never filled")
        else:
            up, problem, took = full
            if problem.get("type") != "urn:critboard:problem:storage-full":
                failures.append(f"507 with {problem}")
            if took > 5:
                failures.append(f"the 507 took {took:.1f} s")
            staged = [f for _, _, fs in os.walk(objects) for f in fs if "#" in f]
            if staged:
                failures.append(f"staging files left: {staged}")
            status, _ = owner.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
            if status != 409:
                failures.append(f"completing the upload that did not fit: {status}, not 409")
            # The rest of the service goes on.
            status, _ = owner.call("GET", "/api/v1/me")
            version = None
            if kept:
                _, asset = owner.call("GET", f"/api/v1/assets/{kept[0]}")
                version = asset["current_version"]["id"]
                status, _ = owner.call("POST", f"/api/v1/versions/{version}/threads",
                                       {"x": 0.5, "y": 0.5, "body": "Still here"})
                if status != 201:
                    failures.append(f"commenting on a full disk: {status}")
            # Space freed: uploads work again.
            for a in kept[:3]:
                owner.call("DELETE", f"/api/v1/assets/{a}")
            ok = False
            deadline = time.monotonic() + 30
            png = noise_png(999)
            while time.monotonic() < deadline and not ok:
                _, up = owner.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                                   {"file_name": "again.png", "content_type": "image/png", "size": len(png)})
                status, _ = owner.call("PUT", up["target"]["url"], raw=png, ctype="image/png", absolute=True)
                ok = status == 200
                if not ok:
                    time.sleep(0.5)
            if not ok:
                failures.append("uploads did not work again after space was freed")
            else:
                status, _ = owner.call("POST", f"/api/v1/uploads/{up['id']}/complete", {})
                if status != 201:
                    failures.append(f"completing after space was freed: {status}")
        print(f"disk full: {len(kept)} pictures fitted in 4 MB; the next PUT got "
              f"{'507 in %.0f ms' % (full[2] * 1000) if full else 'no 507'}")
    finally:
        if server.proc and server.proc.poll() is None:
            server.proc.terminate()
            server.proc.wait()
        subprocess.run(["umount", objects])
        subprocess.run(["rm", "-rf", data])
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
