// The upload queue: each file goes straight to storage through the signed
// target the API hands out (docs/api.md, "Uploading pictures"), a few at a
// time, with progress, cancel and retry per file. The network is injected
// so the queue's rules can be tested without a server.
import { ApiError, sentence, type Schemas } from "../../api/client";

export type UploadOut = Schemas["UploadOut"];
export type Completed = Schemas["CompletedOut"];
export type Target = Schemas["UploadTarget"];

/** Slides the server converts with LibreOffice (when it has it), by extension. */
export const SLIDE_TYPES: Record<string, string> = {
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ppt: "application/vnd.ms-powerpoint",
  odp: "application/vnd.oasis.opendocument.presentation",
  key: "application/vnd.apple.keynote",
};
export const ACCEPTED_TYPES = [
  "image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf", ...Object.values(SLIDE_TYPES),
];
/** For file pickers: types, and the extensions of types systems often leave unnamed. */
export const ACCEPT = [...ACCEPTED_TYPES, ...Object.keys(SLIDE_TYPES).map((e) => `.${e}`)].join(",");

/** The type to declare: the browser's, or (for slides it gave no or another name) by extension. */
export function contentType(file: File): string {
  const ext = file.name.toLowerCase().match(/\.([a-z]+)$/)?.[1] ?? "";
  if (SLIDE_TYPES[ext] && !ACCEPTED_TYPES.includes(file.type)) return SLIDE_TYPES[ext];
  if (file.type === "application/x-iwork-keynote-sffkey") return SLIDE_TYPES.key;
  return file.type;
}
export const MAX_BYTES = 100 * 1024 * 1024;
const PARALLEL = 3;

export type ItemState = "queued" | "uploading" | "finishing" | "done" | "failed" | "cancelled";

export interface Item {
  key: string;
  file: File;
  /** Set when the file is a new version of this asset. */
  assetId: string | null;
  state: ItemState;
  /** Bytes sent so far, 0..file.size. */
  sent: number;
  error: string | null;
  /** Whether trying again can succeed (the network or the server failed, not the file). */
  retryable: boolean;
  result: Completed | null;
  /** Set once the bytes are stored: a retry then only asks to complete again. */
  stored: string | null;
}

/** What the queue needs from the network. */
export interface Transport {
  create(file: File, assetId: string | null, idempotencyKey: string): Promise<UploadOut>;
  send(target: Target, file: File, onProgress: (sent: number) => void, signal: AbortSignal): Promise<void>;
  complete(uploadId: string): Promise<Completed>;
}

/** Why a file cannot be uploaded at all, before anything is sent. */
export function refusal(file: File): string | null {
  if (!ACCEPTED_TYPES.includes(contentType(file))) {
    return "Only PNG, JPEG, WebP and GIF pictures, PDF decks and PowerPoint, Keynote or OpenDocument slides can be uploaded.";
  }
  if (file.size === 0) return "This file is empty.";
  if (file.size > MAX_BYTES) return "This file is larger than 100 MB.";
  return null;
}

/** Why an upload failed, in the server's words for the file when it gave them. */
export function errorMessage(e: unknown): string {
  if (e instanceof DOMException && e.name === "AbortError") return "Cancelled.";
  if (e instanceof ApiError) {
    const fields = e.problem?.errors ?? [];
    if (fields.length) return fields.map((f) => sentence(f.message)).join(" ");
  }
  if (e instanceof Error) return e.message;
  return "The upload failed.";
}

/**
 * Whether the same file may go through on another try: yes after a lost
 * connection, a server failure or throttling; no when the server refused
 * the file itself (its type, size, pixels or bytes) or the request.
 */
export function retryable(e: unknown, sending = false): boolean {
  if (!(e instanceof ApiError)) return true;
  if (e.status === 0 || e.status === 429 || e.status >= 500) return true;
  // Storage refusing the bytes (an expired or rejected signature) is worth
  // another try with a fresh target; a file too large for it never is.
  return sending && e.status !== 413;
}

/** Whether Retry is offered for a file. */
export function canRetry(item: Item): boolean {
  if (refusal(item.file)) return false;
  return item.state === "cancelled" || (item.state === "failed" && item.retryable);
}

let counter = 0;

export class UploadQueue {
  items: Item[] = [];
  private controllers = new Map<string, AbortController>();

