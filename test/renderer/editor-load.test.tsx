// @vitest-environment happy-dom
/**
 * The editor's start with imported clips: media and projects are asked for at once (the projects
 * applied once the media is in), and the small thumbnails (timeline, media list) are put in only
 * when they come into view, an empty box of the same size until then.
 */
import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaRecord, ProjectsState } from '@cutline/contract/ipc';
import { connectStore, createAppStore } from '../../src/renderer/src/store';
import { FakeCutline, ManualClock } from './fake-cutline';
import { makeStore, renderWith, settle } from './harness';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const PIXEL = 'data:image/jpeg;base64,/9j/4AAQSkZJRg==';

function record(i: number, duration: number): MediaRecord {
  const id = `m-${String(i).padStart(8, '0')}`;
  return { id, name: `Take ${i}`, kind: 'video', mime: 'video/webm', size: 1000, importedAt: '2026-03-01T12:00:00.000Z', url: `/media/${id}`, duration, thumbnail: `${PIXEL}${i}` };
}

function projectOf(media: MediaRecord[]): ProjectsState {
  return {
    projects: [
      {
        id: 'p1',
        name: 'Takes',
        createdAt: '2026-03-01T12:00:00.000Z',
        updatedAt: '2026-03-01T12:00:00.000Z',
        clips: media.map((m, i) => ({ id: `c${i + 1}`, mediaId: m.id, name: m.name, effects: [] })),
      },
    ],
    openProjectId: 'p1',
  };
}

function withTakes(n: number): FakeCutline {
  const api = new FakeCutline();
  api.media = Array.from({ length: n }, (_, i) => record(i + 1, 2 + i));
  api.projects = projectOf(api.media);
  return api;
}

/** An IntersectionObserver the test drives: which boxes are watched, and "this one came into view". */
class FakeObserver {
  static all: FakeObserver[] = [];
  readonly targets = new Set<Element>();
  constructor(private readonly callback: IntersectionObserverCallback) {
    FakeObserver.all.push(this);
  }
  observe(el: Element) {
    this.targets.add(el);
  }
  unobserve(el: Element) {
    this.targets.delete(el);
  }
  disconnect() {
    this.targets.clear();
  }
  takeRecords() {
    return [];
  }
  static report(el: Element, isIntersecting: boolean) {
    for (const o of FakeObserver.all.filter((x) => x.targets.has(el))) {
      o.callback([{ target: el, isIntersecting } as IntersectionObserverEntry], o as unknown as IntersectionObserver);
    }
  }
  static watched(): Element[] {
    return FakeObserver.all.flatMap((o) => [...o.targets]);
  }
}

function useFakeObserver() {
  FakeObserver.all = [];
  vi.stubGlobal('IntersectionObserver', FakeObserver);
}

const timelineClip = (name: string) => screen.getByRole('option', { name: new RegExp(`^${name} ?,`) });
const mediaItem = (name: string) => within(screen.getByRole('list', { name: 'Your media' })).getByText(name).closest('li')!;

describe('loading the editor', () => {
  it('asks for the media and the projects at once, and applies the projects once the media is in', async () => {
    const api = withTakes(2);
    let release!: () => void;
    api.listMedia = () => new Promise<MediaRecord[]>((resolve) => (release = () => resolve(structuredClone(api.media))));
    const store = createAppStore({ api, schedule: new ManualClock().schedule, saveDelayMs: 10 });
    const connected = connectStore(store, api);
    await settle();
    expect(api.calls.map(([name]) => name)).toContain('loadProjects');
    expect(store.getState().projectsLoaded).toBe(false);
    expect(store.getState().projects).toEqual([]);

    release();
    await connected;
    expect(store.getState().projectsLoaded).toBe(true);
    expect(store.getState().library.map((m) => m.name)).toEqual(['Take 1', 'Take 2']);
    // the clips' lengths come from the media: 2 s + 3 s
    expect(store.getState().totalSeconds()).toBe(5);
  });

  it('the projects still load when the media cannot be', async () => {
    const api = withTakes(1);
    api.listMedia = () => Promise.reject(new Error('gone'));
    const h = await makeStore(api);
    expect(h.store.getState().projectsLoaded).toBe(true);
    expect(h.store.getState().projects[0].clips.map((c) => c.id)).toEqual(['c1']);
    expect(h.store.getState().notices.map((n) => n.text)).toContain('Your imported media could not be loaded.');
  });
});

