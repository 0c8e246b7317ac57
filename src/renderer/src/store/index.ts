/**
 * The renderer's state: one zustand store built from slices, with its dependencies injected
 * (the bridge, the jobs' randomness and clock), so tests build their own.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { realSchedule } from '../jobs/simulate';
import { createAccountSlice } from './account';
import { createActivitySlice } from './activity';
import { createProjectCostSlice } from './project-cost';
import { createFlowSlice } from './flow';
import { probeMedia } from '../editor/media-probe';
import { createJobsSlice } from './jobs';
import { createMediaSlice } from './media';
import { createNoticesSlice } from './notices';
import { createPlaybackSlice } from './playback';
import { createProjectsSlice } from './projects';
import { createCrashReportingSlice } from './crash-reporting';
import { createUpdatesSlice } from './updates';
import type { MenuCommand } from '@cutline/contract/ipc';
import type { AppStore, Deps } from './types';

export type { AppStore, Deps } from './types';
export type CutlineStore = StoreApi<AppStore>;

export const DEFAULT_JOB = { stepMs: 200, failRate: 0.1 };

export function createAppStore(deps: Partial<Deps> & Pick<Deps, 'api'>): CutlineStore {
  const full: Deps = {
    random: Math.random,
    schedule: realSchedule,
    newId: () => crypto.randomUUID(),
    now: Date.now,
    job: DEFAULT_JOB,
    saveDelayMs: 400,
    probe: probeMedia,
    ...deps,
  };
  return createStore<AppStore>()((set, get) => ({
    ...createAccountSlice(full, set, get),
    ...createActivitySlice(full, set, get),
    ...createProjectCostSlice(full, set, get),
    ...createProjectsSlice(full, set, get),
    ...createMediaSlice(full, set, get),
    ...createPlaybackSlice(full, set, get),
    ...createFlowSlice(full, set, get),
    ...createJobsSlice(full, set, get),
    ...createNoticesSlice(full, set, get),
    ...createUpdatesSlice(full, set, get),
    ...createCrashReportingSlice(full, set, get),
  }));
}

/**
 * Subscribes the store to the bridge's pushes, then loads the initial state.
 * Returns the unsubscribe. Subscribing first means no push is lost during the load.
 */
export async function connectStore(store: CutlineStore, api: Deps['api']): Promise<() => void> {
  const s = store.getState;
  const offs = [
    api.onState((st) => s().setAppState(st)),
    api.onBalance((b) => s().applyBalance(b)),
    api.onLedgerEntries((e) => s().addLedgerEntries(e)),
    api.onNotice((n) => s().handleCoreNotice(n)),
    api.onChargeSettled((c) => s().chargeSettled(c)),
    api.onMenuCommand((c) => runMenuCommand(store, c)),
    api.onUpdateStatus((u) => s().setUpdateStatus(u)),
  ];
  // The open project's cost follows the open project and the account.
  offs.push(
    store.subscribe((st, prev) => {
      if (st.openProjectId !== prev.openProjectId || st.accountEpoch !== prev.accountEpoch || (st.app?.account?.id ?? null) !== (prev.app?.account?.id ?? null)) {
        void st.loadProjectCost();
      }
    }),
  );
  // The network came back (the OS says so): reconnect now instead of waiting out the backoff.
  const onOnline = () => {
    const app = s().app;
    if (app?.account && app.connection !== 'online') void s().retryNow();
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('online', onOnline);
    offs.push(() => window.removeEventListener('online', onOnline));
  }
  // the app's own update status and crash-report choice: not needed to start editing
  void s().loadUpdateStatus();
  void s().loadCrashReporting();
  // Every request goes out at once; the projects are applied after the media (the timeline's clip
  // lengths come from it).
  const media = s().loadMedia();
  const [state, prefs] = await Promise.all([api.getState(), api.getPrefs().catch(() => null), media, s().loadProjects(media)]);
  if (prefs) store.setState({ prefs });
  // A state pushed while we were loading is at least as new as the answer: keep it.
  if (s().app === null) s().setAppState(state);
  // The projects are here: pick up the account's open charges (a restart, a reload).
  if (s().app?.account) void s().resumeOpenCharges();
  return () => offs.forEach((off) => off());
}

/** Carries out a command of the application menu (Electron) or the editor's toolbar. */
export function runMenuCommand(store: CutlineStore, command: MenuCommand): void {
  const s = store.getState();
  switch (command) {
    case 'new-project':
      s.createProject();
      break;
    case 'import-media':
      void s.pickAndImport();
      break;
    case 'undo':
      s.undo();
      break;
    case 'redo':
      s.redo();
      break;
    case 'play-pause':
      s.togglePlay();
      break;
    case 'zoom-in':
      s.zoom(1);
      break;
    case 'zoom-out':
      s.zoom(-1);
      break;
    case 'zoom-fit':
      window.dispatchEvent(new CustomEvent('cutline:zoom-fit'));
      break;
    case 'shortcuts':
      window.dispatchEvent(new CustomEvent('cutline:shortcuts'));
      break;
  }
}

const StoreContext = createContext<CutlineStore | null>(null);

export function StoreProvider({ store, children }: { store: CutlineStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

export function useCutlineStore(): CutlineStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside StoreProvider');
  return store;
}

/** Reads from the store; the selector must return a stable value (a field, not a new object). */
export function useApp<T>(selector: (s: AppStore) => T): T {
  return useStore(useCutlineStore(), selector);
}
