// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { UploadQueue, type Item, type Transport } from "../lib/uploads/queue";
import { UploadList } from "./UploadList";

afterEach(cleanup);

const png = (name: string) => new File([new Uint8Array(2048)], name, { type: "image/png" });
const item = (name: string, extra: Partial<Item>): Item => ({
  key: name, file: png(name), assetId: null, state: "uploading", sent: 1024, error: null, retryable: false,
  result: null, stored: null, ...extra,
});
const queue = new UploadQueue({} as Transport, () => {});

describe("the upload list", () => {
  it("shows a refused file as failed with the server's reason, without progress or Retry", () => {
    const reason = "The picture is 12000×9000; the limit is 32768 px a side and 100 megapixels.";
    render(<UploadList queue={queue} items={[item("huge.png", { state: "failed", error: reason, retryable: false })]} />);
    const row = screen.getByText("huge.png").closest("li")!;
    expect(row.className).toContain("failed");
    expect(row.querySelector("progress")).toBeNull();
    expect(screen.getByText("Failed")).toBeTruthy();
    expect(screen.getByText(reason)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Retry huge.png" })).toBeNull();
  });

  it("offers Retry when a retry can succeed (the network or the server failed)", () => {
    render(<UploadList queue={queue} items={[
      item("lost.png", { state: "failed", error: "The connection was lost.", retryable: true }),
      item("going.png", { state: "uploading", sent: 1024 }),
    ]} />);
    expect(screen.getByRole("button", { name: "Retry lost.png" })).toBeTruthy();
    expect(screen.getByRole("progressbar", { name: "going.png upload progress" })).toBeTruthy();
    expect(screen.getByText("50%")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Cancel going.png" })).toBeTruthy();
  });

  it("sums up a finished batch, keeping only the files that need attention in view", () => {
    const items = [
      ...Array.from({ length: 11 }, (_, n) => item(`p${n}.png`, { state: "done", sent: 2048 })),
      item("bad.png", { state: "failed", error: "Not a picture.", retryable: false }),
    ];
    render(<UploadList queue={queue} items={items} />);
    expect(screen.getByRole("status").textContent).toContain("11 uploaded, 1 failed");
    expect(screen.getByText("bad.png")).toBeTruthy();
    expect(screen.queryByText("p3.png")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Show all" }));
    expect(screen.getByText("p3.png")).toBeTruthy();
  });
});
