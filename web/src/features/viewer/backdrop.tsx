// What shows through a transparent picture: a checkerboard by default, or
// a dark or light backdrop to judge a logo on either. Remembered per browser.
import { useState } from "react";
import type { Version } from "../../api/client";
import type { Backdrop } from "./Canvas";

const KEY = "critboard_backdrop";
const ORDER: Backdrop[] = ["checker", "dark", "light"];
const LABEL: Record<Backdrop, string> = { checker: "Checkerboard", dark: "Dark", light: "Light" };

/** A transparent picture's viewer size keeps its alpha (a PNG); others are JPEGs or GIFs. */
export const isTransparent = (v: Version) => v.thumbnails.view?.content_type === "image/png";

function stored(): Backdrop {
  try {
    const v = window.localStorage.getItem(KEY);
    return ORDER.includes(v as Backdrop) ? (v as Backdrop) : "checker";
  } catch {
    return "checker";
  }
}

export function useBackdrop(): [Backdrop, () => void] {
  const [backdrop, setBackdrop] = useState<Backdrop>(stored);
  const next = () => {
    const n = ORDER[(ORDER.indexOf(backdrop) + 1) % ORDER.length];
    setBackdrop(n);
    try {
      window.localStorage.setItem(KEY, n);
    } catch {
      // Private windows may refuse; the choice then lasts this page.
    }
  };
  return [backdrop, next];
}

export function BackdropButton({ backdrop, onNext }: { backdrop: Backdrop; onNext: () => void }) {
  return (
    <button type="button" onClick={onNext} title="What shows through transparent parts (B)"
      aria-label={`Backdrop: ${LABEL[backdrop]}`}>
      <span className={`swatch backdrop-${backdrop}`} aria-hidden="true" /> {LABEL[backdrop]}
    </button>
  );
}
