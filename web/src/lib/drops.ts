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
