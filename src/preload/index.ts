/**
 * The preload (sandboxed, context-isolated): exposes `window.cutline`, named methods and
 * subscriptions only — never `ipcRenderer` itself. Its shape is the IPC contract (`satisfies
 * CutlineApi`); main validates every call's sender and arguments.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type CutlineApi, type EventMethod } from '../shared/ipc';

const C = INVOKE_CHANNELS;

function subscribe<M extends EventMethod>(method: M) {
  return (callback: Parameters<CutlineApi[M]>[0]): (() => void) => {
    const { channel } = EVENT_CHANNELS[method];
    const listener = (_event: IpcRendererEvent, payload: unknown) => (callback as (p: unknown) => void)(payload);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  };
}

const cutline = {
  getState: () => ipcRenderer.invoke(C.getState.channel),
  signIn: () => ipcRenderer.invoke(C.signIn.channel),
  signOut: () => ipcRenderer.invoke(C.signOut.channel),
  getBalance: () => ipcRenderer.invoke(C.getBalance.channel),
  listTools: () => ipcRenderer.invoke(C.listTools.channel),
  getLedger: (query) => ipcRenderer.invoke(C.getLedger.channel, query),
  quote: (req) => ipcRenderer.invoke(C.quote.channel, req),
  hold: (req) => ipcRenderer.invoke(C.hold.channel, req),
  capture: (req) => ipcRenderer.invoke(C.capture.channel, req),
  release: (req) => ipcRenderer.invoke(C.release.channel, req),
  openWeb: (req) => ipcRenderer.invoke(C.openWeb.channel, req),
  retryNow: () => ipcRenderer.invoke(C.retryNow.channel),
  setAlertSettings: (settings) => ipcRenderer.invoke(C.setAlertSettings.channel, settings),
  loadProjects: () => ipcRenderer.invoke(C.loadProjects.channel),
  saveProjects: (state) => ipcRenderer.invoke(C.saveProjects.channel, state),
  getPrefs: () => ipcRenderer.invoke(C.getPrefs.channel),
  setPrefs: (prefs) => ipcRenderer.invoke(C.setPrefs.channel, prefs),
  listMedia: () => ipcRenderer.invoke(C.listMedia.channel),
  importMedia: (req) => ipcRenderer.invoke(C.importMedia.channel, req),
  pickMediaFiles: () => ipcRenderer.invoke(C.pickMediaFiles.channel),
  setWindowTitle: (title) => ipcRenderer.invoke(C.setWindowTitle.channel, title),
  onState: subscribe('onState'),
  onBalance: subscribe('onBalance'),
  onLedgerEntry: subscribe('onLedgerEntry'),
  onNotice: subscribe('onNotice'),
  onMenuCommand: subscribe('onMenuCommand'),
} satisfies CutlineApi;

contextBridge.exposeInMainWorld('cutline', cutline);
