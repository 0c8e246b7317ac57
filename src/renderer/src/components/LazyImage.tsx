/**
 * A thumbnail that is put in only once its box comes into view (IntersectionObserver; the
 * timeline and the media list clip their overflow, so a clip scrolled off is not in view). Until
 * then an empty box of the same size stands in its place (`.lazy-image-pending` has the image's
 * box in app.css), so nothing moves when the picture arrives; once shown, it stays. The editor
 * becomes interactive without decoding every clip's picture first (`npm run bench:ui`). Without
 * an IntersectionObserver the picture is shown at once.
 */
import { useEffect, useRef, useState } from 'react';

/** How far outside the viewport a box may be and still load (a little ahead of scrolling). */
const AHEAD = '200px';

/** One observer for every waiting box, alive while any box waits. */
let observer: IntersectionObserver | null = null;
const waiting = new Map<Element, () => void>();

function unwatch(el: Element): void {
  waiting.delete(el);
  observer?.unobserve(el);
  if (waiting.size === 0) {
    observer?.disconnect();
    observer = null;
  }
}

/** Calls `show` once when `el` comes into view; returns the way to stop waiting. */
function watch(el: Element, show: () => void): () => void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const shown = entry.isIntersecting ? waiting.get(entry.target) : undefined;
        if (!shown) continue;
        unwatch(entry.target);
        shown();
      }
    },
    { rootMargin: AHEAD },
  );
  waiting.set(el, show);
  observer.observe(el);
  return () => unwatch(el);
}

export function LazyImage({ src, alt }: { src: string; alt: string }) {
  const [shown, setShown] = useState(() => typeof IntersectionObserver === 'undefined');
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const el = box.current;
    if (shown || !el) return;
    return watch(el, () => setShown(true));
  }, [shown]);
  if (shown) return <img className="lazy-image" src={src} alt={alt} draggable={false} decoding="async" />;
  return (
    <span
      ref={box}
      className="lazy-image lazy-image-pending"
      role={alt ? 'img' : undefined}
      aria-label={alt || undefined}
      aria-hidden={alt ? undefined : true}
      data-testid="thumbnail-pending"
    />
  );
}
