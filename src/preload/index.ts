/**
 * The preload (sandboxed, context-isolated): exposes `window.cutline`, named methods and
 * subscriptions only — never `ipcRenderer` itself. Its shape comes from the channel map
 * (`createCutlineClient`); main validates every call's sender and arguments. It imports only
 * the zod-free channel map, so the bundle stays a few KB.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CutlineApi } from '@cutline/contract/ipc';
import { createCutlineClient } from '@cutline/contract/ipc-channels';

const cutline = createCutlineClient<CutlineApi>(
  (_method, channel, args) => ipcRenderer.invoke(channel, ...args),
  (_method, channel, callback) => {
    const listener = (_event: IpcRendererEvent, payload: unknown) => callback(payload);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  },
);

contextBridge.exposeInMainWorld('cutline', cutline);
