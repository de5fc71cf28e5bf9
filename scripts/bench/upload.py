#!/usr/bin/env python3
"""Upload benchmark: a 200 MB file sent through the local signed upload URL,
with the server's RSS before, its peak during (VmHWM), and the time taken.
The server must stream the body to disk, never holding it in memory."""
import os, shutil, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402

SIZE = 200 * 1024 * 1024


def rss(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return 0


def main():
    server, base, data, _ = F.start_server(max_upload_bytes=SIZE + 1)
    try:
        c = F.Client(base)
        c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
        ws, _ = c.call("POST", "/api/v1/workspaces", {"name": "W"})
        board, _ = c.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "B"})
        body = os.path.join(data, "big.bin")
        with open(body, "wb") as f:
            chunk = os.urandom(1 << 20)
            for _ in range(SIZE >> 20):
                f.write(chunk)
        up, _ = c.call("POST", f"/api/v1/boards/{board['id']}/uploads",
                       {"file_name": "big.png", "content_type": "image/png", "size": SIZE})
        before = rss(server.pid, "VmRSS:")
        t = time.monotonic()
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
                              "-H", "content-type: image/png", "--data-binary", f"@{body}",
                              up["target"]["url"]], capture_output=True, text=True)
        secs = time.monotonic() - t
        peak = rss(server.pid, "VmHWM:")
        stored = os.path.getsize(os.path.join(data, "objects", "o", up["id"]))
        print(f"200 MB upload through the local signed URL: HTTP {out.stdout}, {secs:.2f} s "
              f"({SIZE / secs / 1e6:.0f} MB/s), stored {stored:,} bytes")
        print(f"server RSS before {before} MB, peak during the upload {peak} MB, "
              f"growth {peak - before} MB (target < 20 MB)")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
