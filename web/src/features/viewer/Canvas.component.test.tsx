// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { version } from "../../test/fixtures";
import { Canvas, type Backdrop } from "./Canvas";
import type { Shape } from "./geometry";

// happy-dom lays nothing out: the canvas is given a viewport to fit into.
const sizes = { clientWidth: 800, clientHeight: 600 };
beforeAll(() => {
  for (const [name, value] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
});
afterAll(() => {
  for (const name of Object.keys(sizes)) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
});
afterEach(cleanup);

function Harness({ onDraft, onWrite, backdrop }: {
  onDraft: (s: Shape, byKeyboard?: boolean) => void; onWrite?: () => void; backdrop?: Backdrop;
}) {
  const [draft, setDraft] = useState<Shape | null>(null);
  return (
    <Canvas version={version("v1", "a1", "ready")} threads={[]} selected={null} draft={draft} commenting canPin
      backdrop={backdrop} onSelect={() => {}} onScale={() => {}} onImageError={() => {}} onWrite={onWrite}
      onDraft={(s, k) => { onDraft(s, k); setDraft(s); }} />
  );
}

describe("the picture, with the keyboard", () => {
  it("pins at the middle of the view with Enter, moves the pin with arrows, and goes on to writing", async () => {
    const onDraft = vi.fn();
    const onWrite = vi.fn();
    render(<Harness onDraft={onDraft} onWrite={onWrite} />);
    const picture = await screen.findByRole("application", { name: /Enter pins a comment/ });
    await screen.findByRole("img");

    // Arrows without a pin are left to the viewer (next / previous picture).
    expect(fireEvent.keyDown(picture, { key: "ArrowRight" })).toBe(true);
    expect(onDraft).not.toHaveBeenCalled();

    expect(fireEvent.keyDown(picture, { key: "Enter" })).toBe(false);
    const [pin, byKeyboard] = onDraft.mock.calls[0];
    expect(byKeyboard).toBe(true);
    expect(pin.x).toBeCloseTo(0.5, 2);
    expect(pin.y).toBeCloseTo(0.5, 2);
    expect(screen.getByRole("application").getAttribute("aria-label")).toMatch(/arrow keys move the new pin/);

    expect(fireEvent.keyDown(picture, { key: "ArrowRight" })).toBe(false);
    expect(fireEvent.keyDown(picture, { key: "ArrowUp", shiftKey: true })).toBe(false);
    const moved = onDraft.mock.calls[2][0];
    expect(moved.x).toBeGreaterThan(pin.x);
    expect(pin.y - moved.y).toBeCloseTo(5 * (onDraft.mock.calls[1][0].x - pin.x) * 640 / 480, 4);

    fireEvent.keyDown(picture, { key: "Enter" });
    expect(onWrite).toHaveBeenCalledTimes(1);
    expect(onDraft).toHaveBeenCalledTimes(3);
  });

  it("shows a transparent picture on the chosen backdrop", async () => {
    render(<Harness onDraft={() => {}} backdrop="dark" />);
    const img = await screen.findByRole("img");
    expect(img.className).toBe("picture backdrop-dark");
  });

  it("draws a mark with the tool in hand instead of pinning", async () => {
    const marks: unknown[] = [];
    const drafts: unknown[] = [];
    render(
      <Canvas version={version("v1", "a1", "ready")} threads={[]} selected={null} draft={null} commenting canPin
        tool={{ kind: "arrow", color: "blue" }} marks={[]} onMark={(m) => marks.push(m)}
        onSelect={() => {}} onScale={() => {}} onImageError={() => {}} onDraft={(s) => drafts.push(s)} />,
    );
    const picture = await screen.findByRole("application");
    await screen.findByRole("img");
    HTMLElement.prototype.setPointerCapture ??= () => {};
    const at = (x: number, y: number) => ({ pointerId: 1, button: 0, buttons: 1, clientX: x, clientY: y, pointerType: "mouse" });
    fireEvent.pointerDown(picture, at(400, 300));
    fireEvent.pointerMove(picture, at(450, 320));
    fireEvent.pointerUp(picture, at(500, 350));
    expect(drafts).toEqual([]);
    expect(marks).toHaveLength(1);
    const m = marks[0] as { kind: string; color: string; points: number[][] };
    expect([m.kind, m.color]).toEqual(["arrow", "blue"]);
    expect(m.points[0][0]).toBeCloseTo(0.5, 2);
    expect(m.points[1][0]).toBeGreaterThan(m.points[0][0]);
  });
});
