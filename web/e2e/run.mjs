// End-to-end tests: the release binary (with this web app embedded) on a
// fresh data folder, driven by playwright-core in Debian's Chromium.
// Each step saves a screenshot into e2e/screenshots/ for a person to see.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const binary = process.env.CRITBOARD_BIN ?? join(root, "target", "release", "critboard");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = join(here, "screenshots");
mkdirSync(shots, { recursive: true });

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const data = mkdtempSync(join(tmpdir(), "critboard-e2e-"));
  const port = await freePort();
  const server = spawn(binary, ["--listen", `127.0.0.1:${port}`, "--data-dir", data], {
    env: { ...process.env, CRITBOARD_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { server, base, data };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server did not start");
}

/** The newest link of this kind in the e-mails the server wrote. */
async function mailedLink(data, kind) {
  const dir = join(data, "outbox");
  for (let i = 0; i < 100; i++) {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const links = files
      .map((f) => readFileSync(join(dir, f), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "="))
      .flatMap((text) => [...text.matchAll(new RegExp(`/${kind}\\?token=([A-Za-z0-9_-]+)`, "g"))])
      .map((m) => m[0]);
    if (links.length) return links[links.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${kind} e-mail was written`);
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test("sign up, create a workspace and a board", async ({ page, base }) => {
  await page.goto(base);
  await page.getByRole("heading", { name: "Sign in to Critboard" }).waitFor();
  await page.screenshot({ path: join(shots, "01-sign-in.png") });
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Password").fill("12345678");
  await page.getByRole("button", { name: "Create account" }).click();
  // The server refuses a common password; what was typed stays.
  await page.getByText("one of the most common passwords").waitFor();
  if ((await page.getByLabel("E-mail").inputValue()) !== "ada@example.com") {
    throw new Error("the e-mail was lost after a failed sign-up");
  }
  await page.screenshot({ path: join(shots, "02-sign-up-error.png") });
  await page.getByLabel("Password").fill("violet-otter-42-lamp");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { name: "Workspaces" }).waitFor();
  await page.getByText("No workspace yet").waitFor();
  await page.getByLabel("New workspace").fill("Studio North");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: "Studio North" }).waitFor();
  await page.getByLabel("New board").fill("Homepage redesign");
  await page.getByRole("button", { name: "Create board" }).click();
  await page.getByText("Homepage redesign").waitFor();
  await page.screenshot({ path: join(shots, "03-boards.png") });
  // A reload keeps the session and the page.
  await page.reload();
  await page.getByText("Homepage redesign").waitFor();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Critboard" }).waitFor();
});

test("confirm the address, then reset a forgotten password", async ({ page, base, data }) => {
  // Ada signed up in the test before: her confirmation e-mail is in the outbox.
  await page.goto(base + (await mailedLink(data, "verify-email")));
  await page.getByText("is confirmed").waitFor();
  await page.screenshot({ path: join(shots, "04-confirmed.png") });
  await page.getByRole("link", { name: "Continue to Critboard" }).click();
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByRole("button", { name: "Send me a link" }).click();
  await page.getByText("is on its way").waitFor();
  await page.goto(base + (await mailedLink(data, "reset-password")));
  await page.getByLabel("New password").fill("a-brand-new-passphrase");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await page.getByText("Your password is changed").waitFor();
  await page.screenshot({ path: join(shots, "05-password-changed.png") });
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("Password").fill("a-brand-new-passphrase");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Workspaces" }).waitFor();
  await page.getByText("Studio North").waitFor();
});

if (!existsSync(binary)) {
  console.error(`e2e: ${binary} is missing: build it with cargo build --release`);
  process.exit(1);
}
const { server, base, data } = await startServer();
const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
let failed = 0;
try {
  for (const t of tests) {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const started = Date.now();
    try {
      await t.fn({ page, base, data });
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}: ${e.message}`);
      await page.screenshot({ path: join(shots, "failure.png") }).catch(() => {});
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
  rmSync(data, { recursive: true, force: true });
}
console.log(`e2e: ${tests.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
