/** `window.cutline`, as the preload (Electron) or the bridge client (browser host) exposes it. */
import type { CutlineApi } from '@cutline/contract/ipc';

declare global {
  interface Window {
    readonly cutline: CutlineApi;
  }
}

export {};