describe('thumbnails', () => {
  it('a clip or media item out of view shows an empty box of the picture size; in view, its thumbnail', async () => {
    useFakeObserver();
    const h = await makeStore(withTakes(3));
    await renderWith(h);
    const clip = timelineClip('Take 2');
    const pending = within(clip).getByTestId('thumbnail-pending');
    // the box takes the picture's place inside the clip's 16:9 thumbnail frame
    expect(pending.parentElement!.className).toContain('thumb-small');
    expect(pending.className).toBe('lazy-image lazy-image-pending');
    expect(clip.querySelector('img')).toBeNull();
    expect(mediaItem('Take 2').querySelector('img')).toBeNull();
    expect(within(mediaItem('Take 2')).getByTestId('thumbnail-pending')).toBeTruthy();
    // 3 clips, 3 imported and 6 sample media items: each box watched for coming into view
    expect(screen.getAllByTestId('thumbnail-pending')).toHaveLength(12);
    expect(new Set(FakeObserver.watched())).toEqual(new Set(screen.getAllByTestId('thumbnail-pending')));

    act(() => FakeObserver.report(pending, false));
    expect(clip.querySelector('img')).toBeNull();

    act(() => FakeObserver.report(pending, true));
    expect(clip.querySelector('img')?.getAttribute('src')).toBe(`${PIXEL}2`);
    expect(within(clip).queryByTestId('thumbnail-pending')).toBeNull();
    // the others wait for their turn
    expect(timelineClip('Take 1').querySelector('img')).toBeNull();
    expect(mediaItem('Take 2').querySelector('img')).toBeNull();
    expect(screen.getAllByTestId('thumbnail-pending')).toHaveLength(11);
    expect(new Set(FakeObserver.watched())).toEqual(new Set(screen.getAllByTestId('thumbnail-pending')));

    const item = mediaItem('Take 3');
    act(() => FakeObserver.report(within(item).getByTestId('thumbnail-pending'), true));
    expect(item.querySelector('img')?.getAttribute('src')).toBe(`${PIXEL}3`);
  });

  it('a shown thumbnail stays when the clip changes and is no longer watched; one observer watches them all', async () => {
    useFakeObserver();
    const h = await makeStore(withTakes(1));
    await renderWith(h);
    act(() => FakeObserver.report(within(timelineClip('Take 1')).getByTestId('thumbnail-pending'), true));
    act(() => h.store.getState().renameClip('c1', 'Opening'));
    expect(timelineClip('Opening').querySelector('img')?.getAttribute('src')).toBe(`${PIXEL}1`);
    expect(within(timelineClip('Opening')).queryByTestId('thumbnail-pending')).toBeNull();
    expect(FakeObserver.watched()).not.toContain(timelineClip('Opening').querySelector('.thumb')!.firstElementChild);
    expect(new Set(FakeObserver.watched())).toEqual(new Set(screen.getAllByTestId('thumbnail-pending')));
    expect(FakeObserver.all).toHaveLength(1);
  });

  it('without an IntersectionObserver every thumbnail is shown at once', async () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    const h = await makeStore(withTakes(2));
    await renderWith(h);
    expect(timelineClip('Take 1').querySelector('img')?.getAttribute('src')).toBe(`${PIXEL}1`);
    expect(mediaItem('Take 2').querySelector('img')?.getAttribute('src')).toBe(`${PIXEL}2`);
    expect(screen.queryAllByTestId('thumbnail-pending')).toEqual([]);
  });
});
