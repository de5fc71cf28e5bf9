// End-to-end tests: the release binary (with this web app embedded) on a
// fresh data folder, driven by playwright-core in Debian's Chromium.
// Each step saves a screenshot into e2e/screenshots/ for a person to see.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { png } from "./png.mjs";

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
    // The websites captured here are served on loopback, which a real
    // deployment refuses (docs/security.md).
    // Every test signs in afresh from one address, faster than the
    // sign-in limit allows a person (the limit has API tests of its own).
    env: { ...process.env, CRITBOARD_LOG: "warn", CRITBOARD_CAPTURE_ALLOW_PRIVATE: "true", CRITBOARD_AUTH_RATE_LIMIT: "1000" },
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

/** The first text matching `pattern` in the e-mails the server wrote (waits up to `tries` × 100 ms). */
async function mailedMatch(data, pattern, tries = 100) {
  const dir = join(data, "outbox");
  for (let i = 0; i < tries; i++) {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=")
        .replace(/=E2=80=9C/g, "“").replace(/=E2=80=9D/g, "”");
      const m = text.match(pattern);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail matching ${pattern}`);
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

/** The newest digest e-mail to `to`, once `critboard admin send-digests` has queued it. */
async function mailedDigest(data, base, to) {
  execFileSync(binary, ["--data-dir", data, "--public-url", base, "admin", "send-digests"],
    { env: { ...process.env, CRITBOARD_LOG: "warn" } });
  const dir = join(data, "outbox");
  for (let i = 0; i < 150; i++) {
    const digests = readdirSync(dir)
      .filter((f) => f.endsWith(".eml"))
      .map((f) => readFileSync(join(dir, f), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "="))
      .filter((text) => text.includes("List-Unsubscribe") && text.includes(`To: ${to}`));
    if (digests.length) return digests[digests.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no digest was written to ${to}`);
}

const axeSource = readFileSync(join(here, "..", "node_modules", "axe-core", "axe.min.js"), "utf8");

/** The accessibility rules axe-core calls serious or critical, on the page as it is now. */
async function axeCheck(page, screen) {
  // Evaluated through the DevTools protocol: the app's CSP (rightly) refuses injected script tags.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  });
  if (violations.length) throw new Error(`axe on ${screen}:\n  ${violations.join("\n  ")}`);
}

/** Signs in; with one workspace, that is where the person lands. */
async function signIn(page, base, email, password) {
  await page.goto(base);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Studio North" }).waitFor();
}

/** A DataTransfer holding files (`{name, b64, type?}`, PNG unless typed), as a file manager drops them. */
function filesToDrop(page, files) {
  return page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type ?? "image/png" }));
    }
    return dt;
  }, files);
}

const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`) });

/** The shared corpus of real sites (shared/corpus), beside the repository or named by CRITBOARD_CORPUS. */
function corpusDir() {
  const candidates = [process.env.CRITBOARD_CORPUS, join(root, "..", "shared", "corpus"), "/work/shared/corpus"];
  const found = candidates.find((d) => d && existsSync(join(d, "sites")));
  if (!found) throw new Error("the test corpus (shared/corpus) was not found; set CRITBOARD_CORPUS");
  return found;
}

const TYPES = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".png": "image/png",
  ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf" };

/** Serves the corpus's static sites on a loopback port, as a web host would. */
async function serveSites() {
  const sites = join(corpusDir(), "sites");
  const server = createHttpServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = join(sites, path);
    if (!file.startsWith(sites) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    const ext = path.slice(path.lastIndexOf("."));
    res.writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

// What the review story shares between its steps.
const story = {};

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test("sign up, create a workspace and a board", async ({ page, base }) => {
  // Signed out, the app asks nothing it knows will fail.
  const failed = [];
  page.on("response", (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`); });
  await page.goto(base);
  await page.getByRole("heading", { name: "Sign in to Critboard" }).waitFor();
  await page.waitForLoadState("networkidle");
  if (failed.length) throw new Error(`failing requests on the sign-in page: ${failed.join(", ")}`);
  await page.screenshot({ path: join(shots, "01-sign-in.png") });
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("Your name").fill("Ada Lovelace");
  // The rules are stated before they bite.
  await page.getByText("Not a common password, one character or a short pattern repeated").waitFor();
  await page.getByLabel("Password").fill("12345678");
  await page.getByRole("button", { name: "Create account" }).click();
  // The server refuses a trivial password; what was typed stays.
  await page.getByText("is a sequence of letters, digits or keys").waitFor();
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
  // A new workspace says what to do first.
  await page.getByRole("heading", { name: "Start your first review" }).waitFor();
  await axeCheck(page, "first steps");
  await page.getByLabel("New board").fill("Homepage redesign");
  await page.getByRole("button", { name: "Create board" }).click();
  await page.getByText("Homepage redesign").waitFor();
  await page.screenshot({ path: join(shots, "03-boards.png") });
  // A reload keeps the session and the page.
  await page.reload();
  await page.getByText("Homepage redesign").waitFor();
  // Addresses that lead nowhere say so, with a way home.
  for (const nowhere of ["/this/does/not/exist", "/b/not-a-uuid", "/b/01936f4e-0000-7000-8000-0000000000b1"]) {
    await page.goto(base + nowhere);
    await page.getByRole("heading", { name: /There is no such page|This board does not exist/ }).waitFor();
    await page.getByRole("link", { name: "Go to your workspaces" }).waitFor();
  }
  await shot(page, "03b-not-found");
  await page.getByRole("link", { name: "Go to your workspaces" }).click();
  await page.getByRole("heading", { name: "Workspaces" }).waitFor();
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
  // Her one workspace is where she lands.
  await page.getByRole("heading", { name: "Studio North" }).waitFor();
});


