/**
 * The editor's window-wide parts with no picture of their own: the playback clock
 * (requestAnimationFrame while playing), keyboard shortcuts, the window title, and keeping a file
 * dropped outside the media panel from opening in the window.
 */
import { useEffect } from 'react';
import { flushSync } from 'react-dom';
import { useApp, useCutlineStore, type CutlineStore } from '../store';

const FRAME_MEASURE = 'cutline:frame';

/** Advances the playhead by real elapsed time; each frame's work is measured for `npm run bench:ui`. */
export function PlaybackClock() {
  const store = useCutlineStore();
  const playing = useApp((s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let raf = requestAnimationFrame(function tick(now) {
      const start = performance.now();
      // rendered inside the frame (not in a later microtask), so the measure covers the whole update
      flushSync(() => store.getState().advance(Math.max(0, (now - last) / 1000)));
      last = now;
      performance.measure(FRAME_MEASURE, { start, end: performance.now() });
      if (performance.getEntriesByName(FRAME_MEASURE).length > 5000) performance.clearMeasures(FRAME_MEASURE);
      raf = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(raf);
  }, [playing, store]);
  return null;
}

/** Where typing means text, or a dialog / menu owns the keys. */
function keysBelongElsewhere(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('input, textarea, select, [contenteditable="true"], [role="dialog"], [role="alertdialog"], [role="menu"]')) return true;
  return false;
}

export function handleEditorKey(store: CutlineStore, e: KeyboardEvent, openShortcuts: () => void): boolean {
  const s = store.getState();
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key;
  if (mod && !e.altKey) {
    if (key.toLowerCase() === 'z' && !e.shiftKey) s.undo();
    else if ((key.toLowerCase() === 'z' && e.shiftKey) || key.toLowerCase() === 'y') s.redo();
    else if (key === '=' || key === '+') s.zoom(1);
    else if (key === '-' || key === '_') s.zoom(-1);
    else if (key === '0') window.dispatchEvent(new CustomEvent('cutline:zoom-fit'));
    else if (key.toLowerCase() === 'i') void s.pickAndImport();
    else return false;
    return true;
  }
  if (e.altKey || mod) return false;
  if (key === ' ' && !(e.target instanceof HTMLButtonElement)) s.togglePlay();
  else if (key === 'k' || key === 'K') s.pause();
  else if (key === 'l' || key === 'L') s.play();
  else if (key === 'j' || key === 'J') s.nudge(-1);
  else if ((key === 'ArrowLeft' || key === 'ArrowRight') && (e.shiftKey || !(e.target as HTMLElement | null)?.closest?.('[role="option"]'))) {
    // arrows nudge the playhead (a tenth of a second, a second with Shift); on a clip they select clips
    s.nudge((key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 1 : 0.1));
  } else if (key === 'F1') openShortcuts();
  else return false;
  return true;
}

export function EditorKeys({ onShortcuts }: { onShortcuts: () => void }) {
  const store = useCutlineStore();
  const name = useApp((s) => s.projects.find((p) => p.id === s.openProjectId)?.name);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || keysBelongElsewhere(e.target)) return;
      if (handleEditorKey(store, e, onShortcuts)) e.preventDefault();
    };
    // a file dropped anywhere but the media panel must not replace the editor
    const guard = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragover', guard);
    window.addEventListener('drop', guard);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragover', guard);
      window.removeEventListener('drop', guard);
    };
  }, [store, onShortcuts]);

  useEffect(() => {
    store.getState().showWindowTitle(name ? `${name} — Cutline` : 'Cutline');
  }, [name, store]);
  return null;
}
