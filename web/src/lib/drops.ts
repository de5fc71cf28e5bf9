import { useEffect, useRef, useState } from "react";

// A file dropped where nothing takes it would make the browser open it in
// place of the app (losing unsent comments). Screens that take files (the
// board, the viewer) handle drops themselves; everywhere else it is inert.

export const carriesFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes("Files");

/** Keeps dropped files from replacing the app; returns the undo. */
export function keepDroppedFilesInTheApp(target: Window = window): () => void {
  const inert = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
  };
  target.addEventListener("dragover", inert);
  target.addEventListener("drop", inert);
  return () => {
    target.removeEventListener("dragover", inert);
    target.removeEventListener("drop", inert);
  };
}

/**
 * Files dropped anywhere on the page go to `onFiles` while `enabled`; says
 * whether files are being dragged over it (for the overlay).
 */
export function useFileDrop(enabled: boolean, onFiles: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const take = useRef(onFiles);
  take.current = onFiles;
  useEffect(() => {
    if (!enabled) return;
    // Enter and leave fire for every element crossed: count them.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      take.current([...(e.dataTransfer?.files ?? [])]);
    };
    const end = () => {
      depth = 0;
      setDragging(false);
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragleave", leave);
    window.addEventListener("drop", drop);
    window.addEventListener("dragend", end);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("drop", drop);
      window.removeEventListener("dragend", end);
      setDragging(false);
    };
  }, [enabled]);
  return dragging;
}

/**
 * Pictures pasted on the page (a screenshot copied to the clipboard) go to
 * `onFiles` while `enabled`, named for when they were pasted; pasting into
 * a text field pastes text as usual.
 */
export function usePastedFiles(enabled: boolean, onFiles: (files: File[]) => void) {
  const take = useRef(onFiles);
  take.current = onFiles;
  useEffect(() => {
    if (!enabled) return;
    const paste = (e: ClipboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t?.closest?.("input, textarea, [contenteditable=true]")) return;
      const files = [...(e.clipboardData?.files ?? [])];
      if (!files.length) return;
      e.preventDefault();
      take.current(files.map((f) => pastedName(f)));
    };
    window.addEventListener("paste", paste);
    return () => window.removeEventListener("paste", paste);
  }, [enabled]);
}

/** Clipboards call every picture "image.png": name it for when it came. */
export function pastedName(file: File, at = new Date()): File {
  if (!/^image\.\w+$/.test(file.name) && file.name) return file;
  const ext = file.type.split("/")[1] === "jpeg" ? "jpg" : file.type.split("/")[1] ?? "png";
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}.${pad(at.getMinutes())}.${pad(at.getSeconds())}`;
  return new File([file], `Pasted ${stamp}.${ext}`, { type: file.type });
}
