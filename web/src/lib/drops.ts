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
