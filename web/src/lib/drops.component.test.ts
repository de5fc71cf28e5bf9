// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { keepDroppedFilesInTheApp, pastedName } from "./drops";

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

describe("pasted pictures", () => {
  it("are named for when they were pasted, unless they have a name of their own", () => {
    const at = new Date(2026, 11, 6, 9, 5, 7);
    const shot = pastedName(new File(["x"], "image.png", { type: "image/png" }), at);
    expect(shot.name).toBe("Pasted 2026-12-06 09.05.07.png");
    expect(shot.type).toBe("image/png");
    expect(pastedName(new File(["x"], "", { type: "image/jpeg" }), at).name).toBe("Pasted 2026-12-06 09.05.07.jpg");
    expect(pastedName(new File(["x"], "hero.png", { type: "image/png" }), at).name).toBe("hero.png");
  });
});
