/**
 * The timeline's geometry, as pure functions: how long a clip plays (its media trimmed by its
 * in/out points), where each clip starts, time ↔ pixels at a zoom level, zoom steps, snapping,
 * the clip under a time, and the ruler's ticks. No DOM, no store.
 */
export interface ClipTiming {
  inPoint?: number;
  outPoint?: number;
}

/** Shortest a trimmed clip can be, in seconds. */
export const MIN_CLIP_SECONDS = 0.5;

/** Zoom levels in pixels per second, smallest first. */
export const ZOOM_LEVELS = [4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256] as const;
export const DEFAULT_ZOOM = 16;

/** The part of its media a clip plays: [start, end) in media seconds. */
export function clipRange(clip: ClipTiming, mediaDuration: number): { start: number; end: number } {
  const full = Math.max(MIN_CLIP_SECONDS, mediaDuration);
  const start = Math.min(Math.max(0, clip.inPoint ?? 0), full - MIN_CLIP_SECONDS);
  const end = Math.max(start + MIN_CLIP_SECONDS, Math.min(full, clip.outPoint ?? full));
  return { start, end };
}

export function clipDuration(clip: ClipTiming, mediaDuration: number): number {
  const r = clipRange(clip, mediaDuration);
  return r.end - r.start;
}

export interface Placed {
  /** Index on the track. */
  index: number;
  /** Project seconds where the clip starts. */
  start: number;
  duration: number;
  /** Media seconds the clip starts playing at (its in point). */
  mediaStart: number;
}

/** Clips laid end to end from 0. `durationOf` gives each clip's media length. */
export function layout<C extends ClipTiming>(clips: C[], durationOf: (clip: C) => number): { placed: Placed[]; total: number } {
  let t = 0;
  const placed = clips.map((clip, index) => {
    const range = clipRange(clip, durationOf(clip));
    const p = { index, start: t, duration: range.end - range.start, mediaStart: range.start };
    t += p.duration;
    return p;
  });
  return { placed, total: t };
}

export const timeToPx = (seconds: number, pxPerSecond: number): number => seconds * pxPerSecond;
export const pxToTime = (px: number, pxPerSecond: number): number => Math.max(0, px / pxPerSecond);

/** The next zoom level in (`+1`) or out (`-1`) from `current` (which need not be a level). */
export function stepZoom(current: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_LEVELS.find((z) => z > current + 1e-9) ?? ZOOM_LEVELS[ZOOM_LEVELS.length - 1];
  return [...ZOOM_LEVELS].reverse().find((z) => z < current - 1e-9) ?? ZOOM_LEVELS[0];
}

/** The largest zoom level at which `total` seconds fit in `widthPx`. */
export function fitZoom(total: number, widthPx: number): number {
  if (total <= 0 || widthPx <= 0) return DEFAULT_ZOOM;
  return [...ZOOM_LEVELS].reverse().find((z) => total * z <= widthPx) ?? ZOOM_LEVELS[0];
}

/** `value` moved onto the nearest target within `threshold`, or unchanged. */
export function snap(value: number, targets: number[], threshold: number): number {
  let best = value;
  let bestDistance = threshold;
  for (const t of targets) {
    const d = Math.abs(t - value);
    if (d <= bestDistance) {
      best = t;
      bestDistance = d;
    }
  }
  return best;
}

/** Clip boundaries: every clip's start, and the end of the last. */
export function boundaries(placed: Placed[], total: number): number[] {
  return [...placed.map((p) => p.start), total];
}

/**
 * Reordering: the slot (0…clips) a clip dragged to `time` drops into — the nearest clip boundary
 * (drops snap to edges; a track has no gaps).
 */
export function slotAt(time: number, placed: Placed[], total: number): number {
  const edges = boundaries(placed, total);
  let best = 0;
  for (let i = 1; i < edges.length; i++) if (Math.abs(edges[i] - time) < Math.abs(edges[best] - time)) best = i;
  return best;
}

/** The clip playing at project time `t` (the last clip at the very end), or null when empty. */
export function clipAt(placed: Placed[], t: number): { index: number; local: number } | null {
  if (placed.length === 0) return null;
  let lo = 0;
  let hi = placed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (placed[mid].start <= t) lo = mid;
    else hi = mid - 1;
  }
  const p = placed[lo];
  return { index: lo, local: Math.min(Math.max(0, t - p.start), p.duration) };
}

/** New in/out points when an edge of a clip is dragged by `deltaSeconds` (clamped to the media). */
export function trim(clip: ClipTiming, mediaDuration: number, edge: 'in' | 'out', deltaSeconds: number): { inPoint: number; outPoint: number } {
  const { start, end } = clipRange(clip, mediaDuration);
  if (edge === 'in') {
    const inPoint = Math.min(Math.max(0, start + deltaSeconds), end - MIN_CLIP_SECONDS);
    return { inPoint: round3(inPoint), outPoint: round3(end) };
  }
  const outPoint = Math.max(Math.min(mediaDuration, end + deltaSeconds), start + MIN_CLIP_SECONDS);
  return { inPoint: round3(start), outPoint: round3(outPoint) };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Ruler ticks: a "nice" step (1, 2, 5, 10, 15, 30, 60 … s) at least `minGapPx` apart. */
export function rulerStep(pxPerSecond: number, minGapPx = 60): number {
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
  return steps.find((s) => s * pxPerSecond >= minGapPx) ?? 600;
}

export function rulerTicks(total: number, pxPerSecond: number, minGapPx = 60): number[] {
  const step = rulerStep(pxPerSecond, minGapPx);
  const out: number[] = [];
  for (let t = 0; t <= total + step; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/** "0:07.4", "1:02.0" — the time shown next to the play button. */
export function timecode(seconds: number): string {
  const s = Math.max(0, seconds);
  const minutes = Math.floor(s / 60);
  const rest = s - minutes * 60;
  const tenths = Math.floor(rest * 10) / 10;
  return `${minutes}:${tenths.toFixed(1).padStart(4, '0')}`;
}
