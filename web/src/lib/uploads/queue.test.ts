import { describe, expect, it } from "vitest";
import { ApiError, type Problem } from "../../api/client";
import { canRetry, contentType, refusal, SLIDE_TYPES, UploadQueue, type Completed, type Item, type Transport, type UploadOut } from "./queue";

const png = (name: string, size = 10) => new File([new Uint8Array(size)], name, { type: "image/png" });
const tick = () => new Promise((r) => setTimeout(r, 0));

/** A network whose sends finish only when the test says so. */
function fakeNetwork() {
  const pending = new Map<string, { resolve: () => void; reject: (e: unknown) => void; progress: (n: number) => void }>();
  const created: string[] = [];
  const completed: string[] = [];
  let failComplete: unknown = null;
  const transport: Transport = {
    async create(file, assetId) {
      created.push(file.name);
      return {
        id: `up-${file.name}`, board_id: "b", file_name: file.name, content_type: file.type,
        size: file.size, state: "uploading", asset_id: assetId,
        target: { method: "PUT", url: `/put/${file.name}`, headers: {}, expires_at: "" },
      } as UploadOut;
    },
    send(_target, file, onProgress, signal) {
      return new Promise<void>((resolve, reject) => {
        pending.set(file.name, { resolve, reject, progress: onProgress });
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    },
    async complete(id) {
      if (failComplete) throw failComplete;
      completed.push(id);
      return { upload: {} as UploadOut, asset: { id: `asset-${id}` } } as Completed;
    },
  };
  return {
    transport, pending, created, completed,
    failNext: (e: unknown = new Error("The connection broke while sending. Try again.")) => (failComplete = e),
    heal: () => (failComplete = null),
  };
}

function queueWith(net: ReturnType<typeof fakeNetwork>, parallel = 2) {
  let seen: Item[] = [];
  const done: string[] = [];
  const q = new UploadQueue(net.transport, (items) => (seen = items), (i) => done.push(i.file.name), parallel);
  return { q, state: () => seen.map((i) => `${i.file.name}:${i.state}`), items: () => seen, done };
}

describe("UploadQueue", () => {
  it("names slides by their extension when the system gives them no or another type", () => {
    const key = new File(["x"], "Talk.KEY", { type: "" });
    expect(contentType(key)).toBe(SLIDE_TYPES.key);
    expect(refusal(key)).toBeNull();
    expect(contentType(new File(["x"], "a.pptx", { type: "application/zip" }))).toBe(SLIDE_TYPES.pptx);
    expect(contentType(new File(["x"], "b.key", { type: "application/x-iwork-keynote-sffkey" }))).toBe(SLIDE_TYPES.key);
    expect(contentType(new File(["x"], "deck.pdf", { type: "application/pdf" }))).toBe("application/pdf");
    // An extension alone makes nothing else acceptable.
    expect(refusal(new File(["x"], "notes.txt", { type: "" }))).toMatch(/PowerPoint/);
  });

  it("refuses wrong types and empty or huge files before sending anything", () => {
    expect(refusal(new File(["x"], "a.svg", { type: "image/svg+xml" }))).toMatch(/PNG, JPEG/);
    expect(refusal(new File([], "a.png", { type: "image/png" }))).toMatch(/empty/);
    expect(refusal(png("ok.png"))).toBeNull();
    const net = fakeNetwork();
    const { q, state } = queueWith(net);
    q.add([new File(["x"], "notes.txt", { type: "text/plain" })]);
    expect(state()).toEqual(["notes.txt:failed"]);
    expect(net.created).toEqual([]);
  });

  it("sends a few at a time and reports progress per file", async () => {
    const net = fakeNetwork();
    const { q, state, items, done } = queueWith(net, 2);
    q.add([png("a.png", 100), png("b.png"), png("c.png")]);
    await tick();
    expect(state()).toEqual(["a.png:uploading", "b.png:uploading", "c.png:queued"]);
    net.pending.get("a.png")!.progress(40);
    expect(items()[0].sent).toBe(40);
    net.pending.get("a.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["a.png:done", "b.png:uploading", "c.png:uploading"]);
    expect(done).toEqual(["a.png"]);
    expect(net.completed).toEqual(["up-a.png"]);
  });

  it("completes files in the order they were dropped, whichever finishes sending first", async () => {
    const net = fakeNetwork();
    const { q, state, done } = queueWith(net, 3);
    q.add([png("big.png", 1000), png("small.png"), png("tiny.png")]);
    await tick();
    net.pending.get("tiny.png")!.resolve();
    net.pending.get("small.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["big.png:uploading", "small.png:finishing", "tiny.png:finishing"]);
    expect(net.completed).toEqual([]);
    net.pending.get("big.png")!.resolve();
    for (let i = 0; i < 6; i++) await tick();
    expect(net.completed).toEqual(["up-big.png", "up-small.png", "up-tiny.png"]);
    expect(done).toEqual(["big.png", "small.png", "tiny.png"]);
  });

  it("does not hold the others back for a file that was cancelled", async () => {
    const net = fakeNetwork();
    const { q, state, items } = queueWith(net, 2);
    q.add([png("a.png"), png("b.png")]);
    await tick();
    net.pending.get("b.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["a.png:uploading", "b.png:finishing"]);
    q.cancel(items()[0].key);
    for (let i = 0; i < 4; i++) await tick();
    expect(state()).toEqual(["a.png:cancelled", "b.png:done"]);
  });

  it("cancels one file without touching the others, and retries it", async () => {
    const net = fakeNetwork();
    const { q, state, items } = queueWith(net, 2);
    q.add([png("a.png"), png("b.png")]);
    await tick();
    q.cancel(items()[0].key);
    await tick();
    expect(state()).toEqual(["a.png:cancelled", "b.png:uploading"]);
    q.retry(items()[0].key);
    await tick();
    expect(state()).toEqual(["a.png:uploading", "b.png:uploading"]);
    expect(net.created).toEqual(["a.png", "b.png", "a.png"]);
  });

  it("after a failed completion, a retry completes the stored bytes instead of sending them again", async () => {
    const net = fakeNetwork();
    const { q, state, items } = queueWith(net, 1);
    net.failNext();
    q.add([png("a.png")]);
    await tick();
    net.pending.get("a.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["a.png:failed"]);
    q.cancel(items()[0].key);
    expect(state()).toEqual(["a.png:failed"]);
    net.heal();
    q.retry(items()[0].key);
    await tick();
    await tick();
    expect(state()).toEqual(["a.png:done"]);
    expect(net.created).toEqual(["a.png"]);
    expect(net.completed).toEqual(["up-a.png"]);
  });

  it("shows why the server refused the file, and offers no retry that cannot succeed", async () => {
    const net = fakeNetwork();
    const { q, state, items } = queueWith(net, 1);
    net.failNext(new ApiError(422, {
      type: "urn:critboard:problem:validation", title: "Invalid input", status: 422,
      detail: "some fields are not valid",
      errors: [{ field: "file", message: "the picture is 12000×9000; the limit is 32768 px a side and 100 megapixels" }],
    } as Problem));
    q.add([png("huge.png")]);
    await tick();
    net.pending.get("huge.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["huge.png:failed"]);
    expect(items()[0].error).toBe("The picture is 12000×9000; the limit is 32768 px a side and 100 megapixels.");
    expect(canRetry(items()[0])).toBe(false);
    net.heal();
    q.retry(items()[0].key);
    await tick();
    expect(state()).toEqual(["huge.png:failed"]);
  });

  it("offers a retry when storage refused the bytes, unless the file is too large for it", async () => {
    const net = fakeNetwork();
    const { q, items } = queueWith(net, 2);
    q.add([png("expired.png"), png("big.png")]);
    await tick();
    const refusedBy = (status: number) =>
      new ApiError(status, { type: "about:blank", title: "Upload refused", status, detail: "Storage refused the file." } as Problem);
    net.pending.get("expired.png")!.reject(refusedBy(403));
    net.pending.get("big.png")!.reject(refusedBy(413));
    await tick();
    await tick();
    const [expired, big] = items();
    expect([expired.state, big.state]).toEqual(["failed", "failed"]);
    expect(canRetry(expired)).toBe(true);
    expect(canRetry(big)).toBe(false);
  });

  it("lets the person try again after a server failure", async () => {
    const net = fakeNetwork();
    const { q, state, items } = queueWith(net, 1);
    net.failNext(new ApiError(503, {
      type: "urn:critboard:problem:unavailable", title: "Service unavailable", status: 503, detail: "service unavailable",
    } as Problem));
    q.add([png("a.png")]);
    await tick();
    net.pending.get("a.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["a.png:failed"]);
    expect(items()[0].error).toBe("Service unavailable.");
    expect(canRetry(items()[0])).toBe(true);
    net.heal();
    q.retry(items()[0].key);
    await tick();
    net.pending.get("a.png")!.resolve();
    await tick();
    await tick();
    expect(state()).toEqual(["a.png:done"]);
    q.clearFinished();
    expect(state()).toEqual([]);
  });
});
