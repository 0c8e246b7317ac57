/**
 * The browser host's `window.cutline`: the same `CutlineApi` the Electron preload exposes, carried
 * over a WebSocket to the core running in Node. Served as a classic script before the renderer
 * bundle (so `window.cutline` exists when the renderer starts); calls made before the socket is
 * open wait for it.
 *
 * The host can go away (stopped, restarted): the page then hears, as a state change, that the app
 * is offline because its host stopped — AI tools off with that reason, editing on (calls wait) —
 * and reconnects by itself (every second, at most 3 s apart); once the host answers again, the
 * page is given the host's current state, from which it resyncs as after any reconnect. Runs in the page, bundled by esbuild at the host's start with the zod-free
 * channel map (`createCutlineClient`); no DOM lib in this project's Node tsconfig, so the few
 * browser globals used are typed locally.
 */
import type { AppState, CutlineApi } from '@cutline/contract/ipc';
import { createCutlineClient, EVENT_METHODS, type EventMethod, type InvokeMethod } from '@cutline/contract/ipc-channels';
import type { ServerMessage } from '../bridge-protocol';

interface BrowserSocket {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
interface FileLike {
  name: string;
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
interface FileInput {
  type: string;
  multiple: boolean;
  accept: string;
  files: ArrayLike<FileLike> | null;
  addEventListener(type: 'change' | 'cancel', listener: () => void): void;
  click(): void;
}
interface BrowserGlobals {
  document: { title: string; createElement(tag: 'input'): FileInput };
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: Uint8Array }): Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;
  WebSocket: new (url: string) => BrowserSocket;
  location: { protocol: string; host: string };
  open(url: string, target: string, features: string): unknown;
  setTimeout(fn: () => void, ms: number): unknown;
  cutline?: CutlineApi;
}

(() => {
  const page = globalThis as unknown as BrowserGlobals;
  const url = `${page.location.protocol === 'https:' ? 'wss' : 'ws'}://${page.location.host}/__cutline/bridge`;
  const OPEN = 1;
  let socket: BrowserSocket | null = null;
  let nextId = 1;
  const pending = new Map<number, { method: InvokeMethod; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const outbox: string[] = [];
  const listeners = new Map<EventMethod, Set<(payload: unknown) => void>>(EVENT_METHODS.map((m) => [m, new Set()]));
  const emit = (name: EventMethod, payload: unknown) => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };
  /** The app state the page last heard (events and getState answers): what "the host is gone" is based on. */
  let lastState: AppState | null = null;
  /** The host went away since the page last heard from it. */
  let lost = false;
  let failures = 0;
  const HOST_GONE =
    "Cutline's host stopped, so AI tools are off. Reconnecting… Editing still works and is saved when it is back.";

  const connect = () => {
    const ws = new page.WebSocket(url);
    socket = ws;
    ws.addEventListener('open', () => {
      failures = 0;
      if (lost) {
        lost = false;
        // back: the host's state now (a restarted host may know another account, or none)
        void invoke('getState', []).then(
          (state) => emit('onState', state),
          () => {},
        );
      }
      for (const message of outbox.splice(0)) ws.send(message);
    });
    ws.addEventListener('message', (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'result') {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        if (message.ok) {
          if (call.method === 'getState') lastState = message.value as AppState;
          call.resolve(message.value);
        } else call.reject(new Error(message.error));
      } else if (message.type === 'event') {
        if (message.name === 'onState') lastState = message.payload as AppState;
        emit(message.name, message.payload);
      } else if (message.type === 'open') {
        page.open(message.url, '_blank', 'noopener,noreferrer');
      }
    });
    ws.addEventListener('close', () => {
      for (const call of pending.values()) call.reject(new Error('The Cutline host went away.'));
      pending.clear();
      socket = null;
      if (!lost && lastState) emit('onState', { ...lastState, connection: 'offline', offlineReason: HOST_GONE } satisfies AppState);
      lost = true;
      page.setTimeout(connect, Math.min(1000 * ++failures, 3000));
    });
  };

  const invoke = (method: InvokeMethod, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { method, resolve, reject });
      const message = JSON.stringify({ type: 'invoke', id, method, args });
      if (socket && socket.readyState === OPEN) socket.send(message);
      else outbox.push(message);
    });

  // Media files go over HTTP, not the JSON socket: [4-byte JSON length][JSON {name,type,meta}][bytes].
  const importMedia: CutlineApi['importMedia'] = async (req) => {
    const head = new TextEncoder().encode(JSON.stringify({ name: req.name, type: req.type, meta: req.meta }));
    const body = new Uint8Array(4 + head.length + req.bytes.byteLength);
    new DataView(body.buffer).setUint32(0, head.length);
    body.set(head, 4);
    body.set(req.bytes, 4 + head.length);
    const response = await page.fetch('/__cutline/media', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    return (await response.json()) as Awaited<ReturnType<CutlineApi['importMedia']>>;
  };

  // The browser host's "file dialog" is a file input; resolves with [] when the user cancels.
  const pickMediaFiles: CutlineApi['pickMediaFiles'] = () =>
    new Promise((resolve) => {
      const input = page.document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.accept = 'video/*,audio/*,image/*';
      input.addEventListener('cancel', () => resolve({ ok: true, value: [] }));
      input.addEventListener('change', () => {
        void Promise.all(
          Array.from(input.files ?? []).map(async (f) => ({ name: f.name, type: f.type, bytes: new Uint8Array(await f.arrayBuffer()) })),
        ).then(
          (value) => resolve({ ok: true, value }),
          () => resolve({ ok: false, error: { code: 'internal', message: 'The chosen files could not be read.' } }),
        );
      });
      input.click();
    });

  const setWindowTitle: CutlineApi['setWindowTitle'] = async (title) => {
    page.document.title = title;
  };

  // Every method goes over the socket except the three that belong to the page: the media upload
  // (HTTP), the file input and the document's title.
  const cutline: CutlineApi = {
    ...createCutlineClient<CutlineApi>(
      (method, _channel, args) => invoke(method, args),
      (method, _channel, listener) => {
        const set = listeners.get(method)!;
        set.add(listener);
        return () => {
          set.delete(listener);
        };
      },
    ),
    importMedia,
    pickMediaFiles,
    setWindowTitle,
  };

  Object.defineProperty(page, 'cutline', { value: Object.freeze(cutline), enumerable: true });
  connect();
})();
