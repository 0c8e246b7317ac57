/** The open project's clips laid out in time (memoized per clips array: edits make a new one). */
import type { Clip } from '@cutline/contract/ipc';
import { mediaById } from '../media';
import { layout, type Placed } from './timeline-math';

const cache = new WeakMap<Clip[], { placed: Placed[]; total: number }>();

export function mediaDurationOf(clip: Clip): number {
  return mediaById(clip.mediaId)?.duration ?? 5;
}

export function projectLayout(clips: Clip[]): { placed: Placed[]; total: number } {
  let hit = cache.get(clips);
  if (!hit) {
    hit = layout(clips, mediaDurationOf);
    cache.set(clips, hit);
  }
  return hit;
}
