// @vitest-environment happy-dom
/**
 * The timeline re-renders a clip only when that clip's own data changes. A running job updates
 * the store's `jobs` every step (a new array each time) and moves the balance at its hold and
 * capture: the clip under the job re-renders to show its progress, every other clip stays as it
 * was. Renders are counted through the clip's thumbnail, a plain child each clip renders on
 * every render of its own (replaced here by a counting wrapper around the real one).
 */
import { act, cleanup, screen } from '@testing-library/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Timeline } from '../../src/renderer/src/components/Timeline';
import { proAccount } from './fake-cutline';
import { addClips, advance, makeStore, renderWith } from './harness';

const renders = vi.hoisted(() => new Map<string, number>());

vi.mock('../../src/renderer/src/components/Thumb', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/renderer/src/components/Thumb')>();
  return {
    ...real,
    Thumb: (props: ComponentProps<typeof real.Thumb>) => {
      renders.set(props.mediaId, (renders.get(props.mediaId) ?? 0) + 1);
      return real.Thumb(props);
    },
  };
});

afterEach(() => {
  cleanup();
  renders.clear();
});

const counts = () => Object.fromEntries(renders);

describe('timeline renders', () => {
  it('a running job re-renders its own clip at each step and no other clip', async () => {
    const h = await makeStore(proAccount());
    const [, busy] = addClips(h, 'sunrise', 'city-night', 'forest-trail');
    await renderWith(h, <Timeline />);
    expect(screen.getAllByRole('option')).toHaveLength(3);
    const before = counts();
    expect(Object.keys(before).sort()).toEqual(['city-night', 'forest-trail', 'sunrise']);

    // the hold moves the balance and the account state; the job starts on the middle clip
    await act(async () => {
      await h.store.getState().startAction('ai-portrait', { clipId: busy });
      await h.store.getState().confirmFlow();
    });
    const progress = () => Number(screen.getByTestId('clip-progress').getAttribute('value'));
    expect(progress()).toBe(0);

    const jobsArrays = new Set<unknown>([h.store.getState().jobs]);
    for (let step = 0; step < 6; step++) {
      await advance(h, 100);
      jobsArrays.add(h.store.getState().jobs);
    }
    // each step made a new jobs array, and the busy clip showed each step
    expect(jobsArrays.size).toBe(7);
    expect(progress()).toBeGreaterThan(0);
    const during = counts();
    expect(during['city-night'] - before['city-night']).toBeGreaterThanOrEqual(6);
    expect({ sunrise: during.sunrise, 'forest-trail': during['forest-trail'] }).toEqual({ sunrise: before.sunrise, 'forest-trail': before['forest-trail'] });

    // to the end: captured, the result on the clip (its own data again), the others untouched
    for (let step = 0; step < 30 && h.store.getState().jobForClip(busy); step++) await advance(h, 100);
    expect(h.store.getState().jobForClip(busy)).toBeUndefined();
    expect(screen.getByRole('option', { name: /City at night.*1 AI result/ })).toBeTruthy();
    const after = counts();
    expect({ sunrise: after.sunrise, 'forest-trail': after['forest-trail'] }).toEqual({ sunrise: before.sunrise, 'forest-trail': before['forest-trail'] });
  });

  it('editing one clip re-renders that clip only; zooming re-renders them all', async () => {
    const h = await makeStore(proAccount());
    const [first] = addClips(h, 'sunrise', 'city-night');
    await renderWith(h, <Timeline />);
    const before = counts();

    act(() => h.store.getState().renameClip(first, 'Morning'));
    expect(screen.getByRole('option', { name: /^Morning/ })).toBeTruthy();
    const renamed = counts();
    expect(renamed.sunrise).toBeGreaterThan(before.sunrise);
    expect(renamed['city-night']).toBe(before['city-night']);

    act(() => h.store.getState().zoom(1));
    const zoomed = counts();
    expect(zoomed.sunrise).toBeGreaterThan(renamed.sunrise);
    expect(zoomed['city-night']).toBeGreaterThan(renamed['city-night']);
  });
});