test("the review story: upload, pin, live reply, resolve, new version, approve, guest, inbox", async ({ page: ada, base, data, browser }) => {
  await signIn(ada, base, "ada@example.com", "a-brand-new-passphrase");
  await ada.goto(base);
  await ada.getByRole("heading", { name: "Workspaces" }).waitFor();
  await axeCheck(ada, "workspaces");
  await ada.getByRole("link", { name: "Studio North" }).click();
  await ada.getByRole("heading", { name: "Studio North" }).waitFor();
  // Folders: make one and put a new board in it.
  await ada.getByLabel("New folder").fill("Clients");
  await ada.getByRole("button", { name: "Create folder" }).click();
  await ada.getByRole("link", { name: "Clients" }).click();
  await axeCheck(ada, "workspace home");
  await shot(ada, "06-folder");
  await ada.getByLabel("New board").fill("Launch campaign");
  await ada.getByRole("button", { name: "Create board" }).click();
  await ada.getByRole("heading", { name: "Launch campaign" }).waitFor();
  story.board = new URL(ada.url()).pathname;

  // Upload two pictures at once; both get thumbnails.
  await ada.getByText("No pictures yet").waitFor();
  // Dropped on the page together, as from a file manager.
  const files = [
    { name: "home.png", b64: png(1200, 900, [66, 135, 245]).toString("base64") },
    { name: "pricing.png", b64: png(800, 1400, [245, 180, 66]).toString("base64") },
  ];
  const dataTransfer = await filesToDrop(ada, files);
  await ada.dispatchEvent(".board-page", "dragenter", { dataTransfer });
  await ada.getByText("Drop to upload to Launch campaign").waitFor();
  await shot(ada, "07a-dropping");
  await ada.dispatchEvent(".board-page", "drop", { dataTransfer });
  await ada.locator(".asset-card img").nth(1).waitFor();
  if ((await ada.locator(".asset-card img").count()) !== 2) throw new Error("expected two thumbnails");
  await axeCheck(ada, "board");
  await shot(ada, "07-board-with-thumbnails");

  // Invite Bob; he signs up from the e-mailed link and lands on the board.
  await ada.getByRole("button", { name: "Share" }).click();
  await ada.getByLabel("E-mail").fill("bob@example.com");
  await ada.getByRole("button", { name: "Send invitation" }).click();
  await ada.getByText("Invitation sent").waitFor();
  await shot(ada, "08-share-dialog");
  await ada.keyboard.press("Escape");
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  bob.setDefaultTimeout(10_000);
  await bob.goto(base + (await mailedLink(data, "invite")));
  await bob.getByLabel("Your name").fill("Bob Builder");
  await bob.getByLabel("Password").fill("bobs-long-passphrase");
  await bob.getByRole("button", { name: /Create account/ }).click();
  await bob.getByRole("heading", { name: "Launch campaign" }).waitFor();
  await shot(bob, "09-bob-joined");

  // Ada opens the first picture and pins a comment mentioning Bob.
  await ada.getByRole("link", { name: "home" }).click();
  await ada.locator(".canvas img.picture").waitFor();
  story.home = new URL(ada.url()).pathname;
  await bob.getByRole("link", { name: "home" }).click();
  await bob.locator(".canvas img.picture").waitFor();
  const box = await ada.locator(".canvas").boundingBox();
  await ada.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const composer = ada.getByRole("combobox", { name: "New comment" });
  await composer.fill("The headline needs more room, @bo");
  await ada.getByRole("option", { name: "Bob Builder" }).waitFor();
  await composer.press("Enter");
  if (!(await composer.inputValue()).includes("@bobbuilder ")) throw new Error("the mention was not completed");
  await ada.getByRole("button", { name: "Post" }).click();
  await ada.getByRole("button", { name: "Thread 1" }).waitFor();
  await axeCheck(ada, "viewer");
  await shot(ada, "10-pinned");

  // Dragging marks an area: thread 2, drawn as a box.
  await ada.getByRole("button", { name: "Close thread" }).click();
  await ada.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await ada.mouse.down();
  await ada.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.4, { steps: 5 });
  await ada.mouse.up();
  await ada.getByRole("combobox", { name: "New comment" }).fill("This block feels crowded.");
  await ada.getByRole("button", { name: "Post" }).click();
  await ada.getByRole("button", { name: "Thread 2" }).waitFor();
  if ((await ada.locator(".canvas .area").count()) !== 1) throw new Error("the area was not drawn");
  await ada.getByRole("button", { name: "Thread 1" }).click();

  // Bob sees the pin appear without reloading, and replies on two lines:
  // Enter breaks the line, Ctrl+Enter posts.
  await bob.getByRole("button", { name: "Thread 1" }).click();
  await bob.getByText("The headline needs more room").waitFor();
  const reply = bob.getByRole("combobox", { name: "Reply" });
  await reply.fill("Agreed, I will tighten the hero.");
  await reply.press("End");
  await reply.press("Enter");
  await reply.pressSequentially("And shorten the subline.");
  await reply.press("Control+Enter");
  const shown = ada.locator(".comment .comment-text", { hasText: "Agreed, I will tighten the hero." });
  await shown.waitFor();
  const lines = await shown.innerText();
  if (lines !== "Agreed, I will tighten the hero.\nAnd shorten the subline.") {
    throw new Error(`the reply lost its line break: ${JSON.stringify(lines)}`);
  }
  await shot(bob, "11-bob-replied");

  // Ada resolves; Bob sees it resolved live.
  await ada.getByRole("button", { name: "Resolve" }).click();
  await ada.getByRole("button", { name: "Reopen" }).waitFor();
  await bob.locator(".thread.resolved").first().waitFor();
  await shot(ada, "12-resolved");

  // Bob's digest links to the thread he was mentioned in: following it
  // opens that picture with that thread open.
  const digest = await mailedDigest(data, base, "bob@example.com");
  const threadLink = digest.match(/https?:\/\/[^\s"<>]+\/a\/[0-9a-f-]{36}\?thread=[0-9a-f-]{36}/)?.[0];
  if (!threadLink) throw new Error(`no thread link in the digest:\n${digest}`);
  if (digest.includes("/boards/")) throw new Error("the digest links to pages of the old shape");
  const fromMail = await bobContext.newPage();
  await fromMail.goto(threadLink);
  await fromMail.locator(".canvas img.picture").waitFor();
  await fromMail.locator(".thread.selected").getByText("The headline needs more room").waitFor();
  if (!fromMail.url().startsWith(threadLink)) throw new Error(`the link led to ${fromMail.url()}`);
  await shot(fromMail, "12b-digest-thread-link");
  // "Change how often you get these" opens the e-mail section of the settings.
  const settingsLink = digest.match(/https?:\/\/[^\s"<>]+\/settings\/notifications/)?.[0];
  if (!settingsLink) throw new Error("no settings link in the digest");
  await fromMail.goto(settingsLink);
  await fromMail.getByRole("heading", { name: "E-mail notifications" }).and(fromMail.locator(":focus")).waitFor();
  await fromMail.close();

  // A new version, compared with the first side by side and as an overlay.
  await ada.getByLabel("New version file").setInputFiles(
    { name: "home-v2.png", mimeType: "image/png", buffer: png(1200, 900, [66, 135, 245], 0.55) });
  await ada.getByRole("option", { name: "Version 2 (latest)" }).waitFor({ state: "attached" });
  await ada.locator(".canvas img.picture").waitFor();
  await ada.getByRole("button", { name: "Compare" }).click();
  await ada.getByRole("img", { name: "Version 1" }).waitFor();
  await shot(ada, "13-compare-side-by-side");
  await ada.getByRole("button", { name: "Overlay" }).click();
  await ada.getByLabel("Overlay position").fill("30");
  await shot(ada, "14-compare-overlay");
  await ada.getByRole("button", { name: "Wipe" }).click();
  await ada.getByLabel("Wipe position").fill("60");
  await shot(ada, "14a-compare-wipe");
  // What changed, worked out on the server: the band moved down, so the
  // areas where it was and where it is now are boxed; one zooms in.
  await ada.getByRole("button", { name: "Changes", exact: true }).click();
  await ada.getByRole("status").filter({ hasText: /% changed · \d+ areas?/ }).waitFor();
  await shot(ada, "14b-compare-changes");
  await ada.getByRole("button", { name: /^Zoom to / }).first().click();
  await ada.getByRole("img", { name: /^Version 2, area 1$/ }).waitFor();
  await ada.getByRole("button", { name: "Whole picture" }).click();
  await ada.getByLabel("Difference picture").check();
  await ada.getByRole("img", { name: "Version 2 with what changed since version 1" }).waitFor();
  await ada.getByRole("button", { name: "Done comparing" }).click();

  // Keyboard: → and ← move between the two pictures (uploads finish in any
  // order, so "home" may be first or last).
  const last = (await ada.locator(".nav-assets span").textContent()).trim() === "2 / 2";
  await ada.keyboard.press(last ? "ArrowLeft" : "ArrowRight");
  await ada.waitForURL((u) => !u.pathname.endsWith(story.home));
  await ada.locator(".nav-assets span", { hasText: last ? "1 / 2" : "2 / 2" }).waitFor();
  await ada.keyboard.press(last ? "ArrowRight" : "ArrowLeft");
  await ada.waitForURL((u) => u.pathname.endsWith(story.home));
  await ada.locator(".canvas img.picture").waitFor();

  // Approve the new version.
  await ada.getByRole("button", { name: "Approve" }).click();
  await ada.locator(".review-bar .badge.approved").waitFor();
  await ada.getByText(/^Approved by Ada .*\(owner\)/).waitFor();
  await shot(ada, "15-approved");
  // The original file, under the name it was uploaded with.
  const [saved] = await Promise.all([ada.waitForEvent("download"), ada.getByRole("link", { name: "Download" }).click()]);
  if (saved.suggestedFilename() !== "home-v2.png") throw new Error(`downloaded ${saved.suggestedFilename()}`);
  // The picture's review record, made on the server and downloaded as a PDF.
  await ada.getByRole("button", { name: "Export", exact: true }).click();
  const exporting = ada.getByRole("dialog", { name: /^Export “/ });
  await exporting.getByRole("button", { name: "Export", exact: true }).click();
  const record = exporting.getByRole("link", { name: "Download" });
  await record.waitFor();
  await shot(ada, "15b-review-record-ready");
  const [pdf] = await Promise.all([ada.waitForEvent("download"), record.click()]);
  if (!pdf.suggestedFilename().endsWith("-review-record.pdf")) throw new Error(`exported ${pdf.suggestedFilename()}`);
  const head = readFileSync(await pdf.path()).subarray(0, 5).toString();
  if (head !== "%PDF-") throw new Error(`the record is not a PDF: ${head}`);
  await exporting.getByRole("button", { name: "Close" }).click();

  // Clients may decide too, by tomorrow.
  await ada.goto(base + story.board);
  await ada.getByRole("button", { name: "Review settings" }).click();
  await ada.getByRole("radio", { name: /Reviewers too/ }).check();
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
  await ada.getByLabel(/Due date/).fill(day);
  await ada.getByRole("button", { name: "Save" }).click();
  await ada.getByText("Due tomorrow").waitFor();
  await ada.getByRole("button", { name: "Review settings" }).click();
  await axeCheck(ada, "review settings");
  await ada.keyboard.press("Escape");

  // A guest comments through a commenter share link.
  await ada.getByRole("button", { name: "Share" }).click();
  // New links let guests comment unless the owner picks "Can view".
  await ada.getByRole("button", { name: "Create link" }).click();
  const link = await ada.getByRole("textbox", { name: /^Address of/ }).first().inputValue();
  await ada.keyboard.press("Escape");
  // Ada waits on a page with no board open: her badge follows her own inbox stream.
  await ada.locator(".topbar .me").click();
  await ada.getByRole("heading", { name: "Profile" }).waitFor();
  const badgeBefore = await ada.locator(".inbox-badge").getAttribute("aria-label");
  // The guest reviews on a phone.
  const guestContext = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const guest = await guestContext.newPage();
  guest.setDefaultTimeout(10_000);
  await guest.goto(link);
  await guest.getByLabel("Your name").fill("Grace from Client Co");
  await guest.getByRole("button", { name: "Start reviewing" }).click();
  await guest.waitForURL(/\/b\//);
  await guest.getByRole("heading", { name: "Launch campaign" }).waitFor();
  await axeCheck(guest, "guest board");
  await guest.getByRole("link", { name: "pricing" }).click();
  await guest.locator(".canvas img.picture").waitFor();
  // Nothing on the phone is wider than the phone (a wider page shifts every tap).
  const phoneWidth = guest.viewportSize().width;
  const overflow = await guest.evaluate((w) => document.documentElement.scrollWidth - w, phoneWidth);
  if (overflow > 0) throw new Error(`the viewer is ${overflow} px wider than the phone`);
  // One finger scrolls the page past the picture; the toolbar keeps to little room.
  const touch = await guest.locator(".canvas").evaluate((el) => getComputedStyle(el).touchAction);
  if (touch !== "pan-y") throw new Error(`the picture takes every swipe (touch-action ${touch})`);
  const toolbar = (await guest.locator(".review-bar").boundingBox()).height;
  console.log(`     phone review bar: ${Math.round(toolbar)} px tall`);
  if (toolbar > 100) throw new Error(`the phone's review bar is ${toolbar} px tall`);
  // A tap pins, and the comment box comes into view.
  const gbox = await guest.locator(".canvas").boundingBox();
  await guest.touchscreen.tap(gbox.x + gbox.width / 2, gbox.y + gbox.height / 3);
  const guestBox = guest.getByRole("combobox", { name: "New comment" });
  await guestBox.waitFor();
  await guest.waitForFunction(() => {
    const r = document.querySelector('[aria-label="New comment"]')?.getBoundingClientRect();
    return r && r.top >= 0 && r.bottom <= window.innerHeight;
  });
  await guestBox.fill("Could the prices be larger?");
  await guest.getByRole("button", { name: "Post" }).click();
  await guest.getByRole("button", { name: "Thread 1" }).waitFor();
  await guest.getByText("Grace from Client Co (guest)").waitFor();
  await shot(guest, "16-guest-comment");
  // The client decides, and the board says who did.
  await guest.getByRole("button", { name: "Approve" }).click();
  await guest.getByText(/^Approved by Grace from Client Co \(guest\)/).waitFor();
  await axeCheck(guest, "guest viewer on a phone");
  // She leaves her address to hear of replies; it waits for her confirmation.
  await guest.getByRole("button", { name: "Get an e-mail when someone replies" }).click();
  await guest.getByLabel("Your e-mail address").fill("grace@client.example");
  await guest.getByRole("button", { name: "Send a confirmation link" }).click();
  await guest.getByText(/for a link to confirm it/).waitFor();
  const confirmLink = await mailedMatch(data, /\/api\/v1\/guest-email\/cbg_[A-Za-z0-9_-]+/);
  await guest.goto(base + confirmLink);
  await guest.getByRole("button", { name: "Confirm" }).click();
  await guest.getByRole("heading", { name: "Your address is confirmed" }).waitFor();
  await guest.goBack();
  await guest.goBack();
  const guestPage = guest.url();

  // Ada's inbox shows what happened while she was away.
  await ada.waitForFunction((was) => document.querySelector(".inbox-badge")?.getAttribute("aria-label") !== was, badgeBefore);
  const badge = ada.getByRole("link", { name: /Inbox, \d+ unread/ });
  await badge.waitFor();
  await badge.click();
  await ada.getByText("Could the prices be larger?").or(ada.getByText("Grace from Client Co").first()).first().waitFor();
  // Bob's two-line reply is quoted on two lines.
  const quoted = ada.locator(".inbox-quote", { hasText: "Agreed, I will tighten the hero." }).first();
  const quote = await quoted.innerText();
  if (quote !== "Agreed, I will tighten the hero.\nAnd shorten the subline.") {
    throw new Error(`the inbox lost the reply's line break: ${JSON.stringify(quote)}`);
  }
  await axeCheck(ada, "inbox");
  await shot(ada, "17-inbox");
  await ada.getByRole("button", { name: "Mark all as read" }).click();
  await ada.getByRole("link", { name: "Inbox", exact: true }).waitFor();

  // Ada answers the client, who hears of it by e-mail within seconds.
  await ada.getByText("Could the prices be larger?").first().click();
  await ada.getByRole("combobox", { name: "Reply" }).fill("Yes, larger prices are coming.");
  await ada.getByRole("button", { name: "Reply" }).click();
  const replyMail = await mailedMatch(data, /Ada Lovelace replied in #1 on “pricing”/, 300);
  if (!replyMail) throw new Error("the guest heard nothing of the reply");

  // Ada revokes the guest's link: the guest is told so, on the board and on the link.
  await ada.goto(base + story.board);
  await ada.getByRole("button", { name: "Share" }).click();
  await ada.getByRole("button", { name: /^Revoke/ }).first().click();
  await ada.getByRole("button", { name: "Revoke link" }).click();
  await ada.getByText("No active links").waitFor();
  await ada.keyboard.press("Escape");
  await guest.goto(guestPage);
  await guest.getByRole("heading", { name: "This link was revoked" }).waitFor();
  await guest.goto(link);
  await guest.getByRole("heading", { name: "This link was revoked" }).waitFor();
  await shot(guest, "17b-link-revoked");

  // The board's activity says who decided what.
  await ada.goto(base + story.board);
  await ada.getByRole("link", { name: "Activity" }).click();
  await ada.getByRole("heading", { name: "Activity" }).waitFor();
  await ada.getByRole("button", { name: "Decisions" }).click();
  await ada.locator(".activity-list li", { hasText: "Grace from Client Co approved version 1 of “pricing”" }).waitFor();
  await axeCheck(ada, "activity");
  await shot(ada, "17c-activity");

  // Bob came in through a board invitation: a client of the workspace, whom Ada makes a member.
  await ada.goto(base + story.board);
  await ada.getByRole("link", { name: /^← (Workspace|Folder)$/ }).click();
  // The board's card shows its first picture.
  await ada.locator(".wh-card", { hasText: "Launch campaign" }).locator(".wh-cover img").waitFor();
  await ada.getByRole("link", { name: "People" }).click();
  const bobRole = ada.getByRole("combobox", { name: /^Role of Bob/ });
  if ((await bobRole.inputValue()) !== "client") throw new Error(`Bob is ${await bobRole.inputValue()}, not a client`);
  await axeCheck(ada, "people");
  await shot(ada, "17d-people");
  const [changed] = await Promise.all([
    ada.waitForResponse((r) => r.url().includes("/members/") && r.request().method() === "PATCH"),
    bobRole.selectOption("member"),
  ]);
  if (changed.status() !== 200) throw new Error(`making Bob a member answered ${changed.status()}`);
  await bobContext.close();
  await guestContext.close();
});

test("a batch review: drafts only the reviewer sees, submitted at once with a decision", async ({ page, base }) => {
  await signIn(page, base, "ada@example.com", "a-brand-new-passphrase");
  await page.goto(base + story.board);
  await page.getByRole("link", { name: "pricing" }).click();
  await page.locator(".canvas img.picture").waitFor();
  // The guest's thread from the review story is shown before pins are counted.
  await page.getByRole("button", { name: "Thread 1" }).waitFor();
  const pins = page.locator(".canvas .pin:not(.pending)");
  const pinsBefore = await pins.count();
  // What the API lists of the picture's threads, to everyone who sees the board.
  const threads = async () => {
    const asset = new URL(page.url()).pathname.split("/").pop();
    const detail = await (await page.request.get(`${base}/api/v1/assets/${asset}`)).json();
    const v = detail.current_version.id;
    return (await (await page.request.get(`${base}/api/v1/versions/${v}/threads`)).json()).items.length;
  };
  const published = await threads();
  await page.getByRole("button", { name: "Start a review" }).click();
  await page.getByText(/0 drafts, seen only by you/).waitFor();
  const box = await page.locator(".canvas").boundingBox();
  await page.mouse.click(box.x + box.width * 0.48, box.y + box.height * 0.2);
  await page.getByRole("combobox", { name: "New comment" }).fill("Prices should lead the page");
  await page.getByRole("button", { name: "Add to review" }).click();
  await page.getByText(/1 draft, seen only by you/).waitFor();
  await page.mouse.click(box.x + box.width * 0.52, box.y + box.height * 0.8);
  await page.getByRole("combobox", { name: "New comment" }).fill("The footer is too busy");
  await page.getByRole("button", { name: "Add to review" }).click();
  await page.getByText(/2 drafts, seen only by you/).waitFor();
  await axeCheck(page, "review drafts");
  await shot(page, "17e-review-drafts");
  // Nothing is published yet (the API lists no new thread); a reload keeps the drafts.
  if ((await pins.count()) !== pinsBefore) throw new Error("a draft was published");
  // The reviewer sees their drafts where they put them.
  if ((await page.locator(".canvas .pin.pending").count()) !== 2) throw new Error("the drafts are not shown on the picture");
  if ((await threads()) !== published) throw new Error("a draft is listed by the API");
  await page.reload();
  await page.getByText(/2 drafts, seen only by you/).waitFor();

  await page.getByRole("button", { name: "Submit review…" }).click();
  await page.getByLabel("Summary (optional)").fill("Close; two things before launch");
  await page.getByLabel("Request changes").check();
  await page.getByRole("button", { name: "Submit review", exact: true }).click();
  await page.getByRole("button", { name: "Start a review" }).waitFor();
  await page.locator(".review-bar .badge.changes_requested").waitFor();
  await page.waitForFunction((n) => document.querySelectorAll(".canvas .pin:not(.pending)").length === n, pinsBefore + 2);
  if ((await page.locator(".canvas .pin.pending").count()) !== 0) throw new Error("drafts stayed after the review");
  if ((await threads()) !== published + 2) throw new Error("the review's threads were not published");
  await shot(page, "17f-review-submitted");
});

test("twenty pictures at once: every thumbnail arrives over the stream, with no polling", async ({ page, base }) => {
  await signIn(page, base, "ada@example.com", "a-brand-new-passphrase");
  await page.getByLabel("New board").fill("Twenty at once");
  await page.getByRole("button", { name: "Create board" }).click();
  await page.getByRole("heading", { name: "Twenty at once" }).waitFor();
  // Every request for one picture (the page asked for each processing one every 1.5 s before).
  const pictureGets = [];
  page.on("request", (r) => {
    if (r.method() === "GET" && /\/api\/v1\/assets\/[0-9a-f-]{36}$/.test(new URL(r.url()).pathname)) {
      pictureGets.push(Date.now());
    }
  });
  const files = Array.from({ length: 20 }, (_, i) => ({
    name: `screen-${String(i + 1).padStart(2, "0")}.png`,
    b64: png(800, 600, [20 + i * 10, 120, 200 - i * 5]).toString("base64"),
  }));
  const dataTransfer = await filesToDrop(page, files);
  await page.dispatchEvent(".board-page", "dragenter", { dataTransfer });
  await page.dispatchEvent(".board-page", "drop", { dataTransfer });
  await page.waitForFunction(() => document.querySelectorAll(".asset-card img").length === 20, null, { timeout: 60_000 });
  await shot(page, "19-twenty-thumbnails");
  // A stream event processed just after the last thumbnail showed (the
  // board's list can show it first) may still ask once: let those land,
  // then nothing more may come. The total below bounds them all.
  const quiet = Date.now() + 10_000;
  while (Date.now() < quiet && Date.now() - (pictureGets.at(-1) ?? 0) < 1500) await page.waitForTimeout(250);
  const whenDone = pictureGets.length;
  await page.waitForTimeout(3000);
  if (pictureGets.length !== whenDone) {
    throw new Error(`${pictureGets.length - whenDone} picture requests after every thumbnail was shown: polling`);
  }
  // At most one per event about a picture (asset.added, unless the page already
  // has it from the upload's answer, and version.ready): two per picture.
  if (whenDone > 40) throw new Error(`${whenDone} picture requests for 20 pictures`);
  console.log(`     20 uploads: ${whenDone} picture requests in all, none after the last thumbnail`);
});

test("a website: add it from the board page, pin on the phone capture, re-capture, compare", async ({ page, base }) => {
  const site = await serveSites();
  try {
    await signIn(page, base, "ada@example.com", "a-brand-new-passphrase");
    await page.getByLabel("New board").fill("Agency website");
    await page.getByRole("button", { name: "Create board" }).click();
    await page.getByRole("heading", { name: "Agency website" }).waitFor();
    await page.getByRole("button", { name: "Add website" }).click();
    await page.getByLabel(/^Page address/).fill(`${site.url}/startbootstrap-agency/`);
    await page.getByRole("button", { name: "Capture" }).click();
    // Both widths are on the board at once, showing how far along they are.
    await page.locator(".asset-card").nth(1).waitFor();
    await shot(page, "20-website-capturing");
    await page.waitForFunction(() => document.querySelectorAll(".asset-card img").length === 2, null, { timeout: 120_000 });
    await page.getByText("Agency - Start Bootstrap Theme — desktop").waitFor();
    await axeCheck(page, "board with websites");
    await shot(page, "21-website-captured");

    await page.getByRole("link", { name: /Agency - Start Bootstrap Theme — mobile/ }).click();
    await page.locator(".canvas img.picture").waitFor();
    // A tall page opens at its width, from the top, and links to the live page.
    await page.getByRole("button", { name: "Fit width", pressed: true }).waitFor();
    await page.getByRole("link", { name: /127\.0\.0\.1:\d+\/startbootstrap-agency ↗/ }).waitFor();
    await page.getByText("390 px wide (mobile)").waitFor();
    await axeCheck(page, "website viewer");
    // Scroll far down the page and pin there.
    const canvas = page.locator(".canvas");
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 400);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const composer = page.getByRole("combobox", { name: "New comment" });
    await composer.fill("This section needs more room on phones");
    await page.getByRole("button", { name: "Post" }).click();
    await page.locator(".canvas .pin", { hasText: "1" }).waitFor();
    await shot(page, "22-website-pinned");

    // Re-capture: version 2, with the open thread listed as still open on version 1.
    await page.getByRole("button", { name: "Re-capture" }).click();
    // The viewer moves to the new version at once, and shows it once captured.
    await page.getByRole("option", { name: "Version 2 (latest)", selected: true }).waitFor({ state: "attached" });
    await page.getByRole("heading", { name: "Still open on the previous version" }).waitFor();
    await page.locator(".canvas img.picture").waitFor({ timeout: 120_000 });
    await page.getByRole("button", { name: "Compare" }).click();
    await page.getByRole("img", { name: "Version 1" }).waitFor();
    await shot(page, "23-website-compare");
    await page.getByRole("button", { name: "Done comparing" }).click();
    // Choosing the old thread opens version 1 and brings its pin, far down, into view.
    await page.getByRole("button", { name: /#1 This section needs more room on phones/ }).click();
    const pin = page.locator(".canvas .pin.selected");
    await pin.waitFor();
    await page.waitForFunction(() => {
      const c = document.querySelector(".canvas")?.getBoundingClientRect();
      const p = document.querySelector(".canvas .pin.selected")?.getBoundingClientRect();
      return c && p && p.top >= c.top && p.bottom <= c.bottom && p.left >= c.left && p.right <= c.right;
    });
    await shot(page, "24-website-thread-revealed");
  } finally {
    site.close();
  }
});

test("a deck: drop a PDF on the board, pin on page 3, upload a revised deck, see the thread carried", async ({ page, base }) => {
  await signIn(page, base, "ada@example.com", "a-brand-new-passphrase");
  await page.getByLabel("New board").fill("Pitch deck");
  await page.getByRole("button", { name: "Create board" }).click();
  await page.getByRole("heading", { name: "Pitch deck" }).waitFor();
  const decks = join(corpusDir(), "decks");
  const first = readFileSync(join(decks, "powerpoint-kubernetes-icons-vector.pdf")).toString("base64");
  const dataTransfer = await filesToDrop(page, [{ name: "icons.pdf", type: "application/pdf", b64: first }]);
  await page.dispatchEvent(".board-page", "dragenter", { dataTransfer });
  await page.dispatchEvent(".board-page", "drop", { dataTransfer });
  // The card shows the cover and the page count once rendered.
  await page.locator(".asset-card img").waitFor({ timeout: 60_000 });
  await page.getByText("24 pages").waitFor();
  await shot(page, "25-deck-on-board");

  await page.getByRole("link", { name: "icons" }).click();
  await page.getByRole("navigation", { name: "Pages" }).waitFor();
  await page.getByRole("button", { name: "Page 3", exact: true }).click();
  await page.getByText("Page 3 of 24").waitFor();
  if (new URL(page.url()).searchParams.get("page") !== "3") throw new Error("the address does not name page 3");
  await page.locator(".canvas img.picture").waitFor();
  const box = await page.locator(".canvas").boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.getByRole("combobox", { name: "New comment" }).fill("The icons on this slide need labels");
  await page.getByRole("button", { name: "Post" }).click();
  await page.locator(".canvas .pin", { hasText: "1" }).waitFor();
  await axeCheck(page, "deck viewer");
  await shot(page, "26-deck-pinned");
  // → turns the page: the pin stays on page 3.
  // Each page keeps its zoom.
  await page.getByRole("button", { name: "Close thread" }).click();
  const zoom = page.getByRole("group", { name: "Zoom" }).locator(".pct");
  const fitted = await zoom.innerText();
  // One step, so the figure read is the one kept (two presses could be read between them).
  await page.keyboard.press("+");
  await page.waitForFunction((was) => document.querySelector('[aria-label="Zoom"] .pct')?.textContent !== was, fitted);
  const zoomed = await zoom.innerText();
  await page.keyboard.press("ArrowRight");
  await page.getByText("Page 4 of 24").waitFor();
  await page.locator(".canvas img.picture").waitFor();
  if ((await page.locator(".canvas .pin").count()) !== 0) throw new Error("page 3's pin shows on page 4");
  // A page not zoomed yet starts fitted.
  await page.locator('[aria-label="Zoom"] button[aria-pressed="true"]', { hasText: "Fit page" }).waitFor();
  await page.keyboard.press("PageUp");
  await page.getByText("Page 3 of 24").waitFor();
  await page.locator(".canvas .pin", { hasText: "1" }).waitFor();
  await page.getByRole("group", { name: "Zoom" }).getByText(zoomed, { exact: true }).waitFor();

  // A revised deck: version 2, and the open thread shows on its page 3.
  // Dropped on the viewer, a file is a new version of what it shows.
  const revised = readFileSync(join(decks, "keynote-nlp-summit-2020-ray.pdf")).toString("base64");
  const drop = await filesToDrop(page, [{ name: "icons-v2.pdf", type: "application/pdf", b64: revised }]);
  await page.dispatchEvent(".viewer", "dragenter", { dataTransfer: drop });
  await page.getByText("Drop to upload a new version of icons").waitFor();
  await page.dispatchEvent(".viewer", "drop", { dataTransfer: drop });
  await page.getByRole("option", { name: "Version 2 (latest)", selected: true }).waitFor({ state: "attached" });
  await page.getByText("Page 3 of 26").waitFor({ timeout: 60_000 });
  await page.getByRole("heading", { name: "Still open on the previous version" }).waitFor();
  await page.getByRole("button", { name: /#1 The icons on this slide need labels/ }).waitFor();
  await shot(page, "27-deck-thread-carried");
  // Compare shows the same page of both versions, and follows the page.
  await page.getByRole("button", { name: "Compare" }).click();
  await page.getByText("Version 1, page 3 · icons.pdf").waitFor();
  await page.getByText("Version 2, page 3 · icons-v2.pdf").waitFor();
  await page.keyboard.press("PageDown");
  await page.getByText("Version 1, page 4 · icons.pdf").waitFor();
  await shot(page, "28-deck-compare");
  // Esc leaves compare even from the version picker.
  await page.getByLabel("Compare with").focus();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Done comparing" }).waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Compare" }).waitFor();

  // An arrow and a box drawn on the page go with the new comment they start.
  await page.getByRole("button", { name: "Arrow" }).click();
  await page.getByRole("button", { name: "Colour: blue" }).click();
  const area = await page.locator(".canvas img.picture").boundingBox();
  const drag = async (x1, y1, x2, y2) => {
    await page.mouse.move(area.x + area.width * x1, area.y + area.height * y1);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width * x2, area.y + area.height * y2, { steps: 6 });
    await page.mouse.up();
  };
  await drag(0.2, 0.2, 0.45, 0.4);
  await page.getByRole("button", { name: "Rectangle" }).click();
  await drag(0.5, 0.45, 0.7, 0.6);
  await page.getByText("Your 2 marks go with it.").waitFor();
  await page.getByRole("combobox", { name: "New comment" }).fill("Move this here, and box it.");
  await page.getByRole("button", { name: "Post" }).click();
  await page.getByText("Move this here, and box it.").waitFor();
  // The thread is open: its marks are drawn over the page.
  await page.locator(".canvas svg.marks line").waitFor();
  if ((await page.locator(".canvas svg.marks rect").count()) !== 1) throw new Error("the box was not drawn");
  await shot(page, "29-deck-drawing");
});

test("settings: profile, e-mail frequency and an API token", async ({ page, base }) => {
  await signIn(page, base, "ada@example.com", "a-brand-new-passphrase");
  await page.getByRole("link", { name: "Ada Lovelace" }).click();
  await page.getByRole("heading", { name: "Profile" }).waitFor();
  await axeCheck(page, "settings");
  await page.getByLabel("Display name").fill("Ada King");
  await page.getByRole("button", { name: "Save name" }).click();
  await page.getByText("Your name is saved.").waitFor();
  await page.getByRole("link", { name: "Ada King" }).waitFor();
  await page.getByRole("radio", { name: /Once a day/ }).check();
  await page.getByRole("button", { name: "Save e-mail settings" }).click();
  await page.getByText("Saved.", { exact: true }).waitFor();
  await page.getByLabel("Token name").fill("CI uploads");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = await page.getByLabel(/New token/).inputValue();
  await shot(page, "18-settings");
  // The token works as a bearer token and names its owner.
  const token = secret.match(/cbt_[A-Za-z0-9_-]+/)?.[0];
  if (!token) throw new Error("the new token was not shown");
  const me = await (await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json();
  if (me.display_name !== "Ada King") throw new Error(`the token belongs to ${me.display_name}`);
  await page.reload();
  await page.getByRole("radio", { name: /Once a day/ }).and(page.locator(":checked")).waitFor();
});

test("an instance admin reads the errors and where the time goes", async ({ page, base, data }) => {
  execFileSync(binary, ["--data-dir", data, "admin", "make-admin", "--email", "ada@example.com"],
    { env: { ...process.env, CRITBOARD_LOG: "warn" } });
  await signIn(page, base, "ada@example.com", "a-brand-new-passphrase");
  await page.getByRole("link", { name: "Admin" }).click();
  await page.getByRole("heading", { name: "Errors" }).waitFor();
  await page.getByText(/This node runs release \d+\.\d+\.\d+\+/).waitFor();
  await axeCheck(page, "admin errors");
  await page.getByLabel("Also resolved and ignored").check();
  await page.getByRole("link", { name: "Performance" }).click();
  await page.getByRole("heading", { name: "Performance" }).waitFor();
  // The requests this run made are there, with their figures.
  const me = page.getByRole("button", { name: "GET /api/v1/me", exact: true });
  await me.click();
  await page.getByText("Slowest requests").waitFor();
  await axeCheck(page, "admin performance");
  await shot(page, "19-admin-performance");
  // Someone who is not an admin sees no such page.
  const other = await (await fetch(`${base}/api/v1/admin/performance`)).status;
  if (other !== 401) throw new Error(`the performance API answered ${other} to a stranger`);
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
      await t.fn({ page, base, data, browser });
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
