/** `window.cutline`, as the preload (Electron) or the bridge client (browser host) exposes it. */
import type { CutlineApi } from '../shared/ipc';

declare global {
  interface Window {
    readonly cutline: CutlineApi;
  }
}

export {};
