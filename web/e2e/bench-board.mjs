// Benchmark: navigation to a board of 200 assets until it is interactive
// (every card rendered) and until every thumbnail is painted, in headless
// Chromium against the release server on a fresh data folder.
// Run: make bench, or `cd web && node e2e/bench-board.mjs` after a release build.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { png } from "./png.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.CRITBOARD_BIN ?? join(here, "..", "..", "target", "release", "critboard");
const ASSETS = 200;
const RUNS = 7;
const port = 18000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const data = mkdtempSync(join(tmpdir(), "critboard-bench-web-"));
const server = spawn(binary, ["--listen", `127.0.0.1:${port}`, "--data-dir", data], {
  env: { ...process.env, CRITBOARD_LOG: "warn", CRITBOARD_AUTH_RATE_LIMIT: "100000" },
  stdio: ["ignore", "ignore", "inherit"],
});

async function waitReady() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server did not start");
}

let cookie = "";
let csrf = "";
async function call(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    if (pair.startsWith("critboard_csrf=")) csrf = decodeURIComponent(pair.slice(15));
    cookie = [cookie, pair].filter(Boolean).join("; ");
  }
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

try {
  await waitReady();
  const password = "bench-long-passphrase";
  await call("POST", "/api/v1/auth/signup", { email: "web@bench.test", display_name: "Web", password });
  const ws = await call("POST", "/api/v1/workspaces", { name: "W" });
  const board = await call("POST", `/api/v1/workspaces/${ws.id}/boards`, { name: "Two hundred" });
  for (let i = 0; i < ASSETS; i++) {
    const body = png(640, 480, [(i * 37) % 256, (i * 91) % 256, (i * 53) % 256], (i % 5) / 10);
    const up = await call("POST", `/api/v1/boards/${board.id}/uploads`,
      { file_name: `screen-${i}.png`, content_type: "image/png", size: body.length });
    const put = await fetch(up.target.url, { method: up.target.method, headers: up.target.headers, body });
    if (!put.ok) throw new Error(`PUT ${put.status}`);
    await call("POST", `/api/v1/uploads/${up.id}/complete`, {});
  }
  // Wait for every thumbnail.
  for (;;) {
    let ready = 0;
    let cursor = "";
    do {
      const page = await call("GET", `/api/v1/boards/${board.id}/assets?limit=200${cursor}`);
      ready += page.items.filter((a) => a.current_version?.state === "ready").length;
      cursor = page.next_cursor ? `&cursor=${page.next_cursor}` : "";
    } while (cursor);
    if (ready === ASSETS) break;
    await new Promise((r) => setTimeout(r, 250));
  }

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
  const interactive = [];
  const painted = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const login = await context.request.post(`${base}/api/v1/auth/login`, { data: { email: "web@bench.test", password } });
    if (!login.ok()) throw new Error(`login ${login.status()}`);
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`${base}/b/${board.id}`);
    await page.waitForFunction((n) => document.querySelectorAll(".asset-card").length === n, ASSETS, { polling: "raf" });
    interactive.push(Date.now() - t0);
    // Lazy images below the fold load as they scroll in: count those in view.
    await page.waitForFunction(() => [...document.querySelectorAll(".asset-card img")]
      .filter((i) => i.getBoundingClientRect().top < window.innerHeight)
      .every((i) => i.complete && i.naturalWidth > 0), null, { polling: "raf" });
    painted.push(Date.now() - t0);
    await context.close();
  }
  await browser.close();
  const fmt = (xs) => `median ${quantile(xs, 0.5)} ms, worst ${Math.max(...xs)} ms`;
  console.log(`web board of ${ASSETS} assets, ${RUNS} cold loads in headless Chromium (1440×900):`);
  console.log(`  navigation → all ${ASSETS} cards rendered and interactive: ${fmt(interactive)}`);
  console.log(`  navigation → every thumbnail in view painted:            ${fmt(painted)}`);
} finally {
  server.kill();
  rmSync(data, { recursive: true, force: true });
}
