/** The playhead, play/pause and the timeline's zoom. The clock itself is the PlaybackClock component (requestAnimationFrame). */
import { projectLayout } from '../editor/project-layout';
import { DEFAULT_ZOOM, stepZoom, ZOOM_LEVELS } from '../editor/timeline-math';
import type { Deps, Get, PlaybackSlice, Set } from './types';

export function createPlaybackSlice(_deps: Deps, set: Set, get: Get): PlaybackSlice {
  const total = () => {
    const p = get().projects.find((x) => x.id === get().openProjectId);
    return p ? projectLayout(p.clips).total : 0;
  };
  const clamp = (t: number) => Math.min(Math.max(0, t), total());

  return {
    playhead: 0,
    playing: false,
    pxPerSecond: DEFAULT_ZOOM,

    play() {
      const end = total();
      if (end <= 0) return;
      // at the end, play starts over
      set({ playing: true, playhead: get().playhead >= end - 1e-3 ? 0 : get().playhead });
    },
    pause() {
      if (get().playing) set({ playing: false });
    },
    togglePlay() {
      if (get().playing) get().pause();
      else get().play();
    },
    seek(seconds) {
      const t = clamp(seconds);
      if (t !== get().playhead) set({ playhead: t });
    },
    nudge(seconds) {
      get().seek(get().playhead + seconds);
    },
    advance(seconds) {
      if (!get().playing) return;
      const end = total();
      const t = get().playhead + seconds;
      if (t >= end) set({ playhead: end, playing: false });
      else set({ playhead: t });
    },
    zoom(direction) {
      set({ pxPerSecond: stepZoom(get().pxPerSecond, direction) });
    },
    setZoom(px) {
      set({ pxPerSecond: Math.min(ZOOM_LEVELS[ZOOM_LEVELS.length - 1], Math.max(ZOOM_LEVELS[0], px)) });
    },
    totalSeconds: total,
  };
}
