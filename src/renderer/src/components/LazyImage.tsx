/**
 * A thumbnail that is put in only once its box comes into view (IntersectionObserver; the
 * timeline and the media list clip their overflow, so a clip scrolled off is not in view). Until
 * then an empty box of the same size stands in its place (`.lazy-image` has the image's box in
 * app.css), so nothing moves when the picture arrives; once shown, it stays. The editor becomes
 * interactive without decoding every clip's picture first (`npm run bench:ui`). Without an
 * IntersectionObserver the picture is shown at once.
 */
import { useEffect, useRef, useState } from 'react';

/** How far outside the viewport a box may be and still load (a little ahead of scrolling). */
const AHEAD = '200px';

export function LazyImage({ src, alt, className }: { src: string; alt: string; className?: string }) {
  const [shown, setShown] = useState(() => typeof IntersectionObserver === 'undefined');
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const el = box.current;
    if (shown || !el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        setShown(true);
      },
      { rootMargin: AHEAD },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [shown]);
  const classes = ['lazy-image', className].filter(Boolean).join(' ');
  if (shown) return <img className={classes} src={src} alt={alt} draggable={false} decoding="async" />;
  return <span ref={box} className={`${classes} lazy-image-pending`} role={alt ? 'img' : undefined} aria-label={alt || undefined} aria-hidden={alt ? undefined : true} data-testid="thumbnail-pending" />;
}
