/**
 * The app's own updates as the window shows them: main's update controller is the one source
 * (`getUpdateStatus`, `onUpdateStatus`); the banner and the settings dialog call its actions.
 */
import type { UpdateStatus } from '@cutline/contract/app-updates';
import type { Deps, Get, Set } from './types';

export interface UpdatesSlice {
  /** Main's update status; null until it answers. */
  update: UpdateStatus | null;
  setUpdateStatus(status: UpdateStatus): void;
  loadUpdateStatus(): Promise<void>;
  /** Each returns an error sentence, or null. */
  checkForUpdates(): Promise<string | null>;
  restartToUpdate(): Promise<string | null>;
  deferUpdate(): Promise<string | null>;
}

export function createUpdatesSlice(deps: Deps, set: Set, _get: Get): UpdatesSlice {
  // Main pushes every change of status; an action's answer may arrive after a newer push, so only
  // its refusal is used here.
  const act = async (run: () => ReturnType<Deps['api']['restartToUpdate']>): Promise<string | null> => {
    try {
      const result = await run();
      return result.ok ? null : result.error.message;
    } catch {
      return 'Cutline could not reach its background process. Restart the app.';
    }
  };
  return {
    update: null,
    setUpdateStatus: (update) => set({ update }),
    async loadUpdateStatus() {
      const update = await deps.api.getUpdateStatus().catch(() => null);
      if (update) set((s) => (s.update === null ? { update } : {}));
    },
    checkForUpdates: () => act(() => deps.api.checkForUpdates()),
    restartToUpdate: () => act(() => deps.api.restartToUpdate()),
    deferUpdate: () => act(() => deps.api.deferUpdate()),
  };
}
