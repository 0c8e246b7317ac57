/**
 * The one place the renderer touches `window.cutline` (the preload's / devhost's bridge).
 * Everything else receives a `CutlineApi` from here (component tests pass a fake to the store).
 */
import type { CutlineApi } from '@cutline/contract/ipc';

const windowCutline = (): CutlineApi | undefined => (globalThis as unknown as { cutline?: CutlineApi }).cutline;

/** The bridge the app talks to: the window's. */
export function getCutline(): CutlineApi {
  const api = windowCutline();
  if (!api) {
    throw new Error('window.cutline is missing: the renderer must run inside the Cutline app or its browser host.');
  }
  return api;
}

/** Whether a bridge is available (the window may have been opened outside the app). */
export function hasCutline(): boolean {
  return windowCutline() !== undefined;
}
