// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { keepDroppedFilesInTheApp } from "./drops";

function dragEvent(type: string, types: string[]): Event {
  const e = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(e, "dataTransfer", { value: { types, dropEffect: "copy" } });
  return e;
}

describe("dropped files", () => {
  it("never reach the browser's default of opening them, while text drags keep theirs", () => {
    const undo = keepDroppedFilesInTheApp(window);
    for (const type of ["dragover", "drop"]) {
      const files = dragEvent(type, ["Files"]);
      document.body.dispatchEvent(files);
      expect(files.defaultPrevented).toBe(true);
      const text = dragEvent(type, ["text/plain"]);
      document.body.dispatchEvent(text);
      expect(text.defaultPrevented).toBe(false);
    }
    undo();
    const after = dragEvent("drop", ["Files"]);
    document.body.dispatchEvent(after);
    expect(after.defaultPrevented).toBe(false);
  });
});
