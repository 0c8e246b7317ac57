/**
 * The one place the renderer touches `window.cutline` (the preload's / devhost's bridge).
 * Everything else receives a `CutlineApi` from here, so component tests can inject a fake.
 */
import type { CutlineApi } from '../../shared/ipc';

let injected: CutlineApi | null = null;

/** The bridge the app talks to: an injected one (tests) or the window's. */
export function getCutline(): CutlineApi {
  if (injected) return injected;
  const api = (globalThis as unknown as { cutline?: CutlineApi }).cutline;
  if (!api) {
    throw new Error('window.cutline is missing: the renderer must run inside the Cutline app or its browser host.');
  }
  return api;
}

/** Whether a bridge is available (the window may have been opened outside the app). */
export function hasCutline(): boolean {
  return injected !== null || (globalThis as unknown as { cutline?: CutlineApi }).cutline !== undefined;
}

/** Tests: use this implementation instead of `window.cutline` (null restores the default). */
export function setCutline(api: CutlineApi | null): void {
  injected = api;
}
