/** Builds the real store on a fake bridge, and renders the real app or a part of it. */
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { App } from '../../src/renderer/src/components/App';
import { connectStore, createAppStore, StoreProvider, type CutlineStore } from '../../src/renderer/src/store';
import { FakeCutline, ManualClock } from './fake-cutline';

export interface Harness {
  api: FakeCutline;
  store: CutlineStore;
  clock: ManualClock;
}

let idSeq = 0;

export async function makeStore(
  api: FakeCutline,
  opts: { random?: () => number; failRate?: number } = {},
): Promise<Harness> {
  const clock = new ManualClock();
  const store = createAppStore({
    api,
    random: opts.random ?? (() => 0.5),
    schedule: clock.schedule,
    newId: () => `id-${String(++idSeq).padStart(4, '0')}`,
    now: () => Date.parse('2026-03-01T12:00:00.000Z'),
    job: { stepMs: 100, failRate: opts.failRate ?? 0 },
    saveDelayMs: 50,
  });
  await connectStore(store, api);
  await settle();
  return { api, store, clock };
}

/** Lets pending promise callbacks run (the fake answers with resolved promises). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}

/** Advances the manual clock inside act() and lets the follow-up promises settle. */
export async function advance(h: Harness, ms: number): Promise<void> {
  await act(async () => {
    h.clock.advance(ms);
    await settle();
  });
}

export async function renderWith(h: Harness, ui: ReactNode = <App />) {
  let result!: ReturnType<typeof render>;
  await act(async () => {
    result = render(<StoreProvider store={h.store}>{ui}</StoreProvider>);
    await settle();
  });
  return result;
}

/** Puts clips on the open project's timeline (by media id) and returns their ids. */
export function addClips(h: Harness, ...mediaIds: string[]): string[] {
  return mediaIds.map((m) => h.store.getState().addClip(m)!);
}
