/** The timeline's geometry: clip lengths with trims, layout, time ↔ pixels, zoom, snapping, slots, ruler. */
import { describe, expect, it } from 'vitest';
import {
  clipAt,
  clipDuration,
  clipRange,
  DEFAULT_ZOOM,
  fitZoom,
  layout,
  pxToTime,
  rulerStep,
  rulerTicks,
  slotAt,
  snap,
  stepZoom,
  timecode,
  timeToPx,
  trim,
  ZOOM_LEVELS,
} from '../../src/renderer/src/editor/timeline-math';

const clips = [{ d: 8 }, { d: 12, inPoint: 2, outPoint: 6 }, { d: 6 }];
const placedOf = () => layout(clips, (c) => c.d);

describe('clip lengths and layout', () => {
  it('a clip plays its media between its in and out points, clamped to the media', () => {
    expect(clipDuration({}, 8)).toBe(8);
    expect(clipRange({ inPoint: 2, outPoint: 6 }, 12)).toEqual({ start: 2, end: 6 });
    expect(clipRange({ inPoint: -3, outPoint: 99 }, 12)).toEqual({ start: 0, end: 12 });
    // never shorter than half a second
    expect(clipDuration({ inPoint: 5, outPoint: 5 }, 12)).toBe(0.5);
  });

  it('clips start where the previous one ends; the total is the sum', () => {
    const { placed, total } = placedOf();
    expect(placed.map((p) => [p.start, p.duration, p.mediaStart])).toEqual([
      [0, 8, 0],
      [8, 4, 2],
      [12, 6, 0],
    ]);
    expect(total).toBe(18);
  });

  it('finds the clip under a time and the time inside it', () => {
    const { placed } = placedOf();
    expect(clipAt(placed, 0)).toEqual({ index: 0, local: 0 });
    expect(clipAt(placed, 7.9)?.index).toBe(0);
    expect(clipAt(placed, 8)).toEqual({ index: 1, local: 0 });
    expect(clipAt(placed, 13.5)).toEqual({ index: 2, local: 1.5 });
    expect(clipAt(placed, 99)).toEqual({ index: 2, local: 6 });
    expect(clipAt([], 1)).toBeNull();
  });
});

describe('time ↔ pixels and zoom', () => {
  it('converts both ways at a zoom level, never to a negative time', () => {
    expect(timeToPx(2.5, 16)).toBe(40);
    expect(pxToTime(40, 16)).toBe(2.5);
    expect(pxToTime(-10, 16)).toBe(0);
    expect(pxToTime(timeToPx(7.25, 48), 48)).toBe(7.25);
  });

  it('steps through the zoom levels and stops at both ends', () => {
    expect(stepZoom(DEFAULT_ZOOM, 1)).toBe(24);
    expect(stepZoom(DEFAULT_ZOOM, -1)).toBe(12);
    expect(stepZoom(20, 1)).toBe(24);
    expect(stepZoom(20, -1)).toBe(16);
    expect(stepZoom(ZOOM_LEVELS.at(-1)!, 1)).toBe(ZOOM_LEVELS.at(-1));
    expect(stepZoom(ZOOM_LEVELS[0], -1)).toBe(ZOOM_LEVELS[0]);
  });

  it('fit picks the largest level at which the whole timeline fits', () => {
    expect(fitZoom(18, 800)).toBe(32); // 18 × 32 = 576 ≤ 800 < 18 × 48
    expect(fitZoom(10_000, 800)).toBe(ZOOM_LEVELS[0]);
    expect(fitZoom(0, 800)).toBe(DEFAULT_ZOOM);
  });
});

describe('snapping', () => {
  it('moves a value onto the nearest target within the threshold, else leaves it', () => {
    expect(snap(7.8, [0, 8, 12], 0.5)).toBe(8);
    expect(snap(7.2, [0, 8, 12], 0.5)).toBe(7.2);
    expect(snap(10.1, [10, 10.3], 0.5)).toBe(10);
  });

  it('a dragged clip drops into the slot at the nearest clip edge', () => {
    const { placed, total } = placedOf();
    expect(slotAt(0.3, placed, total)).toBe(0);
    expect(slotAt(3.9, placed, total)).toBe(0);
    expect(slotAt(4.1, placed, total)).toBe(1);
    expect(slotAt(11, placed, total)).toBe(2);
    expect(slotAt(17, placed, total)).toBe(3);
  });
});

describe('trimming by dragging an edge', () => {
  it('moves the in or out point by the drag, within the media and keeping half a second', () => {
    expect(trim({}, 10, 'in', 2)).toEqual({ inPoint: 2, outPoint: 10 });
    expect(trim({}, 10, 'out', -3)).toEqual({ inPoint: 0, outPoint: 7 });
    expect(trim({ inPoint: 2 }, 10, 'in', -5)).toEqual({ inPoint: 0, outPoint: 10 });
    expect(trim({}, 10, 'out', 4)).toEqual({ inPoint: 0, outPoint: 10 });
    expect(trim({ inPoint: 2, outPoint: 4 }, 10, 'in', 9)).toEqual({ inPoint: 3.5, outPoint: 4 });
  });
});

describe('the ruler and the time shown', () => {
  it('ticks are a nice step at least 60 px apart', () => {
    expect(rulerStep(16)).toBe(5);
    expect(rulerStep(64)).toBe(1);
    expect(rulerStep(4)).toBe(15);
    expect(rulerTicks(18, 16)).toEqual([0, 5, 10, 15, 20]);
  });

  it('shows minutes, seconds and tenths', () => {
    expect(timecode(0)).toBe('0:00.0');
    expect(timecode(7.46)).toBe('0:07.4');
    expect(timecode(62)).toBe('1:02.0');
  });
});