  constructor(
    private transport: Transport,
    private onChange: (items: Item[]) => void,
    private onDone: (item: Item) => void = () => {},
    private parallel = PARALLEL,
  ) {}

  /** Queues files; those that can never go are shown as failed at once. */
  add(files: File[], assetId: string | null = null) {
    for (const file of files) {
      const why = refusal(file);
      this.items.push({
        key: `u${++counter}`, file, assetId, sent: 0, result: null, stored: null,
        state: why ? "failed" : "queued", error: why, retryable: !why,
      });
    }
    this.changed();
    this.pump();
  }

  /** Only before the bytes are stored: completing cannot be taken back. */
  cancel(key: string) {
    const item = this.find(key);
    if (!item || (item.state !== "queued" && item.state !== "uploading")) return;
    this.controllers.get(key)?.abort();
    this.set(item, { state: "cancelled", error: null });
    this.pump();
  }

  retry(key: string) {
    const item = this.find(key);
    if (!item || !canRetry(item)) return;
    this.set(item, { state: "queued", sent: item.stored ? item.file.size : 0, error: null });
    this.pump();
  }

  /** Forgets finished, failed and cancelled files. */
  clearFinished() {
    this.items = this.items.filter((i) => i.state === "queued" || i.state === "uploading" || i.state === "finishing");
    this.changed();
  }

  get active(): boolean {
    return this.items.some((i) => i.state === "queued" || i.state === "uploading" || i.state === "finishing");
  }

  private pump() {
    const running = this.items.filter((i) => i.state === "uploading" || i.state === "finishing").length;
    const next = this.items.filter((i) => i.state === "queued").slice(0, Math.max(0, this.parallel - running));
    for (const item of next) void this.run(item);
  }

  private async run(item: Item) {
    const controller = new AbortController();
    this.controllers.set(item.key, controller);
    this.set(item, { state: "uploading", sent: 0 });
    // A fresh key per attempt: an earlier attempt's target may have expired.
    const key = `${item.key}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    let sending = false;
    try {
      let uploadId = item.stored;
      if (!uploadId) {
        const upload = await this.transport.create(item.file, item.assetId, key);
        if (controller.signal.aborted) return;
        if (!upload.target) throw new Error("The server gave no place to send the file.");
        sending = true;
        await this.transport.send(upload.target, item.file, (sent) => {
          if (!controller.signal.aborted) this.set(item, { sent });
        }, controller.signal);
        sending = false;
        if (controller.signal.aborted) return;
        uploadId = upload.id;
      }
      // Completing twice is safe (the server answers the same asset).
      this.set(item, { state: "finishing", sent: item.file.size, stored: uploadId });
      // The board orders pictures by completion: finish in the order they
      // were dropped, after the earlier files still on their way (only those
      // running, so a queued retry can never hold the others up for good).
      const earlier = this.items.slice(0, this.items.indexOf(item))
        .filter((i) => i.state === "uploading" || i.state === "finishing");
      await Promise.all(earlier.map((i) => this.settled(i)));
      if (controller.signal.aborted) return;
      const result = await this.transport.complete(uploadId);
      if (controller.signal.aborted) return;
      this.set(item, { state: "done", result });
      this.onDone(item);
    } catch (e) {
      if (!controller.signal.aborted) {
        this.set(item, { state: "failed", error: errorMessage(e), retryable: retryable(e, sending) });
      }
    } finally {
      // A quick cancel-and-retry may already run again under this key.
      if (this.controllers.get(item.key) === controller) this.controllers.delete(item.key);
      this.pump();
    }
  }

  private waiters = new Map<string, (() => void)[]>();

  /** Resolves once `item` is no longer uploading or finishing. */
  private settled(item: Item): Promise<void> {
    if (item.state !== "uploading" && item.state !== "finishing") return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.set(item.key, [...(this.waiters.get(item.key) ?? []), resolve]);
    });
  }

  private find(key: string) {
    return this.items.find((i) => i.key === key);
  }

  private set(item: Item, patch: Partial<Item>) {
    Object.assign(item, patch);
    if (item.state !== "uploading" && item.state !== "finishing") {
      for (const resolve of this.waiters.get(item.key) ?? []) resolve();
      this.waiters.delete(item.key);
    }
    this.changed();
  }

  private changed() {
    this.onChange(this.items.map((i) => ({ ...i })));
  }
}
