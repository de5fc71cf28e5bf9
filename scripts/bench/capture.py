#!/usr/bin/env python3
"""Website capture benchmark: request-to-ready time of real pages (the
corpus sites and a 15,000 px page of our own) at 1440 and 390 wide, beside
the raw `chromium --headless --screenshot` of the same page at the same
size; peak RSS of Critboard and of its Chromium during captures; RSS after
50 captures in a row (no creep); and no browser left after a shutdown.

Usage: scripts/bench/capture.py [--runs 3] [--series 50]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, threading, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from functools import partial

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import foundation as F  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def corpus():
    for d in (os.environ.get("CRITBOARD_CORPUS"), os.path.join(F.ROOT, "..", "shared", "corpus"), "/work/shared/corpus"):
        if d and os.path.isdir(os.path.join(d, "sites")):
            return os.path.abspath(d)
    sys.exit("the test corpus (shared/corpus) was not found; set CRITBOARD_CORPUS")


TALL = """<!doctype html><html><head><meta name="viewport" content="width=device-width">
<title>Tall page</title><style>
body{margin:0;font:18px sans-serif} header{position:sticky;top:0;background:#222;color:#fff;padding:16px}
.hero{height:100vh;background:linear-gradient(#1f6feb,#8250df);color:#fff;font-size:48px;padding:40px}
section{height:1400px;padding:40px;border-bottom:4px solid #ccc} img{width:600px;height:300px;display:block}
</style></head><body><header>Sticky header</header><div class="hero">A hero of one screen</div>
%s</body></html>"""


def write_tall_page(root):
    """A 15,000 px page: sticky header, a 100vh hero, sections with lazy images."""
    os.makedirs(os.path.join(root, "tall"), exist_ok=True)
    sections = "".join(
        f'<section><h2>Section {i}</h2><img loading="lazy" alt="" src="/startbootstrap-agency/img/portfolio/0{1 + i % 6}-full.jpg"></section>'
        for i in range(10))
    with open(os.path.join(root, "tall", "index.html"), "w") as f:
        f.write(TALL % sections)


def serve(root):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=root))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def rss_mb(pid, field="VmRSS:"):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def chromium_pids(workdir):
    """Chromium and its helpers: every process whose command line names a profile under `workdir`."""
    needle = os.path.join(workdir, "critboard-chromium-").encode()
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if needle in open(f"/proc/{p}/cmdline", "rb").read():
                    out.append(int(p))
            except OSError:
                pass
    return out


class Sampler:
    """Peak total RSS of the browser's processes, sampled every 50 ms."""
    def __init__(self, workdir):
        self.workdir, self.peak, self.stop = workdir, 0.0, False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            self.peak = max(self.peak, sum(rss_mb(p) for p in chromium_pids(self.workdir)))
            time.sleep(0.05)

    def done(self):
        self.stop = True
        self.thread.join()
        return self.peak


def capture(c, board, url, width):
    """Seconds from the request to a ready version, and the version."""
    t = time.monotonic()
    made, _ = c.call("POST", f"/api/v1/boards/{board}/captures", {"url": url, "widths": [width]})
    asset = made["assets"][0]["id"]
    while True:
        a, _ = c.call("GET", f"/api/v1/assets/{asset}")
        v = a["current_version"]
        if v["state"] == "ready":
            return time.monotonic() - t, a
        if v["state"] == "failed":
            sys.exit(f"capture of {url} at {width} failed: {v.get('failure')}")
        time.sleep(0.05)


def raw_screenshot(url, width, height, out):
    """The anchor: one `chromium --headless --screenshot` of the same page at the same size."""
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    t = time.monotonic()
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", f"--user-data-dir={profile}", f"--window-size={width},{height}",
                    f"--screenshot={out}", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    secs = time.monotonic() - t
    shutil.rmtree(profile, ignore_errors=True)
    return secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--series", type=int, default=50)
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit("chromium is not installed (apt-get install chromium)")
    sites = tempfile.mkdtemp(prefix="bench-sites-")
    for name in os.listdir(os.path.join(corpus(), "sites")):
        os.symlink(os.path.join(corpus(), "sites", name), os.path.join(sites, name))
    write_tall_page(sites)
    httpd, site = serve(sites)
    server, base, data, _ = F.start_server(capture_allow_private="true", capture_rate_limit=100000)
    workdir = os.path.join(data, "tmp")
    try:
        c = F.Client(base)
        c.call("POST", "/api/v1/auth/signup", {"email": "u@bench.test", "display_name": "U", "password": F.PASSWORD})
        ws, _ = c.call("POST", "/api/v1/workspaces", {"name": "W"})
        board = c.call("POST", f"/api/v1/workspaces/{ws['id']}/boards", {"name": "B"})[0]["id"]
        version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
        print(f"browser: {version}")
        # The first capture also starts the browser.
        cold, _ = capture(c, board, f"{site}/startbootstrap-sb-admin-2/login.html", 1440)
        print(f"first capture after start-up (browser launch included): {cold:.2f} s")
        pages = [("agency", "/startbootstrap-agency/"), ("sb-admin-2", "/startbootstrap-sb-admin-2/index.html"),
                 ("tall (~15,000 px)", "/tall/")]
        sampler = Sampler(workdir)
        print(f"{'page':<16}{'width':>6}{'picture':>14}{'ours (median)':>15}{'raw chromium':>14}")
        for name, path in pages:
            for width in (1440, 390):
                if name.startswith("tall") and width == 390:
                    continue
                ours, shot = [], None
                for _ in range(args.runs):
                    secs, shot = capture(c, board, site + path, width)
                    ours.append(secs)
                v = shot["current_version"]
                css_h = v["capture"]["page_height"]
                out = os.path.join(data, "raw.png")
                raw = [raw_screenshot(site + path, width, css_h, out) for _ in range(args.runs)]
                print(f"{name:<16}{width:>6}{v['width']:>7}x{v['height']:<6}{statistics.median(ours):>13.2f} s"
                      f"{statistics.median(raw):>12.2f} s")
        peak_browser = sampler.done()
        print(f"peak RSS during these captures: Critboard {rss_mb(server.pid, 'VmHWM:'):.0f} MB, "
              f"Chromium (all its processes) {peak_browser:.0f} MB")
        # A series: does memory creep?
        marks = []
        for i in range(1, args.series + 1):
            capture(c, board, f"{site}/startbootstrap-sb-admin-2/login.html", 1440)
            if i % 10 == 0:
                browser = sum(rss_mb(p) for p in chromium_pids(workdir))
                marks.append(f"{i}: {rss_mb(server.pid):.0f}/{browser:.0f}")
        print(f"RSS after N captures in a row (Critboard/Chromium MB; the browser is replaced every 25): {', '.join(marks)}")
    finally:
        server.terminate()
        server.wait()
        time.sleep(0.5)
        left = chromium_pids(workdir)
        print(f"Chromium processes left after Critboard stopped: {len(left)}")
        httpd.shutdown()
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(sites, ignore_errors=True)


if __name__ == "__main__":
    main()
